"""A new user's path, offline: `init` → `git init` → `apply` → a query of their own table → `new product` →
`apply` again, in a folder outside this repo, with nothing that points at a repository or tag that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from tests.components.local.test_local_components import query
from tests.testing import git, run_cli
from tests.testing.docs import README, run_block, sh_block


def test_the_readmes_start_your_own_mesh_runs_as_written(tmp_path: Path, one_terraform_env: dict):
    terraform_env = one_terraform_env  # what alchemesh does around a run: one Terraform is enough
    mesh = run_block(sh_block(README, "## Start your own mesh"), tmp_path, terraform_env)
    assert mesh == tmp_path / "my-mesh"
    assert query(mesh / ".alchemesh/data/dev/sales/returns/returns.duckdb", "SELECT count(*) FROM returns") == [(2,)]
    assert run_cli("validate", "--fail-on", "info", cwd=mesh).code == 0


def test_a_mesh_from_init_applies_offline_and_grows_a_product(tmp_path: Path, one_terraform_env: dict):
    mesh, terraform_env = tmp_path / "my-mesh", one_terraform_env
    assert run_cli("init", str(mesh)).code == 0
    git(mesh, "init", "-q", "-b", "main")

    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=terraform_env)
    assert applied.code == 0, applied.out + applied.err
    assert {s["stack"]: s["status"] for s in applied.json()["stacks"]} == {"sales/orders": "applied"}
    orders = mesh / ".alchemesh/data/dev/sales/orders/orders.duckdb"
    assert query(orders, "SELECT id FROM orders ORDER BY id") == [("example-1",), ("example-2",)]

    assert run_cli("new", "product", "sales", "returns", cwd=mesh).code == 0
    assert run_cli("validate", "--fail-on", "info", cwd=mesh).code == 0
    again = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=terraform_env)
    assert again.code == 0, again.out + again.err
    assert {s["stack"]: s["status"] for s in again.json()["stacks"]} == {
        "sales/orders": "no-changes", "sales/returns": "applied"}
    returns = mesh / ".alchemesh/data/dev/sales/returns/returns.duckdb"
    assert query(returns, "SELECT count(*) FROM returns") == [(2,)]


def test_a_scaffold_points_at_nothing_that_may_not_exist(tmp_path: Path):
    mesh = tmp_path / "my-mesh"
    assert run_cli("init", str(mesh)).code == 0
    texts = {p.relative_to(mesh).as_posix(): p.read_text(encoding="utf-8")
             for p in mesh.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml")}
    for rel, text in texts.items():
        assert "git::" not in text and "?ref=" not in text, rel
        assert not re.search(r"(github\.com/|uses: )alchemesh/alchemesh", text), rel
    for name in ("input-port-landing", "input-port-duckdb-attach", "output-port-duckdb", "code-sql"):
        assert f"source: ./components/local/{name}" in texts["alchemesh.yaml"]
        assert (mesh / "components/local" / name / "main.tf").is_file()
    assert "repo: local" in texts[".pre-commit-config.yaml"]
    assert (mesh / ".github/actions/alchemesh/action.yml").is_file()
