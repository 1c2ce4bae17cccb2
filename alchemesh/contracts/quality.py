"""How an element's quality rules changed: each rule a promise about a measured number, compared by the values it
admits.

Rules are a set: matched by `id`, else by what they measure (metric, or `rule` in ODCS 3.0, or a SQL query) in
order, so a reordering is no change. What a rule admits is an interval of the measured number, read from its
operators (`mustBe`, `mustBeLessThan`, `mustBeBetween`, …): a wider interval is looser (more null values
tolerated, fewer rows promised), a narrower one tighter, any other change both. A rule that comes is a
tightening, one that goes a loosening. Its name, description, dimension and the like are metadata; an
`invalidValues` rule's `validValues` are an enumeration, compared as such elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable
import json
import math
from typing import Any

from alchemesh.contracts.changes import Kind
from alchemesh.contracts.matching import match
from alchemesh.findings import JsonPath

_DESCRIPTIVE = {"id", "name", "description", "dimension", "businessImpact", "tags", "authoritativeDefinitions",
                "customProperties", "scheduler", "schedule", "method"}
_SEVERITY = {"info": 0, "warning": 1, "error": 2}
_Interval = tuple[Any, ...]  # (low, low included, high, high included)


def quality_changes(old: list[dict[str, Any]], new: list[dict[str, Any]], field: str, path: JsonPath) -> list[tuple[str, str, JsonPath]]:
    """(rule, message, where) for each change of the rules `old` → `new` of one element (`path` is the element)."""
    out = []
    pairs, removed, added = match(old, new, _measures)
    label = f"`{field}` " if field else ""
    # a rule that lists valid values is an enumeration, compared as such
    for _, rule in removed:
        if not _enumerates(rule):
            out.append((Kind.QUALITY_LOOSENED, f"{label}quality rule {_said(rule)} was removed", (*path, "quality")))
    for i, rule in added:
        if not _enumerates(rule):
            out.append((Kind.QUALITY_TIGHTENED, f"{label}quality rule {_said(rule)} was added", (*path, "quality", i)))
    for before, i, after, _ in pairs:
        where = (*path, "quality", i)
        for kind in _compared(before, after):
            out.append((kind, f"{label}quality rule {_said(after)} {_how(before, after)}", where))
        if _descriptive(before) != _descriptive(after):
            out.append((Kind.METADATA_CHANGED, f"{label}quality rule {_said(after)}: "
                        f"{', '.join(sorted(k for k in _DESCRIPTIVE if before.get(k) != after.get(k)))} changed", where))
    return out


def _enumerates(rule: dict[str, Any]) -> bool:
    arguments = rule.get("arguments")
    return rule.get("metric") == "invalidValues" and isinstance(arguments, dict) and \
        isinstance(arguments.get("validValues"), list)


def _measures(rule: dict[str, Any]) -> str:
    """What a rule measures: its metric (ODCS 3.0: rule), or its query, or its type."""
    what = rule.get("metric") or rule.get("rule") or rule.get("query") or rule.get("type") or ""
    return json.dumps(what, sort_keys=True)


def _compared(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The directions of the rule's change (none, one, or both when there is no telling)."""
    shape = ("metric", "rule", "type", "query", "engine", "implementation", "unit")
    arguments = [{k: v for k, v in (r.get("arguments") or {}).items() if k != "validValues"}
                 if isinstance(r.get("arguments"), dict) else r.get("arguments") for r in (before, after)]
    was_args, now_args = arguments
    if all(before.get(k) == after.get(k) for k in shape) and isinstance(was_args, dict) \
            and isinstance(now_args, dict) and _only_pattern_differs(was_args, now_args):
        said = pattern_rules(was_args.get("pattern"), now_args.get("pattern"))
        if said is not None:  # a pattern made one that admits everything: looser only
            return [Kind.QUALITY_LOOSENED if k == Kind.CONSTRAINT_LOOSENED else Kind.QUALITY_TIGHTENED for k in said]
    if any(before.get(k) != after.get(k) for k in shape) or arguments[0] != arguments[1]:
        return [Kind.QUALITY_LOOSENED, Kind.QUALITY_TIGHTENED]  # it measures something else now
    out = []
    was, now = _interval(before), _interval(after)
    if was != now:
        if was is None or now is None:
            out += [Kind.QUALITY_LOOSENED, Kind.QUALITY_TIGHTENED]
        else:
            wider, narrower = _contains(now, was), _contains(was, now)
            out += [Kind.QUALITY_LOOSENED] if wider else [Kind.QUALITY_TIGHTENED] if narrower else \
                [Kind.QUALITY_LOOSENED, Kind.QUALITY_TIGHTENED]
    severity = [_SEVERITY.get(str(r.get("severity", "error")).lower()) for r in (before, after)]
    if severity[0] != severity[1]:  # a failure that stops a pipeline is a stronger promise than a warning
        old, new = severity
        if old is None or new is None:
            out += [Kind.QUALITY_LOOSENED, Kind.QUALITY_TIGHTENED]
        else:
            out.append(Kind.QUALITY_LOOSENED if new < old else Kind.QUALITY_TIGHTENED)
    return list(dict.fromkeys(out))


def admits_everything(pattern: Any) -> bool:
    """A regular expression every value matches (`^.*$`, `.*`, `[\\s\\S]*`): a pattern in name only."""
    if not isinstance(pattern, str):
        return False
    body = pattern.removeprefix("(?s)").removeprefix("^").removesuffix("$")
    return body in (".*", "(.*)", "(?:.*)", "[\\s\\S]*", "[\\S\\s]*", "[^]*")


def pattern_rules(before: Any, after: Any) -> list[str] | None:
    """A pattern made one that admits everything only loosens (and the reverse only tightens); None otherwise."""
    if admits_everything(after) and not admits_everything(before):
        return [Kind.CONSTRAINT_LOOSENED]
    if admits_everything(before) and not admits_everything(after):
        return [Kind.CONSTRAINT_TIGHTENED]
    return None


def _only_pattern_differs(before: Any, after: Any) -> bool:
    if not isinstance(before, dict) or not isinstance(after, dict):
        return False
    rest = [{k: v for k, v in args.items() if k != "pattern"} for args in (before, after)]
    return rest[0] == rest[1] and before.get("pattern") != after.get("pattern")


def _interval(rule: dict[str, Any]) -> _Interval | None:
    """The values the measured number may take; None when the operators say something no interval can
    (`mustNotBe`, `mustNotBeBetween`, a non-number)."""
    low, low_in, high, high_in = -math.inf, False, math.inf, False
    for key, value in rule.items():
        if not key.startswith("mustBe") and not key.startswith("mustNot"):
            continue
        if key == "mustBeBetween" and isinstance(value, list) and len(value) == 2 and all(map(_number, value)):
            bounds = [(value[0], True, value[1], True)]
        elif _number(value) and key in _OPERATORS:
            bounds = [_OPERATORS[key](value)]
        else:
            return None
        for lo, lo_in, hi, hi_in in bounds:
            if (lo, not lo_in) > (low, not low_in):
                low, low_in = lo, lo_in
            if (hi, hi_in) < (high, high_in):
                high, high_in = hi, hi_in
    return low, low_in, high, high_in


_OPERATORS: dict[str, Callable[[Any], tuple[Any, bool, Any, bool]]] = {
    "mustBe": lambda v: (v, True, v, True),
    "mustBeGreaterThan": lambda v: (v, False, math.inf, False),
    "mustBeGreaterOrEqualTo": lambda v: (v, True, math.inf, False),
    "mustBeGreaterThanOrEqualTo": lambda v: (v, True, math.inf, False),
    "mustBeLessThan": lambda v: (-math.inf, False, v, False),
    "mustBeLessOrEqualTo": lambda v: (-math.inf, False, v, True),
    "mustBeLessThanOrEqualTo": lambda v: (-math.inf, False, v, True),
}


def _contains(outer: _Interval, inner: _Interval) -> bool:
    (olo, olo_in, ohi, ohi_in), (ilo, ilo_in, ihi, ihi_in) = outer, inner
    low_ok = olo < ilo or (olo == ilo and (olo_in or not ilo_in))
    high_ok = ohi > ihi or (ohi == ihi and (ohi_in or not ihi_in))
    return low_ok and high_ok


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _descriptive(rule: dict[str, Any]) -> dict[str, Any]:
    return {k: rule.get(k) for k in _DESCRIPTIVE}


def _said(rule: dict[str, Any]) -> str:
    name = rule.get("name") or rule.get("metric") or rule.get("rule") or rule.get("type") or "sql"
    return f"`{name}`"


def _how(before: dict[str, Any], after: dict[str, Any]) -> str:
    """What changed, on both sides: the operators, severity, unit, query or arguments that differ."""
    keys = sorted(k for k in set(before) | set(after) if (k.startswith("must") or k in
                  ("severity", "unit", "query", "arguments", "metric", "rule", "type")) and before.get(k) != after.get(k))
    said = [", ".join(f"{k} {json.dumps(r[k])}" for k in keys if k in r) or "none" for r in (before, after)]
    return f"changed: {said[0]} → {said[1]}"
