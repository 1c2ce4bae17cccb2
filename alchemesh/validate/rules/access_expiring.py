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
from alchemesh.resolve.access import standings, warning_days
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    now, warn = today(), warning_days(ctx.index)
    for standing in standings(ctx.index, ctx.graph, now):
        agreement = standing.granted
        end = agreement.resource.spec.end if agreement is not None else None
        if agreement is None or end is None or (end - now).days > warn:
            continue
        days = (end - now).days
        edge = standing.edge
        yield ctx.finding(RULE, edge.consumer.doc, edge.path,
                          f"input port `{edge.input_port}` reads `{edge.ref}` under agreement "
                          f"`{agreement.resource.name}`, which ends on {end} ({days} day{'s' if days != 1 else ''} "
                          "left)", hint="renew the agreement in review, or plan the move", products=(edge.consumer_id,))


RULE = Rule("access-expiring", Severity.WARNING, __doc__, check)
