"""`alchemesh rules`: every rule with its default severity, why it exists and an example."""

from __future__ import annotations

import textwrap
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import app, command, print_markup, print_plain


@app.command("rules")
@command
def rules_command(
    name: Annotated[Optional[str], typer.Argument(help="Show one rule in full.", show_default=False)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the registry as JSON.")] = False,
) -> int:
    """List the validation rules, or explain one."""
    import json

    from rich.markup import escape

    from alchemesh.errors import UsageError
    from alchemesh.hints import did_you_mean
    from alchemesh.all_rules import every_rule

    rules = every_rule()
    if name is not None and name not in rules:
        raise UsageError(f"no rule `{name}`" + (f"; {did_you_mean(name, rules)}" if did_you_mean(name, rules) else ""))
    chosen = [rules[name]] if name else list(rules.values())
    if as_json:
        print_plain(json.dumps([_as_dict(r) for r in chosen], indent=2))
        return 0
    blocks = []
    for rule in chosen:
        head = f"[bold]{rule.name}[/] [dim]({rule.severity.value})[/] {escape(rule.summary)}"
        if name is None:
            blocks.append(head)
            continue
        body = [head]
        for title in ("Why", "Example", "Fix"):
            body.append(f"\n[bold]{title}[/]\n{escape(textwrap.indent(textwrap.dedent(rule.section(title)), '  '))}")
        blocks.append("\n".join(body))
    print_markup("\n".join(blocks))
    return 0


def _as_dict(rule) -> dict:
    import textwrap as tw

    return {
        "name": rule.name,
        "severity": rule.severity.value,
        "summary": rule.summary,
        **{title.lower(): tw.dedent(rule.section(title)) for title in ("Why", "Example", "Fix")},
    }
