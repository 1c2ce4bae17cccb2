"""A mesh `alchemesh import dbt` wrote, applied for real: its stacks plan and apply offline (the dbt components
create nothing: dbt builds the data), and a second plan has no changes."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.interop.test_import_dbt import PROJECTS, parse
from tests.testing import run_cli


def test_the_imported_mesh_applies(tmp_path: Path, one_terraform_env: dict):
    projects = tmp_path / "projects"
    shutil.copytree(PROJECTS, projects)
    mesh = tmp_path / "mesh"
    imported = run_cli("import", "dbt", *map(str, parse(projects)), "--out", str(mesh))
    assert imported.code == 0, imported.out + imported.err
    applied = run_cli("apply", "--auto-approve", "--format", "json", str(mesh), env=one_terraform_env)
    assert applied.code == 0, applied.out + applied.err
    assert {s["stack"] for s in applied.json()["stacks"]} == {"shop/sales", "shop/finance", "marketing/growth"}
    again = run_cli("plan", "--format", "json", str(mesh), env=one_terraform_env)
    assert again.code == 0 and {s["status"] for s in again.json()["stacks"]} == {"no-changes"}, again.out
