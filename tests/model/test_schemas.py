"""Published JSON Schemas stay in sync with the models, and really validate resources."""

from __future__ import annotations

import json

import jsonschema
import pytest
import yaml

from alchemesh.model.schema_export import kind_schemas, render_schema
from tests.testing import QUICKSTART, REPO, run_cli


def test_published_schemas_match_the_models():
    """Regenerate with `alchemesh schema export schemas` when this fails."""
    published = {p.name: p.read_bytes() for p in (REPO / "schemas").glob("*.schema.json")}
    generated = {name: render_schema(schema) for name, schema in kind_schemas().items()}
    assert published == generated


def test_schema_export_writes_every_kind(tmp_path):
    result = run_cli("schema", "export", str(tmp_path / "out"))
    assert result.code == 0
    from alchemesh.report.events import event_schemas

    from alchemesh.interop.agreements import standard_schemas

    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == sorted([*kind_schemas(), "events", "standards"])
    assert sorted(p.name for p in (tmp_path / "out" / "events").iterdir()) == sorted(event_schemas())
    standards = {p.name: p.read_bytes() for p in (tmp_path / "out" / "standards").iterdir()}
    assert standards == standard_schemas() and len([n for n in standards if n.endswith('.json')]) == 2
    # the repository publishes the same files
    assert {p.name: p.read_bytes() for p in (REPO / "schemas" / "standards").iterdir()} == standards


@pytest.mark.parametrize("rel", ["domains/sales/orders/product.yaml", "alchemesh.yaml", "teams.yaml"])
def test_exported_schemas_accept_the_quickstart(rel):
    for doc in yaml.safe_load_all((QUICKSTART / rel).read_text()):
        schema = json.loads((REPO / "schemas" / f"{doc['kind'].lower()}.schema.json").read_text())
        jsonschema.validate(doc, schema)


def test_exported_schema_rejects_a_name_that_escapes_a_directory():
    schema = json.loads((REPO / "schemas" / "team.schema.json").read_text())
    doc = {"apiVersion": "alchemesh.io/v1alpha1", "kind": "Team", "metadata": {"name": "../etc"}}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, schema)
