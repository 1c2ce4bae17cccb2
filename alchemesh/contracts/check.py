"""`contracts check` and `contracts diff`: every contract added, changed, removed or moved between a
base revision (read from git objects) and the working tree, assessed against its consumers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from alchemesh import gitrepo
from alchemesh.contracts.assess import Subject, assess
from alchemesh.contracts.changes import Mode
from alchemesh.discovery import YAML_SUFFIXES
from alchemesh.errors import UsageError
from alchemesh.findings import Finding, Report, Severity
from alchemesh.graph import MeshGraph, PortRef
from alchemesh.index import MeshIndex, build_index
from alchemesh.load import Entry, load_snapshot
from alchemesh.model.contract import Contract
from alchemesh.validate import Analysis, analyze
from alchemesh.yamlfile import locate, parse

Status = Literal["added", "removed", "changed", "moved"]


@dataclass(frozen=True, slots=True)
class ContractStatus:
    id: str
    status: Status
    old_version: str | None
    new_version: str | None
    file: str
    old_file: str | None
    mode: str
    consumers: tuple[str, ...]


@dataclass(frozen=True)
class ContractReport:
    report: Report
    contracts: tuple[ContractStatus, ...]
    base: str


def check(root: Path, against: str | None) -> ContractReport:
    """Compare every contract at `against` (default: merge-base with the default branch) with the work tree."""
    gitrepo.require_work_tree(root)
    base = gitrepo.resolve(root, against) if against else gitrepo.default_base(root)
    old_repo = load_snapshot(root, gitrepo.files_at(root, base, YAML_SUFFIXES))
    new = analyze(root)
    return _compare_repos(build_index(old_repo), new, base)


def diff_files(old_path: Path, new_path: Path, mode: Mode) -> ContractReport:
    """Compare two contract files, for scripts and CI steps that have both at hand."""
    old = _single_contract(old_path)
    new = _single_contract(new_path)
    node = new.doc.node
    subject = Subject(new.resource.id, str(new_path), lambda path: locate(node, path), mode, ())
    findings, waived = assess(old.resource.raw, new.resource.raw, subject)
    status = ContractStatus(new.resource.id, "changed", old.resource.version, new.resource.version,
                            str(new_path), str(old_path), mode, ())
    return ContractReport(_report(findings, waived, 2), (status,) if findings or waived else (), str(old_path))


def _single_contract(path: Path) -> Entry[Contract]:
    from alchemesh.model.contract import is_contract, read_contract

    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror}") from None
    parsed = parse(str(path), raw)
    if parsed.findings:
        first = parsed.findings[0]
        raise UsageError(f"{path}:{first.line}:{first.column}: {first.message}")
    contracts = [d for d in parsed.documents if is_contract(d.data)]
    if len(contracts) != 1:
        raise UsageError(f"{path}: expected one ODCS data contract, found {len(contracts)}")
    return Entry(read_contract(contracts[0].data), contracts[0])


def _compare_repos(old: MeshIndex, new: Analysis, base: str) -> ContractReport:
    findings: list[Finding] = []
    waived: list[Finding] = []
    statuses: list[ContractStatus] = []
    settings = new.index.mesh.resource.spec if new.index.mesh else None
    default_mode: Mode = settings.compatibility if settings else "consumer"
    mesh_waivers = tuple(settings.contracts.ignore) if settings else ()
    inline = {r.file: tuple((w.line, w.rules, w.reason) for w in r.waivers) for r in new.repo.records}
    changed_ids = set()
    for contract_id in sorted(old.contracts.keys() | new.index.contracts.keys()):
        before, after = old.contracts.get(contract_id), new.index.contracts.get(contract_id)
        if after is None:
            status, found = _removed(contract_id, before, old, new, default_mode)
            findings.extend(found)
        else:
            mode, consumers = _binding(new.graph, contract_id, default_mode)
            subject = Subject(contract_id, after.file, lambda path, doc=after.doc: new.repo.locate(doc, path),
                              mode, consumers, mesh_waivers, inline.get(after.file, ()))
            kept, dropped = assess(before.resource.raw, after.resource.raw, subject) if before else ([], [])
            findings.extend(kept)
            waived.extend(dropped)
            status = _status(contract_id, before, after, mode, consumers, bool(kept or dropped))
        if status is not None:
            statuses.append(status)
            changed_ids.add(contract_id)
    findings.extend(_port_version_findings(new, changed_ids))
    return ContractReport(_report(findings, waived, len(new.repo.records)), tuple(statuses), base)


def _status(contract_id: str, before, after, mode: str, consumers, changed: bool) -> ContractStatus | None:
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


def _removed(contract_id: str, before: Entry[Contract], old: MeshIndex, new: Analysis, mode: Mode):
    """A removed contract is breaking while input ports still read a port that was bound to it."""
    old_refs = {ref for ref, _ in _bound_ports(old, contract_id)}
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
    extra = (("contract", contract_id), ("change", "breaking"), ("consumers", list(consumers)), ("field", ""),
             ("mode", mode))
    finding = Finding("contract-removed", severity, message, first.consumer.file, line, column, first.path,
                      "restore the contract, or move its consumers first", extra)
    return status, [finding]


def _bound_ports(index: MeshIndex, contract_id: str) -> list[tuple[PortRef, Any]]:
    out = []
    for pid, entry in index.products.items():
        for port in entry.resource.spec.outputPorts:
            if port.contract == contract_id:
                domain, name = pid.split("/", 1)
                out.append((PortRef(domain, name, port.name), port))
    return out


def _binding(graph: MeshGraph, contract_id: str, default_mode: Mode) -> tuple[Mode, tuple[str, ...]]:
    """The compatibility mode of the port bound to the contract, and the input ports that read it."""
    bound = _bound_ports(graph.index, contract_id)
    mode = next((port.compatibility for _, port in bound if port.compatibility), default_mode)
    consumers = sorted(f"{e.consumer_id}/{e.input_port}" for ref, _ in bound for e in graph.consumers(ref))
    return mode, tuple(consumers)


def _port_version_findings(new: Analysis, changed_ids: set[str]) -> list[Finding]:
    """`contract-version-mismatch` for ports bound to a changed contract: a major bump must reach the port."""
    files = {
        entry.file
        for entry in new.index.products.values()
        if any(port.contract in changed_ids for port in entry.resource.spec.outputPorts)
    }
    return [f for f in new.report.findings if f.rule == "contract-version-mismatch" and f.file in files]


def _report(findings: list[Finding], waived: list[Finding], files: int) -> Report:
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), files,
                  tuple(sorted(waived, key=lambda f: f.sort_key)))
