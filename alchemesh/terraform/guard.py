"""The plan guard's findings: `port-data-destroyed` and `access-revoked`, from what each stack's plan does to its ports'
data and grants (`dataloss`), with the port's readers from the graph being planned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alchemesh.findings import Finding, GuardImpact, Severity
from alchemesh.resolve.graph import MeshGraph, PortRef
from alchemesh.validate.rules.base import Rule

if TYPE_CHECKING:
    from alchemesh.terraform.dataloss import Revoked
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

SCHEMA_CHANGED = Rule("port-schema-changed", Severity.WARNING, """A plan changes a port's tables while its contract says nothing changed.

Why:
    A port's tables follow its contract: the component migrates them when the contract changes. A plan that changes
    them (a resource the component declares under `schema` in its `alchemesh_guard` output, or a data-holding one
    changed in place) while the contract is the same as at the base revision (`--changed-since`, else HEAD) is a
    component change or drift that no contract check saw: its consumers were told nothing. When the contract did
    change, the plan's migration is said as a notice with the contract's changes, breaking ones counted.

Example:
    # components/local/output-port-duckdb changed how it makes the tables; no contract changed
    ~ module.output_orders.null_resource.tables

Fix:
    Make the change a contract change (a new version, checked by `contracts check`), or undo the component change.
""")

RULES = (DATA_DESTROYED, ACCESS_REVOKED, SCHEMA_CHANGED)


def guard_findings(run: Run, analysis: Analysis, base: str | None = None) -> tuple[Finding, ...]:
    """The run's guard findings, each at the port's spec line (at its `config` key when the forcing attribute is
    named after one), with the port's readers from the graph being planned: data losses first. `base`: the revision
    a port's table changes are held to its contract's changes since (default HEAD)."""
    graph = analysis.graph
    out: list[Finding] = _schema_findings(run, analysis, base)
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
            agreed = _agreement_ended(analysis, revoked)
            still = revoked.reader in direct and agreed is None
            message = (f"the plan removes `{revoked.reader}`'s access to `{revoked.port}` ({revoked.address})"
                       + ("; it still reads the port" if still else f": {agreed}" if agreed else ""))
            out.append(ACCESS_REVOKED.at(message, *_where(analysis, revoked.port, ()),
                                         severity=Severity.ERROR if still else Severity.INFO,
                                         guard=GuardImpact(outcome.key, revoked.port, revoked.address, False, (),
                                                           direct, downstream, revoked.reader, None)))
    return tuple(sorted(out, key=lambda f: (f.rule != DATA_DESTROYED.name, f.sort_key)))


def _schema_findings(run: Run, analysis: Analysis, base: str | None) -> list[Finding]:
    """Each port whose tables the plan changes (its data kept), held to its contract's changes since `base`."""
    changes: dict[str, tuple[str, str]] = {}  # port → (stack, the first resource making its tables that changes)
    for outcome in run.outcomes:
        lost = {loss.port for loss in outcome.guarded.losses}
        for change in outcome.guarded.schema:
            if change.port not in lost:  # a port whose data goes says so already
                changes.setdefault(change.port, (outcome.key, change.address))
    if not changes:
        return []
    from alchemesh.contracts.check import check
    from alchemesh.errors import AlchemeshError

    try:
        report = check(analysis, base or "HEAD")
    except AlchemeshError:
        return []  # not in git (or no such revision): nothing to hold the change to
    shown = report.base[:10]
    out = []
    for port, (stack, address) in sorted(changes.items()):
        spec = analysis.graph.output_port(PortRef(*port.split("/")))
        contract = spec.contract if spec is not None else None
        status = next((c for c in report.contracts if c.id == contract), None)
        direct, downstream = _readers(analysis.graph, port)
        impact = GuardImpact(stack, port, address, False, (), direct, downstream)
        where = _where(analysis, port, ())
        if status is None:
            message = (f"the plan changes the tables of `{port}` ({address}), but its contract "
                       + (f"`{contract}` is as at {shown}" if contract else "is none")
                       + ": a component change or drift no contract check saw")
            out.append(SCHEMA_CHANGED.at(message, *where, hint="make it a contract change, or undo the component "
                                         "change", guard=impact))
            continue
        kinds = [f.contract.change for f in report.report.findings
                 if f.contract is not None and f.contract.contract == contract]
        counted = ", ".join(f"{kinds.count(k)} {k}" for k in ("breaking", "compatible") if kinds.count(k)) \
            or "no compatibility change"
        message = (f"the plan migrates the tables of `{port}` ({address}) for its contract's changes since {shown} "
                   f"({status.old_version or 'new'} → {status.new_version or 'removed'}: {counted})")
        out.append(SCHEMA_CHANGED.at(message, *where, severity=Severity.INFO, guard=impact))
    return out


def _agreement_ended(analysis: Analysis, revoked: Revoked) -> str | None:
    """Why the agreements take a reader's access away, when they do: "agreement `x` ended on 2027-06-30"."""
    from alchemesh.clock import today
    from alchemesh.resolve.access import needs_agreement, standing_of

    ref = PortRef(*revoked.port.split("/"))
    port = analysis.graph.output_port(ref)
    if port is None or not needs_agreement(port):
        return None
    for edge in analysis.graph.consumers(ref):
        standing = standing_of(analysis.index, edge, port, today())
        if edge.consumer_id == revoked.reader and standing.granted is None:
            ended = standing.ended
            return (f"agreement `{ended.resource.name}` ended on {ended.resource.spec.end}" if ended is not None
                    else f"no agreement lets it read: {standing.why}")
    return None


def _readers(graph: MeshGraph, port: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The products reading a port, and those downstream of them."""
    direct = sorted({edge.consumer_id for edge in graph.consumers(PortRef(*port.split("/")))})
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
