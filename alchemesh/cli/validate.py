"""`alchemesh validate`: SPEC §2 over the whole repo; the pre-commit hook."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import FailOn, ReportFormat, RepoPath, app, command, print_markup, print_plain


@app.command()
@command
def validate(
    path: RepoPath = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
    changed_only: Annotated[
        bool, typer.Option("--changed-only", help="Report findings only in files changed since HEAD (staged, unstaged, new).")
    ] = False,
    no_cache: Annotated[bool, typer.Option("--no-cache", help="Ignore and do not write .alchemesh/cache.")] = False,
    events: Annotated[Optional[Path], typer.Option(
        "--events", metavar="FILE", help="Append each consumer told of a sunset as a CloudEvent "
                                         "(io.alchemesh.port.sunset-approaching, …sunset-passed).")] = None,
) -> int:
    """Validate every resource and reference in the mesh repo."""
    from alchemesh.findings import Severity
    from alchemesh.gitrepo import changed_files
    from alchemesh.pipeline import Pipeline
    from alchemesh.report import reporter

    pipeline = Pipeline.at(path, use_cache=not no_cache)
    root, report = pipeline.root, pipeline.report()
    if events is not None:
        pipeline.write_validation_events(events)
    if changed_only:
        report = report.only(changed_files(root))
    output = reporter(format.value)(report, root)
    (print_markup if format is ReportFormat.text else print_plain)(output)
    return 1 if report.fails(Severity(fail_on.value)) else 0
