"""The catalog tells a producer who reads each field, and everyone what goes when: port pages, `api/v1`, the
migration board (its days left counted in the browser, so the bytes stay those of the specs)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.docs.test_browser import browser, page  # noqa: F401, F811 — the real browser's fixtures
from tests.testing import QUICKSTART, copy_mesh, edit, run_cli

SUNSET = ("      visibility: public\n", "      visibility: public\n      status: deprecated\n"
          "      sunset: {date: 2027-03-31, replacedBy: orders-v2, reason: refunds are in v2}\n")
FIELD = ("        examples: [delivered]\n", "        examples: [delivered]\n        deprecated: true\n"
         "        customProperties:\n          - {property: sunset, value: 2027-01-15}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    mesh = copy_mesh(QUICKSTART, tmp_path_factory.mktemp("usage") / "mesh-examples" / "quickstart")
    edit(mesh, "domains/sales/orders/product.yaml", SUNSET)
    edit(mesh, "domains/sales/orders/contract.odcs.yaml", ("apiVersion: v3.1.0", "apiVersion: v3.2.0"), FIELD)
    built = run_cli("docs", "build", "--out", str(mesh / "site"), cwd=mesh, env={"ALCHEMESH_TODAY": "2026-12-07"})
    assert built.code == 0, built.out + built.err
    return mesh / "site"


def test_the_port_page_and_api_say_who_reads_each_field(site: Path):
    api = json.loads((site / "api/v1/ports/sales/orders/orders.json").read_text())
    (consumer,) = api["consumers"]
    assert (consumer["input_port"], consumer["unknown"]) == ("orders", None)
    assert consumer["fields"] == ["orders.customer_id", "orders.ordered_at", "orders.amount_eur", "orders.status"]
    readers = {f["field"]: [r["product"]["id"] for r in f["readers"]] for f in api["fields"]}
    assert readers["orders.order_id"] == [] and readers["orders.status"] == ["marketing/customer-value"]
    assert {f["field"]: f["sunset"] for f in api["fields"]}["orders.status"] == "2027-01-15"
    assert api["sunset"] == {"date": "2027-03-31", "replaced_by": "orders-v2", "reason": "refunds are in v2"}
    html = (site / "ports/sales/orders/orders.html").read_text()
    assert "Read by 1 consumer." in html and "<code>orders.amount_eur</code>" in html
    assert "<dt>Sunset</dt><dd>2027-03-31, replaced by <code>orders-v2</code>: refunds are in v2</dd>" in html


def test_the_migration_board_lists_every_sunset_soonest_first_with_its_readers(site: Path):
    html = (site / "migrations.html").read_text()
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert ["orders.status" in rows[0], "the whole port" in rows[1]] == [True, True]
    assert all("marketing/customer-value" in row for row in rows)
    assert 'data-sunset="2027-01-15"' in rows[0] and "2026" not in html  # no day of the build in the bytes


def test_days_left_are_counted_in_the_browser(site: Path, page):  # noqa: F811
    page.clock.set_fixed_time("2027-03-21T12:00:00Z")
    page.goto((site / "migrations.html").as_uri())
    assert page.locator("td.days-left").all_inner_texts() == ["passed 65 days ago", "10"]
    assert page.errors == []
