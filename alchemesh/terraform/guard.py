"""The plan guard: what a stack's plan (`terraform show -json`) does to the resources its port components declare
(their `alchemesh_guard` output, as the plan's own configuration holds it) — a delete or replace of one that holds a
port's data, a removal of one that grants a reader access — and whether `apply` may go through."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from alchemesh.compile.manifest import port_of_module
from alchemesh.findings import Finding, GuardImpact, Severity
from alchemesh.load.modules import GUARD_OUTPUT, names
from alchemesh.validate.rules.base import Rule

if TYPE_CHECKING:
    from alchemesh.terraform.outcome import Run
    from alchemesh.validate import Analysis

DATA_DESTROYED = Rule("port-data-destroyed", Severity.ERROR, """A plan deletes or replaces a resource that holds an output port's data.

Why:
    A changed path, a renamed port or a component upgrade can replace the resource that holds a port's data, and
    Terraform's own summary calls it "1 to add, 1 to destroy" among others. The components declare which of their
    resources hold data (their `alchemesh_guard` output); `plan` reads each stack's plan and names the port, its
    contract's readers — direct and downstream — and the attributes that force the replacement. `plan` exits 1;
    `apply` leaves such a stack `guarded` (not applied, its dependents skipped).

Example:
    outputPorts:
      - name: orders
        component: local-duckdb
        config: {state_dir: ../elsewhere}   # a new path: the database is replaced, its rows gone

Fix:
    Undo the change, or let it through with intent: `apply --allow-data-loss sales/orders/orders --reason "…"`
    (the reason is in the run's summary and events). In an environment the port's `protect` lists, no flag lets
    it through: remove the protection in a reviewed change first.
""")

ACCESS_REVOKED = Rule("access-revoked", Severity.INFO, """A plan removes a reader's grant on an output port.

Why:
    Access is compiled from the graph: a consumer that stops reading a port loses its grant on the next apply.
    That is said, naming who loses access; it is an error when the graph still has that consumer reading the
    port (an edge the plan would break).

Example:
    # marketing/segments no longer reads sales/orders/orders: its role's grant goes
    - null_resource.access["marketing/segments"]

Fix:
    Nothing, when the consumer meant to stop reading; otherwise look at why the component drops the grant.
""")

RULES = (DATA_DESTROYED, ACCESS_REVOKED)


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
class Guarded:
    losses: tuple[DataLoss, ...] = ()
    revoked: tuple[Revoked, ...] = ()


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
    losses, revoked = [], []
    for change in plan.get("resource_changes") or ():
        module = str(change.get("module_address") or "")
        call = module.removeprefix("module.").split(".", 1)[0] if module.startswith("module.") else ""
        detail = change.get("change") or {}
        actions = tuple(detail.get("actions") or ())
        if "delete" not in actions or call not in declared:
            continue
        address = str(change.get("address", ""))
        inner = address.removeprefix(f"module.{call}.")
        port = f"{stack_key}/{port_of_module(call)}"
        if any(names(p, inner) for p in declared[call].get("data", ())):
            losses.append(DataLoss(port, address, "create" in actions, _forcing(detail)))
        elif actions == ("delete",) and any(names(p, inner) for p in declared[call].get("grants", ())):
            reader = change.get("index")
            revoked.append(Revoked(port, str(reader) if reader is not None else inner, address))
    return Guarded(tuple(losses), tuple(revoked))


def _forcing(detail: dict[str, Any]) -> tuple[str, ...]:
    """The attributes that force a replacement, as deep as before and after tell (`triggers.path`, not just
    `triggers`)."""
    out: list[str] = []
    for path in detail.get("replace_paths") or ():
        if not isinstance(path, list) or not path:
            continue
        was, now = _at(detail.get("before"), path), _at(detail.get("after"), path)
        prefix = ".".join(map(str, path))
        out += _differing(prefix, was, now, _at(detail.get("after_unknown"), path)) or [prefix]
    return tuple(dict.fromkeys(out))


def _at(value: Any, path: list[Any]) -> Any:
    for step in path:
        if isinstance(value, dict) and isinstance(step, str):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            return None
    return value


def _differing(prefix: str, was: Any, now: Any, unknown: Any) -> list[str]:
    if isinstance(was, dict) and isinstance(now, dict):
        unknown = unknown if isinstance(unknown, dict) else {}
        return [name for key in sorted(set(was) | set(now) | set(unknown))
                for name in _differing(f"{prefix}.{key}", was.get(key), now.get(key), unknown.get(key))]
    return [prefix] if was != now or unknown is True else []


def guard_findings(run: Run, analysis: Analysis) -> tuple[Finding, ...]:
    """The run's guard findings, each at the port's spec line (at its `config` key when the forcing attribute is
    named after one), with the port's readers from the graph being planned: data losses first."""
    graph = analysis.graph
    out: list[Finding] = []
    for outcome in run.outcomes:
        guarded = outcome.guarded
        for loss in guarded.losses:
            direct, downstream = _readers(graph, loss.port)
            refused = loss in outcome.refused
            where = _where(analysis, loss.port, loss.cause)
            what = "replaces" if loss.replaced else "deletes"
            cause = f" ({', '.join(loss.cause)} cannot change in place)" if loss.cause else ""
            readers = (f"; read by {', '.join(direct)}" + (f", and downstream {', '.join(downstream)}"
                                                            if downstream else "")) if direct else "; no consumer reads it"
            allowed = None if refused else outcome.allowed
            message = f"the plan {what} `{loss.address}`{cause}: the data of `{loss.port}` goes{readers}"
            if allowed:
                message += f" (allowed: {allowed})"
            out.append(DATA_DESTROYED.at(message, *where, hint=None if allowed else (
                f"undo the change, or `--allow-data-loss {loss.port} --reason \"…\"`"),
                severity=Severity.ERROR if refused else Severity.WARNING,
                guard=GuardImpact(outcome.key, loss.port, loss.address, loss.replaced, loss.cause, direct, downstream,
                                  None, allowed)))
        for revoked in guarded.revoked:
            direct, downstream = _readers(graph, revoked.port)
            still = revoked.reader in direct
            message = (f"the plan removes `{revoked.reader}`'s access to `{revoked.port}` ({revoked.address})"
                       + ("; it still reads the port" if still else ""))
            out.append(ACCESS_REVOKED.at(message, *_where(analysis, revoked.port, ()),
                                         severity=Severity.ERROR if still else Severity.INFO,
                                         guard=GuardImpact(outcome.key, revoked.port, revoked.address, False, (),
                                                           direct, downstream, revoked.reader, None)))
    return tuple(sorted(out, key=lambda f: (f.rule != DATA_DESTROYED.name, f.sort_key)))


def _readers(graph, port: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The products reading a port, and those downstream of them."""
    from alchemesh.resolve.graph import PortRef

    parts = port.split("/")
    if len(parts) != 3:
        return (), ()
    direct = sorted({edge.consumer_id for edge in graph.consumers(PortRef(*parts))})
    downstream = sorted(set().union(*(graph.downstream(p) for p in direct)) - set(direct)) if direct else []
    return tuple(direct), tuple(downstream)


def _where(analysis: Analysis, port: str, cause: tuple[str, ...]) -> tuple[str, int, int]:
    """The spec line of a port (its `config` key named like the forcing attribute, when there is one); the Mesh
    file for a port no longer in the specs."""
    product, _, name = port.rpartition("/")
    entry = analysis.index.products.get(product)
    ports = entry.resource.spec.outputPorts if entry is not None else []
    index = next((i for i, p in enumerate(ports) if p.name == name), None)
    if entry is None or index is None:
        return (entry.doc.file if entry is not None else "alchemesh.yaml"), 0, 0
    path: tuple[Any, ...] = ("spec", "outputPorts", index, "name")
    keys = {attribute.rsplit(".", 1)[-1] for attribute in cause}
    config = next((k for k in ports[index].config or {} if k in keys), None)
    if config is not None:
        path = ("spec", "outputPorts", index, "config", config)
    line, column = analysis.repo.locate(entry.doc, path, config is not None)
    return entry.doc.file, line, column
