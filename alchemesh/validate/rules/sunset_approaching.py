"""A consumer reads a port, or a field, whose sunset is near.

Why:
    A deprecated output port (`status: deprecated`, `sunset: {date: …}`) or contract property (ODCS `deprecated:
    true` with a `customProperties` entry `sunset`) stops being served on its date. Its consumers are told in their
    own files from `spec.sunsetWarningDays` before it (30 by default), while there is time to move. Today's date is
    the clock's unless `ALCHEMESH_TODAY=YYYY-MM-DD` says otherwise.

Example:
    # sales/orders: outputPorts: - name: orders-v1, status: deprecated,
    #               sunset: {date: 2027-03-31, replacedBy: orders-v2}
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders-v1}   # warned from 2027-03-01

Fix:
    Move to the replacement, or waive the finding with the plan:
    `# alchemesh: ignore[sunset-approaching] moving in sprint 12`.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules._sunsets import sunsets
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    return sunsets(ctx, RULE, passed=False)


RULE = Rule("sunset-approaching", Severity.WARNING, __doc__, check)
