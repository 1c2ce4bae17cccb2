"""An input port reads a port whose access needs an agreement, and no approved agreement lets it read today.

Why:
    An output port with `access: agreement` (or `restricted`) grants read access only to the consumers an approved
    AccessAgreement covers, from its `start` to its `end`; a `restricted` port, only when one of its `approvers`
    approved it. Without one, the consumer's input port compiles to no grant and its code cannot read the port.
    The run does not stop for it: it grants exactly what the agreements say. Today's date is the clock's unless
    `ALCHEMESH_TODAY=YYYY-MM-DD` says otherwise.

Example:
    # sales/orders/orders has access: agreement; no AccessAgreement names marketing/customer-value
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders}

Fix:
    `alchemesh access request sales/orders/orders --for marketing/customer-value --purpose "…" --until 2027-06-30`
    writes the agreement (status `requested`); the producer's team approves it in review (`status: approved`,
    `approvedBy`).
"""

from collections.abc import Iterator

from alchemesh.clock import today
from alchemesh.findings import Finding, Severity
from alchemesh.resolve.access import standings
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for standing in standings(ctx.index, ctx.graph, today()):
        if standing.granted is not None or standing.ended is not None:
            continue  # reads, or reads no more because its agreement ended: access-expired's
        edge = standing.edge
        yield ctx.finding(RULE, edge.consumer.doc, edge.path,
                          f"input port `{edge.input_port}` reads `{edge.ref}`, whose access needs an approved "
                          f"agreement: {standing.why}",
                          hint=f"alchemesh access request {edge.ref} --for {edge.consumer_id} --purpose \"…\"",
                          products=(edge.consumer_id,))


RULE = Rule("access-without-agreement", Severity.ERROR, __doc__, check, settled_by_runs=True)
