"""A consumer still reads a port, or a field, past its sunset date.

Why:
    The producer said when it would stop serving the port or field; past that date it may go at any time, and the
    consumer breaks. The finding stands in the consumer's own files: the input port, or the SQL line that reads the
    deprecated field. Today's date is the clock's unless `ALCHEMESH_TODAY=YYYY-MM-DD` says otherwise.

Example:
    # sales/orders/orders-v1 has sunset: {date: 2027-03-31, replacedBy: orders-v2}; today is 2027-04-02
    inputPorts:
      - name: orders
        source: {outputPort: sales/orders/orders-v1}

Fix:
    Move to the replacement. Once no consumer reads it, the producer can remove the port without a finding.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules._sunsets import sunsets
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    return sunsets(ctx, RULE, passed=True)


RULE = Rule("sunset-passed", Severity.ERROR, __doc__, check)
