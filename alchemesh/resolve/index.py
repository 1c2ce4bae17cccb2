"""Name → resource lookups over a loaded repo: what every reference is resolved against."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Generic, TypeVar

from alchemesh.load.repo import Entry, MeshRepo
from alchemesh.model.contract import Contract
from alchemesh.model.resources import AccessAgreement, Component, DataProduct, Domain, Mesh, Polyseme, Team

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Duplicate(Generic[T]):
    kind: str
    key: str
    first: Entry[T]
    again: Entry[T]


@dataclass(frozen=True)
class MeshIndex:
    repo: MeshRepo
    mesh: Entry[Mesh] | None
    components: dict[str, Component]
    teams: dict[str, Entry[Team]]
    domains: dict[str, Entry[Domain]]
    polysemes: dict[str, Entry[Polyseme]]
    products: dict[str, Entry[DataProduct]]  # "domain/product"
    contracts: dict[str, Entry[Contract]]  # ODCS id
    duplicates: list[Duplicate[Any]] = field(default_factory=list)
    declared: dict[str, dict[str, frozenset[str]]] = field(default_factory=dict)
    agreements: dict[str, Entry[AccessAgreement]] = field(default_factory=dict)

    def declares(self, kind: str, key: str) -> bool:
        """Whether any document declares this resource, valid or not: a resource with schema findings
        still exists, so references to it are not reported as unresolved too."""
        return key in self.declared.get(kind, {})

    def declared_ports(self, product: str) -> frozenset[str]:
        return self.declared.get("DataProduct", {}).get(product, frozenset())

    @cached_property
    def component_uses(self) -> list[ComponentUse]:
        return _component_uses(self)

    @cached_property
    def agreements_by_port(self) -> dict[str, list[Entry[AccessAgreement]]]:
        """domain/product/port → the agreements naming it as their provider, by name."""
        out: dict[str, list[Entry[AccessAgreement]]] = {}
        for _, entry in sorted(self.agreements.items()):
            out.setdefault(entry.resource.spec.provider.outputPort, []).append(entry)
        return out


def product_id(entry: Entry[DataProduct]) -> str:
    return f"{entry.resource.spec.domain}/{entry.resource.name}"


def build_index(repo: MeshRepo) -> MeshIndex:
    duplicates: list[Duplicate[Any]] = []

    def by_key(kind: str, entries: Iterable[Entry[Any]], key: Callable[[Entry[Any]], str] = lambda e: e.resource.name
               ) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for entry in entries:
            k = key(entry)
            if k in out:
                duplicates.append(Duplicate(kind, k, out[k], entry))
            else:
                out[k] = entry
        return out

    mesh = repo.mesh
    return MeshIndex(
        repo=repo,
        mesh=mesh,
        components=dict(mesh.resource.spec.components) if mesh else {},
        teams=by_key("Team", repo.teams),
        domains=by_key("Domain", repo.domains),
        polysemes=by_key("Polyseme", repo.polysemes),
        products=by_key("DataProduct", repo.products, product_id),
        contracts=by_key("DataContract", [c for c in repo.contracts if c.resource.id], lambda e: e.resource.id),
        duplicates=duplicates,
        declared=_declared(repo),
        agreements=by_key("AccessAgreement", repo.agreements),
    )


def _declared(repo: MeshRepo) -> dict[str, dict[str, frozenset[str]]]:
    """Kind → key → output port names (for products), read from the raw documents."""
    out: dict[str, dict[str, frozenset[str]]] = {}
    for kind, doc in repo.resource_docs:
        data = doc.data
        if kind == "DataContract":
            key = data.get("id")
        else:
            metadata, spec = data.get("metadata"), data.get("spec")
            key = metadata.get("name") if isinstance(metadata, dict) else None
            if kind == "DataProduct" and isinstance(spec, dict):
                key = f"{spec.get('domain')}/{key}"
        if not isinstance(key, str):
            continue
        ports: frozenset[str] = frozenset()
        if kind == "DataProduct" and isinstance(data.get("spec"), dict):
            listed = data["spec"].get("outputPorts")
            ports = frozenset(
                p["name"] for p in listed if isinstance(p, dict) and isinstance(p.get("name"), str)
            ) if isinstance(listed, list) else frozenset()
        out.setdefault(kind, {})[key] = out.get(kind, {}).get(key, frozenset()) | ports
    return out


@dataclass(frozen=True, slots=True)
class ComponentUse:
    """A port, code or infrastructure entry naming a component of the registry."""

    entry: Entry[Any]
    path: tuple[Any, ...]
    component: str
    expected_type: str
    label: str


def _component_uses(index: MeshIndex) -> list[ComponentUse]:
    out = []
    infrastructure: list[tuple[Entry[Any], str]] = [(index.mesh, "Mesh")] if index.mesh else []
    infrastructure += [(d, f"domain `{d.resource.name}`") for d in index.domains.values()]
    for entry, owner in infrastructure:
        for i, item in enumerate(entry.resource.spec.infrastructure):
            path = ("spec", "infrastructure", i, "component")
            out.append(ComponentUse(entry, path, item.component, "infrastructure", f"{owner} infrastructure `{item.name}`"))
    for product in index.products.values():
        spec = product.resource.spec
        uses: list[tuple[str, str, Sequence[Any]]] = [
            ("inputPorts", "input-port", spec.inputPorts),
            ("outputPorts", "output-port", spec.outputPorts),
            ("code", "code", spec.code),
        ]
        for field_name, kind, items in uses:
            for i, item in enumerate(items):
                label = f"{kind} `{item.name}`" if kind != "code" else f"code entry `{item.name}`"
                out.append(ComponentUse(product, ("spec", field_name, i, "component"), item.component, kind, label))
    return out
