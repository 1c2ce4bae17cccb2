"""`contracts check`: every contract added, changed, removed or moved between a
base revision (read from git objects) and the working tree, assessed against its consumers."""

from __future__ import annotations

import functools
from dataclasses import replace
from typing import Any

from alchemesh import gitrepo
from alchemesh.contracts.assess import Readers, Subject, assess
from alchemesh.contracts.changes import Kind, Mode
from alchemesh.contracts.result import ContractReport, ContractStatus, report_of
from alchemesh.findings import ContractImpact, Finding, Severity
from alchemesh.resolve.graph import MeshGraph, PortRef
from alchemesh.resolve.index import MeshIndex, build_index
from alchemesh.load.repo import Entry, load_revision, paused_gc
from alchemesh.model.contract import Contract
from alchemesh.validate import Analysis
from alchemesh.validate.rules import contract_version_mismatch, duplicate_name, yaml_syntax

def check(new: Analysis, against: str | None) -> ContractReport:
    """Compare every contract at `against` (default: merge-base with the default branch) with the work tree."""
    root = new.repo.root
    gitrepo.require_work_tree(root)
    base = gitrepo.resolve(root, against) if against else gitrepo.default_base(root)
    with paused_gc():
        old_repo = load_revision(root, base, new.repo)
        report = _compare_repos(build_index(old_repo), new, base)
    if against is None and base == gitrepo.resolve(root, "HEAD"):
        note = ("the base is HEAD itself (the merge-base with the default branch: you are on it), so only "
                "uncommitted changes are compared; to check commits, pass --against REF (e.g. --against HEAD~1)")
        report = replace(report, note=note)
    return report


def _compare_repos(old: MeshIndex, new: Analysis, base: str) -> ContractReport:
    findings: list[Finding] = []
    waived: list[Finding] = []
    statuses: list[ContractStatus] = []
    settings = new.index.mesh.resource.spec if new.index.mesh else None
    default_mode: Mode = settings.compatibility if settings else "consumer"
    mesh_waivers = tuple(settings.contracts.ignore) if settings else ()
    inline = {r.file: tuple((w.line, w.rules, w.reason) for w in r.waivers) for r in new.repo.records}
    bindings, old_bindings = _bindings(new.index), _bindings(old)
    unreadable = _unreadable(new)

    def compare(contract_id: str, before: Entry[Contract] | None, after: Entry[Contract] | None
                ) -> ContractStatus | None:
        """One copy of a contract against its old version: its findings collected, its status returned."""
        if after is None:
            assert before is not None, "a contract compared with nothing"
            if before.file in unreadable:
                findings.extend(unreadable[before.file])  # not removed: its file cannot be read now
                return None
            status, found = _removed(contract_id, before, old_bindings.get(contract_id, []), new, default_mode)
            findings.extend(found)
            return status
        mode, consumers = _binding(new.graph, bindings.get(contract_id, []), default_mode)
        readers = Readers(tuple(u for ref, _ in bindings.get(contract_id, []) for u in new.usage.of(ref)))
        subject = Subject(contract_id, after.file, functools.partial(new.repo.locate, after.doc),
                          mode, consumers, mesh_waivers, inline.get(after.file, ()),
                          functools.partial(old.repo.locate, before.doc) if before else None, readers)
        kept, dropped = assess(before.resource.raw, after.resource.raw, subject) if before else ([], [])
        findings.extend(kept)
        waived.extend(dropped)
        changed = before is not None and before.resource.raw != after.resource.raw
        return _status(contract_id, before, after, mode, consumers, changed)

    changed_ids = set()
    copies, old_copies = _copies(new.index), _copies(old)
    for contract_id in sorted(old.contracts.keys() | new.index.contracts.keys()):
        if len(copies.get(contract_id, ())) > 1:  # which one is the contract is the user's to say
            findings.extend(f for f in new.report.findings if f.rule == duplicate_name.RULE.name
                            and f.file in {c.file for c in copies[contract_id]} and f"`{contract_id}`" in f.message)
        for before, after in _pairs(old_copies.get(contract_id, []), copies.get(contract_id, [])):
            status = compare(contract_id, before, after)
            if status is not None:
                statuses.append(status)
                changed_ids.add(contract_id)
    findings.extend(_port_version_findings(new, changed_ids))
    return ContractReport(report_of(findings, waived, len(new.repo.records)), tuple(statuses), base)


def _copies(index: MeshIndex) -> dict[str, list[Entry[Contract]]]:
    """Contract id → every entry that declares it: one, unless two files claim the same id."""
    out = {cid: [entry] for cid, entry in index.contracts.items()}
    for duplicate in index.duplicates:
        if duplicate.kind == "DataContract":
            out[duplicate.key].append(duplicate.again)
    return out


def _pairs(befores: list[Any], afters: list[Any]) -> list[tuple[Any, ...]]:
    """(old, new) entries to compare: each new copy against the old one in the same file, else the first."""
    if not afters:
        return [(befores[0], None)] if befores else []
    by_file = {b.file: b for b in befores}
    return [(by_file.get(a.file, befores[0] if befores else None), a) for a in afters]


def _unreadable(new: Analysis) -> dict[str, list[Finding]]:
    """Files of the work tree that could not be parsed, with the findings that say why."""
    return {
        record.file: [f for f in record.findings if f.rule == yaml_syntax.RULE.name]
        for record in new.repo.records
        if not record.documents and any(f.rule == yaml_syntax.RULE.name for f in record.findings)
    }


def _status(contract_id: str, before: Any, after: Any, mode: str, consumers: tuple[str, ...], changed: bool) -> ContractStatus | None:
    new_version = after.resource.version
    if before is None:
        return ContractStatus(contract_id, "added", None, new_version, after.file, None, mode, consumers)
    if changed:
        return ContractStatus(contract_id, "changed", before.resource.version, new_version, after.file,
                              before.file, mode, consumers)
    if before.file != after.file:
        return ContractStatus(contract_id, "moved", before.resource.version, new_version, after.file,
                              before.file, mode, consumers)
    return None


def _removed(contract_id: str, before: Entry[Contract], old_bound: list[Any], new: Analysis, mode: Mode
             ) -> tuple[ContractStatus, list[Finding]]:
    """A removed contract is breaking while input ports still read a port that was bound to it."""
    old_refs = {ref for ref, _ in old_bound}
    edges = [e for e in new.graph.edges if e.ref in old_refs]
    consumers = tuple(sorted(f"{e.consumer_id}/{e.input_port}" for e in edges))
    status = ContractStatus(contract_id, "removed", before.resource.version, None, before.file, before.file, mode,
                            consumers)
    if not edges:
        return status, []
    first = min(edges, key=lambda e: (e.consumer.file, e.input_index))
    line, column = new.repo.locate(first.consumer.doc, first.path)
    severity = Severity.INFO if mode == "none" else Severity.ERROR
    message = (f"contract `{contract_id}` (was {before.file}) was removed but {len(consumers)} input port(s) "
               f"still read its port: {', '.join(consumers)}")
    impact = ContractImpact(contract_id, "breaking", consumers, "", mode)
    finding = Finding(Kind.CONTRACT_REMOVED, severity, message, first.consumer.file, line, column, first.path,
                      "restore the contract, or move its consumers first", impact)
    return status, [finding]


def _bindings(index: MeshIndex) -> dict[str, list[tuple[PortRef, Any]]]:
    """Contract id → the output ports bound to it."""
    out: dict[str, list[tuple[PortRef, Any]]] = {}
    for pid, entry in index.products.items():
        domain, name = pid.split("/", 1)
        for port in entry.resource.spec.outputPorts:
            if port.contract:
                out.setdefault(port.contract, []).append((PortRef(domain, name, port.name), port))
    return out


def _binding(graph: MeshGraph, bound: list[Any], default_mode: Mode) -> tuple[Mode, tuple[str, ...]]:
    """The compatibility mode of the port bound to the contract, and the input ports that read it."""
    mode = next((port.compatibility for _, port in bound if port.compatibility), default_mode)
    consumers = sorted(f"{e.consumer_id}/{e.input_port}" for ref, _ in bound for e in graph.consumers(ref))
    return mode, tuple(consumers)


def _port_version_findings(new: Analysis, changed_ids: set[str]) -> list[Finding]:
    """The contract-version-mismatch findings of ports bound to a changed contract: a major bump must reach the port."""
    files = {
        entry.file
        for entry in new.index.products.values()
        if any(port.contract in changed_ids for port in entry.resource.spec.outputPorts)
    }
    return [f for f in new.report.findings if f.rule == contract_version_mismatch.RULE.name and f.file in files]
