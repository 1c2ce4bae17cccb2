from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET

import pytest

from alchemesh.docs.lineage import Node, lineage_svg

SVG = "{http://www.w3.org/2000/svg}"


def _nodes(*ids: str) -> list[Node]:
    return [Node(i, i.split("/")[-1], i.split("/")[0], f"products/{i}.html") for i in ids]


def _x(svg: str) -> dict[str, float]:
    """Left edge of each node's box, by node id."""
    root = ET.fromstring(svg)
    return {g.get("data-id"): float(g.find(f"{SVG}rect").get("x")) for g in root.iter(f"{SVG}g") if g.get("data-id")}


def _boxes(root: ET.Element) -> list[ET.Element]:
    """The node groups (one per data product), wherever they sit in the drawing."""
    return [g for g in root.iter(f"{SVG}g") if g.get("data-id") is not None]


def _edges(svg: str) -> list[tuple[str, str]]:
    root = ET.fromstring(svg)
    return [(p.get("data-from"), p.get("data-to")) for p in root.iter(f"{SVG}path") if p.get("class") == "edge"]


def test_a_chain_runs_left_to_right() -> None:
    x = _x(lineage_svg(_nodes("d/a", "d/b", "d/c"), [("d/b", "d/c"), ("d/a", "d/b")]))
    assert x["d/a"] < x["d/b"] < x["d/c"]


def test_consumers_are_always_right_of_their_producers() -> None:
    rng = random.Random(7)
    ids = [f"d{i % 4}/p{i:02}" for i in range(40)]
    edges = [(ids[a], ids[b]) for a, b in (sorted(rng.sample(range(40), 2)) for _ in range(80))]
    svg = lineage_svg(_nodes(*ids), edges)
    x = _x(svg)
    assert _edges(svg) and all(x[a] < x[b] for a, b in _edges(svg))


def test_longest_path_layering_puts_a_shortcut_target_in_the_last_layer() -> None:
    x = _x(lineage_svg(_nodes("d/a", "d/b", "d/c"), [("d/a", "d/c"), ("d/a", "d/b"), ("d/b", "d/c")]))
    assert x["d/a"] < x["d/b"] < x["d/c"]


def test_edges_leave_the_producer_right_side_and_enter_the_consumer_left_side() -> None:
    svg = lineage_svg(_nodes("d/a", "d/b"), [("d/a", "d/b")])
    x = _x(svg)
    root = ET.fromstring(svg)
    path = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "edge")
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    width = float(next(ET.fromstring(svg).iter(f"{SVG}rect")).get("width"))
    assert path.get("d").startswith("M") and "C" in path.get("d")
    assert numbers[0] == x["d/a"] + width and numbers[-2] == x["d/b"]
    edges = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "edges")
    assert path in list(edges) and edges.get("marker-end", "").startswith("url(#lineage-arrow-")  # inherited


def test_same_bytes_whatever_the_input_order() -> None:
    rng = random.Random(3)
    ids = [f"d{i % 5}/p{i:03}" for i in range(120)]
    nodes = _nodes(*ids)
    edges = [(rng.choice(ids), rng.choice(ids)) for _ in range(300)]
    first = lineage_svg(nodes, edges, focus=ids[10])
    for _ in range(3):
        rng.shuffle(nodes)
        rng.shuffle(edges)
        assert lineage_svg(nodes, edges, focus=ids[10]) == first


def test_duplicate_ids_keep_one_node_whatever_the_input_order() -> None:
    one, two = Node("d/a", "first", "d"), Node("d/a", "second", "d")
    assert lineage_svg([one, two], []) == lineage_svg([two, one], [])
    assert ET.fromstring(lineage_svg([one, two], [])).get("data-nodes") == "1"


def test_numbers_have_at_most_one_decimal_and_no_trailing_zero() -> None:
    svg = lineage_svg(_nodes("d/a", "d/b", "d/c", "d/e"), [("d/a", "d/b"), ("d/a", "d/c"), ("d/e", "d/c")])
    root = ET.fromstring(svg)
    values = [root.get("viewBox")] + [
        el.get(name) for el in root.iter() for name in ("x", "y", "width", "height", "d") if el.get(name)
    ]
    numbers = [n for v in values for n in re.findall(r"[-\d.]+", v)]
    assert numbers and all(re.fullmatch(r"-?\d+(\.[1-9])?", n) for n in numbers)


def test_barycenter_sweeps_uncross_edges() -> None:
    # By id alone b1 sits above b2 and both edges cross; b2 follows its producer a1 to the top.
    root = ET.fromstring(lineage_svg(_nodes("d/a1", "d/a2", "d/b1", "d/b2"), [("d/a1", "d/b2"), ("d/a2", "d/b1")]))
    y = {g.get("data-id"): float(g.find(f"{SVG}rect").get("y")) for g in root.iter(f"{SVG}g") if g.get("data-id")}
    assert y["d/a1"] < y["d/a2"] and y["d/b2"] < y["d/b1"]


@pytest.mark.parametrize(
    ("edges", "back"),
    [
        ([("d/a", "d/b"), ("d/b", "d/c")], 0),
        ([("d/a", "d/b"), ("d/b", "d/c"), ("d/c", "d/a")], 1),
        ([("d/a", "d/b"), ("d/b", "d/a"), ("d/b", "d/c"), ("d/c", "d/b")], 2),
    ],
)
def test_cycles_are_drawn_with_every_node_and_edge(edges: list[tuple[str, str]], back: int) -> None:
    svg = lineage_svg(_nodes("d/a", "d/b", "d/c"), edges)
    assert set(_x(svg)) == {"d/a", "d/b", "d/c"}
    assert sorted(_edges(svg)) == sorted(edges)
    dashed = [p for p in ET.fromstring(svg).iter(f"{SVG}path") if p.get("stroke-dasharray")]
    assert len(dashed) == back  # the edges that close a cycle are told apart


def test_a_long_edge_runs_between_boxes_not_behind_them() -> None:
    svg = lineage_svg(_nodes("d/a", "d/b", "d/c"), [("d/a", "d/b"), ("d/b", "d/c"), ("d/a", "d/c")])
    root = ET.fromstring(svg)
    box = next(g for g in root.iter(f"{SVG}g") if g.get("data-id") == "d/b").find(f"{SVG}rect")
    x, y, w, h = (float(box.get(k)) for k in ("x", "y", "width", "height"))
    d = next(p.get("d") for p in root.iter(f"{SVG}path") if p.get("data-from") == "d/a" and p.get("data-to") == "d/c")
    across = re.findall(r"([\d.]+),([\d.]+)H([\d.]+)", d)  # the straight run through b's layer
    assert [(float(a), float(c)) for a, _, c in across] == [(x, x + w)]
    assert not y <= float(across[0][1]) <= y + h


def test_a_long_chain_does_not_hit_the_recursion_limit() -> None:
    ids = [f"d/p{i:05}" for i in range(3000)]
    svg = lineage_svg(_nodes(*ids), list(zip(ids, ids[1:], strict=False)))
    assert ET.fromstring(svg).get("data-nodes") == "3000"


def test_hostile_text_is_escaped() -> None:
    evil = '"><script>alert(1)</script><x a=\'\x01'
    node = Node(f"d/{evil}", f"label {evil}", f"group {evil}", f"p.html?q={evil}")
    svg = lineage_svg([node, *_nodes("d/b")], [(node.id, "d/b")], focus=node.id, title=f"T {evil}")
    root = ET.fromstring(svg)
    assert "<script" not in svg.lower()
    assert root.get("aria-label") == "T " + evil.replace("\x01", "")
    g = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "node focus")
    assert g.get("data-id") == node.id.replace("\x01", "")


@pytest.mark.parametrize(
    "href", ["javascript:alert(1)", "JavaScript:alert(1)", " javascript:x", "data:text/html,x", "https://evil.example/",
             "//evil.example/x", "/abs/page.html", "\\\\evil.example", ""],
)
def test_unsafe_hrefs_are_dropped(href: str) -> None:
    svg = lineage_svg([Node("d/a", "a", "d", href)], [])
    assert ET.fromstring(svg).find(f".//{SVG}a") is None
    assert "<a " not in svg


@pytest.mark.parametrize("href", ["../products/d/a.html", "a.html", "#d/a", "dir/a.html?x=1:2", "a.html?q=\"><script>"])
def test_relative_hrefs_and_fragments_are_links(href: str) -> None:
    root = ET.fromstring(lineage_svg([Node("d/a", "a", "d", href)], []))
    link = root.find(f".//{SVG}a")
    assert link is not None and link.get("href") == href
    assert link.find(f"{SVG}g").get("data-id") == "d/a"


def test_edges_naming_unknown_nodes_and_self_loops_are_ignored() -> None:
    svg = lineage_svg(_nodes("d/a", "d/b"), [("d/a", "d/b"), ("d/a", "x/ghost"), ("x/ghost", "d/b"), ("d/a", "d/a")])
    assert _edges(svg) == [("d/a", "d/b")]
    assert ET.fromstring(svg).get("data-edges") == "1"


def test_focus_is_highlighted() -> None:
    root = ET.fromstring(lineage_svg(_nodes("d/a", "d/b"), [("d/a", "d/b")], focus="d/b"))
    classes = {g.get("data-id"): g.get("class") for g in _boxes(root)}
    assert classes == {"d/a": "node", "d/b": "node focus"}
    inherited = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "nodes").get("stroke-width")
    widths = {g.get("data-id"): float(g.find(f"{SVG}rect").get("stroke-width", inherited)) for g in _boxes(root)}
    assert widths["d/b"] > widths["d/a"]


def test_counts_and_root_attributes() -> None:
    edges = [("d/a", "d/b"), ("d/a", "e/c"), ("d/a", "d/b")]
    svg = lineage_svg(_nodes("d/a", "d/b", "e/c", "d/a"), edges, title="Mine")
    root = ET.fromstring(svg)
    assert (root.get("data-nodes"), root.get("data-edges")) == ("3", "2")
    assert root.get("class") == "lineage" and root.get("role") == "img" and root.get("aria-label") == "Mine"
    assert root.find(f"{SVG}title").text == "Mine"
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "style" not in svg


def test_long_labels_are_truncated_with_the_full_label_as_tooltip() -> None:
    label = "a_very_long_data_product_name_indeed"
    root = ET.fromstring(lineage_svg([Node("d/x", label, "d")], []))
    (g,) = _boxes(root)
    shown = g.findall(f"{SVG}text")[-1].text
    assert shown.endswith("…") and len(shown) <= 28 and label.startswith(shown[:-1])
    assert g.find(f"{SVG}title").text == label


def test_groups_get_stable_distinct_colours() -> None:
    root = ET.fromstring(lineage_svg([Node(f"g{i}/x", "x", f"g{i}") for i in range(12)], []))
    colours = {g.get("data-id"): g.find(f"{SVG}rect").get("stroke") for g in _boxes(root)}
    assert len(set(colours.values())) > 3
    again = _boxes(ET.fromstring(lineage_svg([Node("g3/x", "x", "g3")], [])))[0].find(f"{SVG}rect").get("stroke")
    assert again == colours["g3/x"]


def test_marker_ids_differ_between_graphs() -> None:
    def marker(svg: str) -> str:
        return ET.fromstring(svg).find(f"{SVG}defs/{SVG}marker").get("id")

    one = marker(lineage_svg(_nodes("d/a", "d/b"), [("d/a", "d/b")]))
    other = marker(lineage_svg(_nodes("d/a", "d/c"), [("d/a", "d/c")]))
    assert one != other
    assert one == marker(lineage_svg(_nodes("d/b", "d/a"), [("d/a", "d/b")]))


def test_an_empty_graph_says_so() -> None:
    svg = lineage_svg([], [("d/a", "d/b")])
    root = ET.fromstring(svg)
    assert "No data products" in svg
    assert (root.get("data-nodes"), root.get("data-edges")) == ("0", "0")
    assert root.find(f"{SVG}g") is None
