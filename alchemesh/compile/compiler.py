"""Compile a validated mesh: refuse on validation errors, then build every environment asked for."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from alchemesh.compile.output import Build
from alchemesh.compile.stacks import Target, build_stacks
from alchemesh.findings import Report, Severity
from alchemesh.validate import analyze

BUILD_DIR = ".alchemesh/build"


@dataclass(frozen=True)
class Compiled:
    report: Report  # the validation that came first
    builds: tuple[tuple[Path, Build], ...]  # (environment directory, files), empty when validation failed


def compile_mesh(root: Path, environments: list[str] | None, out: Path | None) -> Compiled:
    analysis = analyze(root)
    if analysis.report.fails(Severity.ERROR) or analysis.index.mesh is None:
        return Compiled(analysis.report, ())
    spec = analysis.index.mesh.resource.spec
    base = Path(os.path.abspath(out if out is not None else root / BUILD_DIR))
    builds = []
    for environment in environments or [spec.environments[0]]:
        target = Target(root, base / environment, environment)
        builds.append((target.out, Build.of(environment, build_stacks(analysis.graph, target))))
    return Compiled(analysis.report, tuple(builds))
