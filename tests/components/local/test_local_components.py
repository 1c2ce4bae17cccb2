"""The local component family (components/local) under real Terraform 1.0.3 and real DuckDB.

Terraform and the null provider come from PyPI (see terraform_env.py); nothing reaches a registry.
The end-to-end tests write Terraform JSON root modules shaped like the stacks `alchemesh compile`
writes: one per product, the consumer reading the producer's state through
`terraform_remote_state`.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import duckdb
import pytest

from tests.testing.terraform_env import Terraform
from tests.testing import REPO, run_cli

LOCAL = REPO / "components" / "local"
MODULES = {
    "input-port-landing": "input-port",
    "input-port-duckdb-attach": "input-port",
    "output-port-duckdb": "output-port",
    "code-sql": "code",
}
_IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "terraform.tfstate*", ".alchemesh")


# --- layout, format, interface, examples -------------------------------------------------------------


def test_every_module_has_the_standard_layout():
    for name in MODULES:
        module = LOCAL / name
        for part in ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples/basic/main.tf"):
            assert (module / part).exists(), f"{name} has no {part}"
        assert list((module / "scripts").glob("*.py")), f"{name} ships no script"


def test_components_check_finds_nothing():
    result = run_cli("components", "check", "components/local", "--format", "json", cwd=REPO)
    assert result.code == 0, result.out + result.err
    assert result.json()["findings"] == []


def test_terraform_fmt(terraform: Terraform):
    proc = terraform.run(["fmt", "-check", "-recursive", "-diff", "components/local"], cwd=REPO, check=False)
    assert proc.returncode == 0, f"terraform fmt would change:\n{proc.stdout}{proc.stderr}"


@pytest.fixture(scope="session")
def validated_examples(terraform: Terraform, tmp_path_factory) -> dict[str, str | None]:
    """`terraform init` + `validate` of every module's examples/basic (in a copy: init writes files);
    module name → None, or the failure."""
    copy = tmp_path_factory.mktemp("components") / "local"
    shutil.copytree(LOCAL, copy, ignore=_IGNORED)

    def check(name: str) -> str | None:
        example = copy / name / "examples" / "basic"
        for args in (["init", "-input=false", "-backend=false"], ["validate"]):
            proc = terraform.run(args, cwd=example, check=False)
            if proc.returncode != 0:
                return f"terraform {' '.join(args)}:\n{proc.stdout}\n{proc.stderr}"
        return None

    # one after the other: Terraform's plugin cache is not safe for concurrent `init`s
    return {name: check(name) for name in MODULES}


@pytest.mark.parametrize("name", sorted(MODULES))
def test_example_initialises_from_the_mirror_and_validates(validated_examples: dict, name: str):
    assert validated_examples[name] is None, validated_examples[name]


# --- end to end ----------------------------------------------------------------------------------------

ORDERS_CSV = "order_id,amount\nO-1, 42.50\nO-2,18\n"
ORDERS_SQL = """-- the landing port `shop` shows data/shop/orders.csv as shop.orders
DELETE FROM orders;
INSERT INTO orders (order_id, amount) SELECT trim(order_id), amount FROM shop.orders;
-- a table of the code's own, outside the contract: one row per run
CREATE TABLE IF NOT EXISTS runs (ran_at TIMESTAMP);
INSERT INTO runs VALUES (now());
"""
TOTALS_SQL = """-- the DuckDB input port `orders` is attached read-only: orders.orders
DELETE FROM totals;
INSERT INTO totals (order_count, amount) SELECT count(*), sum(amount) FROM orders.orders;
"""


EMPTY_STATE = {"version": 4, "terraform_version": "1.0.3", "serial": 0,
               "lineage": "00000000-0000-4000-8000-000000000000", "outputs": {}, "resources": []}


def prop(name: str, logical: str | None, physical: str | None = None, *, required: bool = False,
         pk: bool = False) -> dict:
    return {"name": name, "logical_type": logical, "physical_type": physical, "required": required,
            "unique": pk, "primary_key": pk, "description": f"the {name}", "classification": "internal"}


def contract(cid: str, table: str, *properties: dict) -> dict:
    return {"id": cid, "version": "1.0.0", "objects": [
        {"name": table, "physical_name": table, "description": f"the {table}", "properties": list(properties)}]}


def escape(value):
    """A literal for Terraform JSON, where strings are templates."""
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{")
    if isinstance(value, dict):
        return {k: escape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [escape(v) for v in value]
    return value


class Stack:
    """A product's root module, written the way `alchemesh compile` writes one."""

    def __init__(self, root: Path, domain: str, product: str, spec_dir: Path):
        self.dir = root / ".alchemesh" / "build" / "dev" / domain / product
        self.dir.mkdir(parents=True, exist_ok=True)
        self.domain, self.product, self.spec_dir = domain, product, spec_dir
        self.modules: dict[str, dict] = {}
        self.data: dict[str, dict] = {}
        self.outputs: dict[str, str] = {}
        self.keys: dict[str, str] = {}  # port or code name → module name (Terraform names are plain)

    def key(self, kind: str, name: str) -> str:
        return self.keys.setdefault(f"{kind}:{name}", f"{kind}_{len(self.keys)}")

    def _module(self, component: str, labels: dict, **args) -> dict:
        source = os.path.relpath(LOCAL / component, self.dir).replace(os.sep, "/")
        return {"source": source if source.startswith("../") else f"./{source}",
                **escape({"mesh": "test", "environment": "dev", "labels": {"mesh": "test", **labels},
                          "infrastructure": {}, "spec_dir": self.spec_dir.as_posix(), "domain": self.domain,
                          "product": self.product, "python": sys.executable, **args})}

    def landing(self, port: str, system: str, **config) -> None:
        self.modules[self.key("input", port)] = self._module("input-port-landing", {"port": port}, port=port,
                                                     source_system=system, **config)

    def attach(self, port: str, producer: Stack, producer_port: str) -> None:
        state = f"producer_{producer.domain}__{producer.product}"
        self.data[state] = {"backend": "local", "config": {"path": (producer.dir / "terraform.tfstate").as_posix()},
                            "defaults": {"output_ports": {}}}
        module = self._module("input-port-duckdb-attach", {"port": port}, port=port,
                              upstream_port=f"{producer.domain}/{producer.product}/{producer_port}")
        module["upstream_location"] = (f'${{try(data.terraform_remote_state.{state}.outputs'
                                       f'.output_ports["{producer_port}"].location, "")}}')
        self.modules[self.key("input", port)] = module

    def output(self, port: str, contract_: dict | None, **config) -> None:
        self.modules[self.key("output", port)] = self._module("output-port-duckdb", {"port": port}, port=port,
                                                      visibility="public", contract=contract_, consumers=[],
                                                      **config)
        self.outputs[port] = f"${{module.{self.key('output', port)}.location}}"

    def code(self, name: str, **config) -> None:
        module = self._module("code-sql", {}, name=name, **config)
        module["inputs"] = {escape(ref.split(":", 1)[1]): f"${{module.{key}.location}}"
                            for ref, key in self.keys.items() if ref.startswith("input:")}
        module["outputs"] = {escape(port): location for port, location in self.outputs.items()}
        self.modules[self.key("code", name)] = module

    def write(self) -> None:
        ports = {escape(port): {"location": location} for port, location in self.outputs.items()}
        content = {"terraform": {"required_version": ">= 1.0"}, "module": self.modules,
                   "output": {"output_ports": {"value": ports}}}
        if self.data:
            content["data"] = {"terraform_remote_state": self.data}
        (self.dir / "main.tf.json").write_text(json.dumps(content, indent=2))

    def database(self, port: str) -> Path:
        return self.spec_dir.parents[2] / ".alchemesh" / "data" / "dev" / self.domain / self.product / f"{port}.duckdb"


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns(path: Path, table: str) -> list[tuple]:
    return query(path, f"SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
                       f"WHERE table_name = '{table}' ORDER BY column_index")


def flat(text: str) -> str:
    """Terraform's message with its line wrapping and box drawing undone."""
    return " ".join(text.replace("│", " ").split())


def apply(terraform: Terraform, stack: Stack, *, check: bool = True):
    if not (stack.dir / ".terraform").exists():
        terraform.run(["init", "-input=false"], cwd=stack.dir)
    return terraform.run(["apply", "-auto-approve", "-input=false"], cwd=stack.dir, check=check)


def test_end_to_end_landing_sql_duckdb_then_a_consumer(terraform: Terraform, tmp_path: Path):
    mesh = tmp_path / "mesh"
    (mesh / "data" / "shop").mkdir(parents=True)
    (mesh / "alchemesh.yaml").write_text("kind: Mesh\n")  # where the components find the mesh root
    (mesh / "data" / "shop" / "orders.csv").write_text(ORDERS_CSV)
    orders_dir = mesh / "domains" / "sales" / "orders"
    totals_dir = mesh / "domains" / "finance" / "totals"
    for folder, sql in ((orders_dir, ORDERS_SQL), (totals_dir, TOTALS_SQL)):
        (folder / "transform").mkdir(parents=True)
        (folder / "transform" / "build.sql").write_text(sql)

    orders_contract = contract("urn:sales:orders", "orders", prop("order_id", "string", "VARCHAR", required=True,
                                                                  pk=True), prop("amount", "number"))
    orders = Stack(mesh, "sales", "orders", orders_dir)
    orders.landing("shop", "shop")
    orders.output("orders", orders_contract)
    orders.code("build", sql_file="transform/build.sql")
    orders.write()
    totals = Stack(mesh, "finance", "totals", totals_dir)
    totals.attach("orders", orders, "orders")
    totals.output("totals", contract("urn:finance:totals", "totals", prop("order_count", "integer", required=True),
                                     prop("amount", "number", "DECIMAL(12,2)")))
    totals.code("sum", sql_file="build.sql", sql_dir="transform")
    totals.write()

    # The consumer before its producer: a clear failure. (Terraform 1.0's terraform_remote_state
    # applies its `defaults` to an empty state only, not to a missing one: start the producer's.)
    (orders.dir / "terraform.tfstate").write_text(json.dumps(EMPTY_STATE))
    early = apply(terraform, totals, check=False)
    assert early.returncode != 0
    assert "apply the producer's stack first" in flat(early.stderr)

    apply(terraform, orders)
    database = orders.database("orders")
    assert columns(database, "orders") == [("order_id", "VARCHAR", False), ("amount", "DOUBLE", True)]
    assert query(database, "SELECT * FROM orders ORDER BY 1") == [("O-1", 42.5), ("O-2", 18.0)]
    assert query(database, "SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'orders' "
                           "AND constraint_type = 'PRIMARY KEY'") == [("PRIMARY KEY",)]
    # No view of the landing port leaks into the output port.
    assert query(database, "SELECT count(*) FROM duckdb_views() WHERE NOT internal") == [(0,)]

    apply(terraform, totals)
    totals_db = totals.database("totals")
    assert columns(totals_db, "totals") == [("order_count", "BIGINT", False), ("amount", "DECIMAL(12,2)", True)]
    assert query(totals_db, "SELECT order_count, CAST(amount AS DOUBLE) FROM totals") == [(2, 60.5)]

    # Applied again with nothing changed: nothing to do.
    plan = terraform.run(["plan", "-detailed-exitcode", "-input=false"], cwd=orders.dir, check=False)
    assert plan.returncode == 0, plan.stdout + plan.stderr

    # New landed data: the SQL runs again, and so does the consumer's.
    assert query(database, "SELECT count(*) FROM runs") == [(1,)]
    (mesh / "data" / "shop" / "orders.csv").write_text(ORDERS_CSV + "O-3,9.5\n")
    apply(terraform, orders)
    assert query(database, "SELECT count(*) FROM orders") == [(3,)]
    assert query(database, "SELECT count(*) FROM runs") == [(2,)]
    # A contract change alone: the table is migrated (its rows kept), the code's own table is left
    # alone, and the code runs again.
    orders_contract["objects"][0]["properties"].append(prop("note", "string"))
    orders.modules[orders.key("output", "orders")]["contract"] = escape(orders_contract)
    orders.write()
    apply(terraform, orders)
    assert columns(database, "orders")[-1] == ("note", "VARCHAR", True)
    assert query(database, "SELECT count(*), count(note) FROM orders") == [(3, 0)]
    assert query(database, "SELECT count(*) FROM runs") == [(3,)]
    apply(terraform, totals)
    assert query(totals_db, "SELECT order_count FROM totals") == [(3,)]

    # Destroy removes the DuckDB files, not the landed data.
    terraform.run(["destroy", "-auto-approve", "-input=false"], cwd=totals.dir)
    terraform.run(["destroy", "-auto-approve", "-input=false"], cwd=orders.dir)
    assert not totals_db.exists() and not database.exists()
    assert (mesh / "data" / "shop" / "orders.csv").exists()


# --- hostile values ------------------------------------------------------------------------------------


def test_hostile_names_and_config_values_never_reach_a_shell(terraform: Terraform, tmp_path: Path):
    mesh = tmp_path / "mesh"
    canary = tmp_path / "canary"
    canary.mkdir()
    pwned = tmp_path / "pwned"
    # Relative markers land in Terraform's working directory, under tmp_path.
    quote, subst, tick = '"; touch pwned; echo "', "$(touch pwned)", "`touch pwned`"
    shell_abs, subst_abs = f'"; rm -rf {canary}; echo "', f"$(touch {pwned})"
    product_dir = mesh / "domains" / "d" / "p"
    (product_dir / "sql").mkdir(parents=True)
    (mesh / "alchemesh.yaml").write_text("kind: Mesh\n")
    landing = mesh / f"landing {subst}" / "it's"
    landing.mkdir(parents=True)
    (landing / f"o'brien {subst}.csv").write_text('id,"we""ird"\n1,x\n')
    table, column = "t'; DROP TABLE x; --", 'it\'s "q"'
    sql_name = f"it's {subst} {tick}.sql"
    (product_dir / "sql" / sql_name).write_text(
        f'''INSERT INTO "t'; DROP TABLE x; --" ("it's ""q""")\n'''
        f'''SELECT "we""ird" FROM "{subst_abs}"."o'brien {subst}";\n''')

    stack = Stack(mesh, "d", quote, product_dir)
    stack.landing(subst_abs, shell_abs, path=landing.as_posix())
    stack.output(tick, contract("urn:x", table, prop(column, "string", required=True)))
    stack.code(shell_abs, sql_file=sql_name, sql_dir="sql")
    stack.write()
    apply(terraform, stack)

    database = stack.database(tick)
    assert database.is_file()
    assert query(database, f'SELECT "it\'s ""q""" FROM "{table}"') == [("x",)]
    assert canary.exists()
    assert not pwned.exists()
    assert not list(tmp_path.rglob("pwned")), "a command ran"

    # A name that would leave the state folder is refused before anything runs.
    bad = Stack(tmp_path / "other", "d", f'"; rm -rf {canary}; echo "', product_dir)
    bad.output("o", None)
    bad.write()
    terraform.run(["init", "-input=false"], cwd=bad.dir)
    refused = terraform.run(["apply", "-auto-approve", "-input=false"], cwd=bad.dir, check=False)
    assert refused.returncode != 0
    assert "folder name of the database path" in flat(refused.stderr)
    assert canary.exists() and not list(tmp_path.rglob("pwned"))
