"""The README's and the docs' shell blocks, as the tests run them."""

from __future__ import annotations

import shlex
from pathlib import Path

from tests.testing.cli import run_cli
from tests.testing.repos import REPO, git

README = (REPO / "README.md").read_text(encoding="utf-8")


def sh_block(text: str, heading: str) -> list[str]:
    """The command lines of the first ```sh block under `heading`, comments dropped, `a && b` as two lines."""
    section = text.split(heading + "\n", 1)[1]
    block = section.split("```sh\n", 1)[1].split("```", 1)[0]
    lines = [line.split("  #", 1)[0].strip() for line in block.splitlines()]
    return [part.strip() for line in lines if line for part in line.split("&&")]


def run_block(commands: list[str], cwd: Path, env: dict | None = None) -> Path:
    """Each command as a user would type it: `cd` moves, `git` and `alchemesh` run; any failure fails the test.
    Returns the folder the block ends in."""
    for command in commands:
        words = shlex.split(command)
        if words[0] == "cd":
            cwd = cwd / words[1]
        elif words[0] == "git":
            git(cwd, *words[1:])
        else:
            assert words[0] == "alchemesh", f"not a command the tests know how to run: {command}"
            result = run_cli(*words[1:], cwd=cwd, env=env, process=True)  # the user's path: the acceptance set
            assert result.code == 0, f"{command}\n{result.out}{result.err}"
    return cwd
