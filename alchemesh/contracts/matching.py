"""Pair the elements of two versions of a list (schema objects, properties, quality rules)."""

from __future__ import annotations

from typing import Any

from collections.abc import Callable, Hashable

Pairs = list[tuple[dict[str, Any], int, dict[str, Any], int]]  # (old, its new index, new, its old index)


def match(old: list[dict[str, Any]], new: list[dict[str, Any]], key: Callable[[dict[str, Any]], Hashable]) -> tuple[Pairs, list[Any], list[Any]]:
    """Pair elements by their stable `id` when both have one, then by `key` (in order, when several share it).
    Returns (pairs, removed: (old index, old), added: (new index, new)), in document order."""
    left = dict(enumerate(new))
    pairs: Pairs = []
    by_id = {e["id"]: i for i, e in left.items() if isinstance(e.get("id"), str)}
    unmatched = []
    for j, item in enumerate(old):
        i = by_id.pop(item["id"], None) if isinstance(item.get("id"), str) else None
        if i is not None:
            pairs.append((item, i, left.pop(i), j))
        else:
            unmatched.append((j, item))
    by_key: dict[Hashable, list[int]] = {}
    for i, element in left.items():
        by_key.setdefault(key(element), []).append(i)
    removed = []
    for j, item in unmatched:
        candidates = by_key.get(key(item))
        if candidates:
            i = candidates.pop(0)
            pairs.append((item, i, left.pop(i), j))
        else:
            removed.append((j, item))
    return sorted(pairs, key=lambda p: p[1]), removed, sorted(left.items())
