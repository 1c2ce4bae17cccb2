"""An input port reads a port whose agreement with it has ended.

Why:
    An agreement grants access up to its `end`; after it, the port's grant to the consumer is revoked by the next
    apply (which does not stop for this finding: it is how the revocation happens) and the consumer's code can no
    longer read. Today's date is the clock's unless `ALCHEMESH_TODAY=YYYY-MM-DD` says otherwise.

Example:
    # the AccessAgreement for marketing/customer-value on sales/orders/orders ended on 2027-06-30; today is later
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders}

Fix:
    Renew the agreement (a later `end`, approved in review), or remove the input port.
"""

from collections.abc import Iterator

from alchemesh.clock import today
from alchemesh.findings import Finding, Severity
from alchemesh.resolve.access import EXPIRED_HINT, expiries
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for expiry, ended in expiries(ctx.index, ctx.graph, today()):
        if ended:
            yield RULE.at(expiry.expired(), expiry.file, expiry.line, expiry.column, expiry.path,
                          EXPIRED_HINT, products=(expiry.consumer,))


RULE = Rule("access-expired", Severity.ERROR, __doc__, check, settled_by_runs=True)
