"""Compare two versions of one ODCS contract, object by object and property by property.

Elements are matched by their stable `id` (ODCS 3.1) when both sides have one, else by name, so a
rename is a rename. Each difference becomes a `Change` named after a class of `changes.CHANGES`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from alchemesh.contracts.changes import Kind
from alchemesh.contracts.matching import match
from alchemesh.contracts.quality import pattern_rules, quality_changes
from alchemesh.contracts.terms import relationship_changes, server_changes, sla_changes, status_change
from alchemesh.findings import JsonPath

_CONTRACT_STRUCTURE = {"schema", "version", "id", "kind", "slaProperties", "servers", "status"}
_READ_ALIKE = {"table", "view", "materialized view", "materialized_view"}  # the same to a SQL reader
_OBJECT_STRUCTURE = {"id", "name", "properties", "physicalName", "quality", "physicalType", "relationships"}
_PROPERTY_STRUCTURE = {
    "id", "name", "logicalType", "physicalType", "required", "unique", "primaryKey", "primaryKeyPosition",
    "logicalTypeOptions", "enum", "properties", "items", "quality", "physicalName", "relationships", "map",
}
# logicalTypeOptions whose larger value admits more data, and those whose smaller value does.
_UPPER_BOUNDS = {"maxLength", "maxItems", "maxProperties"}
_LOWER_BOUNDS = {"minLength", "minItems", "minProperties"}
# A range's bounds: inclusive and exclusive, numbers (3.1+) or an exclusive flag on the inclusive bound (3.0).
_RANGE = {"upper": ("maximum", "exclusiveMaximum"), "lower": ("minimum", "exclusiveMinimum")}
_Bound = tuple[Any, ...]  # (value, exclusive, the key that says it)
# logicalTypeOptions that say how values are written (a date's format, a vector's dimensions and element type):
# one changed is another type. Advisory ones are metadata. A vector's options have defaults (ODCS 3.2).
_REPRESENTATION = {"format", "timezone", "defaultTimezone", "dimensions", "elementType", "embeddingModel",
                   "embeddingModelVersion", "normalized"}
_ADVISORY = {"distanceMetric"}
_VECTOR_DEFAULTS = {"elementType": "float32", "normalized": False}
_FLAGS = {"unique", "primaryKey"}


@dataclass(frozen=True, slots=True)
class Change:
    rule: str  # a Kind
    field: str  # `object.property.nested`; "" for the contract itself
    message: str
    path: JsonPath  # the node in the new document; for a removal, the list (or mapping) that lost it
    old_path: JsonPath | None = None  # for a removal: where it stood in the old document


def diff_contracts(old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    out: list[Change] = []
    _metadata(old, new, _CONTRACT_STRUCTURE, "", (), out)
    found = [*status_change(old.get("status"), new.get("status")),
             *sla_changes(_list(old.get("slaProperties")), _list(new.get("slaProperties"))),
             *server_changes(_list(old.get("servers")), _list(new.get("servers")))]
    out += [Change(rule, "", message, where) for rule, message, where in found]
    _objects(_list(old.get("schema")), _list(new.get("schema")), out)
    return _undecided(out)


_EITHER_WAY = {(Kind.CONSTRAINT_LOOSENED, Kind.CONSTRAINT_TIGHTENED): Kind.CONSTRAINT_CHANGED,
               (Kind.QUALITY_LOOSENED, Kind.QUALITY_TIGHTENED): Kind.QUALITY_CHANGED,
               (Kind.SLA_LOOSENED, Kind.SLA_TIGHTENED): Kind.SLA_CHANGED}


def _undecided(changes: list[Change]) -> list[Change]:
    """A change that is a loosening and a tightening of the same thing at once (said with the same words at the same
    place) is one change whose direction cannot be told: one finding, not two that contradict each other."""
    said = {(c.rule, c.field, c.message, c.path) for c in changes}
    out = []
    for change in changes:
        pair = next(((pair, kind) for pair, kind in _EITHER_WAY.items() if change.rule in pair), None)
        if pair is None:
            out.append(change)
            continue
        (loosened, tightened), kind = pair
        other = tightened if change.rule == loosened else loosened
        if (other, change.field, change.message, change.path) not in said:
            out.append(change)
        elif change.rule == loosened:  # the pair's first: said once, the other dropped
            out.append(Change(kind, change.field, change.message, change.path, change.old_path))
    return out


def _objects(old: list[Any], new: list[Any], out: list[Change]) -> None:
    pairs, removed, added = match(old, new, _name)
    for j, obj in removed:
        out.append(Change(Kind.SCHEMA_REMOVED, _name(obj), f"schema object `{_name(obj)}` was removed", ("schema",),
                          ("schema", j)))
    for i, obj in added:
        out.append(Change(Kind.SCHEMA_ADDED, _name(obj), f"schema object `{_name(obj)}` was added", ("schema", i)))
    for old_obj, i, new_obj, j in pairs:
        path, label = ("schema", i), _name(new_obj)
        if _name(old_obj) != label:
            out.append(Change(Kind.SCHEMA_RENAMED, _name(old_obj),
                              f"schema object `{_name(old_obj)}` was renamed to `{label}`", (*path, "name")))
        if old_obj.get("physicalName") != new_obj.get("physicalName"):
            out.append(Change(Kind.SCHEMA_RENAMED, label, f"schema object `{label}` physicalName changed from "
                              f"{_show(old_obj.get('physicalName'))} to {_show(new_obj.get('physicalName'))}",
                              (*path, "physicalName")))
        if old_obj.get("physicalType") != new_obj.get("physicalType"):
            relational = {str(old_obj.get("physicalType")).lower(), str(new_obj.get("physicalType")).lower()} \
                <= _READ_ALIKE
            out.append(Change(Kind.METADATA_CHANGED if relational else Kind.SCHEMA_TYPE_CHANGED, label, f"schema object `{label}` physicalType changed from "
                              f"{_show(old_obj.get('physicalType'))} to {_show(new_obj.get('physicalType'))}",
                              (*path, "physicalType") if "physicalType" in new_obj else path))
        _quality(old_obj, new_obj, label, path, out)
        _relationships(old_obj, new_obj, label, path, out)
        _metadata(old_obj, new_obj, _OBJECT_STRUCTURE, label, path, out)
        _properties(_list(old_obj.get("properties")), _list(new_obj.get("properties")), label, path, out,
                    ("schema", j))


def _properties(old: list[Any], new: list[Any], prefix: str, parent: JsonPath, out: list[Change], old_parent: JsonPath) -> None:
    pairs, removed, added = match(old, new, _name)
    for j, prop in removed:
        field = f"{prefix}.{_name(prop)}"
        out.append(Change(Kind.FIELD_REMOVED, field, f"`{field}` was removed", (*parent, "properties"),
                          (*old_parent, "properties", j)))
    for i, prop in added:
        field, path = f"{prefix}.{_name(prop)}", (*parent, "properties", i)
        out.append(Change(Kind.FIELD_ADDED, field, f"`{field}` was added", path))
        if prop.get("required") is True:
            out.append(Change(Kind.FIELD_MADE_REQUIRED, field, f"`{field}` was added as required", (*path, "required")))
    for old_prop, i, new_prop, j in pairs:
        _property(old_prop, new_prop, f"{prefix}.{_name(new_prop)}", (*parent, "properties", i), out,
                  (*old_parent, "properties", j))


def _property(old: dict[str, Any], new: dict[str, Any], field: str, path: JsonPath, out: list[Change], old_path: JsonPath) -> None:
    if _name(old) != _name(new):
        out.append(Change(Kind.FIELD_RENAMED, field, f"`{field}` was renamed from `{_name(old)}`", (*path, "name")))
    if old.get("physicalName") != new.get("physicalName"):
        out.append(Change(Kind.FIELD_RENAMED, field, f"`{field}` physicalName changed from {_show(old.get('physicalName'))} "
                          f"to {_show(new.get('physicalName'))}", (*path, "physicalName")))
    for key in ("logicalType", "physicalType"):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        if before is None:  # nothing was promised: a type now narrows what the data may be
            out.append(Change(Kind.CONSTRAINT_TIGHTENED, field, f"`{field}` now declares {key} {_show(after)} "
                              "(none before)", (*path, key)))
        elif after is None:
            out.append(Change(Kind.CONSTRAINT_LOOSENED, field, f"`{field}` no longer declares a {key} (it was "
                              f"{_show(before)})", path))
        else:
            out.append(Change(Kind.FIELD_TYPE_CHANGED, field,
                              f"`{field}` {key} changed from {_show(before)} to {_show(after)}", (*path, key)))
    was, now = old.get("required") is True, new.get("required") is True
    if was and not now:
        out.append(Change(Kind.FIELD_MADE_OPTIONAL, field, f"`{field}` is no longer required", (*path, "required")))
    elif now and not was:
        out.append(Change(Kind.FIELD_MADE_REQUIRED, field, f"`{field}` is now required", (*path, "required")))
    for key in sorted(_FLAGS):
        if (old.get(key) is True) != (new.get(key) is True):
            rule = Kind.CONSTRAINT_TIGHTENED if new.get(key) is True else Kind.CONSTRAINT_LOOSENED
            state = "set" if new.get(key) is True else "dropped"
            out.append(Change(rule, field, f"`{field}` {key} {state}", (*path, key)))
    vector = "vector" in (old.get("logicalType"), new.get("logicalType"))
    defaults = _VECTOR_DEFAULTS if vector else {}
    _options({**defaults, **_dict(old.get("logicalTypeOptions"))}, {**defaults, **_dict(new.get("logicalTypeOptions"))},
             field, path, out)
    _enums(old, new, field, path, out)
    key_added = new.get("primaryKey") is True and old.get("primaryKey") is not True
    key_dropped = old.get("primaryKey") is True and new.get("primaryKey") is not True
    moved = old.get("primaryKeyPosition") != new.get("primaryKeyPosition")
    # a position that comes or goes with the key itself is part of that one change (said above, by its flag)
    if moved and not (key_added and old.get("primaryKeyPosition") is None) and not (
            key_dropped and new.get("primaryKeyPosition") is None):
        what = (f"`{field}` primaryKeyPosition {_show(old.get('primaryKeyPosition'))} → "
                f"{_show(new.get('primaryKeyPosition'))}")
        where = (*path, "primaryKeyPosition") if "primaryKeyPosition" in new else path
        out += [Change(rule, field, what, where) for rule in (Kind.CONSTRAINT_LOOSENED, Kind.CONSTRAINT_TIGHTENED)]
    _quality(old, new, field, path, out)
    _relationships(old, new, field, path, out)
    _metadata(old, new, _PROPERTY_STRUCTURE, field, path, out)
    _properties(_list(old.get("properties")), _list(new.get("properties")), field, path, out, old_path)
    old_map, new_map = _dict(old.get("map")), _dict(new.get("map"))
    for part in ("key", "value"):
        if isinstance(old_map.get(part), dict) and isinstance(new_map.get(part), dict):
            _property(old_map[part], new_map[part], f"{field}{{{part}}}", (*path, "map", part), out,
                      (*old_path, "map", part))
    old_items, new_items = old.get("items"), new.get("items")
    if isinstance(old_items, dict) and isinstance(new_items, dict):
        _property(old_items, new_items, f"{field}[]", (*path, "items"), out, (*old_path, "items"))
    elif isinstance(old_items, dict):
        out.append(Change(Kind.FIELD_REMOVED, f"{field}[]", f"`{field}` no longer describes its items", path,
                          (*old_path, "items")))
    elif isinstance(new_items, dict):
        out.append(Change(Kind.FIELD_ADDED, f"{field}[]", f"`{field}` now describes its items", (*path, "items")))


def _options(old: dict[str, Any], new: dict[str, Any], field: str, parent: JsonPath, out: list[Change]) -> None:
    for side, (inclusive, exclusive) in _RANGE.items():
        before, after = _bound(old, inclusive, exclusive, side), _bound(new, inclusive, exclusive, side)
        if (before or (None, None))[:2] != (after or (None, None))[:2]:
            flag_changed = exclusive in new and old.get(exclusive) != new.get(exclusive)
            key = exclusive if flag_changed or (after and after[2] == exclusive) else inclusive
            path = (*parent, "logicalTypeOptions", key) if key in new else parent
            what = f"`{field}` {_bounds_said(before, after, inclusive)}"
            for rule in _bound_rules(before, after, side):
                out.append(Change(rule, field, what, path))
    ranged = {key for keys in _RANGE.values() for key in keys}
    for key in sorted((set(old) | set(new)) - ranged):
        before, after = old.get(key), new.get(key)
        if before == after:
            continue
        path = (*parent, "logicalTypeOptions", key) if key in new else parent
        what = f"`{field}` {key} {_show(before)} → {_show(after)}"
        if key in _ADVISORY:
            rules = [Kind.METADATA_CHANGED]
        elif key in _REPRESENTATION and before is not None and after is not None:
            rules = [Kind.FIELD_TYPE_CHANGED]  # the same values written another way: a parser of the old fails
        else:
            rules = _option_rules(key, before, after)
        for rule in rules:
            out.append(Change(rule, field, what, path))


def _bound(options: dict[str, Any], inclusive: str, exclusive: str, side: str) -> _Bound | None:
    """A range's bound on one side, the tighter when both keys give one."""
    candidates = []
    value, flag = options.get(inclusive), options.get(exclusive)
    if _bounded(value):  # ODCS 3.0: `exclusiveMaximum: true` excludes `maximum` itself
        candidates.append((value, flag is True, f"{inclusive} ({exclusive})" if flag is True else inclusive))
    if _bounded(flag):
        candidates.append((flag, True, exclusive))
    if len(candidates) < 2:
        return candidates[0] if candidates else None
    try:  # the tighter: the smaller upper (larger lower) bound; at one value, the exclusive one
        if side == "upper":
            return min(candidates, key=lambda c: (c[0], not c[1]))
        return max(candidates, key=lambda c: (c[0], c[1]))
    except TypeError:
        return candidates[0]


def _bounds_said(before: _Bound | None, after: _Bound | None, inclusive: str) -> str:
    if before and after and before[2] == after[2]:
        return f"{before[2]} {_show(before[0])} → {_show(after[0])}"
    said = [f"{b[2]} {_show(b[0])}" if b else f"no {inclusive}" for b in (before, after)]
    return f"{said[0]} → {said[1] if after else 'none'}"


def _bound_rules(before: _Bound | None, after: _Bound | None, side: str) -> list[str]:
    if before is None or after is None:
        return [Kind.CONSTRAINT_TIGHTENED if before is None else Kind.CONSTRAINT_LOOSENED]
    (was, was_open, _), (now, now_open, _) = before, after
    try:
        wider = now > was if side == "upper" else now < was
    except TypeError:  # a number against a date: no telling
        return [Kind.CONSTRAINT_LOOSENED, Kind.CONSTRAINT_TIGHTENED]
    return [Kind.CONSTRAINT_LOOSENED if wider or (now == was and was_open and not now_open) else Kind.CONSTRAINT_TIGHTENED]


def _bounded(value: Any) -> bool:
    """A bound's value: a number, or an ISO date or time (they compare as strings)."""
    return isinstance(value, (int, float, str)) and not isinstance(value, bool)



def _option_rules(key: str, before: Any, after: Any) -> list[str]:
    if before is None:
        return [Kind.CONSTRAINT_TIGHTENED]
    if after is None:
        return [Kind.CONSTRAINT_LOOSENED]
    if key == "pattern" and (said := pattern_rules(before, after)) is not None:
        return said
    if key == "uniqueItems":
        return [Kind.CONSTRAINT_TIGHTENED if after else Kind.CONSTRAINT_LOOSENED]
    try:
        if key == "multipleOf" and before and after:
            if after % before == 0:
                return [Kind.CONSTRAINT_TIGHTENED]
            if before % after == 0:
                return [Kind.CONSTRAINT_LOOSENED]
        if key in _UPPER_BOUNDS:
            return [Kind.CONSTRAINT_LOOSENED if after > before else Kind.CONSTRAINT_TIGHTENED]
        if key in _LOWER_BOUNDS:
            return [Kind.CONSTRAINT_LOOSENED if after < before else Kind.CONSTRAINT_TIGHTENED]
    except TypeError:
        pass
    return [Kind.CONSTRAINT_LOOSENED, Kind.CONSTRAINT_TIGHTENED]  # a new pattern admits some values and rejects others


def _enums(old: dict[str, Any], new: dict[str, Any], field: str, path: JsonPath, out: list[Change]) -> None:
    before, after = _enum_values(old), _enum_values(new)
    if before is None or after is None:
        if before is not None:
            out.append(Change(Kind.CONSTRAINT_LOOSENED, field, f"`{field}` is no longer an enumeration", path))
        elif after is not None:
            out.append(Change(Kind.CONSTRAINT_TIGHTENED, field, f"`{field}` is now an enumeration", path))
        return
    where = _enum_path(old, new, path)
    for value in sorted(after.keys() - before.keys()):
        out.append(Change(Kind.ENUM_VALUE_ADDED, field, f"`{field}` admits {after[value]}", where))
    for value in sorted(before.keys() - after.keys()):
        out.append(Change(Kind.ENUM_VALUE_REMOVED, field, f"`{field}` no longer admits {before[value]}", where))


def _enum_path(old: dict[str, Any], new: dict[str, Any], path: JsonPath) -> JsonPath:
    """The enumeration that changed: `enum`, else the `validValues` of an `invalidValues` rule."""
    if isinstance(new.get("enum"), list) and old.get("enum") != new.get("enum"):
        return (*path, "enum")
    rule = _invalid_rule_index(new)
    if rule is not None:
        return (*path, "quality", rule, "arguments", "validValues")
    return (*path, "enum") if isinstance(new.get("enum"), list) else path


def _invalid_rule_index(prop: dict[str, Any]) -> int | None:
    for i, rule in enumerate(prop.get("quality") or []):
        if isinstance(rule, dict) and rule.get("metric") == "invalidValues":
            return i
    return None


def _enum_values(prop: dict[str, Any]) -> dict[str, str] | None:
    """The allowed values: ODCS 3.2 `enum`, or a quality rule `invalidValues` with `validValues`."""
    sources = []
    if isinstance(prop.get("enum"), list):
        sources.append([e.get("value") if isinstance(e, dict) else e for e in prop["enum"]])
    for rule in _list(prop.get("quality")):
        arguments = _dict(rule.get("arguments"))
        if rule.get("metric") == "invalidValues" and isinstance(arguments.get("validValues"), list):
            sources.append(arguments["validValues"])
    if not sources:
        return None
    allowed = [{json.dumps(v, sort_keys=True): _show(v) for v in values} for values in sources]
    keys = set.intersection(*(set(a) for a in allowed))  # a value must pass every enumeration
    return {k: allowed[0][k] for k in keys}


def _quality(old: dict[str, Any], new: dict[str, Any], field: str, path: JsonPath, out: list[Change]) -> None:
    for rule, message, where in quality_changes(_list(old.get("quality")), _list(new.get("quality")), field, path):
        out.append(Change(rule, field, message, where))


def _relationships(old: dict[str, Any], new: dict[str, Any], field: str, path: JsonPath, out: list[Change]) -> None:
    found = relationship_changes(_list(old.get("relationships")), _list(new.get("relationships")),
                                 f"`{field}` " if field else "", path)
    out += [Change(rule, field, message, where) for rule, message, where in found]


def _metadata(old: dict[str, Any], new: dict[str, Any], structure: set[str], field: str, parent: JsonPath, out: list[Change]) -> None:
    changed = sorted(k for k in set(old) | set(new) if k not in structure and old.get(k) != new.get(k))
    if changed:
        where = f"`{field}` " if field else ""
        path = (*parent, changed[0]) if changed[0] in new else parent
        out.append(Change(Kind.METADATA_CHANGED, field, f"{where}{', '.join(changed)} changed", path))


def _name(element: dict[str, Any]) -> str:
    return str(element.get("name", ""))


def _show(value: Any) -> str:
    return "none" if value is None else f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
