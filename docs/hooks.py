"""The reference pages, generated from the code as the site builds (an MkDocs hook): a line
`<!-- generated: NAME -->` in a page is replaced by `GENERATORS[NAME]()`. The same functions back the tests that
hold the reference to the code, so a command, field, rule, interface or event cannot go undocumented."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_MARKER = re.compile(r"^<!-- generated: ([a-z-]+) -->$", re.M)


def commands() -> str:
    """Every command and sub-command, with its help as `--help` prints it."""
    import click

    from alchemesh.cli.main import cli

    group = cli()
    out = []
    for path, command in _walk(group, ("alchemesh",)):
        with click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100) as context:
            text = command.get_help(context)
        out.append(f"## `{' '.join(path)}`\n\n```text\n{text}\n```\n")
    return "\n".join(out)


def _walk(command, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], object]]:
    import click

    if path != ("alchemesh",):
        yield path, command
    if isinstance(command, click.Group):
        context = click.Context(command)
        for name in command.list_commands(context):
            yield from _walk(command.commands[name], (*path, name))


def fields() -> str:
    """Every field of every kind, from the JSON Schemas the models export (`alchemesh schema export`)."""
    from alchemesh.model.schema_export import kind_schemas

    out = []
    for name, schema in kind_schemas().items():
        kind = schema.get("title") or name
        out.append(f"## {kind}\n\n| field | type | description |\n|---|---|---|")
        for field, kind_of, description in _fields(schema, schema, ""):
            out.append(f"| `{field}` | {kind_of} | {_cell(description)} |")
        out.append("")
    return "\n".join(out)


def _fields(schema: dict, root: dict, prefix: str, seen: frozenset[str] = frozenset()) -> Iterator[tuple[str, str, str]]:
    for name, node in (schema.get("properties") or {}).items():
        path = f"{prefix}{name}"
        node, ref = _resolved(node, root)
        yield path, _type(node, root), node.get("description", "")
        if ref in seen:
            continue
        inner = seen | {ref} if ref else seen
        items, item_ref = _resolved(node.get("items") or {}, root)
        values = node.get("additionalProperties") or next(iter((node.get("patternProperties") or {}).values()), None)
        values, value_ref = _resolved(values, root) if isinstance(values, dict) else ({}, "")
        if "properties" in node:
            yield from _fields(node, root, f"{path}.", inner)
        elif "properties" in items and item_ref not in seen:
            yield from _fields(items, root, f"{path}[].", inner | {item_ref} if item_ref else inner)
        elif "properties" in values and value_ref not in seen:  # a map of records: `components.NAME.source`
            yield from _fields(values, root, f"{path}.NAME.", inner | {value_ref} if value_ref else inner)
        for branch in node.get("anyOf") or ():
            branch, branch_ref = _resolved(branch, root)
            if "properties" in branch and branch_ref not in seen:
                yield from _fields(branch, root, f"{path}.", inner | {branch_ref} if branch_ref else inner)


def _resolved(node: dict, root: dict) -> tuple[dict, str]:
    ref = node.get("$ref", "")
    if ref.startswith("#/$defs/"):
        return {**root["$defs"][ref.rsplit("/", 1)[1]], **{k: v for k, v in node.items() if k != "$ref"}}, ref
    return node, ""


def _type(node: dict, root: dict) -> str:
    if "const" in node:
        return f"`{json.dumps(node['const'])}`"
    if "enum" in node:
        return " \\| ".join(f"`{value}`" for value in node["enum"])
    if "anyOf" in node:
        return " or ".join(_type(_resolved(branch, root)[0], root) for branch in node["anyOf"])
    kind = node.get("type", "object" if "properties" in node else "any")
    if kind == "array":
        return f"list of {_type(_resolved(node.get('items') or {}, root)[0], root)}"
    return kind if isinstance(kind, str) else " or ".join(kind)


def rules() -> str:
    """Every rule of the registry: its default severity and what it finds, with a link to its explanation."""
    from alchemesh.all_rules import every_rule

    out = ["| rule | default | finds |", "|---|---|---|"]
    for rule in every_rule().values():
        severity = "per compatibility mode" if rule.modes else rule.severity.value
        out.append(f"| `{rule.name}` | {severity} | {_cell(rule.summary)} |")
    out.append("\n`alchemesh rules NAME` explains each: why it matters, an example and the fix.\n")
    for rule in every_rule().values():
        out.append(f"## `{rule.name}`\n\n{rule.summary}\n")
        for title in ("Why", "Example", "Fix"):
            section = rule.section(title)
            if section:
                out.append(f"**{title}.**\n\n```text\n{_dedent(section)}\n```\n" if title == "Example"
                           else f"**{title}.** {' '.join(line.strip() for line in section.splitlines())}\n")
    return "\n".join(out)


def interfaces() -> str:
    """What alchemesh passes to every component of each type, and the outputs it reads back."""
    from alchemesh.model.interface import NULLABLE, OUTPUTS, VARIABLES

    out = []
    for kind, variables in VARIABLES.items():
        out.append(f"## `{kind}`\n\n| variable | type | may be null |\n|---|---|---|")
        out += [f"| `{name}` | `{type_}` | {'yes' if name in NULLABLE else ''} |" for name, type_ in variables.items()]
        outputs = ", ".join(f"`{name}`" for name in OUTPUTS[kind]) or "none"
        out.append(f"\nOutputs read back: {outputs}.\n")
    return "\n".join(out)


def events() -> str:
    """Every event type, with the fields of its `data`."""
    from alchemesh.report.events import event_schemas

    out = ["| type | `data` fields |", "|---|---|"]
    for schema in event_schemas().values():
        data = schema["properties"]["data"]
        names = ", ".join(f"`{name}`" for name in (data.get("properties") or {}))
        out.append(f"| `{schema['title']}` | {names} |")
    return "\n".join(out) + "\n"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _dedent(text: str) -> str:
    import textwrap

    return textwrap.dedent(text).strip("\n")


GENERATORS: dict[str, Callable[[], str]] = {"commands": commands, "fields": fields, "rules": rules,
                                            "interfaces": interfaces, "events": events}


def expand(markdown: str) -> str:
    return _MARKER.sub(lambda m: GENERATORS[m.group(1)]().rstrip("\n"), markdown)


def on_page_markdown(markdown: str, **kwargs) -> str:
    return expand(markdown)
