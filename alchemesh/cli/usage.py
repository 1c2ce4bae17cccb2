"""`alchemesh usage [PORT]`: per output port and field, who reads it (SPEC §10)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import app, choices, command, print_plain
from alchemesh.report import USAGE_FORMATS as FORMATS

UsageFormat = choices("UsageFormat", FORMATS)


@app.command()
@command
def usage(
    port: Annotated[Optional[str], typer.Argument(help="An output port (domain/product/port), or a product "
                                                       "(domain/product) for all of its ports; default: every port.",
                                                  show_default=False)] = None,
    path: Annotated[Optional[Path], typer.Option("--path", help="The repo root (default: found from here).")] = None,
    format: Annotated[UsageFormat, typer.Option("--format", "-f", help="Output format.")] = UsageFormat.text,
) -> int:
    """Who reads each field of each output port: declared `uses`, inferred from the consumers' SQL (file:line:col),
    or unknown (a consumer alchemesh cannot read may read every field)."""
    from alchemesh.pipeline import Pipeline
    from alchemesh.report.usage import render

    print_plain(render(Pipeline.at(path).usage(port), format.value))
    return 0
