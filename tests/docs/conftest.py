"""A built catalog of the quickstart (in a git repo with some history), shared by the site tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import QUICKSTART, commit, copy_mesh, edit, git, run_cli


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    """The quickstart with its orders contract moved from 1.1.0 to 1.2.0 in git, and its site."""
    mesh = copy_mesh(QUICKSTART, tmp_path_factory.mktemp("docs") / "mesh-examples" / "quickstart")
    git(mesh, "init", "-q", "-b", "main")
    commit(mesh, "initial mesh")
    contract = "domains/sales/orders/contract.odcs.yaml"
    edit(mesh, contract, ("version: 1.1.0", "version: 1.2.0"))
    commit(mesh, "orders 1.2.0")
    result = run_cli("docs", "build", cwd=mesh)
    assert result.code == 0, result.out + result.err
    return mesh / ".alchemesh" / "site"
