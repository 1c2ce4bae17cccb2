"""What a contract's `sql` quality rule may be: one query that reads the port's tables and nothing else.

A rule comes from a pull request, and its text is parsed (sqlglot, in the engine's dialect) before anything is
sent: exactly one `SELECT` (`WITH … SELECT` and set operations included), no data-modifying CTE, no `INTO`, no
locking clause, no table of the engine's catalogs or of another schema, and no function outside an allow-list of
aggregates, arithmetic, text and date functions (no file, network, admin, configuration or extension function).
What is sent is the parsed query written back by sqlglot, so what ran is what was checked.
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError



class Refused(Exception):
    """The rule is not a read-only query of the port's tables: why, in the rule's own terms."""


# Functions by sqlglot's name for them: one list for every engine, since sqlglot maps each dialect's spelling
# onto these; a function sqlglot does not know arrives as `Anonymous` and is checked by name against the
# engine's own list (`Engine.functions`).
_FUNCTIONS = frozenset(["COUNT", "COUNT_IF", "SUM", "AVG", "MIN", "MAX", "MEDIAN", "MODE", "QUANTILE", "APPROX_DISTINCT", "APPROX_QUANTILE", "PERCENTILE_CONT", "PERCENTILE_DISC", "STDDEV", "STDDEV_POP", "STDDEV_SAMP", "VARIANCE", "VARIANCE_POP", "COVAR_POP", "COVAR_SAMP", "KURTOSIS", "SKEWNESS", "LOGICAL_AND", "LOGICAL_OR", "ANY_VALUE", "ARG_MAX", "ARG_MIN", "FIRST", "LAST", "FIRST_VALUE", "LAST_VALUE", "NTH_VALUE", "LAG", "LEAD", "ROW_NUMBER", "RANK", "DENSE_RANK", "PERCENT_RANK", "CUME_DIST", "NTILE", "FILTER", "GROUPING", "ABS", "CEIL", "FLOOR", "ROUND", "TRUNC", "SIGN", "SQRT", "CBRT", "EXP", "LN", "LOG", "GREATEST", "LEAST", "COALESCE", "NULLIF", "NVL2", "IF", "CASE", "CAST", "TRY_CAST", "TRY", "IS_NAN", "IS_INF", "SAFE_DIVIDE", "LENGTH", "BIT_LENGTH", "BYTE_LENGTH", "LOWER", "UPPER", "INITCAP", "TRIM", "SUBSTRING", "LEFT", "RIGHT", "PAD", "CONCAT", "CONCAT_WS", "STR_POSITION", "REPLACE", "REVERSE", "STARTS_WITH", "ENDS_WITH", "CONTAINS", "SPLIT_PART", "ASCII", "TRANSLATE", "LEVENSHTEIN", "REGEXP_EXTRACT", "REGEXP_REPLACE", "REGEXP_COUNT", "REGEXP_INSTR", "REGEXP_SUBSTR", "DATE", "TIMESTAMP", "TIME", "EXTRACT", "DATE_TRUNC", "TIMESTAMP_TRUNC", "DATETIME_TRUNC", "TIME_TRUNC", "DATE_ADD", "DATE_SUB", "DATEDIFF", "DATETIME_DIFF", "TIMESTAMPDIFF", "TIMESTAMP_ADD", "TIMESTAMP_SUB", "TIME_ADD", "TIME_SUB", "TIME_DIFF", "TS_OR_DS_ADD", "TS_OR_DS_DIFF", "TS_OR_DS_TO_DATE", "TS_OR_DS_TO_TIMESTAMP", "STR_TO_DATE", "STR_TO_TIME", "TIME_TO_STR", "TIME_STR_TO_TIME", "TIME_STR_TO_DATE", "DATE_STR_TO_DATE", "UNIX_TO_TIME", "TIME_TO_UNIX", "CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIME", "LOCALTIMESTAMP", "YEAR", "QUARTER", "MONTH", "WEEK", "DAY", "DAY_OF_WEEK", "DAY_OF_YEAR", "DAY_OF_MONTH", "HOUR", "MINUTE", "SECOND", "MONTHS_BETWEEN", "LAST_DAY", "MAKE_INTERVAL", "TO_CHAR", "TO_NUMBER", "TO_DOUBLE", "EXISTS"])

# Nodes no read-only query of a port's tables needs: statements, and clauses that write, lock or reach out.
_REFUSED_NODES: tuple[tuple[type[exp.Expression], str], ...] = tuple(
    (getattr(exp, name), said) for name, said in (
        ("Insert", "INSERT"), ("Update", "UPDATE"), ("Delete", "DELETE"), ("Merge", "MERGE"), ("Create", "CREATE"),
        ("Drop", "DROP"), ("Alter", "ALTER"), ("Copy", "COPY"), ("Into", "INTO"), ("Lock", "a locking clause"),
        ("Set", "SET"), ("Command", "a command"), ("Pragma", "PRAGMA"), ("Use", "USE"), ("Attach", "ATTACH"),
        ("Detach", "DETACH"), ("Install", "INSTALL"), ("Transaction", "a transaction"), ("Commit", "COMMIT"),
        ("Rollback", "ROLLBACK"), ("Placeholder", "a parameter"), ("Parameter", "a parameter"),
        ("SessionParameter", "a session variable"), ("Describe", "DESCRIBE"), ("Show", "SHOW"),
        ("Kill", "KILL"), ("Grant", "GRANT"), ("Revoke", "REVOKE"), ("Analyze", "ANALYZE"), ("Cache", "CACHE"),
        ("Uncache", "UNCACHE"), ("LoadData", "LOAD"), ("Refresh", "REFRESH"), ("TruncateTable", "TRUNCATE"),
        ("Comment", "COMMENT"),
    ) if hasattr(exp, name))

_OPERATORS = (exp.Binary, exp.Connector, exp.Unary)
_CATALOG_PREFIXES = ("pg_", "duckdb_", "sqlite_", "information_schema")


def vet(query: str, dialect: str, schema: str | None = None, functions: frozenset[str] = frozenset()) -> str:
    """The rule's query as it may be sent, or `Refused`. `schema`: the port's own schema, the only one a table
    may be qualified with; `functions`: the engine's own functions sqlglot passes through by name."""
    read = dialect
    try:
        statements = [s for s in sqlglot.parse(query, read=read) if s is not None]
    except (SqlglotError, RecursionError, ValueError) as error:
        raise Refused(f"not a query alchemesh can read in the {dialect} dialect: {_first_line(error)}") from None
    if len(statements) != 1:
        raise Refused(f"{len(statements)} statements: a `sql` rule is exactly one SELECT")
    (tree,) = statements
    if not isinstance(tree, (exp.Select, exp.SetOperation)):
        raise Refused(f"{_said(tree)}: a `sql` rule is exactly one SELECT")
    for node in tree.walk():
        _check(node, functions, schema)
    return tree.sql(dialect=read)


def _check(node: exp.Expr, functions: frozenset[str], schema: str | None) -> None:
    for kind, said in _REFUSED_NODES:
        if isinstance(node, kind):
            raise Refused(f"{said} in the query: a `sql` rule only reads")
    if isinstance(node, exp.CTE) and not isinstance(node.this, (exp.Select, exp.SetOperation)):
        raise Refused(f"the CTE `{node.alias}` is {_said(node.this)}: a `sql` rule only reads")
    if isinstance(node, exp.Select) and node.args.get("locks"):
        raise Refused("a locking clause in the query: a `sql` rule only reads")
    if isinstance(node, exp.Table):
        _check_table(node, schema)
    if isinstance(node, exp.Func) and not isinstance(node, _OPERATORS):
        name = node.name.upper() if isinstance(node, exp.Anonymous) else node.sql_name()
        if not (name in _FUNCTIONS or (isinstance(node, exp.Anonymous) and name in functions)):
            raise Refused(f"`{name.lower()}` is not a function a `sql` rule may call (aggregates, arithmetic, text "
                          "and date functions only)")


def _check_table(node: exp.Table, schema: str | None) -> None:
    if not isinstance(node.this, exp.Identifier):
        return  # a table function: its call is checked as a function
    name = node.name
    if node.catalog:
        raise Refused(f"`{node.sql()}` names a catalog: a `sql` rule reads the port's own tables")
    if node.db and (schema is None or node.db != schema):
        raise Refused(f"`{node.sql()}` is in another schema: a `sql` rule reads the port's own tables")
    if name.lower().startswith(_CATALOG_PREFIXES) or "/" in name or "\\" in name:
        raise Refused(f"`{name}` is not a table of the port: a `sql` rule reads the port's own tables")


def _said(node: exp.Expr | None) -> str:
    return f"a `{node.key.upper()}` statement" if node is not None else "no statement"


def _first_line(error: BaseException) -> str:
    """sqlglot's own words, without the query it quotes in terminal colours."""
    errors = getattr(error, "errors", None)
    if errors and isinstance(errors[0], dict) and errors[0].get("description"):
        first = errors[0]
        return f"{first['description']} (line {first.get('line')}, column {first.get('col')})"
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip()
    return text.splitlines()[0] if text else type(error).__name__
