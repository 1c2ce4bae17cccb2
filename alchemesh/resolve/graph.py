"""The resolved product graph: who consumes whom, through which ports.

Validation and `alchemesh graph` read the same graph, built once from the index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import Any, NamedTuple

from alchemesh.resolve.dag import cycles as _cycles, reach
from alchemesh.resolve.index import MeshIndex, product_id
from alchemesh.load.repo import Entry
from alchemesh.model.resources import DataProduct, OutputPort


class PortRef(NamedTuple):
    domain: str
    product: str
    port: str

    @property
    def product_id(self) -> str:
        return f"{self.domain}/{self.product}"

    def __str__(self) -> str:
        return f"{self.domain}/{self.product}/{self.port}"


def parse_port_ref(ref: str, consumer_domain: str) -> PortRef:
    parts = ref.split("/")
    return PortRef(consumer_domain, *parts) if len(parts) == 2 else PortRef(*parts)


@dataclass(frozen=True, slots=True)
class Edge:
    """One input port of `consumer` reading `ref` of another product."""

    consumer: Entry[DataProduct]
    input_index: int
    ref: PortRef

    @property
    def consumer_id(self) -> str:
        return product_id(self.consumer)

    @property
    def input_port(self) -> str:
        return self.consumer.resource.spec.inputPorts[self.input_index].name

    @property
    def path(self) -> tuple[Any, ...]:
        return ("spec", "inputPorts", self.input_index, "source", "outputPort")


@dataclass(frozen=True)
class MeshGraph:
    index: MeshIndex
    edges: tuple[Edge, ...]  # every outputPort reference, resolved or not

    @property
    def products(self) -> dict[str, Entry[DataProduct]]:
        return self.index.products

    def output_port(self, ref: PortRef) -> OutputPort | None:
        entry = self.index.products.get(ref.product_id)
        ports = entry.resource.spec.outputPorts if entry else ()
        return next((p for p in ports if p.name == ref.port), None)

    @cached_property
    def resolved(self) -> list[Edge]:
        return [e for e in self.edges if self.output_port(e.ref) is not None]

    @cached_property
    def _by_ref(self) -> dict[PortRef, list[Edge]]:
        out: dict[PortRef, list[Edge]] = defaultdict(list)
        for e in self.resolved:
            out[e.ref].append(e)
        return out

    def consumers(self, ref: PortRef) -> list[Edge]:
        return self._by_ref.get(ref, [])

    def upstream(self, product: str) -> set[str]:
        return reach(product, self._producers)

    def producers_of(self, product: str) -> set[str]:
        """The products this one reads directly."""
        return self._producers.get(product, set())

    def consumers_of(self, product: str) -> set[str]:
        """The products reading this one directly."""
        return self._consumers.get(product, set())

    def downstream(self, product: str) -> set[str]:
        return reach(product, self._consumers)

    @cached_property
    def _producers(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for e in self.resolved:
            out[e.consumer_id].add(e.ref.product_id)
        return out

    @cached_property
    def _consumers(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for e in self.resolved:
            out[e.ref.product_id].add(e.consumer_id)
        return out

    def cycles(self) -> list[list[str]]:
        """Strongly connected components that form a cycle, each sorted, smallest first."""
        return _cycles(self._producers)


def build_graph(index: MeshIndex) -> MeshGraph:
    edges = []
    for entry in index.products.values():
        for i, port in enumerate(entry.resource.spec.inputPorts):
            if port.source.outputPort:
                edges.append(Edge(entry, i, parse_port_ref(port.source.outputPort, entry.resource.spec.domain)))
    return MeshGraph(index, tuple(edges))


