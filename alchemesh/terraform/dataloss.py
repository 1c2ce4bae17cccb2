"""What a stack's plan (`terraform show -json`) does to the resources its port components declare (their
`alchemesh_guard` output, as the plan's own configuration holds it): a delete or replace of one that holds a port's
data, a removal of one that grants a reader access, a change to one that makes its tables; and what a run lets
through (`Policy`). The findings about them are `guard`'s."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alchemesh.compile.manifest import port_of_module
from alchemesh.load.modules import GUARD_OUTPUT, names
from alchemesh.terraform.plans import attribute_changes


@dataclass(frozen=True)
class DataLoss:
    """A resource holding a port's data that the plan deletes or replaces."""

    port: str  # domain/product/port
    address: str
    replaced: bool  # replaced (the data goes, a new resource comes); else deleted
    cause: tuple[str, ...] = ()  # the attributes whose change forces the replacement: `triggers.path`


@dataclass(frozen=True)
class Revoked:
    """A reader's grant on a port that the plan removes."""

    port: str
    reader: str  # the grant's key: a consumer product (`marketing/segments`) or the principal it names
    address: str


@dataclass(frozen=True)
class SchemaChange:
    """A resource making a port's tables that the plan changes or makes again: the tables' schema changes, their
    data kept."""

    port: str
    address: str


@dataclass(frozen=True)
class Guarded:
    losses: tuple[DataLoss, ...] = ()
    revoked: tuple[Revoked, ...] = ()
    schema: tuple[SchemaChange, ...] = ()


@dataclass(frozen=True)
class Policy:
    """What a run lets through: the ports named with `--allow-data-loss` (and the reason), and the ports whose
    `protect` lists the environment, whose data no flag lets go."""

    allowed: frozenset[str] = frozenset()
    reason: str | None = None
    protected: frozenset[str] = frozenset()
    destroying: bool = False  # `destroy`: the command is the intent, only protection stops it

    def refused(self, losses: tuple[DataLoss, ...]) -> tuple[DataLoss, ...]:
        return tuple(loss for loss in losses if loss.port in self.protected
                     or not (self.destroying or loss.port in self.allowed))


def read_guard(plan: dict[str, Any], stack_key: str) -> Guarded:
    """The guard's findings in one stack's plan: its port modules' declarations, against its resource changes."""
    calls = ((plan.get("configuration") or {}).get("root_module") or {}).get("module_calls") or {}
    declared: dict[str, dict[str, list[str]]] = {}  # port module → role → patterns
    for name, call in calls.items():
        port = port_of_module(name)
        output = (((call or {}).get("module") or {}).get("outputs") or {}).get(GUARD_OUTPUT) or {}
        value = (output.get("expression") or {}).get("constant_value")
        if port is not None and isinstance(value, dict):
            declared[name] = {role: [p for p in patterns if isinstance(p, str)]
                              for role, patterns in value.items() if isinstance(patterns, list)}
    losses, revoked, schema = [], [], []
    for change in plan.get("resource_changes") or ():
        module = str(change.get("module_address") or "")
        call = module.removeprefix("module.").split(".", 1)[0] if module.startswith("module.") else ""
        detail = change.get("change") or {}
        actions = tuple(detail.get("actions") or ())
        if call not in declared or not set(actions) & {"delete", "update"}:
            continue
        address = str(change.get("address", ""))
        inner = address.removeprefix(f"module.{call}.")
        port = f"{stack_key}/{port_of_module(call)}"
        holds_data = any(names(p, inner) for p in declared[call].get("data", ()))
        makes_schema = any(names(p, inner) for p in declared[call].get("schema", ()))
        if actions == ("update",) and (holds_data or makes_schema) or "create" in actions and makes_schema:
            schema.append(SchemaChange(port, address))  # made again, or changed in place: the data stays
        if "delete" not in actions:
            continue
        if holds_data:
            losses.append(DataLoss(port, address, "create" in actions, _forcing(detail)))
        elif actions == ("delete",) and any(names(p, inner) for p in declared[call].get("grants", ())):
            reader = change.get("index")
            revoked.append(Revoked(port, str(reader) if reader is not None else inner, address))
    return Guarded(tuple(losses), tuple(revoked), tuple(schema))


def _forcing(detail: dict[str, Any]) -> tuple[str, ...]:
    """The attributes that force a replacement, as deep as before and after tell (`triggers.path`, not just
    `triggers`)."""
    changed = [name for name, _, _ in attribute_changes(detail)]
    out: list[str] = []
    for path in detail.get("replace_paths") or ():
        if isinstance(path, list) and path:
            prefix = ".".join(map(str, path))
            out += [n for n in changed if n == prefix or n.startswith(f"{prefix}.")] or [prefix]
    return tuple(dict.fromkeys(out))
