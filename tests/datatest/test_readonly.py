"""A contract's `sql` rule comes from a pull request: on real PostgreSQL (as the superuser CI often is, through a
tester role) and real DuckDB, a rule that would write, leave the read-only transaction, change the session, reach
the server's files or catalogs, or call a function outside the allow-list is refused at its line and never sent;
what a rule selects is never quoted in a finding; a rule cannot switch its timeout off."""

from __future__ import annotations

import json
from pathlib import Path

import psycopg
import pytest

from alchemesh.datatest.engines import Postgres, QueryFailed, connect
from alchemesh.datatest.run import PortTarget, check_port
from alchemesh.model.contract import read_contract
from tests.testing.postgres import reading_location

SECRET = "ceo=999999"
BASE = {"apiVersion": "v3.1.0", "kind": "DataContract", "id": "urn:t", "version": "1.0.0", "status": "active"}

HOSTILE = [
    "COMMIT; BEGIN READ WRITE; DELETE FROM {object}",
    "SELECT set_config('default_transaction_read_only', 'off', false)",
    "WITH gone AS (DELETE FROM {object} RETURNING *) SELECT count(*) FROM gone",
    "COPY (SELECT 1) TO PROGRAM 'touch /tmp/alchemesh-pwned'",
    "SELECT count(*) FROM pg_authid",
    "SELECT count(*) FROM pg_catalog.pg_authid",
    "SELECT length(pg_read_file('/etc/passwd'))",
    "SELECT count(*) FROM other_team.salaries",
    "SELECT lo_import('/etc/passwd')",
    "SELECT count(*) FROM dblink('host=127.0.0.1', 'SELECT 1') AS t(a int)",
    "SET statement_timeout = 0",
    "SELECT * INTO stolen FROM {object}",
    "SELECT count(*) FROM {object} FOR UPDATE",
    "SELECT count(*) FROM read_csv('/etc/passwd')",
    "SELECT count(*) FROM '/etc/passwd'",
    "SELECT count(*) FROM glob('/*')",
    "ATTACH '/tmp/alchemesh-other.duckdb' AS other",
    "INSTALL httpfs",
    "SELECT 1; SELECT 2",
]


def _contract(*rules: str) -> dict:
    return {**BASE, "schema": [{"name": "salaries", "properties": [
        {"name": "id", "logicalType": "integer", "required": True},
        {"name": "note", "logicalType": "string"}],
        "quality": [{"type": "sql", "name": f"rule{i}", "query": q, "mustBe": 0} for i, q in enumerate(rules)]}]}


def _target(contract: dict, engine: str) -> PortTarget:
    return PortTarget("d/p/port", "port", read_contract(contract), "c.odcs.yaml", lambda path: (40 + path[-1], 9)
                      if path[-2:-1] == ("quality",) else (1, 1), engine, ("d/q/in",), "product.yaml", (7, 9))


@pytest.fixture
def duck(tmp_path: Path) -> str:
    import duckdb

    with duckdb.connect(str(tmp_path / "port.duckdb")) as connection:
        connection.execute(f"CREATE TABLE salaries (id INTEGER, note VARCHAR); INSERT INTO salaries VALUES (1, '{SECRET}')")
    return "port.duckdb"


@pytest.fixture
def pg(pg_url: str, request) -> str:
    schema = f"ro_{abs(hash(request.node.name)) % 10**8}"
    with psycopg.connect(pg_url, autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"; '
                           f'CREATE TABLE "{schema}".salaries (id integer, note text); '
                           f"INSERT INTO \"{schema}\".salaries VALUES (1, '{SECRET}');"
                           "CREATE SCHEMA IF NOT EXISTS other_team; "
                           "CREATE TABLE IF NOT EXISTS other_team.salaries (x int)".encode())
    return reading_location(pg_url, schema)


def _rows(engine: str, location: str, tmp_path: Path) -> int:
    opened = connect(engine, location, tmp_path, 10)
    try:
        return opened.row('SELECT count(*) FROM "salaries"')[0]
    finally:
        opened.close()


@pytest.mark.parametrize("engine", ["postgres", "duckdb"])
def test_every_hostile_rule_is_refused_at_its_line_and_never_sent(engine: str, request, tmp_path: Path):
    location = request.getfixturevalue("pg" if engine == "postgres" else "duck")
    result = check_port(_target(_contract(*HOSTILE), engine), location, tmp_path, timeout=10)
    by_line = {f.line: f for f in result.findings}
    assert sorted(by_line) == [40 + i for i in range(len(HOSTILE))], [f.message for f in result.findings]
    for finding in by_line.values():
        assert finding.rule == "data-quality" and finding.severity.value == "error"
        assert "its query is refused and was not run" in finding.message, finding.message
    assert _rows(engine, location, tmp_path) == 1  # nothing was deleted
    assert not Path("/tmp/alchemesh-pwned").exists() and not Path("/tmp/alchemesh-other.duckdb").exists()
    if engine == "postgres":
        with psycopg.connect(location.split("?")[0].replace("postgresql://", "postgres://") + "?sslmode=disable",
                             autocommit=True) as connection:
            assert connection.execute("SHOW default_transaction_read_only").fetchone() == ("off",)  # untouched
            assert connection.execute("SELECT to_regclass('stolen')").fetchone() == (None,)


@pytest.mark.parametrize("engine", ["postgres", "duckdb"])
def test_what_a_rule_selects_is_never_quoted(engine: str, request, tmp_path: Path):
    location = request.getfixturevalue("pg" if engine == "postgres" else "duck")
    rules = ["SELECT note FROM {object} LIMIT 1", "SELECT CAST(note AS INTEGER) FROM {object}",
             "SELECT count(*) FROM {object} WHERE id < 0"]
    contract = _contract(*rules)
    contract["slaProperties"] = [{"property": "freshness", "value": 1, "unit": "d", "element": "salaries.note"}]
    result = check_port(_target(contract, engine), location, tmp_path, timeout=10)
    everything = json.dumps([[f.message, str(f.data.observed), str(f.data.expected)] for f in result.findings]
                            + [[c.label, str(c.observed)] for c in result.checks])
    assert SECRET not in everything and "999999" not in everything
    messages = {f.line: f.message for f in result.findings}
    assert "returned a non-number (text)" in messages[40]
    assert messages[41].startswith("salaries: rule1: its query failed: ")
    assert 42 not in messages  # the honest rule passed
    assert any("holds a text value, not a date or time" in f.message for f in result.findings)


def test_the_superuser_is_refused_and_the_tester_role_reads(pg_url: str, pg: str, tmp_path: Path):
    as_superuser = pg.split("&role=")[0] + "&sslmode=disable"
    result = check_port(_target(_contract(), "postgres"), as_superuser, tmp_path, timeout=10)
    assert result.status == "unreachable" and "refusing to read as `postgres`" in result.findings[0].message
    assert check_port(_target(_contract(), "postgres"), pg, tmp_path, timeout=10).status == "passed"


def test_one_statement_per_query_and_each_in_a_read_only_transaction_rolled_back(pg: str, tmp_path: Path):
    """Below the parser: what reaches the server cannot run two statements, write, or outlive its transaction."""
    engine = connect("postgres", pg, tmp_path, 10)
    assert isinstance(engine, Postgres)
    try:
        with pytest.raises(QueryFailed, match="multiple commands"):
            engine.row("SELECT 1; DELETE FROM salaries")
        with pytest.raises(QueryFailed):
            engine.row("DELETE FROM salaries")
        engine.row("SELECT set_config('statement_timeout', '0', false)")
        assert engine.row("SELECT current_setting('statement_timeout'), current_setting('transaction_read_only')") \
            == ("10s", "on")
        assert engine.row("SELECT count(*) FROM salaries") == (1,)
    finally:
        engine.close()


@pytest.mark.parametrize("engine", ["postgres", "duckdb"])
def test_a_rule_that_never_ends_is_cancelled_at_the_timeout(engine: str, request, tmp_path: Path):
    location = request.getfixturevalue("pg" if engine == "postgres" else "duck")
    never = "SELECT count(*) FROM {object} a, {object} b, {object} c, {object} d, {object} e WHERE a.id + b.id + c.id > " \
            "(SELECT count(*) FROM {object} f, {object} g, {object} h, {object} i)"
    slow = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    result = check_port(_target(_contract(slow, never), engine), location, tmp_path, timeout=0.5)
    (finding, *_) = result.findings
    assert "no answer within 0.5 s" in finding.message, finding.message
