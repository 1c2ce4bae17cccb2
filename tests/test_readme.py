"""The README's promises: its set-up commands are the ones CI runs, and every rule is documented."""

from __future__ import annotations

import re

from alchemesh.all_rules import every_rule
from alchemesh.validate.rules import registry
from tests.testing import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_setup_is_two_commands_and_ci_runs_the_test_command_verbatim():
    install_and_run, install_and_test = _setup_commands()
    assert "alchemesh apply" in install_and_run and "mesh-examples/quickstart" in install_and_run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
    assert install_and_run in ci


def test_every_rule_is_in_the_readme_table():
    for rule in registry().values():
        assert f"| `{rule.name}` | " in README, rule.name


def test_every_rule_of_the_registry_is_named_in_the_readme():
    assert [name for name in every_rule() if f"`{name}`" not in README] == []


def test_the_readme_stands_alone():
    """No path out of the repo: a user has the README and this repo, nothing beside it."""
    assert not re.findall(r"\.\./shared|\]\(\.\./", README)


def _fields(model, seen=None) -> set[str]:
    """The YAML names of every field of a model and of the models inside it."""
    import typing

    from pydantic import BaseModel

    seen = set() if seen is None else seen
    names = set()
    for name, info in model.model_fields.items():
        names.add(info.alias or name)
        stack = [info.annotation]
        while stack:
            annotation = stack.pop()
            if isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in seen:
                seen.add(annotation)
                names |= _fields(annotation, seen)
            stack.extend(typing.get_args(annotation))
    return names


def test_the_reference_names_every_field_of_every_kind():
    from alchemesh.model.resources import KINDS

    reference = README.split("### Reference: every field of every kind", 1)[1].split("```", 2)[1]
    missing = {(kind, name) for kind, model in KINDS.items() for name in _fields(model)
               if not re.search(rf"\b{re.escape(name)}:", reference)}
    assert not missing, sorted(missing)


def test_the_break_something_sample_is_what_validate_prints(quickstart):
    block = README.split("Break something", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    file = re.search(r"\$ cat > (\S+) <<'EOF'\n(.*?)\nEOF\n", block, re.S)
    (quickstart / file.group(1)).write_text(file.group(2) + "\n")
    expected = block.split("$ alchemesh validate\n", 1)[1]
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 1 and result.out == expected, result.out
