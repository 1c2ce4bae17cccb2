"""Reporters: a validation report rendered for a terminal, a machine or a CI system, chosen by name."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

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
# `alchemesh test`'s own reports (report.tests), beside the findings' formats: CI test results and a PR comment.
# Each takes the run and the mesh root; a row here is all a new format needs besides its function.
_TEST_REPORTERS = {"text": "to_text", "json": "to_json", "junit": "to_junit", "markdown": "to_markdown"}
TEST_FORMATS = (*FORMATS, "junit", "markdown")
GRAPH_FORMATS = ("text", "mermaid", "dot", "json")
USAGE_FORMATS = ("text", "json")  # `alchemesh usage`


def test_reporter(name: str, category: str) -> Callable[[Any, Path], str]:
    """The renderer of a data test run for a `--format` name: the run's own report, else its findings' (SARIF and
    GitHub annotations), each ending with a newline."""
    if name in _TEST_REPORTERS:
        return getattr(importlib.import_module("alchemesh.report.tests"), _TEST_REPORTERS[name])
    render = reporter(name, category)
    return lambda run, root: render(run.report, root) + "\n"


def refusal(name: str, action: str, environment: str) -> Render:
    """The findings that stopped a run before it ran, in the run's `--format`: every format its own document (a
    JUnit reader gets JUnit, a PR comment Markdown)."""
    if name in ("junit", "markdown"):
        from alchemesh.report import tests

        render = tests.validation_junit if name == "junit" else tests.validation_markdown
        return lambda report, root: render(report, environment)
    return reporter(name, f"{action}/{environment}")


def reporter(name: str, category: str = "validate") -> Render:
    """The renderer for a `--format` name; `category`: the command reporting, for formats that keep the results of
    each command apart (SARIF's `automationDetails`)."""
    render = importlib.import_module(_REPORTERS[name]).render
    if name == "sarif":
        return lambda report, root: render(report, root, category)
    return render
