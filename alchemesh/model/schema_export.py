"""JSON Schemas of the alchemesh kinds, generated from the models: for editors and for other tools."""

from __future__ import annotations

from typing import Any

import json
from pathlib import Path

from alchemesh.workspace import write_atomic
from alchemesh.model.resources import KINDS

SCHEMA_BASE = "https://alchemesh.io/schemas/v1alpha1/"


def kind_schemas() -> dict[str, dict[str, Any]]:
    """File name → JSON Schema, one per kind plus `alchemesh.schema.json` that accepts any of them."""
    out = {}
    for kind, model in KINDS.items():
        schema = model.model_json_schema(by_alias=True, mode="validation")
        name = f"{kind.lower()}.schema.json"
        out[name] = {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_BASE + name, **schema}
    out["alchemesh.schema.json"] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + "alchemesh.schema.json",
        "title": "Any alchemesh resource",
        "oneOf": [
            {
                "if": {"properties": {"kind": {"const": kind}}, "required": ["kind"]},
                "then": {"$ref": f"{kind.lower()}.schema.json"},
                "else": False,
            }
            for kind in KINDS
        ],
    }
    return out


def render_schema(schema: dict[str, Any]) -> bytes:
    return (json.dumps(schema, indent=2, ensure_ascii=False) + "\n").encode()


def export_schemas(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in kind_schemas().items():
        path = directory / name
        write_atomic(path, render_schema(schema))
        written.append(path)
    return written
