"""`alchemesh access request` and `alchemesh codeowners`: access agreements as code, approved in review (SPEC §12)."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import RepoPath, app, command, print_plain

access_app = typer.Typer(help="Access agreements: who may read a port, for what, until when.", no_args_is_help=True)
app.add_typer(access_app, name="access")


def _date(value: str | None) -> datetime.date | None:
    if value is None:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


@access_app.command("request")
@command
def request(
    port: Annotated[str, typer.Argument(help="The output port to read: domain/product/port.")],
    consumer: Annotated[str, typer.Option("--for", metavar="DOMAIN/PRODUCT", help="The product that will read it.")],
    purpose: Annotated[str, typer.Option("--purpose", metavar="TEXT", help="Why it needs the data.")],
    until: Annotated[Optional[str], typer.Option("--until", metavar="DATE", help="The last day of access "
                                                 "(YYYY-MM-DD); none: until revoked.")] = None,
    input_port: Annotated[Optional[str], typer.Option("--input-port", metavar="NAME", help="The consumer's input "
                                                      "port (default: the one reading the port, else its name).")] = None,
    path: Annotated[Optional[Path], typer.Option("--path", help="The repo root (default: found from here).")] = None,
) -> int:
    """Write an AccessAgreement (status `requested`) in the provider's `agreements/` folder, and the consumer's input
    port when it has none: ready for a pull request that the port's team approves."""
    from alchemesh.pipeline import Pipeline
    from alchemesh.repofiles import from_here

    done = Pipeline.at(path).request_access(port, consumer, purpose, _date(until), input_port)
    print_plain(f"  create   {from_here(done.agreement)}")
    if done.product_file is not None:
        print_plain(f"  update   {from_here(done.product_file)}: input port `{done.input_port}`")
    print_plain("next: open a pull request; the port's owning team approves it (status: approved, approvedBy)")
    return 0


@app.command()
@command
def codeowners(
    path: RepoPath = None,
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 when the file is not what ownership "
                                                        "makes it.")] = False,
) -> int:
    """Write `.github/CODEOWNERS` from ownership: each product's folder, its agreements and contracts, to the owning
    team's `github` handle (this mesh's section of the file; the rest is kept)."""
    from alchemesh.pipeline import Pipeline
    from alchemesh.repofiles import from_here

    owners = Pipeline.at(path).codeowners(write=not check)
    for team in owners.unowned:
        typer.echo(f"note: team `{team}` has no `github` handle: what it owns has no code owner", err=True)
    shown = from_here(owners.path)
    if owners.in_step:
        print_plain(f"{shown} is in step with the mesh's ownership")
        return 0
    if check:
        print_plain(f"{shown} is not what the mesh's ownership makes it: run `alchemesh codeowners`")
        return 1
    print_plain(f"  write    {shown}")
    return 0
