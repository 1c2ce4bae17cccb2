"""A typed view of an ODCS v3 data contract: what the mesh rules and the compatibility checks read.

The document itself stays as-is (ODCS is validated by its official JSON Schema); this view is built
from it tolerantly, so a contract with schema findings still takes part in the other rules.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from alchemesh.findings import JsonPath


class Property(NamedTuple):
    name: str
    path: JsonPath
    logical_type: str | None
    physical_type: str | None
    required: bool
    polyseme: str | None
    raw: dict[str, Any]
    properties: tuple[Property, ...] = ()


class SchemaObject(NamedTuple):
    name: str
    path: JsonPath
    raw: dict[str, Any]
    properties: tuple[Property, ...]


class Contract(NamedTuple):
    id: str
    version: str
    status: str | None
    objects: tuple[SchemaObject, ...]
    raw: dict[str, Any]

    @property
    def major(self) -> int | None:
        head = self.version.lstrip("vV").split(".", 1)[0]
        return int(head) if head.isdigit() else None

    def walk_properties(self):
        """Every property, nested ones included, depth first."""
        stack = [p for obj in reversed(self.objects) for p in reversed(obj.properties)]
        while stack:
            prop = stack.pop()
            yield prop
            stack.extend(reversed(prop.properties))


def is_contract(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "DataContract"
        and isinstance(data.get("apiVersion"), str)
        and data["apiVersion"].startswith(("v3", "v2"))
    )


def read_contract(data: dict[str, Any]) -> Contract:
    objects = tuple(
        SchemaObject(str(obj.get("name", "")), ("schema", i), obj, _properties(obj, ("schema", i)))
        for i, obj in _dicts(data.get("schema"))
    )
    return Contract(str(data.get("id", "")), str(data.get("version", "")), data.get("status"), objects, data)


def _properties(parent: dict[str, Any], path: JsonPath) -> tuple[Property, ...]:
    out = []
    for i, raw in _dicts(parent.get("properties")):
        here = (*path, "properties", i)
        nested = _properties(raw, here) if "properties" in raw else ()
        items = raw.get("items")
        if isinstance(items, dict):
            nested += _properties(items, (*here, "items"))
        out.append(
            Property(
                str(raw.get("name", "")),
                here,
                raw.get("logicalType"),
                raw.get("physicalType"),
                raw.get("required") is True,
                _polyseme(raw) if "customProperties" in raw else None,
                raw,
                nested,
            )
        )
    return tuple(out)


def _polyseme(raw: dict[str, Any]) -> str | None:
    for _, custom in _dicts(raw.get("customProperties")):
        if custom.get("property") == "polyseme" and isinstance(custom.get("value"), str):
            return custom["value"]
    return None


def polyseme_path(prop: Property) -> JsonPath:
    for i, custom in _dicts(prop.raw.get("customProperties")):
        if custom.get("property") == "polyseme":
            return (*prop.path, "customProperties", i, "value")
    return prop.path


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list with their indices; anything else is the schema stage's business."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []
