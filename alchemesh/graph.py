"""The resolved product graph: who consumes whom, through which ports.

Validation and `alchemesh graph` read the same graph, built once from the index.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from alchemesh.index import MeshIndex, product_id
from alchemesh.load import Entry
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
    def path(self) -> tuple:
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


def reach(start: str, neighbours: dict[str, set[str]]) -> set[str]:
    """Every node reachable from `start` (itself excluded)."""
    seen: set[str] = set()
    stack = [start]
    while stack:
        for nxt in neighbours.get(stack.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    seen.discard(start)
    return seen


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's algorithm, iterative so that a long chain cannot hit the recursion limit."""
    index_of: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    out: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index_of:
            continue
        work = [(root, iter(sorted(graph.get(root, ()))))]
        index_of[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index_of:
                    index_of[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index_of[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index_of[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1 or node in graph.get(node, ()):
                    out.append(sorted(component))
    return sorted(out)
