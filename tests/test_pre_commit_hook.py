"""The published pre-commit hook, installed and run by pre-commit itself from this repo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.testing import REPO, git


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def _try_repo(mesh: Path, home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home), "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "alchemesh-validate", "--all-files"],
        cwd=mesh, capture_output=True, text=True, env=env, timeout=600,
    )


def test_hook_passes_a_clean_mesh_and_fails_a_broken_one(git_quickstart, pre_commit_home):
    clean = _try_repo(git_quickstart, pre_commit_home)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "alchemesh validate" in clean.stdout and "Passed" in clean.stdout

    product = git_quickstart / "domains/sales/orders/product.yaml"
    product.write_text(product.read_text().replace("owner: web-shop", "owner: webshop"))
    git(git_quickstart, "add", "-A")
    broken = _try_repo(git_quickstart, pre_commit_home)
    assert broken.returncode == 1
    assert "domains/sales/orders/product.yaml:9:10 unresolved-reference team `webshop` does not exist" in broken.stdout


def test_the_hook_init_writes_runs_the_installed_alchemesh(tmp_path, pre_commit_home):
    mesh = tmp_path / "my-mesh"
    subprocess.run([sys.executable, "-m", "alchemesh", "init", str(mesh)], check=True, capture_output=True)
    git(mesh, "init", "-q", "-b", "main")
    git(mesh, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home), "NO_COLOR": "1",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}

    def run() -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=mesh,
                              capture_output=True, text=True, env=env, timeout=600)

    clean = run()
    assert clean.returncode == 0 and "alchemesh validate" in clean.stdout, clean.stdout + clean.stderr
    (mesh / "domains/sales/orders/product.yaml").write_text(
        (mesh / "domains/sales/orders/product.yaml").read_text().replace("owner: data-team", "owner: data-tem"))
    git(mesh, "add", "-A")
    broken = run()
    assert broken.returncode == 1 and "unresolved-reference" in broken.stdout, broken.stdout
