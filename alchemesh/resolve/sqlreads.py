"""What a product's SQL reads of its input ports: each column of a table under an input port's name (the schema a
DuckDB file is attached as, the `{{ input.NAME }}` of a PostgreSQL component), with where it is read. Parsed with
sqlglot in the engine's dialect; aliases, CTEs, subqueries and `SELECT *` are resolved against the producers'
contracts. Nothing in the SQL is run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, cast

_TEMPLATE = re.compile(r"\{\{\s*input\.([A-Za-z0-9_-]+)\s*\}\}")
_ANY_TEMPLATE = re.compile(r"\{\{|\{%")


@dataclass(frozen=True)
class ReadColumn:
    """One column the SQL reads of an input port's table: (port, table, column) and its 1-based position."""

    port: str
    table: str
    column: str
    line: int
    col: int


@dataclass(frozen=True)
class SqlReads:
    columns: tuple[ReadColumn, ...] = ()
    named: tuple[str, ...] = ()  # the ports whose tables the SQL names at all
    unreadable: str | None = None  # why the SQL could not be read: its reads are not known
    unattributed: tuple[str, ...] = ()  # ports whose reads the SQL leaves undecided (a column of two tables)


def read_sql(text: str, dialect: str, ports: dict[str, dict[str, list[str]]]) -> SqlReads:
    """The columns `text` reads of `ports` (port name → table → its columns, from the producer's contract). A column
    of a port's table that is not among its columns is read all the same: the caller reports it."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError
    from sqlglot.optimizer.scope import traverse_scope

    source, offsets = _untemplate(text)
    if _ANY_TEMPLATE.search(source):
        return SqlReads(unreadable="a template alchemesh cannot expand")
    schema = {port: {table: dict.fromkeys(columns, "unknown") for table, columns in tables.items()}
              for port, tables in ports.items()}
    found: list[ReadColumn] = []
    unattributed: set[str] = set()
    named: set[str] = set()
    try:
        statements = [s for s in sqlglot.parse(source, read=dialect) if s is not None]
        for statement in statements:
            for scope in traverse_scope(_qualified(statement, schema, dialect)):
                inputs = {name: table for name, table in scope.sources.items()
                          if isinstance(table, exp.Table) and table.db in ports}
                if not inputs:
                    continue
                named.update(table.db for table in inputs.values())
                for column in scope.columns:
                    table = inputs.get(column.table)
                    if table is None and not column.table and len(scope.sources) == 1:
                        table = next(iter(inputs.values()))
                    if table is None:
                        if not column.table and column.name not in _known(scope, schema):
                            unattributed.update(t.db for t in inputs.values())
                        continue
                    # a column sqlglot made itself (`SELECT *` or `USING (id)` expanded) is placed at its table
                    start = column.this.meta.get("start", table.this.meta.get("start"))
                    line, col = _position(text, offsets, start)
                    found.append(ReadColumn(table.db, table.name, column.name, line, col))
                for table in inputs.values():  # a table read whole (`SELECT * FROM` it, unqualified)
                    if any(isinstance(s, exp.Star) for s in scope.expression.expressions) and not scope.columns:
                        line, col = _position(text, offsets, table.this.meta.get("start"))
                        found += [ReadColumn(table.db, table.name, c, line, col)
                                  for c in schema.get(table.db, {}).get(table.name, {})]
    except (SqlglotError, RecursionError, ValueError, KeyError) as error:
        return SqlReads(unreadable=f"its SQL does not parse as {dialect}: {str(error).splitlines()[0][:200]}")
    seen: set[tuple[str, str, str]] = set()
    ordered: list[ReadColumn] = []
    for read in sorted(found, key=lambda c: (c.line, c.col)):
        if (read.port, read.table, read.column) not in seen:
            seen.add((read.port, read.table, read.column))
            ordered.append(read)
    return SqlReads(tuple(ordered), tuple(sorted(named)), None, tuple(sorted(unattributed)))


def _qualified(statement: Any, schema: dict[str, dict[str, dict[str, str]]], dialect: str) -> Any:
    """The statement with every column qualified by its source. A column a table is qualified with but does not
    have (`o.nope`) stops sqlglot: it is added to the input tables' columns and the statement qualified again, so
    that it is read (and reported as no field of the contract) rather than lost."""
    from sqlglot.errors import OptimizeError
    from sqlglot.optimizer.qualify import qualify

    for _ in range(50):
        try:
            return qualify(statement.copy(), schema=cast("dict[str, object]", schema) or None, dialect=dialect, validate_qualify_columns=False,
                           quote_identifiers=False, identify=False)
        except OptimizeError as error:
            missing = str(error).removeprefix("Unknown column: ").strip()
            if not str(error).startswith("Unknown column: ") or not missing:
                raise
            for tables in schema.values():
                for columns in tables.values():
                    if missing in columns:
                        raise
                    columns[missing] = "unknown"
    raise ValueError("too many columns no table has")


def _known(scope: Any, schema: dict[str, dict[str, dict[str, str]]]) -> set[str]:
    """The column names the scope's sources are known to have (input tables, CTEs, subqueries)."""
    from sqlglot import exp

    names: set[str] = set()
    for source in scope.sources.values():
        if isinstance(source, exp.Table):
            names |= set(schema.get(source.db, {}).get(source.name, {}))
        else:
            names |= {e.alias_or_name for e in getattr(source.expression, "expressions", [])}
    return names


def _untemplate(text: str) -> tuple[str, list[tuple[int, int]]]:
    """`{{ input.NAME }}` made NAME; the (position in the result, shift) of each replacement, to map back."""
    out: list[str] = []
    offsets: list[tuple[int, int]] = []
    last = shift = 0
    for match in _TEMPLATE.finditer(text):
        name = match.group(1)
        out += [text[last:match.start()], name]
        end_in_result = match.start() - shift + len(name)  # where what follows the replacement starts
        shift += len(match.group(0)) - len(name)
        offsets.append((end_in_result, shift))
        last = match.end()
    out.append(text[last:])
    return "".join(out), offsets


def _position(text: str, offsets: list[tuple[int, int]], start: int | None) -> tuple[int, int]:
    """The 1-based line and column in the original text of an offset in the expanded one."""
    if start is None:
        return 1, 1
    original = start + max((shift for at, shift in offsets if at <= start), default=0)
    line = text.count("\n", 0, original) + 1
    return line, original - (text.rfind("\n", 0, original) + 1) + 1
