"""`alchemesh rules`: every rule with its default severity, why it exists and an example."""

from __future__ import annotations

import textwrap
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import app, choices, command, print_markup, print_plain

RulesFormat = choices("RulesFormat", ("text", "json"))


@app.command("rules")
@command
def rules_command(
    name: Annotated[Optional[str], typer.Argument(help="Show one rule in full.", show_default=False)] = None,
    format: Annotated[RulesFormat, typer.Option("--format", "-f", help="Output format.")] = RulesFormat.text,
    as_json: Annotated[bool, typer.Option("--json", hidden=True, help="Same as --format json.")] = False,
) -> int:
    """List the validation rules, or explain one."""
    import json

    from rich.markup import escape

    from alchemesh.errors import UsageError
    from alchemesh.hints import did_you_mean
    from alchemesh.pipeline.tools import rules as every_rule

    rules = every_rule()
    if name is not None and name not in rules:
        hint = did_you_mean(name, rules)
        raise UsageError(f"no rule `{name}`" + (f"; {hint}" if hint else "; `alchemesh rules` lists them"))
    chosen = [rules[name]] if name else list(rules.values())
    if as_json or format is RulesFormat.json:
        print_plain(json.dumps([_as_dict(r) for r in chosen], indent=2))
        return 0
    blocks = []
    for rule in chosen:
        head = f"[bold]{rule.name}[/] [dim]({escape(rule.modes or rule.severity.value)})[/] {escape(rule.summary)}"
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
        **({"modes": rule.modes} if rule.modes else {}),
        "summary": rule.summary,
        **{title.lower(): tw.dedent(rule.section(title)) for title in ("Why", "Example", "Fix")},
    }
