"""The runner through its Python API (the order stacks really ran in) and under Ctrl-C through the CLI."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from alchemesh.terraform.binary import describe, packaged_terraform
from alchemesh.terraform.environment import prepare as prepare_terraform
from alchemesh.pipeline import Pipeline
from alchemesh.terraform.orchestrate import Request, execute
from alchemesh.terraform.outcome import Action, Status
from tests.testing import run_cli
from tests.terraform.conftest import start_slow_apply


def test_a_dag_level_runs_in_parallel_and_levels_in_order(checkout: Path, monkeypatch):
    monkeypatch.delenv("TF_CLI_CONFIG_FILE", raising=False)
    prepared = Pipeline(checkout).prepare(Request())
    terraform = prepare_terraform(describe(packaged_terraform()), checkout)
    seen: list[tuple[str, str]] = []
    result = execute(prepared, checkout, Action.plan, terraform, parallelism=2,
                     listener=lambda key, phase: seen.append((key, phase)))
    outcome = {o.key: o for o in result.outcomes}
    assert {o.status for o in result.outcomes} == {Status.changes}
    customers, orders = outcome["sales/customers"], outcome["sales/orders"]
    assert customers.started < orders.ended and orders.started < customers.ended  # overlapped
    value, segments = outcome["marketing/customer-value"], outcome["marketing/segments"]
    assert value.started >= max(customers.ended, orders.ended)
    assert segments.started >= value.ended
    assert 0 < value.terraform_seconds <= value.seconds
    assert ("sales/orders", "init") in seen and ("sales/orders", "planning") in seen
    assert seen.index(("sales/orders", "queued")) < seen.index(("sales/orders", "planning"))

    # A second run skips `init`: nothing it depends on changed.
    seen.clear()
    execute(prepared, checkout, Action.plan, terraform, parallelism=2, listener=lambda k, p: seen.append((k, p)))
    assert not [event for event in seen if event[1] == "init"]


def test_ctrl_c_stops_cleanly_and_leaves_state_usable(checkout: Path, terraform_env: dict):
    sql = checkout / "domains/sales/customers/transform/customers.sql"
    process = start_slow_apply(checkout, terraform_env)
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err
    report = json.loads(out)
    assert report["interrupted"] is True
    stacks = {s["stack"]: s["status"] for s in report["stacks"]}
    assert stacks["sales/customers"] == "interrupted"  # stopped mid-run: not a failure of its own
    assert report["summary"]["interrupted"] >= 1 and report["summary"]["failed"] == 0
    assert stacks["marketing/segments"] in ("cancelled", "skipped")
    assert stacks["marketing/customer-value"] in ("cancelled", "skipped")
    for state in (checkout / ".alchemesh/state").rglob("*.tfstate"):
        assert isinstance(json.loads(state.read_text())["version"], int), state
    assert not list((checkout / ".alchemesh/state").rglob("*.lock.info")), "a state lock was left behind"

    sql.write_text(sql.read_text().split("\n", 1)[1])
    again = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=terraform_env)
    assert again.code == 0, again.out + again.err
    assert {s["status"] for s in again.json()["stacks"]} <= {"applied", "no-changes"}
