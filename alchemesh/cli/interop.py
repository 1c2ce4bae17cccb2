"""`alchemesh import dbt|odps`, `alchemesh export odps`: the mesh and the ecosystem's formats."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.repofiles import from_here

from alchemesh.cli.app import RepoPath, app, choices, command, print_markup, print_plain
from alchemesh.pipeline.tools import EXPORTERS, IMPORTERS, Format, import_options
from alchemesh.report import reporter

import_app = typer.Typer(help="Bring an existing estate into the mesh: dbt projects, ODPS documents.",
                         no_args_is_help=True, suggest_commands=False)
app.add_typer(import_app, name="import")

def _import_command(name: str, form: Format) -> None:
    """`alchemesh import NAME`: one command per row of `interop.IMPORTERS`, its options from the row."""
    table: list[tuple[str, object, object]] = [
        ("sources", Annotated[list[Path], typer.Argument(
            metavar=f"{form.sources_name}...", help=form.sources, show_default=False)], inspect.Parameter.empty),
        ("out", Annotated[Path, typer.Option("--out", help="The mesh folder to write (default: the working "
                                                           "directory).")], Path(".")),
    ]
    if form.checks:
        table.append(("check", Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 when the mesh and "
                                                            "the sources have drifted apart (either side).")], False))
    for option in form.options:
        flag = "--" + option.name.replace("_", "-")
        if option.choices:
            kind = choices(f"{name.title()}{option.name.title().replace('_', '')}", option.choices)
            table.append((option.name, Annotated[kind, typer.Option(flag, help=option.help)], kind(option.choices[0])))
        else:
            kind = Optional[Path] if option.path else Optional[str]
            table.append((option.name, Annotated[kind, typer.Option(flag, metavar=option.metavar, help=option.help)],
                          None))

    def import_command(sources: list[Path], out: Path, check: bool = False, **values) -> int:
        from alchemesh.pipeline import Pipeline

        chosen = {key: getattr(value, "value", value) for key, value in values.items()}
        outcome = Pipeline(out).import_files(name, sources, import_options(name, chosen), check=check)
        return _said(name, form, outcome, out, check)

    _as_command(import_command, table, form.summary, f"import_{name}")
    import_app.command(name)(command(import_command))


def _said(name: str, form: Format, outcome, out: Path, check: bool) -> int:
    """What an import did: a line per file changed, kept or left to its owner, then the count; a kept file is a
    conflict where the format says so (stderr, exit 1)."""
    lines = [f"  {verb:<8} {rel}" for verb, files in (("create", outcome.created), ("update", outcome.written),
                                                      ("remove", outcome.removed)) for rel in files]
    if form.kept_fails:
        for rel, why in outcome.kept:
            typer.echo(f"alchemesh: {rel} {why}", err=True)
    else:
        lines += [f"  kept     {rel}: {why}" for rel, why in outcome.kept]
    lines += [f"  yours    {rel}: no import header, never written over" for rel in outcome.owned]
    if check:
        print_plain("\n".join([*lines, "in step with the sources" if not outcome.drifted else
                               f"drift: {len(lines) - len(outcome.owned)} file(s) differ from what "
                               f"`alchemesh import {name}` writes"]))
        return 1 if outcome.drifted else 0
    written = len(outcome.created) + len(outcome.written)
    summary = (f"{written} {form.noun} written" + (f", {len(outcome.removed)} removed" if outcome.removed else "")
               + f", {outcome.same} unchanged in {from_here(out)}")
    if outcome.kept and not form.kept_fails:
        summary += f"; {len(outcome.kept)} kept as they are"
    print_plain("\n".join([*lines, summary]))
    return 1 if outcome.kept and form.kept_fails else 0


def _as_command(function, table: list[tuple[str, object, object]], doc: str, name: str) -> None:
    """Give `function` the signature typer reads its arguments and options from."""
    function.__signature__ = inspect.Signature(
        [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=d, annotation=a) for n, a, d in table],
        return_annotation=int)
    function.__annotations__ = {n: a for n, a, _ in table} | {"return": int}
    function.__doc__ = doc
    function.__name__ = name


for _name, _form in IMPORTERS.items():
    _import_command(_name, _form)


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

    _as_command(export_command, table, form.summary, f"export_{name}")
    export_app.command(name)(command(export_command))


for _name, _form in EXPORTERS.items():
    _export_command(_name, _form)
