"""The variables alchemesh passes to every component of a type, and the outputs it reads back.

`components/README.md` documents the same table for module authors; `components check` holds
modules to it.
"""

from __future__ import annotations

import re

COMMON = {
    "mesh": "string",
    "environment": "string",
    "labels": "map(string)",
    "infrastructure": "any",
    "spec_dir": "string",
}

VARIABLES: dict[str, dict[str, str]] = {
    "infrastructure": {**COMMON, "domain": "string", "name": "string"},
    "input-port": {
        **COMMON,
        "domain": "string",
        "product": "string",
        "port": "string",
        "source_system": "string",
        "upstream_port": "string",
        "upstream_location": "string",
    },
    "output-port": {
        **COMMON,
        "domain": "string",
        "product": "string",
        "port": "string",
        "visibility": "string",
        "contract": "any",
        "consumers": "list(string)",
    },
    "code": {**COMMON, "domain": "string", "product": "string", "name": "string",
             "inputs": "map(string)", "outputs": "map(string)"},
}

# Variables a module may leave without a default: alchemesh passes null when they do not apply.
NULLABLE = {"source_system", "upstream_port", "upstream_location", "contract"}

OUTPUTS: dict[str, tuple[str, ...]] = {
    "infrastructure": (),
    "input-port": ("location",),
    "output-port": ("location",),
    "code": (),
}

COMPONENT_TYPES = tuple(VARIABLES)  # infrastructure | input-port | output-port | code

# Meta-arguments of a module block, and names Terraform reserves there: a `config` key never becomes one.
RESERVED = frozenset({"source", "version", "providers", "provider", "count", "for_each", "depends_on", "lifecycle",
                      "locals"})
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def config_key_problem(kind: str, key: str) -> str | None:
    """Why `key` cannot be a `config` key of a component of this type, or None when it can."""
    if not _IDENTIFIER.fullmatch(key):
        return f"`{key}` is not a Terraform variable name (letters, digits, `_` and `-`, not first a digit)"
    if key in RESERVED:
        return f"`{key}` is a Terraform meta-argument of module blocks, not a variable"
    if key in VARIABLES[kind]:
        return f"`{key}` is passed by alchemesh itself to every {kind} component"
    return None


def is_local_source(source: str) -> bool:
    """A module source that is a folder of this checkout (`./…`, `../…`), as Terraform reads it."""
    return source.startswith(("./", "../"))
