"""`alchemesh docs build|serve`: the static catalog site."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, command, one_interrupt, print_markup

docs_app = typer.Typer(help="The static catalog site of the mesh.", no_args_is_help=True, suggest_commands=False)
app.add_typer(docs_app, name="docs")

Out = Annotated[Optional[Path], typer.Option(help="Site folder (default: .alchemesh/site).")]


@docs_app.command("build")
@command
def build_command(path: RepoPath = None, out: Out = None) -> int:
    """Build the catalog: a page per domain, team, product, port, contract and polyseme; search; JSON API."""
    from alchemesh.pipeline import Pipeline

    pipeline = Pipeline.at(path)
    started = time.perf_counter()
    return 0 if _said(pipeline.write_site(out), pipeline.root, started) else 1


@docs_app.command("serve")
@command
def serve_command(path: RepoPath = None, out: Out = None,
                  port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free one).", min=0,
                                                    max=65535)] = 8000) -> int:
    """Build, serve on http://127.0.0.1:PORT, and rebuild when a file of the mesh changes."""
    from alchemesh.pipeline import Pipeline

    pipeline = Pipeline.at(path)
    started, first = [time.perf_counter()], [True]

    def built(written) -> None:
        if not _said(written, pipeline.root, started[0]) and first[0]:
            typer.echo("alchemesh: serving nothing until the mesh validates; fix it and save", err=True)
        started[0], first[0] = time.perf_counter(), False

    try:
        with one_interrupt():
            pipeline.preview(out, port, built=built,
                             failed=lambda error: typer.echo(f"alchemesh: error: {error}", err=True),
                             ready=lambda url: typer.echo(f"serving the catalog on {url} (Ctrl-C stops)", err=True))
    except KeyboardInterrupt:  # how a preview ends (Ctrl-C, or SIGTERM from a container or a job): not an error
        typer.echo("stopped", err=True)
    return 0


def _said(written, root: Path, started: float) -> bool:
    """What a build did, on stderr; False when the mesh has validation errors (their report said instead)."""
    from alchemesh.report import reporter

    if not written.pages:
        print_markup(reporter("text")(written.report, root))
        typer.echo("alchemesh: site not built: the mesh has validation errors", err=True)
        return False
    typer.echo(f"catalog: {written.pages} pages in {from_here(written.target)}, {len(written.changed)} file(s) "
               f"changed ({time.perf_counter() - started:.1f}s)", err=True)
    return True
