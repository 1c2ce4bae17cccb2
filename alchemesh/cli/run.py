"""`alchemesh plan|apply|destroy|drift|test`: the options to a `RunRequest`, one `Pipeline.run`, its report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from alchemesh.cli.app import note_undelivered, one_interrupt, print_markup, print_plain
from alchemesh.cli.run_options import Options, register_all

if TYPE_CHECKING:
    from alchemesh.pipeline.runs import Action, Outcome, RunRequest, RunResult


def _run(action_name: str, options: Options) -> int:
    from alchemesh.cli.progress import Progress
    from alchemesh.pipeline import Pipeline
    from alchemesh.pipeline.runs import Action

    pipeline, request = Pipeline.at(options.path), _request(Action(action_name), options)
    root = pipeline.root
    with one_interrupt():  # through the report: a second Ctrl-C or SIGTERM does not lose the run's summary
        result = pipeline.run(request, watch=Progress, approve=None if options.auto_approve else _Prompt(root))
        selection = result.prepared.selection
        if options.matrix and selection is not None:
            from alchemesh.report.runs import matrix
            print_plain(matrix(result.prepared.environment, selection.levels).decode())
            return 0
        note_undelivered(result.undelivered)
        return _report(request.action, result, root, options)


def _request(action: Action, options: Options) -> RunRequest:
    from alchemesh.errors import UsageError
    from alchemesh.pipeline.runs import Request, RunRequest

    if options.reconfigure and options.migrate_state:
        raise UsageError("--reconfigure and --migrate-state exclude each other: keep the old state, or copy it")
    if options.allow_data_loss and not (options.reason or "").strip():
        raise UsageError("--allow-data-loss needs --reason TEXT: why the data may go, for the summary and the events")
    select = Request(options.env, options.out, tuple(options.product or ()), tuple(options.domain or ()),
                     options.changed_since, options.include_dependents, "only" if options.removed else "with")
    return RunRequest(action, select, options.terraform, options.provider_mirror, options.plugin_cache,
                      options.lock_timeout, "reconfigure" if options.reconfigure else
                      "migrate-state" if options.migrate_state else None, options.parallelism, options.test,
                      options.timeout, options.plan_dependents, options.events, options.matrix,
                      tuple(options.allow_data_loss or ()), options.reason)


def _report(action: Action, result: RunResult, root: Path, options: Options) -> int:
    from alchemesh.findings import Severity
    from alchemesh.report import runs, test_reporter, tests
    from alchemesh.pipeline.runs import Action

    if not result.valid:
        return _refused(action, result, root, options)
    run = result.run or result.preview
    if run is None or result.declined or (result.run is None and not (run.failed or run.interrupted
                                                                       or run.data_lost)):
        say = "alchemesh: cancelled" if result.declined else (
            f"nothing to {action.value}: no stack in `{result.prepared.environment}` would change")
        typer.echo(say, err=True)
        return 1 if result.declined else 0
    if action is Action.test and result.tests is not None:
        fmt = options.format.value
        output = test_reporter(fmt, f"test/{result.tests.environment}")(result.tests, root)
        print_markup(output) if fmt == "text" else sys.stdout.write(output)
        broken = any(o.status.value == "failed" for o in run.outcomes)  # a stack whose state could not be read
        return 130 if run.interrupted else 1 if broken or result.tests.fails(Severity(options.fail_on.value)) else 0
    guard = result.guard
    if options.summary is not None:
        _write(options.summary, runs.to_json(run, root, result.prepared.base, guard)
               if options.summary.suffix == ".json" else runs.to_markdown(run, root, guard).encode())
    if options.format.value == "json":
        sys.stdout.write(runs.to_json(run, root, result.prepared.base, guard).decode())
    else:
        sys.stdout.write(runs.to_text(run, root, guard))
        if result.tests is not None and result.tests.ports:
            print_markup("\n" + tests.to_text(result.tests, root))
    guard_error = any(f.severity is Severity.ERROR for f in guard)  # data lost, or a reader's grant going
    return 130 if run.interrupted else 1 if run.failed or guard_error or (action is Action.drift and run.drifted) \
        else 0


def _refused(action: Action, result: RunResult, root: Path, options: Options) -> int:
    """Validation failed: the findings instead of a run, and a summary saying why nothing ran."""
    from alchemesh.report import refusal, reporter, runs

    prepared = result.prepared
    text = reporter("text")(prepared.report, root)
    if options.summary is not None:
        _write(options.summary, runs.validation_failed(action, prepared.environment, text,
                                                       json_file=options.summary.suffix == ".json"))
    fmt = options.format.value
    print_markup(text) if fmt == "text" else print_plain(refusal(fmt, action.value, prepared.environment)(
        prepared.report, root))
    typer.echo(f"alchemesh: nothing to {action.value}: the mesh has validation errors", err=True)
    return 1


class _Prompt:
    """apply/destroy on a terminal: what the plan would change, destructive stacks first, then the question."""

    def __init__(self, root: Path):
        self.root = root

    def ready(self, action: Action) -> None:
        from alchemesh.errors import UsageError

        if not sys.stdin.isatty():
            raise UsageError(f"{action.value} changes infrastructure: pass --auto-approve (no terminal to confirm on)")

    def __call__(self, action: Action, environment: str, changing: list[Outcome], order: list[str]) -> bool:
        from alchemesh.repofiles import from_here
        from alchemesh.report.runs import confirmation
        from alchemesh.workspace import LOG_DIR

        typer.echo(confirmation(action, environment, changing, order), err=True)
        typer.echo(f"the full plans: {from_here(self.root / LOG_DIR / environment)}", err=True)
        return typer.confirm("Destroy these resources?" if action.value == "destroy" else "Apply these changes?",
                             err=True)


def _write(path: Path, content: bytes) -> None:
    from alchemesh.workspace import write_atomic
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, content)


register_all(_run)
