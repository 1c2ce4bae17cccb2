"""The README's quickstart in six commands, run as written on a checkout of the quickstart."""

from __future__ import annotations

import json
from pathlib import Path

from tests.testing.docs import README, run_block, sh_block


def test_the_six_commands_run_as_written(checkout: Path, one_terraform_env: dict):
    commands = sh_block(README, "## The quickstart in six commands")
    assert len(commands) == 7 and commands[0] == "cd mesh-examples/quickstart"
    mesh = run_block(commands, checkout.parent.parent, one_terraform_env)
    assert mesh == checkout
    kept = json.loads((mesh / ".alchemesh/test/dev.json").read_text())
    assert {p["status"] for p in kept["ports"]} == {"passed"} and len(kept["ports"]) == 4
    assert (mesh / ".alchemesh/site/index.html").is_file()
    assert (mesh / ".alchemesh/data/dev/marketing/segments/segments.duckdb").is_file()
