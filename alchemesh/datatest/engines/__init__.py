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
import threading
from pathlib import Path

from alchemesh.datatest.engines.base import _CANCELLED, Engine, QueryFailed, Unreachable
from alchemesh.datatest.engines.duckdb_file import DuckDb
from alchemesh.datatest.engines.postgresql import Postgres
from alchemesh.datatest.engines.warehouses import Athena, BigQuery, Snowflake

__all__ = ["ENGINES", "Athena", "BigQuery", "DuckDb", "Engine", "Postgres", "QueryFailed", "Snowflake", "Unreachable",
           "cancel_all", "close", "connect", "start_run"]

# Every engine, by the name a component declares (`engine:`): adding one is its class and a row here.
ENGINES: dict[str, type[Engine]] = {"duckdb": DuckDb, "postgres": Postgres, "bigquery": BigQuery,
                                    "snowflake": Snowflake, "athena": Athena}


_OPEN: set[Engine] = set()  # the engines of this process, for `cancel_all`
_OPEN_LOCK = threading.Lock()


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
