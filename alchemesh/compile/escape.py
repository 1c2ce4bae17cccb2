"""Spec values never become Terraform expressions: in JSON syntax every string is a template, so
`${` and `%{` in a value are escaped to `$${` and `%%{`."""

from __future__ import annotations

from typing import Any


class Expression(str):
    """A Terraform expression alchemesh itself writes (never a spec value): `literal` leaves it as it is."""


def literal(value: Any) -> Any:
    """`value` with every string (keys included) made a literal for Terraform's JSON syntax."""
    if isinstance(value, Expression):
        return value
    if isinstance(value, str):
        return value.replace("${", "$${").replace("%{", "%%{") if "{" in value else value
    if isinstance(value, dict):
        return {literal(k): literal(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [literal(v) for v in value]
    return value


def unliteral(text: str) -> str:
    """The string a literal stands for: what Terraform reads `literal(text)` as."""
    return text.replace("$${", "${").replace("%%{", "%{")
