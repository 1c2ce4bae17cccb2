"""Compile a validated mesh: refuse on validation errors, then build every environment asked for."""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.compile.manifest import MANIFEST, Manifest
from alchemesh.compile.output import Build
from alchemesh.findings import Report
from alchemesh.workspace import BUILD_DIR, CACHE_DIR

if TYPE_CHECKING:  # the models are imported only when something is compiled
    from alchemesh.load.cache import ReportCache
    from alchemesh.validate import Analysis



@dataclass(frozen=True)
class Compiled:
    report: Report  # the validation that came first
    builds: tuple[tuple[Path, Build], ...]  # (environment directory, files), empty when validation failed
    analysis: Analysis | None = None
    cached: bool = False  # the builds are the ones on disk, compiled from these very specs before


def compile_mesh(analysis: Analysis, environments: list[str] | None, out: Path | None) -> Compiled:
    """Every environment asked for (default: the Mesh's first), unless validation found errors."""
    from alchemesh.compile.stacks import Target, build_stacks

    root = analysis.repo.root
    from alchemesh.validate import stops_runs

    if stops_runs(analysis.report) or analysis.index.mesh is None:
        return Compiled(analysis.report, (), analysis)
    spec = analysis.index.mesh.resource.spec
    base = _build_base(root, out)
    builds = []
    for environment in environments or [spec.environments[0]]:
        target = Target(root, base / environment, environment)
        builds.append((target.out, Build.of(environment, build_stacks(analysis.graph, target),
                                            tuple(spec.terraform.lockPlatforms))))
    return Compiled(analysis.report, tuple(builds), analysis)


def compile_revision(root: Path, rev: str, current: Analysis, environment: str, directory: Path) -> Build | None:
    """What `rev` compiles to for `environment`, as if it were checked out at `root` (so paths match);
    None when it does not compile."""
    from alchemesh.compile.stacks import Target, build_stacks
    from alchemesh.resolve.graph import build_graph
    from alchemesh.resolve.index import build_index
    from alchemesh.load.repo import load_revision, paused_gc

    with paused_gc():
        graph = build_graph(build_index(load_revision(root, rev, current.repo)))
        try:
            stacks = build_stacks(graph, Target(root, directory, environment))
            mesh = graph.index.mesh
            platforms = tuple(mesh.resource.spec.terraform.lockPlatforms) if mesh else ()
            return Build.of(environment, stacks, platforms)
        except Exception:  # an old revision may not compile at all: then every stack counts as changed
            return None


def compile_cached(cache: ReportCache, environment: str | None, out: Path | None) -> Compiled | None:
    """The build on disk, when it was compiled from exactly these specs (the files `cache` keyed) by this
    code and is intact: a plan on an unchanged repo then neither parses nor imports the models."""
    root = cache.root
    stamp = _stamp_path(root, environment)
    try:
        recorded = json.loads(stamp.read_bytes())
    except (OSError, ValueError):
        return None  # never compiled here: nothing to read for a key
    if not isinstance(recorded, dict):
        return None
    report = cache.get()
    directory = _build_base(root, out) / str(recorded.get("environment"))
    from alchemesh.validate import stops_runs

    if report is None or stops_runs(report) or recorded.get("key") != _build_key(cache, directory):
        return None
    try:
        files = {MANIFEST: (directory / MANIFEST).read_bytes()}
        if hashlib.sha256(files[MANIFEST]).hexdigest() != recorded.get("manifest"):
            return None  # compiled since from other specs (another branch, an edit since reverted)
        manifest = Manifest.parse(files[MANIFEST])
        if manifest is None:
            return None
        for stack in manifest.stacks + manifest.removed:
            files[stack.path] = (directory / stack.path).read_bytes()
            if hashlib.sha256(files[stack.path]).hexdigest() != stack.hash:
                return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return Compiled(report, ((directory, Build(recorded["environment"], files)),), cached=True)


def remember_build(cache: ReportCache, environment: str | None, directory: Path, build: Build) -> None:
    """Record that the build on disk in `directory`, to the bytes of its manifest, is what the specs `cache`
    keyed compile to (see compile_cached); `environment` as asked for (None: the Mesh's first)."""
    from alchemesh.workspace import write_atomic

    stamp = _stamp_path(cache.root, environment)
    try:
        stamp.parent.mkdir(parents=True, exist_ok=True)
        manifest = hashlib.sha256((directory / MANIFEST).read_bytes()).hexdigest()
        content = {"key": _build_key(cache, directory), "environment": build.environment, "manifest": manifest}
        write_atomic(stamp, json.dumps(content).encode())
    except OSError:
        pass  # a read-only checkout compiles every time


def _build_key(cache: ReportCache, directory: Path) -> str:
    return hashlib.sha256(f"{cache.key}\0{directory}".encode("utf-8", "surrogateescape")).hexdigest()


def _build_base(root: Path, out: Path | None) -> Path:
    return Path(os.path.abspath(out if out is not None else root / BUILD_DIR))


def _stamp_path(root: Path, environment: str | None) -> Path:
    return root / CACHE_DIR / f"build-{environment or 'default'}.json"
