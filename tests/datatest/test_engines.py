"""Where a port's data cannot be read, or a query does not end: a finding that says why, never a crash or a hang.
Real DuckDB files and a real PostgreSQL server, with a role that may read one table and nothing else."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from alchemesh.datatest.engines import Unreachable, connect
from alchemesh.datatest.run import PortTarget, check_port
from alchemesh.model.contract import read_contract
from tests.testing.postgres import BIN_DIRS

CONTRACT = {"apiVersion": "v3.1.0", "kind": "DataContract", "id": "urn:t", "version": "1.0.0", "status": "active",
            "schema": [{"name": "t", "properties": [{"name": "a", "logicalType": "integer", "required": True}]}]}


def _target(engine: str | None = "duckdb", contract: dict = CONTRACT) -> PortTarget:
    return PortTarget("d/p/port", "port", read_contract(contract), "c.odcs.yaml", lambda path: (3, 5), engine,
                      ("d/q/in",), "product.yaml", (7, 9), "declare `engine`")


def _duckdb(tmp_path: Path, sql: str = "CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1)") -> str:
    import duckdb

    with duckdb.connect(str(tmp_path / "port.duckdb")) as connection:
        connection.execute(sql)
    return "port.duckdb"


def _unreachable(result) -> str:
    assert result.status == "unreachable"
    (finding,) = result.findings
    assert finding.rule == "data-unreachable" and (finding.file, finding.line, finding.column) == ("product.yaml", 7, 9)
    assert finding.data.consumers == ("d/q/in",)
    return finding.message


def test_a_relative_location_is_read_from_the_stack_folder(tmp_path: Path):
    location = _duckdb(tmp_path)
    assert check_port(_target(), location, tmp_path).status == "passed"
    assert "no DuckDB file at port.duckdb" in _unreachable(check_port(_target(), location, tmp_path / "elsewhere"))


def test_no_engine_no_location_an_unknown_engine(tmp_path: Path):
    result = check_port(_target(None), "x", tmp_path)
    assert "declares no engine" in _unreachable(result) and result.findings[0].hint == "declare `engine`"
    assert "no `location` output" in _unreachable(check_port(_target(), None, tmp_path))
    assert "no engine `oracle`" in _unreachable(check_port(_target("oracle"), "x", tmp_path))


def test_a_file_that_is_not_a_duckdb_database(tmp_path: Path):
    (tmp_path / "port.duckdb").write_bytes(b"\x00garbage" * 100)
    assert "cannot open port.duckdb" in _unreachable(check_port(_target(), "port.duckdb", tmp_path))


def test_a_sql_rule_that_never_ends_is_stopped_at_the_timeout(tmp_path: Path):
    contract = {**CONTRACT, "schema": [{**CONTRACT["schema"][0], "quality": [
        {"type": "sql", "query": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n",
         "mustBe": 0}]}]}
    result = check_port(_target(contract=contract), _duckdb(tmp_path), tmp_path, timeout=0.5)
    (finding,) = result.findings
    assert finding.rule == "data-quality" and "no answer within 0.5 s" in finding.message
    assert [c.status for c in result.checks].count("passed") >= 3  # the other checks ran


def test_a_postgres_location_with_a_password_is_refused_before_connecting(tmp_path: Path):
    for location in ("postgresql://u:secret@127.0.0.1:1/db?schema=s", "postgresql://127.0.0.1:1/db?password=secret"):
        message = _unreachable(check_port(_target("postgres"), location, tmp_path))
        assert "credentials come from the environment" in message and "secret" not in message


def test_a_postgres_server_that_is_down(tmp_path: Path):
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    message = _unreachable(check_port(_target("postgres"), f"postgresql://u@127.0.0.1:{port}/db?schema=s", tmp_path,
                                      timeout=2))
    assert message.startswith(f"port `d/p/port`: cannot connect to postgresql://u@127.0.0.1:{port}/db")


def test_not_a_postgres_location():
    with pytest.raises(Unreachable, match="is not postgresql://HOST:PORT/DATABASE"):
        connect("postgres", "mysql://h/db", Path("."), 1)


def test_a_role_without_permission_is_unreachable_and_one_granted_select_reads(pg_url: str, tmp_path: Path):
    psql = str(BIN_DIRS[0] / "psql")
    script = """
        DROP SCHEMA IF EXISTS perm CASCADE; CREATE SCHEMA perm;
        CREATE TABLE perm.t (a INTEGER); INSERT INTO perm.t VALUES (1);
        DROP ROLE IF EXISTS reader; CREATE ROLE reader LOGIN;
        DROP ROLE IF EXISTS stranger; CREATE ROLE stranger LOGIN;
        GRANT USAGE ON SCHEMA perm TO reader, stranger; GRANT SELECT ON perm.t TO reader;
    """
    subprocess.run([psql, pg_url, "-q", "-v", "ON_ERROR_STOP=1", "-c", script], check=True, capture_output=True)
    host = pg_url.split("@", 1)[1].split("/", 1)[0]
    reader = check_port(_target("postgres"), f"postgresql://reader@{host}/postgres?schema=perm&sslmode=disable",
                        tmp_path)
    assert reader.status == "passed", reader.findings
    stranger = check_port(_target("postgres"), f"postgresql://stranger@{host}/postgres?schema=perm&sslmode=disable",
                          tmp_path)
    assert "no permission" in _unreachable(stranger)


def test_each_engine_says_how_to_read_a_port_with_every_value_quoted():
    """The catalog's command to read a port: a location or a table name from the state or a contract never
    becomes shell or SQL of its own (the argv and the parsed query hold them as values)."""
    import shlex

    import sqlglot

    from alchemesh.datatest.engines import ENGINES

    hostile = "orders'; rm -rf ~; echo \""
    cases = {"duckdb": ("data/x $(id).duckdb", "duckdb"), "postgres": ("postgresql://db:5432/shop?schema=s&role=t",
                                                                     "postgres"),
             "bigquery": ("proj.ds", "bigquery"), "snowflake": ("DB.SCH", "snowflake"), "athena": ("cat.db", "athena")}
    assert set(cases) == set(ENGINES)
    for engine, (location, dialect) in cases.items():
        argv = shlex.split(ENGINES[engine].reading(location, hostile))
        query = argv[-1]
        (tree,) = sqlglot.parse(query, read=dialect)
        assert isinstance(tree, sqlglot.exp.Select), engine
        assert [t.name for t in tree.find_all(sqlglot.exp.Table)] == [hostile], engine
        if engine == "duckdb":
            assert argv[:3] == ["duckdb", "-readonly", location]
        if engine == "postgres":
            assert argv[1] == "postgresql://db:5432/shop" and "role" not in argv[1]  # the consumer's own user
    assert ENGINES["bigquery"].reading("not a location", "t") == ""
    assert ENGINES["postgres"].reading("mysql://x/y", "t") == ""
