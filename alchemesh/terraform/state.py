"""A stack's states: a local one checked before Terraform touches it; remote ones started empty where a stack or
its producers never applied; the outputs and resources one holds, read back.

A state file that is not a Terraform state is refused, with nothing run: Terraform would fail on it
half-way through a run, or worse, a user would "fix" it by deleting it and lose track of what exists.
A producer never applied gets an empty state, because Terraform 1.0's `terraform_remote_state`
applies its `defaults` to an empty state but fails on a missing one.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from alchemesh.compile.manifest import producer_of
from alchemesh.terraform.results import Failed, Interrupted, stored

from alchemesh.workspace import write_atomic
from alchemesh.errors import AlchemeshError


if TYPE_CHECKING:
    from alchemesh.terraform.context import RunContext
    from alchemesh.terraform.selection import StackRef

_STATE_STARTED = "alchemesh-state-started"  # in .terraform/: the stack's remote state exists
_EMPTY_STATE = "alchemesh-empty.tfstate"
STARTED_OUTPUT = "alchemesh_state_started"


class StateError(AlchemeshError):
    """A stack's state cannot be used."""


def check(path: Path, stack: str) -> None:
    if not path.is_file():
        return
    raw = path.read_bytes()
    if not raw.strip():
        return  # Terraform reads an empty file as no state
    try:
        state = json.loads(raw)
        problem = None if isinstance(state, dict) and isinstance(state.get("version"), int) else "no state version"
    except ValueError as error:
        problem = f"not JSON ({error})"
    if problem:
        backup = path.with_name(path.name + ".backup")
        restore = f"restore {backup.name}" if backup.is_file() else "restore it from a backup"
        raise StateError(f"the state of {stack} ({path}) is not a Terraform state: {problem}; {restore} "
                         "— nothing was run")


def start_empty(path: Path) -> bool:
    """Write an empty state where none exists; True when one was written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"version": 4, "terraform_version": "1.0.0", "serial": 0, "lineage": str(uuid.uuid4()),
             "outputs": {}, "resources": []}
    write_atomic(path, json.dumps(state, indent=2).encode() + b"\n")
    return True


class StateSteps:
    """What a stack's run does with states (`stack.StackJob` is one): its own and its producers' started empty on a
    remote backend, what it holds after a failure, its `output_ports` read back."""

    runner: RunContext
    stack: StackRef

    def _terraform(self, args: list[str], log: IO[str] | None, ok: tuple[int, ...] = (0,),
                   cwd: Path | None = None) -> tuple[int, str]:
        raise NotImplementedError

    def _init(self, log: IO[str]) -> None:
        raise NotImplementedError

    def _port_outputs(self, log: IO[str]) -> dict[str, Any]:
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
        except (Failed, Interrupted):
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

    def _producer_folder(self, backend: str, config: dict[str, Any]) -> Path:
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
        if stored(pulled):
            return False
        version = self.runner.terraform.binary.version
        # One output makes the state not empty: `state push` checks lineages only over a state that is not, so a
        # second run starting the same state at the same moment is refused instead of replacing the first's
        # lineage (Terraform would then refuse every plan the first made on it). The first apply removes it.
        empty = {"version": 4, "terraform_version": version, "serial": 1, "lineage": str(uuid.uuid4()),
                 "outputs": {STARTED_OUTPUT: {"value": True, "type": "bool"}}, "resources": []}
        path = folder / _EMPTY_STATE
        path.write_text(json.dumps(empty))
        try:
            self._terraform(["state", "push", f"-lock-timeout={self.runner.terraform.lock_timeout}", _EMPTY_STATE],
                            log, cwd=folder)
        except Failed:  # refused over a state of another lineage: another run was first
            _, pulled = self._terraform(["state", "pull"], None, cwd=folder)
            if not stored(pulled):
                raise
            return False
        finally:
            path.unlink(missing_ok=True)
        return True
