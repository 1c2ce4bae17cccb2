"""The hand-off from compile to terraform: a build's manifest and what each stack file says about how it runs.

The manifest is a typed, versioned record (`manifestVersion`): compile writes it, the terraform stage reads
it, and neither spells its JSON keys anywhere else. A stack file's Terraform JSON is read here once into
`StackFacts` — its state, the producers' states it reads, the folders it reads files from, what `init`
depends on — so the runner never digs through it.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from alchemesh.compile.escape import unliteral
from alchemesh.errors import AlchemeshError, UsageError
from alchemesh.model.interface import is_local_source

MANIFEST = "manifest.json"
STACK_FILE = "main.tf.json"
MANIFEST_VERSION = 1


def render(content: Any) -> bytes:
    """Stable bytes: sorted keys, two-space indent, a final newline."""
    return orjson.dumps(content, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


@dataclass(frozen=True, slots=True)
class StackEntry:
    key: str  # sales/orders
    kind: str
    path: str  # of its stack file, in the environment folder
    depends_on: tuple[str, ...]
    hash: str  # sha256 of the stack file

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "kind": self.kind, "path": self.path, "dependsOn": list(self.depends_on),
                "hash": self.hash}

    @classmethod
    def from_json(cls, data: Any) -> StackEntry | None:
        """The entry, or None for one of the wrong shape (a hand-edited manifest)."""
        if not isinstance(data, dict) or not isinstance(data.get("key"), str):
            return None
        depends_on = data.get("dependsOn")
        kind, path, digest = data.get("kind"), data.get("path"), data.get("hash")
        return cls(data["key"], kind if isinstance(kind, str) else "product",
                   path if isinstance(path, str) else f"{data['key']}/{STACK_FILE}",
                   tuple(d for d in depends_on if isinstance(d, str)) if isinstance(depends_on, list) else (),
                   digest if isinstance(digest, str) else "")


@dataclass(frozen=True)
class Manifest:
    environment: str
    stacks: tuple[StackEntry, ...]
    levels: tuple[tuple[str, ...], ...]  # stack keys by DAG level
    removed: tuple[StackEntry, ...] = ()  # stacks removed from the specs, kept until their resources are destroyed
    lock_platforms: tuple[str, ...] = ()  # whose provider checksums the committed lock file records

    def to_bytes(self) -> bytes:
        content: dict[str, Any] = {
            "manifestVersion": MANIFEST_VERSION,
            "environment": self.environment,
            "stacks": [s.to_json() for s in self.stacks],
            "levels": [list(level) for level in self.levels],
        }
        if self.removed:
            content["removed"] = [s.to_json() for s in self.removed]
        if self.lock_platforms:
            content["lockPlatforms"] = list(self.lock_platforms)
        return render(content)

    @classmethod
    def parse(cls, raw: bytes) -> Manifest | None:
        """The manifest in these bytes; None when they hold none (damaged, or no manifest of ours). A manifest
        from a newer alchemesh is refused rather than half-read."""
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict) or not isinstance(data.get("stacks"), list) or "levels" not in data:
            return None
        version = data.get("manifestVersion", 1)  # builds from before the field are version 1
        if not isinstance(version, int) or version > MANIFEST_VERSION:
            raise UsageError(f"the build's manifest is version {version}, from a newer alchemesh (this one reads "
                             f"{MANIFEST_VERSION}): upgrade alchemesh or compile into another --out")
        levels = data["levels"] if isinstance(data["levels"], list) else []
        return cls(
            str(data.get("environment", "")),
            _entries(data["stacks"]),
            tuple(tuple(k for k in level if isinstance(k, str)) for level in levels if isinstance(level, list)),
            _entries(data.get("removed")),
            _strings(data.get("lockPlatforms")),
        )

    @classmethod
    def read(cls, directory: Path) -> Manifest | None:
        try:
            raw = (directory / MANIFEST).read_bytes()
        except OSError:
            return None
        return cls.parse(raw)

    @property
    def hashes(self) -> dict[str, str]:
        return {s.key: s.hash for s in self.stacks}


def _entries(value: Any) -> tuple[StackEntry, ...]:
    entries = (StackEntry.from_json(item) for item in value) if isinstance(value, list) else ()
    return tuple(e for e in entries if e is not None)


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(v for v in value if isinstance(v, str)) if isinstance(value, list) else ()


def port_module(port: str) -> str:
    """The module call of an output port in its product's stack: `output_orders`."""
    return f"output_{port}"


def port_of_module(name: str) -> str | None:
    """The output port a module call of a product's stack serves; None for another module."""
    return name.removeprefix("output_") if name.startswith("output_") else None


def state_name(product_id: str) -> str:
    """The `terraform_remote_state` a consumer reads a producer through: `producer_sales__orders`."""
    return "producer_" + product_id.replace("/", "__")


def producer_of(name: str) -> str:
    """The product a `terraform_remote_state` name reads (`mesh` and `domain` name infrastructure stacks)."""
    return name.removeprefix("producer_").replace("__", "/")


class StackFileError(AlchemeshError):
    """A stack file cannot be used; nothing was run."""


@dataclass(frozen=True)
class StackFacts:
    """What running a stack needs to know of its Terraform JSON."""

    state: Path | None  # its local state file; None for a remote backend
    producer_states: tuple[Path, ...]  # the local states it reads through `terraform_remote_state`
    remote_producers: tuple[tuple[str, str, dict[str, Any]], ...]  # (name, backend, config) of the remote ones
    watched: tuple[Path, ...]  # folders it reads files from without their bytes being in it (SQL, local modules)
    init_basis: dict[str, Any]  # what `terraform init` depends on: backend, providers, module sources


def stack_facts(content: Any, stack_dir: Path) -> StackFacts:
    """The facts of a stack's parsed Terraform JSON (tolerant: what is not there is not a fact)."""
    content = content if isinstance(content, dict) else {}
    modules = content.get("module") if isinstance(content.get("module"), dict) else {}
    watched = set()
    for module in modules.values():
        source = module.get("source", "") if isinstance(module, dict) else ""
        if isinstance(source, str) and is_local_source(source):
            watched.add(Path(os.path.normpath(stack_dir / source)))
        spec_dir = module.get("spec_dir") if isinstance(module, dict) else None
        if isinstance(spec_dir, str):  # relative to the stack (absolute in builds from before that)
            watched.add(Path(os.path.normpath(stack_dir / unliteral(spec_dir))))
    sources = content.get("data", {}).get("terraform_remote_state", {}) if isinstance(content.get("data"), dict) else {}
    producers = sorted(Path(os.path.normpath(stack_dir / unliteral(s["config"]["path"]))) for s in sources.values()
                       if isinstance(s, dict) and s.get("backend") == "local"
                       and isinstance(s.get("config"), dict) and isinstance(s["config"].get("path"), str))
    remote = tuple(sorted((name, s["backend"], s["config"]) for name, s in sources.items()
                          if isinstance(s, dict) and isinstance(s.get("backend"), str) and s["backend"] != "local"
                          and isinstance(s.get("config"), dict)))
    basis = {"terraform": content.get("terraform"), "providers": sorted(content.get("provider", {}) or {}),
             "modules": {name: [m.get("source"), m.get("version")] for name, m in modules.items()
                         if isinstance(m, dict)}}
    return StackFacts(_state_file(content, stack_dir), tuple(producers), remote, tuple(sorted(watched)), basis)


def read_stack_facts(stack_dir: Path, key: str) -> StackFacts:
    """The facts of the stack file on disk; one kept from an earlier build may have been damaged since."""
    path = stack_dir / STACK_FILE
    try:
        content = json.loads(path.read_bytes())
    except (OSError, ValueError) as error:
        raise StackFileError(f"the stack file of {key} ({path}) cannot be read: {error}; nothing was run") from None
    if not isinstance(content, dict):
        raise StackFileError(f"the stack file of {key} ({path}) is not a Terraform JSON object; nothing was run")
    return stack_facts(content, stack_dir)


def _state_file(content: dict[str, Any], stack_dir: Path) -> Path | None:
    """Its `local` backend path, or terraform.tfstate beside it; None for a remote backend."""
    terraform = content.get("terraform")
    terraform = terraform if isinstance(terraform, dict) else {}
    backend = terraform.get("backend")
    if not backend:
        return stack_dir / "terraform.tfstate"
    config = backend.get("local") if isinstance(backend, dict) else None
    if config is None:
        return None
    path = Path(unliteral(config.get("path", "terraform.tfstate")))
    return path if path.is_absolute() else stack_dir / path
