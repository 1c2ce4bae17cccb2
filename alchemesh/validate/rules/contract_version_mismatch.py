"""An output port's `version` differs from its contract's major version.

Why:
    The port's major version is what consumers bind to; a contract at 2.x behind a port still
    declared as version 1 hides a breaking change from everyone reading the port.

Example:
    outputPorts:
      - name: orders
        contract: urn:datacontract:sales:orders   # the contract's version is 2.1.0
        version: 1

Fix:
    Set the port's `version` to the contract's major (here 2), or publish the new major as a new port.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.index.products.values():
        for i, port in enumerate(entry.resource.spec.outputPorts):
            contract = ctx.index.contracts.get(port.contract) if port.contract else None
            if contract is None:
                continue
            major = contract.resource.major
            if major is not None and major != port.version:
                yield ctx.finding(
                    RULE, entry.doc, ("spec", "outputPorts", i, "version"),
                    f"output port `{port.name}` has version {port.version} but contract `{port.contract}` "
                    f"is at {contract.resource.version} (major {major})",
                    hint=f"set `version: {major}`",
                )


RULE = Rule("contract-version-mismatch", Severity.ERROR, __doc__, check)
