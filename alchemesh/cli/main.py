"""Entry point: `alchemesh` (console script) and `python -m alchemesh`."""

from __future__ import annotations

import sys
from typing import Any

# The top-level help lists the commands in pipeline order, each with an example in its own help.
ORDER = ("init", "new", "validate", "graph", "usage", "contracts", "access", "codeowners", "compile", "plan", "apply", "destroy", "drift", "test", "docs", "import", "export",
         "rules", "components", "schema")
EXAMPLES = {
    "init": "alchemesh init my-mesh",
    "new product": "alchemesh new product sales returns",
    "validate": "alchemesh validate --format github",
    "graph": "alchemesh graph --focus sales/orders --downstream --format mermaid",
    "usage": "alchemesh usage sales/orders/orders --format json",
    "contracts check": "alchemesh contracts check --against origin/main",
    "contracts diff": "alchemesh contracts diff old.odcs.yaml new.odcs.yaml --mode consumer",
    "contracts changelog": "alchemesh contracts changelog urn:datacontract:sales:orders",
    "access request": "alchemesh access request sales/orders/orders --for marketing/churn --purpose \"Churn model\" "
                      "--until 2027-06-30",
    "codeowners": "alchemesh codeowners --check",
    "compile": "alchemesh compile --env prod --check",
    "plan": "alchemesh plan --changed-since origin/main --include-dependents --summary plan.md",
    "apply": "alchemesh apply --env prod --product sales/orders",
    "destroy": "alchemesh destroy --removed --changed-since HEAD~1 --auto-approve",
    "drift": "alchemesh drift --env prod --format json",
    "test": "alchemesh test --changed-since origin/main --include-dependents --format github",
    "import dbt": "alchemesh import dbt ../shop/target/manifest.json ../marketing/target/manifest.json --check",
    "import odps": "alchemesh import odps exported/*.odps.yaml",
    "import oaas": "alchemesh import oaas requests/orders-for-churn.oaas.yaml",
    "import dua": "alchemesh import dua agreements/*.dua.yaml --check",
    "export odps": "alchemesh export odps --out exported --site-url https://mesh.example.com",
    "export backstage": "alchemesh export backstage --out catalog-info.yaml",
    "export oaas": "alchemesh export oaas --out agreements",
    "export dua": "alchemesh export dua --out agreements",
    "docs build": "alchemesh docs build --out site",
    "docs serve": "alchemesh docs serve --port 8000",
    "rules": "alchemesh rules unresolved-reference",
    "components check": "alchemesh components check components/local",
    "schema export": "alchemesh schema export schemas",
}


# The module that registers each command: a run imports and builds only its own (typer builds every command it
# knows on every call); the top-level help, or a name that is no command, takes them all.
MODULES = {"init": "init", "new": "init", "validate": "validate", "graph": "graph", "usage": "usage",
           "contracts": "contracts", "access": "access", "codeowners": "access",
           "compile": "compile", "plan": "run", "apply": "run", "destroy": "run", "drift": "run", "test": "run",
           "docs": "docs", "import": "interop", "export": "interop", "rules": "rules", "components": "components",
           "schema": "schema"}


def cli(args: list[str] | None = None):
    """The click command behind the Typer app, with the order and the examples above; `args`: the command line,
    whose command alone is registered."""
    import typer

    name = next((a for a in args or () if not a.startswith("-")), None)
    app = _app(MODULES.get(name) if args and name else None)
    group = typer.main.get_command(app)
    group.list_commands = lambda ctx: [name for name in ORDER if name in group.commands]
    for path, example in EXAMPLES.items():
        command: Any = group
        for word in path.split():
            command = getattr(command, "commands", {}).get(word)
        if command is not None:
            command.epilog = f"\b\nExample:\n  {example}"
    _argument_help(group)
    return group


def _argument_help(command) -> None:
    """Click 8.2+ takes an argument's help itself (and lists it in a section of its own) while Typer does not
    pass it on: give it back from the command's signature, where `typer.Argument(help=…)` wrote it, and leave
    the listing to Typer's `Arguments` section."""
    import inspect

    for sub in getattr(command, "commands", {}).values():
        _argument_help(sub)
    if hasattr(command, "format_arguments"):
        command.format_arguments = lambda ctx, formatter: None

    try:
        parameters = inspect.signature(command.callback, eval_str=True).parameters
    except (TypeError, ValueError, NameError):
        return
    for param in command.params:
        annotation = parameters[param.name].annotation if param.name in parameters else None
        for info in getattr(annotation, "__metadata__", ()):
            if param.param_type_name == "argument" and not getattr(param, "help", None) and getattr(info, "help", None):
                param.help = info.help


def _app(module: str | None = None):
    """The Typer app with the commands of `module` registered, or every command."""
    import importlib

    from alchemesh.cli.app import app

    for name in [module] if module else sorted(set(MODULES.values())):
        importlib.import_module(f"alchemesh.cli.{name}")
    return app


def main() -> None:
    from alchemesh.cli.fast import answer

    args = _debug_first(sys.argv[1:])
    code = answer(args)
    if code is not None:
        raise SystemExit(code)
    cli(args)(args=args, prog_name="alchemesh")


def _debug_first(args: list[str]) -> list[str]:
    """`--debug` is an option of alchemesh itself: accepted after the command too (before a `--`)."""
    end = args.index("--") if "--" in args else len(args)
    if "--debug" in args[:end]:
        return ["--debug", *[a for i, a in enumerate(args) if not (a == "--debug" and i < end)]]
    return args
