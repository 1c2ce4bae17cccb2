"""Lineage drawings for the catalog: a layered graph layout rendered as an inline SVG string.

Pure Python, no renderer and no JavaScript. The output is byte-for-byte deterministic and uses
presentation attributes only, so it works under a CSP that forbids inline styles. What the edges or the boxes
share is said once, on the group that holds them (presentation attributes inherit): half the bytes of saying it
on every element.
"""

from __future__ import annotations

import hashlib
import json
import re
import zlib
from dataclasses import dataclass
from html import escape

# Box and spacing in SVG user units; the box fits a label of MAX_LABEL chars at LABEL_SIZE.
BOX_W, BOX_H = 220, 44
GAP_X, GAP_Y = 72, 18
MARGIN = 24
MAX_LABEL, MAX_GROUP = 28, 34
LABEL_SIZE, GROUP_SIZE = 12, 10
SWEEPS = 4  # down, up, down, up: enough to untangle most meshes, cheap for large ones
WAYPOINT_BUDGET = 8  # waypoint slots per box at most, see _add_waypoints
FONT = "system-ui, -apple-system, Segoe UI, sans-serif"
TEXT, EDGE, BOX_FILL = "#1a1a1a", "#6b7280", "#ffffff"
# Every colour reaches 4.5:1 contrast on white, so the group caption drawn in it stays readable.
PALETTE = (
    "#1f5f9e", "#b34700", "#2e7d32", "#7b3fa0", "#c2185b",
    "#00796b", "#6d4c41", "#546e7a", "#8a6d00", "#3949ab",
)
# Characters XML 1.0 forbids even when escaped; a hostile label must not break the document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Node:
    id: str  # "sales/orders"
    label: str  # shown text, e.g. "orders"
    group: str  # domain name: drives the colour and the caption above the label
    href: str | None = None  # relative link of the node's page, or None


def lineage_svg(
    nodes: list[Node], edges: list[tuple[str, str]], *, focus: str | None = None, title: str = "Lineage"
) -> str:
    """Draw producers left of their consumers; `edges` are (producer id, consumer id)."""
    by_id: dict[str, Node] = {}
    for node in sorted(nodes, key=lambda n: (n.id, n.label, n.group, n.href or "")):
        by_id.setdefault(node.id, node)  # duplicate ids: keep one, independent of list order
    kept = sorted({(a, b) for a, b in edges if a != b and a in by_id and b in by_id})
    if not by_id:
        return _empty(title)
    ids = sorted(by_id)  # the layout works on indices: index order is id order, so ties go by id
    index = {v: i for i, v in enumerate(ids)}
    pairs = [(index[a], index[b]) for a, b in kept]
    succs: list[list[int]] = [[] for _ in ids]
    for a, b in pairs:
        succs[a].append(b)  # `pairs` is sorted, so every list is too
    order, back = _topological(succs)
    preds: list[list[int]] = [[] for _ in ids]
    for a, b in pairs:
        if (a, b) not in back:
            preds[b].append(a)
    layer = [0] * len(ids)
    for v in order:  # longest path from a source: every consumer lands right of its producers
        layer[v] = max((layer[p] + 1 for p in preds[v]), default=0)
    ways = _add_waypoints(pairs, back, layer, preds)
    at = _place(_order_layers(layer, preds))
    return _render(by_id, ids, pairs, back, ways, at, focus, title)


def _topological(succs: list[list[int]]) -> tuple[list[int], set[tuple[int, int]]]:
    """An iterative DFS in index order: reverse post-order, and the back edges that close cycles."""
    state = [0] * len(succs)  # 0 unseen, 1 on the stack, 2 done
    post: list[int] = []
    back: set[tuple[int, int]] = set()
    for root in range(len(succs)):
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, iter(succs[root]))]
        while stack:
            v, it = stack[-1]
            for w in it:
                if not state[w]:
                    state[w] = 1
                    stack.append((w, iter(succs[w])))
                    break
                if state[w] == 1:
                    back.add((v, w))
            else:
                state[v] = 2
                post.append(v)
                stack.pop()
    return post[::-1], back


def _add_waypoints(
    pairs: list[tuple[int, int]], back: set[tuple[int, int]], layer: list[int], preds: list[list[int]]
) -> dict[tuple[int, int], list[int]]:
    """A slot in every layer a long edge crosses, so it runs between boxes, never hidden behind one.

    Skipped past a budget: a huge tangled graph would get more slots than boxes and no clearer.
    Extends `layer` and `preds` in place with the waypoints, so the sweeps order them too.
    """
    spans = [(a, b) for a, b in pairs if (a, b) not in back and layer[b] - layer[a] > 1]
    if sum(layer[b] - layer[a] - 1 for a, b in spans) > WAYPOINT_BUDGET * max(len(layer), 100):
        return {}
    ways: dict[tuple[int, int], list[int]] = {}
    for a, b in spans:
        chain = list(range(len(layer), len(layer) + layer[b] - layer[a] - 1))
        layer.extend(range(layer[a] + 1, layer[b]))
        preds.extend([u] for u in [a, *chain[:-1]])
        preds[b][preds[b].index(a)] = chain[-1]
        ways[(a, b)] = chain
    return ways


def _order_layers(layer: list[int], preds: list[list[int]]) -> list[list[int]]:
    """Barycenter sweeps: each pass visits every edge once, then sorts each layer (ties by index)."""
    layers: list[list[int]] = [[] for _ in range(max(layer) + 1)]
    succs: list[list[int]] = [[] for _ in layer]
    for v, lay in enumerate(layer):
        layers[lay].append(v)
        for u in preds[v]:
            succs[u].append(v)
    pos = [0] * len(layer)
    for row in layers:
        for i, v in enumerate(row):
            pos[v] = i
    for sweep in range(SWEEPS):
        down = sweep % 2 == 0
        near = preds if down else succs
        for r in range(1, len(layers)) if down else range(len(layers) - 2, -1, -1):
            bary = {v: sum(pos[u] for u in near[v]) / len(near[v]) if near[v] else float(pos[v]) for v in layers[r]}
            layers[r].sort(key=lambda v: (bary[v], v))
            for i, v in enumerate(layers[r]):
                pos[v] = i
    return layers


def _place(layers: list[list[int]]) -> dict[int, tuple[float, float]]:
    """Top-left corner of every slot; shorter layers are centred on the tallest."""
    tallest = max(len(row) for row in layers)
    at: dict[int, tuple[float, float]] = {}
    for c, row in enumerate(layers):
        top = MARGIN + (tallest - len(row)) * (BOX_H + GAP_Y) / 2
        for r, v in enumerate(row):
            at[v] = (MARGIN + c * (BOX_W + GAP_X), top + r * (BOX_H + GAP_Y))
    return at


def _render(
    by_id: dict[str, Node],
    ids: list[str],
    pairs: list[tuple[int, int]],
    back: set[tuple[int, int]],
    ways: dict[tuple[int, int], list[int]],
    at: dict[int, tuple[float, float]],
    focus: str | None,
    title: str,
) -> str:
    width = max(x for x, _ in at.values()) + BOX_W + MARGIN
    height = max(y for _, y in at.values()) + BOX_H + MARGIN
    marker = "lineage-arrow-" + _digest(by_id, pairs, focus, title)
    out = [_open(title, width, height, len(by_id), len(pairs))]
    out.append(
        f'<defs><marker id="{marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" '
        f'markerHeight="8" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="{EDGE}"/>'
        "</marker></defs>"
    )
    # edges first, so the boxes are drawn over them; a cycle's back edge dashed
    out.append(f'<g class="edges" fill="none" stroke="{EDGE}" stroke-width="1.5" marker-end="url(#{marker})">')
    for a, b in pairs:
        dash = ' stroke-dasharray="5 4"' if (a, b) in back else ""
        out.append(
            f'<path class="edge" data-from="{_esc(ids[a])}" data-to="{_esc(ids[b])}" '
            f'd="{_edge_path([at[v] for v in [a, *ways.get((a, b), []), b]])}"{dash}/>'
        )
    out.append(f'</g><g class="nodes" font-family="{FONT}" font-size="{LABEL_SIZE}" stroke-width="1.5">')
    for i, v in enumerate(ids):
        out.append(_node(by_id[v], at[i], v == focus))
    out.append("</g></svg>")
    return "".join(out)


def _edge_path(slots: list[tuple[float, float]]) -> str:
    """Right side of the producer, through every waypoint slot, to the left side of the consumer."""
    (x, y), mid = slots[0], BOX_H / 2
    d = f"M{_n(x + BOX_W)},{_n(y + mid)}"
    for i, ((x1, y1), (x2, y2)) in enumerate(zip(slots, slots[1:], strict=False)):
        x1, y1, y2 = x1 + BOX_W, y1 + mid, y2 + mid
        # Half the horizontal distance makes a smooth S; a back edge (cycle) loops out by a fixed bend.
        dx = (x2 - x1) / 2 if x2 > x1 else GAP_X / 2
        d += f"C{_n(x1 + dx)},{_n(y1)} {_n(x2 - dx)},{_n(y2)} {_n(x2)},{_n(y2)}"
        if i < len(slots) - 2:
            d += f"H{_n(x2 + BOX_W)}"  # straight across a waypoint slot
    return d


def _node(node: Node, xy: tuple[float, float], focused: bool) -> str:
    x, y = xy
    colour = PALETTE[zlib.crc32(node.group.encode("utf-8", "surrogatepass")) % len(PALETTE)]  # stable across runs
    cls, bold, wide = ("node focus", ' font-weight="bold"', ' stroke-width="3"') if focused else ("node", "", "")
    g = (  # the group's fill is the domain's colour: the side bar and the caption take it
        f'<g class="{cls}" data-id="{_esc(node.id)}" fill="{colour}"><title>{_esc(node.label)}</title>'
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{BOX_W}" height="{BOX_H}" rx="6" fill="{BOX_FILL}" '
        f'stroke="{colour}"{wide}/>'
        f'<rect x="{_n(x)}" y="{_n(y)}" width="5" height="{BOX_H}" rx="2"/>'
        f'<text x="{_n(x + 12)}" y="{_n(y + 16)}" font-size="{GROUP_SIZE}">{_esc(_truncate(node.group, MAX_GROUP))}'
        f'</text><text x="{_n(x + 12)}" y="{_n(y + 33)}" fill="{TEXT}"{bold}>'
        f'{_esc(_truncate(node.label, MAX_LABEL))}</text></g>'
    )
    href = _safe_href(node.href)
    return f'<a href="{_esc(href)}">{g}</a>' if href is not None else g


def _safe_href(href: str | None) -> str | None:
    """Keep relative paths and fragments only: a scheme (`javascript:`) or another host is dropped."""
    if not href or href[0] in "/\\" or _NOT_XML.search(href) or any(c.isspace() for c in href):
        return None
    if href.startswith("#"):
        return href
    return None if ":" in href.split("/", 1)[0] else href


def _open(title: str, width: float, height: float, n_nodes: int, n_edges: int) -> str:
    t, w, h = _esc(title), _n(width), _n(height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="lineage" role="img" aria-label="{t}" '
        f'viewBox="0 0 {w} {h}" width="{w}" height="{h}" data-nodes="{n_nodes}" '
        f'data-edges="{n_edges}"><title>{t}</title>'
    )


def _empty(title: str) -> str:
    return (
        _open(title, 240, 60, 0, 0)
        + f'<text x="120" y="34" text-anchor="middle" font-family="{FONT}" font-size="{LABEL_SIZE}" '
        f'fill="{TEXT}">No data products</text></svg>'
    )


def _digest(by_id: dict[str, Node], edges: list[tuple[int, int]], focus: str | None, title: str) -> str:
    """Marker ids must be unique per SVG: several drawings can share one page."""
    data = [[[n.id, n.label, n.group, n.href] for _, n in sorted(by_id.items())], edges, focus, title]
    return hashlib.sha256(json.dumps(data).encode("utf-8")).hexdigest()[:12]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _esc(value: str) -> str:
    return escape(_NOT_XML.sub("", value), quote=True)


def _n(value: float) -> str:
    """At most one decimal, and no trailing `.0`: shorter output, identical bytes on every platform."""
    r = round(value, 1)
    return str(int(r)) if r == int(r) else f"{r:.1f}"
