"""Fixtures shared by every test package; the helpers they use are in `tests/testing/`."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from tests.testing import QUICKSTART, copy_mesh, git

# The suite starts hundreds of Python processes (the CLI, Terraform's library wrapper, the components' scripts) and
# xdist workers that each rewrite every test module: with bytecode writing off in the environment (some images set
# PYTHONDONTWRITEBYTECODE), every one of them would compile all it imports again, a minute of CPU in all.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
sys.dont_write_bytecode = False


@pytest.fixture(scope="session")
def pg_url() -> str:
    """A real PostgreSQL server on 127.0.0.1: the `pg` backend's, and the data tests' engine."""
    from tests.testing.postgres import postgres_server

    with postgres_server() as url:
        yield url


@pytest.fixture
def quickstart(tmp_path: Path) -> Path:
    """A private copy of the quickstart placed as in this repo, with a private copy of the local components its
    `../../components` sources reach (safe to edit)."""
    return copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")


@pytest.fixture
def git_quickstart(quickstart: Path) -> Path:
    """The quickstart mesh as a real git repository with one commit on `main`."""
    git(quickstart, "init", "-q", "-b", "main")
    git(quickstart, "add", "-A")
    git(quickstart, "commit", "-q", "-m", "initial mesh")
    return quickstart


