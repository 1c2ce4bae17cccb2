"""PostgreSQL: every query its own read-only transaction, rolled back, as the port's tester role, with timeouts
the query cannot change; a superuser, or a role that creates roles or bypasses row security, is refused."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from sqlglot import exp

from alchemesh.datatest.engines.base import (_CANCELLED, Engine, QueryFailed, Unreachable, _deadline, _first_line, _first_rows,
                                             _kind, _matching, _shown)
from alchemesh.datatest.sql import table


class Postgres(Engine):
    """`postgresql://HOST:PORT/DATABASE?schema=SCHEMA[&role=ROLE]`; the user and password from libpq's environment.

    Every query runs in a transaction of its own, opened READ ONLY and rolled back, with its timeouts set for that
    transaction alone, as ROLE when the location names one (the PostgreSQL family's output port gives its tester
    role), and through the extended protocol, which runs one statement and no more. The role the checks read as
    must not be able to change the mesh: a superuser, or a role that creates roles or bypasses row security, is
    refused."""

    dialect = "postgres"
    functions = frozenset({"AGE", "DATE_PART", "CHAR_LENGTH", "CHARACTER_LENGTH", "OCTET_LENGTH", "BTRIM",
                           "TO_TIMESTAMP", "TO_DATE", "JUSTIFY_DAYS", "ISFINITE", "NUM_NULLS", "NUM_NONNULLS",
                           "BOOL_AND", "BOOL_OR", "EVERY", "REGEXP_LIKE"})

    @classmethod
    def reading(cls, location: str, name: str) -> str:
        try:
            conninfo, schema, _ = _postgres_location(location)
        except Unreachable:
            return ""
        query = _first_rows(table(name, schema), "postgres")
        return f"psql {shlex.quote(conninfo)} -c {shlex.quote(query)}"  # as the consumer's own user, not the tester

    def __init__(self, location: str, stack_dir: Path, timeout: float):
        try:
            import psycopg
        except ImportError:
            raise Unreachable("PostgreSQL needs its driver: pip install 'alchemesh[postgres]'") from None
        conninfo, self.schema, self.role = _postgres_location(location)
        self.timeout = timeout
        try:
            self.connection = psycopg.connect(conninfo, options="-c default_transaction_read_only=on",
                                              connect_timeout=max(1, int(min(timeout, 30))), autocommit=True)
        except psycopg.Error as error:
            raise Unreachable(f"cannot connect to {_shown(location)}: {_first_line(error)}") from None
        self.connection.read_only = True
        try:
            (reader, mighty), = self._all(
                "SELECT current_user, rolsuper OR rolcreaterole OR rolbypassrls FROM pg_roles "
                "WHERE rolname = current_user", ())
        except (QueryFailed, ValueError) as error:
            self.connection.close()
            raise Unreachable(f"cannot read as {self._as()}: {error}") from None
        if mighty:
            self.connection.close()
            raise Unreachable(f"refusing to read as `{reader}`: a superuser, or a role that creates roles or bypasses "
                              "row security, can change what it tests; name the port's tester role in its location "
                              "(`&role=`; the PostgreSQL family's output port gives one)")

    def _as(self) -> str:
        return f"role `{self.role}`" if self.role else "the connecting user"

    def source(self, name: str) -> exp.Table:
        return table(name, self.schema)

    def columns(self, name: str) -> tuple[str, dict[str, str]] | None:
        rows = self._all(
            "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
            "JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND lower(c.relname) = lower(%s) AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
            "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum", (self.schema, name))
        return _matching(rows, name)

    def row(self, sql: str) -> tuple[Any, ...]:
        rows = self._all(sql, None, limit=1)
        return rows[0] if rows else ()

    def _all(self, query: str, params, limit: int | None = None) -> list[tuple]:
        import psycopg
        from psycopg import sql

        timer = _deadline(self.timeout, self.cancel)
        try:
            with self.connection.transaction(force_rollback=True), self.connection.cursor() as cursor:
                milliseconds = sql.Literal(str(int(self.timeout * 1000)))
                cursor.execute(sql.SQL("SET LOCAL statement_timeout = {}").format(milliseconds))
                cursor.execute(sql.SQL("SET LOCAL lock_timeout = {}").format(milliseconds))
                if self.role:
                    cursor.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(self.role)))
                cursor.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(self.schema or "public")))
                # binary results: the extended protocol, whatever the parameters, so one statement at most runs
                cursor.execute(query.encode() if params is None else query, params, binary=True)
                return cursor.fetchmany(limit) if limit else cursor.fetchall()
        except psycopg.errors.InsufficientPrivilege as error:
            raise Unreachable(f"no permission: {_first_line(error)}") from None
        except psycopg.errors.QueryCanceled:
            if _CANCELLED.is_set():
                raise Unreachable("the run was cancelled") from None
            raise QueryFailed(f"no answer within {self.timeout:g} s") from None
        except psycopg.OperationalError as error:
            raise Unreachable(_first_line(error)) from None
        except psycopg.Error as error:
            state = getattr(error, "sqlstate", None) or ""
            # syntax and name errors quote the query; data errors (22…) and the rest may quote the data
            raise QueryFailed(_first_line(error) if state[:2] in ("42", "0A") else _kind(error, state)) from None
        finally:
            timer.cancel()

    def cancel(self) -> None:
        self.connection.cancel_safe(timeout=5.0)

    def close(self) -> None:
        self.connection.close()


def _postgres_location(location: str) -> tuple[str, str, str | None]:
    """A libpq URI, the schema and the role to read as; a password in the location is refused."""
    parts = urlsplit(location)
    if parts.scheme not in ("postgres", "postgresql") or not parts.hostname:
        raise Unreachable(f"`{_shown(location)}` is not postgresql://HOST:PORT/DATABASE?schema=SCHEMA")
    if parts.password is not None:
        raise Unreachable("the location carries a password: credentials come from the environment (PGPASSWORD, "
                          "PGPASSFILE), never from a stack output")
    query = dict(parse_qsl(parts.query))
    schema = query.pop("schema", None) or query.pop("currentSchema", None) or "public"
    role = query.pop("role", None) or None
    if "password" in query:
        raise Unreachable("the location carries a password: credentials come from the environment")
    uri = parts._replace(query=urlencode(query)).geturl()
    return uri, unquote(schema), role
