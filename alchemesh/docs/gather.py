"""What the catalog shows besides the specs, gathered once per build: the contracts' versions and the products'
statuses through git (the commits walked once, their files parsed by the loader), the last data test and the
location of each port per environment."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alchemesh.docs.views import Health, PortLocation, Recent, VersionView
    from alchemesh.docs.feed import StatusChange
    from alchemesh.gitrepo import Commit
    from alchemesh.validate import Analysis

RECENT = 10


def contract_history(root: Path, analysis: Analysis,
                     commits: list[tuple[Commit, list[str]]]) -> dict[str, tuple[VersionView, ...]]:
    """Each contract's versions through git, newest first."""
    from alchemesh.contracts.history import changelogs
    from alchemesh.docs.views import Change, VersionView

    return {
        cid: tuple(VersionView(v.version, v.commit.sha[:10] if v.commit else None, v.commit.date if v.commit else None,
                               v.commit.author if v.commit else None, v.commit.subject if v.commit else None,
                               v.breaking, tuple(Change(c.rule, c.impact, c.field, c.message) for c in v.changes))
                   for v in log.versions)
        for cid, log in changelogs(root, analysis, walked=commits).items()
    }


def product_history(root: Path, analysis: Analysis, commits: list[tuple[Commit, list[str]]]) -> list[StatusChange]:
    """Each data product's status at every commit that changed its file, oldest first (None: gone)."""
    present = {e.file for e in analysis.index.products.values()}
    return _status_history(root, commits, present, "DataProduct", lambda doc, spec, name:
                           f"{spec['domain']}/{name}" if isinstance(spec.get("domain"), str) else None, "active")


def agreement_history(root: Path, analysis: Analysis, commits: list[tuple[Commit, list[str]]]) -> list[StatusChange]:
    """Each access agreement's status at every commit that changed its file, oldest first (None: gone)."""
    present = {e.file for e in analysis.index.agreements.values()}
    return _status_history(root, commits, present, "AccessAgreement", lambda doc, spec, name: name, "requested")


def _status_history(root: Path, commits: list[tuple[Commit, list[str]]], present: set[str], kind: str,
                    key_of: Callable[[dict, dict, str], str | None], default: str) -> list[StatusChange]:
    """The `spec.status` of each resource of `kind` at every commit that changed its file, oldest first. Files read
    from git objects in one batch (today's files of the kind, and the files since deleted) and parsed by the loader,
    its guards included."""
    from alchemesh import gitrepo
    from alchemesh.docs.feed import StatusChange
    from alchemesh.load.yamlfile import parse

    commits = list(reversed(commits))
    wanted = [(commit, file) for commit, files in commits for file in files
              if file in present or not (root / file).exists()]
    blobs = gitrepo.read_blobs(root, [f"{c.sha}:{file}" for c, file in wanted], allow_missing=True)
    in_file: dict[str, dict[str, str | None]] = {}
    status: dict[str, str | None] = {}
    out = []
    for (commit, file), blob in zip(wanted, blobs, strict=False):
        now: dict[str, str | None] = {}
        parsed = parse(file, blob) if blob is not None else None
        if parsed is not None and parsed.problems:
            continue  # a broken file at that commit says nothing of its resources
        for doc in (d.data for d in parsed.documents) if parsed is not None else ():
            if isinstance(doc, dict) and doc.get("kind") == kind and isinstance(doc.get("spec"), dict):
                name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
                key = key_of(doc, doc["spec"], name) if isinstance(name, str) else None
                if key is not None:
                    now[key] = str(doc["spec"].get("status", default))
        for key in set(in_file.get(file, {})) | set(now):
            value = now.get(key)
            if status.get(key) != value:
                status[key] = value
                out.append(StatusChange(key, value, commit.sha[:10], commit.date, commit.author, commit.subject))
        in_file[file] = now
    return out


def locations(root: Path, analysis: Analysis) -> dict[str, tuple[PortLocation, ...]]:
    """Port → where its data is in each of the Mesh's environments applied here, and a command to read it."""
    from alchemesh.datatest.engines import ENGINES
    from alchemesh.docs.views import PortLocation
    from alchemesh.terraform.locations import load

    index = analysis.index
    mesh = index.mesh
    ports = {f"{e.resource.spec.domain}/{e.resource.name}/{p.name}": p
             for e in index.products.values() for p in e.resource.spec.outputPorts}
    out: dict[str, list[PortLocation]] = {}
    for environment in (mesh.resource.spec.environments if mesh else ()):
        for key, location in load(root, environment).items():
            port = ports.get(key)
            if port is None:
                continue
            component = index.components.get(port.component)
            engine = component.engine if component else None
            contract = index.contracts.get(port.contract) if port.contract else None
            objects = contract.resource.objects if contract else ()
            name = (objects[0].physical_name or objects[0].name) if objects else ""
            reading = ENGINES[engine].reading(location, name) if engine in ENGINES and name else ""
            out.setdefault(key, []).append(PortLocation(environment, engine, location, reading))
    return {key: tuple(found) for key, found in out.items()}


def health(root: Path, analysis: Analysis) -> dict[str, tuple[Health, ...]]:
    """Port → its last data test in each of the Mesh's environments (`alchemesh test` keeps them)."""
    from alchemesh.datatest.history import load
    from alchemesh.datatest.rules import FRESHNESS
    from alchemesh.docs.views import FailedCheck, Health

    mesh = analysis.index.mesh
    out: dict[str, list[Health]] = {}
    for environment in (mesh.resource.spec.environments if mesh else ()):
        for port, result in load(root, environment).items():
            checks = result.checks
            failing = tuple(FailedCheck(c.rule, c.name, c.message or "", f"{c.file}:{c.line}:{c.column}", c.observed,
                                        c.expected)
                            for c in checks if c.status == "failed")
            freshness = tuple((c.name, c.status, c.observed, c.expected)
                              for c in checks if c.rule == FRESHNESS.name and c.status != "skipped")
            out.setdefault(port, []).append(Health(environment, result.status, result.tested_at,
                                                   sum(1 for c in checks if c.status != "skipped"), failing,
                                                   freshness, result.message))
    return {port: tuple(h) for port, h in out.items()}


def recent(analysis: Analysis, commits: list[tuple[Commit, list[str]]]) -> tuple[Recent, ...]:
    """The products whose spec or contract files changed last, newest first."""
    from alchemesh.docs.views import Recent, product_link
    from alchemesh.resolve.index import product_id

    owner: dict[str, str] = {}
    contract_files = {c.resource.id: c.file for c in analysis.index.contracts.values()}
    for entry in analysis.index.products.values():
        pid = product_id(entry)
        owner.setdefault(entry.file, pid)
        for port in entry.resource.spec.outputPorts:
            if port.contract in contract_files:
                owner.setdefault(contract_files[port.contract], pid)
    recent: list[Recent] = []
    seen: set[str] = set()
    for commit, files in commits:
        for pid in sorted({owner[f] for f in files if f in owner} - seen):
            seen.add(pid)
            recent.append(Recent(product_link(pid), commit.date, commit.subject))
        if len(recent) >= RECENT:
            break
    return tuple(recent[:RECENT])
