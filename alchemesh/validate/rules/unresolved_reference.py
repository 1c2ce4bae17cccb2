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

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.hints import did_you_mean
from alchemesh.model.contract import polyseme_path
from alchemesh.model.interface import is_local_source
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    index = ctx.index

    def missing(entry, path, what, name, choices):
        return ctx.finding(RULE, entry.doc, path, f"{what} `{name}` does not exist", hint=did_you_mean(name, choices))

    for entry in index.domains.values():
        spec = entry.resource.spec
        if not index.declares("Team", spec.owner):
            yield missing(entry, ("spec", "owner"), "team", spec.owner, index.teams)
        if spec.parent is not None and not index.declares("Domain", spec.parent):
            yield missing(entry, ("spec", "parent"), "domain", spec.parent, index.domains)
    for entry in index.polysemes.values():
        if not index.declares("Team", entry.resource.spec.owner):
            yield missing(entry, ("spec", "owner"), "team", entry.resource.spec.owner, index.teams)
    for entry in index.products.values():
        spec = entry.resource.spec
        if not index.declares("Domain", spec.domain):
            yield missing(entry, ("spec", "domain"), "domain", spec.domain, index.domains)
        if not index.declares("Team", spec.owner):
            yield missing(entry, ("spec", "owner"), "team", spec.owner, index.teams)
        for i, port in enumerate(spec.outputPorts):
            if port.contract is not None and not index.declares("DataContract", port.contract):
                yield missing(entry, ("spec", "outputPorts", i, "contract"), "contract", port.contract, index.contracts)
    yield from _port_references(ctx)
    if index.mesh is not None:
        yield from _module_folders(ctx)
        for use in index.component_uses:
            if use.component not in index.components:
                yield missing(use.entry, use.path, "component", use.component, index.components)
    for entry in index.contracts.values():
        for prop in entry.resource.walk_properties():
            if prop.polyseme is not None and not index.declares("Polyseme", prop.polyseme):
                yield missing(entry, polyseme_path(prop), "polyseme", prop.polyseme, index.polysemes)


def _module_folders(ctx: Context) -> Iterator[Finding]:
    """A local `source` that is no folder fails at `terraform init`, far from the spec: say so here."""
    root = ctx.index.repo.root
    for name, component in ctx.index.components.items():
        if is_local_source(component.source) and not (root / component.source).is_dir():
            yield ctx.finding(RULE, ctx.index.mesh.doc, ("spec", "components", name, "source"),
                              f"component `{name}`: module folder `{component.source}` does not exist",
                              hint="a local source is a folder relative to the repo root (where alchemesh.yaml is)")


def _port_references(ctx: Context) -> Iterator[Finding]:
    index = ctx.index
    for edge in ctx.graph.edges:
        ref = edge.ref
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
