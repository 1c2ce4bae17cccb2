"""A plan for a person, read from `terraform show -json`: the same text whichever Terraform version planned it."""

from __future__ import annotations

import json
from typing import Any

from alchemesh.findings import printable

_VERBS = {("create",): "+", ("update",): "~", ("delete",): "-", ("delete", "create"): "-/+", ("create", "delete"): "+/-"}
_SHOWN = 100  # characters of one value in a plan


def plan_text(plan: dict[str, Any]) -> str:
    """A plan for a person, from `show -json`: each resource to change with its sign (`+`, `~`, `-`, `-/+`), the
    attributes that force a replacement, and what changes in each attribute (unknown and sensitive values said as
    such); then the outputs. The same text whichever Terraform version planned it."""
    lines: list[str] = []
    for change in plan.get("resource_changes") or ():
        detail = change.get("change") or {}
        sign = _VERBS.get(tuple(detail.get("actions") or ()))
        if sign is None:
            continue
        forced = sorted({".".join(map(str, path)) for path in detail.get("replace_paths") or () if path})
        head = f"{sign} {change.get('address', '?')}"
        lines.append(head + (f" (replaced: {', '.join(forced)} cannot change in place)" if forced else ""))
        if sign != "-":
            lines += [f"    {name}: {was} → {now}" for name, was, now in attribute_changes(detail)]
    outputs = [f"{_VERBS.get(tuple(c.get('actions') or ()), '~')} {name}"
               for name, c in sorted((plan.get("output_changes") or {}).items())
               if isinstance(c, dict) and tuple(c.get("actions") or ()) not in ((), ("no-op",))]
    if outputs:
        lines += ["outputs:", *(f"  {line}" for line in outputs)]
    return "\n".join(lines)


def attribute_changes(change: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(attribute, before, after) of each leaf a resource change changes (`triggers.path`), as a person reads them:
    unknown and sensitive values said as such."""
    before, after = change.get("before"), change.get("after")
    unknown, hidden = change.get("after_unknown"), (change.get("before_sensitive"), change.get("after_sensitive"))
    changed: list[tuple[str, str, str]] = []

    def walk(path: str, was: Any, now: Any, unknown: Any, was_hidden: Any, now_hidden: Any) -> None:
        if isinstance(was, dict) and isinstance(now, dict) and not isinstance(unknown, bool):
            for key in sorted(set(was) | set(now) | set(unknown or {})):
                walk(f"{path}.{key}" if path else str(key), was.get(key), now.get(key), (unknown or {}).get(key),
                     _part(was_hidden, key), _part(now_hidden, key))
            return
        if unknown is True:
            shown_now = "(known after apply)"
        elif now == was:
            return
        else:
            shown_now = "(sensitive)" if now_hidden is True else _value(now)
        changed.append((path, "(sensitive)" if was_hidden is True else _value(was), shown_now))

    walk("", before if isinstance(before, dict) else {}, after if isinstance(after, dict) else {},
         unknown if isinstance(unknown, dict) else {}, *hidden)
    return changed


def _part(hidden: Any, key: str) -> Any:
    return hidden.get(key) if isinstance(hidden, dict) else hidden


def _value(value: Any) -> str:
    if value is None:
        return "null"
    text = printable(json.dumps(value, sort_keys=True, ensure_ascii=False))
    return text if len(text) <= _SHOWN else text[:_SHOWN - 1] + "…"
