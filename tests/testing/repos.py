"""Meshes and real git repositories in temporary folders."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "mesh-examples"
QUICKSTART = EXAMPLES / "quickstart"


_NOT_COPIED = shutil.ignore_patterns(".alchemesh", ".terraform*", "*.tfstate*", "__pycache__")
_LOCAL_SOURCE = re.compile(r"source:\s*[\"']?(\.\.?/[^\s,}\"']+)")


def copy_mesh(example: Path, target: Path) -> Path:
    """A copy of a mesh at `target`, with a private copy (safe to edit) of each module folder its local sources
    reach, placed where they reach from `target`: the example's `../../components` need `target` two folders deep."""
    shutil.copytree(example, target, ignore=_NOT_COPIED)
    for source in _LOCAL_SOURCE.findall((example / "alchemesh.yaml").read_text(encoding="utf-8")):
        module, original = Path(os.path.normpath(target / source)), (example / source).resolve()
        if not module.is_relative_to(target.parents[1]):
            raise ValueError(f"{source} reaches outside {target.parents[1]}: place the mesh deeper")
        if original.is_dir() and not module.exists():
            shutil.copytree(original, module, ignore=_NOT_COPIED)
    return target


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


class OnDemand(dict):
    """Outcomes made when a test first asks for its key, on the worker that runs it: under xdist each case is run
    once per session, not once per worker (what a batch of every selected item did)."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, key):
        self[key] = value = self.make(key)
        return value
