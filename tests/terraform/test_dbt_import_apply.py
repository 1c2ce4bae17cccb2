"""A mesh `alchemesh import dbt` wrote, for real: dbt builds the models (dbt-duckdb, offline), the imported mesh
applies (the dbt components create nothing) and plans no changes after, and `alchemesh test` checks the tables dbt
built against the contracts the import wrote from dbt's own columns and tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import duckdb

from tests.interop.test_import_dbt import DBT, DBT_ENV, PROJECTS, parse
from tests.testing import run_cli

RAW = """
CREATE SCHEMA shop_raw;
CREATE TABLE shop_raw.raw_orders AS SELECT * FROM (VALUES
    ('O-1', 'C-1', 'placed', CAST(10.5 AS DECIMAL(10, 2))), ('O-2', 'C-2', 'delivered', CAST(20 AS DECIMAL(10, 2))))
    AS t (order_id, customer_id, status, amount);
CREATE TABLE shop_raw.raw_customers AS SELECT * FROM (VALUES ('C-1', 'a@x', 'GB'), ('C-2', 'b@x', 'NL'))
    AS t (customer_id, email, country);
"""


def test_dbt_builds_the_imported_mesh_applies_and_its_data_is_tested(tmp_path: Path, one_terraform_env: dict):
    projects = tmp_path / "projects"
    shutil.copytree(PROJECTS, projects)
    database = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(RAW)
    manifests = parse(projects)
    env = {**os.environ, **DBT_ENV, "DBT_PROFILES_DIR": str(projects), "MESH_DUCKDB": str(database)}
    # marketing has shop as a package: its build builds (and tests) both projects' models
    built = subprocess.run([DBT, "build", "-q"], cwd=projects / "marketing", env=env, capture_output=True, text=True,
                           timeout=600)
    assert built.returncode == 0, built.stdout + built.stderr

    mesh = tmp_path / "mesh"
    imported = run_cli("import", "dbt", *map(str, manifests), "--out", str(mesh), "--duckdb", str(database))
    assert imported.code == 0, imported.out + imported.err
    applied = run_cli("apply", "--auto-approve", "--format", "json", str(mesh), env=one_terraform_env)
    assert applied.code == 0, applied.out + applied.err
    assert {s["stack"] for s in applied.json()["stacks"]} == {"shop/sales", "shop/finance", "marketing/growth"}
    again = run_cli("plan", "--format", "json", str(mesh), env=one_terraform_env)
    assert again.code == 0 and {s["status"] for s in again.json()["stacks"]} == {"no-changes"}, again.out

    tested = run_cli("test", "--format", "json", str(mesh), env=one_terraform_env)
    assert tested.code == 0, tested.out + tested.err
    assert {p["port"]: p["status"] for p in tested.json()["ports"]} == {
        "shop/sales/orders": "passed", "shop/sales/customers-v1": "passed", "shop/sales/customers-v2": "passed",
        "shop/finance/revenue-by-day": "passed", "marketing/growth/customer-value": "passed"}

    with duckdb.connect(str(database)) as connection:  # a status dbt's accepted_values test did not allow
        connection.execute("UPDATE main.orders SET status = 'lost' WHERE order_id = 'O-1'")
    failed = run_cli("test", "--format", "json", "--product", "shop/sales", str(mesh), env=one_terraform_env)
    assert failed.code == 1, failed.out + failed.err
    (finding,) = failed.json()["findings"]
    assert finding["rule"] == "data-quality" and finding["file"] == "domains/shop/sales/orders.odcs.yaml"
    assert finding["path"].endswith("/enum") and finding["consumers"] == ["marketing/growth/orders",
                                                                          "shop/finance/orders"]
