"""Load a mesh repo: discover YAML files, parse them (through the cache), classify documents by
`apiVersion`/`kind` and check each against its schema. One bad file never hides the others."""

from __future__ import annotations

import contextlib
import copy
import gc
import re
from dataclasses import dataclass, field
from pathlib import Path
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from alchemesh.load import discovery, yamlfile
from alchemesh.load.cache import Cache, digest
from alchemesh.findings import Finding, JsonPath, Severity
from alchemesh.model.contract import Contract, is_contract, read_contract
from alchemesh.model.resources import (API_VERSION, KINDS, AccessAgreement, DataProduct, Domain, Mesh, Polyseme,
                                       Resource, Team)
from alchemesh.repofiles import describe, read_repo_file
from alchemesh.load.schema_check import validate_resource

T = TypeVar("T")

_WAIVER = re.compile(r"(?:^|(?<=\s))#\s*alchemesh:\s*ignore\[([^\]]*)\][ \t]*(.*)$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Waiver:
    line: int
    rules: frozenset[str]
    reason: str


@dataclass(frozen=True, slots=True)
class FileRecord:
    """Everything one file yields on its own: documents, file-local findings, waivers."""

    file: str
    digest: str
    documents: tuple[yamlfile.Document, ...]
    findings: tuple[Finding, ...]
    waivers: tuple[Waiver, ...]
    validated: dict[int, tuple[Any, Any]] = field(default_factory=dict, compare=False)  # see ParsedFile.validated


@dataclass(frozen=True, slots=True)
class Entry(Generic[T]):
    """A typed resource and the document it came from."""

    resource: T
    doc: yamlfile.Document

    @property
    def file(self) -> str:
        return self.doc.file


@dataclass(frozen=True)
class MeshRepo:
    root: Path
    records: tuple[FileRecord, ...]
    meshes: tuple[Entry[Mesh], ...]
    teams: tuple[Entry[Team], ...]
    domains: tuple[Entry[Domain], ...]
    products: tuple[Entry[DataProduct], ...]
    polysemes: tuple[Entry[Polyseme], ...]
    contracts: tuple[Entry[Contract], ...]
    resource_docs: tuple[tuple[str, yamlfile.Document], ...]  # (kind, document) of every resource
    agreements: tuple[Entry[AccessAgreement], ...] = ()
    _nodes: dict[str, dict[int, Any]] = field(default_factory=dict, compare=False, repr=False)  # reparsed for positions
    _raw: dict[str, bytes] = field(default_factory=dict, compare=False, repr=False)  # files not in the work tree

    @property
    def mesh(self) -> Entry[Mesh] | None:
        """The Mesh in alchemesh.yaml, else the first one found."""
        for entry in self.meshes:
            if entry.file == discovery.MESH_FILE:
                return entry
        return self.meshes[0] if self.meshes else None

    @property
    def findings(self) -> list[Finding]:
        return [f for record in self.records for f in record.findings]

    def locate(self, doc: yamlfile.Document, path: JsonPath, key: bool = False) -> tuple[int, int]:
        node = doc.node or self._reparse(doc.file).get(doc.index)
        return yamlfile.locate(node, path, key=key) if node is not None else (doc.line, 1)

    def _reparse(self, file: str) -> dict[int, Any]:
        if file not in self._nodes:
            raw = self._raw[file] if file in self._raw else _read_or_empty(self.root, file)
            self._nodes[file] = dict(enumerate(yamlfile.compose(file, raw)))
        return self._nodes[file]


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Node trees and resources are many small long-lived objects: the cyclic GC would rescan them
    again and again while nothing they hold forms a cycle. Pausing it halves the time of a large repo."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.freeze()  # what was built stays out of later collections; refcounting still frees it
            gc.enable()


FileCheck = Callable[[yamlfile.ParsedFile], Iterable[Finding]]


def load_repo(root: Path, check: FileCheck, *, use_cache: bool = True,
              preread: dict[str, bytes] | None = None) -> MeshRepo:
    """Every file parsed and given to `check`, whose findings are kept (and cached) with the file.
    `preread`: bytes of files just read (to key the report cache), parsed without reading them again."""
    with paused_gc():
        return _load(root, check, use_cache, preread or {})


def _load(root: Path, check: FileCheck, use_cache: bool, preread: dict[str, bytes]) -> MeshRepo:
    cache = Cache(root, enabled=use_cache)
    fresh: dict[str, Any] = {}
    mesh_file = discovery.MESH_FILE

    def record(file: str) -> FileRecord:
        return _record(root, file, check, cache, fresh, preread)

    mesh_record = record(mesh_file) if (root / mesh_file).is_file() else None
    files = discovery.list_yaml_files(root, _exclude(mesh_record))
    records = [mesh_record if mesh_record and f == mesh_file else record(f) for f in files]
    cache.store(fresh)
    return _classify(root, tuple(records))


def load_snapshot(root: Path, files: dict[str, bytes], same: dict[str, FileRecord] | None = None) -> MeshRepo:
    """The repo as it was at some revision: these files parsed in memory, without the cache, plus the
    records of files known to be identical then and now (`same`), reused as they are."""
    same = same or {}

    def record(file: str) -> FileRecord:
        return same[file] if file in same else _build_record(file, files[file], "", None)

    with paused_gc():
        mesh_record = record(discovery.MESH_FILE) if discovery.MESH_FILE in files.keys() | same.keys() else None
        selected = discovery.select_yaml(files.keys() | same.keys(), _exclude(mesh_record))
        return _classify(root, tuple(record(f) for f in selected), files)


def load_revision(root: Path, rev: str, current: MeshRepo) -> MeshRepo:
    """The repo at `rev`: files unchanged since then are taken from the work tree's load (`current`),
    the others read from git objects and parsed."""
    from alchemesh import gitrepo

    tree = gitrepo.tree_at(root, rev, discovery.YAML_SUFFIXES)
    records = {record.file: record for record in current.records}
    same, changed = {}, {}
    for file, blob in tree.items():
        record = records.get(file)
        if record is not None and gitrepo.blob_id(_read_or_empty(root, file)) == blob:
            same[file] = record
        else:
            changed[file] = blob
    blobs = gitrepo.read_blobs(root, list(changed.values()))
    contents = {file: blob for file, blob in zip(changed, blobs, strict=False) if blob is not None}
    return load_snapshot(root, contents, same)


def mesh_at(root: Path, rev: str) -> Mesh | None:
    """The Mesh resource `alchemesh.yaml` held at `rev`, or None (no such file, not valid there)."""
    from pydantic import ValidationError

    from alchemesh import gitrepo

    (raw,) = gitrepo.read_blobs(root, [f"{rev}:{gitrepo.prefix(root)}{discovery.MESH_FILE}"], allow_missing=True)
    if raw is None:
        return None
    for document in yamlfile.parse(discovery.MESH_FILE, raw).documents:
        if kind_of(document.data) == "Mesh":
            try:
                return Mesh.model_validate(document.data)
            except ValidationError:
                return None
    return None


def _read_or_empty(root: Path, file: str) -> bytes:
    try:
        return read_repo_file(root, file)
    except OSError:
        return b""


def _exclude(record: FileRecord | None) -> list[str]:
    for doc in record.documents if record else ():
        spec = doc.data.get("spec") if isinstance(doc.data, dict) and doc.data.get("kind") == "Mesh" else None
        exclude = spec.get("exclude") if isinstance(spec, dict) else None
        if isinstance(exclude, list):
            return [p for p in exclude if isinstance(p, str)]
    return []


def _record(root: Path, file: str, check: FileCheck, cache: Cache, fresh: dict[str, Any],
            preread: dict[str, bytes]) -> FileRecord:
    try:
        raw = preread[file] if file in preread else read_repo_file(root, file)
    except OSError as error:
        unreadable = yamlfile.ParsedFile(file, (), (yamlfile.YamlProblem(f"cannot read file: {describe(error)}"),))
        return FileRecord(file, "", (), tuple(check(unreadable)), ())
    file_digest = digest(raw)
    cached = cache.get(file, file_digest)
    record = _from_cache(file, cached) if cached else None
    if record is None:
        record = _build_record(file, raw, file_digest, check)
        cached = None
    fresh[file] = cached or _to_cache(record)
    return record


def _build_record(file: str, raw: bytes, file_digest: str, check: FileCheck | None) -> FileRecord:
    """Parse a file; `check` gives its findings (a past revision needs only its data: None). The node trees are
    dropped once the file's own checks have run: they are most of a parse's memory, and a later finding that
    needs a position parses its file again (`MeshRepo.locate`)."""
    parsed = yamlfile.parse(file, raw)
    findings = tuple(check(parsed)) if check else ()
    waivers = _waivers(raw.decode("utf-8", "replace"), parsed.documents) if b"alchemesh:" in raw else ()
    documents = tuple(yamlfile.Document(d.file, d.index, d.data, d.line) for d in parsed.documents)
    return FileRecord(file, file_digest, documents, findings, waivers, parsed.validated)


def kind_of(data: Any) -> str | None:
    """`DataContract`, an alchemesh kind (known or not), or None for YAML that is no resource."""
    if not isinstance(data, dict) or "apiVersion" not in data:
        return None
    if is_contract(data):
        return "DataContract"
    api_version = data.get("apiVersion")
    if isinstance(api_version, str) and api_version.startswith("alchemesh.io/"):
        kind = data.get("kind")
        return kind if isinstance(kind, str) and api_version == API_VERSION else "?"
    return None


def _waivers(text: str, documents: tuple[yamlfile.Document, ...]) -> tuple[Waiver, ...]:
    """`# alchemesh: ignore[rule, …] reason` comments; the same text inside a string is no comment."""
    strings = yamlfile.scalar_spans(d.node for d in documents if d.node is not None)
    out = []
    for match in _WAIVER.finditer(text):
        line = text.count("\n", 0, match.start())
        column = match.start() - (text.rfind("\n", 0, match.start()) + 1)
        if any(start <= (line, column) < end for start, end in strings):
            continue
        rules = frozenset(r.strip() for r in match.group(1).split(",") if r.strip())
        out.append(Waiver(line + 1, rules, match.group(2).strip()))
    return tuple(out)


def _to_cache(record: FileRecord) -> dict[str, Any]:
    return {
        "digest": record.digest,
        "docs": [[d.index, d.line, d.data] for d in record.documents],
        "findings": [
            [f.rule, f.severity.value, f.message, f.line, f.column, list(f.path), f.hint] for f in record.findings
        ],
        "waivers": [[w.line, sorted(w.rules), w.reason] for w in record.waivers],
    }


def _from_cache(file: str, entry: dict[str, Any]) -> FileRecord | None:
    """The record a cache entry holds; None for an entry of the wrong shape (edited, truncated): a miss."""
    try:
        return _record_of(file, entry)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _record_of(file: str, entry: dict[str, Any]) -> FileRecord:
    docs = tuple(yamlfile.Document(file, index, data, line) for index, line, data in entry["docs"])
    findings = tuple(
        Finding(rule, Severity(severity), message, file, line, column, tuple(path), hint)
        for rule, severity, message, line, column, path, hint in entry["findings"]
    )
    waivers = tuple(Waiver(line, frozenset(rules), reason) for line, rules, reason in entry["waivers"])
    shapes = [(d.index, int) for d in docs] + [(d.line, int) for d in docs] + [
        (value, kind) for f in findings for value, kind in ((f.rule, str), (f.message, str), (f.line, int),
                                                           (f.column, int), (f.hint, (str, type(None))))]
    shapes += [(w.line, int) for w in waivers] + [(w.reason, str) for w in waivers]
    if not all(isinstance(value, kind) for value, kind in shapes) or entry["digest"] is None:
        raise TypeError("a cache entry of the wrong shape")
    return FileRecord(file, entry["digest"], docs, findings, waivers)


def _salvage(kind: str, data: dict[str, Any], validated: tuple[Any, Any] | None = None) -> Resource | None:
    """The typed resource, or for a document with schema findings, the resource without the fields at
    fault when those are optional: its references are still checked, its schema findings stand. `validated`:
    the document's validation, when its file's schema check made it."""
    resource, error = validated if validated is not None else validate_resource(kind, data)
    for _ in range(3):
        if error is None:
            return resource
        data = copy.deepcopy(data)
        for detail in error.errors(include_url=False):
            _drop(data, [step for step in detail["loc"] if step != "[key]"])
        resource, error = validate_resource(kind, data)
    return resource


def _drop(data: Any, loc: list[Any]) -> None:
    parent = data
    for step in loc[:-1]:
        try:
            parent = parent[step]
        except (KeyError, IndexError, TypeError):
            return
    if isinstance(parent, dict) and loc:
        parent.pop(loc[-1], None)


def _classify(root: Path, records: tuple[FileRecord, ...], raw: dict[str, bytes] | None = None) -> MeshRepo:
    by_kind: dict[str, list[Entry[Any]]] = {kind: [] for kind in (*KINDS, "DataContract")}
    resource_docs = []
    for record in records:
        for doc in record.documents:
            kind = kind_of(doc.data)
            if kind is None or kind == "?":
                continue
            resource_docs.append((kind, doc))
            if kind == "DataContract":
                by_kind[kind].append(Entry(read_contract(doc.data), doc))
            elif kind in KINDS:
                resource = _salvage(kind, doc.data, record.validated.get(doc.index))
                if resource is not None:
                    by_kind[kind].append(Entry(resource, doc))
        record.validated.clear()  # taken: a record keeps its documents, not a second copy of their resources
    return MeshRepo(
        root=root,
        records=records,
        meshes=tuple(by_kind["Mesh"]),
        teams=tuple(by_kind["Team"]),
        domains=tuple(by_kind["Domain"]),
        products=tuple(by_kind["DataProduct"]),
        polysemes=tuple(by_kind["Polyseme"]),
        contracts=tuple(by_kind["DataContract"]),
        resource_docs=tuple(resource_docs),
        agreements=tuple(by_kind["AccessAgreement"]),
        _raw=raw or {},
    )
