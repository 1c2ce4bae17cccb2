"""`api/v1/events/`: the mesh's history as a static CloudEvents feed, derived from git, so that a poller can follow
the mesh from a static host with no server.

Events: a data product added, deprecated or retired (its file's status, commit by commit); a contract version
published (a breaking one says which changes, and that its major went up); an access agreement requested,
approved, rejected or revoked (its file, commit by commit); a consumer told of a sunset or of its agreement's end, as
`validate --events` tells it, dated on the day it became true — the Mesh's warning days before the date
(`sunset-approaching`) and the day after it (`sunset-passed`) — once that day has come. Oldest first, in pages of `PAGE`
events as CloudEvents JSON batches (`page-1.json`, …); `index.json` says how many and which is the newest.
Each id is a UUIDv5 of the commit and the event: the same on every build.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

import orjson

from alchemesh.report.events import DUE, due_data
from alchemesh.resolve.access import EXPIRED_HINT, EXPIRING_HINT, Expiry
from alchemesh.resolve.sunsets import Notice
from alchemesh.validate.rules import access_expired, access_expiring, sunset_approaching, sunset_passed
from alchemesh.validate.rules.base import Rule

PAGE = 100
_NAMESPACE = uuid.UUID("9d2b7f4e-1c3a-5e6f-8a0b-2c4d6e8f0a1b")


@dataclass(frozen=True)
class StatusChange:
    """A resource's status at a commit where its file changed (None: the resource is not there)."""

    key: str  # domain/product, or an agreement's name
    status: str | None
    commit: str
    date: str
    author: str
    subject: str


@dataclass(frozen=True)
class Sunsets:
    """The consumers of dated sunsets, and the days that date them."""

    notices: list[Notice]
    warning_days: int
    today: datetime.date


@dataclass(frozen=True)
class Access:
    """The access agreements' history, what each names today, and the ends of those that let a consumer read."""

    changes: list[StatusChange]  # oldest first
    names: dict[str, tuple[str, str]]  # agreement → (port, consumer)
    expiries: list[Expiry]
    warning_days: int
    today: datetime.date


def feed(mesh: str, products: list[StatusChange], contracts: dict[str, tuple], sunsets: Sunsets,
         access: Access) -> dict[str, bytes]:
    """The feed's files; `contracts`: contract id → its versions (`docs.views.VersionView`), newest first."""
    source = f"/alchemesh/{mesh}/catalog"
    events: list[tuple[str, dict[str, Any]]] = []
    before: dict[str, str | None] = {}
    for change in products:  # oldest first
        was = before.get(change.key)
        before[change.key] = change.status
        kind = ("added" if was is None and change.status is not None else
                change.status if change.status in ("deprecated", "retired") and change.status != was else None)
        if kind:
            events.append((change.date, _event(f"io.alchemesh.product.{kind}", source, change.key, change.commit,
                                               change.date, {"product": change.key, "status": change.status,
                                                             **_commit(change)})))
    for contract_id, versions in sorted(contracts.items()):
        for version in reversed(versions):
            if version.version is None or version.commit is None:
                continue  # removed, or not committed yet
            data = {"contract": contract_id, "version": version.version, "breaking": version.breaking,
                    "changes": [{"rule": c.rule, "impact": c.impact, "field": c.field or None, "message": c.message}
                                for c in version.changes if c.impact == "breaking"] if version.breaking else [],
                    "commit": version.commit, "date": version.date, "author": version.author,
                    "subject": version.subject}
            events.append((version.date or "", _event("io.alchemesh.contract.published", source, contract_id,
                                                      version.commit, version.date, data)))
    events += _sunset_events(source, sunsets)
    events += _access_events(source, access)
    events.sort(key=lambda e: (e[0], e[1]["type"], e[1]["subject"]))
    ordered = [e for _, e in events]
    pages = [ordered[i:i + PAGE] for i in range(0, len(ordered), PAGE)] or [[]]
    option = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE
    out = {f"api/v1/events/page-{i}.json": orjson.dumps(page, option=option) for i, page in enumerate(pages, 1)}
    out["api/v1/events/index.json"] = orjson.dumps({
        "mesh": mesh, "events": len(ordered), "pageSize": PAGE, "pages": [f"page-{i}.json" for i in range(1, len(pages) + 1)],
        "newest": f"page-{len(pages)}.json", "contentType": "application/cloudevents-batch+json"}, option=option)
    return out


def _sunset_events(source: str, sunsets: Sunsets) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for notice in sunsets.notices:
        key = f"{notice.input_port}\n{notice.what}\n{notice.date}"
        for rule, day in ((sunset_approaching.RULE, notice.date - datetime.timedelta(days=sunsets.warning_days)),
                          (sunset_passed.RULE, notice.date + datetime.timedelta(days=1))):
            if day <= sunsets.today:
                out.append(_due(source, rule, day, notice.message(day), notice.hint, notice, key))
    return out


def _access_events(source: str, access: Access) -> list[tuple[str, dict[str, Any]]]:
    """An agreement requested, approved, rejected or revoked (an approved one removed is revoked), commit by commit;
    each consumer told of its agreement's end, on the days it became true (as `_sunset_events`)."""
    out = []
    before: dict[str, str | None] = {}
    for change in access.changes:
        was, now = before.get(change.key), change.status
        before[change.key] = now
        kind = now if now in ("requested", "approved", "rejected", "revoked") and now != was else (
            "revoked" if now is None and was == "approved" else None)
        if kind is None:
            continue
        port, consumer = access.names.get(change.key, (None, None))
        data = {"agreement": change.key, "port": port, "consumer": consumer, "status": now, **_commit(change)}
        out.append((change.date, _event(f"io.alchemesh.access.{kind}", source, change.key, change.commit,
                                        change.date, data)))
    for expiry in access.expiries:
        key = f"{expiry.input_port}\n{expiry.agreement}\n{expiry.end}"
        day = expiry.end - datetime.timedelta(days=access.warning_days)
        if day <= access.today:
            out.append(_due(source, access_expiring.RULE, day, expiry.expiring(day), EXPIRING_HINT, expiry, key))
        day = expiry.end + datetime.timedelta(days=1)
        if day <= access.today:
            out.append(_due(source, access_expired.RULE, day, expiry.expired(), EXPIRED_HINT, expiry, key))
    return out


def _due(source: str, rule: Rule, day: datetime.date, message: str, hint: str | None, told: Notice | Expiry,
         key: str) -> tuple[str, dict[str, Any]]:
    """A consumer told of what is due, on the day it became true: the event `validate --events` writes that day."""
    at = f"{day.isoformat()}T00:00:00Z"
    data = due_data(rule.name, rule.severity.value, message, told.file, told.line, told.column, told.consumer, hint)
    return at, _event(DUE[rule.name], source, told.consumer, key, at, data)


def _commit(change: StatusChange) -> dict[str, str]:
    return {"commit": change.commit, "date": change.date, "author": change.author, "subject": change.subject}


def _event(kind: str, source: str, subject: str, identity: str, date: str | None, data: dict) -> dict[str, Any]:
    return {"specversion": "1.0", "id": str(uuid.uuid5(_NAMESPACE, f"{identity}\n{kind}\n{subject}")), "source": source,
            "type": kind, "subject": subject, "time": date, "datacontenttype": "application/json", "data": data}
