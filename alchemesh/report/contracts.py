"""Reports of contract checks and changelogs: text, JSON and Markdown (for a PR comment).

SARIF and GitHub annotations reuse the validation reporters: a contract finding is a finding.
"""

from __future__ import annotations

import json
from pathlib import Path

from rich.markup import escape

from alchemesh.contracts.result import ContractReport
from alchemesh.contracts.history import Changelog
from alchemesh.findings import printable
from alchemesh.report import markdown as md
from alchemesh.report import reporter

_ICON = {"breaking": "✗", "compatible": "✓", "info": "·"}


def render_check(result: ContractReport, root: Path, fmt: str) -> str:
    if fmt == "json":
        return _json(result)
    if fmt == "markdown":
        return _markdown(result)
    body = reporter(fmt, "contracts")(result.report, root)
    if fmt != "text":
        return body
    lines = [f"[bold]contracts[/] compared with {escape(_short(result.base))}"]
    for c in result.contracts:
        versions = escape(f"{printable(c.old_version or '—')} → {printable(c.new_version or '—')}")
        readers = f", {len(c.consumers)} consumer(s)" if c.consumers else ""
        lines.append(f"  {c.status:8} {escape(printable(c.id))}  {versions}  [dim]({escape(c.mode)} mode{readers})[/]")
    if not result.contracts:
        lines.append("  no contract changed")
    if result.note:
        lines.append(f"  [dim]note:[/] {escape(result.note)}")
    for f in result.report.waived:
        lines.append(f"  [dim]waived[/] {escape(f.rule)} {escape(printable(f.message))} — "
                     f"{escape(printable(f.reason or ''))}")
    return "\n".join(lines) + "\n\n" + body


def _short(base: str) -> str:
    """A commit id shortened as git does; a file path as it is."""
    return base[:12] if len(base) == 40 and all(c in "0123456789abcdef" for c in base) else base


def _json(result: ContractReport) -> str:
    body = {
        "base": result.base,
        "contracts": [
            {
                "id": c.id, "status": c.status, "oldVersion": c.old_version, "newVersion": c.new_version,
                "file": c.file, "oldFile": c.old_file, "mode": c.mode, "consumers": list(c.consumers),
            }
            for c in result.contracts
        ],
        "findings": [f.to_dict() for f in result.report.findings],
        "waived": [f.to_dict() for f in result.report.waived],
        "summary": {**result.report.summary(), "breaking": _count(result, "breaking")},
    }
    return json.dumps(body, indent=2, ensure_ascii=False)


def _count(result: ContractReport, change: str) -> int:
    return sum(1 for f in result.report.findings if f.contract and f.contract.change == change)


def _markdown(result: ContractReport) -> str:
    breaking = _count(result, "breaking")
    head = "### ❌ Breaking contract changes" if breaking else "### ✅ Contract changes are compatible"
    lines = [head, "", f"Compared with {md.code(_short(result.base))}.", ""]
    if not result.contracts:
        return "\n".join([*lines, "No contract changed."])
    lines += ["| contract | status | version | mode | consumers |", "|---|---|---|---|---|"]
    for c in result.contracts:
        lines.append(f"| {md.code(c.id)} | {md.text(c.status)} | {md.text(c.old_version or '—')} → "
                     f"{md.text(c.new_version or '—')} | {md.text(c.mode)} | "
                     f"{', '.join(md.code(x) for x in c.consumers) or '—'} |")
    findings = result.report.findings
    if findings:
        lines += ["", "| | rule | change | where |", "|---|---|---|---|"]
        for f in findings:
            change = f.contract.change if f.contract else ""
            lines.append(f"| {_ICON.get(change, '')} {md.text(change)} | {md.code(f.rule)} | {md.text(f.message)} | "
                         f"{md.code(f'{f.file}:{f.line}')} |")
    if result.report.waived:
        lines += ["", "**Accepted deliberately:**", ""]
        for f in result.report.waived:
            lines.append(f"- {md.code(f.rule)} {md.text(f.message)} — {md.text(f.reason or '')}")
    return "\n".join(lines)


def render_changelog(log: Changelog, fmt: str) -> str:
    if fmt == "json":
        return json.dumps(
            {
                "contract": log.contract,
                "mode": log.mode,
                "versions": [
                    {
                        "version": v.version, "removed": v.version is None, "file": v.file,
                        "commit": v.commit.sha if v.commit else None, "date": v.commit.date if v.commit else None,
                        "author": v.commit.author if v.commit else None,
                        "subject": v.commit.subject if v.commit else None,
                        "breaking": v.breaking,
                        "changes": [{"rule": c.rule, "change": c.impact, "field": c.field, "message": c.message}
                                    for c in v.changes],
                    }
                    for v in log.versions
                ],
            },
            indent=2,
            ensure_ascii=False,
        )
    markdown = fmt == "markdown"
    show = md.text if markdown else printable
    lines = [f"# Changelog of {md.code(log.contract)}" if markdown else f"{printable(log.contract)} ({log.mode} mode)"]
    for i, v in enumerate(log.versions):
        when = f"{v.commit.date[:10]} {v.commit.sha[:7]} {v.commit.subject}" if v.commit else "uncommitted"
        title = "removed" if v.version is None else v.version
        flag = " — breaking" if v.breaking else ""
        lines.append(f"\n## {show(title)}{flag} ({show(when)})" if markdown else f"\n{show(title)}{flag}  ({show(when)})")
        first = i == len(log.versions) - 1
        if not v.changes:
            lines.append(("- " if markdown else "  ") + (_first_version(log) if first else "no schema change"))
        for c in v.changes:
            lines.append(f"- **{c.impact}** {md.code(c.rule)}: {md.text(c.message)}" if markdown
                         else f"  {_ICON[c.impact]} {c.rule}: {printable(c.message)}")
    return "\n".join(lines)


def _first_version(log: Changelog) -> str:
    return ("oldest version in this shallow clone (fetch more history to see earlier ones)" if log.shallow
            else "first version")
