"""A contract property joined to a polyseme has another logicalType than the polyseme's identifier.

Why:
    A polyseme (say `customer`) is how products agree on a shared entity; a `customer_id` that is a
    string in one contract and an integer in another cannot be joined.

Example:
    # Polyseme customer: identifier {name: customer_id, logicalType: string}
    properties:
      - name: customer_id
        logicalType: integer
        customProperties: [{property: polyseme, value: customer}]

Fix:
    Use the polyseme's logicalType for the property.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for entry in ctx.index.contracts.values():
        for prop in entry.resource.walk_properties():
            polyseme = ctx.index.polysemes.get(prop.polyseme) if prop.polyseme else None
            if polyseme is None:
                continue
            expected = polyseme.resource.spec.identifier.logicalType
            if prop.logical_type != expected:
                path = (*prop.path, "logicalType") if prop.logical_type is not None else prop.path
                yield ctx.finding(
                    RULE, entry.doc, path,
                    f"property `{prop.name}` joins polyseme `{prop.polyseme}` but is {prop.logical_type or 'untyped'}, "
                    f"not {expected}",
                    hint=f"set `logicalType: {expected}`",
                )


RULE = Rule("polyseme-mismatch", Severity.ERROR, __doc__, check)
