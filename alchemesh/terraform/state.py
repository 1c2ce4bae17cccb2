"""Local state, checked before Terraform touches it.

A state file that is not a Terraform state is refused, with nothing run: Terraform would fail on it
half-way through a run, or worse, a user would "fix" it by deleting it and lose track of what exists.
A producer never applied gets an empty state, because Terraform 1.0's `terraform_remote_state`
applies its `defaults` to an empty state but fails on a missing one.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from alchemesh.workspace import write_atomic
from alchemesh.errors import AlchemeshError


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

