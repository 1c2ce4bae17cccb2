"""`alchemesh import dbt|odps`, `alchemesh export odps`: the mesh and the ecosystem's formats."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, choices, command, print_markup, print_plain
from alchemesh.findings import Severity

import_app = typer.Typer(help="Bring an existing estate into the mesh: dbt projects, ODPS documents.",
                         no_args_is_help=True, suggest_commands=False)
app.add_typer(import_app, name="import")

DomainFrom = choices("DomainFrom", ("project", "group", "folder"))
ProductFrom = choices("ProductFrom", ("group", "model"))
OdpsVersion = choices("OdpsVersion", ("1.0.0", "1.1.0"))


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
    import contextlib

    from alchemesh.interop.dbt import TOOL, Options, mesh_files
    from alchemesh.interop.generated import apply, reconcile
    from alchemesh.workspace import exclusive

    wanted, once = mesh_files(manifests, Options(domain_from.value, product_from.value, mesh, duckdb, out))
    with contextlib.nullcontext() if check else exclusive(out, "import-dbt"):
        if (out / "alchemesh.yaml").exists():
            once = {}  # an existing mesh: its Mesh, registry and components are the team's
        outcome = reconcile(out, TOOL, wanted, once)
        if not check:
            apply(out, outcome, wanted, once)
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


@export_app.command("odps")
@command
def export_odps(
    path: RepoPath = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="Where to write (default: .alchemesh/export/odps).")]
    = None,
    site_url: Annotated[Optional[str], typer.Option("--site-url", metavar="URL", help="Where the catalog is served: "
                                                    "each product's page becomes an authoritative definition.")] = None,
    version: Annotated[OdpsVersion, typer.Option("--version", help="The ODPS version to write.")] = OdpsVersion("1.0.0"),
) -> int:
    """Write one Open Data Product Standard (ODPS v1) document per data product."""
    from alchemesh.interop.odps import export
    from alchemesh.workspace import WORK_DIR, write_atomic

    root, analysis = _validated(path)
    if analysis is None:
        return 1
    target = out if out is not None else root / WORK_DIR / "export" / "odps"
    documents = export(analysis, site_url, version.value)
    for rel, content in documents.items():
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        write_atomic(target / rel, content)
    print_plain(f"{len(documents)} ODPS document(s) in {from_here(target)}")
    return 0


@export_app.command("backstage")
@command
def export_backstage(
    path: RepoPath = None,
    out: Annotated[Optional[Path], typer.Option("--out", help="The file to write (default: "
                                                              ".alchemesh/export/backstage/catalog-info.yaml).")] = None,
    site_url: Annotated[Optional[str], typer.Option("--site-url", metavar="URL", help="Where the catalog is served: "
                                                    "each entity links its page.")] = None,
) -> int:
    """Write the mesh as Backstage catalog entities (catalog-info.yaml), built-in kinds only."""
    from alchemesh.interop.backstage import export
    from alchemesh.workspace import WORK_DIR, write_atomic

    root, analysis = _validated(path)
    if analysis is None:
        return 1
    target = out if out is not None else root / WORK_DIR / "export" / "backstage" / "catalog-info.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    content = export(analysis, site_url)
    write_atomic(target, content)
    entities = content.count(b"---\n")  # one document per entity
    print_plain(f"{entities} Backstage entities in {from_here(target)}")
    return 0


def _validated(path: Optional[Path]):
    """The repo root and its analysis; None (its findings printed) when the mesh has errors: nothing exports."""
    from alchemesh.load.discovery import find_root
    from alchemesh.pipeline import Pipeline
    from alchemesh.report import reporter

    root = find_root(path)
    analysis = Pipeline(root).analysis
    if analysis.report.count(Severity.ERROR):
        print_markup(reporter("text")(analysis.report, root))
        typer.echo("alchemesh: nothing exported: the mesh has validation errors", err=True)
        return root, None
    return root, analysis


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
    from alchemesh.errors import UsageError
    from alchemesh.interop.odps import Placement, import_documents
    from alchemesh.repofiles import RefusedFile, from_here, read_repo_file, writable_path
    from alchemesh.workspace import write_atomic

    placement = None
    if output_component and (out / "alchemesh.yaml").is_file():
        from alchemesh.pipeline import Pipeline

        placement = Placement(Pipeline(out).analysis, output_component, input_component or output_component)
    files = import_documents(documents, placement)
    targets = {}
    for rel in sorted(files):
        try:
            targets[rel] = writable_path(out, rel)
        except RefusedFile as refused:
            raise UsageError(f"import odps would write {rel}: {refused.reason}; nothing written") from None
    kept, same = [], 0
    for rel, path in targets.items():
        if path.exists():
            if read_repo_file(out, rel) == files[rel]:
                same += 1
            else:
                kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, files[rel])
    for rel in kept:
        typer.echo(f"alchemesh: {rel} exists and differs from the document: kept as it is", err=True)
    written = len(files) - len(kept) - same
    print_plain(f"{written} data product file(s) written, {same} unchanged in {from_here(out)}")
    return 1 if kept else 0
