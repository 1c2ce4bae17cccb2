"""The CLI's choices come from the tables that define them: every entry is accepted, nothing else is."""

from __future__ import annotations

from typing import get_args

import pytest

from alchemesh.cli.main import cli
from alchemesh.contracts.changes import Mode
from alchemesh.findings import Severity
from alchemesh.model.interface import COMPONENT_TYPES
from alchemesh.report import CHANGELOG_FORMATS, CHECK_FORMATS, FORMATS, GRAPH_FORMATS, RUN_FORMATS
from tests.testing import QUICKSTART, run_cli

CLI = cli()


def _choices(path: tuple[str, ...], option: str) -> tuple[str, ...]:
    command = CLI
    for name in path:
        command = command.commands[name]
    (param,) = [p for p in command.params if option in p.opts]
    return tuple(param.type.choices)


@pytest.mark.parametrize(("path", "option", "table"), [
    (("validate",), "--format", FORMATS),
    (("validate",), "--fail-on", tuple(s.value for s in Severity)),
    (("components", "check"), "--format", FORMATS),
    (("components", "check"), "--type", COMPONENT_TYPES),
    (("contracts", "check"), "--format", CHECK_FORMATS),
    (("contracts", "diff"), "--format", CHECK_FORMATS),
    (("contracts", "diff"), "--mode", get_args(Mode)),
    (("contracts", "changelog"), "--format", CHANGELOG_FORMATS),
    (("graph",), "--format", GRAPH_FORMATS),
    *[((command,), "--format", RUN_FORMATS) for command in ("plan", "apply", "destroy", "drift")],
])
def test_choices_are_the_table(path, option, table):
    assert _choices(path, option) == tuple(table)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_report_format_renders(fmt):
    result = run_cli("validate", str(QUICKSTART), "--format", fmt, "--no-cache")
    assert result.code == 0 and result.out.strip(), result.err


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
def test_every_graph_format_renders(fmt):
    result = run_cli("graph", str(QUICKSTART), "--format", fmt)
    assert result.code == 0 and "customer-value" in result.out, result.err


@pytest.mark.parametrize(("command", "extra", "without"), [
    ("plan", {"--plan-dependents", "--allow-data-loss", "--reason"}, set()), ("drift", set(), set()),
    ("apply", {"--auto-approve", "--test", "--timeout", "--allow-data-loss", "--reason"}, set()),
    ("destroy", {"--auto-approve", "--removed"}, set()),
    ("test", {"--fail-on", "--timeout"}, {"--summary", "--matrix"})])
def test_run_commands_share_one_option_table(command, extra, without):
    options = {opt for param in CLI.commands[command].params for opt in param.opts if opt.startswith("--")}
    shared = {opt for param in CLI.commands["drift"].params for opt in param.opts if opt.startswith("--")}
    assert options == (shared - without) | extra
    assert {"--changed-since", "--include-dependents", "--matrix", "--summary", "--terraform"} <= shared
