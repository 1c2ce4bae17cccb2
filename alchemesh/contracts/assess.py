"""Turn the changes between two versions of a contract into findings: each change classified in the
contract's mode, the version discipline checked, the consumers named, waivers applied."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from alchemesh.clock import today
from alchemesh.contracts.changes import Mode, UsageRule, VERSION_RULES, VersionRule, impact
from alchemesh.contracts.diff import Change, diff_contracts
from alchemesh.findings import ConsumerRead, ContractImpact, Finding, JsonPath, Severity
from alchemesh.resolve.usage import covers

if TYPE_CHECKING:
    from alchemesh.model.resources import ContractWaiver
    from alchemesh.resolve.usage import PortUsage

Locate = Callable[[JsonPath, bool], tuple[int, int]]  # (path, at its key) → line, column

_SEVERITY = {"breaking": Severity.ERROR, "compatible": Severity.INFO, "info": Severity.INFO}
_SEMVER = re.compile(r"^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?")


@dataclass(frozen=True, slots=True)
class Subject:
    """The contract being assessed: where its new version lives, who reads it, what is waived."""

    contract: str
    file: str
    locate: Locate
    mode: Mode
    consumers: tuple[str, ...]
    waivers: tuple[ContractWaiver, ...] = ()
    inline: tuple[tuple[int, frozenset[str], str], ...] = ()  # (line, rules, reason) comments in the file
    locate_old: Locate | None = None  # in the old version: where a removed element stood
    readers: Readers | None = None  # who reads which field; None where the mesh is not known (two files compared)


@dataclass(frozen=True, slots=True)
class Readers:
    """The consumers of the ports bound to a contract, and what each reads (`resolve.usage`)."""

    usages: tuple[PortUsage, ...]

    def of(self, field: str) -> tuple[tuple[ConsumerRead, ...], tuple[str, ...]]:
        """(those known to read `field` — every consumer's reads when it is "" —, those whose reads are unknown)."""
        known, unknown = [], []
        for usage in self.usages:
            if usage.unknown is not None:
                unknown.append(f"{usage.consumer}/{usage.port}")
                continue
            reads = [r for r in usage.reads if not field or covers(r.field, field)]
            if reads:
                first = reads[0]
                provenance = "declared" if any(r.provenance == "declared" for r in reads) else "inferred"
                known.append(ConsumerRead(usage.consumer, usage.port, tuple(dict.fromkeys(r.field for r in reads)),
                                          provenance, f"{first.file}:{first.line}:{first.column}"))
        return tuple(known), tuple(unknown)


def assess(old: dict[str, Any], new: dict[str, Any], subject: Subject) -> tuple[list[Finding], list[Finding]]:
    """(findings, waived) for every change from `old` to `new`, plus the version rules.

    A waived breaking change no longer demands a major bump: it was accepted deliberately.
    """
    if old == new:
        return [], []
    kept, waived = _split([_finding(change, subject) for change in diff_contracts(old, new)], subject)
    more_kept, more_waived = _split(_version_findings(old, new, kept, subject), subject)
    return kept + more_kept, waived + more_waived


def _finding(change: Change, subject: Subject) -> Finding:
    effect = impact(change.rule, subject.mode)
    severity = Severity.INFO if subject.mode == "none" else _SEVERITY[effect]
    removal = change.old_path is not None  # shown at the list that lost it, not at the sibling now in its place
    line, column = subject.locate(change.path, removal)
    message, rule = change.message, change.rule
    if removal and subject.locate_old is not None:
        message += f" (it stood at line {subject.locate_old(change.old_path or (), False)[0]} of the old version)"
    contract = _impact(subject, effect, change.field)
    if subject.readers is not None and effect == "breaking" and change.field and subject.mode in ("consumer", "full"):
        known, unknown = contract.readers or (), contract.unknown
        if not known and not unknown:
            rule, severity = UsageRule.BREAKING_UNUSED, Severity.WARNING
            message += (f" ({change.rule}) — no consumer reads it: it breaks no one today, and the version rule "
                        "still asks for a major bump, since a consumer may start reading it")
        else:
            said = [f"{r.product}/{r.port} ({r.provenance} at {r.location})" for r in known]
            said += [f"{u} (its reads are unknown)" for u in unknown]
            message += f"; read by {', '.join(said)}"
    return Finding(rule, severity, message, subject.file, line, column, change.path, contract=contract)


def _impact(subject: Subject, effect: str, field: str) -> ContractImpact:
    if subject.readers is None:
        return ContractImpact(subject.contract, effect, tuple(subject.consumers), field, subject.mode)
    known, unknown = subject.readers.of(field)
    consumers = tuple(sorted({f"{r.product}/{r.port}" for r in known} | set(unknown)))
    return ContractImpact(subject.contract, effect, consumers, field, subject.mode, known, unknown)


def _version_findings(old: dict[str, Any], new: dict[str, Any], findings: list[Finding], subject: Subject) -> list[Finding]:
    before, after = _semver(old.get("version")), _semver(new.get("version"))
    breaking = [f for f in findings if f.contract and f.contract.change == "breaking"]
    out = []
    line, column = subject.locate(("version",), False)
    if breaking and subject.mode != "none" and before and after and after[0] <= before[0]:
        rules = ", ".join(sorted({f.rule for f in breaking}))
        out.append(_version_finding(VersionRule.BREAKING_WITHOUT_MAJOR_BUMP, subject, line, column,
                                    f"{len(breaking)} breaking change(s) ({rules}) but the version goes from "
                                    f"{old.get('version')} to {new.get('version')}",
                                    f"raise the major version to {before[0] + 1}.0.0 (and the output port's `version`)"))
    if old.get("version") == new.get("version"):
        out.append(_version_finding(VersionRule.CHANGED_WITHOUT_VERSION_BUMP, subject, line, column,
                                    f"the contract changed but its version stays {new.get('version')}",
                                    "raise the patch version for metadata, minor for compatible changes"))
    return out


def _version_finding(rule: str, subject: Subject, line: int, column: int, message: str, hint: str) -> Finding:
    severity = Severity.INFO if subject.mode == "none" else Severity(VERSION_RULES[rule][0])
    effect = "breaking" if rule == VersionRule.BREAKING_WITHOUT_MAJOR_BUMP else "info"
    return Finding(rule, severity, message, subject.file, line, column, ("version",), hint,
                   contract=_impact(subject, effect, ""))


def _semver(value: Any) -> tuple[int, int, int] | None:
    match = _SEMVER.match(str(value)) if value is not None else None
    if match is None:
        return None
    major, minor, patch = (int(g or 0) for g in match.groups())
    return major, minor, patch


def _split(findings: list[Finding], subject: Subject) -> tuple[list[Finding], list[Finding]]:
    kept, waived = [], []
    for finding in findings:
        reason = _waiver_reason(finding, subject)
        if reason is None:
            expired = _expired_waiver(finding, subject)
            kept.append(finding if expired is None else replace(
                finding, message=f"{finding.message} (the waiver in alchemesh.yaml expired on {expired.expires}"
                                 f"{f', approved by {expired.approvedBy}' if expired.approvedBy else ''}: "
                                 f"{expired.reason})"))
        else:
            waived.append(replace(finding, reason=reason))
    return kept, waived


def _matches(waiver: ContractWaiver, finding: Finding, subject: Subject) -> bool:
    field = finding.contract.field if finding.contract else ""
    return (fnmatchcase(subject.contract, waiver.contract) and waiver.rule in ("*", finding.rule)
            and (waiver.field is None or fnmatchcase(field, waiver.field)))


def _expired_waiver(finding: Finding, subject: Subject) -> ContractWaiver | None:
    now = today()
    return next((w for w in subject.waivers if w.expires is not None and w.expires < now
                 and _matches(w, finding, subject)), None)


def _waiver_reason(finding: Finding, subject: Subject) -> str | None:
    """The reason of a Mesh `contracts.ignore` entry (not expired) or an inline comment (with a reason) that
    matches."""
    now = today()
    for waiver in subject.waivers:
        if (waiver.expires is None or waiver.expires >= now) and _matches(waiver, finding, subject):
            return waiver.reason + (f" (approved by {waiver.approvedBy})" if waiver.approvedBy else "")
    for line, rules, reason in subject.inline:
        if reason and finding.rule in rules and finding.line in (line, line + 1):
            return reason
    return None
