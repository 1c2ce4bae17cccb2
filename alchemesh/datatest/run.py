"""Test one port's data against its contract: the tables and columns first, then every measure of an object in
one scan, then the queries of their own (composite keys, `sql` rules)."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alchemesh.datatest.values import as_shown, duration, instant, message, number, renamed, type_of
from alchemesh.datatest.engines import Engine, QueryFailed, Unreachable, close, connect
from alchemesh.datatest.plan import Check, Measure, ObjectPlan, plan
from alchemesh.datatest.result import FAILED, PASSED, SKIPPED, CheckResult, PortResult
from alchemesh.datatest import readonly, sql, types
from alchemesh.datatest import rules
from alchemesh.findings import DataImpact, Finding, JsonPath, Severity
from alchemesh.model.contract import Contract

Locate = Callable[[JsonPath], tuple[int, int]]


@dataclass(frozen=True)
class PortTarget:
    """A port to test: its contract (and where its nodes are), the engine its component declares, who reads it."""

    port: str  # domain/product/port
    name: str  # the port's name: the key of its stack's `output_ports`
    contract: Contract
    file: str
    locate: Locate
    engine: str | None
    consumers: tuple[str, ...]
    port_file: str  # the product file, and where the port is in it: where an unreachable port is reported
    port_position: tuple[int, int]
    no_engine_hint: str = ""


def unreachable(target: PortTarget, message: str, hint: str | None = None) -> PortResult:
    line, column = target.port_position
    finding = Finding(rules.UNREACHABLE.name, Severity.ERROR, f"port `{target.port}`: {message}", target.port_file, line,
                      column, hint=hint, data=DataImpact(target.contract.id, target.port, consumers=target.consumers))
    return PortResult(target.port, target.contract.id, target.file, "unreachable", (), (finding,), target.consumers)


def check_port(target: PortTarget, location: Any, stack_dir: Path, *, timeout: float = 300.0,
              now: dt.datetime | None = None) -> PortResult:
    start = time.perf_counter()
    if target.engine is None:
        return unreachable(target, "its component declares no engine to read its data with", target.no_engine_hint)
    if not isinstance(location, str) or not location:
        return unreachable(target, "its stack has no `location` output (not applied yet?)",
                           "`alchemesh apply` first; or the component returns no location")
    try:
        engine = connect(target.engine, location, stack_dir, timeout)
    except Unreachable as error:
        return unreachable(target, str(error))
    try:
        tester = _PortTest(target, engine, now or dt.datetime.now(dt.timezone.utc))
        for object_plan in plan(target.contract):
            tester.object(object_plan)
    except Unreachable as error:
        return unreachable(target, str(error))
    finally:
        close(engine)
    checks = tuple(tester.results)
    failed = [c.finding for c in checks if c.finding is not None]
    status = "failed" if any(f.severity is Severity.ERROR for f in failed) else "warned" if failed else "passed"
    return PortResult(target.port, target.contract.id, target.file, status, checks, tuple(failed), target.consumers,
                      time.perf_counter() - start)


class _PortTest:
    def __init__(self, target: PortTarget, engine: Engine, now: dt.datetime):
        self.target, self.engine, self.now = target, engine, now
        self.results: list[CheckResult] = []
        self.legacy_date = str(target.contract.raw.get("apiVersion", "")).startswith("v3.0")

    def object(self, object_plan: ObjectPlan) -> None:
        obj = object_plan.obj
        found = self.engine.columns(object_plan.table)
        if found is None:
            self._fail(rules.OBJECT_MISSING.name, f"{object_plan.table}: exists", obj.path, Severity.ERROR,
                       f"schema object `{obj.name}` has no table `{object_plan.table}`", "no table", "a table")
            for check in object_plan.checks:
                self._skip(check, f"no table `{object_plan.table}`")
            return
        self._pass(rules.OBJECT_MISSING.name, f"{object_plan.table}: exists")
        table_name, columns = found
        present = self._columns(object_plan, columns)
        source = self.engine.source(table_name)
        runnable = [c for c in object_plan.checks if c.skip is None and all(n in present for n in c.measure.columns)]
        for check in object_plan.checks:
            if check.skip is not None:
                self._skip(check, check.skip)
            elif check not in runnable:
                missing = next(n for n in check.measure.columns if n not in present)
                self._skip(check, f"no column `{missing}`")
        scanned = [c for c in runnable if c.measure.in_scan]
        measures = list(dict.fromkeys(renamed(c.measure, present) for c in scanned))
        values, rows = self._scan(source, measures)
        for check in scanned:
            measure = renamed(check.measure, present)
            if isinstance(values.get(measure), QueryFailed):
                self._broken(check, f"its query failed: {values[measure]}")
            else:
                self._judge(check, values[measure], rows)
        for check in runnable:
            if check.measure.in_scan:
                continue
            measure = renamed(check.measure, present)
            try:
                if measure.kind == "sql":
                    column = measure.columns[0] if measure.columns else None
                    query = sql.rule_query(measure.query or "", source, column, self.engine.dialect)
                    value = self.engine.row(readonly.vet(query, self.engine.dialect, self.engine.schema,
                                                         self.engine.functions))
                else:
                    value = self.engine.row(sql.duplicates(source, measure.columns, self.engine.dialect))
            except readonly.Refused as error:
                self._refused(check, str(error))
                continue
            except QueryFailed as error:
                self._broken(check, f"its query failed: {error}")
                continue
            if not value:
                self._broken(check, "its query returned no row")
                continue
            self._judge(check, value[0], rows)

    def _scan(self, source, measures: list[Measure]) -> tuple[dict[Measure, Any], float]:
        """Every measure in one scan; when that fails (a pattern the engine refuses, a type it cannot cast), one
        scan per measure, so that one bad check fails alone."""
        try:
            row = self.engine.row(sql.scan(source, measures, self.engine.dialect))
            return dict(zip(measures, row[1:], strict=False)), number(row[0]) or 0.0
        except QueryFailed as error:
            if not measures:  # the table itself cannot be scanned
                raise Unreachable(f"cannot read `{source.name}`: {error}") from None
        values: dict[Measure, Any] = {}
        rows = 0.0
        for measure in measures:
            try:
                row = self.engine.row(sql.scan(source, [measure], self.engine.dialect))
                values[measure], rows = row[1], number(row[0]) or 0.0
            except QueryFailed as error:
                values[measure] = error
        return values, rows

    def _columns(self, object_plan: ObjectPlan, columns: dict[str, str]) -> dict[str, str]:
        """The contract's column name → the table's (same, or same but for case), checking each column's type."""
        present = {}
        folded = {name.lower(): name for name in columns}
        table = object_plan.table
        for column in object_plan.columns:
            actual = column.name if column.name in columns else folded.get(column.name.lower())
            label = f"{table}.{column.name}"
            if actual is None:
                self._fail(rules.PROPERTY_MISSING.name, f"{label}: exists", column.prop.path, Severity.ERROR,
                           f"table `{table}` has no column `{column.name}`", "no column", "a column")
                continue
            self._pass(rules.PROPERTY_MISSING.name, f"{label}: exists")
            present[column.name] = actual
            kind = columns[actual]
            prop = column.prop
            problem, where = None, prop.path
            if isinstance(prop.physical_type, str):
                problem = types.physical_problem(prop.physical_type, kind, self.engine.dialect)
                where = (*prop.path, "physicalType")
            if problem is None and isinstance(prop.logical_type, str):
                problem = types.logical_problem(prop.logical_type, kind, self.engine.dialect, self.legacy_date)
                where = (*prop.path, "logicalType")
            expected = prop.physical_type or prop.logical_type
            if problem:
                self._fail(rules.TYPE_MISMATCH.name, f"{label}: type", where, Severity.ERROR, f"`{label}`: {problem}",
                           kind, expected)
            elif expected:
                self._pass(rules.TYPE_MISMATCH.name, f"{label}: type", kind, expected)
        return present

    def _judge(self, check: Check, raw: Any, rows: float) -> None:
        if check.measure.kind == "newest":
            self._freshness(check, raw)
            return
        value = number(raw)
        if value is None:  # what it returned is data: its type is said, never its value
            self._broken(check, f"its query returned a non-number ({type_of(raw)})")
            return
        assert check.expect is not None
        observed = 100.0 * value / rows if check.expect.unit == "percent" and rows else value
        observed = 0.0 if check.expect.unit == "percent" and not rows else observed
        shown = as_shown(observed, check.expect.unit)
        expected = str(check.expect)
        if check.expect.holds(observed):
            self._pass(check.rule, check.label, shown, expected)
            return
        self._fail(check.rule, check.label, check.path, check.severity, message(check, shown, expected), shown,
                   expected)

    def _freshness(self, check: Check, newest: Any) -> None:
        allowed = duration(check.max_age or 0)
        stamp = instant(newest)
        if stamp is None:
            message = (f"`{check.subject}` holds no value to be fresh by" if newest is None else
                       f"`{check.subject}` holds a {type_of(newest)} value, not a date or time")
            self._fail(check.rule, check.label, check.path, check.severity, message, None, f"≤ {allowed} old")
            return
        age = (self.now - stamp).total_seconds()
        observed = f"{duration(max(age, 0))} old"
        if age <= (check.max_age or 0):
            self._pass(check.rule, check.label, observed, f"≤ {allowed} old")
            return
        self._fail(check.rule, check.label, check.path, check.severity,
                   f"the newest `{check.subject}` is {duration(age)} old; the freshness SLA allows {allowed}",
                   observed, f"≤ {allowed} old")

    # --- results -----------------------------------------------------------------------------------

    def _pass(self, rule: str, label: str, observed: Any = None, expected: Any = None) -> None:
        self.results.append(CheckResult(rule, label, PASSED, observed, expected))

    def _skip(self, check: Check, why: str) -> None:
        self.results.append(CheckResult(check.rule, check.label, SKIPPED, detail=why))

    def _refused(self, check: Check, why: str) -> None:
        """A `sql` rule that is not a read-only query of the port's tables: never sent, and an error whatever
        severity the rule asks for."""
        self._fail(check.rule, check.label, check.path, Severity.ERROR,
                   f"{check.label}: its query is refused and was not run: {why}", None,
                   str(check.expect) if check.expect else None)

    def _broken(self, check: Check, why: str) -> None:
        """A check whose query could not answer: it failed, and says why."""
        self._fail(check.rule, check.label, check.path, check.severity, f"{check.label}: {why}", None,
                   str(check.expect) if check.expect else None)

    def _fail(self, rule: str, label: str, path: JsonPath, severity: Severity, message: str, observed: Any,
              expected: Any) -> None:
        target = self.target
        line, column = target.locate(path)
        finding = Finding(rule, severity, message, target.file, line, column, path,
                          data=DataImpact(target.contract.id, target.port, observed, expected, target.consumers))
        self.results.append(CheckResult(rule, label, FAILED, observed, expected, finding))
