"""Data products consume each other's output ports in a cycle.

Why:
    Stacks are planned and applied in dependency order; a cycle has no order, and each product
    would wait for data that only it can produce.

Example:
    # sales/orders reads finance/invoices/invoices, and finance/invoices reads sales/orders/orders

Fix:
    Break the cycle: move the shared part into a product of its own that both consume.
"""

from alchemesh.resolve.graph import Edge
from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    graph = ctx.graph
    for component in graph.cycles():
        members = set(component)
        edges = [e for e in graph.resolved if e.consumer_id in members and e.ref.product_id in members]
        first = min(edges, key=lambda e: (e.consumer_id, e.input_index))
        loop = " → ".join(_loop(first.consumer_id, edges))
        yield ctx.finding(RULE, first.consumer.doc, first.path, f"data products consume each other in a cycle: {loop}",
                          products=tuple(component))


def _loop(start: str, edges: list[Edge]) -> list[str]:
    """The shortest path from `start` around the cycle back to it, following producers."""
    producers: dict[str, list[str]] = {}
    for e in sorted(edges, key=lambda e: e.ref.product_id):
        producers.setdefault(e.consumer_id, []).append(e.ref.product_id)
    came_from: dict[str, str] = {}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in producers.get(node, []):
            if nxt == start:
                path = [node]
                while path[-1] != start:
                    path.append(came_from[path[-1]])
                return [*reversed(path), start]
            if nxt not in came_from:
                came_from[nxt] = node
                queue.append(nxt)
    return [start, start]


RULE = Rule("dependency-cycle", Severity.ERROR, __doc__, check)
