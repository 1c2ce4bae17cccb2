"""The catalog shows a port's access: its mode, each agreement (consumer, purpose, status, until, approvers) on the
port page and in `api/v1`, and how to request access."""

from __future__ import annotations

import json
from pathlib import Path

from tests.testing import EXAMPLES, copy_mesh, run_cli


def test_the_port_page_and_api_show_its_agreements(tmp_path: Path):
    mesh = copy_mesh(EXAMPLES / "postgres-shop", tmp_path / "mesh-examples" / "postgres-shop")
    built = run_cli("docs", "build", "--out", str(tmp_path / "site"), cwd=mesh)
    assert built.code == 0, built.out + built.err
    api = json.loads((tmp_path / "site/api/v1/ports/sales/customers/customers.json").read_text())
    (agreement,) = api["agreements"]
    assert api["access"] == "agreement" and agreement["status"] == "approved"
    assert (agreement["consumer"], agreement["end"], agreement["approved_by"]) == (
        "marketing/customer-value (customers)", None, ["web-shop"])
    html = (tmp_path / "site/ports/sales/customers/customers.html").read_text()
    section = html[html.index("<h2>Access</h2>"):html.index("<h3>Who reads each field</h3>")]
    assert "By agreement" in section and "until revoked" in section
    assert "alchemesh access request sales/customers/customers --for DOMAIN/PRODUCT" in section
    orders = (tmp_path / "site/ports/sales/orders/orders.html").read_text()
    assert "Open: every product of the mesh" in orders and "access request" not in orders
