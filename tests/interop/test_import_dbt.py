"""`alchemesh import dbt` on manifests real dbt wrote (`dbt parse` of the projects in `dbt_projects/`): the mesh it
writes validates and compiles, its graph is dbt's DAG between products, its contracts say what dbt says, a second
import writes the same bytes, and `--check` catches drift on either side without a person's edit ever lost."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from alchemesh.repofiles import from_here

from tests.testing import assert_no_traceback, run_cli

PROJECTS = Path(__file__).parent / "dbt_projects"
DBT = str(Path(sys.executable).parent / "dbt")
DBT_ENV = {"DO_NOT_TRACK": "1", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}  # dbt parse offline, nothing sent


def parse(projects: Path) -> list[Path]:
    """`dbt deps` + `dbt parse` in each project, the projects side by side: their manifest.json files."""
    env = {**os.environ, **DBT_ENV, "DBT_PROFILES_DIR": str(projects)}
    subprocess.run([DBT, "deps", "-q"], cwd=projects / "marketing", env=env, check=True, capture_output=True,
                   timeout=300)
    running = [subprocess.Popen([DBT, "parse", "--no-partial-parse", "-q"], cwd=projects / project, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for project in ("shop", "marketing")]
    for process in running:
        output, _ = process.communicate(timeout=300)
        assert process.returncode == 0, output
    return [projects / p / "target" / "manifest.json" for p in ("shop", "marketing")]


@pytest.fixture(scope="module")
def manifests(tmp_path_factory) -> list[Path]:
    projects = tmp_path_factory.mktemp("dbt") / "projects"
    shutil.copytree(PROJECTS, projects)
    return parse(projects)


@pytest.fixture
def imported(manifests, tmp_path) -> Path:
    mesh = tmp_path / "mesh"
    result = run_cli("import", "dbt", *map(str, manifests), "--out", str(mesh))
    assert result.code == 0, result.out + result.err
    return mesh


def _doc(mesh: Path, rel: str) -> dict:
    return yaml.safe_load((mesh / rel).read_text(encoding="utf-8"))


def _files(mesh: Path) -> dict[str, bytes]:
    return {p.relative_to(mesh).as_posix(): p.read_bytes() for p in sorted(mesh.rglob("*")) if p.is_file()}


def test_the_mesh_validates_compiles_and_its_graph_is_dbts_dag(imported: Path, manifests: list[Path]):
    assert run_cli("validate", str(imported)).out.startswith("✓ no findings")
    compiled = run_cli("compile", str(imported))
    assert compiled.code == 0, compiled.out + compiled.err

    # dbt's DAG between products: a model reading a public model of another group (or project)
    nodes = {}
    for manifest in manifests:
        nodes |= json.loads(manifest.read_text())["nodes"]
    group = {key: (n["package_name"], n.get("group")) for key, n in nodes.items() if n["resource_type"] == "model"}
    dbt_edges = {(f"shop/{group[d][1]}" if group[d][0] == "shop" else f"{group[d][0]}/{group[d][1]}",
                  f"{'shop' if group[k][0] == 'shop' else 'marketing'}/{group[k][1]}")
                 for k in group for d in nodes[k]["depends_on"]["nodes"]
                 if d in group and group[d] != group[k] and nodes[d].get("access") == "public"}
    graph = run_cli("graph", str(imported), "--format", "json").json()
    assert {(e["producer"], e["consumer"]) for e in graph["edges"]} == dbt_edges == {
        ("shop/sales", "marketing/growth"), ("shop/sales", "shop/finance")}


def test_products_ports_teams_and_domains(imported: Path):
    sales = _doc(imported, "domains/shop/sales/product.yaml")["spec"]
    assert sales["owner"] == "web-shop" and sales["domain"] == "shop"
    assert [(p["name"], p["version"], p["visibility"], p["contract"]) for p in sales["outputPorts"]] == [
        ("customers-v1", 1, "public", "urn:dbt:shop:customers:v1"),
        ("customers-v2", 2, "public", "urn:dbt:shop:customers:v2"),
        ("orders", 1, "public", "urn:dbt:shop:orders")]  # stg_orders is private: no port
    assert sales["inputPorts"] == [{"name": "shop-raw", "component": "dbt-source", "source": {"system": "shop-raw"}}]
    assert sales["code"] == [{"name": "shop", "component": "dbt-project",
                              "config": {"project": "shop", "select": "group:sales"}}]
    growth = _doc(imported, "domains/marketing/growth/product.yaml")["spec"]
    assert [p["source"] for p in growth["inputPorts"]] == [{"outputPort": "shop/sales/customers-v2"},
                                                          {"outputPort": "shop/sales/orders"}]
    finance = _doc(imported, "domains/shop/finance/product.yaml")["spec"]
    assert finance["outputPorts"][0]["visibility"] == "domain"  # access: protected
    assert finance["inputPorts"] == [{"name": "orders", "component": "dbt-ref", "source": {"outputPort": "sales/orders"},
                                      "uses": ["orders.amount"]}]  # what revenue_by_day.sql reads of ref('orders')
    assert [p.get("uses") for p in growth["inputPorts"]] == [["customers_v2.customer_id"],
                                                             ["orders.amount", "orders.customer_id"]]
    assert _doc(imported, "teams/web-shop.yaml")["spec"] == {
        "displayName": "Web Shop", "contacts": [{"type": "email", "value": "web-shop@example.com"}]}
    assert _doc(imported, "domains/marketing/domain.yaml")["spec"]["owner"] == "growth-analytics"


def test_contracts_say_what_dbt_says(imported: Path):
    orders = _doc(imported, "domains/shop/sales/orders.odcs.yaml")
    assert orders["apiVersion"] == "v3.2.0" and orders["version"] == "1.0.0" and orders["status"] == "active"
    (table,) = orders["schema"]
    assert (table["name"], table["physicalName"], table["physicalType"]) == ("orders", "orders", "table")
    assert table["customProperties"] == [{"property": "tier", "value": "gold"}]
    props = {p["name"]: p for p in table["properties"]}
    assert props["order_id"] == {"name": "order_id", "logicalType": "string", "physicalType": "varchar",
                                 "description": "The order number.", "required": True, "unique": True,
                                 "primaryKey": True}
    assert props["customer_id"]["required"] is True and props["customer_id"]["relationships"] == [
        {"to": "customers.customer_id"}]
    assert props["status"]["enum"] == [{"value": "placed"}, {"value": "shipped"}, {"value": "delivered"}]
    assert props["amount"]["logicalType"] == "number" and props["amount"]["customProperties"] == [
        {"property": "unit", "value": "EUR"}]
    v1 = _doc(imported, "domains/shop/sales/customers-v1.odcs.yaml")
    assert v1["status"] == "deprecated" and v1["version"] == "1.0.0"
    assert [p["name"] for p in v1["schema"][0]["properties"]] == ["customer_id", "email"]  # v1 excludes country
    v2 = _doc(imported, "domains/shop/sales/customers-v2.odcs.yaml")
    assert v2["version"] == "2.0.0" and [p["name"] for p in v2["schema"][0]["properties"]] == [
        "customer_id", "email", "country"]
    revenue = _doc(imported, "domains/shop/finance/revenue-by-day.odcs.yaml")
    assert [(p["logicalType"], p["physicalType"]) for p in revenue["schema"][0]["properties"]] == [
        ("date", "date"), ("number", "numeric(12, 2)")]


def test_a_second_import_writes_the_same_bytes(imported: Path, manifests: list[Path]):
    before = _files(imported)
    generated = sum(1 for content in before.values() if content.startswith(b"# Written by alchemesh import dbt from"))
    again = run_cli("import", "dbt", *map(str, manifests), "--out", str(imported))
    assert again.code == 0 and again.out.strip().endswith(f"0 file(s) written, {generated} "
                                                          f"unchanged in {from_here(imported)}"), again.out
    assert _files(imported) == before
    checked = run_cli("import", "dbt", *map(str, manifests), "--out", str(imported), "--check")
    assert checked.code == 0 and checked.out.strip() == "in step with the sources", checked.out


def test_check_catches_dbt_changes_and_hand_edits_and_neither_is_lost(imported: Path, manifests: list[Path],
                                                                     tmp_path: Path):
    contract = imported / "domains/shop/sales/orders.odcs.yaml"
    edited = contract.read_text().replace("purpose: One row per order.", "purpose: One row per order, VAT included.")
    contract.write_text(edited)  # a person's edit of a generated file
    customers = imported / "domains/shop/sales/customers-v2.odcs.yaml"
    (imported / "domains/shop/sales/notes.yaml").write_text("a: file of their own\n")

    # dbt changes: a column added to customers v2, the v1 version retired
    projects = manifests[0].parent.parent.parent
    changed = tmp_path / "changed"
    shutil.copytree(projects, changed, ignore=shutil.ignore_patterns("target", "dbt_packages"))
    schema = changed / "shop/models/sales/schema.yml"
    text = schema.read_text().replace("      - {name: country, data_type: varchar}\n",
                                      "      - {name: country, data_type: varchar}\n"
                                      "      - {name: segment, data_type: varchar}\n")
    text = text.replace("      - v: 1\n        deprecation_date: 2026-12-31\n        columns:\n          - include: all\n"
                        "            exclude: [country]\n", "")
    schema.write_text(text.replace("            exclude: [country]\n", "            exclude: [country, segment]\n"))
    (changed / "shop/models/sales/customers_v1.sql").unlink()
    (changed / "shop/models/sales/customers_v2.sql").write_text(
        "select customer_id, email, country, 'retail' as segment from {{ source('shop_raw', 'raw_customers') }}\n")
    new = parse(changed)

    check = run_cli("import", "dbt", *map(str, new), "--out", str(imported), "--check")
    assert check.code == 1, check.out + check.err
    assert "  update   domains/shop/sales/customers-v2.odcs.yaml" in check.out
    assert "  remove   domains/shop/sales/customers-v1.odcs.yaml" in check.out
    assert "  kept     domains/shop/sales/orders.odcs.yaml: edited since the last import" in check.out
    assert contract.read_text() == edited  # --check writes nothing

    done = run_cli("import", "dbt", *map(str, new), "--out", str(imported))
    assert done.code == 0, done.out + done.err
    assert contract.read_text() == edited and "kept as they are" in done.out
    assert "segment" in customers.read_text()
    assert not (imported / "domains/shop/sales/customers-v1.odcs.yaml").exists()
    assert (imported / "domains/shop/sales/notes.yaml").read_text() == "a: file of their own\n"
    assert [p["name"] for p in _doc(imported, "domains/shop/sales/product.yaml")["spec"]["outputPorts"]] == [
        "customers-v2", "orders"]
    assert run_cli("validate", str(imported)).code == 0

    # the person makes the file theirs: no header, no drift any more
    contract.write_text(edited.split("\n", 1)[1])
    again = run_cli("import", "dbt", *map(str, new), "--out", str(imported), "--check")
    assert again.code == 0 and "  yours    domains/shop/sales/orders.odcs.yaml: no import header" in again.out


def test_product_per_model_and_domain_per_group(manifests: list[Path], tmp_path: Path):
    mesh = tmp_path / "mesh"
    result = run_cli("import", "dbt", *map(str, manifests), "--out", str(mesh), "--product-from", "model",
                     "--domain-from", "group", "--mesh", "estate")
    assert result.code == 0, result.out + result.err
    assert _doc(mesh, "alchemesh.yaml")["metadata"]["name"] == "estate"
    products = sorted(p.parent.relative_to(mesh / "domains").as_posix() for p in mesh.glob("domains/*/*/product.yaml"))
    assert products == ["finance/revenue-by-day", "growth/customer-value", "sales/customers", "sales/orders"]
    assert run_cli("validate", str(mesh)).code == 0


def test_one_project_at_a_time_makes_the_mesh_of_both(manifests: list[Path], tmp_path: Path):
    """marketing's dependencies.yml names shop: alone, its refs to shop's public models are input ports reading the
    ports shop's own import makes, and neither import touches the other's files."""
    shop, marketing = manifests
    mesh = tmp_path / "mesh"
    assert run_cli("import", "dbt", str(marketing), "--out", str(mesh), "--mesh", "m").code == 0
    growth = _doc(mesh, "domains/marketing/growth/product.yaml")["spec"]
    assert [(p["source"], p.get("uses")) for p in growth["inputPorts"]] == [
        ({"outputPort": "shop/sales/customers-v2"}, ["customers_v2.customer_id"]),
        ({"outputPort": "shop/sales/orders"}, ["orders.amount", "orders.customer_id"])]
    assert not (mesh / "domains/shop").exists()  # shop is its own import's
    assert "unresolved-reference" in run_cli("validate", str(mesh)).out  # until shop is imported

    assert run_cli("import", "dbt", str(shop), "--out", str(mesh)).code == 0
    assert run_cli("validate", str(mesh)).out.startswith("✓ no findings")
    together = tmp_path / "together"
    assert run_cli("import", "dbt", *map(str, manifests), "--out", str(together), "--mesh", "m").code == 0
    mine = {rel: body for rel, body in _files(mesh).items() if not rel.startswith(".alchemesh/")}
    assert mine == {rel: body for rel, body in _files(together).items() if not rel.startswith(".alchemesh/")}
    for manifest in manifests:  # each import in step, and each leaves the other's files alone
        check = run_cli("import", "dbt", str(manifest), "--out", str(mesh), "--check")
        assert check.code == 0 and "in step" in check.out, check.out


def test_a_package_is_not_a_product_without_dependencies_yml(manifests: list[Path], tmp_path: Path):
    project = tmp_path / "marketing"
    (project / "target").mkdir(parents=True)
    shutil.copy(manifests[1], project / "target/manifest.json")
    (project / "dbt_project.yml").write_text("name: marketing\n")  # shop installed as a package, not named
    mesh = tmp_path / "mesh"
    assert run_cli("import", "dbt", str(project / "target/manifest.json"), "--out", str(mesh)).code == 0
    assert "inputPorts" not in _doc(mesh, "domains/marketing/growth/product.yaml")["spec"]


@pytest.mark.parametrize(("content", "said"), [
    (b"projects: shop\n", "`projects` is not a list of {name: PROJECT}"),
    (b"projects:\n  - shop\n", "`projects` is not a list of {name: PROJECT}"),
    (b"projects: [\n", "invalid YAML"),
])
def test_a_broken_dependencies_yml_is_one_line_and_exit_2(manifests: list[Path], tmp_path: Path, content: bytes,
                                                         said: str):
    project = tmp_path / "marketing"
    (project / "target").mkdir(parents=True)
    shutil.copy(manifests[1], project / "target/manifest.json")
    (project / "dbt_project.yml").write_text("name: marketing\n")
    (project / "dependencies.yml").write_bytes(content)
    result = run_cli("import", "dbt", str(project / "target/manifest.json"), "--out", str(tmp_path / "mesh"))
    assert result.code == 2 and said in result.err and "dependencies.yml" in result.err, result.err
    assert len(result.err.strip().splitlines()) == 1 and not (tmp_path / "mesh").exists()
    assert_no_traceback(result)


@pytest.mark.parametrize(("content", "said"), [
    (b"{not json", "is not JSON"),
    (b'{"metadata": {}, "nodes": {}}', "is not a dbt manifest.json"),
    (b'{"metadata": "v12", "nodes": {}}', "is not a dbt manifest.json"),
    (b'[{"metadata": {}}]', "is not a dbt manifest.json"),
    (b'{"metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v8.json"}, "nodes": {}}',
     "dbt 1.5 or later (v9+) is needed"),
])
def test_what_is_not_a_manifest_is_one_line_and_exit_2(tmp_path: Path, content: bytes, said: str):
    path = tmp_path / "manifest.json"
    path.write_bytes(content)
    result = run_cli("import", "dbt", str(path), "--out", str(tmp_path / "mesh"))
    assert result.code == 2 and said in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert_no_traceback(result)
    assert not (tmp_path / "mesh").exists()
    missing = run_cli("import", "dbt", str(tmp_path / "nope.json"))
    assert missing.code == 2 and "cannot read" in missing.err


def test_into_an_existing_mesh_only_the_products_are_written(manifests: list[Path], tmp_path: Path):
    mesh = tmp_path / "mesh"
    mesh.mkdir()
    (mesh / "alchemesh.yaml").write_text("# the team's own\n")
    result = run_cli("import", "dbt", *map(str, manifests), "--out", str(mesh))
    assert result.code == 0, result.out + result.err
    assert (mesh / "alchemesh.yaml").read_text() == "# the team's own\n"
    assert not (mesh / "components").exists() and (mesh / "domains/shop/sales/product.yaml").exists()


def test_two_imports_at_once_leave_the_tree_of_one_of_them(manifests: list[Path], tmp_path: Path):
    import os
    import subprocess
    import sys

    options = {"group": ["--product-from", "group"], "model": ["--product-from", "model", "--domain-from", "group"]}
    alone = {}
    for key, extra in options.items():
        mesh = tmp_path / f"alone-{key}"
        assert run_cli("import", "dbt", *map(str, manifests), "--out", str(mesh), "--mesh", "m", *extra).code == 0
        alone[key] = {rel: body for rel, body in _files(mesh).items() if not rel.startswith(".alchemesh/")}
    mesh = tmp_path / "both"
    env = {**os.environ, "NO_COLOR": "1"}
    both = [subprocess.Popen([sys.executable, "-m", "alchemesh", "import", "dbt", *map(str, manifests), "--out",
                              str(mesh), "--mesh", "m", *extra], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
            for extra in options.values()]
    for process in both:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    final = {rel: body for rel, body in _files(mesh).items() if not rel.startswith(".alchemesh/")}
    assert final in (alone["group"], alone["model"])


def test_a_deprecated_model_version_is_a_dated_sunset_its_consumers_are_told_of(tmp_path: Path):
    """customers v1 has deprecation_date 2026-12-31 and v2 is the latest: its port is deprecated with that sunset
    and v2's port as the replacement; a product still reading v1 is told at its input port, then fails."""
    projects = tmp_path / "projects"
    shutil.copytree(PROJECTS, projects)
    sql = projects / "marketing/models/customer_value.sql"
    sql.write_text(sql.read_text().replace("ref('shop', 'customers', v=2)", "ref('shop', 'customers', v=1)"))
    mesh = tmp_path / "mesh"
    assert run_cli("import", "dbt", *map(str, parse(projects)), "--out", str(mesh)).code == 0
    product = next(mesh.glob("domains/*/sales/product.yaml"))
    v1 = next(p for p in _doc(mesh, product.relative_to(mesh).as_posix())["spec"]["outputPorts"]
              if p["name"] == "customers-v1")
    assert v1["status"] == "deprecated" and v1["sunset"] == {"date": "2026-12-31", "replacedBy": "customers-v2"}
    before = run_cli("validate", "--format", "json", str(mesh), env={"ALCHEMESH_TODAY": "2026-12-07"})
    assert [f["rule"] for f in before.json()["findings"]] == ["sunset-approaching"]
    after = run_cli("validate", "--format", "json", str(mesh), env={"ALCHEMESH_TODAY": "2027-01-05"})
    (finding,) = after.json()["findings"]
    assert after.code == 1 and finding["rule"] == "sunset-passed" and finding["file"].endswith("product.yaml")
    assert "customers-v1`, which was sunset on 2026-12-31 (5 days ago)" in finding["message"]
    assert finding["hint"] == "move to `customers-v2`"
