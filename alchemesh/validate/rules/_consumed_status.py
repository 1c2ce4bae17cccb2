"""Shared by the consumes-retired-port and consumes-deprecated-port rules."""

from collections.abc import Iterator

from alchemesh.findings import Finding
from alchemesh.validate.rules.base import Context, Rule


def consumers_of_status(ctx: Context, rule: Rule, status: str, advice: str) -> Iterator[Finding]:
    for edge in ctx.graph.resolved:
        producer = ctx.graph.products[edge.ref.product_id]
        if producer.resource.spec.status == status:
            yield ctx.finding(rule, edge.consumer.doc, edge.path,
                              f"input port `{edge.input_port}` reads `{edge.ref}` of a {status} data product", hint=advice)
            continue
        port = ctx.graph.output_port(edge.ref)
        if port is not None and port.status == status and port.sunset is None:  # a dated one: the sunset rules say it
            yield ctx.finding(rule, edge.consumer.doc, edge.path,
                              f"input port `{edge.input_port}` reads `{edge.ref}`, a {status} port", hint=advice)
