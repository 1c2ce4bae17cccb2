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
import sys
from pathlib import Path
from typing import Any

from alchemesh import __version__
from alchemesh.findings import Finding, Report
from alchemesh.repofiles import read_repo_file
from alchemesh.workspace import CACHE_DIR, ignore_itself, write_atomic

_DEPENDENCIES = ("open-data-contract-standard", "jsonschema-rs", "pydantic", "pyyaml")


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


@functools.cache
def fingerprint() -> str:
    """Changes whenever the code that produces cached results could: any source file, any dependency."""
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for source in sorted(package.rglob("*.py")):
        h.update(source.relative_to(package).as_posix().encode())
        h.update(source.read_bytes())
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
            content = json.loads(self.path.read_bytes())
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
            _store(self.path, {"fingerprint": self.fingerprint, "files": entries})


class ReportCache:
    """The last validation report, keyed by every YAML file's path and digest: an unchanged repo is
    answered without parsing anything."""

    def __init__(self, root: Path):
        from alchemesh.discovery import list_yaml_files

        self.path = root / CACHE_DIR / "report.json"
        key = hashlib.blake2b(fingerprint().encode(), digest_size=16)
        for file in list_yaml_files(root, []):
            try:
                raw = read_repo_file(root, file)
            except OSError:
                raw = b"\0unreadable"
            key.update(f"{file}\0{digest(raw)}\0".encode("utf-8", "surrogateescape"))
        self.key = key.hexdigest()

    def get(self) -> Report | None:
        try:
            content = json.loads(self.path.read_bytes())
            if content["key"] != self.key or not isinstance(content["files"], int):
                return None
            return Report(
                tuple(Finding.from_dict(f) for f in content["findings"]),
                content["files"],
                tuple(Finding.from_dict(f) for f in content["waived"]),
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def store(self, report: Report) -> None:
        _store(self.path, {
            "key": self.key,
            "files": report.files,
            "findings": [f.to_dict() for f in report.findings],
            "waived": [f.to_dict() for f in report.waived],
        })


def _store(path: Path, content: dict[str, Any]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        ignore_itself(path.parent.parent)
        write_atomic(path, json.dumps(content, separators=(",", ":")).encode())
    except OSError:
        pass  # a read-only checkout still validates, just without a cache
