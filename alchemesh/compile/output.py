"""Write the stacks and the manifest of one environment, or compare them with what is on disk (`--check`).

Safe by construction:
- The build folder carries a marker; a folder with other content is refused, and only the stacks the previous
  manifest lists are ever removed, file by file (never a folder with anything else in it).
- A stack removed from the specs whose state still holds resources is kept, listed under `removed` in the
  manifest, until `apply` or `destroy` has destroyed it: its state is never orphaned.
- The whole build swaps in at once: new files are staged beside the old ones under dot-names (which Terraform
  ignores), a journal lists the renames, then they happen. A run killed before the journal leaves the old build;
  one killed after it is completed by the next reader (`recover`). A full disk leaves the previous build intact.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from alchemesh.workspace import complete, inside, pid_alive, write_atomic
from alchemesh.compile.manifest import MANIFEST, STACK_FILE, Manifest, StackEntry, render, stack_facts
from alchemesh.errors import AlchemeshError, UsageError
from alchemesh.resolve.dag import dag_levels

if TYPE_CHECKING:
    from alchemesh.compile.stacks import Stack

MARKER = ".alchemesh-build"  # in every build folder alchemesh writes: only such a folder is written to
JOURNAL = ".alchemesh-journal.json"
PLAN_FILE = "alchemesh.tfplan"
# What alchemesh and `terraform init` leave in a stack folder, removed with a stack that holds no resources.
_RUN_FILES = (PLAN_FILE, ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup")


class BuildWriteError(AlchemeshError):
    """The build could not be written; the previous one is intact."""


@dataclass(frozen=True)
class Build:
    """The files of one environment's build, in memory: stack path → bytes, plus the manifest."""

    environment: str
    files: dict[str, bytes]

    @classmethod
    def of(cls, environment: str, stacks: list[Stack], lock_platforms: tuple[str, ...] = ()) -> Build:
        files = {str(stack.path): render(stack.content) for stack in stacks}
        entries = tuple(StackEntry(s.key, s.kind, str(s.path), tuple(s.depends_on),
                                   hashlib.sha256(files[str(s.path)]).hexdigest()) for s in stacks)
        manifest = Manifest(environment, entries, levels(stacks), lock_platforms=lock_platforms)
        return cls(environment, {**files, MANIFEST: manifest.to_bytes()})

    @functools.cached_property
    def manifest(self) -> Manifest:  # parsed once: selection, the writer and the runner all read it
        manifest = Manifest.parse(self.files[MANIFEST])
        assert manifest is not None, "a build always holds its manifest"
        return manifest


def levels(stacks: list[Stack]) -> tuple[tuple[str, ...], ...]:
    """Stack keys grouped by DAG level: a stack's dependencies are all in earlier levels."""
    return tuple(tuple(level) for level in dag_levels({s.key: set(s.depends_on) for s in stacks}))


# --- what a write does ------------------------------------------------------------------------------------


@dataclass
class _Plan:
    files: dict[str, bytes]  # every file of the resulting build, the manifest with its `removed` list
    retained: list[StackEntry] = field(default_factory=list)  # stacks kept for their state
    removed: list[str] = field(default_factory=list)  # stack keys whose folders are cleared


def _plan(build: Build, out: Path, extra_removed: dict[str, bytes] | None = None) -> _Plan:
    """The build as it will be on disk: `build` plus the stacks it no longer has that still hold resources.
    `extra_removed`: stack key → the stack file of a removed product from another revision's build."""
    previous = Manifest.read(out)
    manifest = build.manifest
    current = {s.key for s in manifest.stacks}
    files = dict(build.files)
    plan = _Plan(files)
    candidates = {s.key: s for s in (previous.stacks + previous.removed if previous else ())}
    for key, content in sorted((extra_removed or {}).items()):
        if key not in current and key not in candidates:
            files[f"{key}/{STACK_FILE}"] = content
            plan.retained.append(_entry(key, "product", content, ()))
    for key, entry in sorted(candidates.items()):
        if key in current or not _safe_key(key):
            continue
        stack_dir = out / key
        on_disk = _read(stack_dir / STACK_FILE)
        if on_disk is not None and holds_resources(on_disk, stack_dir):
            files[f"{key}/{STACK_FILE}"] = on_disk
            plan.retained.append(_entry(key, entry.kind, on_disk, entry.depends_on))
        else:
            plan.removed.append(key)
    if plan.retained:
        files[MANIFEST] = replace(manifest, removed=tuple(plan.retained)).to_bytes()
    return plan


def _entry(key: str, kind: str, content: bytes, depends_on: tuple[str, ...]) -> StackEntry:
    return StackEntry(key, kind, f"{key}/{STACK_FILE}", depends_on, hashlib.sha256(content).hexdigest())


def holds_resources(stack_file: bytes, stack_dir: Path) -> bool:
    """Whether a stack may still have resources: its local state lists some, or it has a remote backend and
    was initialised (Terraform alone can tell; `destroy` asks it). A stack file that no longer parses is
    taken as one without a backend: its state beside it decides."""
    try:
        state = stack_facts(json.loads(stack_file), stack_dir).state
    except ValueError:
        state = stack_dir / "terraform.tfstate"
    if state is None:
        return (stack_dir / ".terraform").is_dir()
    raw = _read(state)
    if not raw or not raw.strip():
        return False
    try:
        resources = json.loads(raw).get("resources")
    except (ValueError, AttributeError):
        return True  # not a state we can read: keep it, never guess it empty
    return bool(resources)


def write(build: Build, out: Path, extra_removed: dict[str, bytes] | None = None) -> list[str]:
    """Write every file that changed, swapped in at once; clear the stacks that no longer exist and hold
    nothing. Returns what changed."""
    prepare_folder(out)
    recover(out)
    _remove_abandoned_staging(out)
    plan = _plan(build, out, extra_removed)
    changed = [rel for rel, content in sorted(plan.files.items()) if _read(out / rel) != content]
    for rel in changed:
        if not inside(rel):
            raise UsageError(f"{rel} would leave the build directory")
    removals = [key for key in plan.removed if (out / key).exists()]
    if not changed and not removals:
        return []
    staged: list[tuple[str, str]] = []
    try:
        for rel in changed:
            path = out / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            temp = path.with_name(f".{path.name}.next-{os.getpid()}")
            write_atomic(temp, plan.files[rel])
            staged.append((temp.relative_to(out).as_posix(), rel))
        staged.sort(key=lambda pair: pair[1] == MANIFEST)  # the manifest last
        write_atomic(out / JOURNAL, json.dumps({"staging": "", "moves": staged, "remove": removals}).encode())
    except OSError as error:
        for staged_file, _ in staged:
            (out / staged_file).unlink(missing_ok=True)
        raise BuildWriteError(f"cannot write the build in {out}: {error.strerror or error}; "
                              "the previous build is intact") from None
    recover(out)
    return changed + [f"{key}/{STACK_FILE} (removed)" for key in removals]


_STAGED = re.compile(r"\.(.+)\.next-(\d+)")


def _remove_abandoned_staging(out: Path) -> None:
    """Files staged by a write that was killed before its journal: their process is gone."""
    for path in (*out.glob(".*.next-*"), *out.glob("*/.*.next-*"), *out.glob("*/*/.*.next-*")):
        match = _STAGED.fullmatch(path.name)
        if match and int(match.group(2)) != os.getpid() and not pid_alive(int(match.group(2))) and path.is_file():
            path.unlink(missing_ok=True)


def recover(out: Path) -> None:
    """Finish a write whose journal was written: every staged file renamed, the cleared stacks removed."""
    complete(out, JOURNAL, clear=lambda folder, key: clear_stack(folder, key) if _safe_key(key) else None)


def clear_stack(out: Path, key: str) -> None:
    """Remove what alchemesh and `terraform init` put in a stack folder, then the folder if nothing else is
    in it: a file of anyone else's stays, and so does its folder."""
    stack_dir = out / key
    for name in (STACK_FILE, *_RUN_FILES):
        (stack_dir / name).unlink(missing_ok=True)
    shutil.rmtree(stack_dir / ".terraform", ignore_errors=True)
    for folder in (stack_dir, stack_dir.parent):
        if folder != out:
            try:
                folder.rmdir()
            except OSError:
                break  # not empty: someone else's content, or another stack


def forget_removed(out: Path, keys: set[str]) -> None:
    """Stacks removed from the specs that are now destroyed: out of the manifest and off the disk."""
    recover(out)
    manifest = Manifest.read(out)
    kept = tuple(s for s in manifest.removed if s.key not in keys) if manifest else ()
    if manifest is None or len(kept) == len(manifest.removed):
        return
    write_atomic(out / MANIFEST, replace(manifest, removed=kept).to_bytes())
    for key in sorted(keys):
        if _safe_key(key):
            clear_stack(out, key)


def differences(build: Build, out: Path) -> list[str]:
    """What `write` would change: files missing, different or stale on disk."""
    plan = _plan(build, out)
    out_of_date = [f"{JOURNAL}: a write was interrupted (the next compile completes it)"] \
        if (out / JOURNAL).is_file() else []
    for rel, content in sorted(plan.files.items()):
        on_disk = _read(out / rel)
        if on_disk is None:
            out_of_date.append(f"{rel}: missing")
        elif on_disk != content:
            out_of_date.append(f"{rel}: stale")
    out_of_date += [f"{key}/{STACK_FILE}: no longer compiled" for key in plan.removed if (out / key).exists()]
    return out_of_date


def removed_entries(out: Path) -> list[StackEntry]:
    """The manifest entries of the stacks kept for their state, those whose key can name a stack folder."""
    manifest = Manifest.read(out)
    return [s for s in manifest.removed if _safe_key(s.key)] if manifest else []


def prepare_folder(out: Path) -> None:
    """Make sure `out` (an environment folder) is in a build folder alchemesh owns, marking a new one."""
    base = out.parent
    if base.exists() and not base.is_dir():
        raise UsageError(f"--out {base} is a file, not a folder")
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} is a file, not a build folder")
    if not _marked(out):
        foreign = [p.name for p in base.iterdir() if not (_legacy_build(p) or _terraform_folders_only(p))] \
            if base.is_dir() else []
        if foreign:
            raise UsageError(f"--out {base} holds files alchemesh did not build ({', '.join(sorted(foreign)[:3])}"
                             f"{', …' if len(foreign) > 3 else ''}): choose an empty folder or one it built")
    try:
        base.mkdir(parents=True, exist_ok=True)
        if not (base / MARKER).is_file():
            write_atomic(base / MARKER, b"built by alchemesh compile; stacks are replaced and removed here\n")
        out.mkdir(exist_ok=True)
    except OSError as error:
        raise BuildWriteError(f"cannot write the build in {base}: {error.strerror or error}") from None


def _marked(out: Path) -> bool:
    return (out.parent / MARKER).is_file()


def _legacy_build(path: Path) -> bool:
    """An environment folder of a build written before builds were marked: a manifest of ours in it."""
    return path.is_dir() and Manifest.read(path) is not None


def _terraform_folders_only(path: Path) -> bool:
    """An environment folder holding nothing but stacks' `.terraform` folders and lock files: Terraform's working
    files, as a CI cache restores them into a fresh checkout before the first compile."""
    if not path.is_dir() or path.is_symlink():
        return False
    for _folder, dirs, files in os.walk(path):
        if any(name != ".terraform.lock.hcl" for name in files):
            return False
        dirs[:] = [d for d in dirs if d != ".terraform"]
    return True


def _safe_key(key: str) -> bool:
    parts = PurePosixPath(key).parts
    return bool(parts) and len(parts) <= 2 and not PurePosixPath(key).is_absolute() and ".." not in parts


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
