"""A consumer reads a field its producer's contract does not have.

Why:
    The contract is what the producer promises. A column the consumer's SQL reads that the contract does not name
    can go at any time without a breaking change being reported, and the consumer breaks with no warning. Declared
    `uses` that name no field of the contract are the same mistake, written down.

Example:
    -- transform/customer_value.sql, reading the input port `orders` (sales/orders/orders)
    SELECT o.customer_id, o.discount_code FROM orders.orders AS o   -- the contract has no discount_code

Fix:
    Ask the producer to add the field to the contract (then it is checked on every change), or stop reading it.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for usage in ctx.usage.ports:
        port = ctx.graph.output_port(usage.producer)
        contract = port.contract if port is not None else None
        for read in usage.not_in_contract:
            how = "declares it reads" if read.provenance == "declared" else "reads"
            yield RULE.at(f"input port `{usage.port}` of {usage.consumer} {how} `{read.field}`, which the contract "
                          f"{contract} of {usage.producer} does not have", read.file, read.line, read.column,
                          hint="have the producer add it to the contract, or stop reading it",
                          products=(usage.consumer,))


RULE = Rule("uses-unknown-field", Severity.ERROR, __doc__, check)
