"""The files a mesh's `config` values name (a code component's `sql_file`): where each is, from the repo root."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterator
from typing import Any

from alchemesh.model.interface import is_local_source
from alchemesh.resolve.index import MeshIndex


def named_files(index: MeshIndex) -> Iterator[tuple[Any, ...]]:
    """(use, key, repo-relative path) of every `*_file` config value of a local module that declares the variable:
    relative to the folder of the file declaring the entry, or to its `*_dir` sibling's folder when set."""
    root = index.repo.root
    for use in index.component_uses:
        component = index.components.get(use.component)
        if component is None or component.type != use.expected_type or not is_local_source(component.source):
            continue
        config = entry_config(use.entry.resource, use.path)
        for key, value in config.items():
            if not key.endswith("_file") or not isinstance(value, str) or not value or "\0" in value:
                continue
            base = posixpath.dirname(use.entry.file)
            folder = config.get(key[:-len("_file")] + "_dir")
            if isinstance(folder, str) and folder:
                base = posixpath.join(base, folder)
            joined = posixpath.normpath(posixpath.join(base, value)) if not posixpath.isabs(value) else value
            if posixpath.isabs(joined) or joined.startswith("../"):
                rel = os.path.relpath(joined if posixpath.isabs(joined) else root / joined, root)
                joined = rel.replace(os.sep, "/")
            yield use, key, joined


def entry_config(resource: Any, path: tuple[Any, ...]) -> dict[str, Any]:
    """The `config` of the entry at `path` (…, list, index, "component") in the resource's spec."""
    _, field, i, _ = path
    config: dict[str, Any] = getattr(resource.spec, field)[i].config
    return config
