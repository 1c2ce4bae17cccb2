"""The warehouses, through their DB-API drivers (each an extra): BigQuery, Snowflake, Athena. Credentials come
from each driver's own environment."""

from __future__ import annotations

import os
import re
import shlex
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlglot import exp

from alchemesh.datatest.engines.base import (Engine, QueryFailed, Unreachable, _first_line, _first_rows,
                                             _kind, _matching)
from alchemesh.datatest.sql import table


class _DbApi(Engine):
    """An engine behind a DB-API 2 driver that is an optional extra: BigQuery, Snowflake, Athena."""

    extra = ""
    paramstyle = "%s"

    command = ""  # the engine's own client, given the query

    @classmethod
    def reading(cls, location: str, name: str) -> str:
        parts = tuple(p for p in location.split(".") if p)
        if len(parts) != 2 or any(not re.fullmatch(r"[\w$-]+", p) for p in parts):
            return ""
        return cls.command.format(shlex.quote(_first_rows(table(name, parts[1], parts[0]), cls.dialect)))

    def __init__(self, location: str, stack_dir: Path, timeout: float):
        self.timeout = timeout
        self.parts = tuple(p for p in location.split(".") if p)
        if len(self.parts) != 2 or any(not re.fullmatch(r"[\w$-]+", p) for p in self.parts):
            raise Unreachable(f"`{location}` is not {self.shape}")
        self.schema = self.parts[1]
        with _driver(self.extra):
            self.connection = self.open()

    shape = ""

    def open(self):
        raise NotImplementedError

    def source(self, name: str) -> exp.Table:
        return table(name, self.parts[1], self.parts[0])

    def columns(self, name: str) -> tuple[str, dict[str, str]] | None:
        return _matching(self._all(*self.columns_query(name)), name)

    def columns_query(self, name: str) -> tuple[str, Any]:
        raise NotImplementedError

    def row(self, sql: str) -> tuple[Any, ...]:
        rows = self._all(sql, None)
        return tuple(rows[0]) if rows else ()

    def _all(self, sql: str, params) -> list[tuple]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params) if params is not None else cursor.execute(sql)
            return [tuple(r) for r in cursor.fetchall()]
        except Exception as error:  # each driver has its own error classes; a query error is that check's
            raise QueryFailed(_kind(error)) from None
        finally:
            cursor.close()

    def close(self) -> None:
        self.connection.close()


@contextmanager
def _driver(extra: str):
    try:
        yield
    except ImportError:
        raise Unreachable(f"{extra} needs its driver: pip install 'alchemesh[{extra}]'") from None
    except Unreachable:
        raise
    except Exception as error:
        raise Unreachable(f"cannot connect: {_first_line(error)}") from None


class BigQuery(_DbApi):
    dialect, extra, shape = "bigquery", "bigquery", "PROJECT.DATASET"
    command = "bq query --nouse_legacy_sql {}"
    functions = frozenset({"REGEXP_CONTAINS", "CHAR_LENGTH", "SAFE_CAST", "COUNTIF"})

    def open(self):
        from google.cloud import bigquery
        from google.cloud.bigquery import dbapi

        client = bigquery.Client(project=self.parts[0], default_query_job_config=bigquery.QueryJobConfig(
            job_timeout_ms=int(self.timeout * 1000)))
        return dbapi.connect(client)

    def columns_query(self, name: str) -> tuple[str, tuple]:
        schema = exp.Table(this=exp.to_identifier("COLUMNS"), db=exp.to_identifier("INFORMATION_SCHEMA"),
                           catalog=exp.to_identifier(f"{self.parts[0]}.{self.parts[1]}", quoted=True))
        return (f"SELECT table_name, column_name, data_type FROM {schema.sql(dialect='bigquery')} "
                "WHERE lower(table_name) = lower(%s) ORDER BY ordinal_position", (name,))


class Snowflake(_DbApi):
    dialect, extra, shape = "snowflake", "snowflake", "DATABASE.SCHEMA"
    command = "snowsql -q {}"
    functions = frozenset({"REGEXP_LIKE", "IFF", "ZEROIFNULL", "NVL", "BOOLAND_AGG", "BOOLOR_AGG"})

    def open(self):
        import snowflake.connector

        return snowflake.connector.connect(account=os.environ.get("SNOWFLAKE_ACCOUNT"),
                                           user=os.environ.get("SNOWFLAKE_USER"),
                                           password=os.environ.get("SNOWFLAKE_PASSWORD"),
                                           database=self.parts[0], schema=self.parts[1],
                                           network_timeout=int(self.timeout))

    def columns_query(self, name: str) -> tuple[str, tuple]:
        schema = table("COLUMNS", "INFORMATION_SCHEMA", self.parts[0]).sql(dialect="snowflake")
        return (f"SELECT table_name, column_name, data_type FROM {schema} WHERE table_schema = %s "
                "AND lower(table_name) = lower(%s) ORDER BY ordinal_position", (self.parts[1], name))


class Athena(_DbApi):
    dialect, extra, shape = "athena", "athena", "CATALOG.DATABASE"
    command = "aws athena start-query-execution --query-string {}"
    functions = frozenset({"REGEXP_LIKE", "DATE_PARSE", "FROM_ISO8601_TIMESTAMP", "CARDINALITY"})

    def open(self):
        from pyathena import connect as athena_connect

        return athena_connect(catalog_name=self.parts[0], schema_name=self.parts[1])

    def columns_query(self, name: str) -> tuple[str, Any]:
        schema = table("columns", "information_schema", self.parts[0]).sql(dialect="athena")
        return (f"SELECT table_name, column_name, data_type FROM {schema} WHERE table_schema = %(schema)s "
                "AND lower(table_name) = lower(%(table)s) ORDER BY ordinal_position",
                {"schema": self.parts[1], "table": name})
