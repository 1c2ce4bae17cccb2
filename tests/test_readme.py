"""The README's promises: its set-up commands are the ones CI runs, it is short, its samples print what they
show, and the annotated reference of the specs names every field."""

from __future__ import annotations

import re

import pytest

from tests.testing import REPO, run_cli

README = (REPO / "README.md").read_text(encoding="utf-8")
DOCS = REPO / "docs"
SPECS_GUIDE = (DOCS / "guides" / "specs.md").read_text(encoding="utf-8")
GETTING_STARTED = (DOCS / "getting-started.md").read_text(encoding="utf-8")


def _setup_commands() -> list[str]:
    section = README.split("## Set up", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_setup_is_two_commands_and_ci_runs_the_test_command_verbatim():
    install_and_run, install_and_test = _setup_commands()
    assert "alchemesh apply" in install_and_run and "mesh-examples/quickstart" in install_and_run
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    assert install_and_test in ci
    assert install_and_run in ci


def test_the_readme_is_read_in_five_minutes():
    assert len(README.splitlines()) <= 150


def test_the_readme_and_the_docs_stand_alone():
    """No path out of the repo: a user has the README, the docs and this repo, nothing beside it."""
    for text in (README, *(p.read_text(encoding="utf-8") for p in DOCS.rglob("*.md"))):
        assert not re.findall(r"\.\./shared|\]\(\.\./\.\./\.\.", text)


def test_the_readmes_links_reach_files_of_this_repo():
    for target in re.findall(r"\]\((?!https?://)([^)#]+)\)", README):
        assert (REPO / target).exists(), target


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

    reference = SPECS_GUIDE.split("## Reference: every field of every kind", 1)[1].split("```", 2)[1]
    missing = {(kind, name) for kind, model in KINDS.items() for name in _fields(model)
               if not re.search(rf"\b{re.escape(name)}:", reference)}
    assert not missing, sorted(missing)


@pytest.mark.parametrize("page", ["README", "getting-started"])
def test_the_break_something_sample_is_what_validate_prints(quickstart, page):
    text = README if page == "README" else GETTING_STARTED
    block = text.split("Break something", 1)[1].split("```console\n", 1)[1].split("```", 1)[0]
    file = re.search(r"\$ cat > (\S+) <<'EOF'\n(.*?)\nEOF\n", block, re.S)
    (quickstart / file.group(1)).write_text(file.group(2) + "\n")
    expected = block.split("$ alchemesh validate\n", 1)[1]
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 1 and result.out == expected, result.out
