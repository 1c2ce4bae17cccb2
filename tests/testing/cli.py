"""The real CLI: `run_cli` through `main`, the entry point a user's `alchemesh` runs (its fast path, exit codes and
one-line errors), in this process — or, `process=True`, in a fresh interpreter for the acceptance set (imports,
streams and signals as a user gets them); `invoke` through the click group alone, for the hundreds of data cases."""

from __future__ import annotations

import contextlib
import io
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


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None, process: bool = False) -> Result:
    """`alchemesh ARGS` through the real entry point (`main`: the fast path, the exit codes, the one-line errors), in
    this process; `process=True` in a fresh interpreter, for what only a process shows (signals, start-up imports,
    a terminal's absence, several runs at once)."""
    if process:
        full_env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200", **(env or {})}
        proc = subprocess.run([sys.executable, "-m", "alchemesh", *args], cwd=cwd, capture_output=True, text=True,
                              env=full_env, timeout=120)
        return Result(proc.returncode, proc.stdout, proc.stderr)
    return _in_process(list(args), cwd, env or {})


def _in_process(args: list[str], cwd: Path | None, env: dict) -> Result:
    from alchemesh.cli import app
    from alchemesh.cli.main import main

    saved_env, saved_cwd, saved_argv = dict(os.environ), os.getcwd(), sys.argv
    out, err = _Stream(), _Stream()
    os.environ.update({"NO_COLOR": "1", "COLUMNS": "200", **env})
    sys.argv = ["alchemesh", *args]
    if cwd is not None:
        os.chdir(cwd)
    code: object = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        os.chdir(saved_cwd)
        sys.argv = saved_argv
        app._state["debug"] = False
    exit_code = code if isinstance(code, int) else (0 if code is None else 1)
    if not isinstance(code, (int, type(None))):
        err.write(f"{code}\n")
    return Result(exit_code, out.getvalue(), err.getvalue())


class _Stream(io.StringIO):
    """A captured stream as a pipe is: not a terminal, its encoding UTF-8."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return False


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
