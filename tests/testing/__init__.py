"""Helpers shared by every test package: the real CLI (in a fresh interpreter, or in process for data cases),
mesh copies and real git repositories in temporary folders. Fixtures are in `tests/conftest.py`."""

from tests.testing.cli import Result, assert_no_traceback, invoke, run_cli
from tests.testing.repos import EXAMPLES, QUICKSTART, REPO, OnDemand, commit, copy_mesh, edit, git, write_files

__all__ = ["EXAMPLES", "QUICKSTART", "REPO", "Result", "assert_no_traceback", "commit", "copy_mesh", "edit", "git", "invoke",
           "run_cli", "write_files", "OnDemand"]
