"""The records the catalog is made of: one per page, each linking its neighbours, and the links themselves.

Every page of the site and every document of its JSON API is rendered from these records, so the two always agree.
URLs are relative to the site root; path segments come from validated names, and anything else (contract ids) becomes
a slug with a digest, so no spec value can leave the site folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from alchemesh.resolve.graph import PortRef

_SAFE = re.compile(r"[a-z][a-z0-9-]{0,62}")
_DIGESTED = re.compile(r"-[0-9a-f]{10}$")


@dataclass(frozen=True)
class Link:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Quality:
    name: str
    description: str | None
    condition: str | None
    query: str | None


@dataclass(frozen=True)
class FieldView:
    name: str  # dotted path within its object
    anchor: str
    depth: int
    logical_type: str | None
    physical_type: str | None
    required: bool
    unique: bool
    primary_key: bool
    classification: str | None
    polyseme: Link | None
    description: str | None
    quality: tuple[Quality, ...]
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class ObjectView:
    name: str
    physical_name: str | None
    description: str | None
    fields: tuple[FieldView, ...]
    quality: tuple[Quality, ...]


@dataclass(frozen=True)
class Sla:
    property: str
    value: str
    unit: str | None
    element: str | None


@dataclass(frozen=True)
class Change:
    rule: str
    impact: str
    field: str
    message: str


@dataclass(frozen=True)
class VersionView:
    version: str | None  # None: removed
    commit: str | None  # short sha; None: not committed yet
    date: str | None
    author: str | None
    subject: str | None
    breaking: bool
    changes: tuple[Change, ...]


@dataclass(frozen=True)
class ContractView:
    link: Link
    file: str
    name: str | None
    version: str
    status: str | None
    description: tuple[tuple[str, str], ...]  # (purpose | usage | limitations | description, text)
    objects: tuple[ObjectView, ...]
    sla: tuple[Sla, ...]
    ports: tuple[Link, ...]
    history: tuple[VersionView, ...] = ()
    owners: tuple[Owner, ...] = ()  # the teams of the products serving it: whom a consumer asks


@dataclass(frozen=True)
class Owner:
    team: Link
    contacts: tuple[tuple[str, str], ...]  # (type, value) as the Team lists them


@dataclass(frozen=True)
class Consumer:
    product: Link
    input_port: str
    fields: tuple[str, ...] = ()  # what it reads of the port (declared or inferred)
    unknown: str | None = None  # why what it reads cannot be told: it may read every field


@dataclass(frozen=True)
class FieldUse:
    """One field of a port's contract and who reads it; the unknown consumers may."""

    field: str
    readers: tuple[Consumer, ...]
    unknown: tuple[Consumer, ...] = ()
    sunset: str | None = None  # the date a deprecated field goes (its contract says)


@dataclass(frozen=True)
class SunsetView:
    date: str
    replaced_by: str | None
    reason: str | None


@dataclass(frozen=True)
class AgreementView:
    """An access agreement on a port, as the catalog shows it: who, for what, until when."""

    name: str
    consumer: str  # domain/product (its input port), team or user
    consumer_link: Link | None  # the product's page, for a product consumer
    purpose: str
    status: str
    start: str | None
    end: str | None
    approved_by: tuple[str, ...]
    file: str


@dataclass(frozen=True)
class FailedCheck:
    rule: str
    label: str
    message: str
    where: str  # file:line:col of the contract node
    observed: Any
    expected: Any


@dataclass(frozen=True)
class Health:
    """A port's last data test in one environment (`alchemesh test`)."""

    environment: str
    status: str  # passed | warned | failed | unreachable
    tested_at: str
    checks: int
    failing: tuple[FailedCheck, ...]
    freshness: tuple[tuple[str, str, Any, Any], ...]  # (check, status, observed, expected) of the freshness SLA
    message: str | None = None  # why it was unreachable


@dataclass(frozen=True)
class PortLocation:
    """Where a port's data is in one environment, as the last apply there read it, and how to read it."""

    environment: str
    engine: str | None  # the component's `engine`: how alchemesh test, and a consumer, read the data
    location: str
    reading: str  # a command to paste: the first rows of the port's first table


@dataclass(frozen=True)
class PortView:
    link: Link
    product: Link
    name: str
    description: str | None
    visibility: str
    version: int
    component: str
    contract: Link | None
    consumers: tuple[Consumer, ...]
    health: tuple[Health, ...] = ()  # per environment tested, in the Mesh's order
    locations: tuple[PortLocation, ...] = ()  # per environment applied here, in the Mesh's order
    status: str | None = None  # deprecated, or None
    sunset: SunsetView | None = None
    fields: tuple[FieldUse, ...] = ()  # the contract's fields, each with who reads it
    access: str = "open"  # open | agreement | restricted
    agreements: tuple[AgreementView, ...] = ()  # those naming the port, by name


@dataclass(frozen=True)
class InputView:
    name: str
    description: str | None
    component: str
    system: str | None
    upstream: Link | None  # the producer's output port


@dataclass(frozen=True)
class CodeView:
    name: str
    component: str
    description: str | None


@dataclass(frozen=True)
class ProductView:
    link: Link
    name: str
    domain: Link
    owner: Link
    description: str | None
    version: str
    status: str
    labels: tuple[tuple[str, str], ...]
    file: str
    inputs: tuple[InputView, ...]
    outputs: tuple[PortView, ...]
    code: tuple[CodeView, ...]
    upstream: tuple[Link, ...]  # direct producers
    downstream: tuple[Link, ...]  # direct consumers

    @property
    def health(self) -> str | None:
        """The worst last test result of its ports in any environment; None when none was tested."""
        seen = {h.status for port in self.outputs for h in port.health}
        return next((s for s in ("unreachable", "failed", "warned", "passed") if s in seen), None)


@dataclass(frozen=True)
class DomainView:
    link: Link
    description: str | None
    type: str
    owner: Link
    parent: Link | None
    children: tuple[Link, ...]
    products: tuple[Link, ...]


@dataclass(frozen=True)
class TeamView:
    link: Link
    display_name: str | None
    description: str | None
    contacts: tuple[tuple[str, str], ...]
    members: tuple[tuple[str, str | None], ...]
    domains: tuple[Link, ...]
    products: tuple[Link, ...]
    polysemes: tuple[Link, ...]


@dataclass(frozen=True)
class Usage:
    contract: Link
    field: Link  # the field's row on the contract page
    products: tuple[Link, ...]


@dataclass(frozen=True)
class PolysemeView:
    link: Link
    description: str | None
    owner: Link
    identifier: str
    identifier_type: str
    usages: tuple[Usage, ...]


@dataclass(frozen=True)
class Recent:
    product: Link
    date: str
    subject: str


@dataclass(frozen=True)
class Catalog:
    name: str
    description: str | None
    domains: tuple[DomainView, ...]
    teams: tuple[TeamView, ...]
    products: tuple[ProductView, ...]
    contracts: tuple[ContractView, ...]
    polysemes: tuple[PolysemeView, ...]
    edges: tuple[tuple[str, str], ...]  # (producer, consumer) product ids
    recent: tuple[Recent, ...] = ()
    shallow: bool = False  # built from a shallow clone: each history starts at the oldest commit fetched

    @property
    def ports(self) -> list[PortView]:
        return [port for product in self.products for port in product.outputs]

    @property
    def migrations(self) -> list[Migration]:
        """Every dated sunset, soonest first: ports, then fields, each with who still reads it."""
        out = [Migration(port, None, port.sunset.date, port.sunset.replaced_by, port.sunset.reason,
                         tuple(c for c in port.consumers if not c.unknown),
                         tuple(c for c in port.consumers if c.unknown)) for port in self.ports if port.sunset]
        out += [Migration(port, f.field, f.sunset, None, None, f.readers, f.unknown)
                for port in self.ports for f in port.fields if f.sunset]
        return sorted(out, key=lambda m: (m.date, m.port.link.id, m.field or ""))


@dataclass(frozen=True)
class Migration:
    """A port or field that goes on a date, and who still reads it (the unknown consumers may)."""

    port: PortView
    field: str | None
    date: str
    replaced_by: str | None
    reason: str | None
    readers: tuple[Consumer, ...]
    unknown: tuple[Consumer, ...]


def segment(name: str) -> str:
    """A path segment: the name itself when it is a valid alchemesh name, else a slug and a digest. A name
    that looks like a slug and a digest is digested too, so no two names ever share a segment."""
    if _SAFE.fullmatch(name) and not _DIGESTED.search(name):
        return name
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40] or "x"
    return f"{slug}-{hashlib.sha256(name.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}"


def domain_link(name: str) -> Link:
    return Link(name, name, f"domains/{segment(name)}.html")


def team_link(name: str) -> Link:
    return Link(name, name, f"teams/{segment(name)}.html")


def product_link(pid: str) -> Link:
    domain, name = pid.split("/", 1)
    return Link(pid, pid, f"products/{segment(domain)}/{segment(name)}.html")


def port_link(ref: PortRef) -> Link:
    return Link(str(ref), str(ref), f"ports/{segment(ref.domain)}/{segment(ref.product)}/{segment(ref.port)}.html")


def contract_link(contract_id: str) -> Link:
    return Link(contract_id, contract_id, f"contracts/{segment(contract_id)}.html")


def polyseme_link(name: str) -> Link:
    return Link(name, name, f"polysemes/{segment(name)}.html")
