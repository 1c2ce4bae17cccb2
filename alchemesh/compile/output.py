"""Write the stacks and the manifest of one environment: byte-deterministic, atomic, and stale stacks
removed; or compare what is on disk with what would be written (`--check`)."""

from __future__ import annotations

import hashlib

import orjson
import shutil
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from alchemesh.cache import write_atomic

if TYPE_CHECKING:
    from alchemesh.compile.stacks import Stack

MANIFEST = "manifest.json"


def render(content: Any) -> bytes:
    """Stable bytes: sorted keys, two-space indent, a final newline."""
    return orjson.dumps(content, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE)


@dataclass(frozen=True)
class Build:
    """The files of one environment's build, in memory: stack path → bytes, plus the manifest."""

    environment: str
    files: dict[str, bytes]

    @classmethod
    def of(cls, environment: str, stacks: list[Stack]) -> Build:
        files = {str(stack.path): render(stack.content) for stack in stacks}
        manifest = {
            "environment": environment,
            "stacks": [
                {
                    "key": s.key,
                    "kind": s.kind,
                    "path": str(s.path),
                    "dependsOn": list(s.depends_on),
                    "hash": hashlib.sha256(files[str(s.path)]).hexdigest(),
                }
                for s in stacks
            ],
            "levels": levels(stacks),
        }
        return cls(environment, {**files, MANIFEST: render(manifest)})


def levels(stacks: list[Stack]) -> list[list[str]]:
    """Stack keys grouped by DAG level: a stack's dependencies are all in earlier levels."""
    depth: dict[str, int] = {}
    remaining = {s.key: set(s.depends_on) for s in stacks}
    known = set(remaining)
    level = 0
    while remaining:
        ready = sorted(k for k, deps in remaining.items() if all(d in depth or d not in known for d in deps))
        if not ready:  # a cycle: validation reports it; keep the rest in one last level
            ready = sorted(remaining)
        for key in ready:
            depth[key] = level
            del remaining[key]
        level += 1
    return [sorted(k for k, d in depth.items() if d == i) for i in range(level)]


def write(build: Build, out: Path) -> list[str]:
    """Write every file that changed and remove the stacks that no longer exist; returns what changed."""
    out.mkdir(parents=True, exist_ok=True)
    changed = []
    for rel, content in sorted(build.files.items()):
        path = out / rel
        if PurePosixPath(rel).is_absolute() or ".." in PurePosixPath(rel).parts:
            raise ValueError(f"{rel} would leave the build directory")
        if path.is_file() and path.read_bytes() == content:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content)
        changed.append(rel)
    for stale in sorted(_stack_files(out) - set(build.files)):
        shutil.rmtree((out / stale).parent)
        changed.append(f"{stale} (removed)")
    return changed


def differences(build: Build, out: Path) -> list[str]:
    """What `write` would change: files missing, different or stale on disk."""
    out_of_date = []
    for rel, content in sorted(build.files.items()):
        path = out / rel
        if not path.is_file():
            out_of_date.append(f"{rel}: missing")
        elif path.read_bytes() != content:
            out_of_date.append(f"{rel}: stale")
    out_of_date += [f"{rel}: no longer compiled" for rel in sorted(_stack_files(out) - set(build.files))]
    return out_of_date


def _stack_files(out: Path) -> set[str]:
    if not out.is_dir():
        return set()
    return {p.relative_to(out).as_posix() for p in out.rglob("main.tf.json") if ".terraform" not in p.parts}
