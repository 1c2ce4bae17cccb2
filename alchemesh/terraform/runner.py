"""Run Terraform over the selected stacks in DAG order, `parallelism` at a time.

Per stack: `init` (skipped when nothing it depends on changed since the last one), `plan -out`,
`show -json` when there are changes, then `apply` of that saved plan for apply and destroy. A stack
starts once the stacks it depends on are done (for destroy: once the stacks depending on it are
gone); when one fails, everything downstream is skipped. Output streams to one log file per stack.

Terraform runs in its own process group, so a Ctrl-C (or a SIGTERM, which the CLI turns into one)
reaches alchemesh alone: it starts nothing more, passes one interrupt to each running Terraform — which
then stops at a safe point and writes its state — and waits for them.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from alchemesh.compile.manifest import StackFacts, producer_of, read_stack_facts
from alchemesh.compile.output import PLAN_FILE
from alchemesh.terraform import state
from alchemesh.terraform.diagnostics import error_summary, failure_cause, lock_file_hint, lock_summary
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.locks import STACK_LOCK, LockFile
from alchemesh.terraform.outcome import Action, Changes, Outcome, Run, Status
from alchemesh.terraform.selection import Selection, StackRef

INIT_STAMP = "alchemesh-init.json"
_STATE_STARTED = "alchemesh-state-started"  # in .terraform/: the stack's remote state exists
_EMPTY_STATE = "alchemesh-empty.tfstate"
Listener = Callable[[str, str], None]  # (stack key, phase)
# Tests a stack's ports, given its key, its folder and its `output_ports` output: `test`, `apply --test`.
Tester = Callable[[str, Path, dict], tuple]


class _Interrupted(Exception):
    pass


def run(selection: Selection, action: Action, terraform: Terraform, *, environment: str, logs: Path,
        parallelism: int | None = None, listener: Listener | None = None, preview: bool = False,
        bootstrap: Path | None = None, lock_file: LockFile | None = None, tester: Tester | None = None,
        defer: bool = False, root: Path | None = None) -> Run:
    """Preflight (state files) for every stack first, then the runs; an interrupt ends it cleanly.
    `preview`: each stack planned as `action` would plan it (`-destroy` for a destroy), nothing applied.
    `lock_file`: the environment's committed provider lock file, copied into each stack before `init`.
    `tester`: tests each stack's ports once it is applied (or, for `test`, as it is); under apply, a stack whose
    port fails is `test-failed` and its dependents are skipped. `defer`: a plan (or a preview) skips the stacks
    selected by change only for reading a changed producer: unchanged, they read its state as it is until it
    applies, so a plan now cannot show what they will do then; they are `deferred`, without a Terraform run."""
    facts = {s.key: read_stack_facts(s.directory, s.key) for s in selection.stacks}
    for stack in selection.stacks:
        own = facts[stack.key].state
        if own is not None:
            state.check(own, stack.key)
    for stack in selection.stacks if action is not Action.test else ():  # a destroy plan reads them, applied or not
        for producer in facts[stack.key].producer_states:
            state.start_empty(producer)
    runner = _Runner(selection, action, terraform, facts, logs, listener or (lambda key, phase: None), preview,
                     bootstrap or logs / ".bootstrap", lock_file, tester,
                     defer and (action is Action.plan or (preview and action is Action.apply)))
    runner.root = root  # the mesh: a failure's cause says its paths from there
    return runner.run(environment, parallelism or os.cpu_count() or 1)


class _Runner:
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
            outcome = _StackJob(self, stack).run()
        except BaseException as error:  # never lose a stack's end: the loop waits for it
            outcome = Outcome(stack.key, Status.failed, error=f"{type(error).__name__}: {error}")
        self.events.put((stack.key, outcome.status.value, outcome))

    def phase(self, key: str, phase: str) -> None:
        self.events.put((key, phase, None))


def _blocked_by(outcome: Outcome) -> str:
    if outcome.status is Status.test_failed:
        broken = [p.port for p in outcome.tests if p.broken]
        return f"{', '.join(broken)} failed {'its contract' if len(broken) == 1 else 'their contracts'}"
    said = {Status.failed: "failed", Status.interrupted: "was interrupted"}.get(outcome.status, "did not run")
    return f"{outcome.key} {said}"


class _StackJob:
    def __init__(self, runner: _Runner, stack: StackRef):
        self.runner, self.stack = runner, stack
        self.log_path = runner.logs / f"{stack.key}.log"
        self.terraform_seconds = 0.0
        self.applying = False  # past the plan: a failure may leave part of the changes made
        self.replanned = False  # the saved plan went stale before it was applied
        self.started_states: tuple[str, ...] = ()  # empty states this stack's run pushed
        self.tests: tuple = ()
        self.ports: tuple[tuple[str, str], ...] = ()  # (port, location) once applied: where consumers read it

    def run(self) -> Outcome:
        start = time.perf_counter()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")
        # Appending: Terraform writes to the same file itself, so its output never depends on alchemesh.
        with self.log_path.open("a", encoding="utf-8") as log:
            cause = ""
            try:
                status, changes, text = self._steps(log)
                error = None
                settled = status in (Status.applied, Status.no_changes, Status.tested)
                outputs = self._port_outputs(log) if settled and self.runner.action in (Action.apply, Action.test) \
                    else {}
                self.ports = tuple(sorted((name, value["location"]) for name, value in outputs.items()
                                          if isinstance(value, dict) and isinstance(value.get("location"), str)
                                          and value["location"]))
                if self.runner.tester is not None and settled:
                    self.runner.phase(self.stack.key, "testing")
                    self.tests = self.runner.tester(self.stack.key, self.stack.directory, outputs)
                    if any(p.broken for p in self.tests):
                        status = Status.test_failed
                    elif self.runner.action is Action.test:
                        status = Status.tested
            except _Failed as failure:
                status, changes, text, error = Status.failed, Changes(), "", str(failure)
                cause = failure_cause(failure.output, self.stack.directory, self.runner.root) if failure.output else ""
                if self.applying:
                    error += self._state_now(log)
            except _Interrupted:
                status, changes, text, error = Status.interrupted, Changes(), "", "interrupted"
        end = time.perf_counter()
        notes = [self.stack.reason]
        if self.started_states:
            notes.append(f"started an empty state for {', '.join(self.started_states)} (never applied)")
        if self.replanned:
            notes.append("planned again: another run changed the state after this one planned"
                         + (" (and had made these changes)" if status is Status.no_changes else ""))
        if status is Status.deferred:
            notes.append(f"planned once {self.stack.upstream} applies (`--plan-dependents` plans it now)")
        reason = "; ".join(filter(None, notes))
        if status is Status.test_failed:
            broken = [p for p in self.tests if p.broken]
            notes.append("; ".join(f"{p.port} {'is unreachable' if p.status == 'unreachable' else 'failed its contract'}"
                                   for p in broken))
            reason = "; ".join(filter(None, notes))
        if self.stack.removed and status is Status.changes:
            reason = f"removed from the specs: would destroy {changes.destroy}"
        elif self.stack.removed and status is Status.destroyed:
            reason = "removed from the specs: destroyed"
        return Outcome(self.stack.key, status, changes, self.log_path, error, text, reason,
                       end - start, self.terraform_seconds, start, end, self.tests, cause, self.ports)

    def _steps(self, log: IO[str]) -> tuple[Status, Changes, str]:
        if self.runner.action is Action.test:
            return Status.tested, Changes(), ""
        if self.runner.defer and self.stack.upstream:
            return Status.deferred, Changes(), ""
        self._init(log)
        self.started_states = self._start_producer_states(log)
        if self._start_own_state(log):
            self.started_states += (self.stack.key,)
        looked_again = False
        for attempt in range(_REPLANS + 1):
            try:
                return self._plan_and_apply(log)
            except _Failed as failure:
                if _MISSING_STATE in failure.output and not looked_again:
                    looked_again = True
                    self._forget_producer_states()
                    self.started_states += self._start_producer_states(log)
                    continue
                if not any(stale in failure.output for stale in _STALE) or attempt == _REPLANS:
                    raise
                # another run changed the state between this one's plan and apply
                self.applying, self.replanned = False, True
        raise AssertionError("unreachable")

    def _plan_and_apply(self, log: IO[str]) -> tuple[Status, Changes, str]:
        action, directory = self.runner.action, self.stack.directory
        destroying = action is Action.destroy or self.stack.removed
        self.runner.phase(self.stack.key, "planning")
        lock = [f"-lock-timeout={self.runner.terraform.lock_timeout}"]
        plan_args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", *lock, f"-out={PLAN_FILE}"]
        if destroying:
            plan_args.append("-destroy")
        code, output = self._terraform(plan_args, log, ok=(0, 2))
        if code == 0:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.no_changes, Changes(), ""
        _, shown = self._terraform(["show", "-json", PLAN_FILE], None)
        changes = Changes.of_plan(json.loads(shown))
        text = plan_text(output)
        if action is Action.plan or self.runner.preview:
            return Status.changes, changes, text
        if action is Action.drift:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.drifted, changes, text
        self.runner.phase(self.stack.key, "destroying" if destroying else "applying")
        self.applying = True
        self._terraform(["apply", "-input=false", "-no-color", *lock, PLAN_FILE], log)
        self.applying = False
        (directory / PLAN_FILE).unlink(missing_ok=True)
        if not changes.total:  # outputs only (a stack never applied): no resource was made or destroyed
            return Status.no_changes, changes, text
        return (Status.destroyed if destroying else Status.applied), changes, text

    def _port_outputs(self, log: IO[str]) -> dict:
        """The stack's `output_ports` output, from its state: the local file as it is, a remote one pulled (after an
        `init`, which a stack never run here still needs). Empty when the stack was never applied."""
        own = self.runner.facts[self.stack.key].state
        if own is not None:
            try:
                text = own.read_text(encoding="utf-8", errors="replace")
            except FileNotFoundError:
                return {}
        else:
            self._init(log)
            _, text = self._terraform(["state", "pull"], None)
        try:
            pulled = json.loads(text[text.index("{"):]) if "{" in text else {}
        except ValueError:
            return {}
        output = pulled.get("outputs", {}).get("output_ports", {}) if isinstance(pulled, dict) else {}
        value = output.get("value") if isinstance(output, dict) else None
        return value if isinstance(value, dict) else {}

    def _state_now(self, log: IO[str]) -> str:
        """What the state holds after a failure part-way: some of the changes may have been made."""
        try:
            code, output = self._terraform(["state", "list"], log, ok=(0, 1))
        except (_Failed, _Interrupted):
            return ""
        if code != 0:
            return ""
        held = [line for line in output.splitlines() if line.strip() and not line.startswith(" ")]
        return f"; its state now holds {len(held)} resource(s) (`terraform state list` in the stack folder)"

    def _start_producer_states(self, log: IO[str]) -> tuple[str, ...]:
        """A producer on a remote backend never applied has no state, and Terraform fails a remote-state read
        of a missing state (its `defaults` apply only to an existing one): start an empty one, through a root
        configuration holding nothing but that backend. Returns the names of the states started."""
        started = []
        for name, backend, config in self.runner.facts[self.stack.key].remote_producers:
            folder = self._producer_folder(backend, config)
            with self.runner.bootstrap_lock:
                if (folder / _STATE_STARTED).is_file():  # seen to exist, by this run or an earlier one
                    continue
                folder.mkdir(parents=True, exist_ok=True)
                (folder / "main.tf.json").write_text(json.dumps({"terraform": {"backend": {backend: config}}}))
                self._terraform(["init", "-input=false", "-no-color", "-reconfigure"], log, cwd=folder)
                if self._start_state(folder, log):
                    started.append(producer_of(name))
                (folder / _STATE_STARTED).write_text("", encoding="utf-8")
        return tuple(started)

    def _producer_folder(self, backend: str, config: dict) -> Path:
        key = hashlib.sha256(json.dumps([backend, config], sort_keys=True).encode()).hexdigest()[:16]
        return self.runner.bootstrap / key

    def _forget_producer_states(self) -> None:
        """A producer's state seen once is gone (deleted by hand): look again."""
        for _, backend, config in self.runner.facts[self.stack.key].remote_producers:
            (self._producer_folder(backend, config) / _STATE_STARTED).unlink(missing_ok=True)

    def _start_own_state(self, log: IO[str]) -> bool:
        """On a remote backend, a plan made on a state that does not exist yet has no lineage, and Terraform
        then applies it even after another run (another checkout) created the state since: the resources would
        be made twice. An empty state first makes such a plan stale, and the second run plans again."""
        if self.runner.facts[self.stack.key].state is not None:
            return False
        marker = self.stack.directory / ".terraform" / _STATE_STARTED
        if marker.is_file():
            return False
        started = self._start_state(self.stack.directory, log)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.write_text("", encoding="utf-8")
        return started

    def _start_state(self, folder: Path, log: IO[str]) -> bool:
        """Push an empty state where the backend initialised in `folder` holds none; False when one is there
        (or another run pushed one first)."""
        _, pulled = self._terraform(["state", "pull"], None, cwd=folder)
        if _stored(pulled):
            return False
        version = self.runner.terraform.binary.version
        empty = {"version": 4, "terraform_version": version, "serial": 1, "lineage": str(uuid.uuid4()),
                 "outputs": {}, "resources": []}
        path = folder / _EMPTY_STATE
        path.write_text(json.dumps(empty))
        try:
            self._terraform(["state", "push", f"-lock-timeout={self.runner.terraform.lock_timeout}", _EMPTY_STATE],
                            log, cwd=folder)
        except _Failed:  # refused over a state of another lineage: another run was first
            _, pulled = self._terraform(["state", "pull"], None, cwd=folder)
            if not _stored(pulled):
                raise
            return False
        finally:
            path.unlink(missing_ok=True)
        return True

    def _init(self, log: IO[str]) -> None:
        directory, lock_file = self.stack.directory, self.runner.lock_file
        stamp_path = directory / ".terraform" / INIT_STAMP
        stamp = self._init_stamp()
        asked = bool(self.runner.terraform.init_args)  # a backend change asked for: init again, whatever the stamp
        if not asked and stamp is not None and stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == stamp:
            return
        self.runner.phase(self.stack.key, "init")
        if lock_file is not None:
            lock_file.seed(directory)
        command = ["init", "-input=false", "-no-color", *self.runner.terraform.init_args]
        # One at a time when the plugin cache is shared (it is not safe for concurrent writers) or states move to
        # a new backend (a migration takes backend-wide locks, and Terraform 1.0's init cannot wait for one).
        one_at_a_time = self.runner.init_lock if self.runner.terraform.plugin_cache or asked else contextlib.nullcontext()
        for attempt in range(_INIT_TRIES):
            try:
                with one_at_a_time:
                    self._terraform(command, log)
                break
            except _Failed as failure:  # a backend set up by two inits at once (pg's shared sequence): again
                if attempt == _INIT_TRIES - 1 or not any(race in failure.output for race in _SETUP_RACES):
                    raise
                time.sleep(0.2 * (attempt + 1))
        (directory / ".terraform" / _STATE_STARTED).unlink(missing_ok=True)  # perhaps another backend now
        if lock_file is not None:
            missing = lock_file.absorb(directory)
            if missing:
                self._lock_platforms(missing, log)
        stamp = self._init_stamp()
        if stamp is not None:
            stamp_path.parent.mkdir(parents=True, exist_ok=True)  # a module-less stack's init may make no .terraform/
            stamp_path.write_text(stamp, encoding="utf-8")

    def _init_stamp(self) -> str | None:
        """What the last `init` was run on; None when it must run whatever the stamp says."""
        lock_file = self.runner.lock_file
        pins = lock_file.digest(self.stack.directory) if lock_file is not None else ""
        if pins is None:
            return None
        return init_fingerprint(self.runner.facts[self.stack.key], self.runner.terraform, pins)

    def _lock_platforms(self, addresses: tuple[str, ...], log: IO[str]) -> None:
        """`providers lock` for the platforms the lock file must cover, each provider from where it installs
        (a filesystem mirror, else its registry), at the version the environment pins: in a root configuration
        requiring just that, so that no checksum already recorded stands in the way."""
        lock_file, terraform = self.runner.lock_file, self.runner.terraform
        if lock_file is None:
            return
        platforms = [f"-platform={p}" for p in sorted(lock_file.platforms)]
        with self.runner.bootstrap_lock:
            by_source: dict[str, list[str]] = {}
            for address in lock_file.missing(addresses):  # another stack may have just done it
                mirror = terraform.mirror_of(address)
                by_source.setdefault(f"-fs-mirror={mirror}" if mirror else "", []).append(address)
            for source, group in sorted(by_source.items()):
                required = {f"p{i}": {"source": a, "version": lock_file.pins[a].version} for i, a in enumerate(group)}
                folder = self.runner.bootstrap / "providers-lock"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / STACK_LOCK).unlink(missing_ok=True)
                (folder / "main.tf.json").write_text(json.dumps({"terraform": {"required_providers": required}}))
                self._terraform(["providers", "lock", *filter(None, [source]), *platforms], log, cwd=folder)
                lock_file.absorb(folder, platforms_locked=True)

    def _terraform(self, args: list[str], log: IO[str] | None, ok: tuple[int, ...] = (0,),
                   cwd: Path | None = None) -> tuple[int, str]:
        """Run Terraform in the stack's folder (or `cwd`), its output going to the log (when given, else to a
        file of its own); returns the exit code and that output."""
        if self.runner.cancelled.is_set():
            raise _Interrupted
        terraform = self.runner.terraform
        start = time.perf_counter()
        sink: IO[Any]
        with contextlib.ExitStack() as files:
            if log is not None:
                log.write(f"$ {terraform.binary.name} {' '.join(args)}\n")
                log.flush()
                sink, offset = log, self.log_path.stat().st_size
            else:
                sink, offset = files.enter_context(tempfile.TemporaryFile("w+b")), 0
            process = self.runner.spawn([str(terraform.binary.path), *args], cwd or self.stack.directory, sink)
            try:
                code = process.wait()
            finally:
                self.runner.ended(process)
                self.terraform_seconds += time.perf_counter() - start
            output = _read_from(sink, self.log_path if log is not None else None, offset)
        if code not in ok:
            if self.runner.cancelled.is_set():
                raise _Interrupted
            locked = lock_summary(output)
            message = locked or f"{terraform.binary.name} {args[0]} failed: {error_summary(output)}"
            if "Backend configuration changed" in output or "Backend initialization required" in output:
                message += ("; the backend changed since this stack was initialised: rerun with --migrate-state to "
                            "copy its state to the new backend, or --reconfigure to start there")
            if self.runner.lock_file is not None:
                message += lock_file_hint(output, self.runner.lock_file.shown)
            raise _Failed(message, output)
        return code, output


def _stored(pulled: str) -> bool:
    """Whether `state pull` found a stored state: with none, Terraform prints an empty one without a lineage."""
    try:
        state = json.loads(pulled[pulled.index("{"):])
    except ValueError:
        return False
    return isinstance(state, dict) and bool(state.get("lineage"))


def _read_from(sink, log_path: Path | None, offset: int) -> str:
    if log_path is not None:
        with log_path.open("rb") as handle:
            handle.seek(offset)
            raw = handle.read()
    else:
        sink.seek(0)
        raw = sink.read()
    return raw.decode("utf-8", "replace")


class _Failed(Exception):
    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output


# Terraform's refusals to apply a plan made on a state that has changed since: a newer serial, or another lineage
# (two runs starting the same remote state at once: the one that lost the race planned on the other's)
_STALE = ("Saved plan is stale", "Saved plan does not match the given state")
_REPLANS = 3
_MISSING_STATE = "Unable to find remote state"
# What an init says when another one set up the same backend objects at the same moment (pg creates a shared
# sequence and tables with IF NOT EXISTS, which races in PostgreSQL): harmless, and gone on a second try.
_SETUP_RACES = ("duplicate key value violates unique constraint", "tuple concurrently updated")
_INIT_TRIES = 3


def init_fingerprint(facts: StackFacts, terraform: Terraform, pins: str = "") -> str:
    """What `init` depends on: backend, required providers, module sources, the binary, the CLI configuration,
    the lock file's pins of the stack's providers."""
    config = terraform.env.get("TF_CLI_CONFIG_FILE")
    config_text = Path(config).read_text(encoding="utf-8", errors="replace") if config and Path(config).is_file() else ""
    basis = {**facts.init_basis, "binary": [str(terraform.binary.path), terraform.binary.version], "cli": config_text,
             "pins": pins}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


_PLAN_START = ("Terraform used", "Terraform will perform", "Terraform detected", "Note: Objects have changed",
               "Changes to Outputs")


def plan_text(output: str) -> str:
    """The plan as Terraform prints it, without the refresh chatter before and the advice after."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(_PLAN_START)), 0)
    kept = []
    for line in lines[start:]:
        if line.startswith(("─", "Saved the plan", "To perform exactly")):
            break
        kept.append(line)
    return "\n".join(kept).strip()
