"""The catalog's view of a validated mesh: one typed record per page, each linking its neighbours.

Every page of the site and every document of its JSON API is rendered from these records, so the two
always agree. URLs are relative to the site root; path segments come from validated names, and
anything else (contract ids) becomes a slug with a digest, so no spec value can leave the site folder.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from alchemesh.resolve.graph import MeshGraph, PortRef, parse_port_ref
from alchemesh.resolve.index import product_id
from alchemesh.model import contract as contract_view
from alchemesh.model.contract import Contract, Property
from alchemesh.validate import Analysis

_SAFE = re.compile(r"[a-z][a-z0-9-]{0,62}")
_DIGESTED = re.compile(r"-[0-9a-f]{10}$")
_ODCS_TEXT = ("purpose", "usage", "limitations")


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


def build_catalog(analysis: Analysis, history: dict[str, tuple[VersionView, ...]] | None = None,
                  recent: tuple[Recent, ...] = (), shallow: bool = False,
                  health: dict[str, tuple[Health, ...]] | None = None,
                  locations: dict[str, tuple[PortLocation, ...]] | None = None) -> Catalog:
    index, graph = analysis.index, analysis.graph
    mesh = index.mesh.resource if index.mesh else None
    ports_of_contract: dict[str, list[Link]] = {}
    owners_of_contract: dict[str, set[str]] = {}
    for entry in index.products.values():
        for port in entry.resource.spec.outputPorts:
            if port.contract:
                ports_of_contract.setdefault(port.contract, []).append(
                    port_link(PortRef(entry.resource.spec.domain, entry.resource.name, port.name)))
                owners_of_contract.setdefault(port.contract, set()).add(entry.resource.spec.owner)
    products = tuple(_product(graph, index.products[pid], health or {}, locations or {})
                     for pid in sorted(index.products))
    contracts = tuple(_contract(cid, index.contracts[cid].file, index.contracts[cid].resource, index.polysemes,
                                tuple(ports_of_contract.get(cid, ())), (history or {}).get(cid, ()),
                                tuple(_owner(index, team) for team in sorted(owners_of_contract.get(cid, ()))))
                      for cid in sorted(index.contracts))
    edges = tuple(sorted({(e.ref.product_id, e.consumer_id) for e in graph.resolved}))
    by_domain: dict[str, list[Link]] = {}
    by_owner: dict[str, list[Link]] = {}
    for product in products:
        by_domain.setdefault(product.domain.id, []).append(product.link)
        by_owner.setdefault(product.owner.id, []).append(product.link)
    return Catalog(
        name=mesh.name if mesh else "mesh",
        description=mesh.metadata.description if mesh else None,
        domains=tuple(_domain(index, name, by_domain.get(name, [])) for name in sorted(index.domains)),
        teams=tuple(_team(index, name, by_owner.get(name, [])) for name in sorted(index.teams)),
        products=products,
        contracts=contracts,
        polysemes=tuple(_polyseme(index, name, contracts, ports_of_contract) for name in sorted(index.polysemes)),
        edges=edges,
        recent=recent,
        shallow=shallow,
    )


def _product(graph: MeshGraph, entry: Any, health: dict[str, tuple[Health, ...]],
             locations: dict[str, tuple[PortLocation, ...]]) -> ProductView:
    product, pid = entry.resource, product_id(entry)
    spec = product.spec
    inputs = []
    for port in spec.inputPorts:
        upstream = None
        if port.source.outputPort:
            ref = parse_port_ref(port.source.outputPort, spec.domain)
            if graph.output_port(ref) is not None:
                upstream = port_link(ref)
        inputs.append(InputView(port.name, port.description, port.component, port.source.system, upstream))
    outputs = []
    for port in spec.outputPorts:
        ref = PortRef(spec.domain, product.name, port.name)
        consumers = tuple(Consumer(product_link(e.consumer_id), e.input_port)
                          for e in sorted(graph.consumers(ref), key=lambda e: (e.consumer_id, e.input_port)))
        outputs.append(PortView(port_link(ref), product_link(pid), port.name, port.description, port.visibility,
                                port.version, port.component, contract_link(port.contract) if port.contract else None,
                                consumers, health.get(str(ref), ()), locations.get(str(ref), ())))
    return ProductView(
        link=product_link(pid), name=product.name, domain=domain_link(spec.domain), owner=team_link(spec.owner),
        description=product.metadata.description, version=spec.version, status=spec.status,
        labels=tuple(sorted(product.metadata.labels.items())), file=entry.file, inputs=tuple(inputs),
        outputs=tuple(outputs), code=tuple(CodeView(c.name, c.component, c.description) for c in spec.code),
        upstream=tuple(product_link(p) for p in sorted(graph.producers_of(pid))),
        downstream=tuple(product_link(p) for p in sorted(graph.consumers_of(pid))),
    )


def _domain(index, name: str, products: list[Link]) -> DomainView:
    domain = index.domains[name].resource
    return DomainView(
        link=domain_link(name), description=domain.metadata.description, type=domain.spec.type,
        owner=team_link(domain.spec.owner),
        parent=domain_link(domain.spec.parent) if domain.spec.parent else None,
        children=tuple(domain_link(n) for n, d in sorted(index.domains.items()) if d.resource.spec.parent == name),
        products=tuple(products),
    )


def _team(index, name: str, products: list[Link]) -> TeamView:
    team = index.teams[name].resource
    return TeamView(
        link=team_link(name), display_name=team.spec.displayName, description=team.metadata.description,
        contacts=tuple((c.type, c.value) for c in team.spec.contacts),
        members=tuple((m.name, m.role) for m in team.spec.members),
        domains=tuple(domain_link(n) for n, d in sorted(index.domains.items()) if d.resource.spec.owner == name),
        products=tuple(products),
        polysemes=tuple(polyseme_link(n) for n, p in sorted(index.polysemes.items()) if p.resource.spec.owner == name),
    )


def _polyseme(index, name: str, contracts: tuple[ContractView, ...], ports_of_contract) -> PolysemeView:
    polyseme = index.polysemes[name].resource
    usages = []
    for contract in contracts:
        for obj in contract.objects:
            for f in obj.fields:
                if f.polyseme is not None and f.polyseme.id == name:
                    producers = {port.id.rsplit("/", 1)[0] for port in ports_of_contract.get(contract.link.id, ())}
                    products = tuple(product_link(pid) for pid in sorted(producers))
                    usages.append(Usage(contract.link, Link(f"{obj.name}.{f.name}", f"{obj.name}.{f.name}",
                                                            f"{contract.link.url}#{f.anchor}"), products))
    return PolysemeView(polyseme_link(name), polyseme.metadata.description, team_link(polyseme.spec.owner),
                        polyseme.spec.identifier.name, polyseme.spec.identifier.logicalType, tuple(usages))


def _owner(index: Any, team: str) -> Owner:
    entry = index.teams.get(team)
    contacts = tuple((c.type, c.value) for c in entry.resource.spec.contacts) if entry else ()
    return Owner(team_link(team), contacts)


def _contract(cid: str, file: str, contract: Contract, polysemes: Any, ports: tuple[Link, ...],
              history: tuple[VersionView, ...], owners: tuple[Owner, ...] = ()) -> ContractView:
    description = contract.description
    texts = ((k, _text(description.get(k))) for k in _ODCS_TEXT) if isinstance(description, dict) else (
        (("description", _text(description)),))
    objects = tuple(ObjectView(o.name, _text(o.physical_name), _text(o.description),
                               tuple(_fields(o.name, o.properties, polysemes, 0)), _quality(o.quality))
                    for o in contract.objects)
    sla = tuple(Sla(_text(s.property) or "", _text(s.value) or "", _text(s.unit), _text(s.element))
                for s in contract.sla)
    return ContractView(contract_link(cid), file, _text(contract.name), contract.version, contract.status,
                        tuple((k, v) for k, v in texts if v), objects, sla, ports, history, owners)


def _fields(object_name: str, properties: tuple[Property, ...], polysemes, depth: int, prefix: str = ""):
    for prop in properties:
        name = f"{prefix}{prop.name}"
        polyseme = polyseme_link(prop.polyseme) if prop.polyseme and prop.polyseme in polysemes else None
        yield FieldView(name, f"field-{segment(object_name)}-{segment(name)}", depth, prop.logical_type,
                        prop.physical_type, prop.required, prop.unique, prop.primary_key,
                        _text(prop.classification), polyseme, _text(prop.description), _quality(prop.quality),
                        tuple(_text(e) or "" for e in prop.examples))
        yield from _fields(object_name, prop.properties, polysemes, depth + 1, f"{name}.")


def _quality(rules: tuple[contract_view.Quality, ...]) -> tuple[Quality, ...]:
    out = []
    for rule in rules:
        conditions = [f"{_words(k)} {_text(v)}" for k, v in rule.conditions]
        conditions += [f"{k}: {_text(v)}" for k, v in rule.arguments]
        out.append(Quality(_text(rule.name) or "rule", _text(rule.description), "; ".join(conditions) or None,
                           _text(rule.query)))
    return tuple(out)


def _words(key: str) -> str:
    """mustBeGreaterThan → must be greater than."""
    return re.sub(r"(?<!^)([A-Z])", r" \1", key).lower()


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, list):
        return ", ".join(_text(v) or "" for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip() or None
