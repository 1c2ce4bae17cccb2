"""Where a port's data is read: one connection per port, read-only, from the `location` its stack outputs and the
engine its component declares. Credentials never come from the specs or the location: each driver reads its own
environment (PGPASSWORD / PGPASSFILE, GOOGLE_APPLICATION_CREDENTIALS, SNOWFLAKE_PASSWORD, AWS_*).

Every query runs under a timeout the query cannot change and a client-side deadline that cancels it on the server,
so that a `sql` rule scanning forever ends as a finding, not a hung CI job; `cancel_all` (a cancelled run) stops
every query in flight. An engine's error reaches a finding only when it cannot quote the data (a syntax or a name
error); otherwise only its kind does.
"""

from __future__ import annotations

import contextlib
import os
import re
import shlex
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from sqlglot import exp

from alchemesh.datatest.sql import table


class Unreachable(Exception):
    """The port's data cannot be read: not applied yet, engine down, no permission, no driver."""


class QueryFailed(Exception):
    """One query failed (a `sql` rule's syntax, a type the engine cannot compare): that check, not the port."""


class Engine:
    """A read-only connection to one port's data: `ENGINES` below names every kind, the one place an engine is
    spelled (the Mesh's `engine:` choices are held to it by a test)."""

    dialect = ""  # sqlglot's name of the engine's SQL
    functions: frozenset[str] = frozenset()  # what a `sql` rule may call beyond the common allow-list (readonly.py)
    schema: str | None = None  # the port's own schema, the only one a `sql` rule may name

    def __init__(self, location: str, stack_dir: Path, timeout: float):
        """Open the port's data at its `location` (the port's `location` output), `stack_dir` resolving a relative
        one; `timeout` bounds every query."""

    @classmethod
    def reading(cls, location: str, name: str) -> str:
        """A command a consumer can paste to read the first rows of table `name` at the port's `location` (what
        the catalog shows), every value quoted for the shell and the SQL; empty when the location is not one."""
        return ""

    def cancel(self) -> None:
        """Stop the query in flight (from another thread)."""

    def source(self, name: str) -> exp.Table:
        raise NotImplementedError

    def columns(self, name: str) -> tuple[str, dict[str, str]] | None:
        """The table's own name and its columns (name → type as the engine writes it); None when there is no
        such table."""
        raise NotImplementedError

    def row(self, sql: str) -> tuple[Any, ...]:
        """The first row of a query."""
        raise NotImplementedError

    def close(self) -> None:
        pass


_OPEN: set[Engine] = set()  # the engines of this process, for `cancel_all`
_OPEN_LOCK = threading.Lock()
_CANCELLED = threading.Event()


def connect(engine: str, location: str, stack_dir: Path, timeout: float) -> Engine:
    if _CANCELLED.is_set():
        raise Unreachable("the run was cancelled")
    kind = ENGINES.get(engine)
    if kind is None:
        raise Unreachable(f"no engine `{engine}`: one of {', '.join(ENGINES)}")
    opened = kind(location, stack_dir, timeout)
    with _OPEN_LOCK:
        _OPEN.add(opened)
    return opened


def start_run() -> None:
    """A new run in this process (a library user's, a test's): a cancellation of the last one is over."""
    _CANCELLED.clear()


def close(engine: Engine) -> None:
    with _OPEN_LOCK:
        _OPEN.discard(engine)
    engine.close()


def cancel_all() -> None:
    """A cancelled run (Ctrl-C, SIGTERM): every query in flight is cancelled on its server, and no engine opens
    any more in this process."""
    _CANCELLED.set()
    with _OPEN_LOCK:
        engines = list(_OPEN)
    for engine in engines:
        with contextlib.suppress(Exception):  # a connection already gone has nothing to cancel
            engine.cancel()


def _deadline(timeout: float, cancel) -> threading.Timer:
    """The client's own deadline, a little after the server's: a query past it is cancelled on the server."""
    def fire() -> None:
        with contextlib.suppress(Exception):  # the query ended meanwhile, or the connection did: nothing to cancel
            cancel()

    timer = threading.Timer(timeout + 1.0, fire)
    timer.daemon = True
    timer.start()
    return timer


def _matching(names: list[tuple], wanted: str) -> tuple[str, dict[str, str]] | None:
    """The rows of the table named `wanted`: exactly, else the one that differs only in case (unquoted names
    fold case in every engine)."""
    by_name: dict[str, dict[str, str]] = {}
    for table_name, column, kind in names:
        by_name.setdefault(table_name, {})[column] = kind
    if wanted in by_name:
        return wanted, by_name[wanted]
    folded = [t for t in by_name if t.lower() == wanted.lower()]
    return (folded[0], by_name[folded[0]]) if len(folded) == 1 else None


def _first_rows(source: exp.Table, dialect: str) -> str:
    return exp.select("*").from_(source).limit(10).sql(dialect=dialect)


class DuckDb(Engine):
    """A DuckDB file, `location` relative to the stack folder. External access is off for the connection's life:
    a contract's `sql` rule reads the port's tables and nothing else on the machine."""

    dialect = "duckdb"
    functions = frozenset({"NOW", "TODAY", "LEN", "STRLEN", "DATE_PART", "DATEPART", "AGE", "EPOCH", "EPOCH_MS",
                           "REGEXP_MATCHES", "REGEXP_FULL_MATCH", "BOOL_AND", "BOOL_OR", "ISFINITE", "ISNAN", "ISINF"})

    @classmethod
    def reading(cls, location: str, name: str) -> str:
        query = _first_rows(exp.Table(this=exp.to_identifier(name, quoted=True)), "duckdb")
        return f"duckdb -readonly {shlex.quote(location)} -c {shlex.quote(query)}"

    def __init__(self, location: str, stack_dir: Path, timeout: float):
        import duckdb

        path = Path(location) if Path(location).is_absolute() else stack_dir / location
        if not path.is_file():
            raise Unreachable(f"no DuckDB file at {location} (not applied yet?)")
        self.timeout = timeout
        try:
            self.connection = duckdb.connect(str(path), read_only=True,
                                             config={"enable_external_access": False, "lock_configuration": True})
        except duckdb.Error as error:
            raise Unreachable(f"cannot open {location}: {_first_line(error)}") from None

    def source(self, name: str) -> exp.Table:
        return table(name)

    def columns(self, name: str) -> tuple[str, dict[str, str]] | None:
        rows = self._all("SELECT table_name, column_name, data_type FROM information_schema.columns "
                         "WHERE table_schema = current_schema() AND lower(table_name) = lower(?) "
                         "ORDER BY ordinal_position", [name])
        return _matching(rows, name)

    def row(self, sql: str) -> tuple[Any, ...]:
        rows = self._all(sql, None, limit=1)
        return rows[0] if rows else ()

    def _all(self, sql: str, params, limit: int | None = None) -> list[tuple]:
        import duckdb

        timer = threading.Timer(self.timeout, self.connection.interrupt)
        timer.start()
        try:
            cursor = self.connection.execute(sql, params)
            return cursor.fetchmany(limit) if limit else cursor.fetchall()
        except duckdb.InterruptException:
            if _CANCELLED.is_set():
                raise Unreachable("the run was cancelled") from None
            raise QueryFailed(f"no answer within {self.timeout:g} s") from None
        except (duckdb.ParserException, duckdb.BinderException, duckdb.CatalogException) as error:
            raise QueryFailed(_first_line(error)) from None  # the query's own text, never the data
        except duckdb.Error as error:
            raise QueryFailed(_kind(error)) from None
        finally:
            timer.cancel()

    def cancel(self) -> None:
        self.connection.interrupt()

    def close(self) -> None:
        self.connection.close()


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


def _shown(location: str) -> str:
    """A location as it may be printed: any password replaced."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", location)


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__


def _kind(error: BaseException, code: str = "") -> str:
    """What went wrong without the engine's message, which may quote a value of the data: `conversion error`,
    `invalid text representation (22P02)`."""
    name = re.sub(r"(Exception|Error)$", "", type(error).__name__) or type(error).__name__
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).lower()
    return f"{words} ({code})" if code else f"{words} error"


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


# Every engine, by the name a component declares (`engine:`): adding one is its class and a row here.
ENGINES: dict[str, type[Engine]] = {"duckdb": DuckDb, "postgres": Postgres, "bigquery": BigQuery,
                                    "snowflake": Snowflake, "athena": Athena}
