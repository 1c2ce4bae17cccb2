"""A `private` output port is consumed by another product, or a `domain` port from another domain.

Why:
    Visibility is the producer's promise about who may depend on a port; a consumer outside it
    turns an internal detail into an interface the producer does not know it must keep.

Example:
    # crm/customers declares port `raw-customers` with visibility: domain
    inputPorts:
      - name: customers
        source: {outputPort: crm/customers/raw-customers}   # from domain sales

Fix:
    Read a public port instead, or ask the producing team to widen the port's visibility.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for edge in ctx.graph.resolved:
        port = ctx.graph.output_port(edge.ref)
        if port is None:  # unresolved-reference says so
            continue
        consumer_domain = edge.consumer.resource.spec.domain
        if port.visibility == "private" and edge.consumer_id != edge.ref.product_id:
            reason = "is private to its product"
        elif port.visibility == "domain" and consumer_domain != edge.ref.domain:
            reason = f"is visible only inside domain `{edge.ref.domain}`"
        else:
            continue
        yield ctx.finding(RULE, edge.consumer.doc, edge.path, f"output port `{edge.ref}` {reason}",
                          hint="read a public port, or ask its owners to widen `visibility`")


RULE = Rule("visibility-violation", Severity.ERROR, __doc__, check)
