"""Run Terraform over the selected stacks in DAG order, `parallelism` at a time.

Per stack: `init` (skipped when nothing it depends on changed since the last one), `plan -out`,
`show -json` when there are changes, then `apply` of that saved plan for apply and destroy. A stack
starts once the stacks it depends on are done (for destroy: once the stacks depending on it are
gone); when one fails, everything downstream is skipped. Output streams to one log file per stack.

Terraform runs in its own process group, so a Ctrl-C reaches alchemesh alone: it starts nothing
more, passes one interrupt to each running Terraform — which then stops at a safe point and writes
its state — and waits for them.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import IO, Any

from alchemesh.terraform import state
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.outcome import Action, Changes, Outcome, Run, Status
from alchemesh.terraform.selection import Selection, StackRef

PLAN_FILE = "alchemesh.tfplan"
INIT_STAMP = "alchemesh-init.json"
Listener = Callable[[str, str], None]  # (stack key, phase)


class _Interrupted(Exception):
    pass


def run(selection: Selection, action: Action, terraform: Terraform, *, environment: str, logs: Path,
        parallelism: int | None = None, listener: Listener | None = None) -> Run:
    """Preflight (state files) for every stack first, then the runs; an interrupt ends it cleanly."""
    contents = {s.key: json.loads((s.directory / "main.tf.json").read_bytes()) for s in selection.stacks}
    for stack in selection.stacks:
        own = state.own_state(contents[stack.key], stack.directory)
        if own is not None:
            state.check(own, stack.key)
    if action is not Action.destroy:
        for stack in selection.stacks:
            for producer in state.producer_states(contents[stack.key]):
                state.start_empty(producer)
    runner = _Runner(selection, action, terraform, contents, logs, listener or (lambda key, phase: None))
    return runner.run(environment, parallelism or os.cpu_count() or 1)


class _Runner:
    def __init__(self, selection: Selection, action: Action, terraform: Terraform, contents: dict[str, Any],
                 logs: Path, listener: Listener):
        self.selection, self.action, self.terraform, self.contents = selection, action, terraform, contents
        self.logs, self.listener = logs, listener
        self.cancelled = threading.Event()
        self.processes: set[subprocess.Popen] = set()
        self.lock = threading.Lock()
        self.init_lock = threading.Lock()
        self.events: queue.Queue = queue.Queue()

    def run(self, environment: str, parallelism: int) -> Run:
        stacks = {s.key: s for s in self.selection.stacks}
        waits = self._waits(stacks)
        self.outcomes: dict[str, Outcome] = {}
        self.running: set[str] = set()
        for key in stacks:
            self.listener(key, "queued")
        with ThreadPoolExecutor(max_workers=max(1, parallelism)) as pool:
            while len(self.outcomes) < len(stacks):
                try:
                    self._advance(stacks, waits, pool)
                except KeyboardInterrupt:
                    self._cancel()
        ordered = tuple(self.outcomes[s.key] for s in self.selection.stacks)
        return Run(self.action, environment, ordered, self.selection.removed, self.cancelled.is_set())

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
                blocking = [w for w in sorted(waits[key]) if w in outcomes and not outcomes[w].status.ok]
                if blocking:
                    verb = "failed" if outcomes[blocking[0]].status is Status.failed else "did not run"
                    outcomes[key] = Outcome(key, Status.skipped, reason=f"{blocking[0]} {verb}")
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
        if self.action is Action.destroy:
            waits: dict[str, set[str]] = {key: set() for key in stacks}
            for stack in stacks.values():
                for dependency in stack.depends_on:
                    if dependency in waits:
                        waits[dependency].add(stack.key)
            return waits
        return {key: {d for d in s.depends_on if d in stacks} for key, s in stacks.items()}

    def _cancel(self) -> None:
        self.cancelled.set()
        with self.lock:
            for process in self.processes:
                if process.poll() is None:
                    try:
                        os.killpg(process.pid, signal.SIGINT)
                    except (ProcessLookupError, PermissionError):
                        pass

    # --- one stack ----------------------------------------------------------------------------------

    def _job(self, stack: StackRef) -> None:
        try:
            outcome = _StackJob(self, stack).run()
        except BaseException as error:  # never lose a stack's end: the loop waits for it
            outcome = Outcome(stack.key, Status.failed, error=f"{type(error).__name__}: {error}")
        self.events.put((stack.key, outcome.status.value, outcome))

    def phase(self, key: str, phase: str) -> None:
        self.events.put((key, phase, None))


class _StackJob:
    def __init__(self, runner: _Runner, stack: StackRef):
        self.runner, self.stack = runner, stack
        self.log_path = runner.logs / f"{stack.key}.log"
        self.terraform_seconds = 0.0

    def run(self) -> Outcome:
        start = time.perf_counter()
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("w", encoding="utf-8") as log:
            try:
                status, changes, text = self._steps(log)
                error = None
            except _Failed as failure:
                status, changes, text, error = Status.failed, Changes(), "", str(failure)
            except _Interrupted:
                status, changes, text, error = Status.failed, Changes(), "", "interrupted"
        end = time.perf_counter()
        return Outcome(self.stack.key, status, changes, self.log_path, error, text, self.stack.reason,
                       end - start, self.terraform_seconds, start, end)

    def _steps(self, log: IO[str]) -> tuple[Status, Changes, str]:
        action, directory = self.runner.action, self.stack.directory
        self._init(log)
        self.runner.phase(self.stack.key, "planning")
        plan_args = ["plan", "-input=false", "-no-color", "-detailed-exitcode", f"-out={PLAN_FILE}"]
        if action is Action.destroy:
            plan_args.append("-destroy")
        code, output = self._terraform(plan_args, log, ok=(0, 2))
        if code == 0:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.no_changes, Changes(), ""
        _, shown = self._terraform(["show", "-json", PLAN_FILE], None)
        changes = Changes.of_plan(json.loads(shown))
        text = plan_text(output)
        if action is Action.plan:
            return Status.changes, changes, text
        if action is Action.drift:
            (directory / PLAN_FILE).unlink(missing_ok=True)
            return Status.drifted, changes, text
        self.runner.phase(self.stack.key, "applying" if action is Action.apply else "destroying")
        self._terraform(["apply", "-input=false", "-no-color", PLAN_FILE], log)
        (directory / PLAN_FILE).unlink(missing_ok=True)
        return (Status.applied if action is Action.apply else Status.destroyed), changes, text

    def _init(self, log: IO[str]) -> None:
        stamp_path = self.stack.directory / ".terraform" / INIT_STAMP
        stamp = init_fingerprint(self.runner.contents[self.stack.key], self.runner.terraform)
        if stamp_path.is_file() and stamp_path.read_text(encoding="utf-8") == stamp:
            return
        self.runner.phase(self.stack.key, "init")
        if self.runner.terraform.plugin_cache:  # the plugin cache is not safe for concurrent inits
            with self.runner.init_lock:
                self._terraform(["init", "-input=false", "-no-color"], log)
        else:
            self._terraform(["init", "-input=false", "-no-color"], log)
        stamp_path.write_text(stamp, encoding="utf-8")

    def _terraform(self, args: list[str], log: IO[str] | None, ok: tuple[int, ...] = (0,)) -> tuple[int, str]:
        """Run Terraform in the stack's folder; its output streams to the log (when given) and is returned."""
        if self.runner.cancelled.is_set():
            raise _Interrupted
        terraform = self.runner.terraform
        if log is not None:
            log.write(f"$ {terraform.binary.name} {' '.join(args)}\n")
            log.flush()
        start = time.perf_counter()
        process = subprocess.Popen([str(terraform.binary.path), *args], cwd=self.stack.directory, env=terraform.env,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, encoding="utf-8", errors="replace", start_new_session=True)
        with self.runner.lock:
            self.runner.processes.add(process)
        lines = []
        try:
            for line in process.stdout:
                lines.append(line)
                if log is not None:
                    log.write(line)
                    log.flush()
            code = process.wait()
        finally:
            with self.runner.lock:
                self.runner.processes.discard(process)
            self.terraform_seconds += time.perf_counter() - start
        output = "".join(lines)
        if code not in ok:
            if self.runner.cancelled.is_set():
                raise _Interrupted
            raise _Failed(f"{terraform.binary.name} {args[0]} failed: {error_summary(output)}")
        return code, output


class _Failed(Exception):
    pass


def init_fingerprint(content: dict[str, Any], terraform: Terraform) -> str:
    """What `init` depends on: backend, required providers, module sources, the CLI configuration."""
    modules = {name: [m.get("source"), m.get("version")] for name, m in content.get("module", {}).items()}
    config = terraform.env.get("TF_CLI_CONFIG_FILE")
    config_text = Path(config).read_text(encoding="utf-8", errors="replace") if config and Path(config).is_file() else ""
    basis = {"terraform": content.get("terraform"), "providers": sorted(content.get("provider", {})),
             "modules": modules, "binary": [str(terraform.binary.path), terraform.binary.version], "cli": config_text}
    return hashlib.sha256(json.dumps(basis, sort_keys=True).encode()).hexdigest()


def error_summary(output: str, limit: int = 800) -> str:
    """Terraform's first error, box drawing and wrapping undone: its title and, when long, its end,
    where a failed command's own message is."""
    lines = [line.strip().lstrip("│").strip() for line in output.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("Error:")), None)
    if start is None:
        return " ".join([line for line in lines if line][-3:]) or "no output"
    text = " ".join(line for line in lines[start:] if line and not line.startswith(("╵", "╷")))
    if len(text) <= limit:
        return text
    title = lines[start]
    return f"{title} … {text[-(limit - len(title)):].lstrip()}"


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
