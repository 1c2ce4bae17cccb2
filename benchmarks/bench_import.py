"""Time `alchemesh import dbt` on a synthetic manifest of N models, next to datacontract-cli's
`datacontract import --format dbt` on the same manifest, and say what each produces.

    python benchmarks/bench_import.py [--models 1000] [--repeat 3] [--datacontract PATH] [--markdown]

The manifest is shaped as dbt 1.10 writes it (schema v12): N models in groups of 20 (an owner each), 10 columns per
model with data types, `not_null`/`unique`/`accepted_values` tests, half of the models public, each public model
reading one model of the group before it (so products read products), one source per group.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from bench_validate import Timing, alchemesh_cmd, best_of, log, ratio, render

GROUP = 20
COLUMNS = 10


def manifest(models: int) -> dict:
    nodes, sources, groups = {}, {}, {}
    for i in range(models):
        g = i // GROUP
        group = f"group_{g:03d}"
        groups.setdefault(f"group.estate.{group}", {
            "name": group, "resource_type": "group", "package_name": "estate", "unique_id": f"group.estate.{group}",
            "owner": {"name": f"Team {g:03d}", "email": f"team-{g:03d}@example.com"}})
        source = f"source.estate.raw_{g:03d}.events"
        sources.setdefault(source, {"resource_type": "source", "package_name": "estate", "unique_id": source,
                                    "source_name": f"raw_{g:03d}", "name": "events"})
        key = f"model.estate.model_{i:05d}"
        depends = [source] + ([f"model.estate.model_{i - GROUP:05d}"] if i >= GROUP and i % 2 == 0 else [])
        columns = {f"col_{c}": {"name": f"col_{c}", "data_type": ["varchar", "bigint", "decimal(12,2)", "timestamp",
                                                                  "boolean"][c % 5],
                                "description": f"Column {c} of model {i}.", "meta": {}, "tags": [], "constraints": []}
                   for c in range(COLUMNS)}
        nodes[key] = {"resource_type": "model", "package_name": "estate", "unique_id": key, "name": f"model_{i:05d}",
                      "alias": f"model_{i:05d}", "database": "warehouse", "schema": group, "group": group,
                      "access": "public" if i % 2 == 0 else "protected", "version": None, "latest_version": None,
                      "description": f"Model {i}.", "tags": ["synthetic"], "meta": {"tier": "gold"},
                      "config": {"materialized": "table", "contract": {"enforced": i % 2 == 0}},
                      "contract": {"enforced": i % 2 == 0}, "constraints": [], "columns": columns,
                      "depends_on": {"nodes": depends}, "fqn": ["estate", group, f"model_{i:05d}"],
                      "deprecation_date": None}
        for c, test in ((0, "not_null"), (0, "unique"), (1, "not_null"), (4, "accepted_values")):
            tkey = f"test.estate.{test}_model_{i:05d}_col_{c}"
            kwargs = {"column_name": f"col_{c}"} | ({"values": ["a", "b", "c"]} if test == "accepted_values" else {})
            nodes[tkey] = {"resource_type": "test", "package_name": "estate", "unique_id": tkey,
                           "attached_node": key, "column_name": f"col_{c}", "depends_on": {"nodes": [key]},
                           "test_metadata": {"name": test, "kwargs": kwargs}}
    return {"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json",
                         "dbt_version": "1.10.23", "project_name": "estate"},
            "nodes": nodes, "sources": sources, "groups": groups, "macros": {}, "docs": {}, "exposures": {},
            "metrics": {}, "selectors": {}, "disabled": {}, "parent_map": {}, "child_map": {}, "group_map": {},
            "saved_queries": {}, "semantic_models": {}, "unit_tests": {}}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datacontract", help="path of a `datacontract` executable")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    alchemesh = alchemesh_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        path = work / "manifest.json"
        path.write_text(json.dumps(manifest(args.models)))
        mesh = work / "mesh"
        log(f"{args.models} models: alchemesh import dbt")
        cold = best_of([*alchemesh, "import", "dbt", str(path), "--out", str(mesh)], args.repeat, args.timeout,
                       before=lambda: shutil.rmtree(mesh, ignore_errors=True))
        again = best_of([*alchemesh, "import", "dbt", str(path), "--out", str(mesh)], args.repeat, args.timeout)
        products = len(list(mesh.glob("domains/*/*/product.yaml")))
        contracts = len(list(mesh.glob("domains/*/*/*.odcs.yaml")))
        teams = len(list(mesh.glob("teams/*.yaml")))
        if args.datacontract and Path(args.datacontract).exists():
            log("datacontract import dbt")
            out = work / "datacontract.yaml"
            theirs = best_of([args.datacontract, "import", "dbt", "--source", str(path), "--output", str(out)],
                             args.repeat, args.timeout,
                             before=lambda: out.unlink(missing_ok=True))
            produced = "1 file" if out.exists() else "nothing"
        else:
            theirs, produced = Timing(None, "not installed"), "-"
    rows = [
        ["alchemesh import dbt (new mesh)", cold.cell(), "",
         f"{products} products, {contracts} contracts, {teams} teams, lineage"],
        ["alchemesh import dbt (again, nothing changed)", again.cell(), "", "no file written"],
        ["datacontract import dbt", theirs.cell(), ratio(theirs, cold), produced],
    ]
    print(render(["command", "best s", "× alchemesh", "produces"], rows, args.markdown))


if __name__ == "__main__":
    main()
