"""`alchemesh contracts check|diff|changelog`: SPEC §3 across versions, through git."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional, get_args

import typer

from alchemesh.cli.app import note_undelivered, FailOn, RepoPath, app, choices, command, print_markup, print_plain
from alchemesh.pipeline.tools import Mode as ModeName
from alchemesh.report import CHANGELOG_FORMATS, CHECK_FORMATS

contracts_app = typer.Typer(help="Check data contracts for compatibility across versions.", no_args_is_help=True, suggest_commands=False)
app.add_typer(contracts_app, name="contracts")


CheckFormat = choices("CheckFormat", CHECK_FORMATS)
Mode = choices("Mode", get_args(ModeName))
LogFormat = choices("LogFormat", CHANGELOG_FORMATS)


FormatOption = Annotated[CheckFormat, typer.Option("--format", "-f", help="Output format.")]
FailOnOption = Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")]


@contracts_app.command("check")
@command
def check(
    path: RepoPath = None,
    against: Annotated[
        Optional[str], typer.Option(help="Base revision (default: merge-base of HEAD with the default branch).")
    ] = None,
    format: FormatOption = CheckFormat.text,
    fail_on: FailOnOption = FailOn.error,
    events: Annotated[Optional[Path], typer.Option(
        "--events", metavar="FILE", help="Append each breaking change as a CloudEvent (io.alchemesh.contract.breaking).")]
    = None,
) -> int:
    """Check every contract changed since a base revision, uncommitted work included."""
    from alchemesh.pipeline import Pipeline

    pipeline = Pipeline.at(path)
    checked = pipeline.check_contracts(against, events)
    note_undelivered(checked.undelivered)
    return _emit(checked.result, pipeline.root, format, fail_on)


@contracts_app.command("diff")
@command
def diff(
    old: Annotated[Path, typer.Argument(help="The old version of the contract file.")],
    new: Annotated[Path, typer.Argument(help="The new version of the contract file.")],
    mode: Annotated[Mode, typer.Option(help="Compatibility mode.")] = Mode.consumer,
    format: FormatOption = CheckFormat.text,
    fail_on: FailOnOption = FailOn.error,
) -> int:
    """Compare two versions of a contract file."""
    from alchemesh.pipeline.tools import diff_contracts

    return _emit(diff_contracts(old, new, mode.value), Path.cwd(), format, fail_on)


@contracts_app.command("changelog")
@command
def changelog(
    contract: Annotated[str, typer.Argument(help="The ODCS `id` of the contract.")],
    path: RepoPath = None,
    format: Annotated[LogFormat, typer.Option("--format", "-f", help="Output format.")] = LogFormat.text,
) -> int:
    """The history of one contract through git, version by version, newest first."""
    from alchemesh.pipeline import Pipeline
    from alchemesh.report.contracts import render_changelog

    print_plain(render_changelog(Pipeline.at(path).changelog(contract), format.value))
    return 0


def _emit(result, root: Path, format: CheckFormat, fail_on: FailOn) -> int:
    from alchemesh.findings import Severity
    from alchemesh.report.contracts import render_check

    output = render_check(result, root, format.value)
    (print_markup if format is CheckFormat.text else print_plain)(output)
    return 1 if result.report.fails(Severity(fail_on.value)) else 0
