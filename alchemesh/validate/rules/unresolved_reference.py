"""A reference names no existing team, domain, product, port, contract, component or polyseme — or a
component's local module folder that is not there.

Why:
    A dangling reference breaks the graph and the build: a consumer wired to nothing, a product
    owned by nobody, a port without its contract.

Example:
    kind: DataProduct
    metadata: {name: orders}
    spec:
      domain: sale               # no Domain `sale` (did you mean `sales`?)

Fix:
    Correct the name (see the hint), or add the missing resource.
"""

from alchemesh.load.repo import Entry
from typing import Any
from collections.abc import Callable, Iterable, Iterator

from alchemesh.findings import Finding, JsonPath, Severity
from alchemesh.hints import did_you_mean
from alchemesh.model.contract import polyseme_path
from alchemesh.model.interface import is_local_source
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    index = ctx.index

    def missing(entry: Entry[Any], path: JsonPath, what: str, name: str, choices: Iterable[str]) -> Finding:
        return ctx.finding(RULE, entry.doc, path, f"{what} `{name}` does not exist", hint=did_you_mean(name, choices))

    for domain in index.domains.values():
        owner, parent = domain.resource.spec.owner, domain.resource.spec.parent
        if not index.declares("Team", owner):
            yield missing(domain, ("spec", "owner"), "team", owner, index.teams)
        if parent is not None and not index.declares("Domain", parent):
            yield missing(domain, ("spec", "parent"), "domain", parent, index.domains)
    for polyseme in index.polysemes.values():
        if not index.declares("Team", polyseme.resource.spec.owner):
            yield missing(polyseme, ("spec", "owner"), "team", polyseme.resource.spec.owner, index.teams)
    for product in index.products.values():
        spec = product.resource.spec
        if not index.declares("Domain", spec.domain):
            yield missing(product, ("spec", "domain"), "domain", spec.domain, index.domains)
        if not index.declares("Team", spec.owner):
            yield missing(product, ("spec", "owner"), "team", spec.owner, index.teams)
        for i, port in enumerate(spec.outputPorts):
            if port.contract is not None and not index.declares("DataContract", port.contract):
                yield missing(product, ("spec", "outputPorts", i, "contract"), "contract", port.contract, index.contracts)
    yield from _port_references(ctx)
    yield from _agreement_references(ctx, missing)
    if index.mesh is not None:
        yield from _module_folders(ctx)
        for use in index.component_uses:
            if use.component not in index.components:
                yield missing(use.entry, use.path, "component", use.component, index.components)
    for contract in index.contracts.values():
        for prop in contract.resource.walk_properties():
            if prop.polyseme is not None and not index.declares("Polyseme", prop.polyseme):
                yield missing(contract, polyseme_path(prop), "polyseme", prop.polyseme, index.polysemes)


def _module_folders(ctx: Context) -> Iterator[Finding]:
    """A local `source` that is no folder fails at `terraform init`, far from the spec: say so here."""
    root, mesh = ctx.index.repo.root, ctx.index.mesh
    if mesh is None:
        return
    for name, component in ctx.index.components.items():
        if is_local_source(component.source) and not (root / component.source).is_dir():
            yield ctx.finding(RULE, mesh.doc, ("spec", "components", name, "source"),
                              f"component `{name}`: module folder `{component.source}` does not exist",
                              hint="a local source is a folder relative to the repo root (where alchemesh.yaml is)")


def _agreement_references(ctx: Context, missing: Callable[..., Finding]) -> Iterator[Finding]:
    """An agreement's provider port, and its consumer product (and input port) or team."""
    index = ctx.index
    for agreement in index.agreements.values():
        spec = agreement.resource.spec
        port = spec.provider.outputPort
        product, _, name = port.rpartition("/")
        if not index.declares("DataProduct", product) or name not in index.declared_ports(product):
            choices = [f"{p}/{n}" for p, ports in index.declared.get("DataProduct", {}).items() for n in ports]
            yield missing(agreement, ("spec", "provider", "outputPort"), "output port", port, choices)
        consumer = spec.consumer
        if consumer.product is not None and not index.declares("DataProduct", consumer.product):
            yield missing(agreement, ("spec", "consumer", "product"), "data product", consumer.product,
                          index.declared.get("DataProduct", {}))
        elif consumer.product is not None and consumer.inputPort is not None:
            entry = index.products.get(consumer.product)
            names = [p.name for p in entry.resource.spec.inputPorts] if entry is not None else []
            if entry is not None and consumer.inputPort not in names:
                yield missing(agreement, ("spec", "consumer", "inputPort"), f"input port of {consumer.product}",
                              consumer.inputPort, names)
        if consumer.team is not None and not index.declares("Team", consumer.team):
            yield missing(agreement, ("spec", "consumer", "team"), "team", consumer.team, index.teams)


def _port_references(ctx: Context) -> Iterator[Finding]:
    index = ctx.index
    for edge in ctx.graph.edges:
        ref = edge.ref
        choices: Iterable[str]
        if not index.declares("Domain", ref.domain):
            what, name, choices = "domain", ref.domain, index.domains
        elif not index.declares("DataProduct", ref.product_id):
            same_domain = [p for p in index.declared.get("DataProduct", {}) if p.startswith(ref.domain + "/")]
            what, name, choices = "data product", ref.product_id, same_domain
        elif ref.port not in index.declared_ports(ref.product_id):
            what, name = "output port", str(ref)
            choices = [f"{ref.product_id}/{p}" for p in index.declared_ports(ref.product_id)]
        else:
            continue
        message = f"{what} `{name}` does not exist"
        yield ctx.finding(RULE, edge.consumer.doc, edge.path, message, hint=did_you_mean(name, choices))


RULE = Rule("unresolved-reference", Severity.ERROR, __doc__, check)
