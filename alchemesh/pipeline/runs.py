"""A Terraform run as one library call: compile and select, find the binary, preview and ask when asked to,
run the stacks (testing ports after they apply), keep the test results, publish the events.

    result = Pipeline(root).run(RunRequest(Action.plan, Request(environment="dev")))
    result.run.outcomes  # what each stack did

The caller chooses how to watch (a progress display) and how to approve (a prompt); nothing here prints.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, Protocol, TYPE_CHECKING

from alchemesh.terraform.orchestrate import Prepared, Request
from alchemesh.terraform.outcome import Action, Outcome, Run, Status

if TYPE_CHECKING:
    from alchemesh.datatest.result import TestRun
    from alchemesh.terraform.dataloss import Policy
    from alchemesh.datatest.suite import Suite
    from alchemesh.findings import Finding
    from alchemesh.pipeline import Pipeline, Receivers
    from alchemesh.report.deliver import Undelivered
    from alchemesh.terraform.scheduler import Listener


class Approver(Protocol):
    """Asks before apply or destroy changes anything: `ready` before any stack runs (raise when there is no one
    to ask), then `__call__` with the stacks the preview would change."""

    def ready(self, action: Action) -> None: ...

    def __call__(self, action: Action, environment: str, changing: list[Outcome], order: list[str]) -> bool: ...


Watch = Callable[[Sequence[str], str], AbstractContextManager["Listener | None"]]


@dataclass(frozen=True)
class RunRequest:
    action: Action
    select: Request = field(default_factory=Request)
    terraform: str | None = None  # the binary (default: $ALCHEMESH_TERRAFORM, then PATH)
    provider_mirror: Path | None = None
    plugin_cache: Path | None = None
    lock_timeout: str | None = None
    backend_change: Literal["reconfigure", "migrate-state"] | None = None  # after a backend change
    parallelism: int | None = None
    test: bool = False  # apply: test each product's ports after its stack applies
    timeout: float = 300.0  # a data test query's limit
    plan_dependents: bool = False
    events: Path | None = None  # append the run's CloudEvents here
    select_only: bool = False  # compile and select the stacks, run nothing (a CI matrix)
    allow_data_loss: tuple[str, ...] = ()  # ports (domain/product/port) whose data this run may destroy
    reason: str | None = None  # why: said in the summary and the events


@dataclass(frozen=True)
class RunResult:
    prepared: Prepared
    run: Run | None = None  # None: nothing ran (validation failed, nothing would change, or declined)
    preview: Run | None = None  # apply/destroy with an approver: the plans it was shown
    tests: TestRun | None = None  # `test`, `apply --test`: the ports tested and those that were not
    declined: bool = False
    undelivered: tuple[Undelivered, ...] = ()
    guard: tuple[Finding, ...] = ()  # what the plans do to the ports' data and grants (`port-data-destroyed`, …)

    @property
    def valid(self) -> bool:
        return self.prepared.selection is not None


def run(pipeline: Pipeline, request: RunRequest, *, watch: Watch | None = None,
        approve: Approver | None = None) -> RunResult:
    from alchemesh.terraform.binary import find_binary
    from alchemesh.terraform.environment import prepare as prepare_terraform
    from alchemesh.terraform.orchestrate import execute, only, required_version

    action = request.action
    removed = request.select.removed if request.select.removed != "with" else (
        "without" if action in (Action.drift, Action.test) else "with")
    prepared = pipeline.prepare(replace(request.select, removed=removed))
    selection = prepared.selection
    if selection is None or request.select_only:
        return RunResult(prepared)
    tester = _tester(pipeline, request)
    if action is Action.test and tester is not None:
        selection = only(selection, set(tester.ports))
        prepared = replace(prepared, selection=selection)
    keys = [s.key for s in selection.stacks]
    asks = approve is not None and action in (Action.apply, Action.destroy) and bool(keys)
    if approve is not None and asks:
        approve.ready(action)
    required = required_version(prepared)
    terraform = prepare_terraform(find_binary(request.terraform, required), pipeline.root,
                                  mirror=request.provider_mirror, plugin_cache=request.plugin_cache,
                                  lock_timeout=request.lock_timeout, backend_change=request.backend_change)
    binary = terraform.binary
    banner = f"{binary.name} {binary.version} ({binary.path}), {len(keys)} stack(s) in `{prepared.environment}`"
    if binary.skipped:
        banner += f"; passed over for requiredVersion `{required}`: {', '.join(binary.skipped)}"
    watching: Watch = watch or _unwatched
    guard = _guard(pipeline, request, prepared.environment)
    preview = None
    if approve is not None and asks:  # the plan first, then the question: about what would really change
        with watching(keys, banner) as listener:
            preview = execute(prepared, pipeline.root, action, terraform, parallelism=request.parallelism,
                              listener=listener, preview=True, defer=True, guard=guard)
        changing = [o for o in preview.outcomes if o.status is Status.changes and o.changes.total]
        if preview.failed or preview.interrupted or preview.data_lost or not changing:
            return RunResult(prepared, preview=preview, guard=_guard_findings(pipeline, preview, prepared.base))
        order = [key for level in selection.levels for key in level]
        if not approve(action, prepared.environment, changing, order):
            return RunResult(prepared, preview=preview, declined=True)
        banner = ""
    with watching(keys, banner) as listener:
        result = execute(prepared, pipeline.root, action, terraform, parallelism=request.parallelism,
                         listener=listener, tester=tester, defer=not request.plan_dependents, guard=guard)
    if prepared.directory is not None:
        from alchemesh.terraform.locations import store

        store(pipeline.root, result, prepared.directory)
    tests = _keep_tests(pipeline.root, result, tester, prepared) if tester is not None else None
    undelivered = publish(pipeline, result, request.events, prepared.base)
    return RunResult(prepared, result, preview, tests, undelivered=undelivered,
                     guard=_guard_findings(pipeline, result, prepared.base))


def _guard_findings(pipeline: Pipeline, result: Run, base: str | None) -> tuple[Finding, ...]:
    if not any(o.guarded.losses or o.guarded.revoked or o.guarded.schema for o in result.outcomes):
        return ()
    from alchemesh.terraform.guard import guard_findings

    return guard_findings(result, pipeline.analysis, base)


def _guard(pipeline: Pipeline, request: RunRequest, environment: str) -> Policy:
    """The ports this run lets go, and those protected in its environment (`protect`), whose data nothing lets go."""
    from alchemesh.resolve.index import product_id
    from alchemesh.terraform.dataloss import Policy

    protected = frozenset(f"{product_id(entry)}/{port.name}" for entry in pipeline.analysis.index.products.values()
                          for port in entry.resource.spec.outputPorts if environment in port.protect)
    return Policy(frozenset(request.allow_data_loss), request.reason, protected,
                  destroying=request.action is Action.destroy)


def _tester(pipeline: Pipeline, request: RunRequest) -> Suite | None:
    if request.action is not Action.test and not request.test:
        return None
    from alchemesh.datatest.suite import suite

    return suite(pipeline.analysis, timeout=request.timeout)


def publish(pipeline: Pipeline, result: Run, path: Path | None, base: str | None) -> tuple[Undelivered, ...]:
    """The run's events to `path` and to the Mesh's notifications (the mesh is read only when one of them is asked
    for: a run without either pays nothing)."""
    from alchemesh.load.discovery import MESH_FILE

    mesh_file = pipeline.root / MESH_FILE
    notified = mesh_file.is_file() and b"notifications" in mesh_file.read_bytes()
    if path is None and not notified and base is None:
        return ()
    receivers = pipeline.receivers(base)
    if path is None and not receivers.notifications:
        return ()
    from alchemesh.report.events import run_events, run_id

    return send_events(run_events(result, receivers.mesh, run_id()), path, receivers)


def send_events(events: list[dict[str, Any]], path: Path | None, receivers: Receivers) -> tuple[Undelivered, ...]:
    """Append the events to `path` in one write (a reader tailing it never sees half a run) and POST them to the
    receivers; what could not be delivered, and why."""
    from alchemesh.report.deliver import deliver
    from alchemesh.report.events import to_lines

    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(to_lines(events))
    notifications = receivers.notifications
    if not notifications or not events:
        return ()
    return tuple(deliver(events, notifications, networks=receivers.networks))


def _keep_tests(root: Path, result: Run, tester: Suite, prepared: Prepared) -> TestRun:
    """The ports tested, in the order their stacks ran, stored as each port's last result; those of the selection
    that were not tested, and why."""
    from alchemesh.datatest.history import store
    from alchemesh.datatest.result import TestRun

    ran = sorted((o for o in result.outcomes if o.tests), key=lambda o: o.started)
    ports = tuple(p for o in ran for p in o.tests)
    selected = {s.key for s in prepared.selection.stacks} if prepared.selection else set()
    skipped = [(port, why) for port, why in tester.untested if port.rsplit("/", 1)[0] in selected]
    for o in result.outcomes:
        if not o.tests and o.key in tester.ports:
            why = o.error or o.reason or o.status.value
            note = f" ({why})" if why != o.status.value else ""
            skipped += [(t.port, f"not tested: {o.key} {o.status.value}{note}") for t in tester.ports[o.key]]
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    tested = TestRun(prepared.environment, ports, stamp, tuple(sorted(skipped)))
    if tested.ports:
        store(root, tested, {t.port for targets in tester.ports.values() for t in targets})
    return tested


def _unwatched(keys: Sequence[str], banner: str) -> AbstractContextManager[Listener | None]:
    return nullcontext()
