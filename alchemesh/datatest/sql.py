"""The SQL of the checks, in each engine's dialect, built as sqlglot expressions: names and values from the
contract are quoted identifiers and literals of that dialect, never SQL text.

One scan per schema object measures every count-style check at once; a composite key's duplicates are one
grouping query; a `sql` rule is the contract's own query with `{object}` and `{property}` put in.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from alchemesh.datatest.plan import Measure


def table(name: str, schema: str | None = None, catalog: str | None = None) -> exp.Table:
    return exp.Table(this=exp.to_identifier(name, quoted=True),
                     db=exp.to_identifier(schema, quoted=True) if schema else None,
                     catalog=exp.to_identifier(catalog, quoted=True) if catalog else None)


def scan(source: exp.Table, measures: list[Measure], dialect: str) -> str:
    """One SELECT whose columns are the measures, in order: the row count first."""
    columns = [exp.Count(this=exp.Star())] + [_aggregate(m, dialect) for m in measures]
    return exp.select(*columns).from_(source).sql(dialect=dialect)


def duplicates(source: exp.Table, columns: tuple[str, ...], dialect: str) -> str:
    """Rows beyond the first of each combination of the columns' values."""
    keys = [_column(c) for c in columns]
    groups = (exp.select(exp.alias_(exp.Count(this=exp.Star()), "n", quoted=True)).from_(source)
              .group_by(*keys).having(exp.GT(this=exp.Count(this=exp.Star()), expression=exp.Literal.number(1))))
    extra = exp.Sum(this=exp.Sub(this=exp.column("n", quoted=True), expression=exp.Literal.number(1)))
    query = exp.select(exp.Coalesce(this=extra, expressions=[exp.Literal.number(0)])).from_(
        exp.alias_(groups.subquery(), "groups", quoted=True))
    return query.sql(dialect=dialect)


def rule_query(query: str, source: exp.Table, column: str | None, dialect: str) -> str:
    """A `sql` rule's query, its `{object}` / `${object}` and `{property}` placeholders replaced by the quoted
    names (ODCS 3.1 and 3.0 spellings)."""
    names = {"object": source.sql(dialect=dialect)}
    if column is not None:
        names["property"] = _column(column).sql(dialect=dialect)
    return re.sub(r"\$?\{(object|property)\}", lambda m: names.get(m.group(1), m.group(0)), query)


def _column(name: str) -> exp.Column:
    return exp.column(name, quoted=True)


def _aggregate(measure: Measure, dialect: str) -> exp.Expression:
    if measure.kind == "newest":
        return exp.Max(this=_column(measure.columns[0]))
    if measure.kind == "duplicates":  # one column: its non-null values beyond the distinct ones
        column = _column(measure.columns[0])
        return exp.Sub(this=exp.Count(this=column), expression=exp.Count(this=exp.Distinct(expressions=[column])))
    if measure.kind == "nulls":
        return _count_where(exp.Is(this=_column(measure.columns[0]), expression=exp.Null()))
    if measure.kind == "missing":
        column = _column(measure.columns[0])
        values = [v for v in measure.values if v is not None]
        condition: exp.Expr = exp.Is(this=column, expression=exp.Null())
        if values:
            condition = exp.or_(condition, exp.In(this=_as_text(column), expressions=[_literal(v) for v in values]))
        return _count_where(condition)
    if measure.kind == "invalid":
        column = _column(measure.columns[0])
        bad = []
        if measure.values:
            bad.append(exp.Not(this=exp.In(this=_as_text(column), expressions=[_literal(v) for v in measure.values])))
        if measure.pattern is not None:
            bad.append(exp.Not(this=_matches(_as_text(column), measure.pattern, dialect)))
        return _count_where(exp.and_(exp.Not(this=exp.Is(this=column, expression=exp.Null())), exp.or_(*bad)))
    if measure.kind == "rows":
        return exp.Count(this=exp.Star())
    raise ValueError(f"not measured in a scan: {measure.kind}")


def _count_where(condition: exp.Expr) -> exp.Expression:
    case = exp.Case(ifs=[exp.If(this=condition, true=exp.Literal.number(1))], default=exp.Literal.number(0))
    return exp.Coalesce(this=exp.Sum(this=case), expressions=[exp.Literal.number(0)])


def _as_text(column: exp.Expression) -> exp.Expression:
    """Values compare as text: `validValues: [1, 2]` and `['1', '2']` mean the same on any column type."""
    return exp.Cast(this=column, to=exp.DataType.build("text"))


def _literal(value: Any) -> exp.Expression:
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    else:
        text = str(value)
    return exp.Literal.string(text)


# A pattern matches anywhere in the value, as JSON Schema's `pattern` does; anchors say more.
_SEARCH = {"duckdb": "REGEXP_MATCHES", "bigquery": "REGEXP_CONTAINS", "athena": "REGEXP_LIKE"}


def _matches(value: exp.Expression, pattern: str, dialect: str) -> exp.Expression:
    if dialect == "postgres":
        return exp.RegexpLike(this=value, expression=exp.Literal.string(pattern))  # `~`: a search
    if dialect == "snowflake":  # its REGEXP_LIKE matches the whole value
        return exp.GT(this=exp.Anonymous(this="REGEXP_INSTR", expressions=[value, exp.Literal.string(pattern)]),
                      expression=exp.Literal.number(0))
    return exp.Anonymous(this=_SEARCH[dialect], expressions=[value, exp.Literal.string(pattern)])
