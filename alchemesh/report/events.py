"""`--events FILE`: what a run did, as CloudEvents 1.0 (structured JSON), one per line (SPEC §9).

A stack's end is `io.alchemesh.stack.<planned|applied|destroyed|failed|skipped>` (a drifted stack
`io.alchemesh.drift.detected`), a tested port's `io.alchemesh.test.<passed|failed>`. `subject` is the stack or
the port; `id` is a UUIDv5 of the run and the transition, so a receiver that sees an event twice (a retried
delivery) can tell; `data` holds the stack's counts or the test's result. The JSON Schema of each type is
`schemas/events/<type>.schema.json` (`event_schemas`).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid
from typing import Any

from alchemesh.terraform.outcome import Action, Outcome, Run, Status
from alchemesh.validate.rules import access_expired, access_expiring, sunset_approaching, sunset_passed

SPEC_VERSION = "1.0"
_NAMESPACE = uuid.UUID("6f1d3c1e-8f0a-5d7b-9c51-3a8e2f4b7d10")  # alchemesh's: every event id is a UUIDv5 in it
STACK_TYPES = ("planned", "applied", "destroyed", "failed", "skipped")
TYPES = (*(f"io.alchemesh.stack.{t}" for t in STACK_TYPES), "io.alchemesh.drift.detected",
         "io.alchemesh.test.passed", "io.alchemesh.test.failed", "io.alchemesh.contract.breaking")
# `validate --events` (and the catalog's feed, on the day it became true): each consumer reading a port or field
# near or past its sunset, or under an access agreement near or past its end
DUE = {sunset_approaching.RULE.name: "io.alchemesh.port.sunset-approaching",
       sunset_passed.RULE.name: "io.alchemesh.port.sunset-passed",
       access_expiring.RULE.name: "io.alchemesh.access.expiring", access_expired.RULE.name: "io.alchemesh.access.expired"}
SUNSET_TYPES = tuple(DUE.values())
# the catalog's feed: an access agreement requested, approved, rejected or revoked (its file, commit by commit)
ACCESS_TYPES = tuple(f"io.alchemesh.access.{s}" for s in ("requested", "approved", "rejected", "revoked"))
# the catalog's event feed (`docs build`: api/v1/events/), derived from git history
FEED_TYPES = (*ACCESS_TYPES, "io.alchemesh.product.added", "io.alchemesh.product.deprecated",
              "io.alchemesh.product.retired",
              "io.alchemesh.contract.published")


def run_id() -> str:
    """The run's identity: the CI run when there is one (a re-run of a job is another attempt, another run)."""
    if os.environ.get("GITHUB_RUN_ID"):
        return f"github:{os.environ['GITHUB_RUN_ID']}:{os.environ.get('GITHUB_RUN_ATTEMPT', '1')}"
    return os.environ.get("ALCHEMESH_RUN_ID") or f"local:{uuid.uuid4()}"


def run_events(result: Run, mesh: str, identity: str, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """One event per stack (drift: per drifted stack), then one per tested port, in the order they ended."""
    now = now or dt.datetime.now(dt.timezone.utc)
    last = max((o.ended for o in result.outcomes), default=0.0)
    source = f"/alchemesh/{mesh}/{result.environment}"
    out = []
    for outcome in sorted(result.outcomes, key=lambda o: (o.ended or last, o.key)):
        at = now - dt.timedelta(seconds=max(last - outcome.ended, 0.0)) if outcome.ended else now
        kind = _stack_type(result.action, outcome)
        if kind is not None:
            out.append(_event(kind, source, outcome.key, identity, at, _stack_data(result, outcome)))
        for port in outcome.tests:
            kind = "io.alchemesh.test.failed" if port.broken else "io.alchemesh.test.passed"
            out.append(_event(kind, source, port.port, identity, at, _test_data(result.environment, port)))
    return out


def contract_events(report, mesh: str, base: str, identity: str, now: dt.datetime | None = None) -> list[dict]:
    """`contracts check`: one `io.alchemesh.contract.breaking` per breaking change, the contract as subject."""
    from alchemesh.contracts.changes import CHANGES

    now = now or dt.datetime.now(dt.timezone.utc)
    out = []
    for f in report.findings:  # the changes themselves; the version rules about them are not events
        if f.contract is None or f.contract.change != "breaking" or f.rule not in CHANGES:
            continue
        c = f.contract
        data = {"contract": c.contract, "rule": f.rule, "message": f.message, "file": f.file, "line": f.line,
                "column": f.column, "field": c.field or None, "mode": c.mode, "consumers": list(c.consumers),
                "base": base}
        out.append(_event("io.alchemesh.contract.breaking", f"/alchemesh/{mesh}/contracts", c.contract,
                          f"{identity}\n{f.rule}\n{f.file}:{f.line}:{f.column}", now, data))
    return out


def due_events(report, mesh: str, identity: str, now: dt.datetime | None = None) -> list[dict]:
    """`validate`: one event per consumer told of a sunset (`sunset-approaching`, `sunset-passed`) or of an access
    agreement's end (`access-expiring`, `access-expired`), the reading product as subject."""
    now = now or dt.datetime.now(dt.timezone.utc)
    out = []
    for f in report.findings:
        kind = DUE.get(f.rule)
        if kind is None:
            continue
        consumer = (f.products or ("",))[0]
        out.append(_event(kind, f"/alchemesh/{mesh}/validate", consumer,
                          f"{identity}\n{f.rule}\n{f.file}:{f.line}:{f.column}", now, due_data(f.rule, f.severity.value,
                                                                                              f.message, f.file, f.line,
                                                                                              f.column, consumer, f.hint)))
    return out


def due_data(rule: str, severity: str, message: str, file: str, line: int, column: int, consumer: str,
             hint: str | None) -> dict[str, Any]:
    """The `data` of a due event: the finding a consumer is told, where it is told."""
    return {"rule": rule, "severity": severity, "message": message, "file": file, "line": line, "column": column,
            "consumer": consumer, "hint": hint}


def _stack_type(action: Action, outcome: Outcome) -> str | None:
    status = outcome.status
    if status in (Status.failed, Status.interrupted, Status.guarded):
        return "io.alchemesh.stack.failed"
    if status in (Status.skipped, Status.cancelled):
        return "io.alchemesh.stack.skipped"
    if status is Status.deferred:
        return None  # nothing was planned: the plan after its producers apply says what it does
    if action is Action.drift:
        return "io.alchemesh.drift.detected" if status is Status.drifted else None
    if action is Action.test:
        return None  # its ports say it
    if status is Status.destroyed or (action is Action.destroy and status is Status.no_changes):
        return "io.alchemesh.stack.destroyed"
    if action is Action.plan or status is Status.changes:
        return "io.alchemesh.stack.planned"
    return "io.alchemesh.stack.applied"  # applied, nothing to apply, or applied with a port failing its test


def _event(kind: str, source: str, subject: str, identity: str, at: dt.datetime, data: dict) -> dict[str, Any]:
    return {"specversion": SPEC_VERSION, "id": str(uuid.uuid5(_NAMESPACE, f"{identity}\n{kind}\n{source}\n{subject}")),
            "source": source, "type": kind, "subject": subject,
            "time": at.astimezone(dt.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "datacontenttype": "application/json", "data": data}


def _stack_data(result: Run, o: Outcome) -> dict[str, Any]:
    return {"command": result.action.value, "environment": result.environment, "stack": o.key,
            "status": o.status.value, "add": o.changes.add, "change": o.changes.change, "destroy": o.changes.destroy,
            "replace": o.changes.replace, "reason": o.reason or None, "error": o.error,
            "terraform": {"name": result.terraform[0], "version": result.terraform[1]},
            **({"dataLoss": [{"port": loss.port, "address": loss.address, "replaced": loss.replaced,
                              "cause": list(loss.cause), "allowed": loss not in o.refused}
                             for loss in o.guarded.losses], "allowedDataLoss": o.allowed}
               if o.guarded.losses else {})}


def _test_data(environment: str, port) -> dict[str, Any]:
    from alchemesh.datatest.result import plain

    checks = [c for c in port.checks if c.status != "skipped"]
    return {"environment": environment, "port": port.port, "contract": port.contract, "status": port.status,
            "checks": len(checks), "failed": sum(1 for c in checks if c.status == "failed"),
            "consumers": list(port.consumers),
            "findings": [{"rule": f.rule, "severity": f.severity.value, "message": f.message, "file": f.file,
                          "line": f.line, "column": f.column,
                          "observed": plain(f.data.observed if f.data else None),
                          "expected": plain(f.data.expected if f.data else None)} for f in port.findings]}


def to_lines(events: list[dict[str, Any]]) -> bytes:
    import json

    return b"".join(json.dumps(e, ensure_ascii=False, sort_keys=True).encode() + b"\n" for e in events)


# --- the published schemas ---------------------------------------------------------------------------------------

_NULLABLE_STRING = {"type": ["string", "null"]}
_COUNT = {"type": "integer", "minimum": 0}
_STACK_DATA = {
    "type": "object", "additionalProperties": False,
    "required": ["command", "environment", "stack", "status", "add", "change", "destroy", "replace", "reason",
                 "error", "terraform"],
    "properties": {
        "command": {"enum": [a.value for a in Action]}, "environment": {"type": "string"},
        "stack": {"type": "string"}, "status": {"enum": [s.value for s in Status]},
        "add": _COUNT, "change": _COUNT, "destroy": _COUNT, "replace": _COUNT,
        "reason": _NULLABLE_STRING, "error": _NULLABLE_STRING,
        "terraform": {"type": "object", "required": ["name", "version"],
                      "properties": {"name": {"type": "string"}, "version": {"type": "string"}}},
        # the plan guard: each port's data the plan destroys, and whether (and why) the run let it go
        "dataLoss": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["port", "address", "replaced", "cause", "allowed"],
            "properties": {"port": {"type": "string", "pattern": "^[^/]+/[^/]+/[^/]+$"}, "address": {"type": "string"},
                           "replaced": {"type": "boolean"}, "cause": {"type": "array", "items": {"type": "string"}},
                           "allowed": {"type": "boolean"}}}},
        "allowedDataLoss": _NULLABLE_STRING,
    },
}
_TEST_DATA = {
    "type": "object", "additionalProperties": False,
    "required": ["environment", "port", "contract", "status", "checks", "failed", "consumers", "findings"],
    "properties": {
        "environment": {"type": "string"}, "port": {"type": "string", "pattern": "^[^/]+/[^/]+/[^/]+$"},
        "contract": {"type": "string"}, "status": {"enum": ["passed", "warned", "failed", "unreachable"]},
        "checks": _COUNT, "failed": _COUNT, "consumers": {"type": "array", "items": {"type": "string"}},
        "findings": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["rule", "severity", "message", "file", "line", "column", "observed", "expected"],
            "properties": {"rule": {"type": "string"}, "severity": {"enum": ["error", "warning", "info"]},
                           "message": {"type": "string"}, "file": {"type": "string"}, "line": _COUNT,
                           "column": _COUNT, "observed": {}, "expected": {}}}},
    },
}


_CONTRACT_DATA = {
    "type": "object", "additionalProperties": False,
    "required": ["contract", "rule", "message", "file", "line", "column", "field", "mode", "consumers", "base"],
    "properties": {"contract": {"type": "string"}, "rule": {"type": "string"}, "message": {"type": "string"},
                   "file": {"type": "string"}, "line": _COUNT, "column": _COUNT, "field": _NULLABLE_STRING,
                   "mode": {"enum": ["consumer", "producer", "full", "none"]},
                   "consumers": {"type": "array", "items": {"type": "string"}}, "base": {"type": "string"}},
}


_SUNSET_DATA = {
    "type": "object", "additionalProperties": False,
    "required": ["rule", "severity", "message", "file", "line", "column", "consumer", "hint"],
    "properties": {"rule": {"enum": list(DUE)},
                   "severity": {"enum": ["error", "warning",
                   "info"]}, "message": {"type": "string"}, "file": {"type": "string"}, "line": _COUNT,
                   "column": _COUNT, "consumer": {"type": "string", "pattern": "^[^/]+/[^/]+$"},
                   "hint": _NULLABLE_STRING},
}


_COMMIT = {"commit": {"type": "string"}, "date": {"type": "string", "format": "date-time"},
           "author": {"type": "string"}, "subject": {"type": "string"}}
_PRODUCT_DATA = {
    "type": "object", "additionalProperties": False, "required": ["product", "status", *_COMMIT],
    "properties": {"product": {"type": "string", "pattern": "^[^/]+/[^/]+$"},
                   "status": {"enum": ["draft", "active", "deprecated", "retired"]}, **_COMMIT},
}
_ACCESS_DATA = {
    "type": "object", "additionalProperties": False,
    "required": ["agreement", "port", "consumer", "status", *_COMMIT],
    "properties": {"agreement": {"type": "string"}, "port": _NULLABLE_STRING, "consumer": _NULLABLE_STRING,
                   "status": {"enum": ["requested", "approved", "rejected", "revoked", None]}, **_COMMIT},
}
_PUBLISHED_DATA: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["contract", "version", "breaking", "changes", *_COMMIT],
    "properties": {"contract": {"type": "string"}, "version": {"type": "string"}, "breaking": {"type": "boolean"},
                   "changes": {"type": "array", "items": {
                       "type": "object", "required": ["rule", "impact", "field", "message"],
                       "properties": {"rule": {"type": "string"}, "impact": {"type": "string"},
                                      "field": _NULLABLE_STRING, "message": {"type": "string"}}}},
                   **{k: {"type": ["string", "null"]} if k != "date" else
                      {"type": ["string", "null"], "format": "date-time"} for k in _COMMIT}},
}


def event_schemas() -> dict[str, dict]:
    """File name → the JSON Schema of each event type: a CloudEvents 1.0 envelope and its `data`."""
    from alchemesh.model.schema_export import SCHEMA_BASE

    out = {}
    for kind in (*TYPES, *SUNSET_TYPES, *FEED_TYPES):
        name = f"{kind}.schema.json"
        data = {"io.alchemesh.contract.published": _PUBLISHED_DATA}.get(kind) or (
            _SUNSET_DATA if kind in SUNSET_TYPES else _ACCESS_DATA if kind in ACCESS_TYPES else
            _PRODUCT_DATA if ".product." in kind else _TEST_DATA if ".test." in kind else
            _CONTRACT_DATA if ".contract." in kind else _STACK_DATA)
        out[name] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": f"{SCHEMA_BASE}events/{name}",
            "title": kind, "type": "object", "additionalProperties": False,
            "required": ["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data"],
            "properties": {
                "specversion": {"const": SPEC_VERSION}, "id": {"type": "string", "format": "uuid"},
                "source": {"type": "string", "pattern": "^/alchemesh/[^/]+/[^/]+$"}, "type": {"const": kind},
                "subject": {"type": "string", "minLength": 1}, "time": {"type": "string", "format": "date-time"},
                "datacontenttype": {"const": "application/json"}, "data": data,
            },
        }
    return out
