"""Render the product graph: text, Mermaid, Graphviz DOT or JSON; whole or around one product."""

from __future__ import annotations

import json
from dataclasses import dataclass

from alchemesh.errors import UsageError
from alchemesh.resolve.graph import MeshGraph
from alchemesh.hints import did_you_mean
from alchemesh.report import GRAPH_FORMATS

FORMATS = GRAPH_FORMATS


@dataclass(frozen=True, slots=True)
class View:
    """The products to draw and the consumption edges between them."""

    products: tuple[str, ...]
    edges: tuple[tuple[str, str, str, str], ...]  # producer, output port, consumer, input port


def select(graph: MeshGraph, focus: str | None, upstream: bool, downstream: bool) -> View:
    if focus is None:
        chosen = set(graph.products)
    else:
        start = _resolve_focus(graph, focus)
        both = not upstream and not downstream
        chosen = {start}
        if upstream or both:
            chosen |= graph.upstream(start)
        if downstream or both:
            chosen |= graph.downstream(start)
    edges = sorted(
        {
            (e.ref.product_id, e.ref.port, e.consumer_id, e.input_port)
            for e in graph.resolved
            if e.ref.product_id in chosen and e.consumer_id in chosen
        }
    )
    return View(tuple(sorted(chosen)), tuple(edges))


def _resolve_focus(graph: MeshGraph, focus: str) -> str:
    if focus in graph.products:
        return focus
    by_name = [pid for pid in graph.products if pid.split("/", 1)[1] == focus]
    if len(by_name) == 1:
        return by_name[0]
    if len(by_name) > 1:
        raise UsageError(f"`{focus}` names products in several domains: {', '.join(sorted(by_name))}")
    hint = did_you_mean(focus, [*graph.products, *(pid.split("/", 1)[1] for pid in graph.products)])
    raise UsageError(f"no data product `{focus}`" + (f"; {hint}" if hint else ""))


def _by_domain(view: View) -> list[tuple[str, list[str]]]:
    groups: dict[str, list[str]] = {}
    for pid in view.products:
        groups.setdefault(pid.split("/", 1)[0], []).append(pid)
    return sorted(groups.items())


def render(graph: MeshGraph, view: View, fmt: str) -> str:
    return {"text": _text, "mermaid": _mermaid, "dot": _dot, "json": _json}[fmt](graph, view)


def _text(graph: MeshGraph, view: View) -> str:
    lines = []
    for domain, pids in _by_domain(view):
        lines.append(domain)
        for pid in pids:
            spec = graph.products[pid].resource.spec
            lines.append(f"  {pid.split('/', 1)[1]}  {spec.version} {spec.status}")
            for producer, out_port, consumer, in_port in view.edges:
                if consumer == pid:
                    lines.append(f"    ← {producer}/{out_port}  (input port {in_port})")
            for producer, out_port, consumer, in_port in view.edges:
                if producer == pid:
                    lines.append(f"    → {consumer}  (reads {out_port} as {in_port})")
    if not lines:
        lines.append("(no data products)")
    return "\n".join(lines)


def _mermaid(graph: MeshGraph, view: View) -> str:
    ids = {pid: f"p{i}" for i, pid in enumerate(view.products)}
    lines = ["flowchart LR"]
    for d, (domain, pids) in enumerate(_by_domain(view)):
        lines.append(f'  subgraph d{d}["{_mermaid_text(domain)}"]')
        for pid in pids:
            name = pid.split("/", 1)[1]
            status = graph.products[pid].resource.spec.status
            label = name if status == "active" else f"{name} ({status})"
            lines.append(f'    {ids[pid]}["{_mermaid_text(label)}"]')
        lines.append("  end")
    for producer, out_port, consumer, _ in view.edges:
        lines.append(f'  {ids[producer]} -->|"{_mermaid_text(out_port)}"| {ids[consumer]}')
    return "\n".join(lines)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;")


def _dot(graph: MeshGraph, view: View) -> str:
    lines = ["digraph mesh {", "  rankdir=LR;", "  node [shape=box];"]
    for domain, pids in _by_domain(view):
        lines.append(f"  subgraph {_dot_id('cluster_' + domain)} {{")
        lines.append(f"    label={_dot_id(domain)};")
        for pid in pids:
            lines.append(f"    {_dot_id(pid)} [label={_dot_id(pid.split('/', 1)[1])}];")
        lines.append("  }")
    for producer, out_port, consumer, _ in view.edges:
        lines.append(f"  {_dot_id(producer)} -> {_dot_id(consumer)} [label={_dot_id(out_port)}];")
    lines.append("}")
    return "\n".join(lines)


def _dot_id(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _json(graph: MeshGraph, view: View) -> str:
    products = []
    for pid in view.products:
        entry = graph.products[pid]
        spec = entry.resource.spec
        products.append(
            {
                "id": pid,
                "domain": spec.domain,
                "name": entry.resource.name,
                "owner": spec.owner,
                "version": spec.version,
                "status": spec.status,
                "file": entry.file,
                "inputPorts": [
                    {"name": p.name, "component": p.component, "source": p.source.model_dump(exclude_none=True)}
                    for p in spec.inputPorts
                ],
                "outputPorts": [
                    {
                        "name": p.name,
                        "component": p.component,
                        "contract": p.contract,
                        "version": p.version,
                        "visibility": p.visibility,
                        "consumers": sorted(
                            f"{c}/{i}" for prod, port, c, i in view.edges if prod == pid and port == p.name
                        ),
                    }
                    for p in spec.outputPorts
                ],
            }
        )
    edges = [
        {"producer": prod, "outputPort": port, "consumer": cons, "inputPort": inp}
        for prod, port, cons, inp in view.edges
    ]
    return json.dumps({"products": products, "edges": edges}, indent=2, ensure_ascii=False)
