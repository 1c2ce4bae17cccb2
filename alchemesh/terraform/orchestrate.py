"""The plan/apply/destroy/drift pipeline: validate and compile, select the stacks, run Terraform."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alchemesh.compile.output import Build
from alchemesh.findings import Report
from alchemesh.workspace import LOG_DIR
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.outcome import Action, Run, Status
from alchemesh.terraform.runner import Listener, run
from alchemesh.terraform.selection import Selection, changed_stacks, select



@dataclass(frozen=True)
class Request:
    root: Path
    environment: str | None = None
    out: Path | None = None
    products: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    changed_since: str | None = None
    include_dependents: bool = False
    removed: str = "with"  # stacks removed from the specs: with the others, only them, or without them


@dataclass(frozen=True)
class Prepared:
    report: Report  # the validation
    environment: str = ""
    selection: Selection | None = None  # None: validation failed, nothing compiled
    base: str | None = None  # the commit --changed-since resolved to
    directory: Path | None = None  # the environment's build folder


def prepare(request: Request) -> Prepared:
    """Validate, compile the environment (writing the build), and select the stacks to run."""
    from alchemesh import gitrepo
    from alchemesh.compile.compiler import compile_cached, compile_mesh, compile_revision, remember_build
    from alchemesh.compile.output import write

    compiled = None if request.changed_since else compile_cached(request.root, request.environment, request.out)
    fresh = compiled is None
    if fresh:
        compiled = compile_mesh(request.root, [request.environment] if request.environment else None, request.out)
        if not compiled.builds:
            mesh = compiled.analysis.index.mesh if compiled.analysis else None
            default = mesh.resource.spec.environments[0] if mesh and mesh.resource.spec.environments else "default"
            return Prepared(compiled.report, request.environment or default)
    directory, build = compiled.builds[0]
    changed, base, gone = None, None, {}
    if request.changed_since:
        gitrepo.require_work_tree(request.root)
        base = gitrepo.resolve(request.root, request.changed_since)
        before = compile_revision(request.root, base, compiled.analysis, build.environment, directory)
        changed = changed_stacks(build, before, directory, gitrepo.changed_since(request.root, base))
        if request.removed != "without":  # a fresh CI checkout: the base revision's stacks of removed products
            gone = _removed_since(build, before)
    if fresh:
        write(build, directory, extra_removed=gone)
        remember_build(request.root, request.environment, compiled)
    selection = select(build, directory, products=list(request.products), domains=list(request.domains),
                       changed=changed, include_dependents=request.include_dependents, removed=request.removed)
    return Prepared(compiled.report, build.environment, selection, base, directory)


def _removed_since(now: Build, before: Build | None) -> dict[str, bytes]:
    """Stack key → stack file of the stacks the base revision compiles and the work tree no longer does."""
    if before is None:
        return {}
    current = {s["key"] for s in now.manifest["stacks"]}
    return {s["key"]: before.files[s["path"]] for s in before.manifest["stacks"] if s["key"] not in current}


def execute(prepared: Prepared, root: Path, action: Action, terraform: Terraform, *, parallelism: int | None = None,
            listener: Listener | None = None) -> Run:
    assert prepared.selection is not None, "nothing compiled"
    from alchemesh.compile.output import forget_removed

    logs = root / LOG_DIR / prepared.environment
    result = run(prepared.selection, action, terraform, environment=prepared.environment, logs=logs,
                 parallelism=parallelism, listener=listener)
    destroyed = {o.key for o in result.outcomes if o.status is Status.destroyed or (
        o.status is Status.no_changes and action in (Action.apply, Action.destroy))}
    gone = {s.key for s in prepared.selection.stacks if s.removed and s.key in destroyed}
    if gone:  # their resources are gone: so are their stacks, from the build and the manifest
        forget_removed(prepared.directory, gone)
    return result
