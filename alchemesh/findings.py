"""Findings: what validation reports about the user's specs, collected rather than raised."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from typing import Any


class Severity(str, enum.Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANK[self]


_RANK = {Severity.ERROR: 3, Severity.WARNING: 2, Severity.INFO: 1}

JsonPath = tuple[str | int, ...]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line of text, whatever a file name or a spec value holds: a newline cannot forge a finding line,
    an escape sequence cannot repaint the terminal, a bidi override cannot reorder what is shown."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1] if m.group() != "\t" else " ", text)


@dataclass(frozen=True, slots=True)
class ContractImpact:
    """What a contract finding is about: the contract, how the change lands in its mode, who reads it."""

    contract: str
    change: str  # breaking | compatible | info
    consumers: tuple[str, ...] = ()
    field: str = ""
    mode: str = "consumer"
    readers: tuple[ConsumerRead, ...] | None = None  # who reads what the finding is about; None: usage not known
    unknown: tuple[str, ...] = ()  # consumers (domain/product/port) whose reads cannot be told


@dataclass(frozen=True, slots=True)
class ConsumerRead:
    """A consumer reading the fields a contract finding is about, and where that is known from."""

    product: str
    port: str
    fields: tuple[str, ...]
    provenance: str  # declared | inferred
    location: str  # file:line:col


@dataclass(frozen=True, slots=True)
class DataImpact:
    """What a data test finding is about: the port whose data broke its contract, and who reads it."""

    contract: str
    port: str  # domain/product/port
    observed: Any = None
    expected: Any = None
    consumers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class GuardImpact:
    """What a plan guard finding is about: the port, the resource its plan deletes or replaces (or the grant it
    removes), and who reads the port."""

    stack: str
    port: str  # domain/product/port
    address: str
    replaced: bool = False
    cause: tuple[str, ...] = ()  # the attributes that force the replacement
    consumers: tuple[str, ...] = ()  # the products with an input port on it
    transitive: tuple[str, ...] = ()  # the products downstream of those
    reader: str | None = None  # access-revoked: who loses access
    allowed: str | None = None  # the run's reason for letting it through


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one node. `line`/`column` are 1-based; 0 means the whole file."""

    rule: str
    severity: Severity
    message: str
    file: str
    line: int = 0
    column: int = 0
    path: JsonPath = ()
    hint: str | None = None
    contract: ContractImpact | None = None  # contract checks
    policy: str | None = None  # the Mesh policy that failed
    reason: str | None = None  # why a waived finding was accepted
    products: tuple[str, ...] | None = None  # the members of a dependency cycle
    data: DataImpact | None = None  # data tests
    guard: GuardImpact | None = None  # the plan guard

    def __post_init__(self):
        # A message quotes spec values: in every format it stays one line that shows what the value holds.
        if _CONTROL.search(self.message):
            object.__setattr__(self, "message", printable(self.message))
        if self.hint and _CONTROL.search(self.hint):
            object.__setattr__(self, "hint", printable(self.hint))

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line, self.column, self.rule, self.message)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        shapes = (("rule", str), ("message", str), ("file", str), ("line", int), ("column", int),
                  ("path", str), ("hint", (str, type(None))))
        if not all(isinstance(data[key], kind) for key, kind in shapes):
            raise TypeError("not a finding")
        path = tuple(int(p) if p.isdigit() else p for p in data["path"].split("/")) if data["path"] else ()
        contract = None
        if "contract" in data:
            listed = data["consumers"]
            readers = None
            if "unknown" in data:
                readers = tuple(ConsumerRead(str(r["product"]), str(r["port"]), tuple(map(str, r["fields"])),
                                             str(r["provenance"]), str(r["location"])) for r in listed)
                listed = sorted({f"{r.product}/{r.port}" for r in readers} | set(data["unknown"]))
            contract = ContractImpact(str(data["contract"]), str(data["change"]), tuple(map(str, listed)),
                                      str(data["field"]), str(data["mode"]), readers,
                                      tuple(map(str, data.get("unknown", ()))))
        return cls(data["rule"], Severity(data["severity"]), data["message"], data["file"], data["line"],
                   data["column"], path, data["hint"], contract, data.get("policy"), data.get("reason"),
                   tuple(map(str, data["products"])) if "products" in data else None)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "rule": self.rule,
            "severity": self.severity.value,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "path": "/".join(str(p) for p in self.path),
            "hint": self.hint,
        }
        if self.contract is not None:
            c = self.contract
            out.update(contract=c.contract, change=c.change, field=c.field, mode=c.mode)
            if c.readers is None:
                out["consumers"] = list(c.consumers)
            else:
                out["consumers"] = [{"product": r.product, "port": r.port, "fields": list(r.fields),
                                     "provenance": r.provenance, "location": r.location} for r in c.readers]
                out["unknown"] = list(c.unknown)
        if self.policy is not None:
            out["policy"] = self.policy
        if self.reason is not None:
            out["reason"] = self.reason
        if self.products is not None:
            out["products"] = list(self.products)
        if self.data is not None:
            d = self.data
            out.update(contract=d.contract, port=d.port, observed=d.observed, expected=d.expected,
                       consumers=list(d.consumers))
        if self.guard is not None:
            g = self.guard
            out.update(stack=g.stack, port=g.port, address=g.address, replaced=g.replaced, cause=list(g.cause),
                       consumers={"direct": list(g.consumers), "transitive": list(g.transitive)}, reader=g.reader,
                       allowed=g.allowed)
        return out

    @property
    def consumers(self) -> tuple[str, ...]:
        """The input ports a contract or data finding puts at risk."""
        return self.contract.consumers if self.contract else self.data.consumers if self.data else ()


@dataclass(frozen=True, slots=True)
class Report:
    """The outcome of a validation run: sorted findings plus what was read."""

    findings: tuple[Finding, ...]
    files: int
    waived: tuple[Finding, ...] = field(default=())

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity is severity)

    def summary(self) -> dict[str, int]:
        return {
            "errors": self.count(Severity.ERROR),
            "warnings": self.count(Severity.WARNING),
            "infos": self.count(Severity.INFO),
            "waived": len(self.waived),
            "files": self.files,
        }

    def only(self, files: set[str]) -> Report:
        """The findings in these files (for `--changed-only`)."""
        return Report(
            tuple(f for f in self.findings if f.file in files), self.files, tuple(f for f in self.waived if f.file in files)
        )

    def fails(self, fail_on: Severity) -> bool:
        return any(f.severity.rank >= fail_on.rank for f in self.findings)
