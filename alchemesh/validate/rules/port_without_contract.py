"""An output port names no data contract.

Why:
    Without a contract consumers have no schema to build against, and no change to the port can
    be checked for compatibility.

Example:
    outputPorts:
      - name: orders
        component: bigquery-dataset

Fix:
    Write an ODCS contract and name its `id` in the port's `contract`.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.index.products.values():
        for i, port in enumerate(entry.resource.spec.outputPorts):
            if port.contract is None:
                yield ctx.finding(RULE, entry.doc, ("spec", "outputPorts", i, "name"),
                                  f"output port `{port.name}` names no data contract",
                                  hint="add `contract:` with the ODCS `id` of its contract")


RULE = Rule("port-without-contract", Severity.WARNING, __doc__, check)
