"""Shared by sunset-approaching and sunset-passed: the consumers of a dated sunset (`resolve.sunsets`) told on the
day the clock reads — near it (from the Mesh's warning days before) or past it."""

from __future__ import annotations

from collections.abc import Iterator

from alchemesh.clock import today
from alchemesh.findings import Finding
from alchemesh.resolve.sunsets import notices, warning_days
from alchemesh.validate.rules.base import Context, Rule


def sunsets(ctx: Context, rule: Rule, passed: bool) -> Iterator[Finding]:
    """The findings of `rule`: sunsets already past (`passed`), or within the Mesh's warning days."""
    now = today()
    warn = warning_days(ctx.index)
    for notice in notices(ctx.index, ctx.graph, ctx.usage):
        days = notice.days_left(now)
        if (days < 0) != passed or (not passed and days > warn):
            continue
        yield rule.at(notice.message(now), notice.file, notice.line, notice.column, notice.path or (),
                      notice.hint, products=(notice.consumer,))
