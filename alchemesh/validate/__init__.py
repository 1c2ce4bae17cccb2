"""Validation (SPEC §2): load → index → graph → rules, then the Mesh's rule settings and waivers."""

from __future__ import annotations

import datetime
import re

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TYPE_CHECKING

from alchemesh.findings import Finding, Report, Severity

if TYPE_CHECKING:
    from alchemesh.resolve.graph import MeshGraph
    from alchemesh.resolve.usage import Usage
    from alchemesh.resolve.index import MeshIndex
    from alchemesh.load.repo import MeshRepo
    from alchemesh.load.yamlfile import ParsedFile
    from alchemesh.validate.rules import Context


@dataclass(frozen=True)
class Analysis:
    """A validated mesh: what every later stage starts from."""

    repo: MeshRepo
    index: MeshIndex
    graph: MeshGraph
    report: Report
    usage: Usage  # which fields each consumer reads


def analyze(root: Path, *, use_cache: bool = True, preread: dict[str, bytes] | None = None) -> Analysis:
    """Load, resolve and check the repo at `root` (`preread`: bytes of files already read)."""
    from alchemesh.load.repo import paused_gc

    with paused_gc():
        return _analyze(root, use_cache, preread)


def _analyze(root: Path, use_cache: bool, preread: dict[str, bytes] | None) -> Analysis:
    from alchemesh.resolve.graph import build_graph
    from alchemesh.resolve.index import build_index
    from alchemesh.load.repo import load_repo
    from alchemesh.validate.rules import Context, registry

    repo = load_repo(root, check_file, use_cache=use_cache, preread=preread)
    index = build_index(repo)
    graph = build_graph(index)
    ctx = Context(index, graph, use_cache)
    findings = list(repo.findings)
    for rule in registry().values():
        if rule.check is not None:
            findings.extend(rule.check(ctx))
    findings.extend(_unknown_rule_settings(ctx))
    findings = _apply_settings(findings, index)
    kept, waived = _apply_waivers(findings, repo)
    report = Report(tuple(sorted(kept, key=_sort_key)), len(repo.records), tuple(sorted(waived, key=_sort_key)))
    return Analysis(repo, index, graph, report, ctx.usage)


def stops_runs(report: Report) -> bool:
    """Whether the validation stops compile and the runs: an error stands that no run settles (an access finding
    does not stop them: the run grants exactly what the agreements say, revoking what they no longer do)."""
    if not report.fails(Severity.ERROR):
        return False
    from alchemesh.validate.rules import registry

    rules = registry()
    return any(f.severity is Severity.ERROR and not (f.rule in rules and rules[f.rule].settled_by_runs)
               for f in report.findings)


def check_file(parsed: ParsedFile) -> list[Finding]:
    """The findings of every per-file rule about one parsed file."""
    return [finding for check in _file_checks() for finding in check(parsed)]


@functools.cache
def _file_checks() -> tuple[Any, ...]:
    from alchemesh.validate.rules import registry

    return tuple(rule.check_file for rule in registry().values() if rule.check_file)


def _sort_key(finding: Finding) -> tuple[Any, ...]:
    return finding.sort_key


def _unknown_rule_settings(ctx: Context) -> list[Finding]:
    from alchemesh.hints import did_you_mean
    from alchemesh.validate.rules import registry, schema

    mesh = ctx.index.mesh
    if mesh is None:
        return []
    known = registry()
    return [
        ctx.finding(schema.RULE, mesh.doc, ("spec", "rules", name), f"unknown rule `{name}`", key=True,
                    hint=did_you_mean(name, known) or "`alchemesh rules` lists them")
        for name in mesh.resource.spec.rules
        if name not in known
    ]


def _apply_settings(findings: list[Finding], index: MeshIndex) -> list[Finding]:
    settings = index.mesh.resource.spec.rules if index.mesh else {}
    if not settings:
        return findings
    out = []
    for finding in findings:
        setting = settings.get(finding.rule)
        if setting == "off":
            continue
        if setting is not None and setting != finding.severity.value:
            finding = replace(finding, severity=Severity(setting))
        out.append(finding)
    return out



def _apply_waivers(findings: list[Finding], repo: MeshRepo) -> tuple[list[Finding], list[Finding]]:
    """`# alchemesh: ignore[rule] reason` on a finding's line or the line above waives it — until the day its reason
    names (`expires 2027-01-31`): after it the finding is reported again, saying the waiver expired."""
    waivers = {(r.file, w.line): w for r in repo.records for w in r.waivers}
    if not waivers:
        return findings, []
    from alchemesh.clock import today

    now = today()
    kept: list[Finding] = []
    waived: list[Finding] = []
    for finding in findings:
        names = {finding.rule, finding.policy}
        hit = next((w for line in (finding.line, finding.line - 1)
                    if (w := waivers.get((finding.file, line))) is not None and names & w.rules), None)
        expired = _expiry(hit.reason) if hit is not None else None
        if hit is not None and expired is not None and expired < now:
            kept.append(replace(finding, message=f"{finding.message} (the waiver on line {hit.line} expired on "
                                                 f"{expired}: {hit.reason})"))
        else:
            (waived if hit is not None else kept).append(finding)
    return kept, waived


_EXPIRES = re.compile(r"\bexpires:?\s+(\d{4}-\d{2}-\d{2})\b")


def _expiry(reason: str) -> datetime.date | None:
    match = _EXPIRES.search(reason)
    if match is None:
        return None
    try:
        return datetime.date.fromisoformat(match.group(1))
    except ValueError:
        return None
