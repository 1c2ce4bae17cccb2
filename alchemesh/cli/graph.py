"""`alchemesh graph`: the product graph that validation resolved."""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from alchemesh.cli.app import RepoPath, app, choices, command, print_plain
from alchemesh.report import GRAPH_FORMATS


GraphFormat = choices("GraphFormat", GRAPH_FORMATS)


@app.command()
@command
def graph(
    path: RepoPath = None,
    format: Annotated[GraphFormat, typer.Option("--format", "-f", help="Output format.")] = GraphFormat.text,
    focus: Annotated[
        Optional[str], typer.Option(help="Draw only this product (domain/product, or a unique product name) and its neighbours.")
    ] = None,
    upstream: Annotated[bool, typer.Option("--upstream", help="With --focus: the products it reads from, transitively.")] = False,
    downstream: Annotated[bool, typer.Option("--downstream", help="With --focus: the products reading from it, transitively.")] = False,
) -> int:
    """Print the data product graph: who consumes whom, through which ports."""
    from alchemesh.report import graph as graph_formats
    from alchemesh.errors import UsageError
    from alchemesh.findings import Severity
    from alchemesh.pipeline import Pipeline

    if (upstream or downstream) and focus is None:
        raise UsageError("--upstream and --downstream need --focus")
    analysis = Pipeline.at(path).analysis
    view = graph_formats.select(analysis.graph, focus, upstream, downstream)
    print_plain(graph_formats.render(analysis.graph, view, format.value))
    errors = analysis.report.count(Severity.ERROR)
    if errors:
        typer.echo(f"alchemesh: the mesh has {errors} validation error{'s' if errors != 1 else ''}; the graph shows what resolves "
                   "(run `alchemesh validate`)", err=True)
    return 0
