"""plan/apply/destroy/drift on a compiled build: select the stacks (by name, by change since a base revision),
run Terraform over them in DAG order, and drop the removed stacks whose resources are gone."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.compile.output import Build
from alchemesh.findings import Report
from alchemesh.workspace import LOG_DIR, TERRAFORM_DIR
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.dataloss import Policy
from alchemesh.terraform.locks import LockFile
from alchemesh.terraform.outcome import Action, Run, Status
from alchemesh.terraform.scheduler import Listener, Tester, run
from alchemesh.terraform.selection import Selection, changed_stacks, select

if TYPE_CHECKING:
    from alchemesh.validate import Analysis



@dataclass(frozen=True)
class Request:
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
    lock_platforms: tuple[str, ...] = ()  # whose provider checksums the committed lock file records


def required_version(prepared: Prepared) -> str | None:
    """The Mesh's `requiredVersion`, as its stacks on disk say it (`terraform.required_version`)."""
    import json

    for stack in prepared.selection.stacks if prepared.selection else ():
        try:
            terraform = json.loads((stack.directory / "main.tf.json").read_bytes()).get("terraform")
        except (OSError, ValueError, AttributeError):
            continue
        if isinstance(terraform, dict) and isinstance(terraform.get("required_version"), str):
            return terraform["required_version"]
    return None


@dataclass(frozen=True)
class Since:
    """What changed since a base revision: its commit, the stacks that may plan differently, and the stack
    files of products it had and the work tree no longer has (a fresh CI checkout's removed products)."""

    base: str
    changed: dict[str, str]  # stack key → why it may plan differently
    gone: dict[str, bytes]


def changes_since(analysis: Analysis, ref: str, build: Build, directory: Path, removed: str) -> Since:
    from alchemesh import gitrepo
    from alchemesh.compile.compiler import compile_revision

    root = analysis.repo.root
    gitrepo.require_work_tree(root)
    base = gitrepo.resolve(root, ref)
    before = compile_revision(root, base, analysis, build.environment, directory)
    changed = changed_stacks(build, before, directory, gitrepo.changed_since(root, base))
    return Since(base, changed, _removed_since(build, before) if removed != "without" else {})


def prepared(request: Request, report: Report, build: Build, directory: Path, since: Since | None) -> Prepared:
    """The stacks of the build on disk that the request selects."""
    selection = select(build, directory, products=list(request.products), domains=list(request.domains),
                       changed=since.changed if since else None, include_dependents=request.include_dependents,
                       removed=request.removed)
    return Prepared(report, build.environment, selection, since.base if since else None, directory,
                    build.manifest.lock_platforms)


def only(selection: Selection, keys: set[str]) -> Selection:
    """The selection narrowed to these stacks (`test`: the products with ports to test)."""
    levels = tuple(kept for level in selection.levels if (kept := tuple(k for k in level if k in keys)))
    return Selection(tuple(s for s in selection.stacks if s.key in keys and not s.removed), levels, ())


def _removed_since(now: Build, before: Build | None) -> dict[str, bytes]:
    """Stack key → stack file of the stacks the base revision compiles and the work tree no longer does."""
    if before is None:
        return {}
    current = {s.key for s in now.manifest.stacks}
    return {s.key: before.files[s.path] for s in before.manifest.stacks if s.key not in current}


def execute(prepared: Prepared, root: Path, action: Action, terraform: Terraform, *, parallelism: int | None = None,
            listener: Listener | None = None, preview: bool = False, tester: Tester | None = None,
            defer: bool = False, guard: Policy | None = None) -> Run:
    """Run `action` over the selected stacks; `preview`: plan each as the action would, apply nothing.
    `guard`: the ports whose data the run lets go (see `dataloss.Policy`).
    `tester`: test each stack's ports after it applies (for `test`: as it is). `defer`: a plan leaves out the
    unchanged dependents of changed stacks (see `runner.run`)."""
    assert prepared.selection is not None, "nothing compiled"
    from alchemesh.compile.output import forget_removed

    logs = root / LOG_DIR / prepared.environment
    lock_file = LockFile.of(root, prepared.environment, prepared.lock_platforms)
    result = run(prepared.selection, action, terraform, environment=prepared.environment, logs=logs,
                 parallelism=parallelism, listener=listener, preview=preview,
                 bootstrap=root / TERRAFORM_DIR / "bootstrap" / prepared.environment, lock_file=lock_file,
                 tester=tester, defer=defer, root=root, guard=guard)
    if preview:
        return result
    destroyed = {o.key for o in result.outcomes if o.status is Status.destroyed or (
        o.status is Status.no_changes and action in (Action.apply, Action.destroy))}
    gone = {s.key for s in prepared.selection.stacks if s.removed and s.key in destroyed}
    if gone and prepared.directory is not None:  # their resources are gone: so are their stacks, from the build and the manifest
        forget_removed(prepared.directory, gone)
    return result
