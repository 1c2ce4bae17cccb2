"""`--format github`: workflow commands that GitHub Actions shows as annotations on the diff."""

from __future__ import annotations

from pathlib import Path

from alchemesh.findings import Report, Severity
from alchemesh.repofiles import from_here

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, root: Path) -> str:
    lines = []
    for f in report.findings:
        message = f.message + (f" ({f.hint})" if f.hint else "")
        props = f"file={_prop(_workspace_path(root, f.file))},line={f.line},col={f.column},title={_prop(f.rule)}"
        lines.append(f"::{_LEVEL[f.severity]} {props}::{_data(message)}")
    summary = report.summary()
    lines.append(f"alchemesh: {summary['errors']} error(s), {summary['warnings']} warning(s) in {summary['files']} file(s)")
    return "\n".join(lines)


def _workspace_path(root: Path, file: str) -> str:
    """Annotations need paths from the workspace (the working directory), not the mesh root."""
    return from_here(root / file)


def _data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _prop(text: str) -> str:
    return _data(text).replace(":", "%3A").replace(",", "%2C")
