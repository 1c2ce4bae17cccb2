"""Read YAML fast, with positions.

libyaml composes a node tree that keeps line and column; plain data is built from it here in one
pass that also catches duplicate keys, alias bombs and recursive anchors. YAML 1.2 core scalars:
`on`/`yes` stay strings and dates stay strings, as in JSON.
"""

from __future__ import annotations

from collections.abc import Iterable
import operator
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from alchemesh.findings import JsonPath
from alchemesh.repofiles import MAX_FILE_BYTES

MAX_VALUES = 1_000_000  # values built per file, aliases expanded: stops billion-laughs bombs
MAX_DEPTH = 200  # libyaml's composer recurses in C and crashes on very deep nesting

_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_MERGE = "tag:yaml.org,2002:merge"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


_RESOLVERS: dict[str, list[tuple[str, re.Pattern[str]]]] = {}
for _tag, _pattern, _first in (
    (_BOOL, r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    (_INT, r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        _FLOAT,
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    (_NULL, r"^(?:~|null|Null|NULL)$", "~nN"),
    (_MERGE, r"^(?:<<)$", "<"),
):
    for _char in _first:
        _RESOLVERS.setdefault(_char, []).append((_tag, re.compile(_pattern)))


class _Loader(yaml.CSafeLoader):
    """libyaml's parser with the YAML 1.2 core schema resolver (and no path resolvers to walk)."""

    # The composer calls these two for every node; there are no path resolvers, so they do nothing. C builtins
    # that take the same arguments (and whose result is dropped) cost a fraction of a Python no-op's call.
    descend_resolver = operator.is_  # type: ignore[assignment]
    ascend_resolver = tuple  # type: ignore[assignment]

    def resolve(self, kind: Any, value: Any, implicit: Any) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR
            if not value:
                return _NULL
            for tag, pattern in _RESOLVERS.get(value[0], ()):
                if pattern.match(value):
                    return tag
            return _STR
        return _SEQ if kind is SequenceNode else _MAP


class YamlProblem(Exception):
    """A file (or a document of it) that cannot be turned into data, at a 1-based position."""

    def __init__(self, message: str, line: int = 1, column: int = 1):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column


@dataclass(frozen=True, slots=True)
class DuplicateKey:
    """A key repeated in one mapping: the later value wins, as in every YAML loader."""

    key: str
    line: int
    column: int


@dataclass(frozen=True, slots=True)
class Document:
    """One YAML document of a file: its data and, when parsed in this run, its node tree."""

    file: str
    index: int
    data: Any
    line: int
    node: Node | None = None


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """A file's documents and what stood in the way of reading it; the rules turn these into findings."""

    file: str
    documents: tuple[Document, ...]
    problems: tuple[YamlProblem, ...] = ()
    duplicate_keys: tuple[DuplicateKey, ...] = ()
    # document index → its kind's model validation (resource, error), as the file's schema check made it: the load
    # takes it from here instead of validating the document again
    validated: dict[int, tuple[Any, Any]] = field(default_factory=dict)


def parse(file: str, raw: bytes) -> ParsedFile:
    """Parse every document of one file; problems come back in the result, never raised."""
    try:
        text = decode(raw)
        _check_depth(text)
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except YamlProblem as problem:
        return ParsedFile(file, (), (problem,))
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        message = " ".join(part for part in (error.context, error.problem) if part)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return ParsedFile(file, (), (YamlProblem(f"invalid YAML: {message}", line, column),))
    except yaml.reader.ReaderError as error:
        return ParsedFile(file, (), (_reader_problem(text, error),))
    except yaml.YAMLError as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        return ParsedFile(file, (), (YamlProblem(f"invalid YAML: {first}"),))

    documents, problems, duplicates = [], [], []
    for index, node in enumerate(nodes):
        builder = _Builder()
        try:
            data = builder.build(node)
        except YamlProblem as problem:
            problems.append(problem)
            continue
        except RecursionError:  # a nesting the pre-check could not see: refuse it, never crash
            problems.append(YamlProblem(f"nesting deeper than {MAX_DEPTH} levels",
                                        node.start_mark.line + 1, node.start_mark.column + 1))
            continue
        duplicates.extend(builder.duplicates)
        documents.append(Document(file, index, data, node.start_mark.line + 1, node))
    return ParsedFile(file, tuple(documents), tuple(problems), tuple(duplicates))


def _reader_problem(text: str, error: yaml.reader.ReaderError) -> YamlProblem:
    """A character libyaml refuses, at its own line and column, in one line."""
    position = error.position
    line = text.count("\n", 0, position) + 1
    column = position - (text.rfind("\n", 0, position) + 1) + 1
    character = error.character
    code = f"U+{ord(character) if isinstance(character, str) else character:04X}"
    return YamlProblem(f"invalid YAML: character {code} is not allowed ({error.reason})", line, column)


def compose(file: str, raw: bytes) -> list[Node]:
    """The node trees of a file that parsed before (for positions only); [] if it no longer parses."""
    try:
        text = decode(raw)
        _check_depth(text)
        return list(yaml.compose_all(text, Loader=_Loader))
    except (YamlProblem, yaml.YAMLError, RecursionError):
        return []


def decode(raw: bytes) -> str:
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblem(f"file is {len(raw):,} bytes, over the {MAX_FILE_BYTES:,}-byte limit")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        raise YamlProblem(f"file is not UTF-8 (byte 0x{raw[error.start]:02x})", line, column) from None
    return text[1:] if text.startswith("\ufeff") else text


_DEEP_INDENT = re.compile(rf"^[ \t?:-]{{{MAX_DEPTH},}}", re.MULTILINE)
# Block collections opened on one line (`- ? - ? …`, anchors and tags between them): each indicator is a level.
_INDICATOR_RUN = re.compile(rf"(?:[-?:][ \t]+(?:[&!][^\s]*[ \t]+)?){{{MAX_DEPTH // 2}}}")


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before libyaml recurses into it."""
    if (text.count("[") + text.count("{") < MAX_DEPTH and not _DEEP_INDENT.search(text)
            and not ((text.count("? ") + text.count("- ") >= MAX_DEPTH // 2) and _INDICATOR_RUN.search(text))):
        return
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
                raise YamlProblem(f"nesting deeper than {MAX_DEPTH} levels", line, column)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


class _Builder:
    """Turns a node tree into plain data; counts values so aliases cannot multiply without bound."""

    def __init__(self) -> None:
        self.budget = MAX_VALUES
        self.active: set[int] = set()
        self.duplicates: list[DuplicateKey] = []

    def build(self, node: Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _problem(node, f"document expands to more than {MAX_VALUES:,} values (alias bomb?)")
        if isinstance(node, ScalarNode):
            try:
                return _scalar(node)
            except ValueError:
                shown = node.value if len(node.value) <= 40 else f"{node.value[:20]}…({len(node.value):,} characters)"
                raise _problem(node, f"`{shown}` is not a valid {node.tag.rsplit(':', 1)[-1]}") from None
        key = id(node)
        if key in self.active:
            raise _problem(node, "recursive alias: a node contains itself")
        self.active.add(key)
        try:
            if isinstance(node, SequenceNode):
                return [self.build(item) for item in node.value]
            assert isinstance(node, MappingNode)
            return self._mapping(node)
        finally:
            self.active.discard(key)

    def _mapping(self, node: MappingNode) -> dict[str, Any]:
        out: dict[str, Any] = {}
        merged: dict[str, Any] = {}
        build, scalar, intern = self.build, ScalarNode, _intern
        for key_node, value_node in node.value:
            # Most keys and values are strings: taken here, without a call of `build` for each (counted alike)
            if key_node.tag == _STR and type(key_node) is scalar:
                self.budget -= 1
                key = intern(key_node.value) if len(key_node.value) <= _INTERNED else key_node.value
            elif key_node.tag == _MERGE:
                merged.update(self._merge_source(key_node, value_node))
                continue
            else:
                key = build(key_node)
            if type(key) is not str:
                if isinstance(key, (dict, list)):
                    raise _problem(key_node, "a mapping key must be a scalar")
                key = "null" if key is None else str(key).lower() if isinstance(key, bool) else str(key)
            if key in out:
                mark = key_node.start_mark
                self.duplicates.append(DuplicateKey(key, mark.line + 1, mark.column + 1))
            if value_node.tag == _STR and type(value_node) is scalar:
                self.budget -= 1
                value = value_node.value
                out[key] = intern(value) if len(value) <= _INTERNED else value
            else:
                out[key] = build(value_node)
        if merged:
            merged.update(out)
            return merged
        return out

    def _merge_source(self, key_node: Node, node: Node) -> dict[str, Any]:
        sources = node.value if isinstance(node, SequenceNode) else [node]
        merged: dict[str, Any] = {}
        for source in reversed(sources):
            value = self.build(source)
            if not isinstance(value, dict):
                raise _problem(key_node, "`<<` merges mappings only")
            merged.update(value)
        return merged


def _scalar(node: ScalarNode) -> Any:
    tag, value = node.tag, node.value
    if tag == _STR:  # short strings repeat across files (types, classifications, names): one copy each
        return _intern(value) if len(value) <= _INTERNED else value
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in ("true", "True", "TRUE")
    if tag == _INT:
        if value.startswith("0o"):
            number = int(value[2:], 8)
        else:
            number = int(value, 16) if value.startswith("0x") else int(value)
        if number.bit_length() > _MAX_INT_BITS:
            raise ValueError("too many digits")
        return number
    if tag == _FLOAT:
        lowered = value.lower()
        if lowered.endswith("inf"):
            return float("-inf") if lowered.startswith("-") else float("inf")
        return float("nan") if lowered.endswith("nan") else float(value)
    return value


_intern = sys.intern
_INTERNED = 64
_MAX_INT_BITS = 13_000  # about 3,900 decimal digits: below Python's int-to-str limit, far past any real value


def _problem(node: Node, message: str) -> YamlProblem:
    return YamlProblem(message, node.start_mark.line + 1, node.start_mark.column + 1)


def locate(node: Node | None, path: JsonPath, *, key: bool = False) -> tuple[int, int]:
    """1-based line and column of the node at `path`, or of its deepest existing ancestor (the file's start for a
    document read from the cache, which keeps no nodes).

    With `key`, a mapping entry is located at its key rather than its value.
    """
    if node is None:
        return 1, 1
    current = node
    last = len(path) - 1
    for depth, step in enumerate(path):
        found = _child(current, step, key=key and depth == last)
        if found is None:
            break
        current = found
    return current.start_mark.line + 1, current.start_mark.column + 1


def _child(node: Node, step: str | int, *, key: bool) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, value_node in reversed(node.value):
            if isinstance(key_node, ScalarNode) and key_node.value == str(step):
                return key_node if key else value_node
    elif isinstance(node, SequenceNode) and isinstance(step, int) and 0 <= step < len(node.value):
        item: Node = node.value[step]
        return item
    return None


def scalar_spans(roots: Iterable[Node]) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) 0-based (line, column) of every scalar under these nodes."""
    spans, stack, seen = [], list(roots), set()
    while stack:
        node = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if isinstance(node, ScalarNode):
            spans.append(((node.start_mark.line, node.start_mark.column), (node.end_mark.line, node.end_mark.column)))
        elif isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            stack.extend(item for pair in node.value for item in pair)
    return spans
