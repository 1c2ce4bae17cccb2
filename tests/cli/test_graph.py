"""`alchemesh graph` through the real CLI, on the quickstart mesh."""

from __future__ import annotations

from tests.testing import assert_no_traceback, run_cli

EDGES = {
    ("sales/customers", "customers", "marketing/customer-value"),
    ("sales/orders", "orders", "marketing/customer-value"),
    ("marketing/customer-value", "customer-value", "marketing/segments"),
}


def _edges(body: dict) -> set[tuple[str, str, str]]:
    return {(e["producer"], e["outputPort"], e["consumer"]) for e in body["edges"]}


def test_json_lists_products_and_edges(quickstart):
    body = run_cli("graph", "--format", "json", str(quickstart)).json()
    assert [p["id"] for p in body["products"]] == [
        "marketing/customer-value", "marketing/segments", "sales/customers", "sales/orders"
    ]
    assert _edges(body) == EDGES
    orders = next(p for p in body["products"] if p["id"] == "sales/orders")
    assert orders["outputPorts"][0]["consumers"] == ["marketing/customer-value/orders"]


def test_focus_upstream_and_downstream(quickstart):
    up = run_cli("graph", "--format", "json", "--focus", "marketing/segments", "--upstream", str(quickstart)).json()
    assert {p["id"] for p in up["products"]} == {
        "marketing/segments", "marketing/customer-value", "sales/orders", "sales/customers"
    }
    down = run_cli("graph", "--format", "json", "--focus", "orders", "--downstream", str(quickstart)).json()
    assert {p["id"] for p in down["products"]} == {"sales/orders", "marketing/customer-value", "marketing/segments"}
    assert ("sales/customers", "customers", "marketing/customer-value") not in _edges(down)


def test_mermaid_and_dot(quickstart):
    mermaid = run_cli("graph", "--format", "mermaid", str(quickstart)).out
    assert mermaid.startswith("flowchart LR")
    assert mermaid.count("-->") == len(EDGES)
    dot = run_cli("graph", "--format", "dot", str(quickstart)).out
    assert dot.startswith("digraph mesh {")
    assert '"sales/orders" -> "marketing/customer-value" [label="orders"];' in dot


def test_text_shows_both_directions(quickstart):
    text = run_cli("graph", str(quickstart)).out
    assert "← sales/orders/orders" in text
    assert "→ marketing/customer-value" in text


def test_unknown_focus_is_a_usage_error_with_a_hint(quickstart):
    result = run_cli("graph", "--focus", "sales/order", str(quickstart))
    assert result.code == 2
    assert "did you mean `sales/orders`?" in result.err
    assert_no_traceback(result)


def test_upstream_without_focus_is_a_usage_error(quickstart):
    assert run_cli("graph", "--upstream", str(quickstart)).code == 2


def test_a_graph_of_a_broken_mesh_counts_its_errors_in_words(quickstart):
    product = quickstart / "domains/sales/orders/product.yaml"
    product.write_text(product.read_text().replace("owner: web-shop", "owner: webshop"))
    result = run_cli("graph", str(quickstart))
    assert result.code == 0 and "the mesh has 1 validation error;" in result.err, result.err
