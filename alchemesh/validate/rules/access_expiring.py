"""The agreement that lets an input port read a port ends soon.

Why:
    After its `end` the agreement no longer grants access: the next apply revokes it, and the consumer's code stops
    reading. The consumer is told in its own file from the Mesh's `accessWarningDays` before (30 by default), while
    there is time to renew. Today's date is the clock's unless `ALCHEMESH_TODAY=YYYY-MM-DD` says otherwise.

Example:
    # the AccessAgreement for marketing/customer-value on sales/orders/orders has end: 2027-06-30
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders}   # warned from 2027-05-31

Fix:
    Renew it (a later `end`, approved again in review), or plan the move away from the port.
"""

from collections.abc import Iterator

from alchemesh.clock import today
from alchemesh.findings import Finding, Severity
from alchemesh.resolve.access import EXPIRING_HINT, expiries, warning_days
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    now, warn = today(), warning_days(ctx.index)
    for expiry, ended in expiries(ctx.index, ctx.graph, now):
        if not ended and (expiry.end - now).days <= warn:
            yield RULE.at(expiry.expiring(now), expiry.file, expiry.line, expiry.column, expiry.path,
                          EXPIRING_HINT, products=(expiry.consumer,))


RULE = Rule("access-expiring", Severity.WARNING, __doc__, check)
