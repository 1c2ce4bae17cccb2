"""DuckDB: the port's database file, opened read-only with external access off."""

from __future__ import annotations

import shlex
import threading
from pathlib import Path
from typing import Any

from sqlglot import exp

from alchemesh.datatest.engines.base import _CANCELLED, Engine, QueryFailed, Unreachable, _first_line, _first_rows, _kind, _matching
from alchemesh.datatest.sql import table


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
