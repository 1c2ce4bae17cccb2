"""The catalog tells a consumer where a port's data is: `apply` records each port's `location` per environment, the
port page and `api/v1` show it with a command that reads it, and `destroy` forgets it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import duckdb

from tests.testing import run_cli


def test_apply_records_where_each_port_is_and_the_catalog_shows_how_to_read_it(checkout: Path,
                                                                              one_terraform_env: dict):
    mesh, env = checkout, one_terraform_env
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=env).code == 0
    recorded = json.loads((mesh / ".alchemesh/ports/dev.json").read_text())["ports"]
    assert recorded["sales/orders/orders"] == ".alchemesh/data/dev/sales/orders/orders.duckdb"
    assert len(recorded) == 4

    assert run_cli("docs", "build", cwd=mesh).code == 0
    site = mesh / ".alchemesh/site"
    (location,) = json.loads((site / "api/v1/ports/sales/orders/orders.json").read_text())["locations"]
    assert location["environment"] == "dev" and location["engine"] == "duckdb"
    argv = shlex.split(location["reading"])
    assert argv[:3] == ["duckdb", "-readonly", recorded["sales/orders/orders"]] and argv[3] == "-c"
    rows = duckdb.connect(str(mesh / argv[2]), read_only=True).sql(argv[4]).fetchall()  # run from the mesh root
    assert len(rows) == 10 and rows[0][0].startswith("O-")
    page = (site / "ports/sales/orders/orders.html").read_text()
    assert "<h2>Where the data is</h2>" in page and recorded["sales/orders/orders"] in page
    assert "not applied here" not in (site / "products/sales/orders.html").read_text()

    assert run_cli("destroy", "--auto-approve", "--product", "marketing/segments", cwd=mesh, env=env).code == 0
    left = json.loads((mesh / ".alchemesh/ports/dev.json").read_text())["ports"]
    assert "marketing/segments/segments" not in left and "sales/orders/orders" in left
    assert run_cli("docs", "build", cwd=mesh).code == 0
    assert "Not applied here" in (site / "ports/marketing/segments/segments.html").read_text()
