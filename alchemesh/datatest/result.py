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
        return self.kept(tested_at).to_dict()

    def kept(self, tested_at: str) -> KeptResult:
        """The result as the test history keeps it."""
        checks = tuple(KeptCheck(c.rule, c.label, c.status, plain(c.observed), plain(c.expected), c.detail,
                                 *((c.finding.file, c.finding.line, c.finding.column, c.finding.message)
                                   if c.finding else ()))
                       for c in self.checks)
        message = self.findings[0].message if self.status == "unreachable" and self.findings else None
        return KeptResult(self.port, self.contract, self.file, self.status, tested_at, self.consumers, checks, message)


@dataclass(frozen=True)
class KeptCheck:
    """A check of a kept result: plain values only."""

    rule: str
    name: str
    status: str  # passed | failed | skipped
    observed: Any = None
    expected: Any = None
    detail: str = ""  # why it was skipped
    file: str | None = None  # where a failed check's finding points
    line: int | None = None
    column: int | None = None
    message: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "name": self.name, "status": self.status, "observed": self.observed,
                "expected": self.expected, **({"detail": self.detail} if self.detail else {}),
                **({"file": self.file, "line": self.line, "column": self.column, "message": self.message}
                   if self.file is not None else {})}

    @classmethod
    def read(cls, data: Any) -> KeptCheck | None:
        if not isinstance(data, dict) or not all(isinstance(data.get(k), str) for k in ("rule", "name", "status")):
            return None
        where = (data.get("file"), data.get("line"), data.get("column"), data.get("message"))
        located = isinstance(where[0], str) and all(isinstance(n, int) for n in where[1:3]) and \
            isinstance(where[3], str)
        return cls(data["rule"], data["name"], data["status"], plain(data.get("observed")),
                   plain(data.get("expected")), str(data.get("detail") or ""), *(where if located else ()))


@dataclass(frozen=True)
class KeptResult:
    """A port's last data test as `.alchemesh/test/ENV.json` keeps it and the catalog shows it."""

    port: str
    contract: str
    file: str
    status: str  # one of PORT_STATUSES
    tested_at: str
    consumers: tuple[str, ...] = ()
    checks: tuple[KeptCheck, ...] = ()
    message: str | None = None  # why an unreachable port could not be read

    def to_dict(self) -> dict[str, Any]:
        return {"port": self.port, "contract": self.contract, "file": self.file, "status": self.status,
                "testedAt": self.tested_at, "consumers": list(self.consumers),
                "checks": [c.to_dict() for c in self.checks],
                **({"message": self.message} if self.message is not None else {})}

    @classmethod
    def read(cls, data: Any) -> KeptResult | None:
        """The result in a history file; None for an entry that is not one (a file edited by hand, an old format)."""
        if not isinstance(data, dict) or not isinstance(data.get("port"), str) or \
                data.get("status") not in PORT_STATUSES or not isinstance(data.get("checks"), list):
            return None
        checks = tuple(c for c in map(KeptCheck.read, data["checks"]) if c is not None)
        consumers = data.get("consumers")
        message = data.get("message")
        return cls(data["port"], str(data.get("contract") or ""), str(data.get("file") or ""), data["status"],
                   str(data.get("testedAt") or ""),
                   tuple(c for c in consumers if isinstance(c, str)) if isinstance(consumers, list) else (),
                   checks, message if isinstance(message, str) else None)


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
