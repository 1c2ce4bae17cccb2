"""One stack's life cycle: `init` (skipped when nothing it depends on changed since the last one), `plan -out`,
`show -json` when there are changes, then `apply` of that saved plan for apply and destroy; the states a stack never
applied starts empty; its `output_ports` read back. Output streams to one log file per stack.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import tempfile
import time
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alchemesh.compile.manifest import StackFacts
from alchemesh.compile.output import PLAN_FILE
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.dataloss import DataLoss, Guarded, read_guard
from alchemesh.terraform.locks import STACK_LOCK
from alchemesh.terraform.plans import plan_text
from alchemesh.terraform.outcome import Action, Changes, Outcome, Status
from alchemesh.terraform.results import (MISSING_STATE, SETUP_RACES, STALE, Failed, Interrupted, error_summary,
                                         Follower, failure_cause, lock_file_hint, lock_summary, read_said)
from alchemesh.terraform.selection import StackRef
from alchemesh.terraform.state import _STATE_STARTED, StateSteps

if TYPE_CHECKING:
    from alchemesh.terraform.context import RunContext

INIT_STAMP = "alchemesh-init.json"
_REPLANS = 3
_INIT_TRIES = 3


class StackJob(StateSteps):
    def __init__(self, runner: RunContext, stack: StackRef):
        self.runner, self.stack = runner, stack
        self.log_path = runner.logs / f"{stack.key}.log"
        self.terraform_seconds = 0.0
        self.applying = False  # past the plan: a failure may leave part of the changes made
        self.replanned = False  # the saved plan went stale before it was applied
        self.started_states: tuple[str, ...] = ()  # empty states this stack's run pushed
        self.tests: tuple = ()
        self.ports: tuple[tuple[str, str], ...] = ()  # (port, location) once applied: where consumers read it
        self.guarded = Guarded()  # what its plan does to its ports' data and grants
        self.refused: tuple[DataLoss, ...] = ()  # the data losses of its plan the run does not let through

    def run(self) -> Outcome:
        start = time.perf_counter()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self.log_path.write_bytes(b"")
        self.log_path.with_suffix(".jsonl").unlink(missing_ok=True)
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
            except Failed as failure:
                status, changes, text, error = Status.failed, Changes(), "", str(failure)
                told = failure.said or failure.output
                cause = failure_cause(told, self.stack.directory, self.runner.root) if told else ""
                if self.applying:
                    error += self._state_now(log)
            except Interrupted:
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
        refused = self.refused
        allowed = self.runner.guard.reason if len(refused) < len(self.guarded.losses) else None
        if status is Status.guarded:
            reason = "; ".join(filter(None, [reason, "not applied: it destroys the data of "
                                             + ", ".join(sorted({loss.port for loss in refused}))]))
        return Outcome(self.stack.key, status, changes, self.log_path, error, text, reason,
                       end - start, self.terraform_seconds, start, end, self.tests, cause, self.ports, self.guarded,
                       refused, allowed)

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
            except Failed as failure:
                if MISSING_STATE in failure.output and not looked_again:
                    looked_again = True
                    self._forget_producer_states()
                    self.started_states += self._start_producer_states(log)
                    continue
                if not any(stale in failure.output for stale in STALE) or attempt == _REPLANS:
                    raise
                # another run changed the state between this one's plan and apply
                self.applying, self.replanned = False, True
        raise AssertionError("unreachable")

    def _plan_and_apply(self, log: IO[str]) -> tuple[Status, Changes, str]:
        action, directory = self.runner.action, self.stack.directory
        destroying = action is Action.destroy or self.stack.removed
        self.runner.phase(self.stack.key, "planning")
        lock = [f"-lock-timeout={self.runner.terraform.lock_timeout}"]
        plan_args = ["plan", "-json", "-input=false", "-detailed-exitcode", *lock, f"-out={PLAN_FILE}"]
        if destroying:
            plan_args.append("-destroy")
        code, _ = self._terraform(plan_args, log, ok=(0, 2), machine=True)
        if code == 0:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.no_changes, Changes(), ""
        _, shown = self._terraform(["show", "-json", PLAN_FILE], None)
        plan = json.loads(shown)
        changes, text = Changes.of_plan(plan), plan_text(plan)
        log.write(f"{text}\n")
        if action is Action.drift:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.drifted, changes, text
        self.guarded = read_guard(plan, self.stack.key)
        # a product removed from the specs goes by a reviewed change that no consumer reads it any more
        self.refused = () if self.stack.removed else self.runner.guard.refused(self.guarded.losses)
        if destroying:  # the data goes by intent (`destroy`, a product removed): only protection is said
            self.guarded = Guarded(self.refused)
        if action is Action.plan:
            return Status.changes, changes, text
        if self.refused:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.guarded, changes, text  # not applied: the run did not let the data go
        if self.runner.preview:
            return Status.changes, changes, text
        self.runner.phase(self.stack.key, "destroying" if destroying else "applying")
        self.applying = True
        self._terraform(["apply", "-json", "-input=false", *lock, PLAN_FILE], log, machine=True)
        self.applying = False
        (directory / PLAN_FILE).unlink(missing_ok=True)
        if not changes.total:  # outputs only (a stack never applied): no resource was made or destroyed
            return Status.no_changes, changes, text
        return (Status.destroyed if destroying else Status.applied), changes, text

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
            except Failed as failure:  # a backend set up by two inits at once (pg's shared sequence): again
                if attempt == _INIT_TRIES - 1 or not any(race in failure.output for race in SETUP_RACES):
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
                   cwd: Path | None = None, machine: bool = False) -> tuple[int, str]:
        """Run Terraform in the stack's folder (or `cwd`); returns the exit code and its output. Its output goes to
        the stack's log when given, else to a file of its own. A `machine` run (`-json`) writes its stream to the
        stack's `.jsonl` beside the log, which gets the stream's messages for a person once it ends."""
        if self.runner.cancelled.is_set():
            raise Interrupted
        terraform = self.runner.terraform
        start = time.perf_counter()
        sink: IO[Any]
        written = self.log_path.with_suffix(".jsonl") if machine and log is not None else self.log_path
        with contextlib.ExitStack() as files:
            if log is not None:
                log.write(f"$ {terraform.binary.name} {' '.join(args)}\n")
                log.flush()
                sink = files.enter_context(written.open("a", encoding="utf-8")) if machine else log
                offset = written.stat().st_size if written.exists() else 0
            else:
                sink, offset = files.enter_context(tempfile.TemporaryFile("w+b")), 0
            process = self.runner.spawn([str(terraform.binary.path), *args], cwd or self.stack.directory, sink)
            follower = Follower(written, offset, log) if machine and log is not None else None
            try:
                code = process.wait()
            finally:
                self.runner.ended(process)
                if follower is not None:
                    follower.finish()
                self.terraform_seconds += time.perf_counter() - start
            output = _read_from(sink, written if log is not None else None, offset)
        said = read_said(output) if machine else None
        if said is not None:
            output = said.text() or "\n".join(said.lines)
        if code not in ok:
            if self.runner.cancelled.is_set():
                raise Interrupted
            locked = lock_summary(output)
            message = locked or f"{terraform.binary.name} {args[0]} failed: {error_summary(output)}"
            if "Backend configuration changed" in output or "Backend initialization required" in output:
                message += ("; the backend changed since this stack was initialised: rerun with --migrate-state to "
                            "copy its state to the new backend, or --reconfigure to start there")
            if self.runner.lock_file is not None:
                message += lock_file_hint(output, self.runner.lock_file.shown)
            raise Failed(message, output, said)
        return code, output


def _read_from(sink, log_path: Path | None, offset: int) -> str:
    if log_path is not None:
        with log_path.open("rb") as handle:
            handle.seek(offset)
            raw = handle.read()
    else:
        sink.seek(0)
        raw = sink.read()
    return raw.decode("utf-8", "replace")


def init_fingerprint(facts: StackFacts, terraform: Terraform, pins: str = "") -> str:
    """What `init` depends on: backend, required providers, module sources, the binary, the CLI configuration,
    the lock file's pins of the stack's providers."""
    config = terraform.env.get("TF_CLI_CONFIG_FILE")
    config_text = Path(config).read_text(encoding="utf-8", errors="replace") if config and Path(config).is_file() else ""
    basis = {**facts.init_basis, "binary": [str(terraform.binary.path), terraform.binary.version], "cli": config_text,
             "pins": pins}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()
