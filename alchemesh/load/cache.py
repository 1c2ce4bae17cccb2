"""A content-hash cache of per-file results under `.alchemesh/cache/`: safe to delete, never stale.

Entries are keyed by file path and the blake2b digest of its bytes, and the whole cache by a
fingerprint of the code that produced it. JSON, not pickle: the cache sits in a repo that may not
be trusted.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import stat
import sys
import time
from pathlib import Path
from collections.abc import Sequence
from typing import Any, IO, TYPE_CHECKING

from alchemesh import __version__
from alchemesh.repofiles import read_repo_file
from alchemesh.workspace import CACHE_DIR, ignore_itself, write_atomic

if TYPE_CHECKING:
    from alchemesh.findings import Report

_DEPENDENCIES = ("jsonschema-rs", "pydantic", "pyyaml")


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@functools.cache
def fingerprint() -> str:
    """Changes whenever the code that produces cached results could: any source file, any ODCS schema it
    ships (by name, size and time, as git's index tells a file changed: reading them all cost more than the
    rest of a cached run), any dependency."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sources = []
    for folder, dirs, names in os.walk(package):
        dirs[:] = [d for d in dirs if d != "__pycache__"]
        for name in names:
            if name.endswith(".py") or (name.endswith(".json") and folder.endswith("odcs_schemas")):
                info = os.stat(os.path.join(folder, name))
                sources.append(f"{os.path.relpath(folder, package)}/{name}\0{info.st_size}\0{info.st_mtime_ns}\0")
    for source in sorted(sources):
        h.update(source.encode())
    for name in _installed(_DEPENDENCIES):
        h.update(name.encode())
    return h.hexdigest()


def _installed(names: tuple[str, ...]) -> list[str]:
    """`name-version.dist-info` folders of these distributions: their versions, without paying for
    importlib.metadata on every run."""
    wanted = {re.sub(r"[-_.]+", "_", n).lower() for n in names}
    found = []
    for entry in sys.path:
        try:
            listing = os.listdir(entry or ".")
        except OSError:
            continue
        found += [d for d in listing if d.endswith(".dist-info") and d.split("-", 1)[0].lower() in wanted]
    return sorted(found)


class Cache:
    """Per-file records from the previous run; `store` writes the current run's records atomically."""

    def __init__(self, root: Path, enabled: bool = True):
        self.path = root / CACHE_DIR / "files.json"
        self.enabled = enabled
        self.fingerprint = fingerprint() if enabled else ""
        self.entries: dict[str, Any] = self._read() if enabled else {}

    def _read(self) -> dict[str, Any]:
        try:
            content: dict[str, Any] = json.loads(self.path.read_bytes())
        except (OSError, ValueError):
            return {}
        if not isinstance(content, dict) or content.get("fingerprint") != self.fingerprint:
            return {}
        files = content.get("files")
        return files if isinstance(files, dict) else {}

    def get(self, file: str, file_digest: str) -> Any | None:
        entry = self.entries.get(file)
        if isinstance(entry, dict) and entry.get("digest") == file_digest:
            return entry
        return None

    def store(self, entries: dict[str, Any]) -> None:
        if self.enabled and entries != self.entries:
            _store(self.path, {"fingerprint": self.fingerprint, "files": entries}, stream="files")


class ReportCache:
    """The last validation report, keyed by every YAML file's path and digest: an unchanged repo is
    answered without parsing anything — and without reading anything: a file whose size, times and inode
    are those recorded with its digest, and that has not changed since the record was written, keeps its
    digest. Any write changes a file's ctime, which no tool can set back, so an edit that restores the
    size and mtime is still seen (as git's index does; "racily clean" files are read again).

    `read`: the bytes this key needed, for a load that follows to parse without reading again."""

    def __init__(self, root: Path):
        from alchemesh.clock import today
        from alchemesh.load.discovery import list_yaml_files

        self.root = root
        self.path = root / CACHE_DIR / "report.json"
        self.stats_path = root / CACHE_DIR / "stats.json"
        self.read: dict[str, bytes] = {}
        self.stats: dict[str, list[Any]] = {}
        recorded, written = self._recorded()
        # today's date too: the sunset rules read it, and a report of yesterday may be wrong today
        key = hashlib.blake2b(f"{fingerprint()}\0{today().isoformat()}".encode(), digest_size=16)
        for file in list_yaml_files(root, []):
            file_digest = self._digest(root, file, recorded.get(file), written)
            key.update(f"{file}\0{file_digest}\0".encode("utf-8", "surrogateescape"))
        self.key = key.hexdigest()

    def _digest(self, root: Path, file: str, recorded: list[Any] | None, written: int) -> str:
        try:
            info = os.lstat(root / file)
        except OSError:
            return digest(b"\0unreadable")
        signature = [info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino]
        settled = max(info.st_mtime_ns, info.st_ctime_ns) < written - _RACY_NS
        if recorded and recorded[:4] == signature and settled and stat.S_ISREG(info.st_mode):
            self.stats[file] = recorded
            return str(recorded[4])
        try:
            raw = read_repo_file(root, file)
        except OSError:
            return digest(b"\0unreadable")
        self.read[file] = raw
        file_digest = digest(raw)
        if stat.S_ISREG(info.st_mode):
            self.stats[file] = [*signature, file_digest]
        return file_digest

    def _recorded(self) -> tuple[dict[str, list[Any]], int]:
        try:
            content = json.loads(self.stats_path.read_bytes())
            files, written = content["files"], content["written"]
            if content["fingerprint"] != fingerprint() or not isinstance(files, dict) or not isinstance(written, int):
                return {}, 0
            return {f: s for f, s in files.items() if isinstance(s, list) and len(s) == 5
                    and all(isinstance(v, int) for v in s[:4]) and isinstance(s[4], str)}, written
        except (OSError, ValueError, KeyError, TypeError):
            return {}, 0

    def clean(self) -> tuple[int, int] | None:
        """(files, waived) when the last report is this key's and has no finding, without building it."""
        content = self._content()
        if content is None or content["findings"] != [] or not isinstance(content["waived"], list):
            return None
        if self.read:
            self._store_stats()
        return content["files"], len(content["waived"])

    def _content(self) -> dict[str, Any] | None:
        """The stored report, when it is this key's and its local modules are unchanged."""
        try:
            content = json.loads(self.path.read_bytes())
            if content["key"] != self.key or not isinstance(content["files"], int):
                return None
            modules = content["modules"]
            if not isinstance(modules, dict) or module_digests(self.root, list(modules)) != modules:
                return None  # a local component module changed: its rules must run again
            present = content["present"]
            if not isinstance(present, dict) or _presence(self.root, list(present)) != present:
                return None  # a file a config value names came, went or changed (a SQL file: what it reads)
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        return content if isinstance(content, dict) else None

    def get(self) -> Report | None:
        from alchemesh.findings import Finding, Report

        content = self._content()
        if content is None:
            return None
        try:
            report = Report(
                tuple(Finding.from_dict(f) for f in content["findings"]),
                content["files"],
                tuple(Finding.from_dict(f) for f in content["waived"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        if self.read:  # files read for this key: next time their stats answer
            self._store_stats()
        return report

    def store(self, report: Report, modules: Sequence[str] = (), files: Sequence[str] = ()) -> None:
        """`modules`: the local module folders (repo-relative) the report read, as inputs of the key; `files`: the
        files whose being there and content the report says something about (a `sql_file`: what it reads)."""
        _store(self.path, {
            "key": self.key,
            "modules": module_digests(self.root, list(modules)),
            "present": _presence(self.root, list(files)),
            "files": report.files,
            "findings": [f.to_dict() for f in report.findings],
            "waived": [f.to_dict() for f in report.waived],
        })
        if self.stats:
            self._store_stats()

    def _store_stats(self) -> None:
        _store(self.stats_path, {"fingerprint": fingerprint(), "written": time.time_ns(), "files": self.stats})


def module_digests(root: Path, folders: list[str]) -> dict[str, dict[str, str] | None]:
    """Folder → its `.tf` files' digests (None: no such folder). Read in full: a few small files, and an
    edit that keeps a file's size and time is still seen."""
    out: dict[str, dict[str, str] | None] = {}
    for folder in sorted(set(folders)):
        directory = root / folder
        try:
            out[folder] = {f.name: digest(f.read_bytes()) for f in sorted(directory.glob("*.tf")) if f.is_file()} \
                if directory.is_dir() else None
        except OSError:
            out[folder] = None
    return out


def _presence(root: Path, files: list[str]) -> dict[str, str | None]:
    """Each file's digest (None: not there): the report says whether it is there, and what its SQL reads."""
    out: dict[str, str | None] = {}
    for file in sorted(set(files)):
        try:
            path = root / file
            out[file] = digest(path.read_bytes()) if path.is_file() and path.stat().st_size <= 1_000_000 else (
                "large" if path.is_file() else None)
        except OSError:
            out[file] = None
    return out


_RACY_NS = 200_000_000  # file times are kernel ticks: a change in the tick of the record is not "settled"


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"))


def _store(path: Path, content: dict[str, Any], stream: str | None = None) -> None:
    """`stream`: a key whose mapping is written entry by entry (each in C: `json.dump` to a file encodes in
    Python), so that a large cache is never whole in memory as one string."""
    def dump(out: IO[str]) -> None:
        out.write("{")
        for i, (key, value) in enumerate(content.items()):
            out.write(f'{"," if i else ""}{json.dumps(key)}:')
            if key != stream:
                out.write(_compact(value))
                continue
            out.write("{")
            for j, (name, entry) in enumerate(value.items()):
                out.write(f'{"," if j else ""}{json.dumps(name)}:{_compact(entry)}')
            out.write("}")
        out.write("}")

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore_itself(path.parent.parent)
        write_atomic(path, dump)
    except OSError:
        pass  # a read-only checkout still validates, just without a cache
