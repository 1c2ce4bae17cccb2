"""`contracts changelog ID`: one contract's versions through git history, each with its changes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alchemesh.repofiles import read_repo_file
from alchemesh import gitrepo
from alchemesh.contracts.changes import Mode, impact
from alchemesh.contracts.diff import diff_contracts
from alchemesh.load.discovery import YAML_SUFFIXES, select_yaml
from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.model.contract import is_contract
from alchemesh.load.yamlfile import parse

if TYPE_CHECKING:
    from alchemesh.validate import Analysis


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
    shallow: bool = False  # a shallow clone: the oldest version known may not be the first


def changelog(current: Analysis, contract_id: str) -> Changelog:
    root = current.repo.root
    gitrepo.require_work_tree(root)
    log = changelogs(root, current, only=contract_id).get(contract_id)
    if log is None or not log.versions:
        # the ids of the whole history, not only the work tree's: the closest may be one no file declares any more
        known = {cid for cid, found in changelogs(root, current).items() if found.versions}
        hint = did_you_mean(contract_id, known | set(current.index.contracts))
        if hint and not any(f"`{cid}`" in hint for cid in current.index.contracts):
            hint = hint.rstrip("?") + " (no file declares it any more: its history is kept)?"
        raise UsageError(f"no contract `{contract_id}` in this repo's history" + (f"; {hint}" if hint else ""))
    return log


def _advance(versions: list[Version], state: Any, snapshot: dict[str, dict[str, Any] | None], commit: Any,
             mode: Mode) -> Any:
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


def changelogs(root: Path, current: Analysis, only: str | None = None,
               walked: list[tuple[gitrepo.Commit, list[str]]] | None = None) -> dict[str, Changelog]:
    """Every contract's changelog (or `only` this one's) in one walk of the history: each changed file
    of each commit is read and parsed once, whatever the number of contracts, and not at all when its
    bytes are those of the work tree. Files the Mesh excludes today are no part of the history. `walked`: the
    commits that touched YAML files, newest first, when the caller has walked them already."""
    mesh = current.index.mesh
    default: Mode = mesh.resource.spec.compatibility if mesh else "consumer"
    modes = {port.contract: port.compatibility for entry in current.index.products.values()
             for port in entry.resource.spec.outputPorts if port.contract and port.compatibility}
    exclude = list(mesh.resource.spec.exclude) if mesh else []
    history = walked if walked is not None else gitrepo.commits_touching(root, YAML_SUFFIXES)
    commits = [(commit, kept) for commit, files in reversed(history) if (kept := select_yaml(files, exclude))]
    base = gitrepo.prefix(root)
    blobs = iter(gitrepo.read_blobs(root, [f"{c.sha}:{base}{f}" for c, files in commits for f in files],
                                    allow_missing=True))
    parsed = {r.file: r.documents for r in current.repo.records}
    versions: dict[str, list[Version]] = {}
    states: dict[str, tuple[str, dict[str, Any]] | None] = {}
    held: dict[str, set[str]] = {}  # file → ids whose latest version is in it
    needle = only.encode() if only else b"DataContract"
    for commit, files in commits:
        found: dict[str, dict[str, dict[str, Any]]] = {}  # id → {file: data}
        for file in files:
            raw = next(blobs)
            if raw is not None and needle in raw:
                for doc in _documents(root, file, raw, parsed):
                    if is_contract(doc.data) and isinstance(doc.data.get("id"), str) and only in (None, doc.data["id"]):
                        found.setdefault(doc.data["id"], {})[file] = doc.data
        touched = set(files)
        for cid in sorted(found.keys() | {i for f in touched for i in held.get(f, ())}):
            snapshot: dict[str, dict[str, Any] | None] = dict(found.get(cid, {}))
            state = states.get(cid)
            if state is not None and state[0] in touched:
                snapshot.setdefault(state[0], None)
            new = _advance(versions.setdefault(cid, []), state, snapshot, commit, modes.get(cid, default))
            if state is not None:
                held.get(state[0], set()).discard(cid)
            if new is not None:
                held.setdefault(new[0], set()).add(cid)
            states[cid] = new
    work_tree = {cid: (e.file, e.resource.raw) for cid, e in current.index.contracts.items() if only in (None, cid)}
    for cid in sorted(work_tree.keys() | {cid for cid, state in states.items() if state is not None}):
        now, state = work_tree.get(cid), states.get(cid)
        if now != state:  # changed, added or removed since the last commit
            snapshot = {now[0]: now[1]} if now else {state[0]: None} if state else {}
            _advance(versions.setdefault(cid, []), state, snapshot, None, modes.get(cid, default))
    shallow = gitrepo.is_shallow(root)
    return {cid: Changelog(cid, modes.get(cid, default), tuple(reversed(v)), shallow)
            for cid, v in sorted(versions.items())}


def _documents(root: Path, file: str, raw: bytes, parsed: dict[str, Any]) -> Any:
    """A file's documents at some commit: those of the work tree's load when the bytes are the same."""
    if file in parsed:
        try:
            if read_repo_file(root, file) == raw:
                return parsed[file]
        except OSError:
            pass
    return parse(file, raw).documents
