"""Run Terraform over the selected stacks in DAG order, `parallelism` at a time: the schedule.

A stack starts once the stacks it depends on are done (for destroy: once the stacks depending on it are gone); when
one fails, everything downstream is skipped (the circuit breaker). Each stack's own life cycle is `stack.StackJob`.

Terraform runs in its own process group, so a Ctrl-C (or a SIGTERM, which the CLI turns into one) reaches alchemesh
alone: it starts nothing more, passes one interrupt to each running Terraform — which then stops at a safe point and
writes its state — and waits for them. A watchdog process does the same should alchemesh itself be killed.
"""

from __future__ import annotations

import contextlib
import os
import queue
import signal
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alchemesh.compile.manifest import StackFacts, read_stack_facts
from alchemesh.terraform import state
from alchemesh.terraform.context import Listener, Tester
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.dataloss import Policy
from alchemesh.terraform.locks import LockFile
from alchemesh.terraform.outcome import Action, Outcome, Run, Status
from alchemesh.terraform.selection import Selection, StackRef
from alchemesh.terraform.stack import StackJob

__all__ = ["Listener", "Scheduler", "Tester", "run"]


def run(selection: Selection, action: Action, terraform: Terraform, *, environment: str, logs: Path,
        parallelism: int | None = None, listener: Listener | None = None, preview: bool = False,
        bootstrap: Path | None = None, lock_file: LockFile | None = None, tester: Tester | None = None,
        defer: bool = False, root: Path | None = None, guard: Policy | None = None) -> Run:
    """Preflight (state files) for every stack first, then the runs; an interrupt ends it cleanly.
    `preview`: each stack planned as `action` would plan it (`-destroy` for a destroy), nothing applied.
    `lock_file`: the environment's committed provider lock file, copied into each stack before `init`.
    `tester`: tests each stack's ports once it is applied (or, for `test`, as it is); under apply, a stack whose
    port fails is `test-failed` and its dependents are skipped. `defer`: a plan (or a preview) skips the stacks
    selected by change only for reading a changed producer: unchanged, they read its state as it is until it
    applies, so a plan now cannot show what they will do then; they are `deferred`, without a Terraform run.
    `guard`: the ports whose data the run lets go; a stack whose plan destroys any other is `guarded`, not applied,
    and its dependents are skipped."""
    facts = {s.key: read_stack_facts(s.directory, s.key) for s in selection.stacks}
    for stack in selection.stacks:
        own = facts[stack.key].state
        if own is not None:
            state.check(own, stack.key)
    for stack in selection.stacks if action is not Action.test else ():  # a destroy plan reads them, applied or not
        for producer in facts[stack.key].producer_states:
            state.start_empty(producer)
    runner = Scheduler(selection, action, terraform, facts, logs, listener or (lambda key, phase: None), preview,
                     bootstrap or logs / ".bootstrap", lock_file, tester,
                     defer and (action is Action.plan or (preview and action is Action.apply)))
    runner.root = root  # the mesh: a failure's cause says its paths from there
    runner.guard = guard or Policy(destroying=action is Action.destroy)
    return runner.run(environment, parallelism or os.cpu_count() or 1)


class Scheduler:
    def __init__(self, selection: Selection, action: Action, terraform: Terraform, facts: dict[str, StackFacts],
                 logs: Path, listener: Listener, preview: bool, bootstrap: Path, lock_file: LockFile | None,
                 tester: Tester | None = None, defer: bool = False):
        self.selection, self.action, self.terraform, self.facts = selection, action, terraform, facts
        self.defer = defer
        self.tester = None if preview else tester
        self.preview = preview
        self.bootstrap = bootstrap  # root configs that start empty states on remote backends, or lock providers
        self.bootstrap_lock = threading.Lock()
        self.lock_file = lock_file
        self.logs, self.listener = logs, listener
        self.cancelled = threading.Event()
        self.processes: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.init_lock = threading.Lock()
        self.events: queue.Queue = queue.Queue()
        self.interrupted: set[int] = set()
        self.watchdog: subprocess.Popen | None = None
        self.root: Path | None = None
        self.guard = Policy()

    def run(self, environment: str, parallelism: int) -> Run:
        stacks = {s.key: s for s in self.selection.stacks}
        waits = self._waits(stacks)
        self.outcomes: dict[str, Outcome] = {}
        self.running: set[str] = set()
        for key in stacks:
            self.listener(key, "queued")
        with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
            try:
                while len(self.outcomes) < len(stacks):
                    try:
                        self._advance(stacks, waits, pool)
                    except KeyboardInterrupt:
                        self._cancel()
            finally:
                self.close_watchdog()
        ordered = tuple(self.outcomes[s.key] for s in self.selection.stacks)
        binary = self.terraform.binary
        lock_file = self.lock_file.path if self.lock_file is not None and self.lock_file.changed else None
        return Run(self.action, environment, ordered, self.selection.removed, self.cancelled.is_set(),
                   (binary.name, binary.version), lock_file)

    def _advance(self, stacks: dict[str, StackRef], waits: dict[str, set[str]], pool: ThreadPoolExecutor) -> None:
        """Start what is ready, then take one event from the running stacks."""
        outcomes = self.outcomes
        if self.cancelled.is_set():
            if not self.running:
                for key in stacks:
                    if key not in outcomes:
                        outcomes[key] = Outcome(key, Status.cancelled, reason="interrupted")
                return
        else:
            before = len(outcomes)
            for key in stacks:
                if key in outcomes or key in self.running:
                    continue
                blocking = [w for w in sorted(waits[key]) if w in outcomes and not outcomes[w].status.ok
                            and not (self.action is Action.test and outcomes[w].status is Status.test_failed)]
                if blocking:
                    outcomes[key] = Outcome(key, Status.skipped, reason=_blocked_by(outcomes[blocking[0]]))
                    self.listener(key, Status.skipped.value)
                elif all(w in outcomes for w in waits[key]):
                    self.running.add(key)
                    pool.submit(self._job, stacks[key])
            if not self.running and len(outcomes) == before:  # only a cycle can leave stacks waiting
                for key in stacks:
                    outcomes.setdefault(key, Outcome(key, Status.skipped, reason="dependency cycle"))
        if not self.running:
            return
        try:
            key, phase, outcome = self.events.get(timeout=0.25)
        except queue.Empty:
            return
        if outcome is not None:
            self.running.discard(key)
            outcomes[key] = outcome
        self.listener(key, phase)

    def _waits(self, stacks: dict[str, StackRef]) -> dict[str, set[str]]:
        """What each stack waits for: its producers when applied, its consumers when destroyed (a stack
        removed from the specs is destroyed whatever the action, after the removed stacks reading it)."""
        destroyed = {key for key, s in stacks.items() if s.removed or self.action is Action.destroy}
        waits: dict[str, set[str]] = {key: set() for key in stacks}
        for stack in stacks.values():
            for dependency in stack.depends_on:
                if dependency not in stacks:
                    continue
                if dependency in destroyed and stack.key in destroyed:
                    waits[dependency].add(stack.key)
                elif dependency not in destroyed and stack.key not in destroyed:
                    waits[stack.key].add(dependency)
        return waits

    def _cancel(self) -> None:
        """One interrupt per Terraform process, whatever the number of signals: a second one would make
        Terraform stop at once, mid-write."""
        self.cancelled.set()
        cancel_tests = getattr(self.tester, "cancel", None)
        if cancel_tests is not None:  # data tests in flight: their queries stop on their servers
            cancel_tests()
        with self.lock:
            for process in self.processes:
                if process.poll() is None and process.pid not in self.interrupted:
                    self.interrupted.add(process.pid)
                    with contextlib.suppress(ProcessLookupError, PermissionError):
                        os.killpg(process.pid, signal.SIGINT)

    def spawn(self, argv: list[str], cwd: Path, sink) -> subprocess.Popen:
        with self.lock:
            if self.watchdog is None:
                self.watchdog = subprocess.Popen([sys.executable, "-m", "alchemesh.terraform.watchdog"],
                                                 stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                                 start_new_session=True, text=True)
            process = subprocess.Popen(argv, cwd=cwd, env=self.terraform.env, stdin=subprocess.DEVNULL,
                                       stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
            self.processes.add(process)
            self._tell_watchdog(f"+{process.pid}")
        return process

    def ended(self, process: subprocess.Popen) -> None:
        with self.lock:
            self.processes.discard(process)
            self._tell_watchdog(f"-{process.pid}")

    def _tell_watchdog(self, line: str) -> None:
        pipe = self.watchdog.stdin if self.watchdog is not None else None
        if pipe is None:
            return
        try:
            pipe.write(line + "\n")
            pipe.flush()
        except (OSError, ValueError):
            pass

    def close_watchdog(self) -> None:
        if self.watchdog is not None:
            with contextlib.suppress(OSError):
                if self.watchdog.stdin is not None:
                    self.watchdog.stdin.close()
            self.watchdog.wait()

    # --- one stack ----------------------------------------------------------------------------------

    def _job(self, stack: StackRef) -> None:
        try:
            outcome = StackJob(self, stack).run()
        except BaseException as error:  # never lose a stack's end: the loop waits for it
            outcome = Outcome(stack.key, Status.failed, error=f"{type(error).__name__}: {error}")
        self.events.put((stack.key, outcome.status.value, outcome))

    def phase(self, key: str, phase: str) -> None:
        self.events.put((key, phase, None))


def _blocked_by(outcome: Outcome) -> str:
    if outcome.status is Status.guarded:
        return f"{outcome.key}'s plan destroys a port's data (not allowed)"
    if outcome.status is Status.test_failed:
        broken = [p.port for p in outcome.tests if p.broken]
        return f"{', '.join(broken)} failed {'its contract' if len(broken) == 1 else 'their contracts'}"
    said = {Status.failed: "failed", Status.interrupted: "was interrupted"}.get(outcome.status, "did not run")
    return f"{outcome.key} {said}"
