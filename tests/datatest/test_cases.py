"""The data cases of `cases/*.yaml`, each on real DuckDB and on a real PostgreSQL server: a contract (its
`schema`, and what else the case gives), data made by SQL, and exactly the checks that must fail.

A case:

    - name: what it shows
      data: CREATE TABLE … ; INSERT …      # portable SQL, run in a fresh database (PostgreSQL: a fresh schema)
      contract: {schema: [...], slaProperties: [...], apiVersion: v3.0.2}   # over a minimal v3.1.0 contract
      fails:                               # every failed check: rule, contract path, and what was measured
        - {rule: data-required, path: schema/0/properties/0/required, observed: "2"}
      skipped: ["orders.x: custom"]        # labels of checks that cannot run (optional)
      engines: [duckdb]                    # optional: where the case holds (default both)
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from alchemesh.datatest.run import PortTarget, check_port
from alchemesh.load import yamlfile
from alchemesh.model.contract import read_contract
from tests.testing.postgres import reading_location

CASES = Path(__file__).parent / "cases"
NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
BASE = {"apiVersion": "v3.1.0", "kind": "DataContract", "id": "urn:test", "version": "1.0.0", "status": "active"}


def _cases():
    for path in sorted(CASES.glob("*.yaml")):
        for i, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for engine in case.get("engines", ["duckdb", "postgres"]):
                yield pytest.param(case, engine, id=f"{path.stem}[{i}]-{engine}: {case['name']}")


def _target(case: dict, tmp_path: Path) -> PortTarget:
    document = {**BASE, **case["contract"]}
    text = yaml.safe_dump(document, sort_keys=False)
    (tmp_path / "contract.odcs.yaml").write_text(text, encoding="utf-8")
    node = yamlfile.compose("contract.odcs.yaml", text.encode())[0]
    return PortTarget("d/p/port", "port", read_contract(document), "contract.odcs.yaml",
                      lambda path: yamlfile.locate(node, path), "duckdb", ("d/consumer/in",), "product.yaml", (1, 1))


def _duckdb(sql: str, tmp_path: Path) -> str:
    import duckdb

    path = tmp_path / "port.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(sql)
    return str(path)


def _postgres(sql: str, url: str, schema: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"'.encode())
        connection.execute(f'SET search_path TO "{schema}"'.encode())
        connection.execute(sql.encode())
    return reading_location(url, schema)


@pytest.mark.parametrize(("case", "engine"), list(_cases()))
def test_case(case: dict, engine: str, tmp_path: Path, request):
    target = _target(case, tmp_path)
    if engine == "postgres":
        url = request.getfixturevalue("pg_url")
        location = _postgres(case["data"], url, f"case_{abs(hash(request.node.name)) % 10**8}")
    else:
        location = _duckdb(case["data"], tmp_path)
    target = PortTarget(**{**target.__dict__, "engine": engine})
    result = check_port(target, location, tmp_path, timeout=30, now=NOW)
    assert result.status != "unreachable", result.findings
    failed = [{"rule": c.finding.rule, "path": "/".join(map(str, c.finding.path)), "observed": c.observed}
              for c in result.checks if c.status == "failed"]
    wanted = [{"rule": f["rule"], "path": f["path"], "observed": f.get("observed")} for f in case.get("fails", [])]
    assert sorted(failed, key=str) == sorted(wanted, key=str)
    skipped = sorted(c.label for c in result.checks if c.status == "skipped")
    assert skipped == sorted(case.get("skipped", []))
    passed = [c for c in result.checks if c.status == "passed"]
    assert passed or not result.checks, "a case where nothing passes tests nothing but its failures"
    for c in result.checks:
        if c.finding is not None:  # located at the node it checks, with the port's consumers
            assert c.finding.line >= 1 and c.finding.file == "contract.odcs.yaml"
            assert c.finding.data.consumers == ("d/consumer/in",)
    status = "failed" if any(c.finding.severity.value == "error" for c in result.checks if c.finding) else \
        "warned" if failed else "passed"
    assert result.status == status
