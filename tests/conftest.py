"""Shared fixtures: run the real CLI, build meshes and real git repositories in temporary folders."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "mesh-examples"
QUICKSTART = EXAMPLES / "quickstart"


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


def assert_no_traceback(result: Result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result.err


def write_files(root: Path, files: dict[str, str | bytes | None]) -> None:
    for rel, content in files.items():
        path = root / rel
        if content is None:
            path.unlink(missing_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Test",
        "GIT_AUTHOR_EMAIL": "test@example.com",
        "GIT_COMMITTER_NAME": "Test",
        "GIT_COMMITTER_EMAIL": "test@example.com",
    }
    return subprocess.run(["git", *args], cwd=root, check=True, capture_output=True, text=True, env=env).stdout


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    """A private copy of the quickstart mesh."""
    target = tmp_path / "quickstart"
    shutil.copytree(QUICKSTART, target, ignore=shutil.ignore_patterns(".alchemesh"))
    return target


@pytest.fixture
def git_quickstart(quickstart: Path) -> Path:
    """The quickstart mesh as a real git repository with one commit on `main`."""
    git(quickstart, "init", "-q", "-b", "main")
    git(quickstart, "add", "-A")
    git(quickstart, "commit", "-q", "-m", "initial mesh")
    return quickstart


def edit(root: Path, rel: str, *replacements: tuple[str, str]) -> None:
    """Replace text in a file; each old text must occur exactly once."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} not found once in {rel}"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def commit(root: Path, message: str) -> str:
    """Commit everything; returns the new commit id."""
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)
    return git(root, "rev-parse", "HEAD").strip()


def selected_params(request, name: str, kind: type) -> list:
    """The values of parameter `name` of every test item selected in this session (to run them in parallel)."""
    return [
        item.callspec.params[name]
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get(name), kind)
    ]
