"""The acceptance set: the main paths in a fresh interpreter, as a user's shell runs them (the rest of the suite
runs the same entry point in process)."""

from __future__ import annotations

from pathlib import Path

from tests.testing import run_cli


def test_validate_a_clean_then_a_broken_mesh(git_quickstart: Path):
    clean = run_cli("validate", cwd=git_quickstart, process=True)
    assert clean.code == 0 and clean.out.startswith("✓ no findings in"), clean.out + clean.err
    product = git_quickstart / "domains/sales/orders/product.yaml"
    product.write_text(product.read_text().replace("owner: web-shop", "owner: webshop"))
    broken = run_cli("validate", "--format", "json", cwd=git_quickstart, process=True)
    assert broken.code == 1 and [f["rule"] for f in broken.json()["findings"]] == ["unresolved-reference"]


def test_a_usage_error_is_one_line_and_exit_2(tmp_path: Path):
    result = run_cli("validate", str(tmp_path / "nowhere"), process=True)
    assert result.code == 2 and result.out == "" and len(result.err.strip().splitlines()) == 1, result.err
    assert "Traceback" not in result.err


def test_compile_and_a_contract_diff_from_a_shell(git_quickstart: Path):
    compiled = run_cli("compile", cwd=git_quickstart, process=True)
    assert compiled.code == 0 and (git_quickstart / ".alchemesh/build/dev/sales/orders/main.tf.json").is_file()
    contract = git_quickstart / "domains/sales/orders/contract.odcs.yaml"
    diff = run_cli("contracts", "diff", str(contract), str(contract), "--format", "json", process=True)
    assert diff.code == 0 and diff.json()["findings"] == [], diff.out + diff.err
