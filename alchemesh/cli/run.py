"""`alchemesh plan|apply|destroy|drift`: compile, then run Terraform over the stacks in DAG order."""

from __future__ import annotations

import contextlib
import inspect
import signal
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer

from alchemesh.cli.app import FailOn, RepoPath, app, choices, command, print_markup, print_plain
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
_SHARED = (("path", RepoPath, None), ("env", Env, None), ("product", Products, None), ("domain", Domains, None),
           ("changed_since", ChangedSince, None), ("include_dependents", Dependents, False),
           ("parallelism", Parallelism, None), ("summary", Summary, None), ("format", Format, RunFormat.text),
           ("terraform", Binary, None), ("provider_mirror", Mirror, None), ("plugin_cache", PluginCache, None),
           ("out", Out, None), ("matrix", Matrix, False), ("lock_timeout", LockTimeout, None),
           ("reconfigure", Reconfigure, False), ("migrate_state", MigrateState, False), ("events", Events, None))
PlanDependents = Annotated[bool, typer.Option(
    "--plan-dependents", help="With --changed-since --include-dependents: also plan the unchanged dependents now "
                              "(by default `deferred`: they read their producers' state, which has yet to change).")]
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
_TEST = tuple(("format", TestFormatOption, TestFormat.text) if name == "format" else
              (name, _hidden(kind), default) if name in _QUIET_FOR_TEST else (name, kind, default)
              for name, kind, default in _SHARED if name not in ("summary", "matrix")) + (
    ("fail_on", FailOnOption, FailOn.error), _TIMEOUT)


def _register(action: str, doc: str, *extra: tuple, shared: tuple = _SHARED) -> None:
    """A run command: the shared options plus `extra`, all handed to `_run` as one `_Options` record."""
    table = (*shared, *extra)

    def run_command(**options) -> int:
        return _run(action, _Options(**options))

    run_command.__signature__ = inspect.Signature(
        [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)
         for name, annotation, default in table], return_annotation=int)
    run_command.__annotations__ = {name: annotation for name, annotation, _ in table} | {"return": int}
    run_command.__name__ = run_command.__qualname__ = f"{action}_command"
    run_command.__doc__ = doc
    app.command(action)(command(run_command))


_register("plan", "Compile, then `terraform init` + `plan` the selected stacks in dependency order.",
          ("plan_dependents", PlanDependents, False))
_register("apply", "Compile, then plan and apply the selected stacks, producers before their consumers.", _APPROVE,
          _TEST_AFTER, _TIMEOUT)
_register("destroy", "Destroy the selected stacks' resources, consumers before their producers.", _APPROVE, _REMOVED)
_register("drift", "Plan every selected stack with -detailed-exitcode; exit 1 when any has drifted from its specs.")
_register("test", "Check the data behind every selected output port against its contract, producers first.",
          shared=_TEST)


@dataclass(frozen=True)
class _Options:
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


def _run(action_name: str, options: _Options) -> int:
    from alchemesh.cli.progress import Progress
    from alchemesh.errors import UsageError
    from alchemesh.load.discovery import find_root
    from alchemesh.terraform.binary import find_binary
    from alchemesh.terraform.environment import prepare as prepare_terraform
    from alchemesh.pipeline import Pipeline
    from alchemesh.terraform.orchestrate import Request, execute, required_version
    from alchemesh.terraform.outcome import Action, Status

    if options.reconfigure and options.migrate_state:
        raise UsageError("--reconfigure and --migrate-state exclude each other: keep the old state, or copy it")
    action = Action(action_name)
    root = find_root(options.path)
    removed = "only" if options.removed else "without" if action in (Action.drift, Action.test) else "with"
    pipeline = Pipeline(root)
    prepared = pipeline.prepare(Request(options.env, options.out, tuple(options.product or ()),
                                        tuple(options.domain or ()), options.changed_since,
                                        options.include_dependents, removed))
    if prepared.selection is None:
        return _invalid(action, prepared, root, options)
    if options.matrix:
        print_plain(_matrix(prepared).decode())
        return 0
    tester = None
    if action is Action.test or options.test:
        from dataclasses import replace

        from alchemesh.datatest.suite import suite
        from alchemesh.terraform.orchestrate import only

        tester = suite(pipeline.analysis, timeout=options.timeout)
        if action is Action.test:
            prepared = replace(prepared, selection=only(prepared.selection, set(tester.ports)))
    keys = [s.key for s in prepared.selection.stacks]
    asks = action in (Action.apply, Action.destroy) and keys and not options.auto_approve
    if asks:
        _require_terminal(action)
    required = required_version(prepared)
    terraform = prepare_terraform(find_binary(options.terraform, required), root,
                                  mirror=options.provider_mirror,
                                  plugin_cache=options.plugin_cache, lock_timeout=options.lock_timeout,
                                  backend_change="reconfigure" if options.reconfigure else
                                  "migrate-state" if options.migrate_state else None)
    binary = terraform.binary
    banner = f"{binary.name} {binary.version} ({binary.path}), {len(keys)} stack(s) in `{prepared.environment}`"
    if binary.skipped:
        banner += f"; passed over for requiredVersion `{required}`: {', '.join(binary.skipped)}"
    if asks:  # the plan first, then the question: about what would really change
        with _terminate_as_interrupt(), Progress(keys, banner) as progress:
            preview = execute(prepared, root, action, terraform, parallelism=options.parallelism, listener=progress,
                              preview=True, defer=True)
        if preview.failed or preview.interrupted:
            _summarise(preview, prepared, root, options)
            return 130 if preview.interrupted else 1
        changing = [o for o in preview.outcomes if o.status is Status.changes and o.changes.total]
        if not changing:
            typer.echo(f"nothing to {action.value}: no stack in `{prepared.environment}` would change", err=True)
            return 0
        if not _confirm(action, prepared, changing, root):
            typer.echo("alchemesh: cancelled", err=True)
            return 1
    with _terminate_as_interrupt(), Progress(keys, "" if asks else banner) as progress:
        result = execute(prepared, root, action, terraform, parallelism=options.parallelism, listener=progress,
                         tester=tester, defer=not options.plan_dependents)
    _publish(options.events, result, pipeline, root, prepared.base)
    if action is Action.test:
        return _tested(result, tester, prepared, root, options)
    _summarise(result, prepared, root, options)
    if tester is not None:
        tested = _keep_tests(result, tester, prepared, root)
        if options.format.value == "text" and tested.ports:
            from alchemesh.report import tests as test_report

            print_markup("\n" + test_report.to_text(tested, root))
    if result.interrupted:
        return 130
    return 1 if result.failed or (action is Action.drift and result.drifted) else 0


def _publish(path: Optional[Path], result, pipeline, root: Path, base: Optional[str]) -> None:
    """The run's events to `--events` and to the Mesh's notifications (the mesh is read only when one of them is
    asked for: a run without either pays nothing)."""
    from alchemesh.load.discovery import MESH_FILE

    mesh_file = root / MESH_FILE
    notified = mesh_file.is_file() and b"notifications" in mesh_file.read_bytes()
    if path is None and not notified and base is None:
        return
    receivers = pipeline.receivers(base)
    if path is None and not receivers.notifications:
        return
    from alchemesh.report.events import run_events, run_id

    publish_events(run_events(result, receivers.mesh, run_id()), path, receivers)


def publish_events(events: list, path: Optional[Path], receivers) -> None:
    """Append the events to `path` in one write (a reader tailing it never sees half a run), POST them to the
    receivers, and say on stderr what was not delivered."""
    from alchemesh.report.deliver import deliver
    from alchemesh.report.events import to_lines

    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab") as handle:
            handle.write(to_lines(events))
    notifications = receivers.notifications
    for missed in deliver(events, notifications, networks=receivers.networks) if notifications and events else ():
        typer.echo(f"alchemesh: note: {missed.events} event(s) not delivered to {missed.url}: {missed.why}", err=True)


def _test_run(result, tester, prepared):
    """The ports tested, in the order their stacks ran; those of the selection that were not, and why."""
    import datetime as dt

    from alchemesh.datatest.result import TestRun

    ran = sorted((o for o in result.outcomes if o.tests), key=lambda o: o.started)
    ports = tuple(p for o in ran for p in o.tests)
    selected = {s.key for s in prepared.selection.stacks}
    skipped = [(port, why) for port, why in tester.untested if port.rsplit("/", 1)[0] in selected]
    for o in result.outcomes:
        if not o.tests and o.key in tester.ports:
            why = o.error or o.reason or o.status.value
            skipped += [(t.port, f"not tested: {o.key} {o.status.value}" + (f" ({why})" if why != o.status.value
                                                                              else "")) for t in tester.ports[o.key]]
    stamp = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return TestRun(prepared.environment, ports, stamp, tuple(sorted(skipped)))


def _keep_tests(result, tester, prepared, root: Path):
    from alchemesh.datatest.history import store

    run = _test_run(result, tester, prepared)
    if run.ports:
        store(root, run, {t.port for targets in tester.ports.values() for t in targets})
    return run


def _tested(result, tester, prepared, root: Path, options: _Options) -> int:
    from alchemesh.findings import Severity
    from alchemesh.report import test_reporter

    run = _keep_tests(result, tester, prepared, root)
    fmt = options.format.value
    output = test_reporter(fmt, f"test/{run.environment}")(run, root)
    print_markup(output) if fmt == "text" else sys.stdout.write(output)
    if result.interrupted:
        return 130
    broken = any(o.status.value == "failed" for o in result.outcomes)  # a stack whose state could not be read
    return 1 if broken or run.fails(Severity(options.fail_on.value)) else 0


@contextlib.contextmanager
def _terminate_as_interrupt():
    """SIGTERM (a cancelled CI job, `timeout`) is handled as Ctrl-C is: Terraform gets its interrupt."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _invalid(action, prepared, root: Path, options: _Options) -> int:
    """Validation failed: the findings instead of a run, and a summary saying why nothing ran."""
    from alchemesh.report import reporter, runs

    text = reporter("text")(prepared.report, root)
    if options.summary is not None:
        _write(options.summary, runs.validation_failed(action, prepared.environment, text,
                                                       json_file=options.summary.suffix == ".json"))
    fmt = options.format.value  # every format its own document, whatever went wrong
    if fmt == "junit":
        from alchemesh.report.tests import validation_junit

        sys.stdout.write(validation_junit(prepared.report, prepared.environment))
    elif fmt == "markdown":
        from alchemesh.report.tests import validation_markdown

        sys.stdout.write(validation_markdown(prepared.report, prepared.environment))
    elif fmt in ("json", "sarif", "github"):
        print_plain(reporter(fmt, f"{action.value}/{prepared.environment}")(prepared.report, root))
    else:
        print_markup(text)
    typer.echo(f"alchemesh: nothing to {action.value}: the mesh has validation errors", err=True)
    return 1


def _require_terminal(action) -> None:
    from alchemesh.errors import UsageError

    if not sys.stdin.isatty():
        raise UsageError(f"{action.value} changes infrastructure: pass --auto-approve (no terminal to confirm on)")


def _confirm(action, prepared, changing: list, root: Path) -> bool:
    """What the plan says would change, destructive stacks first, then the question."""
    from alchemesh.repofiles import from_here
    from alchemesh.terraform.outcome import Action
    from alchemesh.workspace import LOG_DIR

    order = [key for level in prepared.selection.levels for key in level]
    order = order[::-1] if action is Action.destroy else order
    changing = sorted(changing, key=lambda o: (-o.changes.destructive, order.index(o.key) if o.key in order
                                               else len(order)))
    width = max(len(o.key) for o in changing)
    lines = [f"  {o.key:<{width}}  {_counts(o.changes)}" + (f"  ({o.reason})" if o.reason else "") for o in changing]
    total = sum(o.changes.destructive for o in changing)
    head = f"{action.value} would change {len(changing)} stack(s) in `{prepared.environment}`"
    head += f", destroying or replacing {total} resource(s):" if total else ":"
    typer.echo("\n".join([head, *lines]) + f"\nthe full plans: {from_here(root / LOG_DIR / prepared.environment)}", err=True)
    return typer.confirm("Destroy these resources?" if action is Action.destroy else "Apply these changes?", err=True)


def _counts(changes) -> str:
    parts = [(changes.destroy, "to destroy"), (changes.replace, "to replace"), (changes.add, "to add"),
             (changes.change, "to change")]
    return ", ".join(f"{n} {what}" for n, what in parts if n)


def _summarise(result, prepared, root: Path, options: _Options) -> None:
    from alchemesh.report import runs

    if options.summary is not None:
        _write(options.summary, runs.to_json(result, root, prepared.base) if options.summary.suffix == ".json"
               else runs.to_markdown(result, root).encode())
    if options.format is RunFormat.json:
        sys.stdout.write(runs.to_json(result, root, prepared.base).decode())
    else:
        sys.stdout.write(runs.to_text(result, root))


def _matrix(prepared) -> bytes:
    """One line, so that it can go to $GITHUB_OUTPUT as it is."""
    import orjson

    levels = [list(level) for level in prepared.selection.levels]
    include = [{"stack": key, "level": i} for i, level in enumerate(levels) for key in level]
    return orjson.dumps({"environment": prepared.environment, "levels": levels, "include": include},
                        option=orjson.OPT_SORT_KEYS)


def _write(path: Path, content: bytes) -> None:
    from alchemesh.workspace import write_atomic

    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content)
