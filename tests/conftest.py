"""Fixtures shared by every test package; the helpers they use are in `tests/testing/`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.testing import QUICKSTART, git


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
