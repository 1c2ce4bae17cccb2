"""Runs that lose nothing: a removed product's state kept until it is destroyed, signals that reach
Terraform as an interrupt whatever happens to alchemesh, and a held state lock said as such."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import time
from pathlib import Path

import pytest

from tests.testing import commit, edit, git, run_cli
from tests.terraform.conftest import SLOW_SQL, start_slow_apply



def statuses(result) -> dict[str, str]:
    return {s["stack"]: s["status"] for s in result.json()["stacks"]}


def _resources(state: Path) -> list:
    return json.loads(state.read_text()).get("resources", [])


def test_a_removed_product_is_kept_until_destroyed_without_a_backend(checkout: Path, one_terraform_env: dict):
    mesh = checkout
    edit(mesh, "alchemesh.yaml", ('''    backend:
      type: local
      config:
        path: "{root}/.alchemesh/state/{env}/{domain}/{product}.tfstate"
''', ""))
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=one_terraform_env).code == 0
    stack = mesh / ".alchemesh/build/dev/marketing/segments"
    assert _resources(stack / "terraform.tfstate")

    shutil.rmtree(mesh / "domains/marketing/segments")
    assert run_cli("compile", cwd=mesh).code == 0
    assert _resources(stack / "terraform.tfstate"), "the state of a removed product was deleted"
    manifest = json.loads((mesh / ".alchemesh/build/dev/manifest.json").read_text())
    assert [s["key"] for s in manifest["removed"]] == ["marketing/segments"]

    plan = run_cli("plan", "--format", "json", cwd=mesh, env=one_terraform_env)
    assert plan.code == 0, plan.out + plan.err
    segments = next(s for s in plan.json()["stacks"] if s["stack"] == "marketing/segments")
    assert segments["status"] == "changes" and segments["destroy"] == 4
    assert segments["reason"] == "removed from the specs: would destroy 4"
    assert "removed from the specs: would destroy 4" in run_cli("plan", cwd=mesh, env=one_terraform_env).out

    only = run_cli("destroy", "--removed", "--auto-approve", "--format", "json", cwd=mesh, env=one_terraform_env)
    assert only.code == 0, only.out + only.err
    assert statuses(only) == {"marketing/segments": "destroyed"}
    assert not stack.exists()
    assert "removed" not in json.loads((mesh / ".alchemesh/build/dev/manifest.json").read_text())
    assert (mesh / ".alchemesh/data/dev/marketing/customer-value/customer-value.duckdb").is_file()  # the rest stays
    assert not (mesh / ".alchemesh/data/dev/marketing/segments/segments.duckdb").exists()


def test_apply_destroys_a_product_removed_in_a_fresh_checkout(checkout: Path, one_terraform_env: dict):
    """CI: the build folder is new, so the removed stack comes from the base revision's build."""
    mesh = checkout
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=one_terraform_env).code == 0
    shutil.rmtree(mesh / "domains/marketing/segments")
    commit(mesh, "retire segments")
    shutil.rmtree(mesh / ".alchemesh/build")
    plan = run_cli("plan", "--changed-since", "HEAD~1", "--format", "json", cwd=mesh, env=one_terraform_env)
    assert plan.code == 0, plan.out + plan.err
    assert statuses(plan)["marketing/segments"] == "changes"
    applied = run_cli("apply", "--changed-since", "HEAD~1", "--auto-approve", "--format", "json", cwd=mesh,
                      env=one_terraform_env)
    assert applied.code == 0, applied.out + applied.err
    assert statuses(applied)["marketing/segments"] == "destroyed"
    assert not _resources(mesh / ".alchemesh/state/dev/marketing/segments.tfstate")
    again = run_cli("plan", "--format", "json", cwd=mesh, env=one_terraform_env)
    assert "marketing/segments" not in statuses(again)


def _terraform_processes(mesh: Path) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and Path(os.readlink(entry / "cwd")).is_relative_to(mesh):
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _states_are_sound(mesh: Path) -> None:
    for state in (mesh / ".alchemesh/state").rglob("*.tfstate"):
        assert isinstance(json.loads(state.read_text())["version"], int), state
    assert not list((mesh / ".alchemesh/state").rglob("*.lock.info")), "a state lock was left behind"


def _reapply(mesh: Path, terraform_env: dict) -> None:
    sql = mesh / "domains/sales/customers/transform/customers.sql"
    sql.write_text(sql.read_text().replace(SLOW_SQL, ""))
    again = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=terraform_env)
    assert again.code == 0, again.out + again.err


@pytest.mark.parametrize("signals", [[signal.SIGTERM], [signal.SIGTERM, signal.SIGINT]], ids=["term", "term-then-int"])
def test_sigterm_reaches_terraform_as_one_interrupt(checkout: Path, one_terraform_env: dict, signals):
    """alchemesh's own translation of SIGTERM into one interrupt: one Terraform is enough (Ctrl-C itself is tested
    on both, in test_runner)."""
    process = start_slow_apply(checkout, one_terraform_env)
    for signum in signals:
        process.send_signal(signum)
        time.sleep(0.3)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 130, out + err
    assert "Traceback" not in err
    assert json.loads(out)["interrupted"] is True
    log = (checkout / ".alchemesh/logs/dev/sales/customers.log").read_text()
    assert "Two interrupts received" not in log  # one interrupt only: Terraform stopped at a safe point
    _states_are_sound(checkout)
    _reapply(checkout, one_terraform_env)


def test_terraform_is_interrupted_when_alchemesh_is_killed(checkout: Path, one_terraform_env: dict):
    process = start_slow_apply(checkout, one_terraform_env)
    process.kill()
    process.communicate(timeout=30)
    deadline = time.monotonic() + 90
    while _terraform_processes(checkout):
        assert time.monotonic() < deadline, "Terraform ran on after alchemesh was killed"
        time.sleep(0.2)
    # killed, alchemesh could not turn the apply's stream into the log's lines: the stream itself tells
    stream = (checkout / ".alchemesh/logs/dev/sales/customers.jsonl").read_text()
    assert "Interrupt received" in stream, stream[-2000:]
    _states_are_sound(checkout)
    _reapply(checkout, one_terraform_env)


def test_a_held_state_lock_is_reported_as_such(checkout: Path, terraform_env: dict):
    assert run_cli("apply", "--auto-approve", "--product", "sales/orders", cwd=checkout, env=terraform_env).code == 0
    state = checkout / ".alchemesh/state/dev/sales/orders.tfstate"
    info = state.with_name(".orders.tfstate.lock.info")
    info.write_text(json.dumps({"ID": "1f2e3d4c-0000-4000-8000-000000000000", "Operation": "OperationTypeApply",
                                "Who": "ci@runner-7", "Version": "1.0.3", "Created": "2026-12-01T10:00:00Z",
                                "Path": str(state), "Info": ""}))
    with state.open("r+") as handle:  # what a run still holding the lock keeps (another process: a POSIX lock is
        fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)  # gone when its process closes any handle on the file)
        result = run_cli("plan", "--product", "sales/orders", "--format", "json", "--lock-timeout", "0s",
                         cwd=checkout, env=terraform_env, process=True)
    assert result.code == 1, result.out + result.err
    error = result.json()["stacks"][0]["error"]
    assert "state is locked" in error and "ci@runner-7" in error and "since 2026-12-01 10:00:00" in error, error
    assert "force-unlock 1f2e3d4c-0000-4000-8000-000000000000" in error and "`--lock-timeout 10m`" in error
    git(checkout, "status")  # the checkout is intact


def test_a_checkout_path_with_quotes_and_templates_plans(checkout: Path, terraform_env: dict, tmp_path: Path):
    hostile = tmp_path / 'the "mesh" ${path.module} %{x}'
    shutil.copytree(checkout.parent.parent, hostile)
    mesh = hostile / "mesh-examples" / "quickstart"
    result = run_cli("plan", "--format", "json", cwd=mesh, env=terraform_env)
    assert result.code == 0, result.out + result.err
    assert set(statuses(result).values()) == {"changes"}
    assert '\\"mesh\\"' in (mesh / ".alchemesh/terraform/terraformrc").read_text()


def test_the_apply_workflow_destroys_what_a_push_removed(checkout: Path, one_terraform_env: dict):
    """What `alchemesh-apply.yml` runs after a merge that removed a product, in a fresh checkout."""
    mesh = checkout
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=one_terraform_env).code == 0
    before = git(mesh, "rev-parse", "HEAD").strip()
    shutil.rmtree(mesh / "domains/marketing/segments")
    commit(mesh, "retire segments")
    shutil.rmtree(mesh / ".alchemesh/build")
    removed = run_cli("destroy", "--removed", "--auto-approve", "--changed-since", before, "--format", "json",
                      cwd=mesh, env=one_terraform_env)
    assert removed.code == 0, removed.out + removed.err
    assert statuses(removed) == {"marketing/segments": "destroyed"}
    assert not _resources(mesh / ".alchemesh/state/dev/marketing/segments.tfstate")
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=one_terraform_env)
    assert applied.code == 0 and set(statuses(applied).values()) == {"no-changes"}, applied.out


def test_a_damaged_kept_stack_is_a_one_line_error(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    mesh = checkout
    assert run_cli("compile", cwd=mesh).code == 0
    build = mesh / ".alchemesh/build/dev"
    manifest = json.loads((build / "manifest.json").read_text())
    manifest["removed"] = [{"key": "sales/gone", "kind": "product", "path": "sales/gone/main.tf.json",
                            "dependsOn": [], "hash": "x"}]
    (build / "manifest.json").write_text(json.dumps(manifest))
    (build / "sales/gone").mkdir()
    (build / "sales/gone/main.tf.json").write_text("{not json")
    (build / "sales/gone/terraform.tfstate").write_text(json.dumps({"version": 4, "resources": [{"type": "x"}]}))
    result = run_cli("plan", cwd=mesh, env=terraform_env)
    assert result.code == 2, result.out + result.err
    assert "sales/gone" in result.err and "cannot be read" in result.err and "Traceback" not in result.err
    assert (build / "sales/gone/terraform.tfstate").is_file()  # kept: its state still lists resources
