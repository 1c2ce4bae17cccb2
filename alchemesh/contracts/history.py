"""`contracts changelog ID`: one contract's versions through git history, each with its changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alchemesh import gitrepo
from alchemesh.contracts.changes import Mode, impact
from alchemesh.contracts.diff import diff_contracts
from alchemesh.discovery import YAML_SUFFIXES, select_yaml
from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.model.contract import is_contract
from alchemesh.yamlfile import parse


@dataclass(frozen=True, slots=True)
class Entry:
    """One change of `field` in a version: its rule and how it lands in the contract's mode."""

    rule: str
    impact: str
    field: str
    message: str


@dataclass(frozen=True, slots=True)
class Version:
    version: str | None  # None: the contract was removed
    commit: gitrepo.Commit | None  # None: uncommitted, in the work tree
    file: str | None
    changes: tuple[Entry, ...]

    @property
    def breaking(self) -> bool:
        return any(c.impact == "breaking" for c in self.changes)


@dataclass(frozen=True)
class Changelog:
    contract: str
    mode: Mode
    versions: tuple[Version, ...]  # newest first


def changelog(root: Path, contract_id: str) -> Changelog:
    from alchemesh.validate import analyze

    gitrepo.require_work_tree(root)
    current = analyze(root)
    mesh = current.index.mesh
    mode: Mode = mesh.resource.spec.compatibility if mesh else "consumer"
    for entry in current.index.products.values():
        for port in entry.resource.spec.outputPorts:
            if port.contract == contract_id and port.compatibility:
                mode = port.compatibility
    versions: list[Version] = []
    state: tuple[str, dict[str, Any]] | None = None  # (file, data) of the latest version seen
    exclude = list(mesh.resource.spec.exclude) if mesh else []
    for commit, snapshot in _snapshots(root, contract_id, exclude):
        state = _advance(versions, state, snapshot, commit, mode)
    work_tree = current.index.contracts.get(contract_id)
    now = (work_tree.file, work_tree.resource.raw) if work_tree else None
    if now != state and (now is not None or state is not None):
        _advance(versions, state, {now[0]: now[1]} if now else {state[0]: None}, None, mode)
    if not versions:
        known = list(current.index.contracts)
        hint = did_you_mean(contract_id, known)
        raise UsageError(f"no contract `{contract_id}` in this repo's history" + (f"; {hint}" if hint else ""))
    return Changelog(contract_id, mode, tuple(reversed(versions)))


def _advance(versions: list[Version], state, snapshot: dict[str, dict | None], commit, mode: Mode):
    """Record what a commit did to the contract; returns the new state."""
    found = next(((f, d) for f, d in snapshot.items() if d is not None), None)
    if found is None:
        if state is not None and state[0] in snapshot:  # the file that held it changed, and it is gone
            versions.append(Version(None, commit, state[0], ()))
            return None
        return state
    if state is not None and found[1] == state[1]:
        return found
    before = state[1] if state is not None else None
    changes = () if before is None else tuple(
        Entry(c.rule, impact(c.rule, mode), c.field, c.message) for c in diff_contracts(before, found[1])
    )
    versions.append(Version(str(found[1].get("version")), commit, found[0], changes))
    return found


def _snapshots(root: Path, contract_id: str, exclude: list[str]):
    """(commit, {file: contract data or None}) for every commit touching a YAML file, oldest first.

    A file maps to None when the commit changed it and the contract is not (or no longer) in it.
    Files the Mesh excludes today are no part of the history.
    """
    commits = [
        (commit, kept)
        for commit, files in reversed(gitrepo.commits_touching(root, YAML_SUFFIXES))
        if (kept := select_yaml(files, exclude))
    ]
    base = gitrepo.prefix(root)
    names = [f"{commit.sha}:{base}{file}" for commit, files in commits for file in files]
    blobs = iter(gitrepo.read_blobs(root, names, allow_missing=True))
    needle = contract_id.encode()
    for commit, files in commits:
        snapshot: dict[str, dict | None] = {}
        for file in files:
            raw = next(blobs)
            snapshot[file] = _find(file, raw, contract_id) if raw is not None and needle in raw else None
        yield commit, snapshot


def _find(file: str, raw: bytes, contract_id: str) -> dict | None:
    for doc in parse(file, raw).documents:
        if is_contract(doc.data) and doc.data.get("id") == contract_id:
            return doc.data
    return None


def changelogs(root: Path, current) -> dict[str, Changelog]:
    """Every contract's changelog in one walk of the history (for the catalog): each changed file of
    each commit is read and parsed once, whatever the number of contracts."""
    mesh = current.index.mesh
    default: Mode = mesh.resource.spec.compatibility if mesh else "consumer"
    modes = {port.contract: port.compatibility for entry in current.index.products.values()
             for port in entry.resource.spec.outputPorts if port.contract and port.compatibility}
    exclude = list(mesh.resource.spec.exclude) if mesh else []
    commits = [(commit, kept) for commit, files in reversed(gitrepo.commits_touching(root, YAML_SUFFIXES))
               if (kept := select_yaml(files, exclude))]
    base = gitrepo.prefix(root)
    blobs = iter(gitrepo.read_blobs(root, [f"{c.sha}:{base}{f}" for c, files in commits for f in files],
                                    allow_missing=True))
    parsed = {r.file: r.documents for r in current.repo.records}
    versions: dict[str, list[Version]] = {}
    states: dict[str, tuple[str, dict[str, Any]] | None] = {}
    held: dict[str, set[str]] = {}  # file → ids whose latest version is in it
    for commit, files in commits:
        found: dict[str, dict[str, dict]] = {}  # id → {file: data}
        for file in files:
            raw = next(blobs)
            if raw is not None and b"DataContract" in raw:
                for doc in _documents(root, file, raw, parsed):
                    if is_contract(doc.data) and isinstance(doc.data.get("id"), str):
                        found.setdefault(doc.data["id"], {})[file] = doc.data
        touched = set(files)
        for cid in sorted(found.keys() | {i for f in touched for i in held.get(f, ())}):
            snapshot: dict[str, dict | None] = dict(found.get(cid, {}))
            state = states.get(cid)
            if state is not None and state[0] in touched:
                snapshot.setdefault(state[0], None)
            new = _advance(versions.setdefault(cid, []), state, snapshot, commit, modes.get(cid, default))
            if state is not None:
                held.get(state[0], set()).discard(cid)
            if new is not None:
                held.setdefault(new[0], set()).add(cid)
            states[cid] = new
    for cid, entry in current.index.contracts.items():
        now, state = (entry.file, entry.resource.raw), states.get(cid)
        if now != state:
            _advance(versions.setdefault(cid, []), state, {now[0]: now[1]}, None, modes.get(cid, default))
    return {cid: Changelog(cid, modes.get(cid, default), tuple(reversed(v))) for cid, v in sorted(versions.items())}


def _documents(root: Path, file: str, raw: bytes, parsed: dict):
    """A file's documents at some commit: those of the work tree's load when the bytes are the same."""
    if file in parsed:
        try:
            if (root / file).read_bytes() == raw:
                return parsed[file]
        except OSError:
            pass
    return parse(file, raw).documents
