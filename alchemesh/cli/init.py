"""`alchemesh init` and `alchemesh new product`: scaffolds that validate clean on the first try."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import app, command, new_app


@app.command()
@command
def init(
    directory: Annotated[Path, typer.Argument(help="Where to create the mesh repo.")] = Path("."),
    name: Annotated[Optional[str], typer.Option(help="The mesh name (default: from the directory name).")] = None,
) -> int:
    """Scaffold a mesh repo: Mesh, a team, a domain, a product and its contract, CI and pre-commit."""
    from alchemesh.errors import UsageError
    from alchemesh.pipeline.tools import create_mesh

    if directory.exists() and not directory.is_dir():
        raise UsageError(f"{directory}: not a directory")
    created = create_mesh(directory, name)
    components = directory / "components" / "local"
    for path in created:
        if components not in path.parents:
            typer.echo(f"created {from_here(path)}")
    copied = sum(1 for path in created if components in path.parents)
    typer.echo(f"copied the local components into {from_here(components)} ({copied} files)")
    typer.echo(f"next: cd {from_here(directory)} && git init && alchemesh validate && alchemesh apply --auto-approve")
    return 0


@new_app.command("product")
@command
def new_product(
    domain: Annotated[str, typer.Argument(help="An existing domain.")],
    name: Annotated[str, typer.Argument(help="The new data product's name.")],
    path: Annotated[Optional[Path], typer.Option("--path", help="The repo root (default: found from here).")] = None,
) -> int:
    """Scaffold a data product and its contract inside an existing domain."""
    from alchemesh.pipeline import Pipeline

    for created in Pipeline.at(path).new_product(domain, name):
        typer.echo(f"created {from_here(created)}")
    return 0
