"""Meshes and real git repositories in temporary folders."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "mesh-examples"
QUICKSTART = EXAMPLES / "quickstart"


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
    """The values of parameter `name` of every test item selected in this session (to run them together)."""
    return [
        item.callspec.params[name]
        for item in request.session.items
        if hasattr(item, "callspec") and isinstance(item.callspec.params.get(name), kind)
    ]
