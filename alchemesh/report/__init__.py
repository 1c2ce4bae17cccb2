"""Reporters: a validation report rendered for a terminal, a machine or a CI system, chosen by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path

from alchemesh.findings import Report

Render = Callable[[Report, Path], str]

# Imported on use, so that one format never pays for another's imports.
_REPORTERS = {
    "text": "alchemesh.report.text",
    "json": "alchemesh.report.json_report",
    "sarif": "alchemesh.report.sarif",
    "github": "alchemesh.report.github",
}
FORMATS = tuple(_REPORTERS)  # validation and component findings
CHECK_FORMATS = (*FORMATS, "markdown")  # contract checks: also a PR comment
CHANGELOG_FORMATS = ("text", "json", "markdown")
RUN_FORMATS = ("text", "json")  # plan, apply, destroy, drift summaries on stdout
TEST_FORMATS = (*FORMATS, "junit", "markdown")  # data tests: also CI test results and a PR comment
GRAPH_FORMATS = ("text", "mermaid", "dot", "json")


def reporter(name: str, category: str = "validate") -> Render:
    """The renderer for a `--format` name; `category`: the command reporting, for formats that keep the results of
    each command apart (SARIF's `automationDetails`)."""
    render = importlib.import_module(_REPORTERS[name]).render
    if name == "sarif":
        return lambda report, root: render(report, root, category)
    return render
