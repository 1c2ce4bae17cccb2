"""Shared by sunset-approaching and sunset-passed: every consumer of a dated sunset — a deprecated output port's, or
a contract property's (ODCS `deprecated: true` with a `customProperties` entry `sunset`) — with where to say it:
the consumer's input port, or the line of its SQL (or `uses`) that reads the deprecated field."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from alchemesh.clock import today
from alchemesh.model.contract import field_sunsets
from alchemesh.resolve.usage import covers
from alchemesh.findings import Finding
from alchemesh.validate.rules.base import Context, Rule


@dataclass(frozen=True)
class Due:
    what: str  # what goes: "`sales/orders/orders`", "`orders.status` of sales/orders/orders"
    date: datetime.date
    replaced_by: str | None
    reason: str | None


def sunsets(ctx: Context, rule: Rule, passed: bool) -> Iterator[Finding]:
    """The findings of `rule`: sunsets already past (`passed`), or within the Mesh's warning days."""
    now = today()
    mesh = ctx.index.mesh
    warn = mesh.resource.spec.sunsetWarningDays if mesh else 30
    for edge in ctx.graph.resolved:
        port = ctx.graph.output_port(edge.ref)
        if port is None:
            continue
        dues: list[tuple[Due, Any]] = []  # (what is due, where: a JSON path in the consumer, or a Read)
        if port.sunset is not None:
            dues.append((Due(f"`{edge.ref}`", port.sunset.date, port.sunset.replacedBy, port.sunset.reason),
                         edge.path))
        usage = next((u for u in ctx.usage.of(edge.ref) if u.consumer == edge.consumer_id
                      and u.port == edge.input_port), None)
        for field, due in _field_sunsets(ctx, port.contract, edge):
            if usage is None or usage.unknown is not None:
                dues.append((due, edge.path))  # it may read the field: said at the port
                continue
            read = next((r for r in usage.reads if covers(r.field, field)), None)
            if read is not None:
                dues.append((due, read))
        for due, where in dues:
            days = (due.date - now).days
            if (days < 0) != passed or (not passed and days > warn):
                continue
            when = (f"was sunset on {due.date} ({-days} day{'s' if days != -1 else ''} ago)" if passed else
                    f"is sunset on {due.date} ({days} day{'s' if days != 1 else ''} left)")
            message = (f"input port `{edge.input_port}` reads {due.what}, which {when}"
                       + (f": {due.reason}" if due.reason else ""))
            hint = f"move to `{due.replaced_by}`" if due.replaced_by else "plan the move with the producer"
            if isinstance(where, tuple):
                yield ctx.finding(rule, edge.consumer.doc, where, message, hint=hint, products=(edge.consumer_id,))
            else:
                yield rule.at(message, where.file, where.line, where.column, hint=hint, products=(edge.consumer_id,))


def _field_sunsets(ctx: Context, contract_id: str | None, edge: Any) -> Iterator[tuple[str, Due]]:
    entry = ctx.index.contracts.get(contract_id) if contract_id else None
    for field, date in field_sunsets(entry.resource).items() if entry is not None else ():
        yield field, Due(f"`{field}` of {edge.ref}", date, None, None)
