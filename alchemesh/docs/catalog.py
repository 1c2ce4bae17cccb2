"""The catalog of a validated mesh: the records of `views`, made from the analysis and what `gather` found."""

from __future__ import annotations

import re
from typing import Any

from alchemesh.resolve.graph import MeshGraph, PortRef, parse_port_ref
from alchemesh.resolve.index import product_id
from alchemesh.resolve.usage import Usage as FieldUsage, port_readers
from alchemesh.model.contract import field_sunsets
from alchemesh.model import contract as contract_view
from alchemesh.model.contract import Contract, Property
from alchemesh.validate import Analysis
from alchemesh.docs.views import (AgreementView, Catalog, CodeView, Consumer, ContractView, DomainView, FieldUse,
                                FieldView, Health, InputView, Link, ObjectView, Owner, PolysemeView, PortLocation, PortView, SunsetView,
                                ProductView, Quality, Recent, Sla, TeamView, Usage, VersionView, contract_link,
                                domain_link, polyseme_link, port_link, product_link, segment, team_link)

_ODCS_TEXT = ("purpose", "usage", "limitations")


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
    products = tuple(_product(graph, analysis.usage, index.products[pid], health or {}, locations or {})
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


def _product(graph: MeshGraph, usage_of: FieldUsage, entry: Any, health: dict[str, tuple[Health, ...]],
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
        readers = port_readers(graph.index, graph, usage_of, ref)
        usage = {(u.consumer, u.port): u for u in readers.consumers}
        consumers = tuple(_consumer(usage, e.consumer_id, e.input_port)
                          for e in sorted(graph.consumers(ref), key=lambda e: (e.consumer_id, e.input_port)))
        sunsets = _field_sunsets(graph, port.contract)
        fields = tuple(FieldUse(f.field,
                                tuple(_consumer(usage, r.usage.consumer, r.usage.port) for r in f.readers if r.read),
                                tuple(_consumer(usage, r.usage.consumer, r.usage.port) for r in f.readers if not r.read),
                                sunsets.get(f.field))
                       for f in readers.fields)
        sunset = SunsetView(port.sunset.date.isoformat(), port.sunset.replacedBy, port.sunset.reason) \
            if port.sunset else None
        outputs.append(PortView(port_link(ref), product_link(pid), port.name, port.description, port.visibility,
                                port.version, port.component, contract_link(port.contract) if port.contract else None,
                                consumers, health.get(str(ref), ()), locations.get(str(ref), ()), port.status, sunset,
                                fields, port.access, _agreements(graph, ref)))
    return ProductView(
        link=product_link(pid), name=product.name, domain=domain_link(spec.domain), owner=team_link(spec.owner),
        description=product.metadata.description, version=spec.version, status=spec.status,
        labels=tuple(sorted(product.metadata.labels.items())), file=entry.file, inputs=tuple(inputs),
        outputs=tuple(outputs), code=tuple(CodeView(c.name, c.component, c.description) for c in spec.code),
        upstream=tuple(product_link(p) for p in sorted(graph.producers_of(pid))),
        downstream=tuple(product_link(p) for p in sorted(graph.consumers_of(pid))),
    )


def _agreements(graph: MeshGraph, ref: PortRef) -> tuple[AgreementView, ...]:
    from alchemesh.resolve.access import agreements_of

    out = []
    for entry in agreements_of(graph.index, ref):
        spec = entry.resource.spec
        who = spec.consumer
        consumer = who.label + (f" ({who.inputPort})" if who.inputPort else "")
        out.append(AgreementView(entry.resource.name, consumer, product_link(who.product) if who.product else None,
                                 spec.purpose, spec.status, spec.start.isoformat() if spec.start else None,
                                 spec.end.isoformat() if spec.end else None, tuple(spec.approvedBy), entry.file))
    return tuple(out)


def _field_sunsets(graph: MeshGraph, contract_id: str | None) -> dict[str, str]:
    entry = graph.index.contracts.get(contract_id) if contract_id else None
    return {f: date.isoformat() for f, date in field_sunsets(entry.resource).items()} if entry is not None else {}


def _consumer(usage: dict[tuple[str, str], Any], product: str, input_port: str) -> Consumer:
    found = usage.get((product, input_port))
    return Consumer(product_link(product), input_port, found.fields if found else (), found.unknown if found else None)


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
