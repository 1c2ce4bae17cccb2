"""The variables alchemesh passes to every component of a type, and the outputs it reads back.

`components/README.md` documents the same table for module authors; `components check` holds
modules to it.
"""

from __future__ import annotations

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
