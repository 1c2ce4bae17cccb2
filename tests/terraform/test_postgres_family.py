"""The PostgreSQL component family for real: `mesh-examples/postgres-shop` applied on a PostgreSQL server the tests
start — a schema per product, tables typed from the contracts, one role per product reading exactly the ports it
consumes — its data tested, a consumer that stops reading a port losing its grant (`access-revoked`, the port's rows
kept), a port read under an access agreement granted while it runs and revoked after it ends, and a destroy that
leaves nothing behind."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import pytest

from tests.testing import REPO, edit, git, run_cli

SHOP = REPO / "mesh-examples" / "postgres-shop"
CONTRACT = "domains/sales/orders/contract.odcs.yaml"


@pytest.fixture
def shop(tmp_path: Path, pg_url: str) -> tuple[Path, str, str]:
    """The example where it sits in this repo, on the tests' server, under a mesh name of its own (the roles are
    the server's: each test has its own)."""
    repo = tmp_path / "repo"
    mesh = repo / "mesh-examples" / "postgres-shop"
    shutil.copytree(SHOP, mesh, ignore=shutil.ignore_patterns(".alchemesh"))
    shutil.copytree(REPO / "components" / "postgres", repo / "components" / "postgres")
    name = f"t{uuid.uuid4().hex[:8]}"
    host, port = pg_url.split("@", 1)[1].split("/", 1)[0].split(":")
    edit(mesh, "alchemesh.yaml", ("  name: pgshop", f"  name: {name}"),
         ("{host: 127.0.0.1, server_port: 5432, database: postgres}", f"{{host: {host}, server_port: {port}, "
                                                                       "database: postgres}"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "shop")
    return mesh, name, pg_url


def _as(url: str, role: str | None = None) -> psycopg.Connection:
    """A connection as the server's superuser, or as a role of the mesh (trust authentication on loopback)."""
    return psycopg.connect(url if role is None else url.replace("postgres@", f"{role}@", 1), autocommit=True)


def _can(url: str, role: str, query: str) -> bool:
    with _as(url, role) as connection:
        try:
            connection.execute(query)
            return True
        except psycopg.errors.InsufficientPrivilege:
            return False


def test_schemas_typed_tables_and_grants_then_tested_revoked_and_destroyed(shop, one_terraform_env: dict):
    mesh, name, url = shop
    env = {**one_terraform_env, "PGUSER": "postgres"}
    applied = run_cli("apply", "--auto-approve", "--test", "--format", "json", cwd=mesh, env=env)
    assert applied.code == 0, applied.out + applied.err
    assert {s["stack"]: s["status"] for s in applied.json()["stacks"]} == {
        "_mesh": "no-changes", "sales/orders": "applied", "sales/customers": "applied",
        "marketing/customer-value": "applied"}

    with _as(url) as connection:
        columns = connection.execute(
            "SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable "
            "FROM information_schema.columns WHERE table_schema = 'sales_orders' AND table_name = 'orders' "
            "ORDER BY ordinal_position").fetchall()
        key = connection.execute("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
                                 "WHERE conrelid = 'sales_orders.orders'::regclass AND contype = 'p'").fetchone()
        owner = connection.execute("SELECT tableowner FROM pg_tables WHERE schemaname = 'sales_orders'").fetchone()
        rows = connection.execute("SELECT count(*) FROM marketing_customer_value.customer_value").fetchone()
        connection.execute("CREATE TABLE sales_orders.internal (x int)")  # the product's own, not its port's
    assert columns == [("order_id", "character varying", None, None, None, "NO"),
                       ("customer_id", "character varying", None, None, None, "NO"),
                       ("ordered_at", "timestamp without time zone", None, None, None, "NO"),
                       ("status", "character varying", None, None, None, "NO"),
                       ("amount_eur", "numeric", None, 10, 2, "NO")]
    assert key == ("PRIMARY KEY (order_id)",) and owner == (f"{name}_sales_orders",)
    assert rows[0] > 0  # its code read both producers' ports with the grants they gave it

    reader = f"{name}_marketing_customer_value"
    assert _can(url, reader, "SELECT * FROM sales_orders.orders")
    assert _can(url, reader, "SELECT * FROM sales_customers.customers")
    assert not _can(url, reader, "SELECT * FROM sales_orders.internal")  # not a port: not granted
    assert not _can(url, reader, "DELETE FROM sales_orders.orders")  # reading is all it may do
    with _as(url) as connection:  # a product reads only what it consumes: orders does not read customers
        connection.execute(f'SET ROLE "{name}_sales_orders"')
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("SELECT * FROM sales_customers.customers")

    tested = run_cli("test", "--format", "json", cwd=mesh, env=env)
    assert tested.code == 0, tested.out + tested.err
    assert {p["status"] for p in tested.json()["ports"]} == {"passed"} and len(tested.json()["ports"]) == 3

    # `alchemesh test` reads as the environment's tester role: SELECT on the ports' tables, nothing else
    tester = f"{name}__tester_dev"
    with _as(url) as connection:
        assert connection.execute("SELECT rolcanlogin FROM pg_roles WHERE rolname = %s", (tester,)).fetchone() \
            == (False,)
        assert connection.execute("SELECT has_table_privilege(%s, 'sales_orders.orders', 'SELECT'), "
                                  "has_table_privilege(%s, 'sales_orders.orders', 'DELETE'), "
                                  "has_table_privilege(%s, 'sales_orders.internal', 'SELECT')",
                                  (tester, tester, tester)).fetchone() == (True, False, False)
    # a pull request's hostile rules: refused at their lines, never sent, the data untouched
    hostile = (mesh / CONTRACT).read_text(encoding="utf-8").replace(
        '      - {metric: rowCount, mustBeGreaterThan: 0}\n',
        '      - {metric: rowCount, mustBeGreaterThan: 0}\n'
        '      - {type: sql, name: wipe, query: "COMMIT; BEGIN READ WRITE; DELETE FROM orders", mustBe: 0}\n'
        '      - {type: sql, name: shell, query: "COPY (SELECT 1) TO PROGRAM \'true\'", mustBe: 0}\n'
        '      - {type: sql, name: roles, query: "SELECT count(*) FROM pg_authid", mustBe: 0}\n'
        '      - {type: sql, name: leak, query: "SELECT customer_id FROM orders LIMIT 1", mustBe: 0}\n')
    (mesh / CONTRACT).write_text(hostile, encoding="utf-8")
    with _as(url) as connection:
        before = connection.execute("SELECT count(*) FROM sales_orders.orders").fetchone()
    refused = run_cli("test", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert refused.code == 1, refused.out + refused.err
    findings = {f["message"].split(":")[1].strip(): f for f in refused.json()["findings"]}
    assert sorted(findings) == ["leak", "roles", "shell", "wipe"]
    for rule in ("wipe", "shell", "roles"):
        assert "its query is refused and was not run" in findings[rule]["message"]
        assert findings[rule]["file"] == CONTRACT and findings[rule]["line"] > 60
    assert "returned a non-number (text)" in findings["leak"]["message"] and "C-10" not in refused.out
    with _as(url) as connection:
        assert connection.execute("SELECT count(*) FROM sales_orders.orders").fetchone() == before
    git(mesh, "checkout", "--", CONTRACT)
    _terminated_mid_query(mesh, url, env)
    with _as(url) as connection:
        connection.execute("INSERT INTO sales_orders.orders VALUES ('O-X', 'C-1001', now(), 'placed', -1)")
    failed = run_cli("test", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert failed.code == 1, failed.out + failed.err
    (finding,) = failed.json()["findings"]
    assert finding["rule"] == "data-quality" and finding["file"] == CONTRACT
    assert "No negative order totals" in finding["message"] and finding["observed"] == "1"
    assert finding["consumers"] == ["marketing/customer-value/orders"]

    # customer-value stops reading orders: its role loses the table and the schema
    edit(mesh, "domains/marketing/customer-value/product.yaml",
         ("    - name: orders                    # read in place: sales/orders granted this product's role SELECT\n"
          "      component: pg-read\n      source: {outputPort: sales/orders/orders}\n", ""))
    (mesh / "domains/marketing/customer-value/transform/customer_value.sql").write_text(
        "DELETE FROM customer_value;\nINSERT INTO customer_value SELECT customer_id, country, signed_up_on, "
        "signed_up_on, 1, 0 FROM {{ input.customers }}.customers;\n")
    with _as(url) as connection:
        kept = connection.execute("SELECT 'sales_orders.orders'::regclass::oid").fetchone()
    planned = run_cli("plan", "--format", "json", cwd=mesh, env=env)
    assert planned.code == 0, planned.out + planned.err  # a grant removed is said; the port's data stays
    (revoked,) = planned.json()["guard"]
    assert (revoked["rule"], revoked["severity"], revoked["reader"], revoked["port"]) == (
        "access-revoked", "info", "marketing/customer-value", "sales/orders/orders")
    again = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=env)
    assert again.code == 0, again.out + again.err
    assert not _can(url, reader, "SELECT * FROM sales_orders.orders")
    with _as(url) as connection:  # the grant went by a migration of the port, never a drop of its tables
        assert connection.execute("SELECT 'sales_orders.orders'::regclass::oid").fetchone() == kept
    with _as(url) as connection:
        assert connection.execute("SELECT has_schema_privilege(%s, 'sales_orders', 'USAGE')",
                                  (reader,)).fetchone() == (False,)
        connection.execute("DROP TABLE sales_orders.internal")

    # customers is read under an agreement: granted while it runs, revoked by the apply after its end
    agreement = "domains/sales/customers/agreements/marketing-customer-value.yaml"
    assert _can(url, reader, "SELECT * FROM sales_customers.customers")
    (mesh / agreement).rename(mesh / "elsewhere.txt")
    unagreed = run_cli("validate", "--format", "json", cwd=mesh, env=env)
    (finding,) = unagreed.json()["findings"]
    assert (finding["rule"], finding["file"], finding["line"]) == (
        "access-without-agreement", "domains/marketing/customer-value/product.yaml", 15)  # its input port
    (mesh / "elsewhere.txt").rename(mesh / agreement)
    edit(mesh, agreement, ("  start: 2026-01-01\n", "  start: 2026-01-01\n  end: 2027-06-30\n"))
    later = {**env, "ALCHEMESH_TODAY": "2027-07-01"}
    expired = run_cli("validate", "--format", "json", cwd=mesh, env=later)
    assert [f["rule"] for f in expired.json()["findings"]] == ["access-expired"]
    planned = run_cli("plan", "--format", "json", cwd=mesh, env=later)  # the run is how the revocation happens
    assert planned.code == 0, planned.out + planned.err
    (revoked,) = planned.json()["guard"]
    assert (revoked["rule"], revoked["severity"], revoked["reader"]) == ("access-revoked", "info",
                                                                         "marketing/customer-value")
    assert "agreement `customers-for-customer-value` ended on 2027-06-30" in revoked["message"]
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=later).code == 0
    assert not _can(url, reader, "SELECT * FROM sales_customers.customers")

    destroyed = run_cli("destroy", "--auto-approve", "--format", "json", cwd=mesh, env=env)
    assert destroyed.code == 0, destroyed.out + destroyed.err
    with _as(url) as connection:
        left = connection.execute("SELECT nspname FROM pg_namespace WHERE nspname IN "
                                  "('sales_orders', 'sales_customers', 'marketing_customer_value')").fetchall()
        owners = connection.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE %s", (f"{name}_sales%",)).fetchall()
    assert left == [] and owners == []


def _terminated_mid_query(mesh: Path, url: str, env: dict) -> None:
    """SIGTERM (a cancelled CI job) while a rule's query runs: the query is cancelled on the server and the run
    exits as interrupted, without waiting for the query's own timeout."""
    endless = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) SELECT count(*) FROM n"
    (mesh / CONTRACT).write_text((mesh / CONTRACT).read_text(encoding="utf-8").replace(
        "      - {metric: rowCount, mustBeGreaterThan: 0}\n",
        f'      - {{metric: rowCount, mustBeGreaterThan: 0}}\n      - {{type: sql, query: "{endless}", mustBe: 0}}\n'),
        encoding="utf-8")
    running = "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'WITH RECURSIVE n%'"
    process = subprocess.Popen([sys.executable, "-m", "alchemesh", "test", "--product", "sales/orders", "--timeout",
                                "3600"], cwd=mesh, env={**os.environ, **env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        with _as(url) as connection:
            for _ in range(600):  # up to a minute for the run to reach the rule
                if connection.execute(running).fetchone()[0] or process.poll() is not None:
                    break
                time.sleep(0.1)
            assert connection.execute(running).fetchone()[0] == 1, process.communicate()
            process.send_signal(signal.SIGTERM)
            out, err = process.communicate(timeout=60)
            assert process.returncode == 130, out + err
            for _ in range(100):
                if not connection.execute(running).fetchone()[0]:
                    break
                time.sleep(0.1)
            assert connection.execute(running).fetchone()[0] == 0
    finally:
        process.kill()
        process.wait()
        git(mesh, "checkout", "--", CONTRACT)
