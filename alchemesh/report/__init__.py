"""Reporters: a validation report rendered for a terminal, a machine or a CI system, chosen by name."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alchemesh.findings import Report

Render = Callable[[Report, Path], str]


def reporter(name: str) -> Render:
    """The renderer for a `--format` name; imported on use so that one format never pays for another."""
    if name == "json":
        from alchemesh.report.json_report import render
    elif name == "sarif":
        from alchemesh.report.sarif import render
    elif name == "github":
        from alchemesh.report.github import render
    else:
        from alchemesh.report.text import render
    return render


FORMATS = ("text", "json", "sarif", "github")
