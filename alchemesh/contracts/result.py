"""What a contract check found: the contracts that differ and the findings about them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from alchemesh.findings import Finding, Report

Status = Literal["added", "removed", "changed", "moved"]


@dataclass(frozen=True, slots=True)
class ContractStatus:
    id: str
    status: Status
    old_version: str | None
    new_version: str | None
    file: str
    old_file: str | None
    mode: str
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class ContractReport:
    report: Report
    contracts: tuple[ContractStatus, ...]
    base: str
    note: str | None = None  # what the reader should know about the comparison itself


def report_of(findings: list[Finding], waived: list[Finding], files: int) -> Report:
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), files,
                  tuple(sorted(waived, key=lambda f: f.sort_key)))
