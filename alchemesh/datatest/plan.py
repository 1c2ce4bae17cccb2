"""What a contract asks of the data behind a port: per schema object, its table, its columns and the numbers to
measure, each with the bound it must keep and the contract node it comes from.

Pure: nothing here reads data. Count-style checks of one object are measures of one scan (`sql.scan`); a composite
key's duplicates, a `sql` rule and the freshness SLA are queries of their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from alchemesh.datatest import rules
from alchemesh.findings import JsonPath, Severity
from alchemesh.model.contract import Contract, Property, SchemaObject

# ODCS 3.0 library rules (`rule:`) by the 3.1 metric they became
_V30_RULES = {"nullCheck": "nullValues", "nullValues": "nullValues", "duplicateCount": "duplicateValues",
              "validValues": "invalidValues", "rowCount": "rowCount"}
_PROPERTY_METRICS = {"nullValues", "missingValues", "invalidValues", "duplicateValues"}
_SEVERITY = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFO}


@dataclass(frozen=True)
class Measure:
    """A number measured over an object's rows.

    kind: rows | nulls | missing | invalid | duplicates | newest | sql"""

    kind: str
    columns: tuple[str, ...] = ()
    values: tuple[Any, ...] = ()  # missing: the values counted as missing; invalid: the valid ones
    pattern: str | None = None  # invalid: a value must match it
    query: str | None = None  # sql

    @property
    def in_scan(self) -> bool:
        """Measured in the object's one scan (not a query of its own)."""
        return self.kind in ("rows", "nulls", "missing", "invalid", "newest") or (
            self.kind == "duplicates" and len(self.columns) == 1)


@dataclass(frozen=True)
class Expect:
    """The bound a measured number must keep: ODCS operators (all of them hold), in rows or percent of rows."""

    operators: tuple[tuple[str, Any], ...]
    unit: str = "rows"

    def holds(self, value: float) -> bool:
        return all(_holds(op, bound, value) for op, bound in self.operators)

    def __str__(self) -> str:
        said = " and ".join(_say(op, bound) for op, bound in self.operators)
        return said + ("%" if self.unit == "percent" and said else "")


@dataclass(frozen=True)
class Check:
    rule: str  # the rule a failure is reported under (datatest.rules)
    subject: str  # the table or column checked: "orders.order_id"
    what: str  # what of it: "required", a quality rule's name
    path: JsonPath  # the contract node it checks
    severity: Severity
    measure: Measure
    expect: Expect | None = None  # None: freshness (max_age) or a rule alchemesh cannot run (skip)
    max_age: float | None = None  # freshness: seconds
    skip: str | None = None  # why the check cannot run (a custom engine's rule, an unknown metric)

    @property
    def label(self) -> str:
        """For a person and a JUnit test case: "orders.order_id: required"."""
        return f"{self.subject}: {self.what}"


@dataclass(frozen=True)
class Column:
    prop: Property
    name: str  # the column: physicalName, else name


@dataclass(frozen=True)
class ObjectPlan:
    obj: SchemaObject
    table: str  # physicalName, else name
    columns: tuple[Column, ...]
    checks: tuple[Check, ...] = field(default=())


def plan(contract: Contract) -> tuple[ObjectPlan, ...]:
    """Every check the contract asks of its data, object by object."""
    out = []
    for obj in contract.objects:
        columns = tuple(Column(p, p.physical_name or p.name) for p in obj.properties if p.name)
        checks: list[Check] = []
        for column in columns:
            checks += _column_checks(obj, column)
        checks += _key_check(obj, columns)
        checks += _quality_checks(obj, None, obj.raw.get("quality"), obj.path)
        checks += _freshness_checks(contract, obj, columns)
        out.append(ObjectPlan(obj, _table(obj), columns, tuple(checks)))
    return tuple(out)


def _table(obj: SchemaObject) -> str:
    return obj.physical_name or obj.name


def _column_checks(obj: SchemaObject, column: Column) -> list[Check]:
    prop, subject = column.prop, f"{_table(obj)}.{column.name}"
    out = []
    if prop.required:
        out.append(Check(rules.REQUIRED.name, subject, "required", (*prop.path, "required"), Severity.ERROR,
                         Measure("nulls", (column.name,)), Expect((("mustBe", 0),))))
    if prop.unique:
        out.append(Check(rules.UNIQUE.name, subject, "unique", (*prop.path, "unique"), Severity.ERROR,
                         Measure("duplicates", (column.name,)), Expect((("mustBe", 0),))))
    enum = prop.raw.get("enum")
    if isinstance(enum, list) and enum:  # ODCS 3.2: the values a property may take
        values = tuple(e.get("value") if isinstance(e, dict) else e for e in enum)
        if all(map(_scalar, values)):
            out.append(Check(rules.QUALITY.name, subject, "enum", (*prop.path, "enum"), Severity.ERROR,
                             Measure("invalid", (column.name,), tuple(v for v in values if v is not None)),
                             Expect((("mustBe", 0),))))
    out += _quality_checks(obj, column, prop.raw.get("quality"), prop.path)
    return out


def _key_check(obj: SchemaObject, columns: tuple[Column, ...]) -> list[Check]:
    """The primary key holds no duplicates: composite in primaryKeyPosition order."""
    keys = [c for c in columns if c.prop.primary_key]
    if not keys:
        return []
    keys.sort(key=lambda c: (_position(c.prop), columns.index(c)))
    if len(keys) == 1 and keys[0].prop.unique:
        return []  # the unique check already says it
    names = tuple(c.name for c in keys)
    return [Check(rules.UNIQUE.name, _table(obj), f"primary key ({', '.join(names)})", (*keys[0].prop.path, "primaryKey"), Severity.ERROR,
                  Measure("duplicates", names), Expect((("mustBe", 0),)))]


def _position(prop: Property) -> float:
    value = prop.raw.get("primaryKeyPosition")
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else math.inf


def _quality_checks(obj: SchemaObject, column: Column | None, rules: Any, path: JsonPath) -> list[Check]:
    """The checks of an element's `quality` list (a schema object's when `column` is None)."""
    out = []
    for i, rule in enumerate(rules if isinstance(rules, list) else ()):
        if isinstance(rule, dict):
            out.append(_quality_check(obj, column, rule, (*path, "quality", i)))
    return out


def _quality_check(obj: SchemaObject, column: Column | None, rule: dict, path: JsonPath) -> Check:
    where = f"{_table(obj)}.{column.name}" if column else _table(obj)
    kind = str(rule.get("type") or "library")
    metric = rule.get("metric") or _V30_RULES.get(str(rule.get("rule")), rule.get("rule"))
    name = rule.get("name") or rule.get("id") or metric or (kind == "sql" and rule.get("description")) or kind
    severity = _SEVERITY.get(str(rule.get("severity", "error")).lower(), Severity.ERROR)
    operators = tuple((k, v) for k, v in rule.items() if k.startswith(("mustBe", "mustNot")))
    unit = "percent" if str(rule.get("unit", "rows")).lower() in ("percent", "%") else "rows"
    given = rule.get("arguments")
    arguments: dict[str, Any] = given if isinstance(given, dict) else {}
    property_name = column.name if column else ""  # a property metric on no property is skipped below

    def skipped(why: str) -> Check:
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("rows"), None, skip=why)

    bad = next((f"`{op}: {bound!r}`" for op, bound in operators if not _valid_bound(op, bound)), None)
    if bad:
        return skipped(f"{bad} is not a bound alchemesh can compare a number with")
    if kind == "sql":
        query = rule.get("query")
        if not isinstance(query, str) or not query.strip():
            return skipped("a `sql` rule without a `query`")
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("sql", (column.name,) if column else (),
                     query=query), Expect(operators or (("mustBe", True),)))
    if kind != "library" or not isinstance(metric, str):
        return skipped(f"a rule of type `{kind}` runs in its own engine, not in alchemesh")
    if metric in _PROPERTY_METRICS and column is None and not (metric == "duplicateValues" and arguments.get("properties")):
        return skipped(f"`{metric}` measures a property: put the rule on one")
    expect = Expect(operators or _DEFAULT.get(metric, (("mustBe", 0),)), unit)
    if metric == "rowCount":
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("rows"), Expect(expect.operators))
    if metric == "nullValues":
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("nulls", (property_name,)), expect)
    if metric == "missingValues":
        values = arguments.get("missingValues", [None, ""])
        values = tuple(values) if isinstance(values, list) else (None, "")
        if not all(map(_scalar, values)):
            return skipped("`missingValues` must list values, not lists or mappings")
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("missing", (property_name,), values), expect)
    if metric == "invalidValues":
        valid = arguments.get("validValues", rule.get("validValues"))
        pattern = arguments.get("pattern")
        if not isinstance(valid, list) and not isinstance(pattern, str):
            return skipped("`invalidValues` needs `arguments.validValues` or `arguments.pattern`")
        if isinstance(valid, list) and not all(map(_scalar, valid)):
            return skipped("`validValues` must list values, not lists or mappings")
        return Check(rules.QUALITY.name, where, str(name), path, severity,
                     Measure("invalid", (property_name,), tuple(valid) if isinstance(valid, list) else (),
                             pattern if isinstance(pattern, str) else None), expect)
    if metric == "duplicateValues":
        names = (column.name,) if column else tuple(_physical(obj, p) for p in arguments.get("properties", ())
                                                    if isinstance(p, str))
        return Check(rules.QUALITY.name, where, str(name), path, severity, Measure("duplicates", names), expect)
    return skipped(f"no metric `{metric}` in the ODCS library")


_DEFAULT = {"rowCount": (("mustBeGreaterThan", 0),)}  # every other metric counts bad values: none by default


def _physical(obj: SchemaObject, name: str) -> str:
    prop = next((p for p in obj.properties if p.name == name), None)
    return (prop.physical_name or prop.name) if prop else name


def _freshness_checks(contract: Contract, obj: SchemaObject, columns: tuple[Column, ...]) -> list[Check]:
    """`slaProperties` freshness whose element is a column of this object (`table.column`, or `column` when the
    contract has one object)."""
    from alchemesh.contracts.terms import seconds

    out = []
    for i, sla in enumerate(contract.raw.get("slaProperties") or ()):
        if not isinstance(sla, dict) or str(sla.get("property", "")).lower() != "freshness":
            continue
        element = sla.get("element")
        if not isinstance(element, str):
            continue
        table, _, name = element.rpartition(".")
        if (table and table not in (obj.name, obj.physical_name)) or (not table and len(contract.objects) != 1):
            continue
        column = next((c for c in columns if name in (c.prop.name, c.name)), None)
        max_age = seconds(sla.get("value"), sla.get("unit", "d"))
        path = ("slaProperties", i)
        subject = f"{_table(obj)}.{name}"
        if column is None or max_age is None:
            why = f"`{element}` names no property of `{obj.name}`" if column is None else \
                f"`{sla.get('value')} {sla.get('unit')}` is not a duration"
            out.append(Check(rules.FRESHNESS.name, subject, "freshness", path, Severity.ERROR, Measure("rows"), skip=why))
            continue
        out.append(Check(rules.FRESHNESS.name, subject, "freshness", path, Severity.ERROR, Measure("newest", (column.name,)),
                         max_age=max_age))
    return out


def _valid_bound(op: str, bound: Any) -> bool:
    if op in ("mustBeBetween", "mustNotBeBetween"):
        return isinstance(bound, list) and len(bound) == 2 and all(map(_number, bound))
    return op in _COMPARE and (_number(bound) or (op in ("mustBe", "mustNotBe") and isinstance(bound, bool)))


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


_COMPARE = {
    "mustBe": lambda x, b: x == b,
    "mustNotBe": lambda x, b: x != b,
    "mustBeGreaterThan": lambda x, b: x > b,
    "mustBeGreaterOrEqualTo": lambda x, b: x >= b,
    "mustBeGreaterThanOrEqualTo": lambda x, b: x >= b,
    "mustBeLessThan": lambda x, b: x < b,
    "mustBeLessOrEqualTo": lambda x, b: x <= b,
    "mustBeLessThanOrEqualTo": lambda x, b: x <= b,
}
_WORD = {"mustBe": "=", "mustNotBe": "≠", "mustBeGreaterThan": ">", "mustBeGreaterOrEqualTo": "≥",
         "mustBeGreaterThanOrEqualTo": "≥", "mustBeLessThan": "<", "mustBeLessOrEqualTo": "≤",
         "mustBeLessThanOrEqualTo": "≤"}


def _holds(op: str, bound: Any, value: float) -> bool:
    if op == "mustBeBetween":
        return bound[0] <= value <= bound[1]
    if op == "mustNotBeBetween":
        return not bound[0] <= value <= bound[1]
    if isinstance(bound, bool):
        value = bool(value)
    return _COMPARE[op](value, bound)


def _say(op: str, bound: Any) -> str:
    if op == "mustBeBetween":
        return f"between {bound[0]} and {bound[1]}"
    if op == "mustNotBeBetween":
        return f"not between {bound[0]} and {bound[1]}"
    return f"{_WORD[op]} {str(bound).lower() if isinstance(bound, bool) else bound}"
