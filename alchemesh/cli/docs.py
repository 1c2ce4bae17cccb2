"""`alchemesh docs build|serve`: the static catalog site."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, command, one_interrupt, print_markup
from alchemesh.workspace import SITE_DIR

docs_app = typer.Typer(help="The static catalog site of the mesh.", no_args_is_help=True, suggest_commands=False)
app.add_typer(docs_app, name="docs")

Out = Annotated[Optional[Path], typer.Option(help="Site folder (default: .alchemesh/site).")]


@docs_app.command("build")
@command
def build_command(path: RepoPath = None, out: Out = None) -> int:
    """Build the catalog: a page per domain, team, product, port, contract and polyseme; search; JSON API."""
    from alchemesh.load.discovery import find_root

    root = find_root(path)
    target = out or root / SITE_DIR
    return 0 if _build(root, target) else 1


@docs_app.command("serve")
@command
def serve_command(path: RepoPath = None, out: Out = None,
                  port: Annotated[int, typer.Option(help="Port on 127.0.0.1 (0: any free one).", min=0,
                                                    max=65535)] = 8000) -> int:
    """Build, serve on http://127.0.0.1:PORT, and rebuild when a file of the mesh changes."""
    from alchemesh.load.discovery import find_root
    from alchemesh.docs.serve import bind, serve

    root = find_root(path)
    target = out or root / SITE_DIR
    server = bind(target, port)  # before the build: a port that cannot be had is said at once
    if not _build(root, target):
        typer.echo("alchemesh: serving nothing until the mesh validates; fix it and save", err=True)
        target.mkdir(parents=True, exist_ok=True)

    def rebuild() -> None:
        from alchemesh.errors import AlchemeshError

        try:
            _build(root, target)
        except AlchemeshError as error:  # the server keeps the last good site
            typer.echo(f"alchemesh: error: {error}", err=True)

    try:
        with one_interrupt():
            serve(root, server, rebuild, ready=lambda url: typer.echo(f"serving the catalog on {url} (Ctrl-C stops)",
                                                                     err=True))
    except KeyboardInterrupt:  # how a preview ends (Ctrl-C, or SIGTERM from a container or a job): not an error
        typer.echo("stopped", err=True)
    return 0


def _build(root: Path, out: Path) -> bool:
    import time

    from alchemesh.docs.site import write
    from alchemesh.pipeline import Pipeline
    from alchemesh.report import reporter

    start = time.perf_counter()
    built = Pipeline(root).site()
    if built.files is None:
        print_markup(reporter("text")(built.report, root))
        typer.echo("alchemesh: site not built: the mesh has validation errors", err=True)
        return False
    written = write(built.files, out, root)
    typer.echo(f"catalog: {written.pages} pages in {from_here(out)}, {len(written.changed)} file(s) changed "
               f"({time.perf_counter() - start:.1f}s)", err=True)
    return True
