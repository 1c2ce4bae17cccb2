"""The options of `alchemesh plan|apply|destroy|drift|test`: one table, read by every run command's signature."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import FailOn, RepoPath, app, choices, command
from alchemesh.report import RUN_FORMATS, TEST_FORMATS


RunFormat = choices("RunFormat", RUN_FORMATS)
TestFormat = choices("TestFormat", TEST_FORMATS)


Env = Annotated[Optional[str], typer.Option("--env", envvar="ALCHEMESH_ENV", help="Environment (default: the Mesh's first).")]
Products = Annotated[Optional[list[str]], typer.Option(
    "--product", help="Only this stack: a product DOMAIN/NAME or NAME, or DOMAIN/_domain, _mesh (repeatable).")]
Domains = Annotated[Optional[list[str]], typer.Option("--domain", help="Only this domain's stacks (repeatable).")]
ChangedSince = Annotated[Optional[str], typer.Option(
    "--changed-since", metavar="REF", help="Only stacks whose compiled content or read files changed since REF.")]
Dependents = Annotated[bool, typer.Option("--include-dependents", help="Add every stack downstream of the selected ones.")]
Parallelism = Annotated[Optional[int], typer.Option("--parallelism", min=1, help="Stacks run at once (default: CPU count).")]
Summary = Annotated[Optional[Path], typer.Option(
    "--summary", metavar="FILE", help="Also write the summary: Markdown for a PR comment, or JSON for FILE.json.")]
Format = Annotated[RunFormat, typer.Option("--format", help="Summary on stdout: text or json.")]
Binary = Annotated[Optional[str], typer.Option(
    "--terraform", metavar="BIN", help="terraform or tofu executable (default: $ALCHEMESH_TERRAFORM, then PATH).")]
Mirror = Annotated[Optional[Path], typer.Option(
    "--provider-mirror", metavar="DIR", help="Install providers from this filesystem mirror ($ALCHEMESH_PROVIDER_MIRROR).")]
PluginCache = Annotated[Optional[Path], typer.Option("--plugin-cache", metavar="DIR", help="Terraform's plugin cache folder.")]
Out = Annotated[Optional[Path], typer.Option(help="Build directory (default: .alchemesh/build).")]
Matrix = Annotated[bool, typer.Option("--matrix", help="Print the selected stacks by DAG level as JSON for a CI matrix; run nothing.")]
AutoApprove = Annotated[bool, typer.Option("--auto-approve", help="Do not ask for confirmation.")]
LockTimeout = Annotated[Optional[str], typer.Option(
    "--lock-timeout", metavar="DURATION",
    help="Wait this long for a state lock (default 60s; 0s fails at once), as Terraform's -lock-timeout.")]
Reconfigure = Annotated[bool, typer.Option(
    "--reconfigure", help="After a backend change: init each stack on the new backend, leaving the old state where it is.")]
MigrateState = Annotated[bool, typer.Option(
    "--migrate-state", help="After a backend change: init each stack and copy its state to the new backend.")]
Removed = Annotated[bool, typer.Option(
    "--removed", help="Only the stacks of products removed from the specs whose state still holds resources.")]
TestAfter = Annotated[bool, typer.Option(
    "--test", help="Test each product's output ports right after its stack applies; a failing port stops its "
                   "dependents.")]
TestFormatOption = Annotated[TestFormat, typer.Option("--format", help="Output format.")]
FailOnOption = Annotated[FailOn, typer.Option(help="Exit 1 when a finding is at or above this severity.")]
Events = Annotated[Optional[Path], typer.Option(
    "--events", metavar="FILE", help="Append what the run did as CloudEvents 1.0, one JSON document per line.")]
Timeout = Annotated[float, typer.Option("--timeout", metavar="SECONDS", min=0.1,
                                        help="Give up on a query after this long (a finding, not a hang).")]


# The options every run command takes, in the order --help lists them: one table, not four signatures.
SHARED = (("path", RepoPath, None), ("env", Env, None), ("product", Products, None), ("domain", Domains, None),
           ("changed_since", ChangedSince, None), ("include_dependents", Dependents, False),
           ("parallelism", Parallelism, None), ("summary", Summary, None), ("format", Format, RunFormat.text),
           ("terraform", Binary, None), ("provider_mirror", Mirror, None), ("plugin_cache", PluginCache, None),
           ("out", Out, None), ("matrix", Matrix, False), ("lock_timeout", LockTimeout, None),
           ("reconfigure", Reconfigure, False), ("migrate_state", MigrateState, False), ("events", Events, None))
PlanDependents = Annotated[bool, typer.Option(
    "--plan-dependents", help="With --changed-since --include-dependents: also plan the unchanged dependents now "
                              "(by default `deferred`: they read their producers' state, which has yet to change).")]
AllowDataLoss = Annotated[Optional[list[str]], typer.Option(
    "--allow-data-loss", metavar="DOMAIN/PRODUCT/PORT",
    help="Let the plan destroy this port's data (repeatable; needs --reason); never in an environment its `protect` "
         "lists.")]
Reason = Annotated[Optional[str], typer.Option(
    "--reason", metavar="TEXT", help="Why the data may go: in the summary, the PR comment and the events.")]
_GUARD = (("allow_data_loss", AllowDataLoss, None), ("reason", Reason, None))
_APPROVE = ("auto_approve", AutoApprove, False)
_REMOVED = ("removed", Removed, False)
_TEST_AFTER = ("test", TestAfter, False)
_TIMEOUT = ("timeout", Timeout, 300.0)
def _hidden(annotation):
    """The same option, accepted (SPEC §4) but not listed: it means nothing to a data test."""
    import copy

    info = copy.copy(annotation.__metadata__[0])
    info.hidden = True
    return Annotated[annotation.__origin__, info]


# `test` reports findings: their formats, and --fail-on; it writes no run summary and has no CI matrix; it reads
# state, so what steers a state lock or a backend change is accepted and not listed
_QUIET_FOR_TEST = ("lock_timeout", "reconfigure", "migrate_state")
TEST = tuple(("format", TestFormatOption, TestFormat.text) if name == "format" else
              (name, _hidden(kind), default) if name in _QUIET_FOR_TEST else (name, kind, default)
              for name, kind, default in SHARED if name not in ("summary", "matrix")) + (
    ("fail_on", FailOnOption, FailOn.error), _TIMEOUT)


@dataclass(frozen=True)
class Options:
    """The options every run command shares, as the command received them."""

    path: Optional[Path]
    env: Optional[str]
    product: Optional[list[str]]
    domain: Optional[list[str]]
    changed_since: Optional[str]
    include_dependents: bool
    parallelism: Optional[int]
    format: Enum
    terraform: Optional[str]
    provider_mirror: Optional[Path]
    plugin_cache: Optional[Path]
    out: Optional[Path]
    summary: Optional[Path] = None
    matrix: bool = False
    lock_timeout: Optional[str] = None
    events: Optional[Path] = None
    reconfigure: bool = False
    migrate_state: bool = False
    auto_approve: bool = False
    removed: bool = False
    test: bool = False
    plan_dependents: bool = False
    timeout: float = 300.0
    fail_on: Enum = FailOn.error
    allow_data_loss: Optional[list[str]] = None
    reason: Optional[str] = None


def register(action: str, doc: str, handler: Callable[[str, Options], int], *extra: tuple,
             shared: tuple = SHARED) -> None:
    """A run command: the shared options plus `extra`, all handed to `handler` as one `Options` record."""
    table = (*shared, *extra)

    def run_command(**options) -> int:
        return handler(action, Options(**options))

    run_command.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)
         for name, annotation, default in table], return_annotation=int)
    run_command.__annotations__ = {name: annotation for name, annotation, _ in table} | {"return": int}
    run_command.__name__ = run_command.__qualname__ = f"{action}_command"
    run_command.__doc__ = doc
    app.command(action)(command(run_command))




# Each run command: its help, the options it takes besides the shared ones, and the shared table it uses.
COMMANDS = {
    "plan": ("Compile, then `terraform init` + `plan` the selected stacks in dependency order.",
             (("plan_dependents", PlanDependents, False), *_GUARD), SHARED),
    "apply": ("Compile, then plan and apply the selected stacks, producers before their consumers.",
              (_APPROVE, _TEST_AFTER, _TIMEOUT, *_GUARD), SHARED),
    "destroy": ("Destroy the selected stacks' resources, consumers before their producers.", (_APPROVE, _REMOVED),
                SHARED),
    "drift": ("Plan every selected stack with -detailed-exitcode; exit 1 when any has drifted from its specs.", (),
              SHARED),
    "test": ("Check the data behind every selected output port against its contract, producers first.", (), TEST),
}


def register_all(handler: Callable[[str, Options], int]) -> None:
    for action, (doc, extra, shared) in COMMANDS.items():
        register(action, doc, handler, *extra, shared=shared)
