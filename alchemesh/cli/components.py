"""`alchemesh components check [DIR]`: Terraform modules against the interface of their component type."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import FailOn, ReportFormat, app, choices, command, print_markup, print_plain
from alchemesh.model.interface import COMPONENT_TYPES

components_app = typer.Typer(help="Check platform components (Terraform modules).", no_args_is_help=True, suggest_commands=False)
app.add_typer(components_app, name="components")


ComponentType = choices("ComponentType", COMPONENT_TYPES)


@components_app.command("check")
@command
def check(
    directories: Annotated[
        Optional[list[Path]], typer.Argument(help="Modules, or folders of modules (default: the current folder).")
    ] = None,
    type: Annotated[
        Optional[ComponentType], typer.Option("--type", help="The component type (default: told by its variables).")
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", "-f", help="Output format.")] = ReportFormat.text,
    fail_on: Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")] = FailOn.error,
) -> int:
    """Check that each module declares its type's interface variables and outputs, typed and described."""
    from alchemesh.pipeline.tools import check_components
    from alchemesh.errors import UsageError
    from alchemesh.findings import Severity
    from alchemesh.report import reporter

    directories = directories or [Path(".")]
    for directory in directories:
        if not directory.is_dir():
            raise UsageError(f"{directory}: no such directory")
    report = check_components(directories, type.value if type else None)
    if report.files == 0:
        shown = ", ".join(str(d) for d in directories)
        raise UsageError(f"no Terraform module (a folder of .tf files) under {shown}: pass a module's folder or a "
                         "folder of modules, e.g. `alchemesh components check components/local`")
    output = reporter(format.value, "components")(report, Path.cwd())
    (print_markup if format is ReportFormat.text else print_plain)(output)
    return 1 if report.fails(Severity(fail_on.value)) else 0
