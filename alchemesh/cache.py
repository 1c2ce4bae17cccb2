"""A content-hash cache of per-file results under `.alchemesh/cache/`: safe to delete, never stale.

Entries are keyed by file path and the blake2b digest of its bytes, and the whole cache by a
fingerprint of the code that produced it. JSON, not pickle: the cache sits in a repo that may not
be trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

from alchemesh import __version__

CACHE_DIR = ".alchemesh/cache"
_SOURCES = ("yamlfile.py", "schema_check.py", "load.py", "model/resources.py", "model/contract.py")


def digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _fingerprint() -> str:
    h = hashlib.blake2b(__version__.encode(), digest_size=16)
    package = Path(__file__).parent
    for name in _SOURCES:
        h.update((package / name).read_bytes())
    try:
        h.update(metadata.version("open-data-contract-standard").encode())
    except metadata.PackageNotFoundError:
        pass
    return h.hexdigest()


class Cache:
    """Per-file records from the previous run; `store` writes the current run's records atomically."""

    def __init__(self, root: Path, enabled: bool = True):
        self.path = root / CACHE_DIR / "files.json"
        self.enabled = enabled
        self.fingerprint = _fingerprint() if enabled else ""
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
        if not self.enabled or entries == self.entries:
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            ignore = self.path.parent.parent / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# alchemesh build output and cache\n*\n", encoding="utf-8")
            body = json.dumps({"fingerprint": self.fingerprint, "files": entries}, separators=(",", ":"))
            write_atomic(self.path, body.encode())
        except OSError:
            pass  # a read-only checkout still validates, just without a cache


def write_atomic(path: Path, content: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old or the new bytes."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
