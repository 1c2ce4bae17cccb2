"""Which stacks a run covers: all of them, those of some products or domains, or those that changed
since a git revision (plus, on demand, everything downstream of them).

A stack has changed when its compiled bytes differ from what the base revision compiles to, or when
a file it reads without its bytes showing it has: anything under its product's folder (SQL, scripts)
or under a local module it calls.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from alchemesh.compile.manifest import STACK_FILE, stack_facts
from alchemesh.compile.output import Build, removed_entries
from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.resolve.dag import reach


@dataclass(frozen=True)
class StackRef:
    """A compiled stack, as the runner needs it."""

    key: str  # sales/orders
    directory: Path
    depends_on: tuple[str, ...]
    reason: str = ""  # why it is selected, when not simply asked for
    removed: bool = False  # removed from the specs, kept for its state: every run destroys it
    upstream: str = ""  # selected by change only for being downstream of this changed stack


@dataclass(frozen=True)
class Selection:
    stacks: tuple[StackRef, ...]  # in manifest order
    levels: tuple[tuple[str, ...], ...]  # the selected keys by DAG level
    removed: tuple[str, ...] = ()  # stacks the base revision had and the work tree no longer compiles


def select(build: Build, directory: Path, *, products: Sequence[str] = (), domains: Sequence[str] = (),
           changed: dict[str, str] | None = None, include_dependents: bool = False,
           removed: str = "with") -> Selection:
    """`changed`: stack key → reason, from `changed_stacks`; None when not selecting by change. `removed`:
    the stacks removed from the specs but kept in the build for their state — `with` the others, `only`
    them, or `without` them. They are always "changed": every run but drift destroys them."""
    manifest = build.manifest
    stacks = [StackRef(s.key, directory / s.key, s.depends_on) for s in manifest.stacks]
    retained = [] if removed == "without" else retained_stacks(directory)
    pool = retained if removed == "only" else stacks + retained
    chosen: dict[str, str] = {s.key: "" for s in pool}
    if products or domains:
        chosen = dict.fromkeys(_filtered(pool, products, domains), "")
    kept = {s.key for s in retained if s.key in chosen}
    upstream: dict[str, str] = {}
    if changed is not None:
        chosen = {key: reason for key, reason in changed.items() if key in chosen} | dict.fromkeys(kept, "")
    if include_dependents and removed != "only":
        dependents: dict[str, list[str]] = {}
        for stack in stacks:
            for dependency in stack.depends_on:
                dependents.setdefault(dependency, []).append(stack.key)
        for key in list(chosen):
            for dependent in sorted(reach(key, dependents)):
                if dependent not in chosen:
                    chosen[dependent] = f"downstream of {key}"
                    upstream[dependent] = key if changed is not None else ""
    selected = tuple(StackRef(s.key, s.directory, s.depends_on, chosen[s.key], upstream=upstream.get(s.key, ""))
                     for s in stacks if s.key in chosen and removed != "only")
    selected += tuple(s for s in retained if s.key in kept)
    levels = [tuple(k for k in level if k in chosen) for level in manifest.levels] if removed != "only" else []
    levels.append(tuple(sorted(kept)))
    gone = {s.key for s in stacks} | {s.key for s in retained}
    return Selection(selected, tuple(level for level in levels if level),
                     tuple(sorted(k for k in (changed or {}) if k not in gone)))


def retained_stacks(directory: Path) -> list[StackRef]:
    """The stacks removed from the specs that the build keeps until they are destroyed."""
    return [StackRef(s.key, directory / s.key, s.depends_on, "removed from the specs", True)
            for s in removed_entries(directory)]


def changed_stacks(now: Build, base: Build | None, directory: Path, changed_files: set[Path]) -> dict[str, str]:
    """Stack key → why it changed. `base` None: the base revision does not compile, so every stack."""
    current = now.manifest.hashes
    before = base.manifest.hashes if base else {}
    reasons: dict[str, str] = {}
    for key, digest in current.items():
        if base is None:
            reasons[key] = "the base revision does not compile"
        elif key not in before:
            reasons[key] = "new"
        elif before[key] != digest:
            reasons[key] = "compiled stack changed"
        else:
            touched = _touched(now.files[f"{key}/{STACK_FILE}"], directory / key, changed_files)
            if touched:
                reasons[key] = f"{touched} changed"
    for key in before:
        if key not in current:
            reasons[key] = "no longer compiled"
    return reasons


def _touched(content: bytes, stack_dir: Path, changed_files: set[Path]) -> str | None:
    """The first folder this stack reads files from (product folder, local module) with a changed file."""
    for folder in stack_facts(json.loads(content), stack_dir).watched:
        for path in changed_files:
            if path == folder or folder in path.parents:
                return f"{folder.name}/{path.relative_to(folder).as_posix()}"
    return None


def _filtered(stacks: list[StackRef], products: Sequence[str], domains: Sequence[str]) -> list[str]:
    keys = [s.key for s in stacks]
    chosen = []
    for name in products:
        matches = [k for k in keys if k == name or ("/" not in name and k.split("/", 1)[-1] == name)]
        if not matches:
            hint = did_you_mean(name, [*keys, *(k.split("/", 1)[-1] for k in keys)])
            raise UsageError(f"--product {name}: no such stack" + (f"; {hint}" if hint else
                             " (a product is DOMAIN/NAME or NAME; infrastructure is DOMAIN/_domain or _mesh)"))
        if len(matches) > 1:
            raise UsageError(f"--product {name} is ambiguous: {', '.join(matches)}")
        chosen += matches
    for domain in domains:
        matches = [k for k in keys if k.split("/", 1)[0] == domain and "/" in k]
        if not matches:
            hint = did_you_mean(domain, {k.split("/", 1)[0] for k in keys if "/" in k})
            raise UsageError(f"--domain {domain}: no stacks in such a domain" + (f"; {hint}" if hint else ""))
        chosen += matches
    return chosen
