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


def _move_orders(mesh: Path) -> None:
    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      config: {state_dir: ../../../.alchemesh/moved}\n"))


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

    _move_orders(mesh)
    planned = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert planned.code == 1, planned.out + planned.err
    (finding,) = _guard(planned)
    assert (finding["rule"], finding["severity"], finding["port"]) == ("port-data-destroyed", "error",
                                                                        "sales/orders/orders")
    assert finding["consumers"] == {"direct": ["marketing/customer-value"], "transitive": ["marketing/segments"]}
    assert finding["address"] == "module.output_orders.null_resource.database" and finding["replaced"]
    assert "triggers.state_dir" in finding["cause"]
    assert (finding["file"], finding["line"]) == (ORDERS, 22)  # the config value that caused it

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


def test_apply_leaves_the_stack_guarded_and_protect_holds_whatever_the_flags_say(checkout: Path,
                                                                                 one_terraform_env: dict):
    mesh, env = checkout, one_terraform_env
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=env).code == 0
    _move_orders(mesh)
    text = run_cli("plan", cwd=mesh, env=env)
    assert text.code == 1 and text.out.startswith("error: domains/sales/orders/product.yaml:22:")
    assert "read by marketing/customer-value, and downstream marketing/segments" in text.out

    refused = run_cli("apply", "--auto-approve", "--format", "json", "--summary", str(mesh / "comment.md"),
                      cwd=mesh, env=env)
    assert refused.code == 1, refused.out + refused.err
    statuses = {s["stack"]: s["status"] for s in refused.json()["stacks"]}
    assert statuses["sales/orders"] == "guarded"
    assert statuses["marketing/customer-value"] == statuses["marketing/segments"] == "skipped"
    comment = (mesh / "comment.md").read_text()
    assert comment.index("port-data-destroyed") < comment.index("| stack |")  # the PR comment leads with it
    no_reason = run_cli("apply", "--auto-approve", "--allow-data-loss", "sales/orders/orders", cwd=mesh, env=env)
    assert no_reason.code == 2 and "--reason" in no_reason.err

    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      protect: [dev]\n"))
    protected = run_cli("apply", "--auto-approve", "--format", "json", "--allow-data-loss", "sales/orders/orders",
                        "--reason", "moving the data", cwd=mesh, env=env)
    assert protected.code == 1 and {s["stack"]: s["status"] for s in protected.json()["stacks"]}[
        "sales/orders"] == "guarded"
    destroy = run_cli("destroy", "--auto-approve", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert destroy.code == 1 and destroy.json()["stacks"][0]["status"] == "guarded"
    assert (mesh / ".alchemesh/data/dev/sales/orders/orders.duckdb").is_file()  # the data is where it was
