"""The Typer application, shared options and the one handler that maps failures to exit codes.

Library modules are imported inside the commands, so that `alchemesh --help` stays fast.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from enum import Enum
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from alchemesh import __version__
from alchemesh.findings import Severity
from alchemesh.report import FORMATS

app = typer.Typer(
    name="alchemesh",
    help="Data mesh as code: validate specs, resolve the product graph, check contracts, build Terraform stacks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,  # plain help: importing rich would double the start-up time
    context_settings={"help_option_names": ["-h", "--help"]},
    suggest_commands=False,  # click says "Did you mean …?" itself: typer's would say it twice
)
new_app = typer.Typer(help="Scaffold a resource inside an existing mesh.", no_args_is_help=True, suggest_commands=False)
schema_app = typer.Typer(help="The JSON Schemas of the alchemesh kinds.", no_args_is_help=True, suggest_commands=False)
app.add_typer(new_app, name="new")
app.add_typer(schema_app, name="schema")

_state = {"debug": False}

RepoPath = Annotated[
    Optional[Path],
    typer.Argument(help="A folder of the mesh (default: the working directory): the mesh is the nearest folder at or "
                        "above it holding alchemesh.yaml.", show_default=False),
]


def choices(name: str, values: Iterable[str]) -> Any:
    """An option's choices from the table that defines them (a reporter, a mode, a component type)."""
    return Enum(name, [(value, value) for value in values], type=str)  # type: ignore[misc]


FailOn = choices("FailOn", [severity.value for severity in Severity])
ReportFormat = choices("ReportFormat", FORMATS)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"alchemesh {__version__}")
        raise typer.Exit


@app.callback()
def _main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show Python tracebacks for unexpected failures.")] = False,
) -> None:
    _state["debug"] = debug


def command(func: Callable[..., int]) -> Callable[..., None]:
    """Run a command body that returns an exit code; map failures to one line on stderr and exit 2."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs) -> None:
        from alchemesh.errors import AlchemeshError

        try:
            code = func(*args, **kwargs)
        except typer.Exit:
            raise
        except AlchemeshError as error:
            if _state["debug"]:
                raise
            typer.echo(f"alchemesh: error: {error}", err=True)
            raise typer.Exit(error.exit_code) from None
        except KeyboardInterrupt:
            typer.echo("alchemesh: interrupted", err=True)
            raise typer.Exit(130) from None
        except OSError as error:  # a read-only checkout, a full disk, a folder where a file should be
            if _state["debug"]:
                raise
            where = f" {error.filename}" if error.filename else ""
            typer.echo(f"alchemesh: error: cannot use{where}: {error.strerror or error}", err=True)
            raise typer.Exit(2) from None
        except Exception as error:  # a bug: one line unless --debug
            if _state["debug"]:
                raise
            typer.echo(f"alchemesh: internal error: {type(error).__name__}: {error} (rerun with --debug)", err=True)
            raise typer.Exit(2) from None
        raise typer.Exit(code or 0)

    return wrapper


def print_markup(markup: str) -> None:
    """Rich markup to stdout: colours on a terminal, plain text when piped."""
    from rich.console import Console

    Console(highlight=False, soft_wrap=True).print(markup)


def print_plain(text: str) -> None:
    sys.stdout.write(text if text.endswith("\n") else text + "\n")


def note_undelivered(undelivered) -> None:
    """What a run's or a check's receivers did not get, one line each on stderr."""
    for missed in undelivered:
        typer.echo(f"alchemesh: note: {missed.events} event(s) not delivered to {missed.url}: {missed.why}", err=True)


@contextlib.contextmanager
def one_interrupt() -> Iterator[None]:
    """Ctrl-C and SIGTERM (a cancelled CI job, `timeout`, `docker stop`) stop the command as one KeyboardInterrupt,
    whatever it inherited (a job started in the background of a script ignores SIGINT); only the first counts, so
    that what the command does on its way out (a run's summary) is not cut short by a second one."""
    received: list[int] = []

    def interrupt(signum: int, frame: object) -> None:
        if not received:
            received.append(signum)
            raise KeyboardInterrupt

    previous = {signum: signal.signal(signum, interrupt) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        if not received:  # once interrupted, the process is on its way out: a second signal must not cut it short
            for signum, handler in previous.items():
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
