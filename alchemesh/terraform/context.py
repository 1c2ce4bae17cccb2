"""What one stack's run reads of the run it belongs to (`scheduler.Scheduler` is one): a protocol, so that the
life cycle of a stack and its states need not know the scheduler."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from alchemesh.compile.manifest import StackFacts
from alchemesh.terraform.environment import Terraform
from alchemesh.terraform.dataloss import Policy
from alchemesh.terraform.locks import LockFile
from alchemesh.terraform.outcome import Action

Listener = Callable[[str, str], None]  # (stack key, phase)
# Tests a stack's ports, given its key, its folder and its `output_ports` output: `test`, `apply --test`.
Tester = Callable[[str, Path, dict[str, Any]], tuple[Any, ...]]


class RunContext(Protocol):
    action: Action
    terraform: Terraform
    facts: dict[str, StackFacts]
    lock_file: LockFile | None
    tester: Tester | None
    preview: bool
    guard: Policy  # which ports' data the run lets go
    defer: bool
    root: Path | None  # the mesh: a failure's cause says its paths from there
    logs: Path
    bootstrap: Path  # root configurations that start empty states on remote backends, or lock providers
    bootstrap_lock: threading.Lock
    init_lock: threading.Lock
    cancelled: threading.Event

    def spawn(self, argv: list[str], cwd: Path, sink: IO[Any]) -> subprocess.Popen[Any]: ...

    def ended(self, process: subprocess.Popen[Any]) -> None: ...

    def phase(self, key: str, phase: str) -> None: ...
