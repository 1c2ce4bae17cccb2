"""The plan guard on the applied quickstart, on both Terraform versions: a change that replaces `sales/orders`' database
makes `plan` exit 1 naming its readers (direct and downstream) and the forcing attributes, `apply` leaves the stack
`guarded` (its dependents skipped) until `--allow-data-loss … --reason` lets it through, the reason in the summary
and the events; `protect` holds whatever the flags say; unchanged and additive plans raise nothing."""

from __future__ import annotations

import json
from pathlib import Path

from tests.testing import edit, git, run_cli

ORDERS = "domains/sales/orders/product.yaml"
PORT_LINE = "      visibility: public\n"


def _guard(result) -> list[dict]:
    return result.json()["guard"]


def test_a_plan_that_destroys_a_ports_data_stops_and_names_its_readers(checkout: Path, terraform_env: dict):
    mesh, env = checkout, terraform_env
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=env)
    assert applied.code == 0, applied.out + applied.err
    assert _guard(applied) == []  # the first apply creates: nothing to guard

    unchanged = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert unchanged.code == 0 and _guard(unchanged) == []
    contract = mesh / "domains/sales/orders/contract.odcs.yaml"  # a new column: the tables migrate, the data stays
    contract.write_text(contract.read_text().replace(
        "      - name: amount_eur\n", "      - name: channel\n        logicalType: string\n        physicalType: VARCHAR\n"
        "      - name: amount_eur\n", 1))
    additive = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert additive.code == 0 and _guard(additive) == [], additive.out
    assert any(s["stack"] == "sales/orders" and s["replace"] for s in additive.json()["stacks"])
    git(mesh, "checkout", "--", "domains/sales/orders/contract.odcs.yaml")

    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      config: {state_dir: ../../../.alchemesh/moved}\n"))
    planned = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert planned.code == 1, planned.out + planned.err
    (finding,) = _guard(planned)
    assert (finding["rule"], finding["severity"], finding["port"]) == ("port-data-destroyed", "error",
                                                                        "sales/orders/orders")
    assert finding["consumers"] == {"direct": ["marketing/customer-value"], "transitive": ["marketing/segments"]}
    assert finding["address"] == "module.output_orders.null_resource.database" and finding["replaced"]
    assert "triggers.state_dir" in finding["cause"]
    assert (finding["file"], finding["line"]) == (ORDERS, 22)  # the config value that caused it
    text = run_cli("plan", cwd=mesh, env=env)
    assert text.code == 1 and text.out.startswith("error: domains/sales/orders/product.yaml:22:")

    refused = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=env)
    assert refused.code == 1, refused.out + refused.err
    statuses = {s["stack"]: s["status"] for s in refused.json()["stacks"]}
    assert statuses["sales/orders"] == "guarded"
    assert statuses["marketing/customer-value"] == statuses["marketing/segments"] == "skipped"
    no_reason = run_cli("apply", "--auto-approve", "--allow-data-loss", "sales/orders/orders", cwd=mesh, env=env)
    assert no_reason.code == 2 and "--reason" in no_reason.err

    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      protect: [dev]\n"))
    protected = run_cli("apply", "--auto-approve", "--format", "json", "--allow-data-loss", "sales/orders/orders",
                        "--reason", "moving the data", cwd=mesh, env=env)
    assert protected.code == 1 and {s["stack"]: s["status"] for s in protected.json()["stacks"]}[
        "sales/orders"] == "guarded"
    edit(mesh, ORDERS, (PORT_LINE + "      protect: [dev]\n", PORT_LINE))

    events = mesh / "events.jsonl"
    allowed = run_cli("apply", "--auto-approve", "--format", "json", "--allow-data-loss", "sales/orders/orders",
                      "--reason", "moving the data to the new disk", "--events", str(events), cwd=mesh, env=env)
    assert allowed.code == 0, allowed.out + allowed.err
    summary = allowed.json()
    assert summary["reason"] == "moving the data to the new disk"
    assert {s["stack"]: s["status"] for s in summary["stacks"]}["sales/orders"] == "applied"
    (let_through,) = summary["guard"]
    assert let_through["severity"] == "warning" and let_through["allowed"] == "moving the data to the new disk"
    (event,) = [e for e in map(json.loads, events.read_text().splitlines()) if e["subject"] == "sales/orders"]
    assert event["type"] == "io.alchemesh.stack.applied"
    assert event["data"]["allowedDataLoss"] == "moving the data to the new disk"
    assert event["data"]["dataLoss"][0]["port"] == "sales/orders/orders" and event["data"]["dataLoss"][0]["allowed"]
    assert (mesh / ".alchemesh/moved/dev/sales/orders/orders.duckdb").is_file()
    again = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert again.code == 0 and _guard(again) == []
