"""An input port reads from a data product whose status is `retired`.

Why:
    A retired product no longer produces data: its consumers read nothing, or stale data.

Example:
    # sales/orders-legacy has status: retired
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders-legacy/orders}

Fix:
    Move the input port to the product's successor.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules._consumed_status import consumers_of_status
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    return consumers_of_status(ctx, RULE, "retired", "move this input port to the product's successor")


RULE = Rule("consumes-retired-port", Severity.ERROR, __doc__, check)
