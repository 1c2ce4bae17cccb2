"""Whether a column's type keeps a property's promise: its `logicalType` by family, its `physicalType` by the
type the engine parses it to (VARCHAR and TEXT are one type in DuckDB; `numeric(10,2)` is DECIMAL(10,2)).

Parameters (length, precision, scale) are compared only when the engine reports them: DuckDB keeps no VARCHAR
length, so `VARCHAR(20)` is met by any VARCHAR column there.
"""

from __future__ import annotations

from functools import lru_cache

from sqlglot import exp
from sqlglot.errors import ParseError


T = exp.DataType.Type
_TEXT = exp.DataType.TEXT_TYPES | {T.UUID, T.ENUM}
_TEMPORAL_TIMESTAMP = {T.TIMESTAMP, T.TIMESTAMPTZ, T.TIMESTAMPLTZ, T.TIMESTAMPNTZ, T.DATETIME, T.DATETIME2,
                       T.DATETIME64, T.SMALLDATETIME, T.TIMESTAMP_S, T.TIMESTAMP_MS, T.TIMESTAMP_NS}
_FAMILIES: dict[str, frozenset] = {
    "string": frozenset(_TEXT),
    "integer": frozenset(exp.DataType.INTEGER_TYPES),
    "number": frozenset(exp.DataType.NUMERIC_TYPES),
    "boolean": frozenset({T.BOOLEAN}),
    "date": frozenset({T.DATE, T.DATE32}),
    "timestamp": frozenset(_TEMPORAL_TIMESTAMP),
    "time": frozenset({T.TIME, T.TIMETZ}),
    "object": frozenset(exp.DataType.STRUCT_TYPES | {T.JSON, T.JSONB, T.MAP, T.VARIANT}),
    "array": frozenset(exp.DataType.ARRAY_TYPES),
    "map": frozenset({T.MAP, T.JSON, T.JSONB, T.STRUCT, T.VARIANT}),
}
_SAME = {t: T.TEXT for t in exp.DataType.TEXT_TYPES if t not in (T.CHAR, T.NCHAR)} | {T.NVARCHAR: T.TEXT}


@lru_cache(maxsize=1024)
def parse(type_text: str, dialect: str) -> exp.DataType | None:
    """A type in an engine's dialect (any dialect sqlglot knows; else its generic one)."""
    for name in (dialect, None):
        try:
            return exp.DataType.build(type_text, dialect=name)
        except (ParseError, ValueError, KeyError, TypeError):
            continue
    return None


_ORDER = ("boolean", "integer", "number", "date", "timestamp", "time", "array", "object", "string")


def logical_of(type_text: str, dialect: str) -> str | None:
    """The ODCS logical type whose values a column type holds; None when the type cannot be told."""
    actual = parse(type_text, dialect)
    if actual is None or actual.this in (T.UNKNOWN, T.USERDEFINED):
        return None
    return next((family for family in _ORDER if actual.this in _FAMILIES[family]), None)


def logical_problem(logical: str, column_type: str, dialect: str, legacy_date: bool) -> str | None:
    """Why a column of `column_type` does not hold `logical` values; None when it does, or cannot be told."""
    family = _FAMILIES.get(logical)
    actual = parse(column_type, dialect)
    if family is None or actual is None or actual.this in (T.UNKNOWN, T.USERDEFINED):
        return None
    allowed = set(family)
    # NUMBER(38,0): an integer by its scale
    if logical == "integer" and actual.this in (T.DECIMAL, T.BIGDECIMAL) and _scale(actual) == 0:
        return None
    if logical == "date" and legacy_date:  # ODCS 3.0's `date` is any date or time of day: it had no timestamp
        allowed |= _FAMILIES["timestamp"]
    return None if actual.this in allowed else f"{column_type} does not hold `{logical}` values"


def physical_problem(physical: str, column_type: str, dialect: str) -> str | None:
    """Why a column of `column_type` is not of the declared `physical` type; None when it is, or cannot be told."""
    declared, actual = parse(physical, dialect), parse(column_type, dialect)
    if declared is None or actual is None or T.USERDEFINED in (declared.this, actual.this):
        return None
    if _SAME.get(declared.this, declared.this) != _SAME.get(actual.this, actual.this):
        return f"{column_type} is not {physical}"
    wanted, got = _parameters(declared), _parameters(actual)
    if wanted and got and wanted != got:
        return f"{column_type} is not {physical}"
    return None


def _parameters(kind: exp.DataType) -> tuple[str, ...]:
    return tuple(e.sql() for e in kind.expressions)


def _scale(kind: exp.DataType) -> int | None:
    params = _parameters(kind)
    return int(params[1]) if len(params) == 2 and params[1].isdigit() else None
