"""A mesh `alchemesh init` makes carries the JSON Schemas of its files (`.alchemesh-schemas/`), and every YAML file
it or `new product` writes names its schema in a `$schema` comment an editor resolves offline: the path exists, and
the file validates against it. The catalog publishes the same schemas."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import yaml

from tests.testing import invoke

COMMENT = re.compile(r"^# yaml-language-server: \$schema=(\S+)\n")


def _check(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    match = COMMENT.match(text)
    assert match, f"{path}: no $schema comment on its first line"
    schema_path = (path.parent / match.group(1)).resolve()
    assert schema_path.is_file(), f"{path}: {match.group(1)} resolves to nothing"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    for document in yaml.safe_load_all(text):
        errors = [e.message for e in validator.iter_errors(json.loads(json.dumps(document, default=str)))]
        assert not errors, (path, errors[:3])
    return schema_path.name


def test_every_file_init_and_new_write_names_a_schema_it_ships_and_keeps(tmp_path: Path):
    mesh = tmp_path / "mesh"
    assert invoke("init", str(mesh)).code == 0
    resources = [p for p in mesh.rglob("*.yaml") if "components" not in p.relative_to(mesh).parts
                 and ".github" not in p.parts and p.name != ".pre-commit-config.yaml"]
    used = {_check(p) for p in resources}
    assert used == {"mesh.schema.json", "team.schema.json", "domain.schema.json", "dataproduct.schema.json",
                    "odcs-json-schema-v3.1.0.json"}
    assert invoke("new", "product", "sales", "returns", "--path", str(mesh)).code == 0
    assert {_check(p) for p in (mesh / "domains/sales/returns").glob("*.yaml")} == {
        "dataproduct.schema.json", "odcs-json-schema-v3.1.0.json"}
    assert invoke("validate", str(mesh)).code == 0
    assert not any("alchemesh.io/schemas" in p.read_text() for p in resources)  # nothing points at an URL


def test_the_catalog_publishes_the_schemas(quickstart: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert invoke("docs", "build", str(quickstart), "--out", str(out)).code == 0
    assert json.loads((out / "schemas/dataproduct.schema.json").read_text())["title"] == "DataProduct"
    assert (out / "schemas/events/io.alchemesh.stack.applied.schema.json").is_file()
