"""`alchemesh compile`: one Terraform stack per data product per environment, and the stack DAG."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, command, print_markup


@app.command("compile")
@command
def compile_command(
    path: RepoPath = None,
    env: Annotated[Optional[list[str]], typer.Option("--env", help="Environment (repeatable; default: the Mesh's first).")] = None,
    out: Annotated[Optional[Path], typer.Option(help="Build directory (default: .alchemesh/build).")] = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 when the build on disk is stale.")] = False,
) -> int:
    """Compile every data product into a Terraform stack of platform-component modules."""
    from alchemesh.pipeline import Pipeline
    from alchemesh.report import reporter

    pipeline = Pipeline.at(path)
    written = pipeline.write_builds(env, out, check=check)
    if not written.valid:
        print_markup(reporter("text")(written.report, pipeline.root))
        typer.echo("alchemesh: not compiled: the mesh has validation errors", err=True)
        return 1
    if check:
        for line in written.stale:
            typer.echo(f"stale: {line}")
        typer.echo("build is up to date" if not written.stale else "build is stale: run `alchemesh compile`")
        return 1 if written.stale else 0
    for build in written.builds:
        typer.echo(f"{build.environment}: {build.stacks} stack(s) in {from_here(build.directory)}, "
                   f"{len(build.changed)} file(s) changed")
    return 0
