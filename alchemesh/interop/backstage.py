"""`alchemesh export backstage`: the mesh as Backstage catalog entities of the built-in kinds only — no processor to
install — with every edge of the product graph as a built-in relation.

Domain → `Domain` (`subdomainOf` its parent); Team → `Group` (its members `User`s); DataProduct → `System` in its
domain; output port → `API` of `type: dataset`, its ODCS contract as `definition`; code entry → `Component` that
`providesApis` the product's ports and `consumesApis` the ports its input ports read (one under an agreement while an
approved agreement in its window lets it); infrastructure entry →
`Resource`, which the components of the products it serves `dependsOn`. Names are made of what Backstage allows.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml

from alchemesh.resolve.graph import PortRef

if TYPE_CHECKING:
    from alchemesh.validate import Analysis
    from alchemesh.model.resources import CodeEntry

API_VERSION = "backstage.io/v1alpha1"
_LIFECYCLE = {"draft": "experimental", "active": "production", "deprecated": "deprecated", "retired": "deprecated"}


def name(*parts: str) -> str:
    """A Backstage entity name: `[a-z0-9A-Z]` runs joined by `-`, `_` or `.`, at most 63 characters."""
    text = re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(parts)).strip("-_.")
    text = re.sub(r"[-_.]{2,}", "-", text)[:63].rstrip("-_.")
    return text or "x"


def export(analysis: Analysis, site_url: str | None = None, version: str | None = None) -> dict[str, bytes]:
    """`catalog-info.yaml`: every entity, one YAML document each, in a stable order."""
    index, graph, repo = analysis.index, analysis.graph, analysis.repo
    entities: list[dict[str, Any]] = []

    def entity(kind: str, entity_name: str, spec: dict, description: str | None = None, links=(),
               annotations: dict | None = None) -> None:
        metadata: dict[str, Any] = {"name": entity_name}
        if description:
            metadata["description"] = description
        if annotations:
            metadata["annotations"] = annotations
        if links:
            metadata["links"] = list(links)
        entities.append({"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec})

    def page(path: str, title: str) -> list[dict]:
        return [{"url": f"{site_url.rstrip('/')}/{path}", "title": title}] if site_url else []

    for team_name, entry in sorted(index.teams.items()):
        team = entry.resource
        members = [name(m.name) for m in team.spec.members]
        entity("Group", name(team_name), {"type": "team", "profile": {"displayName": team.spec.displayName or team_name,
                                                                      **_email(team.spec.contacts)},
                                          "children": [], "members": members},
               team.metadata.description, page(f"teams/{team_name}.html", "Team in the mesh catalog"))
    users: dict[str, list[str]] = {}
    for team_name, entry in sorted(index.teams.items()):
        for member in entry.resource.spec.members:
            users.setdefault(name(member.name), []).append(name(team_name))
    for user, groups in sorted(users.items()):
        entity("User", user, {"memberOf": sorted(set(groups))})
    for domain_name, domain_entry in sorted(index.domains.items()):
        domain = domain_entry.resource
        domain_spec = {"owner": f"group:{name(domain.spec.owner)}"}
        if domain.spec.parent:
            domain_spec["subdomainOf"] = name(domain.spec.parent)
        entity("Domain", name(domain_name), domain_spec, domain.metadata.description,
               page(f"domains/{domain_name}.html", "Domain in the mesh catalog"))

    resources: dict[str, list[str]] = {"": []}  # domain ("" the mesh's) → its infrastructure resources
    mesh = index.mesh.resource if index.mesh else None
    # the mesh's own infrastructure has no Team of the specs: a Group of its own owns it (a Team of that name is it)
    platform = name(mesh.name, "platform") if mesh else "platform"
    if mesh and mesh.spec.infrastructure and platform not in {name(t) for t in index.teams}:
        entity("Group", platform, {"type": "team", "profile": {"displayName": f"{mesh.name} platform"},
                                   "children": [], "members": []}, "Owns the mesh-wide infrastructure of `alchemesh.yaml`.")
    for where, entries, owner in ([("", mesh.spec.infrastructure, None)] if mesh else []) + [
            (d, e.resource.spec.infrastructure, e.resource.spec.owner) for d, e in sorted(index.domains.items())]:
        for item in entries:
            resource_name = name(where or "mesh", item.name)
            resources.setdefault(where, []).append(resource_name)
            resource: dict[str, Any] = {"type": item.component, "owner": f"group:{name(owner or platform)}"}
            if where:
                resource["dependsOn"] = [f"resource:{r}" for r in resources[""]]
            entity("Resource", resource_name, resource)

    from alchemesh.clock import today
    from alchemesh.resolve.access import reads as granted

    reads: dict[str, list] = {}
    for edge in granted(index, graph, today()):  # a port read under an agreement: while one lets it
        reads.setdefault(edge.consumer_id, []).append(edge)

    def api_name(ref) -> str:
        return name(ref.domain, ref.product, ref.port)

    for key, product_entry in sorted(index.products.items()):
        product, spec = product_entry.resource, product_entry.resource.spec
        system = name(spec.domain, product.name)
        owner = f"group:{name(spec.owner)}"
        lifecycle = _LIFECYCLE.get(spec.status, "production")
        entity("System", system, {"owner": owner, "domain": name(spec.domain)}, product.metadata.description,
               page(f"products/{spec.domain}/{product.name}.html", "Data product in the mesh catalog"))
        provided = []
        for port in spec.outputPorts:
            ref = PortRef(spec.domain, product.name, port.name)
            contract = index.contracts.get(port.contract) if port.contract else None
            definition = _contract_text(repo, contract) if contract else "# this port names no contract\n"
            entity("API", api_name(ref), {"type": "dataset", "lifecycle": lifecycle, "owner": owner, "system": system,
                                          "definition": definition}, port.description,
                   page(f"ports/{spec.domain}/{product.name}/{port.name}.html", "Output port in the mesh catalog"),
                   {"alchemesh.io/contract": port.contract} if port.contract else None)
            provided.append(f"api:{api_name(ref)}")
        consumed = sorted({f"api:{api_name(e.ref)}" for e in reads.get(key, ())})
        depends = [f"resource:{r}" for r in resources[""] + resources.get(spec.domain, [])]
        codes: list[CodeEntry | None] = list(spec.code) if spec.code else [None]
        for code in codes:
            component = {"type": "data-pipeline", "lifecycle": lifecycle, "owner": owner, "system": system,
                         "providesApis": provided, "consumesApis": consumed}
            if depends:
                component["dependsOn"] = depends
            entity("Component", name(spec.domain, product.name, code.name if code else "code"), component,
                   f"`{code.component}` of {key}" if code else f"The code of {key}")
    dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: ten times faster
    return {"catalog-info.yaml": b"".join(
        b"---\n" + yaml.dump(e, Dumper=dumper, sort_keys=False, allow_unicode=True, width=120).encode()
        for e in entities)}


def _email(contacts) -> dict:
    emails = [c.value for c in contacts if c.type == "email"]
    return {"email": emails[0]} if emails else {}


def _contract_text(repo, contract_entry) -> str:
    from alchemesh.repofiles import read_repo_file

    return read_repo_file(repo.root, contract_entry.file).decode("utf-8")
