"""The ecosystem's formats, in and out: one table each.

A format is its module and a row here. An exporter's module has `export(analysis, site_url, version)` returning
relative path → bytes; an importer's has `import_into(out, sources, options, check, analysis)` returning an
`Outcome` (`interop.generated`), and its row names its options class and each option: the pipeline and the CLI read
these tables, and the CLI's `export` and `import` commands are made from them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Option:
    """One option of an importer: a field of its options class, `--name-with-dashes` on the command line."""

    name: str
    help: str
    choices: tuple[str, ...] = ()  # the values it takes, the first the default; none: free text
    metavar: str | None = None
    path: bool = False  # a file: read relative to where the command runs


@dataclass(frozen=True)
class Format:
    module: str
    summary: str  # the command's help
    noun: str  # what the export says it wrote: "{n} ODPS document(s)"
    versions: tuple[str, ...] = ()  # the versions it writes (`--version`), the first the default
    single_file: str | None = None  # an export into one file (`--out` names the file), else one file per document
    count: Callable[[bytes], int] = lambda content: 1  # documents in one written file
    # importers
    sources: str = ""  # the help of the files it reads
    sources_name: str = "FILE"  # what the command's usage calls one of them
    options: tuple[Option, ...] = ()
    options_class: str = ""  # "module:Class", built from the options' values
    checks: bool = False  # `--check`: write nothing, exit 1 when the mesh and the sources have drifted apart
    kept_fails: bool = False  # a file kept as it is (not what the sources say) fails the import


EXPORTERS: dict[str, Format] = {
    "odps": Format("alchemesh.interop.odps", "Write one Open Data Product Standard (ODPS v1) document per data "
                   "product.", "ODPS document(s)", versions=("1.0.0", "1.1.0")),
    "backstage": Format("alchemesh.interop.backstage", "Write the mesh as Backstage catalog entities "
                        "(catalog-info.yaml), built-in kinds only.", "Backstage entities",
                        single_file="catalog-info.yaml", count=lambda content: content.count(b"---\n")),
    "oaas": Format("alchemesh.interop.oaas", "Write one Open Access Agreement Standard (OAAS v0.9) document per "
                   "access agreement, valid against its schema.", "OAAS document(s)"),
    "dua": Format("alchemesh.interop.dua", "Write one Data Usage Agreement Specification (0.0.1) document per "
                  "access agreement, valid against its schema.", "DUA document(s)"),
}
IMPORTERS: dict[str, Format] = {
    "dbt": Format(
        "alchemesh.interop.dbt", "Write domains, teams, data products and ODCS contracts from dbt manifests; again, "
        "to carry dbt changes over.", "file(s)",
        sources="dbt manifest.json files (target/manifest.json of each project, dbt 1.5 or later).",
        sources_name="MANIFEST",
        options=(
            Option("domain_from", "What becomes a domain: the dbt project, the group, or the first folder under "
                   "models/.", choices=("project", "group", "folder")),
            Option("product_from", "What becomes a data product: a group (its public models its ports), or each "
                   "public model.", choices=("group", "model")),
            Option("mesh", "The Mesh's name, when the folder has no alchemesh.yaml yet (default: the first "
                   "project).", metavar="NAME"),
            Option("duckdb", "The dbt-duckdb database the models are built in: the ports read there, and `alchemesh "
                   "test` tests them (engine duckdb).", metavar="FILE", path=True)),
        options_class="alchemesh.interop.dbt:Options", checks=True),
    "odps": Format(
        "alchemesh.interop.odps", "Give back the data product files of an ODPS export, or make products of other "
        "tools' ODPS documents (their contractIds resolved to the mesh's contracts); a different file already there "
        "is kept and said.", "data product file(s)",
        sources="ODPS documents (`alchemesh export odps` wrote them, or another tool).",
        options=(
            Option("output_component", "Documents of other tools: the registry's component of their output ports.",
                   metavar="NAME"),
            Option("input_component", "Documents of other tools: the registry's component of their input ports.",
                   metavar="NAME")),
        options_class="alchemesh.interop.odps:ImportOptions", kept_fails=True),
    "oaas": Format(
        "alchemesh.interop.oaas", "Make access agreements of OAAS v0.9 documents, in their provider product's "
        "agreements/ folder; a different file already there is kept and said.", "agreement file(s)",
        sources="OAAS documents (`kind: AccessAgreement`, apiVersion v0.9.0).", checks=True, kept_fails=True),
    "dua": Format(
        "alchemesh.interop.dua", "Make access agreements of Data Usage Agreement Specification 0.0.1 documents, in "
        "their provider product's agreements/ folder; a different file already there is kept and said.",
        "agreement file(s)", sources="DUA documents (`dataUsageAgreementSpecification: 0.0.1`).", checks=True,
        kept_fails=True),
}


def exporter(name: str) -> Callable[..., dict[str, bytes]]:
    export: Callable[..., dict[str, bytes]] = importlib.import_module(EXPORTERS[name].module).export
    return export


def importer(name: str) -> Callable[..., Any]:
    import_into: Callable[..., Any] = importlib.import_module(IMPORTERS[name].module).import_into
    return import_into


def import_options(name: str, values: dict[str, Any]) -> Any:
    """The options of importer `name`, from its options' values by name (None for one that takes none)."""
    if not IMPORTERS[name].options_class:
        return None
    module, _, cls = IMPORTERS[name].options_class.partition(":")
    return getattr(importlib.import_module(module), cls)(**values)
