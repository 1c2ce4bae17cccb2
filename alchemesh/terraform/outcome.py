"""What a run did, stack by stack: the values the runner returns and every summary reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from alchemesh.terraform.dataloss import DataLoss, Guarded


class Action(str, Enum):
    plan = "plan"
    apply = "apply"
    destroy = "destroy"
    drift = "drift"
    test = "test"


class Status(str, Enum):
    no_changes = "no-changes"
    changes = "changes"  # planned, not applied
    drifted = "drifted"
    applied = "applied"
    destroyed = "destroyed"
    failed = "failed"
    interrupted = "interrupted"  # stopped mid-run by Ctrl-C or SIGTERM: Terraform wrote its state and stopped
    skipped = "skipped"  # a stack it depends on failed
    cancelled = "cancelled"  # interrupted before it started
    tested = "tested"  # its ports' data keeps their contracts
    test_failed = "test-failed"  # a port's data breaks its contract, or cannot be read
    deferred = "deferred"  # not planned: unchanged itself, it reads a producer that has yet to apply
    guarded = "guarded"  # not applied: its plan destroys a port's data, and the run did not allow it

    @property
    def ok(self) -> bool:
        return self not in (Status.failed, Status.interrupted, Status.skipped, Status.cancelled, Status.test_failed,
                            Status.guarded)


@dataclass(frozen=True)
class Changes:
    add: int = 0
    change: int = 0
    destroy: int = 0
    replace: int = 0
    resources: tuple[tuple[str, str], ...] = ()  # (+ ~ - ±, resource address), in plan order

    @property
    def total(self) -> int:
        return self.add + self.change + self.destroy + self.replace

    @property
    def destructive(self) -> int:
        return self.destroy + self.replace

    @classmethod
    def of_plan(cls, plan: dict[str, Any]) -> Changes:
        """Counted from `terraform show -json`'s resource_changes."""
        counts = {"add": 0, "change": 0, "destroy": 0, "replace": 0}
        resources = []
        for change in plan.get("resource_changes") or ():
            actions = change.get("change", {}).get("actions", [])
            kind = ("replace" if "delete" in actions and "create" in actions else
                    {("create",): "add", ("update",): "change", ("delete",): "destroy"}.get(tuple(actions)))
            if kind is not None:
                counts[kind] += 1
                resources.append((_SYMBOL[kind], str(change.get("address", "?"))))
        return cls(**counts, resources=tuple(resources))


@dataclass(frozen=True)
class Outcome:
    key: str
    status: Status
    changes: Changes = Changes()
    log: Path | None = None
    error: str | None = None
    plan_text: str = ""  # Terraform's own account of the changes, for the PR comment
    reason: str = ""  # why the stack was selected, or why it was skipped
    seconds: float = 0.0  # wall time of the stack
    terraform_seconds: float = 0.0  # of which spent inside Terraform
    started: float = 0.0  # time.perf_counter() at start and end: the order stacks really ran in
    ended: float = 0.0
    tests: tuple[Any, ...] = ()  # PortResult of each port tested (`test`, `apply --test`)
    cause: str = ""  # a failure in one line: what failed, paths from the mesh root
    ports: tuple[tuple[str, str], ...] = ()  # (port, its `location` output) of an applied or tested stack
    guarded: Guarded = Guarded()  # what its plan does to the ports' data and grants
    refused: tuple[DataLoss, ...] = ()  # the data losses the run does not let through
    allowed: str | None = None  # why the others were let through (`--allow-data-loss … --reason`)


_SYMBOL = {"add": "+", "change": "~", "destroy": "-", "replace": "±"}


@dataclass(frozen=True)
class Run:
    action: Action
    environment: str
    outcomes: tuple[Outcome, ...]
    removed: tuple[str, ...] = ()  # stacks the base revision had that are no longer compiled
    interrupted: bool = False
    terraform: tuple[str, str] = ("", "")  # the binary that ran: name and version
    lock_file: Path | None = None  # the environment's provider lock file, when this run changed it: to commit

    @property
    def failed(self) -> bool:
        return self.interrupted or any(not o.status.ok for o in self.outcomes)

    @property
    def data_lost(self) -> bool:
        """A plan destroys a port's data that the run does not let through."""
        return any(o.refused for o in self.outcomes)

    @property
    def drifted(self) -> bool:
        return any(o.status is Status.drifted for o in self.outcomes)
