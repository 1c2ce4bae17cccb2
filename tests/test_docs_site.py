"""The documentation site: `mkdocs build --strict` passes, and the generated reference holds everything the code
has — every command, every field of every kind, every rule, every component variable, every event type."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import REPO


@pytest.fixture(scope="module")
def hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", REPO / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_site_builds_strict_with_the_reference_generated(tmp_path: Path):
    site = tmp_path / "site"
    built = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)], cwd=REPO,
                           capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert built.returncode == 0, built.stderr
    rules = (site / "reference" / "rules" / "index.html").read_text(encoding="utf-8")
    assert "unresolved-reference" in rules and "generated:" not in rules
    assert "alchemesh apply" in (site / "reference" / "commands" / "index.html").read_text(encoding="utf-8")


def test_a_marker_of_no_generator_fails_the_build(hooks):
    with pytest.raises(KeyError):
        hooks.expand("<!-- generated: nothing-by-this-name -->")


def test_every_rule_is_in_the_rules_reference(hooks):
    from alchemesh.all_rules import every_rule

    text = hooks.rules()
    assert [name for name in every_rule() if f"| `{name}` | " not in text or f"## `{name}`" not in text] == []


def test_every_command_is_in_the_commands_reference(hooks):
    from alchemesh.cli.main import MODULES, cli

    text = hooks.commands()
    group = cli()
    names = [name for name in MODULES if name in group.commands]
    assert names and [name for name in names if f"## `alchemesh {name}`" not in text] == []
    assert "## `alchemesh contracts check`" in text and "## `alchemesh new product`" in text


def test_every_field_of_every_kind_is_in_the_fields_reference(hooks):
    from alchemesh.model.resources import KINDS
    from tests.test_readme import _fields

    text = hooks.fields()
    listed = {cell.strip("`").rsplit(".", 1)[-1].removesuffix("[]") for line in text.splitlines()
              if line.startswith("| `") for cell in [line.split(" | ")[0][2:]]}
    missing = {(kind, name) for kind, model in KINDS.items() for name in _fields(model) if name not in listed}
    assert not missing, sorted(missing)


def test_every_component_variable_and_event_type_is_in_the_reference(hooks):
    from alchemesh.model.interface import VARIABLES
    from alchemesh.report.events import FEED_TYPES, TYPES

    interfaces, events = hooks.interfaces(), hooks.events()
    assert all(f"| `{name}` |" in interfaces for variables in VARIABLES.values() for name in variables)
    assert all(f"| `{kind}` |" in events for kind in (*TYPES, *FEED_TYPES))
