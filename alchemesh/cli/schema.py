"""`alchemesh schema export`: write the JSON Schemas of every kind."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from alchemesh.cli.app import command, schema_app


@schema_app.command("export")
@command
def export(
    directory: Annotated[Path, typer.Argument(help="Where to write the schemas.")] = Path("schemas"),
) -> int:
    """Write one JSON Schema per kind (for `# yaml-language-server: $schema=…`), one per event type (`events/`, for
    the receivers of `--events`), and those of the access agreement standards (`standards/`: OAAS, DUA)."""
    from alchemesh.errors import UsageError
    from alchemesh.model.schema_export import export_schemas, render_schema
    from alchemesh.pipeline.tools import standard_schemas
    from alchemesh.report.events import event_schemas
    from alchemesh.workspace import write_atomic

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    for path in export_schemas(directory):
        typer.echo(str(path))
    (directory / "events").mkdir(exist_ok=True)
    for name, schema in event_schemas().items():
        write_atomic(directory / "events" / name, render_schema(schema))
        typer.echo(str(directory / "events" / name))
    (directory / "standards").mkdir(exist_ok=True)
    for name, content in standard_schemas().items():
        write_atomic(directory / "standards" / name, content)
        typer.echo(str(directory / "standards" / name))
    return 0
