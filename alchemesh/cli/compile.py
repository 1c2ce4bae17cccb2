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
    from alchemesh.compile.output import differences, write
    from alchemesh.load.discovery import find_root
    from alchemesh.pipeline import Pipeline
    from alchemesh.report import reporter

    root = find_root(path)
    pipeline = Pipeline(root)
    compiled = pipeline.compile(env, out)
    if not compiled.builds:
        print_markup(reporter("text")(compiled.report, root))
        typer.echo("alchemesh: not compiled: the mesh has validation errors", err=True)
        return 1
    stale = []
    for directory, build in compiled.builds:
        if check:
            stale += [f"{directory.name}/{line}" for line in differences(build, directory)]
            continue
        changed = [] if compiled.cached else write(build, directory)
        stacks = len(build.files) - 1
        typer.echo(f"{build.environment}: {stacks} stack(s) in {from_here(directory)}, {len(changed)} file(s) changed")
    if not check:
        pipeline.remember(compiled, env)
    if check:
        for line in stale:
            typer.echo(f"stale: {line}")
        typer.echo("build is up to date" if not stale else "build is stale: run `alchemesh compile`")
        return 1 if stale else 0
    return 0
