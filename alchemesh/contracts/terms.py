"""The contract's promises beyond its schema: service levels, servers, relationships, its status.

Each is compared by what it promises: an SLA by its value in its unit (a shorter latency or a longer retention
is tighter), a server by where the data is (a server removed or moved is a change consumers and producers both
meet), a relationship by what it links (one dropped frees the data from it), the status by whether the
contract is still served (retired: no longer).
"""

from __future__ import annotations

import json
import re
from typing import Any

from alchemesh.contracts.changes import Kind
from alchemesh.findings import JsonPath

Found = tuple[str, str, JsonPath]  # (rule, message, where)

# SLA properties whose smaller value promises more (time to data, to repair), and those whose larger one does.
_SMALLER_IS_TIGHTER = {"latency", "frequency", "freshness", "errorrate", "timetodetect", "timetonotify",
                       "timetorepair", "timeofavailability"}
_LARGER_IS_TIGHTER = {"retention", "availability", "generalavailability", "throughput", "endofsupport", "endoflife"}
_SECONDS = {"ms": 0.001, "s": 1, "sec": 1, "second": 1, "m": 60, "min": 60, "minute": 60, "h": 3600, "hr": 3600,
            "hour": 3600, "d": 86400, "day": 86400, "w": 604800, "week": 604800, "mo": 2629800, "month": 2629800,
            "y": 31557600, "yr": 31557600, "year": 31557600}
# Where a server's data is: any of these changing moves it.
_LOCATION = {"type", "host", "port", "database", "schema", "catalog", "project", "dataset", "location", "path",
             "format", "delimiter", "topic", "account", "warehouse", "region", "regionName", "stagingDir",
             "serviceName", "endpointUrl", "environment"}


def sla_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Found]:
    out: list[Found] = []
    before = {_sla_key(s): s for s in old}
    after = {_sla_key(s): (i, s) for i, s in enumerate(new)}
    for key, sla in before.items():
        if key not in after:
            out.append((Kind.SLA_LOOSENED, f"SLA `{_sla_name(sla)}` was removed", ("slaProperties",)))
    for key, (i, sla) in after.items():
        where = ("slaProperties", i, "value") if "value" in sla else ("slaProperties", i)
        if key not in before:
            out.append((Kind.SLA_TIGHTENED, f"SLA `{_sla_name(sla)}` was added", where))
            continue
        was = before[key]
        if (was.get("value"), was.get("unit"), was.get("valueExt")) == (sla.get("value"), sla.get("unit"),
                                                                        sla.get("valueExt")):
            continue
        said = f"SLA `{_sla_name(sla)}` {_sla_value(was)} → {_sla_value(sla)}"
        out += [(kind, said, where) for kind in _sla_direction(key[0], was, sla)]
    return out


def _sla_key(sla: dict[str, Any]) -> tuple[str, str]:
    return str(sla.get("property", "")).lower().replace("_", ""), json.dumps(sla.get("element"), sort_keys=True)


def _sla_name(sla: dict[str, Any]) -> str:
    return str(sla.get("property", "")) + (f" of {sla['element']}" if sla.get("element") else "")


def _sla_value(sla: dict[str, Any]) -> str:
    return f"`{sla.get('value')}{' ' + str(sla['unit']) if sla.get('unit') else ''}`"


def _sla_direction(name: str, was: dict[str, Any], now: dict[str, Any]) -> list[str]:
    a, b = _measure(was), _measure(now)
    if a is None or b is None or type(a) is not type(b) or name not in _SMALLER_IS_TIGHTER | _LARGER_IS_TIGHTER:
        return [Kind.SLA_LOOSENED, Kind.SLA_TIGHTENED]
    if a == b:
        return []
    tighter = b < a if name in _SMALLER_IS_TIGHTER else b > a
    return [Kind.SLA_TIGHTENED if tighter else Kind.SLA_LOOSENED]


def seconds(value: Any, unit: Any) -> float | None:
    """A duration in seconds (`4 h`, `1 day`, `2 days`); None when it is not one."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or unit is None:
        return None
    unit = str(unit).lower()
    factor = _SECONDS.get(unit) or _SECONDS.get(unit.rstrip("s"))
    return float(value) * factor if factor else None


def _measure(sla: dict[str, Any]) -> Any:
    """The value in a comparable form: seconds for a duration, the number itself, an ISO date or time."""
    value, unit = sla.get("value"), sla.get("unit")
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if unit is None:
            return float(value)
        duration = seconds(value, unit)
        return duration if duration is not None else (float(value) if str(unit).lower() in ("%", "percent") else None)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ].*)?|\d{2}:\d{2}(:\d{2})?", value):
        return value
    return None


def server_changes(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> list[Found]:
    out: list[Found] = []
    before = {str(s.get("server", i)): s for i, s in enumerate(old)}
    after = {str(s.get("server", i)): (i, s) for i, s in enumerate(new)}
    for name in before.keys() - after.keys():
        out.append((Kind.SERVER_CHANGED, f"server `{name}` was removed", ("servers",)))
    for name, (i, server) in sorted(after.items(), key=lambda item: item[1][0]):
        if name not in before:
            out.append((Kind.METADATA_CHANGED, f"server `{name}` was added", ("servers", i)))
            continue
        was = before[name]
        moved = sorted(k for k in _LOCATION if was.get(k) != server.get(k))
        described = sorted(k for k in set(was) | set(server) if k not in _LOCATION and was.get(k) != server.get(k))
        if moved:
            where = ("servers", i, moved[0]) if moved[0] in server else ("servers", i)
            out.append((Kind.SERVER_CHANGED, f"server `{name}`: {', '.join(moved)} changed", where))
        if described:
            out.append((Kind.METADATA_CHANGED, f"server `{name}`: {', '.join(described)} changed", ("servers", i)))
    return out


def relationship_changes(old: list[dict[str, Any]], new: list[dict[str, Any]], label: str, path: JsonPath) -> list[Found]:
    out = []
    before = {_link(r) for r in old}
    for i, rel in enumerate(new):
        if _link(rel) not in before:
            out.append((Kind.RELATIONSHIP_ADDED, f"{label}relationship {_said(rel)} was added",
                        (*path, "relationships", i)))
    after = {_link(r) for r in new}
    for rel in old:
        if _link(rel) not in after:
            out.append((Kind.RELATIONSHIP_REMOVED, f"{label}relationship {_said(rel)} was removed",
                        (*path, "relationships")))
    return out


def _link(rel: dict[str, Any]) -> str:
    return json.dumps({k: rel.get(k) for k in ("type", "from", "to")}, sort_keys=True)


def _said(rel: dict[str, Any]) -> str:
    ends = " → ".join(json.dumps(rel[k]) if not isinstance(rel[k], str) else rel[k] for k in ("from", "to") if rel.get(k))
    return f"`{ends or rel.get('type', 'relationship')}`"


def status_change(old: Any, new: Any) -> list[Found]:
    if old == new:
        return []
    if str(new).lower() == "retired":
        return [(Kind.CONTRACT_RETIRED, f"status {old} → {new}: the data is no longer served", ("status",))]
    return [(Kind.METADATA_CHANGED, f"status {old} → {new}", ("status",) if new is not None else ())]
