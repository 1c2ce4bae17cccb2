"""The controller on real remote state: the `pg` backend on a real PostgreSQL server."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

from tests.terraform.conftest import SLOW_SQL, start_slow_apply
from tests.testing import edit, git, run_cli

LOCAL_BACKEND = '''    backend:
      type: local
      config:
        path: "{root}/.alchemesh/state/{env}/{domain}/{product}.tfstate"
'''


def on_pg(mesh: Path, url: str, prefix: str | None = None) -> str:
    """The mesh on the pg backend. Terraform 1.0 reads `conn_str` only from the config (PG_CONN_STR came in
    1.2); the URL carries no password (PGPASSWORD would, from the environment)."""
    prefix = prefix or f"t{uuid.uuid4().hex[:8]}"  # one server for the session: each test its own schemas
    edit(mesh, "alchemesh.yaml", (LOCAL_BACKEND, f'''    backend:
      type: pg
      config:
        conn_str: "{url}"
        schema_name: "{prefix}_{{env}}_{{domain}}_{{product}}"
'''))
    return prefix


def statuses(result) -> dict[str, str]:
    return {s["stack"]: s["status"] for s in result.json()["stacks"]}


def test_consumers_plan_before_their_producers_were_ever_applied_then_apply(checkout: Path, one_terraform_env: dict,
                                                                            pg_url: str):
    on_pg(checkout, pg_url)
    env = one_terraform_env
    plan = run_cli("plan", "--format", "json", cwd=checkout, env=env)  # one level's stacks wait for pg's lock
    assert plan.code == 0, plan.out + plan.err
    assert set(statuses(plan).values()) == {"changes"}
    reasons = {s["stack"]: s["reason"] for s in plan.json()["stacks"]}
    assert reasons["sales/orders"] == "started an empty state for sales/orders (never applied)"
    assert reasons["marketing/customer-value"] == "started an empty state for marketing/customer-value (never applied)"
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=env)
    assert applied.code == 0, applied.out + applied.err
    assert set(statuses(applied).values()) == {"applied"}
    again = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err
    assert again.json()["guard"] == []
    # the plan guard reads plans on pg as on the local backend
    edit(checkout, "domains/sales/orders/product.yaml", ("      visibility: public\n", "      visibility: public\n"
                                                         "      config: {state_dir: ../../../.alchemesh/moved}\n"))
    moved = run_cli("plan", "--format", "json", "--product", "sales/orders", cwd=checkout, env=env)
    assert moved.code == 1 and [f["rule"] for f in moved.json()["guard"]] == ["port-data-destroyed"], moved.out
    git(checkout, "checkout", "--", "domains/sales/orders/product.yaml")
    # the ports' locations are read from the states on pg (pulled), the data from the DuckDB files
    tested = run_cli("test", "--format", "json", cwd=checkout, env=env)
    assert tested.code == 0, tested.out + tested.err
    assert {p["port"]: p["status"] for p in tested.json()["ports"]} == {
        "sales/orders/orders": "passed", "sales/customers/customers": "passed",
        "marketing/customer-value/customer-value": "passed", "marketing/segments/segments": "passed"}


def test_a_consumer_planned_alone_starts_its_producers_states(checkout: Path, terraform_env: dict, pg_url: str):
    on_pg(checkout, pg_url)
    plan = run_cli("plan", "--product", "marketing/customer-value", "--format", "json", cwd=checkout,
                   env=terraform_env)
    assert plan.code == 0, plan.out + plan.err
    assert [(s["stack"], s["status"], s["reason"]) for s in plan.json()["stacks"]] == [
        ("marketing/customer-value", "changes",
         "started an empty state for sales/customers, sales/orders, marketing/customer-value (never applied)")]


def test_a_producer_state_deleted_since_it_was_seen_is_started_again(checkout: Path, one_terraform_env: dict,
                                                                     pg_url: str):
    """alchemesh remembers that a producer's state exists; when it is gone after all (dropped by hand), the
    consumer's plan looks again instead of failing."""
    from tests.testing.postgres import BIN_DIRS

    prefix = on_pg(checkout, pg_url)
    consumer = ["plan", "--product", "marketing/customer-value", "--format", "json"]
    assert run_cli(*consumer, cwd=checkout, env=one_terraform_env).code == 0
    subprocess.run([str(BIN_DIRS[0] / "psql"), pg_url, "-q", "-c", f"DROP SCHEMA {prefix}_dev_sales_orders CASCADE"],
                   check=True, capture_output=True)
    again = run_cli(*consumer, cwd=checkout, env=one_terraform_env)
    assert again.code == 0, again.out + again.err
    (stack,) = again.json()["stacks"]
    assert stack["status"] == "changes" and stack["reason"] == "started an empty state for sales/orders (never applied)"


def test_a_backend_change_is_said_and_migrate_state_moves_every_state(checkout: Path, terraform_env: dict,
                                                                      pg_url: str):
    assert run_cli("apply", "--auto-approve", cwd=checkout, env=terraform_env).code == 0
    on_pg(checkout, pg_url)
    stuck = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert stuck.code == 1
    errors = [s["error"] for s in stuck.json()["stacks"] if s["status"] == "failed"]
    assert errors and all("rerun with --migrate-state" in e for e in errors), errors
    moved = run_cli("plan", "--migrate-state", "--format", "json", cwd=checkout, env=terraform_env)
    assert moved.code == 0, moved.out + moved.err
    assert set(statuses(moved).values()) == {"no-changes"}  # the states came along: nothing to create again
    again = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err


def test_two_checkouts_applying_at_once_on_one_backend_both_finish_and_agree(checkout: Path, one_terraform_env: dict,
                                                                            pg_url: str, tmp_path: Path):
    """The same commit in two folders (two CI runners) on one pg backend and one platform (the local family's
    databases in one shared folder), applying at the same moment: each stack is applied by one of them, and the
    other, planned on the state before that, plans again and finds nothing left to do."""
    prefix = on_pg(checkout, pg_url)
    elsewhere = tmp_path / "elsewhere"
    git(tmp_path, "clone", "-q", str(checkout.parents[1]), str(elsewhere))
    other = elsewhere / "mesh-examples" / "quickstart"
    on_pg(other, pg_url, prefix)
    for mesh in (checkout, other):
        for product in mesh.glob("domains/*/*/product.yaml"):
            edit(product.parent, "product.yaml", ("      component: local-duckdb\n", "      component: local-duckdb\n"
                                                  f"      config: {{state_dir: {tmp_path / 'platform'}}}\n"))
    runs = [subprocess.Popen([sys.executable, "-m", "alchemesh", "apply", "--auto-approve", "--format", "json"],
                             cwd=mesh, env={**os.environ, **one_terraform_env}, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True) for mesh in (checkout, other)]
    results = [run.communicate(timeout=600) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [(s["stack"], s["error"]) for out, _ in results
                                                         for s in json.loads(out)["stacks"] if s["error"]]
    first, second = ({s["stack"]: s["status"] for s in json.loads(out)["stacks"]} for out, _ in results)
    assert set(first) == set(second) and len(first) == 4
    assert all(sorted([first[s], second[s]]) == ["applied", "no-changes"] for s in first), (first, second)
    for mesh in (checkout, other):
        again = run_cli("plan", "--format", "json", cwd=mesh, env=one_terraform_env)
        assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err


def test_ctrl_c_on_the_pg_backend_leaves_a_state_to_go_on_from(checkout: Path, one_terraform_env: dict, pg_url: str):
    """pg's locks are the session's advisory locks: gone with the process. What must hold is the state."""
    on_pg(checkout, pg_url)
    process = start_slow_apply(checkout, one_terraform_env)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert json.loads(out)["interrupted"] is True and "Traceback" not in err
    sql = checkout / "domains/sales/customers/transform/customers.sql"
    sql.write_text(sql.read_text().replace(SLOW_SQL, ""))
    again = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=one_terraform_env)
    assert again.code == 0, again.out + again.err
    assert statuses(again)["sales/customers"] == "applied"
    settled = run_cli("plan", "--format", "json", cwd=checkout, env=one_terraform_env)
    assert settled.code == 0 and set(statuses(settled).values()) == {"no-changes"}, settled.out + settled.err


def on_s3(mesh: Path, url: str, version: str) -> None:
    """The mesh on the s3 backend of a real S3 API. The backend's settings differ by Terraform version
    (`endpoint` then `endpoints`, `force_path_style` then `use_path_style`, `use_lockfile` from 1.10)."""
    from tests.testing.s3 import create_bucket

    bucket = f"state-{uuid.uuid4().hex[:8]}"
    create_bucket(url, bucket)
    if version.startswith("1.0."):
        extra = f'''        endpoint: "{url}"
        force_path_style: true
        skip_metadata_api_check: true
'''
    else:
        extra = f'''        endpoints: {{s3: "{url}"}}
        use_path_style: true
        use_lockfile: true
        skip_requesting_account_id: true
'''
    edit(mesh, "alchemesh.yaml", (LOCAL_BACKEND, f'''    backend:
      type: s3
      config:
        bucket: {bucket}
        key: "{{env}}/{{domain}}/{{product}}.tfstate"
        region: us-east-1
        skip_credentials_validation: true
        skip_region_validation: true
{extra}'''))


def test_the_s3_backend_plans_before_any_apply_and_applies(checkout: Path, terraform_env: dict, s3_url: str):
    from alchemesh.terraform.binary import find_binary
    from tests.testing.s3 import CREDENTIALS

    on_s3(checkout, s3_url, find_binary(terraform_env["ALCHEMESH_TERRAFORM"]).version)
    env = {**terraform_env, **CREDENTIALS}  # credentials from the environment of the run, never the specs
    plan = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert plan.code == 0, plan.out + plan.err
    assert set(statuses(plan).values()) == {"changes"}
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=env)
    assert applied.code == 0, applied.out + applied.err
    again = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err


def test_a_state_started_by_one_run_refuses_another_runs_start(checkout: Path, terraform_env: dict, pg_url: str,
                                                              tmp_path: Path):
    """Two runs that both find a state missing both push one to start it. `state push` checks no lineage over an
    empty state, so the second used to replace the first's, and Terraform refused every plan the first made on it
    ("different state lineage"). A started state is not empty: what the second run pushes is refused."""
    on_pg(checkout, pg_url)
    planned = run_cli("plan", "--product", "sales/orders", "--format", "json", cwd=checkout, env=terraform_env)
    assert planned.code == 0 and "started an empty state" in planned.json()["stacks"][0]["reason"], planned.out
    stack = checkout / ".alchemesh/build/dev/sales/orders"
    terraform = [terraform_env["ALCHEMESH_TERRAFORM"]]
    env = {**os.environ, **terraform_env}
    before = json.loads(subprocess.run([*terraform, "state", "pull"], cwd=stack, env=env, capture_output=True,
                                       text=True, check=True).stdout)
    (tmp_path / "late.tfstate").write_text(json.dumps({
        "version": 4, "terraform_version": before["terraform_version"], "serial": 1, "lineage": str(uuid.uuid4()),
        "outputs": {}, "resources": []}))
    late = subprocess.run([*terraform, "state", "push", str(tmp_path / "late.tfstate")], cwd=stack, env=env,
                          capture_output=True, text=True)
    assert late.returncode != 0 and "lineage" in late.stderr + late.stdout
    after = json.loads(subprocess.run([*terraform, "state", "pull"], cwd=stack, env=env, capture_output=True,
                                      text=True, check=True).stdout)
    assert after["lineage"] == before["lineage"]
    applied = run_cli("apply", "--auto-approve", "--product", "sales/orders", "--format", "json", cwd=checkout,
                      env=terraform_env)
    assert applied.code == 0 and applied.json()["stacks"][0]["status"] == "applied", applied.out + applied.err
    pulled = json.loads(subprocess.run([*terraform, "state", "pull"], cwd=stack, env=env, capture_output=True,
                                       text=True, check=True).stdout)
    assert pulled["lineage"] == before["lineage"] and "alchemesh_state_started" not in pulled["outputs"]

