"""`alchemesh init` and `alchemesh new product`: what they write validates clean."""

from __future__ import annotations

import yaml

from tests.testing import assert_no_traceback, run_cli


def test_init_scaffolds_a_repo_that_validates_clean(tmp_path):
    target = tmp_path / "Acme Mesh"
    result = run_cli("init", str(target))
    assert result.code == 0, result.err
    for rel in ("alchemesh.yaml", ".pre-commit-config.yaml", ".github/workflows/alchemesh-pr.yml",
                ".github/workflows/alchemesh-apply.yml", ".github/workflows/alchemesh-drift.yml", ".gitignore"):
        assert (target / rel).is_file(), rel
    assert yaml.safe_load((target / "alchemesh.yaml").read_text())["metadata"]["name"] == "acme-mesh"
    (repo,) = yaml.safe_load((target / ".pre-commit-config.yaml").read_text())["repos"]
    assert repo["repo"] == "local" and repo["hooks"][0]["entry"] == "alchemesh validate"
    workflow = yaml.safe_load((target / ".github/workflows/alchemesh-pr.yml").read_text())
    steps = [s.get("run", "") for s in workflow["jobs"]["plan"]["steps"]]
    assert "alchemesh validate --format github" in steps
    check = run_cli("validate", "--format", "json", "--fail-on", "info", str(target))
    assert check.code == 0 and check.json()["findings"] == []


def test_init_refuses_an_existing_mesh_and_overwrites_nothing(tmp_path):
    run_cli("init", str(tmp_path))
    before = (tmp_path / "alchemesh.yaml").read_bytes()
    again = run_cli("init", str(tmp_path))
    assert again.code == 2 and "already exists" in again.err
    assert (tmp_path / "alchemesh.yaml").read_bytes() == before
    assert_no_traceback(again)


def test_init_rejects_an_invalid_mesh_name(tmp_path):
    result = run_cli("init", str(tmp_path), "--name", "../Escape")
    assert result.code == 2 and "not a valid mesh name" in result.err
    assert not (tmp_path / "alchemesh.yaml").exists()


def test_new_product_validates_clean_and_joins_the_graph(quickstart):
    result = run_cli("new", "product", "sales", "returns", cwd=quickstart)
    assert result.code == 0, result.err
    assert (quickstart / "domains/sales/returns/product.yaml").is_file()
    assert (quickstart / "domains/sales/returns/contract.odcs.yaml").is_file()
    check = run_cli("validate", "--format", "json", "--fail-on", "info", str(quickstart))
    assert check.code == 0, check.out
    ids = [p["id"] for p in run_cli("graph", "--format", "json", str(quickstart)).json()["products"]]
    assert "sales/returns" in ids


def test_new_product_in_an_unknown_domain_is_a_usage_error(quickstart):
    result = run_cli("new", "product", "sale", "returns", "--path", str(quickstart))
    assert result.code == 2 and "did you mean `sales`?" in result.err
    assert_no_traceback(result)


def test_new_product_refuses_existing_and_escaping_names(quickstart):
    assert run_cli("new", "product", "sales", "orders", "--path", str(quickstart)).code == 2
    escape = run_cli("new", "product", "sales", "../../etc", "--path", str(quickstart))
    assert escape.code == 2 and "not a valid data product name" in escape.err
    assert not (quickstart.parent / "etc").exists()


def test_new_product_reads_a_system_through_a_component_that_can(quickstart):
    # The quickstart registers two input-port components; the first by name attaches a producer's port.
    quickstart = quickstart
    assert run_cli("new", "product", "sales", "returns", cwd=quickstart).code == 0
    product = yaml.safe_load((quickstart / "domains/sales/returns/product.yaml").read_text())
    (port,) = product["spec"]["inputPorts"]
    assert port["component"] == "local-landing" and port["source"] == {"system": "returns"}
    (code,) = product["spec"]["code"]
    assert code["config"] == {"sql_file": "transform/returns.sql"}
    assert (quickstart / "domains/sales/returns/transform/returns.sql").is_file()
    assert (quickstart / "data/returns/returns.csv").read_text().startswith("id,created_at\n")


def test_an_input_port_on_a_component_that_cannot_read_its_source_is_a_finding(quickstart):
    quickstart = quickstart
    product = quickstart / "domains/sales/orders/product.yaml"
    product.write_text(product.read_text().replace("component: local-landing", "component: local-duckdb-attach"))
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    (finding,) = [f for f in result.json()["findings"] if f["rule"] == "component-config"]
    assert result.code == 1 and "reads another product's output port" in finding["message"]
    assert (finding["file"], finding["line"]) == ("domains/sales/orders/product.yaml", 15)
