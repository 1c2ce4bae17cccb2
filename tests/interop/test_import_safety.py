"""What an importer writes comes from a pull request's documents: `import odps` and `import dbt` write only their own
files under the mesh (no workflow, no pre-commit config, nothing through a symlinked folder), keep every header
one line, and turn a manifest of the wrong shape into one line and exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.fuzz.test_fuzz import MANIFEST
from tests.interop.test_odps import FOREIGN
from tests.testing import assert_no_traceback, invoke


def _exported(quickstart: Path, tmp_path: Path) -> dict:
    out = tmp_path / "odps"
    assert invoke("export", "odps", str(quickstart), "--out", str(out)).code == 0
    return yaml.safe_load((out / "sales" / "orders.odps.yaml").read_text(encoding="utf-8"))


def _with(document: dict, file: str | None = None, source: str | None = None) -> dict:
    for custom in document["customProperties"]:
        if custom["property"] == "alchemesh:file" and file is not None:
            custom["value"] = file
        if custom["property"] == "alchemesh:source" and source is not None:
            custom["value"] = source
    return document


def _import(tmp_path: Path, document: dict, mesh: Path, *extra: str):
    path = tmp_path / "hostile.odps.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return invoke("import", "odps", str(path), "--out", str(mesh), *extra)


@pytest.mark.parametrize(("file", "said"), [
    (".github/workflows/deploy.yml", "not a product file under domains/DOMAIN/"),
    (".pre-commit-config.yaml", "not a product file under domains/DOMAIN/"),
    ("domains/../.github/workflows/x.yaml", "not a product file under domains/DOMAIN/"),
    ("domains/marketing/orders/product.yaml", "not of 'marketing'"),
    ("domains/sales/elsewhere/product.yaml", "names none of the products it holds"),
    ("domains/sales/orders/x\ny.yaml", "not a product file under domains/DOMAIN/"),
    ("domains/sales/orders/product\x00.yaml", "not a product file under domains/DOMAIN/"),
])
def test_import_odps_writes_only_the_product_file_its_path_names(quickstart: Path, tmp_path: Path, file, said):
    document = _with(_exported(quickstart, tmp_path), file=file)
    before = sorted(p.relative_to(quickstart) for p in quickstart.rglob("*"))
    result = _import(tmp_path, document, quickstart)
    assert result.code == 2 and said in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert sorted(p.relative_to(quickstart) for p in quickstart.rglob("*")) == before
    assert_no_traceback(result)


def test_import_odps_smuggles_no_other_resource(quickstart: Path, tmp_path: Path):
    document = _exported(quickstart, tmp_path)
    source = next(c["value"] for c in document["customProperties"] if c["property"] == "alchemesh:source")
    smuggled = source + "---\napiVersion: alchemesh.io/v1alpha1\nkind: Team\nmetadata: {name: owned}\nspec: {}\n"
    (quickstart / "domains/sales/orders/product.yaml").unlink()
    result = _import(tmp_path, _with(document, source=smuggled), quickstart)
    assert result.code == 2 and "holds something else than alchemesh DataProducts" in result.err
    assert not (quickstart / "domains/sales/orders/product.yaml").exists()


def test_import_odps_follows_no_symlinked_folder_out_of_the_mesh(quickstart: Path, tmp_path: Path):
    document = _exported(quickstart, tmp_path)
    outside = tmp_path / "outside"
    outside.mkdir()
    sales = quickstart / "domains" / "sales"
    (sales / "orders" / "product.yaml").unlink()
    (sales / "orders").rename(outside / "orders")
    (sales / "orders").symlink_to(outside / "orders", target_is_directory=True)
    result = _import(tmp_path, document, quickstart)
    assert result.code == 2 and "domains/sales/orders is a symlink: nothing is written through it" in result.err
    assert not (outside / "orders" / "product.yaml").exists()


def test_an_unchanged_import_says_it_wrote_nothing(quickstart: Path, tmp_path: Path):
    result = _import(tmp_path, _exported(quickstart, tmp_path), quickstart)
    assert result.code == 0 and "0 data product file(s) written, 1 unchanged" in result.out, result.out


def test_a_foreign_id_with_a_newline_stays_in_its_header_line(quickstart: Path, tmp_path: Path):
    document = yaml.safe_load(FOREIGN)
    document["id"] = "x)\napiVersion: alchemesh.io/v1alpha1\nkind: Team\nmetadata: {name: smuggled}\n---\n# ("
    result = _import(tmp_path, document, quickstart, "--output-component", "local-duckdb", "--input-component",
                     "local-duckdb-attach")
    assert result.code == 0, result.out + result.err
    text = (quickstart / "domains/sales/order-returns/product.yaml").read_text(encoding="utf-8")
    assert [d["kind"] for d in yaml.safe_load_all(text)] == ["DataProduct"]
    assert text.splitlines()[0].startswith("# Imported from the ODPS document") and "\\n" in text.splitlines()[0]


def _manifest(tmp_path: Path, manifest: dict | str) -> Path:
    path = tmp_path / "manifest.json"
    path.write_text(manifest if isinstance(manifest, str) else json.dumps(manifest), encoding="utf-8")
    return path


def _node(change) -> dict:
    manifest = json.loads(json.dumps(MANIFEST))
    change(manifest, manifest["nodes"]["model.shop.orders"])
    return manifest


@pytest.mark.parametrize(("manifest", "said"), [
    (_node(lambda m, n: n.update(config=[])), "nodes.model.shop.orders.config is not an object"),
    (_node(lambda m, n: n["columns"].update(order_id="varchar")), "nodes.model.shop.orders.columns.order_id is not an object"),
    (_node(lambda m, n: n.update(depends_on={"nodes": "model.shop.customers"})), "depends_on.nodes is not an array"),
    (_node(lambda m, n: n.update(depends_on=[1])), "nodes.model.shop.orders.depends_on is not an object"),
    (_node(lambda m, n: n.update(constraints={"type": "primary_key"})), "constraints is not an array"),
    (_node(lambda m, n: n.update(package_name=["shop"])), "package_name is not a string"),
    (_node(lambda m, n: m.update(groups={"group.shop.sales": {"owner": "sales"}})), "groups.group.shop.sales.owner is not an object"),
    (_node(lambda m, n: m.update(sources=[])), "sources is not an object"),
    (_node(lambda m, n: m["metadata"].update(project_name={"a": 1})), "metadata.project_name is not a string"),
    (_node(lambda m, n: n["columns"]["order_id"].update(constraints=["not_null"])), "constraints[0] is not an object"),
    (_node(lambda m, n: m["nodes"].update({"model.shop.x\napiVersion: alchemesh.io/v1alpha1": {}})), "control character"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
])
def test_a_manifest_of_the_wrong_shape_is_one_line_and_exit_2(tmp_path: Path, manifest, said):
    result = invoke("import", "dbt", str(_manifest(tmp_path, manifest)), "--out", str(tmp_path / "mesh"))
    assert result.code == 2 and said in result.err and len(result.err.strip().splitlines()) == 1, result.err
    assert "not a dbt manifest" in result.err and not (tmp_path / "mesh").exists()
    assert_no_traceback(result)


def test_depends_on_null_is_read_as_no_dependency(tmp_path: Path):
    manifest = _node(lambda m, n: n.update(depends_on=None))
    result = invoke("import", "dbt", str(_manifest(tmp_path, manifest)), "--out", str(tmp_path / "mesh"))
    assert result.code == 0, result.err


def test_import_dbt_writes_nothing_through_a_symlinked_folder(tmp_path: Path):
    mesh, outside = tmp_path / "mesh", tmp_path / "outside"
    mesh.mkdir()
    outside.mkdir()
    (mesh / "domains").symlink_to(outside, target_is_directory=True)
    result = invoke("import", "dbt", str(_manifest(tmp_path, MANIFEST)), "--out", str(mesh))
    assert result.code == 2 and "domains is a symlink" in result.err, result.err
    assert list(outside.iterdir()) == [] and not (mesh / "alchemesh.yaml").exists()
