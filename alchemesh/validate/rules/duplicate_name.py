"""Two resources share a kind and name (data products: per domain; contracts: per ODCS `id`).

Why:
    References are by name; with two candidates one of them silently wins and the other is never
    built, graphed or checked.

Example:
    # domains/sales/orders.yaml and domains/sales/orders-copy.yaml
    kind: DataProduct
    metadata: {name: orders}
    spec: {domain: sales, ...}

Fix:
    Rename or delete one of them.
"""

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    for dup in ctx.index.duplicates:
        path = ("id",) if dup.kind == "DataContract" else ("metadata", "name")
        first = f"{dup.first.file}:{ctx.index.repo.locate(dup.first.doc, path)[0]}"
        yield ctx.finding(RULE, dup.again.doc, path, f"{dup.kind} `{dup.key}` is already declared in {first}")


RULE = Rule("duplicate-name", Severity.ERROR, __doc__, check)
