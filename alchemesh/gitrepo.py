"""What git knows about the repo: changed files (for `validate --changed-only`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from alchemesh.errors import GitError


def _git(root: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=True)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as error:
        raise GitError(f"git {' '.join(args)}: {error.stderr.strip() or 'failed'}") from None
    return result.stdout


def changed_files(root: Path) -> set[str]:
    """Files (relative to `root`) that differ from HEAD: staged, unstaged and untracked."""
    _git(root, "rev-parse", "--is-inside-work-tree")
    has_head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True).returncode == 0
    if has_head:
        tracked = _git(root, "diff", "--name-only", "--relative", "-z", "HEAD", "--", ".")
    else:
        tracked = _git(root, "ls-files", "-z", "--cached", "--", ".")
    untracked = _git(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    return {name for name in (tracked + untracked).split("\0") if name}
