"""Who reads what goes on a date: every consumer of a dated sunset — a deprecated output port's, or a contract
property's (ODCS `deprecated: true` with a `customProperties` entry `sunset`) — and where to tell it: its input
port, or the line of its SQL (or `uses`) that reads the deprecated field. `validate` says it on the day it reads
(`sunset-approaching`, `sunset-passed`); the catalog's feed dates it on the days it became true."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from alchemesh.model.contract import field_sunsets
from alchemesh.resolve.graph import Edge, MeshGraph
from alchemesh.resolve.index import MeshIndex
from alchemesh.resolve.usage import Usage, covers

DEFAULT_WARNING_DAYS = 30


@dataclass(frozen=True)
class Notice:
    """One consumer reading something with a sunset date."""

    consumer: str  # domain/product
    input_port: str
    what: str  # "`sales/orders/orders`", "`orders.status` of sales/orders/orders"
    date: datetime.date
    replaced_by: str | None
    reason: str | None
    file: str
    line: int
    column: int
    path: tuple[Any, ...] | None  # in the consumer's spec; None: at the SQL (or `uses`) line that reads it

    def days_left(self, on: datetime.date) -> int:
        return (self.date - on).days

    def message(self, on: datetime.date) -> str:
        days = self.days_left(on)
        when = (f"was sunset on {self.date} ({-days} day{'s' if days != -1 else ''} ago)" if days < 0 else
                f"is sunset on {self.date} ({days} day{'s' if days != 1 else ''} left)")
        return f"input port `{self.input_port}` reads {self.what}, which {when}" + (
            f": {self.reason}" if self.reason else "")

    @property
    def hint(self) -> str:
        return f"move to `{self.replaced_by}`" if self.replaced_by else "plan the move with the producer"


def warning_days(index: MeshIndex) -> int:
    """How many days before a sunset its consumers are told (the Mesh's `sunsetWarningDays`)."""
    return index.mesh.resource.spec.sunsetWarningDays if index.mesh else DEFAULT_WARNING_DAYS


def notices(index: MeshIndex, graph: MeshGraph, usage: Usage) -> list[Notice]:
    """Every consumer of every dated sunset, in the graph's order of input ports."""
    out = []
    for edge in graph.resolved:
        port = graph.output_port(edge.ref)
        if port is None:
            continue
        if port.sunset is not None:
            out.append(_at_port(index, edge, f"`{edge.ref}`", port.sunset.date, port.sunset.replacedBy,
                                port.sunset.reason))
        entry = index.contracts.get(port.contract) if port.contract else None
        if entry is None:
            continue
        reading = next((u for u in usage.of(edge.ref) if u.consumer == edge.consumer_id
                        and u.port == edge.input_port), None)
        for field, date in field_sunsets(entry.resource).items():
            what = f"`{field}` of {edge.ref}"
            if reading is None or reading.unknown is not None:
                out.append(_at_port(index, edge, what, date, None, None))  # it may read the field
                continue
            read = next((r for r in reading.reads if covers(r.field, field)), None)
            if read is not None:
                out.append(Notice(edge.consumer_id, edge.input_port, what, date, None, None, read.file, read.line,
                                  read.column, None))
    return out


def _at_port(index: MeshIndex, edge: Edge, what: str, date: datetime.date, replaced_by: str | None,
             reason: str | None) -> Notice:
    line, column = index.repo.locate(edge.consumer.doc, edge.path, False)
    return Notice(edge.consumer_id, edge.input_port, what, date, replaced_by, reason, edge.consumer.doc.file, line,
                  column, edge.path)
