"""`alchemesh import dbt`: a mesh from dbt manifests, kept in step with them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import app, choices, command, print_plain

import_app = typer.Typer(help="Bring an existing estate into the mesh: dbt projects.", no_args_is_help=True)
app.add_typer(import_app, name="import")

DomainFrom = choices("DomainFrom", ("project", "group", "folder"))
ProductFrom = choices("ProductFrom", ("group", "model"))


@import_app.command("dbt")
@command
def import_dbt(
    manifests: Annotated[list[Path], typer.Argument(help="dbt manifest.json files (target/manifest.json of each "
                                                         "project, dbt 1.5 or later).", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The mesh folder to write (default: the working directory).")]
    = Path("."),
    check: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 when the mesh and the dbt projects "
                                                        "have drifted apart (either side).")] = False,
    domain_from: Annotated[DomainFrom, typer.Option(help="What becomes a domain: the dbt project, the group, or the "
                                                         "first folder under models/.")] = DomainFrom.project,
    product_from: Annotated[ProductFrom, typer.Option(help="What becomes a data product: a group (its public models "
                                                           "its ports), or each public model.")] = ProductFrom.group,
    mesh: Annotated[Optional[str], typer.Option("--mesh", help="The Mesh's name, when the folder has no "
                                                               "alchemesh.yaml yet (default: the first project).")]
    = None,
    duckdb: Annotated[Optional[Path], typer.Option("--duckdb", metavar="FILE", help="The dbt-duckdb database the "
                                                    "models are built in: the ports read there, and `alchemesh test` "
                                                    "tests them (engine duckdb).")] = None,
) -> int:
    """Write domains, teams, data products and ODCS contracts from dbt manifests; again, to carry dbt changes over."""
    from alchemesh.interop.dbt import TOOL, Options, mesh_files
    from alchemesh.interop.generated import apply, reconcile

    wanted, once = mesh_files(manifests, Options(domain_from.value, product_from.value, mesh, duckdb, out))
    outcome = reconcile(out, TOOL, wanted, once)
    lines = [f"  {verb:<8} {rel}" for verb, files in (("create", outcome.created), ("update", outcome.written),
                                                      ("remove", outcome.removed)) for rel in files]
    lines += [f"  kept     {rel}: {why}" for rel, why in outcome.kept]
    lines += [f"  yours    {rel}: no import header, never written over" for rel in outcome.owned]
    if check:
        print_plain("\n".join([*lines, "in step with the dbt manifests" if not outcome.drifted else
                               f"drift: {len(lines) - len(outcome.owned)} file(s) differ from what "
                               "`alchemesh import dbt` writes"]))
        return 1 if outcome.drifted else 0
    apply(out, outcome, wanted, once)
    done = len(outcome.created) + len(outcome.written) + len(outcome.removed)
    print_plain("\n".join([*lines, f"{done} file(s) written or removed, {outcome.same} unchanged in {out}"
                           + (f"; {len(outcome.kept)} kept as they are" if outcome.kept else "")]))
    return 0
