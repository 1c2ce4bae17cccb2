"""gitignore semantics over repo-relative paths, for `.gitignore` outside git (a tarball, a Docker build context) and
for the Mesh's `exclude`: `!` re-includes, the last matching pattern wins, a file below an ignored folder stays
ignored, `[Dd]` and `[!x]` classes, `\\` escapes, a trailing `/` matches folders only, a pattern with a `/` before
its end is anchored, `**` crosses folders.

Matched in linear time, whatever the pattern: `*` and `**` each keep one back-tracking point, where a regex of
`a*a*a*…b` (pathspec's) backtracks for minutes. `tests/load/test_ignore.py` holds the semantics to git itself
(`git check-ignore --no-index`) on generated patterns and paths.
"""

from __future__ import annotations

from typing import Any

from collections.abc import Iterable
from dataclasses import dataclass

_STAR, _ANY = "*", "?"  # tokens of a segment; a literal is ("=", c), a class ("[", negated, ranges)


@dataclass(frozen=True)
class _Pattern:
    segments: tuple[object, ...]  # "**", or a tuple of tokens
    negated: bool
    folders_only: bool


class IgnoreRules:
    """The patterns of one `.gitignore` (or `exclude` list), in order."""

    def __init__(self, lines: Iterable[str]):
        self.patterns = tuple(p for p in map(_parse, lines) if p is not None)

    def __bool__(self) -> bool:
        return bool(self.patterns)

    def ignores(self, path: str, folder: bool = False) -> bool:
        """Whether `path` is ignored: itself, or a folder above it (which nothing below can re-include)."""
        parts = path.strip("/").split("/")
        for depth in range(1, len(parts)):
            if self._decides(parts[:depth], True):
                return True
        return self._decides(parts, folder)

    def ignores_itself(self, path: str, folder: bool) -> bool:
        """Whether the last pattern matching `path` itself ignores it (its folders already known not ignored)."""
        return self._decides(path.strip("/").split("/"), folder)

    def _decides(self, parts: list[str], folder: bool) -> bool:
        for pattern in reversed(self.patterns):
            if (folder or not pattern.folders_only) and _match(pattern.segments, parts, _segment_matches, "**"):
                return not pattern.negated
        return False


def _parse(line: str) -> _Pattern | None:
    line = line.rstrip("\n\r")
    if not line or line.startswith("#"):
        return None
    negated = line.startswith("!")
    if negated:
        line = line[1:]
    line = _strip_trailing_spaces(line)
    folders_only = line.endswith("/") and not line.endswith("\\/")
    line = line.rstrip("/") if folders_only else line
    if not line:
        return None
    anchored = "/" in line
    segments: list[object] = []
    for raw in line.lstrip("/").split("/"):
        if raw == "**":
            if not segments or segments[-1] != "**":
                segments.append("**")
        elif raw:
            segments.append(_tokens(raw))
    if not segments:
        return None
    if segments[-1] == "**":  # `dir/**` is what is inside dir, not dir itself
        segments.insert(len(segments) - 1, (_STAR,))
    if not anchored and segments[0] != "**":
        segments.insert(0, "**")
    return _Pattern(tuple(segments), negated, folders_only)


def _strip_trailing_spaces(line: str) -> str:
    end = len(line)
    while end and line[end - 1] == " " and not (end > 1 and line[end - 2] == "\\"):
        end -= 1
    return line[:end]


def _tokens(segment: str) -> tuple[Any, ...]:
    out: list[object] = []
    i = 0
    while i < len(segment):
        c = segment[i]
        if c == "\\" and i + 1 < len(segment):
            out.append(("=", segment[i + 1]))
            i += 2
        elif c == "*":
            if not out or out[-1] != _STAR:  # a run of stars in a segment is one star
                out.append(_STAR)
            i += 1
        elif c == "?":
            out.append(_ANY)
            i += 1
        elif c == "[":
            parsed = _class(segment, i)
            if parsed is None:
                out.append(("=", c))
                i += 1
            else:
                token, i = parsed
                out.append(token)
        else:
            out.append(("=", c))
            i += 1
    return tuple(out)


def _class(segment: str, start: int) -> tuple[tuple[Any, ...], int] | None:
    """`[…]` at `start`: the token and the index after it; None when it does not close (then `[` is literal)."""
    i = start + 1
    negated = i < len(segment) and segment[i] in "!^"
    i += negated
    ranges: list[tuple[str, str]] = []
    first = True
    while i < len(segment):
        c = segment[i]
        if c == "]" and not first:
            return ("[", negated, tuple(ranges)), i + 1
        if c == "\\" and i + 1 < len(segment):
            i += 1
            c = segment[i]
        if i + 2 < len(segment) and segment[i + 1] == "-" and segment[i + 2] != "]":
            high = segment[i + 2]
            if high == "\\" and i + 3 < len(segment):
                high = segment[i + 3]
                i += 1
            ranges.append((c, high))
            i += 3
        else:
            ranges.append((c, c))
            i += 1
        first = False
    return None


def _segment_matches(pattern: object, name: str) -> bool:
    return pattern != "**" and _match(pattern, name, _char_matches, _STAR)


def _char_matches(token: Any, char: str) -> bool:
    if token == _ANY:
        return True
    if token[0] == "=":
        return bool(token[1] == char)
    _, negated, ranges = token
    return any(low <= char <= high for low, high in ranges) is not bool(negated)


def _match(pattern: Any, items: Any, matches_one: Any, star: Any) -> bool:
    """Wildcard matching with one back-tracking point, O(len(pattern) × len(items)): `star` stands for any run
    of items, every other element for exactly one item that `matches_one` accepts."""
    p = i = 0
    star_p, star_i = -1, 0
    while i < len(items):
        if p < len(pattern) and pattern[p] == star:
            star_p, star_i = p, i
            p += 1
        elif p < len(pattern) and matches_one(pattern[p], items[i]):
            p += 1
            i += 1
        elif star_p >= 0:
            p, star_i = star_p + 1, star_i + 1
            i = star_i
        else:
            return False
    while p < len(pattern) and pattern[p] == star:
        p += 1
    return p == len(pattern)
