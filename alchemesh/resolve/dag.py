"""Graph algorithms over plain adjacency maps, in one home: what a node reaches, DAG levels, cycles.
Used by the product graph, the stack manifest, selection and the catalog; no import beyond the stdlib."""

from __future__ import annotations

from collections.abc import Collection, Mapping


def dag_levels(dependencies: dict[str, set[str]]) -> list[list[str]]:
    """Nodes grouped by level: a node's dependencies (those among the nodes) are all in earlier levels.
    A cycle (validation reports it) ends up in one last level."""
    depth: dict[str, int] = {}
    remaining = dict(dependencies)
    level = 0
    while remaining:
        ready = sorted(k for k, deps in remaining.items() if all(d in depth or d not in dependencies for d in deps))
        for key in ready or sorted(remaining):
            depth[key] = level
            del remaining[key]
        level += 1
    return [sorted(k for k, d in depth.items() if d == i) for i in range(level)]


def reach(start: str, neighbours: Mapping[str, Collection[str]]) -> set[str]:
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


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
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
