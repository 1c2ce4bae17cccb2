"""`alchemesh codeowners`: GitHub's CODEOWNERS from ownership, so that approving a change is a review by the team that
owns what it touches — a product's folder (its specs, SQL, contracts and the agreements to read its ports) and its
domain's file by their owning team, and an agreement or contract kept elsewhere by the team of the port it is about.

The lines of one mesh stand in a section of their own between two marker comments: the file may hold other meshes'
sections (one repository, several meshes) and lines of its own, which are kept as they are.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from alchemesh.resolve.index import MeshIndex

PATH = ".github/CODEOWNERS"


@dataclass(frozen=True)
class Owners:
    lines: tuple[tuple[str, str], ...]  # (pattern, owner handle), in the order GitHub reads them: last match wins
    unowned: tuple[str, ...]  # teams that own something and have no `github` handle: their files have no line


def owners(index: MeshIndex, prefix: str) -> Owners:
    """Each product folder (or file, where products share a folder) and domain file to its owning team, then
    agreements and contracts outside their port's folder to that port's team; `prefix`: the mesh's folder in the
    repository (`mesh-examples/quickstart/`, or empty)."""
    handles = {name: team.resource.spec.github for name, team in index.teams.items()}
    unowned: set[str] = set()

    def handle(team: str) -> str | None:
        found = handles.get(team)
        if found is None:
            unowned.add(team)
        return found

    folders: dict[str, list[str]] = {}
    for file in [*(e.file for e in index.products.values()), *(e.file for e in index.domains.values())]:
        folders.setdefault(posixpath.dirname(file), []).append(file)
    owned: dict[str, str] = {}  # pattern → handle
    covered: dict[str, str] = {}  # folder → the product owning it
    for pid, entry in sorted(index.products.items()):
        team = handle(entry.resource.spec.owner)
        folder = posixpath.dirname(entry.file)
        alone = folders[folder] == [entry.file] and folder != ""
        pattern = _pattern(f"/{prefix}{folder}/" if alone else f"/{prefix}{entry.file}")
        if alone:
            covered[folder] = pid
        if team and pattern:
            owned[pattern] = team
    for domain in sorted(index.domains.values(), key=lambda e: e.file):
        team = handle(domain.resource.spec.owner)
        pattern = _pattern(f"/{prefix}{domain.file}")
        if team and pattern:
            owned[pattern] = team
    late: dict[str, str] = {}  # files outside their port's folder: after the folders, so that they win
    for agreement in sorted(index.agreements.values(), key=lambda e: e.file):
        provider = agreement.resource.spec.provider.outputPort.rsplit("/", 1)[0]
        _outside(late, index, agreement.file, provider, covered, prefix, handle)
    for pid, entry in sorted(index.products.items()):
        for port in entry.resource.spec.outputPorts:
            contract = index.contracts.get(port.contract) if port.contract else None
            if contract is not None:
                _outside(late, index, contract.file, pid, covered, prefix, handle)
    lines = sorted(owned.items(), key=lambda item: (item[0].count("/"), item[0]))
    lines += sorted((p, h) for p, h in late.items() if owned.get(p) != h)
    return Owners(tuple(lines), tuple(sorted(unowned)))


def _outside(out: dict[str, str], index: MeshIndex, file: str, product: str, covered: dict[str, str], prefix: str,
             handle: Callable[[str], str | None]) -> None:
    entry = index.products.get(product)
    folder = _covering(file, covered)
    if entry is None or folder is not None and covered[folder] == product:
        return  # its product's folder line says it already
    team = handle(entry.resource.spec.owner)
    pattern = _pattern(f"/{prefix}{file}")
    if team and pattern:
        out[pattern] = team


def _pattern(path: str) -> str | None:
    """A path as CODEOWNERS reads it: spaces escaped (a space would end the pattern and make what follows an
    owner); None for a path it cannot say (a control character, a backslash), which then has no line."""
    if any(ord(c) < 32 or c in "\\\x7f" for c in path):
        return None
    return path.replace(" ", "\\ ")


def _covering(file: str, covered: dict[str, str]) -> str | None:
    """The deepest product folder holding `file`."""
    folder = posixpath.dirname(file)
    while folder:
        if folder in covered:
            return folder
        folder = posixpath.dirname(folder)
    return None


def section(mesh: str, lines: Iterable[tuple[str, str]]) -> str:
    body = "".join(f"{pattern} {owner}\n" for pattern, owner in lines)
    return (f"{_begin(mesh)}\n# Written by `alchemesh codeowners` from the teams' ownership: change the specs, then run it "
            f"again.\n{body}{_end(mesh)}\n")


def merged(current: str | None, mesh: str, lines: Iterable[tuple[str, str]]) -> str:
    """The file with this mesh's section put in (in place of the old one, else at the end); the rest as it was."""
    new = section(mesh, lines)
    if not current:
        return new
    begin, end = current.find(_begin(mesh)), current.find(_end(mesh))
    if begin != -1 and end > begin:
        stop = end + len(_end(mesh))
        stop += 1 if current[stop:stop + 1] == "\n" else 0
        return current[:begin] + new + current[stop:]
    return current + ("" if current.endswith("\n") else "\n") + ("\n" if current.strip() else "") + new


def _begin(mesh: str) -> str:
    return f"# alchemesh:begin {mesh or '.'}"


def _end(mesh: str) -> str:
    return f"# alchemesh:end {mesh or '.'}"
