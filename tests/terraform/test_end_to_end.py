"""`alchemesh apply` on the quickstart for real: Terraform 1.0.3, the null provider and DuckDB, then a
contract change planned for the changed product and its consumers only, then `destroy`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from tests.components.local.test_local_components import query
from tests.testing import commit, edit, git, run_cli

STACKS = ["marketing/customer-value", "marketing/segments", "sales/customers", "sales/orders"]


def database(mesh: Path, stack: str) -> Path:
    return mesh / ".alchemesh" / "data" / "dev" / stack / f"{stack.split('/')[1]}.duckdb"


def statuses(result) -> dict[str, str]:
    return {s["stack"]: s["status"] for s in result.json()["stacks"]}


def test_apply_plan_change_destroy(checkout: Path, terraform_env: dict):
    mesh = checkout
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=terraform_env)
    assert applied.code == 0, applied.out + applied.err
    assert statuses(applied) == dict.fromkeys(STACKS, "applied")
    assert applied.json()["summary"]["add"] > 0

    # Output ports are DuckDB tables typed by their contracts, filled by the products' SQL.
    orders = database(mesh, "sales/orders")
    assert query(orders, "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                         "WHERE table_name = 'orders' ORDER BY column_index")[:2] == [
        ("order_id", "VARCHAR", False), ("customer_id", "VARCHAR", False)]
    assert query(orders, "SELECT count(*) FROM orders")[0][0] > 0
    # The consumers read their producers' ports: customer value per customer, then segments.
    customers = query(database(mesh, "sales/customers"), "SELECT count(*) FROM customers")[0][0]
    assert query(database(mesh, "marketing/customer-value"), "SELECT count(*) FROM customer_value") == [(customers,)]
    assert query(database(mesh, "marketing/segments"), "SELECT count(DISTINCT customer_id) FROM segments") == [
        (customers,)]
    assert (mesh / ".alchemesh" / "logs" / "dev" / "sales" / "orders.log").read_text().count("$ terraform apply") == 1

    again = run_cli("plan", "--format", "json", cwd=mesh, env=terraform_env)
    assert again.code == 0, again.err
    assert statuses(again) == dict.fromkeys(STACKS, "no-changes") and again.json()["guard"] == []

    # A component that makes its tables anew while no contract changed: said, for every port it serves.
    module = mesh.parents[1] / "components/local/output-port-duckdb/main.tf"
    module.write_text(module.read_text().replace("    path     = null_resource.database.triggers.path\n",
                                                 "    path     = null_resource.database.triggers.path\n"
                                                 "    layout   = \"2\"\n"))
    drifted = run_cli("plan", "--format", "json", cwd=mesh, env=terraform_env)
    assert drifted.code == 0, drifted.out + drifted.err  # a warning: the run goes on
    assert {(f["rule"], f["severity"], f["port"]) for f in drifted.json()["guard"]} == {
        ("port-schema-changed", "warning", f"{stack}/{stack.split('/')[1]}") for stack in STACKS}
    git(mesh.parents[1], "checkout", "--", "components/local/output-port-duckdb/main.tf")

    # One contract changes: the plan covers that product and whoever reads it, nothing else.
    edit(mesh, "domains/sales/customers/contract.odcs.yaml",
         ("      - name: email\n", "      - name: loyalty_tier\n        logicalType: string\n"
                                   "        physicalType: VARCHAR\n        description: Loyalty programme tier.\n"
                                   "        classification: internal\n      - name: email\n"))
    changed = run_cli("plan", "--changed-since", "HEAD", "--include-dependents", "--format", "json",
                      "--summary", "plan.md", cwd=mesh, env=terraform_env)
    assert changed.code == 0, changed.out + changed.err
    report = changed.json()
    (migrated,) = report["guard"]  # its tables migrate: no port's data goes, and the contract says why
    assert (migrated["rule"], migrated["severity"], migrated["port"]) == (
        "port-schema-changed", "info", "sales/customers/customers")
    assert "1 compatible" in migrated["message"]
    # The dependents are unchanged and read sales/customers' state, which has yet to change: not planned now.
    assert statuses(changed) == {"sales/customers": "changes", "marketing/customer-value": "deferred",
                                 "marketing/segments": "deferred"}
    assert report["summary"]["deferred"] == 2
    reasons = {s["stack"]: s["reason"] for s in report["stacks"]}
    assert reasons["sales/customers"] == "compiled stack changed"
    assert reasons["marketing/customer-value"] == ("downstream of sales/customers; planned once sales/customers "
                                                   "applies (`--plan-dependents` plans it now)")
    assert "$ terraform" not in (mesh / ".alchemesh/logs/dev/marketing/segments.log").read_text()
    planned = run_cli("plan", "--changed-since", "HEAD", "--include-dependents", "--plan-dependents", "--format",
                      "json", cwd=mesh, env=terraform_env)
    assert statuses(planned) == {"sales/customers": "changes", "marketing/customer-value": "no-changes",
                                 "marketing/segments": "no-changes"}
    assert report["base"] == commit_id(mesh, "HEAD")
    markdown = (mesh / "plan.md").read_text()
    assert markdown.startswith("<!-- alchemesh:plan:dev -->\n")
    assert "<details><summary><code>sales/customers</code>" in markdown
    assert "sales/orders" not in markdown

    # Without dependents, only the product itself; a SQL change alone selects its product too.
    only = run_cli("plan", "--changed-since", "HEAD", "--format", "json", cwd=mesh, env=terraform_env)
    assert sorted(statuses(only)) == ["sales/customers"]
    commit(mesh, "loyalty tier")
    (mesh / "domains/sales/orders/transform/orders.sql").write_text(
        (mesh / "domains/sales/orders/transform/orders.sql").read_text() + "\n-- reviewed\n")
    sql = run_cli("plan", "--changed-since", "HEAD", "--format", "json", cwd=mesh, env=terraform_env)
    assert {s["stack"]: s["reason"] for s in sql.json()["stacks"]} == {
        "sales/orders": "orders/transform/orders.sql changed"}

    # Drift: the pending contract change is a difference between specs and what exists.
    drift = run_cli("drift", "--product", "sales/customers", "--format", "json", cwd=mesh, env=terraform_env)
    assert drift.code == 1, drift.err
    assert statuses(drift) == {"sales/customers": "drifted"}

    plan_guard(mesh, terraform_env)

    destroyed = run_cli("destroy", "--auto-approve", "--parallelism", "1", cwd=mesh, env=terraform_env)
    assert destroyed.code == 0, destroyed.out + destroyed.err
    finished = [line.split(":")[0] for line in destroyed.err.splitlines() if ": destroyed" in line]
    assert finished.index("marketing/segments") < finished.index("marketing/customer-value") < min(
        finished.index("sales/customers"), finished.index("sales/orders"))
    assert not any(database(mesh, stack).exists() for stack in STACKS)
    assert (mesh / "data" / "shop" / "orders.csv").is_file()  # the landed data is not the product's to delete


def plan_guard(mesh: Path, env: dict) -> None:
    """A moved database (a new `state_dir`): `plan` stops on `port-data-destroyed` naming the port's readers and the
    forcing attributes; `apply` with the port allowed and a reason applies, saying it in its JSON and events."""
    edit(mesh, "domains/sales/orders/product.yaml", ("      visibility: public\n", "      visibility: public\n"
                                                     "      config: {state_dir: ../../../.alchemesh/moved}\n"))
    planned = run_cli("plan", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert planned.code == 1, planned.out + planned.err
    (finding,) = planned.json()["guard"]
    assert (finding["rule"], finding["severity"], finding["port"]) == ("port-data-destroyed", "error",
                                                                        "sales/orders/orders")
    assert finding["consumers"] == {"direct": ["marketing/customer-value"], "transitive": ["marketing/segments"]}
    assert finding["address"] == "module.output_orders.null_resource.database" and finding["replaced"]
    assert "triggers.state_dir" in finding["cause"]
    assert (finding["file"], finding["line"]) == ("domains/sales/orders/product.yaml", 22)  # the value that did it
    events = mesh / "events.jsonl"
    allowed = run_cli("apply", "--auto-approve", "--format", "json", "--product", "sales/orders", "--allow-data-loss",
                      "sales/orders/orders", "--reason", "moving the data to the new disk", "--events", str(events),
                      cwd=mesh, env=env)
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


def commit_id(root: Path, rev: str) -> str:
    return git(root, "rev-parse", rev).strip()


def test_json_report_is_deterministic(checkout: Path, one_terraform_env: dict):
    first = run_cli("plan", "--format", "json", "--domain", "sales", cwd=checkout, env=one_terraform_env)
    second = run_cli("plan", "--format", "json", "--domain", "sales", "--summary", "out/plan.json", cwd=checkout,
                     env=one_terraform_env)
    assert first.code == 0, first.err
    assert first.out == second.out
    assert (checkout / "out/plan.json").read_text() == second.out  # a .json summary is the JSON report
    assert json.loads(first.out)["summary"]["stacks"] == 2


def test_stacks_restored_with_their_terraform_folder_plan_without_init(checkout: Path, one_terraform_env: dict):
    """What the workflows' cache step keeps (`.alchemesh/build/ENV/**/.terraform`) is all a fresh CI checkout
    needs to skip every `init`: the rest of `.alchemesh/` is gone, as on a new runner."""
    import fnmatch

    from alchemesh.scaffold.templates import workflow_files

    step = workflow_files()[".github/workflows/alchemesh-pr.yml"].split("actions/cache@")[1].split("key:")[0]
    patterns = [line.strip().replace("${{ env.MESH_ENV }}", "dev").replace("**/", "*/")
                for line in step.split("path: |")[1].splitlines() if line.strip()]
    assert run_cli("plan", cwd=checkout, env=one_terraform_env).code == 0
    build = checkout / ".alchemesh/build/dev"
    kept_paths = sorted(p for p in build.rglob("*") if p.name in (".terraform", ".terraform.lock.hcl"))
    assert len(kept_paths) == 2 * len(STACKS)
    shown = [p.relative_to(checkout).as_posix() for p in kept_paths]
    assert all(any(fnmatch.fnmatch(p, pattern) for pattern in patterns) for p in shown), (patterns, shown)
    kept = checkout.parent / "cache"
    for path in kept_paths:
        (kept / path.relative_to(checkout)).parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            shutil.copytree(path, kept / path.relative_to(checkout), symlinks=True)
        else:
            shutil.copy2(path, kept / path.relative_to(checkout))
    shutil.rmtree(checkout / ".alchemesh")
    shutil.copytree(kept, checkout, symlinks=True, dirs_exist_ok=True)
    again = run_cli("plan", "--format", "json", cwd=checkout, env=one_terraform_env)
    assert again.code == 0 and set(statuses(again).values()) == {"changes"}, again.out + again.err
    logs = [p.read_text() for p in (checkout / ".alchemesh/logs/dev").rglob("*.log")]
    assert len(logs) == len(STACKS) and not [log for log in logs if "$ terraform init" in log]
