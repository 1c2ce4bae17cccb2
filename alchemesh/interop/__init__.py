"""The ecosystem's formats, in and out: one table each.

A format is its module and a row here. An exporter's module has `export(analysis, site_url, version)` returning
relative path → bytes; an importer's has `import_into(out, sources, options, check)` returning an `Outcome`
(`interop.generated`). The pipeline and the CLI read these tables: the CLI's `export` commands are made from them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Format:
    module: str
    summary: str  # the command's help
    noun: str  # what the export says it wrote: "{n} ODPS document(s)"
    versions: tuple[str, ...] = ()  # the versions it writes (`--version`), the first the default
    single_file: str | None = None  # an export into one file (`--out` names the file), else one file per document
    count: Callable[[bytes], int] = lambda content: 1  # documents in one written file


EXPORTERS: dict[str, Format] = {
    "odps": Format("alchemesh.interop.odps", "Write one Open Data Product Standard (ODPS v1) document per data "
                   "product.", "ODPS document(s)", versions=("1.0.0", "1.1.0")),
    "backstage": Format("alchemesh.interop.backstage", "Write the mesh as Backstage catalog entities "
                        "(catalog-info.yaml), built-in kinds only.", "Backstage entities",
                        single_file="catalog-info.yaml", count=lambda content: content.count(b"---\n")),
}
IMPORTERS: dict[str, Format] = {
    "dbt": Format("alchemesh.interop.dbt", "Write domains, teams, data products and ODCS contracts from dbt "
                  "manifests; again, to carry dbt changes over.", "file(s)"),
    "odps": Format("alchemesh.interop.odps", "Give back the data product files of an ODPS export, or make products "
                   "of other tools' ODPS documents.", "data product file(s)"),
}


def exporter(name: str) -> Callable[..., dict[str, bytes]]:
    export: Callable[..., dict[str, bytes]] = importlib.import_module(EXPORTERS[name].module).export
    return export


def importer(name: str) -> Callable[..., Any]:
    import_into: Callable[..., Any] = importlib.import_module(IMPORTERS[name].module).import_into
    return import_into
