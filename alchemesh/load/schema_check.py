"""Schema checks: alchemesh kinds through their pydantic models, contracts through the official ODCS JSON
Schema. Each error becomes a problem at the offending node; the `schema` rule reports them."""

from __future__ import annotations

import functools
import re
import json
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pydantic import ValidationError

from alchemesh.findings import JsonPath
from alchemesh.hints import did_you_mean
from alchemesh.model.resources import KINDS, NAME_PATTERN, PORT_REF_PATTERN, SEMVER_PATTERN, Resource



@dataclass(frozen=True, slots=True)
class SchemaProblem:
    """A document breaking its schema at `path`, shown at `shown_at` (default `path`); `on_key`: at the key
    of that entry rather than its value."""

    path: JsonPath
    message: str
    hint: str | None = None
    on_key: bool = False
    shown_at: JsonPath | None = None

_PATTERN_WORDS = {
    NAME_PATTERN: "is not a valid name: use lowercase letters, digits and '-', starting with a letter, at most 63 characters",
    SEMVER_PATTERN: "is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0)",
    PORT_REF_PATTERN: "is not an output port reference (domain/product/port, or product/port inside one domain)",
}


def validate_resource(kind: str, data: dict[str, Any]) -> tuple[Resource | None, ValidationError | None]:
    try:
        return KINDS[kind].model_validate(data), None
    except ValidationError as error:
        return None, error


def model_problems(error: ValidationError) -> list[SchemaProblem]:
    out = []
    for detail in error.errors(include_url=False):
        path, on_key = _clean_loc(detail["loc"])
        message, hint = _describe(detail, path)
        if detail["type"] == "extra_forbidden":
            on_key = True
        elif detail["type"] == "missing":  # shown at the key of the mapping that lacks it
            path = path[:-1]
            on_key = bool(path) and isinstance(path[-1], str)
        out.append(SchemaProblem(path, message, hint, on_key))
    return out


def _clean_loc(loc: tuple) -> tuple[JsonPath, bool]:
    on_key = "[key]" in loc
    return tuple(step for step in loc if step != "[key]" and not str(step).startswith("function-")), on_key


def _describe(detail: dict[str, Any], path: JsonPath) -> tuple[str, str | None]:
    where = ".".join(str(p) for p in path) or "document"
    kind, value = detail["type"], detail.get("input")
    if kind == "extra_forbidden":
        return f"unknown field `{path[-1]}`", did_you_mean(str(path[-1]), _FIELD_NAMES)
    if kind == "missing":
        return f"`{where}` is required", None
    if kind == "string_pattern_mismatch":
        words = _PATTERN_WORDS.get(detail["ctx"]["pattern"], f"does not match {detail['ctx']['pattern']}")
        return f"`{where}`: `{value}` {words}", None
    if kind == "string_type" and isinstance(value, (int, float, bool)) or value is None and kind == "string_type":
        written = _as_yaml(value)
        return f"`{where}` must be a string, got `{written}`", f"if you mean the text, quote it: \"{written}\""
    message = detail["msg"].removeprefix("Value error, ")
    return f"`{where}`: {message[0].lower()}{message[1:]}", None


def _as_yaml(value: Any) -> str:
    """A scalar as the user wrote it in YAML."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _collect_field_names() -> frozenset[str]:
    names: set[str] = set()
    seen: set[type] = set()

    def visit(model: type) -> None:
        if model in seen or not hasattr(model, "model_fields"):
            return
        seen.add(model)
        for name, field in model.model_fields.items():
            names.add(field.alias or name)
            for arg in _type_args(field.annotation):
                visit(arg)

    for model in KINDS.values():
        visit(model)
    return frozenset(names)


def _type_args(annotation: Any) -> list[Any]:
    out, stack = [], [annotation]
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(getattr(current, "__args__", ()))
    return out


_FIELD_NAMES = _collect_field_names()


# --- ODCS -----------------------------------------------------------------------------------------

_UNEXPECTED = re.compile(r"\('([^']+)' was unexpected\)")


@functools.cache
def _odcs_validator():
    import jsonschema_rs

    text = resources.files("open_data_contract_standard").joinpath("schema.json").read_text(encoding="utf-8")
    return jsonschema_rs.validator_for(_guard_logical_type_conditions(json.loads(text)))


def _guard_logical_type_conditions(schema: Any) -> Any:
    """ODCS ≤ 3.2.0 ships `if: {properties: {logicalType: {const: map}}}` without `required`, so the
    condition holds when `logicalType` is absent and an untyped property must satisfy every type's
    rules (bitol-io/open-data-contract-standard#322, fixed upstream). Add the missing `required`."""
    if isinstance(schema, list):
        return [_guard_logical_type_conditions(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    out = {key: _guard_logical_type_conditions(value) for key, value in schema.items()}
    if isinstance(out.get("if"), dict):
        out["if"] = _require_logical_type(out["if"])
    return out


def _require_logical_type(condition: dict[str, Any]) -> dict[str, Any]:
    if "anyOf" in condition:
        return {**condition, "anyOf": [_require_logical_type(branch) for branch in condition["anyOf"]]}
    if "logicalType" in condition.get("properties", {}) and "required" not in condition:
        return {**condition, "required": ["logicalType"]}
    return condition


def contract_problems(data: dict[str, Any]) -> list[SchemaProblem]:
    out, seen = [], set()
    for error in _odcs_validator().iter_errors(data):
        path = tuple(error.instance_path)
        if (path, error.message) in seen:
            continue
        seen.add((path, error.message))
        unexpected = _UNEXPECTED.search(error.message)
        on_key = unexpected is not None
        where_path = (*path, unexpected.group(1)) if unexpected else path
        where = ".".join(str(p) for p in where_path) or "document"
        message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
        out.append(SchemaProblem(path, f"ODCS: `{where}`: {message}", None, on_key, where_path))
    return out
