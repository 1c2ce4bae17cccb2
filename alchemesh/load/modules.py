"""Terraform modules read with python-hcl2: their variables and outputs, checked against the interface
of their component type (`components check`) and against the `config` a port gives them; their resources, and
what their `alchemesh_guard` output declares of them for the plan guard.

Parsing is slow (python-hcl2 is a pure-Python parser), so a module's reading is cached by the hash of
its `.tf` files under `.alchemesh/cache/`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alchemesh.load.cache import digest
from alchemesh.workspace import write_atomic
from alchemesh.model.interface import VARIABLES

@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    type: str | None  # normalised: `map(string)`, `any`, …; None when the module gives none
    description: str | None
    has_default: bool
    file: str
    line: int


@dataclass(frozen=True, slots=True)
class Module:
    directory: Path
    variables: dict[str, Variable]
    outputs: dict[str, tuple[str, int]]  # name → (file, line)
    problems: tuple[tuple[str, int, str], ...]  # (file, line, message): files that could not be read
    reads: frozenset[str] = frozenset()  # the variables its code refers to (`var.NAME`)
    resources: tuple[str, ...] = ()  # `TYPE.NAME` of its managed resources, `module.NAME` of its module calls
    # its `alchemesh_guard` output: role (`data`, `grants`) → address patterns; None when it declares none
    guard: dict[str, tuple[str, ...]] | None = None
    guard_problem: str | None = None  # why the output cannot be read: not a literal map of lists of strings


GUARD_OUTPUT = "alchemesh_guard"  # what a component declares for the plan guard (see docs: the plan guard)
GUARD_ROLES = ("data", "grants", "schema")
_READS = re.compile(r"\bvar\.([A-Za-z_][A-Za-z0-9_-]*)")
_FORMAT = b"module-3"  # of a cached reading: a new field makes older entries misses


def source_kinds(module: Module | None) -> set[str] | None:
    """What an input-port module can read: `system` (it reads `source_system`), `outputPort` (it reads
    `upstream_port` or `upstream_location`); None when its module cannot be read (not a local source)."""
    if module is None:
        return None
    kinds = {"system"} if "source_system" in module.reads else set()
    return kinds | ({"outputPort"} if module.reads & {"upstream_port", "upstream_location"} else set())


def tf_files(directory: Path) -> dict[str, bytes]:
    """A module's `.tf` files by name: everything a reading of it depends on."""
    return {f.name: f.read_bytes() for f in sorted(directory.glob("*.tf")) if f.is_file()}


def read_module(directory: Path, cache_dir: Path | None = None) -> Module:
    raw = tf_files(directory)
    key = digest(_FORMAT + b"".join(name.encode() + b"\0" + content for name, content in raw.items()))
    cached = _cached(cache_dir, key)
    if cached is not None:
        try:
            return _from_json(directory, cached)
        except (KeyError, TypeError, ValueError):
            pass  # an entry of the wrong shape (edited, truncated): read the module again
    variables: dict[str, Variable] = {}
    outputs: dict[str, tuple[str, int]] = {}
    resources: list[str] = []
    guard: dict[str, tuple[str, ...]] | None = None
    guard_problem: str | None = None
    problems = []
    for name, content in raw.items():
        text = content.decode("utf-8", "replace")
        try:
            parsed = _parse(text)
        except Exception as error:  # python-hcl2 raises lark's many exception types
            problems.append((name, _error_line(error), f"cannot parse: {str(error).splitlines()[0]}"))
            continue
        for block in parsed.get("variable", []):
            for var_name, body in block.items():
                var_name = _unquote(var_name)
                variables[var_name] = Variable(
                    var_name, _type(body.get("type")), _unquote(body["description"]) if "description" in body else None,
                    "default" in body, name, _line(text, "variable", var_name))
        for block in parsed.get("output", []):
            for out_name, body in block.items():
                out_name = _unquote(out_name)
                outputs[out_name] = (name, _line(text, "output", out_name))
                if out_name == GUARD_OUTPUT:
                    guard, guard_problem = _guard(body.get("value") if isinstance(body, dict) else None)
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                resources += [f"{_unquote(kind)}.{_unquote(n)}" for n in (named if isinstance(named, dict) else {})]
        for block in parsed.get("module", []):
            resources += [f"module.{_unquote(n)}" for n in block]
    reads = frozenset(m for content in raw.values() for m in _READS.findall(content.decode("utf-8", "replace")))
    module = Module(directory, variables, outputs, tuple(problems), reads, tuple(sorted(resources)), guard,
                    guard_problem)
    _store(cache_dir, key, module)
    return module


def names(pattern: str, address: str) -> bool:
    """Whether a guard pattern names a resource address (relative to its module): `TYPE.NAME` names each of its
    instances (`TYPE.NAME["key"]`, `TYPE.NAME[0]`), `*` stands for any run of characters."""
    regex = re.escape(pattern).replace(r"\*", ".*")
    return re.fullmatch(regex, address) is not None or re.fullmatch(regex, _INSTANCE.sub("", address)) is not None


def unmatched(module: Module) -> list[tuple[str, str]]:
    """(role, pattern) of the guard's patterns that name none of the module's resources; a pattern into a module
    call (`module.NAME.…`) is checked as far as the call."""
    out = []
    for role, patterns in (module.guard or {}).items():
        for pattern in patterns:
            call = re.match(r"^(module\.[^.\[]+)\.", pattern)
            if not any(names(pattern, r) for r in module.resources) and not (call and call.group(1) in module.resources):
                out.append((role, pattern))
    return out


_INSTANCE = re.compile(r"\[[^\]]*\]")


def _guard(value: Any) -> tuple[dict[str, tuple[str, ...]] | None, str | None]:
    """The declaration in `alchemesh_guard`'s value: `{data = ["TYPE.NAME", …], grants = […]}`, literal only."""
    if not isinstance(value, dict) or any(not isinstance(k, str) or k.startswith("__") for k in value):
        return None, f"`{GUARD_OUTPUT}` must be a literal map: {{data = [\"TYPE.NAME\", …], grants = […], schema = […]}}"
    out = {}
    for role, patterns in value.items():
        role = _unquote(role)
        if role not in GUARD_ROLES:
            return None, f"`{GUARD_OUTPUT}` has `{role}`: it takes {' and '.join(GUARD_ROLES)}"
        items = [_unquote(p) for p in patterns if isinstance(p, str)] if isinstance(patterns, list) else None
        if items is None or len(items) != len(patterns) or any("${" in p or not p for p in items):
            return None, f"`{GUARD_OUTPUT}.{role}` must be a list of literal address patterns"
        out[role] = tuple(items)
    return out, None


def _parse(text: str) -> dict[str, Any]:
    import hcl2

    return hcl2.loads(text)


def config_problems(module: Module, kind: str, config: dict[str, Any]) -> list[tuple[str | None, str]]:
    """(config key or None, message) for keys the module does not declare and variables it needs."""
    interface = set(VARIABLES[kind])
    out: list[tuple[str | None, str]] = []
    for key in config:
        if key not in module.variables:
            known = sorted(set(module.variables) - interface)
            out.append((key, f"`{key}` is not a variable of {module.directory.name}"
                             + (f" (it takes {', '.join(known)})" if known else " (it takes no config)")))
    for variable in module.variables.values():
        if variable.name not in interface and not variable.has_default and variable.name not in config:
            out.append((None, f"{module.directory.name} needs `config.{variable.name}`"
                              + (f": {variable.description}" if variable.description else "")))
    return out


def guess_kind(module: Module) -> str | None:
    """The component type whose distinctive variables the module declares."""
    complete = [kind for kind, v in VARIABLES.items() if set(v) <= set(module.variables)]
    if complete:  # the richest interface the module declares in full
        return max(complete, key=lambda kind: len(VARIABLES[kind]))
    shared = set.intersection(*(set(v) for v in VARIABLES.values()))
    scores = {kind: len((set(v) - shared) & set(module.variables)) for kind, v in VARIABLES.items()}
    best = max(scores.values())
    winners = [kind for kind, score in scores.items() if score == best]
    return winners[0] if best and len(winners) == 1 else None


def _type(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    return re.sub(r"\s+", "", text)


def _unquote(value: Any) -> str:
    text = str(value)
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _line(text: str, kind: str, name: str) -> int:
    match = re.search(rf'^[ \t]*{kind}\s+"?{re.escape(name)}"?\s*\{{', text, re.MULTILINE)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _error_line(error: Exception) -> int:
    return int(getattr(error, "line", 0) or 1)


def _cached(cache_dir: Path | None, key: str) -> dict[str, Any] | None:
    if cache_dir is None:
        return None
    try:
        cached: dict[str, Any] = json.loads((cache_dir / f"module-{key}.json").read_bytes())
        return cached
    except (OSError, ValueError):
        return None


def _store(cache_dir: Path | None, key: str, module: Module) -> None:
    if cache_dir is None:
        return
    body = {
        "variables": [[v.name, v.type, v.description, v.has_default, v.file, v.line] for v in module.variables.values()],
        "outputs": [[name, file, line] for name, (file, line) in module.outputs.items()],
        "problems": [list(p) for p in module.problems],
        "reads": sorted(module.reads),
        "resources": list(module.resources),
        "guard": {role: list(patterns) for role, patterns in module.guard.items()} if module.guard is not None else None,
        "guardProblem": module.guard_problem,
    }
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        write_atomic(cache_dir / f"module-{key}.json", json.dumps(body).encode())
    except OSError:
        pass


def _from_json(directory: Path, body: dict[str, Any]) -> Module:
    variables = {row[0]: Variable(*row) for row in body["variables"]}
    outputs = {name: (file, line) for name, file, line in body["outputs"]}
    guard = body["guard"]
    return Module(directory, variables, outputs, tuple(tuple(p) for p in body["problems"]), frozenset(body["reads"]),
                  tuple(body["resources"]), {role: tuple(p) for role, p in guard.items()} if guard is not None else None,
                  body["guardProblem"])
