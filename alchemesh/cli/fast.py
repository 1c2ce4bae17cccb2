"""`alchemesh validate` in pre-commit, when the repo is clean: answered without the CLI (typer, rich). On files
that are those of a clean report, from the report cache alone — no models either: about two interpreter
start-ups; after an edit, validated here. A report with findings goes to the full command, which prints it from
the cache this run just wrote; so does anything else (an option, a terminal whose colours rich would decide)."""

from __future__ import annotations

import os
import sys

_RICH_ENV = ("FORCE_COLOR", "NO_COLOR", "TTY_COMPATIBLE", "TTY_INTERACTIVE", "COLUMNS", "JUPYTER_COLUMNS")


def answer(args: list[str]) -> int | None:
    """The exit code, having printed what the full command would print; None when the full command must run."""
    if not args or args[0] != "validate" or len(args) > 2 or any(a.startswith("-") for a in args[1:]):
        return None
    if any(os.environ.get(name) for name in _RICH_ENV) or os.environ.get("TERM") in ("dumb", "unknown"):
        return None
    try:
        from pathlib import Path

        from alchemesh.pipeline import Pipeline

        pipeline = Pipeline.at(Path(args[1]) if len(args) == 2 else None)
        clean = pipeline.clean()
        if clean is None:
            report = pipeline.report()
            if report.findings:
                return None
            clean = report.files, len(report.waived)
    except KeyboardInterrupt:
        sys.stderr.write("alchemesh: interrupted\n")
        return 130
    except Exception:  # noqa: BLE001 — whatever stands in the way, the full command reports it properly
        return None
    files, waived = clean
    mark = "\x1b[32m✓\x1b[0m" if sys.stdout.isatty() else "✓"
    sys.stdout.write(f"{mark} no findings in {files} file{'s' if files != 1 else ''}"
                     f"{f', {waived} waived' if waived else ''}\n")
    return 0
