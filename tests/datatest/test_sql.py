"""The checks' SQL in every dialect: each statement parses back in its own dialect (sqlglot's parser, the same
one BigQuery, Snowflake and Athena users get), names and values stay quoted whatever they hold, and the
engines that run here give the same answers as the SQL says."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlglot
from sqlglot import exp

from alchemesh.datatest import sql
from alchemesh.datatest.engines import ENGINES, Unreachable, connect
from alchemesh.datatest.plan import Measure

HOSTILE = ["plain", 'dq"uote', "bq`tick", "sq'uote", "back\\slash", "semi;colon --", "Upper Case"]
MEASURES = [Measure("nulls", ("a",)), Measure("missing", ("a",), (None, "", "N/A")),
            Measure("invalid", ("a",), ("x", "o'k", 1, True), r"^\d+'$"), Measure("duplicates", ("a",)),
            Measure("newest", ("a",)), Measure("rows")]


@pytest.mark.parametrize("dialect", sorted(e.dialect for e in ENGINES.values()))
@pytest.mark.parametrize("name", HOSTILE)
def test_every_statement_parses_back_with_its_names_and_values_intact(dialect: str, name: str):
    source = sql.table(name, "schema " + name, "catalog")
    measures = [Measure(m.kind, (name,) if m.columns else (), m.values, m.pattern) for m in MEASURES]
    statements = [sql.scan(source, measures, dialect), sql.duplicates(source, (name, "b"), dialect),
                  sql.rule_query("SELECT COUNT(*) FROM {object} WHERE {property} IS NULL", source, name, dialect)]
    for statement in statements:
        tree = sqlglot.parse_one(statement, read=dialect)
        identifiers = {i.name for i in tree.find_all(exp.Identifier)}
        assert name in identifiers and "schema " + name in identifiers, statement
    strings = {s.name for s in sqlglot.parse_one(statements[0], read=dialect).find_all(exp.Literal)
               if s.is_string}
    assert {"N/A", "o'k", "1", "true", r"^\d+'$"} <= strings, statements[0]


def test_the_pattern_searches_in_every_dialect():
    """ODCS `pattern`, like JSON Schema's, matches anywhere: Snowflake's REGEXP_LIKE matches the whole value, so
    it is not what Snowflake runs."""
    measure = Measure("invalid", ("a",), (), "x")
    said = {d: sql.scan(sql.table("t"), [measure], d) for d in (e.dialect for e in ENGINES.values())}
    assert "REGEXP_MATCHES(" in said["duckdb"] and " ~ 'x'" in said["postgres"]
    assert "REGEXP_CONTAINS(" in said["bigquery"] and "REGEXP_LIKE(" in said["athena"]
    assert "REGEXP_INSTR(" in said["snowflake"] and "REGEXP_LIKE" not in said["snowflake"]


def test_bigquery_quotes_with_backticks_and_escapes_backslashes():
    statement = sql.scan(sql.table("t", "dataset", "project"), [Measure("invalid", ("a",), (), r"\d")], "bigquery")
    assert "`project`.`dataset`.`t`" in statement and r"'\\d'" in statement


@pytest.mark.parametrize("query", ["SELECT COUNT(*) FROM {object}", "SELECT COUNT(*) FROM ${object}"])
def test_a_rule_query_gets_the_quoted_table_in_both_odcs_spellings(query: str):
    assert sql.rule_query(query, sql.table("my table", "s"), None, "postgres") == 'SELECT COUNT(*) FROM "s"."my table"'


def test_a_placeholder_without_a_value_is_left_as_written():
    assert sql.rule_query("SELECT {property} FROM {object}", sql.table("t"), None, "duckdb") == \
        'SELECT {property} FROM "t"'


def test_the_scan_measures_in_one_statement_what_duckdb_counts():
    import duckdb

    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (a VARCHAR); INSERT INTO t VALUES ('1'), ('1'), (NULL), (''), ('N/A'), ('x')")
    row = connection.execute(sql.scan(sql.table("t"), MEASURES, "duckdb")).fetchone()
    assert row == (6, 1, 3, 5, 1, "x", 6)  # rows; nulls; missing; invalid (in the list *and* matching); dups; newest; rows


@pytest.mark.parametrize(("engine", "location"), [("bigquery", "my-project.sales"), ("snowflake", "SHOP.SALES"),
                                                  ("athena", "awsdatacatalog.sales")])
def test_the_cloud_engines_without_their_driver_say_which_extra_to_install(engine: str, location: str):


    with pytest.raises(Unreachable, match=rf"pip install 'alchemesh\[{engine}\]'"):
        connect(engine, location, Path("."), 10)


@pytest.mark.parametrize("engine", ["bigquery", "snowflake", "athena"])
@pytest.mark.parametrize("location", ["just-one-part", "a.b.c", "a.b;DROP"])
def test_a_cloud_location_that_is_not_two_names_is_refused_before_any_driver(engine: str, location: str):


    with pytest.raises(Unreachable, match="is not "):
        connect(engine, location, Path("."), 10)


@pytest.mark.parametrize("engine", ["bigquery", "snowflake", "athena"])
def test_the_cloud_engines_read_columns_with_sql_of_their_dialect(engine: str):
    """The information-schema query each cloud engine runs (its driver's paramstyle: `%s`, `%(name)s`)."""
    reader = object.__new__(ENGINES[engine])
    reader.parts = ("proj-1", "sales")
    query, params = reader.columns_query("orders")
    bound = query.replace("%(schema)s", "'sales'").replace("%(table)s", "'orders'").replace("%s", "'x'")
    tree = sqlglot.parse_one(bound, read=ENGINES[engine].dialect)
    assert [t.name.lower().rsplit(".", 1)[-1] for t in tree.find_all(exp.Table)] == ["columns"]
    assert "orders" in (params.values() if isinstance(params, dict) else params)


def test_an_engine_is_spelled_in_one_table_that_the_mesh_schema_follows():
    """`ENGINES` is where an engine is named: the Mesh's `engine:` choices, the hint for a component without one,
    and connect() all follow it; each engine's class says its dialect and its own functions."""
    from typing import get_args

    from alchemesh.datatest.engines import Engine
    from alchemesh.model.resources import Engine as Declared

    assert get_args(Declared) == tuple(ENGINES)
    assert all(issubclass(kind, Engine) and kind.dialect and kind.functions for kind in ENGINES.values())
    with pytest.raises(Unreachable, match="no engine `oracle`: one of duckdb, postgres, bigquery, snowflake, athena"):
        connect("oracle", "x", Path("."), 1)
