"""A port, code or infrastructure entry uses a component registered for another type.

Why:
    Each component type has its own Terraform interface: an output-port module given to an input
    port gets variables it does not declare, and the stack fails to plan.

Example:
    inputPorts:
      - name: customers
        component: bigquery-dataset    # registered as type output-port

Fix:
    Pick a component of the right type from the Mesh `spec.components` registry.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    registry = ctx.index.components
    for use in ctx.index.component_uses:
        component = registry.get(use.component)
        if component is not None and component.type != use.expected_type:
            same_type = sorted(name for name, c in registry.items() if c.type == use.expected_type)
            hint = f"{use.expected_type} components: {', '.join(same_type)}" if same_type else None
            message = f"{use.label} uses component `{use.component}` of type {component.type}, not {use.expected_type}"
            yield ctx.finding(RULE, use.entry.doc, use.path, message, hint=hint)


RULE = Rule("component-type-mismatch", Severity.ERROR, __doc__, check)
