"""Files an importer writes and keeps writing: each carries a header with the digest of its body, so that a later
import knows whether a person edited it since (then it is kept, and said so) and `--check` can tell which side
changed.

A file without the header is a person's own: never written over. A generated file the import no longer makes is
removed when untouched, kept when edited — unless another import answers for it (the importer says which).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from alchemesh.errors import UsageError
from alchemesh.findings import printable
from alchemesh.repofiles import RefusedFile, read_repo_file, writable_path

_HEADER = re.compile(rb"^# Written by alchemesh import (\S+) from (.*?)\. .*? digest:([0-9a-f]{16})\n")


def stamped(tool: str, origin: str, body: bytes) -> bytes:
    """`body` with its header line: one line whatever `origin` holds (a newline in a manifest's key would end the
    comment and smuggle YAML into the file)."""
    return (f"# Written by alchemesh import {tool} from {printable(origin)}. Change it there and import again; to "
            f"make this file your own, delete this line. digest:{_digest(body)}\n").encode() + body


def _digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()[:16]


@dataclass(frozen=True)
class Existing:
    tool: str | None  # the importer that wrote it; None: a person's own file
    edited: bool  # a generated file whose body no longer matches its digest
    origin: str = ""  # what it was written from, as its header says


def existing(content: bytes) -> Existing:
    match = _HEADER.match(content)
    if match is None:
        return Existing(None, False)
    return Existing(match.group(1).decode(), _digest(content[match.end():]) != match.group(3).decode(),
                    match.group(2).decode(errors="replace"))


@dataclass
class Outcome:
    """What an import does to the folder: files written, removed, kept as a person left them, already as wanted."""

    written: list[str] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # written for the first time
    removed: list[str] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)  # (file, why): generated files a person edited
    owned: list[str] = field(default_factory=list)  # files without the header where the import would write
    same: int = 0

    @property
    def drifted(self) -> bool:
        """A file is not what the import writes: dbt changed, or a generated file was edited. A file a person made
        their own (its header removed) is theirs, not drift."""
        return bool(self.written or self.created or self.removed or self.kept)


def reconcile(root: Path, tool: str, wanted: dict[str, bytes], once: dict[str, bytes],
              others: Callable[[dict[str, Existing]], set[str]] | None = None) -> Outcome:
    """What writing `wanted` (generated, stamped) and `once` (written only where nothing is) does to `root`.
    `others`: of the generated files this import no longer makes (file → its header), those another import
    answers for, left alone. Nothing is written here: see `apply`."""
    outcome = Outcome()
    for rel in [*once, *wanted]:
        try:
            writable_path(root, rel)
        except RefusedFile as refused:
            raise UsageError(f"alchemesh import {tool} would write {printable(rel)}: {refused.reason}; nothing "
                             "written") from None
    for rel in sorted(once):
        if not (root / rel).exists():
            outcome.created.append(rel)
    for rel, content in sorted(wanted.items()):
        path = root / rel
        if not path.exists():
            outcome.created.append(rel)
            continue
        current = read_repo_file(root, rel)
        if current == content:
            outcome.same += 1
            continue
        state = existing(current)
        if state.tool is None:
            outcome.owned.append(rel)
        elif state.edited:
            outcome.kept.append((rel, "edited since the last import: kept; carry the change into dbt, or delete "
                                      "its header line to make it yours"))
        else:
            outcome.written.append(rel)
    gone = {rel: existing(read_repo_file(root, rel)) for rel in sorted(_generated_files(root, tool) - set(wanted))}
    theirs = others(gone) if others is not None else set()
    for rel, state in gone.items():
        if rel in theirs:
            continue
        if state.edited:
            outcome.kept.append((rel, "no longer imported, but edited since: kept"))
        else:
            outcome.removed.append(rel)
    return outcome


def _generated_files(root: Path, tool: str) -> set[str]:
    """The YAML files under `root` an earlier import by `tool` wrote."""
    out = set()
    for path in root.rglob("*.yaml"):
        if ".alchemesh" in path.parts or not path.is_file():
            continue
        with path.open("rb") as handle:
            head = handle.readline()
        match = _HEADER.match(head + b"\n" if not head.endswith(b"\n") else head)
        if match and match.group(1).decode() == tool:
            out.add(path.relative_to(root).as_posix())
    return out


def apply(root: Path, outcome: Outcome, wanted: dict[str, bytes], once: dict[str, bytes]) -> None:
    from alchemesh.workspace import write_atomic

    for rel in [*outcome.created, *outcome.written]:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, wanted[rel] if rel in wanted else once[rel])
    for rel in outcome.removed:
        (root / rel).unlink(missing_ok=True)


def write_new(out: Path, tool: str, files: dict[str, bytes], check: bool) -> Outcome:
    """Files an import makes once and never takes back (`import odps`, `import oaas`): each written where no file
    is; one already there with other bytes kept as it is, and said. Nothing is written unless every file may be
    (`check`: nothing at all)."""
    from alchemesh.workspace import write_atomic

    targets = {}
    for rel in sorted(files):
        try:
            targets[rel] = writable_path(out, rel)
        except RefusedFile as refused:
            raise UsageError(f"import {tool} would write {rel}: {refused.reason}; nothing written") from None
    outcome = Outcome()
    for rel, path in targets.items():
        if not path.exists():
            outcome.created.append(rel)
        elif read_repo_file(out, rel) == files[rel]:
            outcome.same += 1
        else:
            outcome.kept.append((rel, "exists and differs from the document: kept as it is"))
    if not check:
        for rel in outcome.created:
            targets[rel].parent.mkdir(parents=True, exist_ok=True)
            write_atomic(targets[rel], files[rel])
    return outcome
