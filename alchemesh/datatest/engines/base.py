"""What every engine is, and what they share: the errors a read ends in, the client-side deadline, matching a
table's name, the first-rows query a consumer is shown, and how an engine's error is said without its data."""

from __future__ import annotations

import contextlib
import re
import threading
from pathlib import Path
from typing import Any

from sqlglot import exp

_CANCELLED = threading.Event()  # the run was cancelled: no engine opens, a query interrupted says so


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
