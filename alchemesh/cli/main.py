"""Entry point: `alchemesh` (console script) and `python -m alchemesh`."""

from __future__ import annotations

from alchemesh.cli import compile, components, contracts, docs, graph, init, rules, run, schema, validate  # noqa: F401
from alchemesh.cli.app import app


def main() -> None:
    app()
