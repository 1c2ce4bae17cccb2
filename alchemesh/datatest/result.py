"""What a data test found: per port, every check with its observed and expected values, and the findings of the
failed ones (located at the contract node each checks)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from alchemesh.findings import Finding, Report, Severity

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"
# a port: every check passed | one failed at error | only warnings or infos failed | its data could not be read
PORT_STATUSES = ("passed", "failed", "warned", "unreachable")


@dataclass(frozen=True)
class CheckResult:
    rule: str
    label: str
    status: str  # passed | failed | skipped
    observed: Any = None
    expected: Any = None
    finding: Finding | None = None
    detail: str = ""  # why it was skipped


@dataclass(frozen=True)
class PortResult:
    port: str  # domain/product/port
    contract: str
    file: str  # the contract's file
    status: str
    checks: tuple[CheckResult, ...] = ()
    findings: tuple[Finding, ...] = ()  # of the failed checks, and data-unreachable
    consumers: tuple[str, ...] = ()
    seconds: float = 0.0

    @property
    def broken(self) -> bool:
        """The port's data cannot be trusted: what its consumers read must not be built on."""
        return self.status in ("failed", "unreachable")

    def to_dict(self, tested_at: str) -> dict[str, Any]:
        """The result in its plain form: what `test --format json`, the test history and the catalog hold."""
        return {"port": self.port, "contract": self.contract, "file": self.file, "status": self.status,
                "testedAt": tested_at, "consumers": list(self.consumers),
                "checks": [{"rule": c.rule, "name": c.label, "status": c.status, "observed": plain(c.observed),
                            "expected": plain(c.expected), **({"detail": c.detail} if c.detail else {}),
                            **({"file": c.finding.file, "line": c.finding.line, "column": c.finding.column,
                                "message": c.finding.message} if c.finding else {})}
                           for c in self.checks],
                **({"message": self.findings[0].message} if self.status == "unreachable" and self.findings else {})}


def plain(value: Any) -> Any:
    """A value as JSON holds it: scalars as they are, anything else as its text."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


@dataclass(frozen=True)
class TestRun:
    """Every tested port of one environment, in the order they ran (producers first)."""

    __test__ = False  # not a pytest class, whatever its name

    environment: str
    ports: tuple[PortResult, ...]
    tested_at: str  # ISO 8601, UTC
    skipped: tuple[tuple[str, str], ...] = field(default=())  # (port, why) of ports not tested

    @property
    def report(self) -> Report:
        findings = sorted((f for p in self.ports for f in p.findings), key=lambda f: f.sort_key)
        return Report(tuple(findings), len({p.file for p in self.ports}))

    def fails(self, fail_on: Severity) -> bool:
        return self.report.fails(fail_on)

    def count(self, status: str) -> int:
        return sum(1 for p in self.ports if p.status == status)
