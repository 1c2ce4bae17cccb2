"""The README's promises: its set-up commands are the ones CI runs, and every rule is documented."""

from __future__ import annotations

import re

from alchemesh.rules import registry
from tests.conftest import REPO

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
