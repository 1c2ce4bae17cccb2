"""Who may read a port: `open` ports, every consumer the graph has; `agreement` and `restricted` ports, the consumers
an approved AccessAgreement covers on the day (a `restricted` one approved by one of the port's approvers). The
same answer makes the validation's findings and the port component's grants (`consumers`)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from alchemesh.load.repo import Entry
from alchemesh.model.resources import AccessAgreement, OutputPort
from alchemesh.resolve.graph import Edge, MeshGraph, PortRef
from alchemesh.resolve.index import MeshIndex

DEFAULT_WARNING_DAYS = 30
EXPIRING_HINT = "renew the agreement in review, or plan the move"
EXPIRED_HINT = "renew the agreement in review, or remove the input port"


@dataclass(frozen=True)
class Standing:
    """Where one consumer's input port stands with a port that needs an agreement, on a day."""

    edge: Edge
    port: OutputPort
    granted: Entry[AccessAgreement] | None  # the agreement that lets it read today
    ended: Entry[AccessAgreement] | None  # else the approved one that ended last
    why: str  # when nothing lets it read: what the agreements it has say


@dataclass(frozen=True)
class Expiry:
    """An input port reading under an agreement that ends: what the consumer is told, and where."""

    consumer: str
    input_port: str
    port: str  # domain/product/port
    agreement: str
    end: datetime.date
    file: str
    line: int
    column: int
    path: tuple[Any, ...]

    def expiring(self, on: datetime.date) -> str:
        days = (self.end - on).days
        return (f"input port `{self.input_port}` reads `{self.port}` under agreement `{self.agreement}`, which ends "
                f"on {self.end} ({days} day{'s' if days != 1 else ''} left)")

    def expired(self) -> str:
        return (f"input port `{self.input_port}` reads `{self.port}`, but its agreement `{self.agreement}` ended "
                f"on {self.end}: the next apply revokes its access")


def expiries(index: MeshIndex, graph: MeshGraph, on: datetime.date) -> list[tuple[Expiry, bool]]:
    """Each input port whose access ends: (the expiry, whether it has ended by `on`); one that reads under a later
    agreement is not among them."""
    out = []
    for standing in standings(index, graph, on):
        agreement = standing.granted or standing.ended
        end = agreement.resource.spec.end if agreement is not None else None
        if agreement is None or end is None:
            continue
        edge = standing.edge
        if standing.granted is not None and standing_of(index, edge, standing.port,
                                                        end + datetime.timedelta(days=1)).granted is not None:
            continue  # renewed: another agreement takes over the day after
        line, column = index.repo.locate(edge.consumer.doc, edge.path, False)
        out.append((Expiry(edge.consumer_id, edge.input_port, str(edge.ref), agreement.resource.name, end,
                           edge.consumer.doc.file, line, column, edge.path), standing.granted is None))
    return out


def needs_agreement(port: OutputPort) -> bool:
    return port.access != "open"


def warning_days(index: MeshIndex) -> int:
    return index.mesh.resource.spec.accessWarningDays if index.mesh else DEFAULT_WARNING_DAYS


def agreements_of(index: MeshIndex, ref: PortRef | str) -> list[Entry[AccessAgreement]]:
    """The agreements naming an output port as their provider, by name."""
    return index.agreements_by_port.get(str(ref), [])


def covers(agreement: AccessAgreement, edge: Edge) -> bool:
    consumer = agreement.spec.consumer
    return consumer.product == edge.consumer_id and consumer.inputPort in (None, edge.input_port)


def approved_by_approver(agreement: AccessAgreement, port: OutputPort) -> bool:
    return port.access != "restricted" or bool(set(agreement.spec.approvedBy) & set(port.approvers))


def standings(index: MeshIndex, graph: MeshGraph, on: datetime.date) -> list[Standing]:
    """Every input port reading a port that needs an agreement, and what lets it read (or why nothing does)."""
    out = []
    for edge in graph.resolved:
        port = graph.output_port(edge.ref)
        if port is not None and needs_agreement(port):
            out.append(standing_of(index, edge, port, on))
    return out


def standing_of(index: MeshIndex, edge: Edge, port: OutputPort, on: datetime.date) -> Standing:
    """Where one input port stands with the port it reads, which needs an agreement, on a day."""
    mine = [a for a in agreements_of(index, edge.ref) if covers(a.resource, edge)]
    approved = [a for a in mine if a.resource.spec.status == "approved" and approved_by_approver(a.resource, port)]
    granted = next((a for a in approved if a.resource.spec.runs_on(on)), None)
    ended = max((a for a in approved if a.resource.spec.end is not None and a.resource.spec.end < on),
                key=lambda a: a.resource.spec.end or on, default=None)
    return Standing(edge, port, granted, None if granted else ended, _why(mine, approved, port, on))


def _why(mine: list[Entry[AccessAgreement]], approved: list[Entry[AccessAgreement]], port: OutputPort,
         on: datetime.date) -> str:
    if not mine:
        return "no agreement names it"
    later = [a for a in approved if a.resource.spec.start is not None and a.resource.spec.start > on]
    if later:
        return f"its agreement `{later[0].resource.name}` starts on {later[0].resource.spec.start}"
    if port.access == "restricted" and any(a.resource.spec.status == "approved" for a in mine) and not approved:
        return f"its agreement is not approved by one of the port's approvers ({', '.join(port.approvers) or 'none'})"
    statuses = sorted({a.resource.spec.status for a in mine})
    return f"its agreement is {' or '.join(statuses)}"


def may_read(index: MeshIndex, graph: MeshGraph, edge: Edge, on: datetime.date) -> bool:
    """Whether an input port may read its port on a day: always an `open` one; another, while an approved agreement
    in its window covers it."""
    port = graph.output_port(edge.ref)
    return port is None or not needs_agreement(port) or standing_of(index, edge, port, on).granted is not None


def granted_consumers(index: MeshIndex, graph: MeshGraph, ref: PortRef, on: datetime.date) -> list[str]:
    """The products a port grants read access to on a day (its `consumers`)."""
    return sorted({e.consumer_id for e in graph.consumers(ref) if may_read(index, graph, e, on)})


def reads(index: MeshIndex, graph: MeshGraph, on: datetime.date) -> list[Edge]:
    """The input ports that may read their port on a day."""
    return [edge for edge in graph.resolved if may_read(index, graph, edge, on)]
