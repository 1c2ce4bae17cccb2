"""The plan guard's findings: `port-data-destroyed` and `access-revoked`, from what each stack's plan does to its ports'
data and grants (`dataloss`), with the port's readers from the graph being planned."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from alchemesh.findings import Finding, GuardImpact, Severity
from alchemesh.validate.rules.base import Rule

if TYPE_CHECKING:
    from alchemesh.resolve.graph import MeshGraph
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

RULES = (DATA_DESTROYED, ACCESS_REVOKED)


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
            agreed = _agreement_ended(analysis, revoked)
            still = revoked.reader in direct and agreed is None
            message = (f"the plan removes `{revoked.reader}`'s access to `{revoked.port}` ({revoked.address})"
                       + ("; it still reads the port" if still else f": {agreed}" if agreed else ""))
            out.append(ACCESS_REVOKED.at(message, *_where(analysis, revoked.port, ()),
                                         severity=Severity.ERROR if still else Severity.INFO,
                                         guard=GuardImpact(outcome.key, revoked.port, revoked.address, False, (),
                                                           direct, downstream, revoked.reader, None)))
    return tuple(sorted(out, key=lambda f: (f.rule != DATA_DESTROYED.name, f.sort_key)))


def _agreement_ended(analysis: Analysis, revoked: Revoked) -> str | None:
    """Why the agreements take a reader's access away, when they do: "agreement `x` ended on 2027-06-30"."""
    from alchemesh.clock import today
    from alchemesh.resolve.access import standings

    for standing in standings(analysis.index, analysis.graph, today()):
        if str(standing.edge.ref) == revoked.port and standing.edge.consumer_id == revoked.reader \
                and standing.granted is None:
            ended = standing.ended
            return (f"agreement `{ended.resource.name}` ended on {ended.resource.spec.end}" if ended is not None
                    else f"no agreement lets it read: {standing.why}")
    return None


def _readers(graph: MeshGraph, port: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
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
