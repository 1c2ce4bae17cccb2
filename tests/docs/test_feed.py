"""`docs build` writes the mesh's history as a static CloudEvents feed (`api/v1/events/`), derived from git: products
added, deprecated, retired; contract versions published, breaking ones with their changes; consumers told of sunsets. Valid against the
published schemas, paged, the same bytes on every build."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

import datetime

from alchemesh.docs.feed import PAGE, Access, StatusChange, Sunsets, feed
from tests.testing import REPO, commit, edit, git, run_cli

SCHEMAS = REPO / "schemas" / "events"


def _valid(event: dict) -> None:
    schema = json.loads((SCHEMAS / f"{event['type']}.schema.json").read_text())
    jsonschema.validate(event, schema, format_checker=jsonschema.FormatChecker())


def test_the_feed_follows_the_mesh_through_git(quickstart: Path):
    git(quickstart, "init", "-q", "-b", "main")
    commit(quickstart, "the mesh")
    edit(quickstart, "domains/marketing/segments/product.yaml", ("status: active", "status: deprecated"))
    commit(quickstart, "segments is deprecated")
    contract = "domains/sales/orders/contract.odcs.yaml"
    edit(quickstart, contract, ("version: 1.1.0", "version: 2.0.0"), ("        required: true\n        unique: true\n",
                                                                      "        required: false\n        unique: true\n"))
    edit(quickstart, "domains/sales/orders/product.yaml", ("      version: 1\n", "      version: 2\n"))
    edit(quickstart, "domains/marketing/customer-value/product.yaml",
         ("source: {outputPort: sales/orders/orders}", "source: {outputPort: sales/customers/customers}"))
    (quickstart / "domains/marketing/customer-value/transform/customer_value.sql").write_text(  # what it now reads
        "INSERT INTO customer_value (customer_id, country) SELECT customer_id, country FROM customers.customers;\n")
    commit(quickstart, "orders 2.0.0: order_id may be null")
    edit(quickstart, "domains/marketing/segments/product.yaml", ("status: deprecated", "status: retired"))
    commit(quickstart, "segments is retired")

    built = run_cli("docs", "build", cwd=quickstart)
    assert built.code == 0, built.out + built.err
    folder = quickstart / ".alchemesh/site/api/v1/events"
    index = json.loads((folder / "index.json").read_text())
    events = [e for page in index["pages"] for e in json.loads((folder / page).read_text())]
    assert index["events"] == len(events) and index["newest"] == index["pages"][-1]
    for event in events:
        _valid(event)
    seen = [(e["type"], e["subject"]) for e in events]
    assert seen.count(("io.alchemesh.product.added", "marketing/segments")) == 1
    assert seen.index(("io.alchemesh.product.deprecated", "marketing/segments")) < \
        seen.index(("io.alchemesh.product.retired", "marketing/segments"))
    published = [e["data"] for e in events if e["subject"] == "urn:datacontract:sales:orders"]
    assert [(d["version"], d["breaking"]) for d in published] == [("1.1.0", False), ("2.0.0", True)]
    assert [c["rule"] for c in published[1]["changes"]] == ["field-made-optional"]
    assert published[1]["subject"] == "orders 2.0.0: order_id may be null"
    ids = [e["id"] for e in events]
    assert len(set(ids)) == len(ids)

    again = run_cli("docs", "build", cwd=quickstart)
    assert again.code == 0 and {p: (folder / p).read_bytes() for p in index["pages"]} == {
        p: (quickstart / ".alchemesh/site/api/v1/events" / p).read_bytes() for p in index["pages"]}


def test_pages_hold_at_most_a_page_oldest_first():
    changes = [StatusChange(f"d/p{i:03d}", "active", f"c{i:03d}", f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", "a", "s")
               for i in range(PAGE * 2 + 5)]
    day = datetime.date(2026, 1, 1)
    files = feed("m", changes, {}, Sunsets([], 30, day), Access([], {}, [], 30, day))
    index = json.loads(files["api/v1/events/index.json"])
    assert index["pages"] == ["page-1.json", "page-2.json", "page-3.json"] and index["events"] == PAGE * 2 + 5
    pages = [json.loads(files[f"api/v1/events/{p}"]) for p in index["pages"]]
    assert [len(p) for p in pages] == [PAGE, PAGE, 5]
    assert pages[0][0]["subject"] == "d/p000" and pages[-1][-1]["subject"] == f"d/p{PAGE * 2 + 4:03d}"


def _sunset_events(mesh: Path, today: str) -> list[dict]:
    return [e for e in _events(mesh, today) if e["type"].startswith("io.alchemesh.port.sunset-")]


def test_sunsets_reach_the_feed_on_the_days_they_became_true(git_quickstart: Path):
    edit(git_quickstart, "domains/sales/orders/product.yaml", ("      visibility: public\n", "      visibility: public\n"
                                                               "      status: deprecated\n"
                                                               "      sunset: {date: 2027-01-31, replacedBy: orders-v2}\n"))
    commit(git_quickstart, "orders goes on 2027-01-31")
    assert _sunset_events(git_quickstart, "2026-12-31") == []  # 31 days before: not yet told

    (approaching,) = _sunset_events(git_quickstart, "2027-01-01")  # the Mesh's 30 days before
    assert (approaching["type"], approaching["subject"], approaching["time"]) == (
        "io.alchemesh.port.sunset-approaching", "marketing/customer-value", "2027-01-01T00:00:00Z")
    assert approaching["data"]["file"] == "domains/marketing/customer-value/product.yaml"
    assert "(30 days left)" in approaching["data"]["message"] and approaching["data"]["hint"] == "move to `orders-v2`"

    checked = run_cli("validate", "--events", str(git_quickstart / "events.jsonl"), cwd=git_quickstart,
                      env={"ALCHEMESH_TODAY": "2027-02-01"})
    (said,) = [json.loads(line) for line in (git_quickstart / "events.jsonl").read_text().splitlines()]
    assert checked.code == 1 and said["type"] == "io.alchemesh.port.sunset-passed"
    edit(git_quickstart, "domains/marketing/customer-value/product.yaml",  # a site is built only when it validates
         ("source: {outputPort: sales/orders/orders}",
          "source: {outputPort: sales/orders/orders}  # alchemesh: ignore[sunset-passed] moving in sprint 12"))
    told = _sunset_events(git_quickstart, "2027-03-01")
    assert [(e["type"], e["time"]) for e in told] == [("io.alchemesh.port.sunset-approaching", "2027-01-01T00:00:00Z"),
                                                      ("io.alchemesh.port.sunset-passed", "2027-02-01T00:00:00Z")]
    assert told[0]["id"] == approaching["id"]  # the same event on every later build
    assert told[1]["data"] == said["data"]  # what validate said that day, the feed says too


def test_agreements_reach_the_feed_as_they_are_requested_approved_and_end(git_quickstart: Path):
    mesh = git_quickstart
    edit(mesh, "domains/sales/orders/product.yaml", ("      visibility: public\n", "      visibility: public\n"
                                                     "      access: agreement\n"))
    assert run_cli("access", "request", "sales/orders/orders", "--for", "marketing/customer-value", "--purpose",
                   "Lifetime value.", "--until", "2027-01-31", cwd=mesh, env={"ALCHEMESH_TODAY": "2026-12-01"}).code == 0
    commit(mesh, "customer-value asks to read orders")
    agreement = "domains/sales/orders/agreements/marketing-customer-value-orders.yaml"
    edit(mesh, agreement, ("  status: requested\n", "  status: approved\n  approvedBy: [web-shop]\n"))
    commit(mesh, "web-shop approves")

    events = [e for e in _events(mesh, "2027-02-01") if ".access." in e["type"]]
    kinds = {e["type"]: e for e in events}
    assert [(e["type"], e["subject"]) for e in events[2:]] == [  # the two commits may share a second: by type
        ("io.alchemesh.access.expiring", "marketing/customer-value"),
        ("io.alchemesh.access.expired", "marketing/customer-value")]
    assert {e["subject"] for e in events[:2]} == {"orders-for-marketing-customer-value"}
    approved = kinds["io.alchemesh.access.approved"]["data"]
    assert approved["port"] == "sales/orders/orders" and approved["subject"] == "web-shop approves"
    assert kinds["io.alchemesh.access.requested"]["data"]["status"] == "requested"
    assert (events[2]["time"], events[3]["time"]) == ("2027-01-01T00:00:00Z", "2027-02-01T00:00:00Z")
    checked = run_cli("validate", "--events", str(mesh / "events.jsonl"), cwd=mesh,
                      env={"ALCHEMESH_TODAY": "2027-02-01"})
    said = [json.loads(line) for line in (mesh / "events.jsonl").read_text().splitlines()]
    assert checked.code == 1 and [e["type"] for e in said] == ["io.alchemesh.access.expired"]
    assert said[0]["data"] == events[3]["data"]  # what validate says that day, the feed says too


def _events(mesh: Path, today: str) -> list[dict]:
    built = run_cli("docs", "build", cwd=mesh, env={"ALCHEMESH_TODAY": today})
    assert built.code == 0, built.out + built.err
    folder = mesh / ".alchemesh/site/api/v1/events"
    index = json.loads((folder / "index.json").read_text())
    events = [e for page in index["pages"] for e in json.loads((folder / page).read_text())]
    for event in events:
        _valid(event)
    return events
