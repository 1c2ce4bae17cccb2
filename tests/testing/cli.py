"""The real CLI: `run_cli` in a fresh interpreter (exit codes, streams, imports as a user gets them), `invoke` in
this process through the same entry point (for the hundreds of data cases, where a fresh interpreter each is
most of the cost)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str

    def json(self):
        return json.loads(self.out)


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None) -> Result:
    """`alchemesh ARGS` through the real entry point, in a fresh interpreter."""
    full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
    proc = subprocess.run(
        [sys.executable, "-m", "alchemesh", *args], cwd=cwd, capture_output=True, text=True, env=full_env, timeout=120
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


def invoke(*args: str, cwd: Path | None = None) -> Result:
    """`alchemesh ARGS` through the same entry point, in this process (not thread-safe: one at a time)."""
    from click.testing import CliRunner

    from alchemesh.cli.main import cli

    before = Path.cwd()
    os.chdir(cwd or before)
    try:
        result = CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"}).invoke(cli(), list(args), catch_exceptions=False,
                                                                   prog_name="alchemesh")
    finally:
        os.chdir(before)
    return Result(result.exit_code, result.stdout, result.stderr)


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err
