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
    """The typed resource, or why there is none."""
    result: tuple[Resource | None, ValidationError | None]
    try:
        result = KINDS[kind].model_validate(data), None
    except ValidationError as error:
        result = None, error
    return result


def model_problems(error: ValidationError) -> list[SchemaProblem]:
    out = []
    for detail in error.errors(include_url=False):
        path, on_key = _clean_loc(detail["loc"])
        message, hint = _describe(dict(detail), path)
        if detail["type"] == "extra_forbidden":
            on_key = True
        elif detail["type"] == "missing":  # shown at the key of the mapping that lacks it
            path = path[:-1]
            on_key = bool(path) and isinstance(path[-1], str)
        out.append(SchemaProblem(path, message, hint, on_key))
    return out


def _clean_loc(loc: tuple[Any, ...]) -> tuple[JsonPath, bool]:
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

# A contract promises the schema of the ODCS version it declares; each minor version's newest schema judges it.
ODCS_SCHEMAS = {(3, 0): "v3.0.2", (3, 1): "v3.1.0", (3, 2): "v3.2.0"}
NEWEST_ODCS = ODCS_SCHEMAS[max(ODCS_SCHEMAS)]
_API_VERSION = re.compile(r"v(\d+)\.(\d+)\.(\d+)")
_UNEXPECTED = re.compile(r"\(((?:'[^']+'(?:, )?)+) (?:was|were) unexpected\)")


@dataclass(frozen=True)
class OdcsJudge:
    """The schema a contract is checked against: `schema` (v3.0.2), and `newer` when the contract declares a
    version alchemesh does not know, which it is checked as the newest one it knows instead; `refused`: why it
    is not checked at all (ODCS v2, or a major version after 3)."""

    schema: str
    newer: str | None = None
    refused: str | None = None

    @property
    def label(self) -> str:
        if self.newer:
            return f"ODCS {self.schema} (the newest alchemesh knows; the contract declares {self.newer})"
        return f"ODCS {self.schema}"


def odcs_judge(api_version: Any) -> OdcsJudge:
    """The schema for a declared `apiVersion`."""
    match = _API_VERSION.fullmatch(api_version) if isinstance(api_version, str) else None
    if match is None:
        return OdcsJudge(NEWEST_ODCS)  # its own schema says what is wrong with it
    major, minor, patch = (int(part) for part in match.groups())
    if major < 3:
        return OdcsJudge(NEWEST_ODCS, refused=f"ODCS {api_version} is not supported: alchemesh reads ODCS v3 (v3.0.0 "
                         f"to {NEWEST_ODCS}); migrate the contract to v3 (the ODCS changelog lists what changed)")
    if major > 3:
        return OdcsJudge(NEWEST_ODCS, refused=f"ODCS {api_version} is newer than alchemesh can read (ODCS v3, up to "
                         f"{NEWEST_ODCS})")
    schema = ODCS_SCHEMAS.get((major, minor))
    if schema is None:
        return OdcsJudge(NEWEST_ODCS, api_version) if (major, minor) > max(ODCS_SCHEMAS) else OdcsJudge(NEWEST_ODCS)
    return OdcsJudge(schema, api_version if patch > int(schema.rsplit(".", 1)[1]) else None)


@functools.cache
def odcs_schema(version: str) -> dict[str, Any]:
    """The official JSON Schema of ODCS `version` (v3.1.0) as alchemesh ships it, with upstream #322 fixed."""
    text = resources.files("alchemesh.model").joinpath(f"odcs_schemas/odcs-json-schema-{version}.json").read_text(
        encoding="utf-8")
    schema: dict[str, Any] = _guard_logical_type_conditions(json.loads(text))
    return schema


@functools.cache
def _odcs_validator(version: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.validator_for(odcs_schema(version))


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
    """What breaks the ODCS schema of the version the contract declares, each at its node."""
    judge = odcs_judge(data.get("apiVersion"))
    if judge.refused:
        return [SchemaProblem(("apiVersion",), judge.refused)]
    if judge.newer:  # checked as the newest version known, which its apiVersion is not one of
        data = {**data, "apiVersion": judge.schema}
    out, seen = [], set()
    for error in _odcs_validator(judge.schema).iter_errors(data):
        for leaf in _best_match(error):
            path = tuple(leaf.instance_path)
            if (path, leaf.message) in seen:
                continue
            seen.add((path, leaf.message))
            unexpected = _UNEXPECTED.search(leaf.message)
            keys = re.findall(r"'([^']+)'", unexpected.group(1)) if unexpected else []
            where_path = (*path, keys[0]) if keys else path
            where = ".".join(str(p) for p in where_path) or "document"
            out.append(SchemaProblem(path, f"{judge.label}: `{where}`: {_said(leaf, keys)}", None, bool(keys),
                                     where_path))
    return out


def _best_match(error: Any) -> list[Any]:
    """For a `oneOf`/`anyOf` that no branch satisfies, the errors of the branch that came closest — the one
    of the value's type, with the fewest errors, deepest in the document — else the error itself."""
    context = getattr(error.kind, "context", None)
    if not context:
        return [error]
    depth = len(error.instance_path)

    def distance(branch: list[Any]) -> tuple[Any, ...]:
        wrong_type = any(len(e.instance_path) == depth and type(e.kind).__name__ == "Type" for e in branch)
        return (wrong_type, len(branch), -max((len(e.instance_path) for e in branch), default=0))

    closest = min((branch for branch in context if branch), key=distance, default=None)
    return [leaf for e in closest for leaf in _best_match(e)] if closest else [error]


def _said(error: Any, unexpected: list[str]) -> str:
    """The error's message without a dump of the whole value it is about."""
    if unexpected:
        names = ", ".join(f"`{k}`" for k in unexpected)
        return f"{names} {'was' if len(unexpected) == 1 else 'were'} unexpected (not a field here)"
    message = str(error.message)
    if message.startswith(("{", "[")) and " is " in message and len(message) > 120:
        what = "an object" if isinstance(error.instance, dict) else "a list"
        message = f"{what} that {message[message.rindex(' is ') + 1:]}"
    return message if len(message) <= 200 else message[:197] + "..."
