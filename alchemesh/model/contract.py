"""A typed view of an ODCS v3 data contract: everything the mesh rules, the compiler and the catalog read.

The document itself stays as-is (ODCS is validated by its official JSON Schema; the compatibility checks
compare documents); this view is built from it tolerantly, so a contract with schema findings still takes
part in the other rules: a value of the wrong type reads as absent.
"""

from __future__ import annotations

import datetime

from collections.abc import Iterator
import re
from typing import Any, NamedTuple

from alchemesh.findings import JsonPath


class Quality(NamedTuple):
    """One data-quality rule, as the catalog shows it."""

    name: str  # its metric (or rule, name, type)
    description: Any
    conditions: tuple[tuple[str, Any], ...]  # mustBe… operators and their values, sorted
    arguments: tuple[tuple[str, Any], ...]
    query: Any


class Sla(NamedTuple):
    property: Any
    value: Any
    unit: Any
    element: Any


class Property(NamedTuple):
    name: str
    path: JsonPath
    logical_type: str | None
    physical_type: str | None
    required: bool
    polyseme: str | None
    raw: dict[str, Any]  # for the compatibility checks, which compare documents
    properties: tuple[Property, ...] = ()
    unique: bool = False
    primary_key: bool = False
    physical_name: str | None = None
    description: str | None = None
    classification: Any = None
    quality: tuple[Quality, ...] = ()
    examples: tuple[Any, ...] = ()


class SchemaObject(NamedTuple):
    name: str
    path: JsonPath
    raw: dict[str, Any]
    properties: tuple[Property, ...]
    physical_name: str | None = None
    description: str | None = None
    quality: tuple[Quality, ...] = ()


class Contract(NamedTuple):
    id: str
    version: str
    status: str | None
    objects: tuple[SchemaObject, ...]
    raw: dict[str, Any]
    name: Any = None
    description: Any = None  # ODCS 3: {purpose, limitations, usage, …}; older documents: a string
    sla: tuple[Sla, ...] = ()

    @property
    def major(self) -> int | None:
        head = self.version.lstrip("vV").split(".", 1)[0]
        return int(head) if head.isdigit() else None

    def walk_properties(self) -> Iterator[Property]:
        """Every property, nested ones included, depth first."""
        stack = [p for obj in reversed(self.objects) for p in reversed(obj.properties)]
        while stack:
            prop = stack.pop()
            yield prop
            stack.extend(reversed(prop.properties))


_ANY_ODCS_VERSION = re.compile(r"v\d")


def is_contract(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and data.get("kind") == "DataContract"
        and isinstance(data.get("apiVersion"), str)
        and _ANY_ODCS_VERSION.match(data["apiVersion"]) is not None  # v2 and v4 too: to be told they are not read
    )


def read_contract(data: dict[str, Any]) -> Contract:
    objects = tuple(
        SchemaObject(str(obj.get("name", "")), ("schema", i), obj, _properties(obj, ("schema", i)),
                     _string(obj.get("physicalName")), _string(obj.get("description")), _quality(obj))
        for i, obj in _dicts(data.get("schema"))
    )
    sla = tuple(Sla(s.get("property"), s.get("value"), s.get("unit"), s.get("element"))
                for _, s in _dicts(data.get("slaProperties")))
    return Contract(str(data.get("id", "")), str(data.get("version", "")), data.get("status"), objects, data,
                    data.get("name"), data.get("description"), sla)


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
                raw.get("unique") is True,
                raw.get("primaryKey") is True,
                _string(raw.get("physicalName")),
                _string(raw.get("description")),
                raw.get("classification"),
                _quality(raw),
                tuple(raw["examples"]) if isinstance(raw.get("examples"), list) else (),
            )
        )
    return tuple(out)


def _quality(element: dict[str, Any]) -> tuple[Quality, ...]:
    return tuple(
        Quality(str(rule.get("metric") or rule.get("rule") or rule.get("name") or rule.get("type") or ""),
                rule.get("description"),
                tuple(sorted((k, v) for k, v in rule.items() if k.startswith("mustBe"))),
                tuple(sorted(rule["arguments"].items())) if isinstance(rule.get("arguments"), dict) else (),
                rule.get("query"))
        for _, rule in _dicts(element.get("quality"))
    )


def _string(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _polyseme(raw: dict[str, Any]) -> str | None:
    for _, custom in _dicts(raw.get("customProperties")):
        if custom.get("property") == "polyseme" and isinstance(custom.get("value"), str):
            return str(custom["value"])
    return None


def polyseme_path(prop: Property) -> JsonPath:
    for i, custom in _dicts(prop.raw.get("customProperties")):
        if custom.get("property") == "polyseme":
            return (*prop.path, "customProperties", i, "value")
    return prop.path


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    """The mappings of a list with their indices; anything else is the schema stage's business."""
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def sunset_of(raw: dict[str, Any]) -> datetime.date | None:
    """A property's sunset (ODCS 3.2 `deprecated: true` with a `customProperties` entry `sunset`); None when it has
    none, or a date that is not one."""
    if raw.get("deprecated") is not True:
        return None
    custom = raw.get("customProperties")
    for item in custom if isinstance(custom, list) else ():
        if isinstance(item, dict) and item.get("property") == "sunset":
            value = item.get("value")
            if isinstance(value, datetime.date):
                return value
            try:
                return datetime.date.fromisoformat(str(value))
            except ValueError:
                return None
    return None


def field_sunsets(contract: Contract) -> dict[str, datetime.date]:
    """`object.property` → its sunset, for the contract's top-level properties that have one."""
    return {f"{obj.name}.{prop.name}": date for obj in contract.objects for prop in obj.properties
            if (date := sunset_of(prop.raw)) is not None}
