"""An input port reads from a data product whose status is `deprecated`.

Why:
    A deprecated product will be retired; its consumers should plan their move before it stops.

Example:
    # sales/orders-v1 has status: deprecated
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders-v1/orders}

Fix:
    Move to the successor, or waive the finding with the plan:
    `# alchemesh: ignore[consumes-deprecated-port] moving to orders-v2 in Q3`.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules._consumed_status import consumers_of_status
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    return consumers_of_status(ctx, RULE, "deprecated", "plan the move to the product's successor")


RULE = Rule("consumes-deprecated-port", Severity.WARNING, __doc__, check)
