"""An input port declares it reads a field its product's SQL does not read.

Why:
    Declared `uses` tell producers who reads what: a change to a field no one reads is not breaking for anyone.
    A declared field the SQL no longer reads holds back the producer for nothing.

Example:
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders}
        uses: [orders.customer_id, orders.coupon]   # the SQL reads customer_id only

Fix:
    Drop the field from `uses`, or waive the finding when the product reads it some other way.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for usage in ctx.usage.ports:
        for read in usage.unread:
            yield RULE.at(f"input port `{usage.port}` declares it reads `{read.field}`, which the product's SQL does "
                          "not read", read.file, read.line, read.column,
                          hint="drop it from `uses`, or waive this with where it is read", products=(usage.consumer,))


RULE = Rule("uses-unread", Severity.INFO, __doc__, check)
