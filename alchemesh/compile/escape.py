"""Spec values never become Terraform expressions: in JSON syntax every string is a template, so
`${` and `%{` in a value are escaped to `$${` and `%%{`."""

from __future__ import annotations

import json
from typing import Any


class Expression(str):
    """A Terraform expression alchemesh itself writes (never a spec value): `literal` leaves it as it is."""


def literal(value: Any) -> Any:
    """`value` with every string (keys included) made a literal for Terraform's JSON syntax."""
    if isinstance(value, Expression):
        return value
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{") if "{" in value else value
    if isinstance(value, (dict, list, tuple)):
        if _nothing_to_escape(value):
            return value
        if isinstance(value, dict):
            return {literal(k): literal(v) for k, v in value.items()}
        return [literal(v) for v in value]
    return value


_encode = json.JSONEncoder(ensure_ascii=False, check_circular=False).encode


def _nothing_to_escape(value: dict[str, Any] | list[Any] | tuple[Any, ...]) -> bool:
    """No string inside holds `${` or `%{`: seen in the JSON text, written in C (JSON escapes neither `$`, `%` nor
    `{`, and a quote always stands between two strings), which costs a fraction of the walk. The value is written
    as JSON anyway, so a tuple left a tuple is the same array."""
    try:
        text = _encode(value)
    except (TypeError, ValueError):  # not JSON as it is (a key that is no string, say): the walk decides
        return False
    return "${" not in text and "%{" not in text


def unliteral(text: str) -> str:
    """The string a literal stands for: what Terraform reads `literal(text)` as."""
    return text.replace("$${", "${").replace("%%{", "%{")
