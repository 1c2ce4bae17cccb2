"""`alchemesh import dbt|odps`, `alchemesh export odps`: the mesh and the ecosystem's formats."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, choices, command, print_markup, print_plain
from alchemesh.interop import EXPORTERS, Format
from alchemesh.report import reporter

import_app = typer.Typer(help="Bring an existing estate into the mesh: dbt projects, ODPS documents.",
                         no_args_is_help=True, suggest_commands=False)
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
    from alchemesh.interop.dbt import Options
    from alchemesh.pipeline import Pipeline

    options = Options(domain_from.value, product_from.value, mesh, duckdb, out)
    outcome = Pipeline(out).import_files("dbt", manifests, options, check=check)
    lines = [f"  {verb:<8} {rel}" for verb, files in (("create", outcome.created), ("update", outcome.written),
                                                      ("remove", outcome.removed)) for rel in files]
    lines += [f"  kept     {rel}: {why}" for rel, why in outcome.kept]
    lines += [f"  yours    {rel}: no import header, never written over" for rel in outcome.owned]
    if check:
        print_plain("\n".join([*lines, "in step with the dbt manifests" if not outcome.drifted else
                               f"drift: {len(lines) - len(outcome.owned)} file(s) differ from what "
                               "`alchemesh import dbt` writes"]))
        return 1 if outcome.drifted else 0
    done = len(outcome.created) + len(outcome.written) + len(outcome.removed)
    print_plain("\n".join([*lines, f"{done} file(s) written or removed, {outcome.same} unchanged in {from_here(out)}"
                           + (f"; {len(outcome.kept)} kept as they are" if outcome.kept else "")]))
    return 0


export_app = typer.Typer(help="The mesh in the ecosystem's formats: ODPS, Backstage.", no_args_is_help=True, suggest_commands=False)
app.add_typer(export_app, name="export")


def _export_command(name: str, form: Format) -> None:
    """`alchemesh export NAME`: one command per row of `interop.EXPORTERS`."""
    out_help = (f"The file to write (default: .alchemesh/export/{name}/{form.single_file})." if form.single_file
                else f"Where to write (default: .alchemesh/export/{name}).")
    table: list[tuple[str, object, object]] = [
        ("path", RepoPath, None),
        ("out", Annotated[Optional[Path], typer.Option("--out", help=out_help)], None),
        ("site_url", Annotated[Optional[str], typer.Option(
            "--site-url", metavar="URL", help="Where the catalog is served: each entity links its page there.")], None),
    ]
    if form.versions:
        version_choice = choices(f"{name.title()}Version", form.versions)
        table.append(("version", Annotated[version_choice, typer.Option(
            "--version", help=f"The {name.upper()} version to write.")], version_choice(form.versions[0])))

    def export_command(path: Optional[Path], out: Optional[Path], site_url: Optional[str], version=None) -> int:
        from alchemesh.pipeline import Pipeline

        pipeline = Pipeline.at(path)
        exported = pipeline.export(name, out, site_url, getattr(version, "value", None))
        if exported.target is None:
            print_markup(reporter("text")(exported.report, pipeline.root))
            typer.echo("alchemesh: nothing exported: the mesh has validation errors", err=True)
            return 1
        print_plain(f"{exported.documents} {form.noun} in {from_here(exported.target)}")
        return 0

    export_command.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d, annotation=a) for n, a, d in table],
        return_annotation=int)
    export_command.__annotations__ = {n: a for n, a, _ in table} | {"return": int}
    export_command.__doc__ = form.summary
    export_command.__name__ = f"export_{name}"
    export_app.command(name)(command(export_command))


for _name, _form in EXPORTERS.items():
    _export_command(_name, _form)


@import_app.command("odps")
@command
def import_odps(
    documents: Annotated[list[Path], typer.Argument(help="ODPS documents `alchemesh export odps` wrote.",
                                                    show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="The mesh folder (default: the working directory).")] = Path("."),
    output_component: Annotated[Optional[str], typer.Option(
        "--output-component", metavar="NAME", help="Documents of other tools: the registry's component of their "
                                                   "output ports.")] = None,
    input_component: Annotated[Optional[str], typer.Option(
        "--input-component", metavar="NAME", help="Documents of other tools: the registry's component of their "
                                                  "input ports.")] = None,
) -> int:
    """Give back the data product files of an ODPS export, or make products of other tools' ODPS documents (their
    contractIds resolved to the mesh's contracts); a different file already there is kept and said."""
    from alchemesh.pipeline import Pipeline

    from alchemesh.interop.odps import ImportOptions

    outcome = Pipeline(out).import_files("odps", documents, ImportOptions(output_component, input_component))
    kept = [rel for rel, _ in outcome.kept]
    for rel in kept:
        typer.echo(f"alchemesh: {rel} exists and differs from the document: kept as it is", err=True)
    print_plain(f"{len(outcome.created)} data product file(s) written, {outcome.same} unchanged in {from_here(out)}")
    return 1 if kept else 0
