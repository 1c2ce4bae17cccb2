"""`docs build` writes the mesh's history as a static CloudEvents feed (`api/v1/events/`), derived from git: products
added, deprecated, retired; contract versions published, breaking ones with their changes; consumers told of sunsets. Valid against the
published schemas, paged, the same bytes on every build."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

import datetime

from alchemesh.docs.feed import PAGE, ProductChange, Sunsets, feed
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
    changes = [ProductChange(f"d/p{i:03d}", "active", f"c{i:03d}", f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", "a", "s")
               for i in range(PAGE * 2 + 5)]
    files = feed("m", changes, {}, Sunsets([], 30, datetime.date(2026, 1, 1)))
    index = json.loads(files["api/v1/events/index.json"])
    assert index["pages"] == ["page-1.json", "page-2.json", "page-3.json"] and index["events"] == PAGE * 2 + 5
    pages = [json.loads(files[f"api/v1/events/{p}"]) for p in index["pages"]]
    assert [len(p) for p in pages] == [PAGE, PAGE, 5]
    assert pages[0][0]["subject"] == "d/p000" and pages[-1][-1]["subject"] == f"d/p{PAGE * 2 + 4:03d}"


def _sunset_events(mesh: Path, today: str) -> list[dict]:
    built = run_cli("docs", "build", cwd=mesh, env={"ALCHEMESH_TODAY": today})
    assert built.code == 0, built.out + built.err
    folder = mesh / ".alchemesh/site/api/v1/events"
    index = json.loads((folder / "index.json").read_text())
    events = [e for page in index["pages"] for e in json.loads((folder / page).read_text())]
    for event in events:
        _valid(event)
    return [e for e in events if e["type"].startswith("io.alchemesh.port.sunset-")]


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
