"""Spec values in Markdown for PR comments: a contract id, a version or a field name is data, so it can
neither start a heading, close a table cell, mention a user, nor carry HTML."""

from __future__ import annotations

import html
import re

_INLINE = re.compile(r"([*_\[\]~])")


def text(value: object, limit: int = 500) -> str:
    """Plain text in a table cell or a list item: one line, no HTML, no Markdown, no @mention."""
    flat = " ".join(str(value).split())[:limit]
    flat = html.escape(flat, quote=False).replace("\\", "\\\\").replace("|", "\\|").replace("`", "\\`")
    return _INLINE.sub(r"\\\1", flat).replace("@", "&#64;")


def code(value: object, limit: int = 300) -> str:
    """A value shown as code: a code span (nothing in it is Markdown, HTML or a mention), or HTML `<code>`
    for a value with backticks, which no code span can hold in every case."""
    flat = " ".join(str(value).split())[:limit]
    if "`" not in flat:
        return "`" + flat.replace("|", "\\|") + "`"
    return f"<code>{html.escape(flat).replace('|', '&#124;').replace('@', '&#64;')}</code>"


def block(content: str) -> str:
    """A fenced block no line of `content` can close: the fence is longer than any backtick run in it."""
    fence = "```"
    while fence in content:
        fence += "`"
    return f"{fence}text\n{content}\n{fence}\n"
