"""The values a data test reads and says: a measure on the columns the port really has, numbers and instants
as the engines give them, and the words of a finding (no value of the data beyond what the check measured)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any

from alchemesh.datatest import rules
from alchemesh.datatest.plan import Check, Measure


def renamed(measure: Measure, present: dict[str, str]) -> Measure:
    """The measure on the table's own column names (a name that differs from the contract's only in case)."""
    columns = tuple(present.get(c, c) for c in measure.columns)
    return measure if columns == measure.columns else Measure(measure.kind, columns, measure.values, measure.pattern,
                                                              measure.query)


def message(check: Check, shown: str, expected: str) -> str:
    subject = check.subject
    if check.rule == rules.REQUIRED.name:
        return f"`{subject}` is required but holds {shown} null(s)"
    if check.rule == rules.UNIQUE.name:
        return f"`{subject}`: {check.what} holds {shown} duplicate(s)"
    name = check.what
    what = _MEASURED.get(check.measure.kind, "measured {}").format(shown)
    return f"quality rule `{name}` on `{subject}`: {what}, expected {expected}"


_MEASURED = {"nulls": "{} null value(s)", "missing": "{} missing value(s)", "invalid": "{} invalid value(s)",
             "duplicates": "{} duplicate value(s)", "rows": "{} row(s)", "sql": "the query returned {}"}


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, (int, float, Decimal)):
        number = float(value)
        return number if math.isfinite(number) else None
    return None


def type_of(value: Any) -> str:
    """A value's kind as a person says it, for a finding that must not quote the value."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return "text"
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "binary"
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return type(value).__name__
    if isinstance(value, (int, float, Decimal)):
        return "non-finite number"
    if isinstance(value, (list, tuple)):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "non-numeric"


def as_shown(value: float, unit: str) -> str:
    text = str(int(value)) if value.is_integer() else f"{value:.4g}"
    return text + ("%" if unit == "percent" else "")


def instant(value: Any) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day, tzinfo=dt.timezone.utc)
    if isinstance(value, str):
        try:
            return instant(dt.datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            return None
    return None


def duration(seconds: float) -> str:
    """`3 d 4 h`, `2 h 5 min`, `12 min`, `40 s`: two units at most."""
    whole = int(seconds)
    for unit, size, smaller, small_size in (("d", 86400, "h", 3600), ("h", 3600, "min", 60)):
        if whole >= size:
            count, rest = divmod(whole, size)
            return f"{count} {unit}" + (f" {rest // small_size} {smaller}" if rest >= small_size else "")
    return f"{whole // 60} min" if whole >= 60 else f"{whole} s"
