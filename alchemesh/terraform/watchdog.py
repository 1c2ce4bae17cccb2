"""Interrupt Terraform when alchemesh itself dies.

Terraform runs in its own session, so that a Ctrl-C reaches alchemesh alone and alchemesh passes on one
interrupt at a safe moment. Were alchemesh killed (SIGKILL, an out-of-memory kill, a CI runner stopping it),
Terraform would run on unsupervised, with no interrupt ever coming. This process, started once per run in a
session of its own, holds a pipe from alchemesh: `+PGID` registers a Terraform process group, `-PGID` says it
ended. When the pipe closes with groups still registered, alchemesh is gone: each gets its interrupt, and
Terraform stops at a safe point and writes its state (its output goes to a log file, not a pipe, so it cannot
die of a closed pipe first).
"""

from __future__ import annotations

import os
import signal
import sys
import contextlib


def main() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    running: set[int] = set()
    for line in sys.stdin:
        line = line.strip()
        if line[:1] == "+" and line[1:].isdigit():
            running.add(int(line[1:]))
        elif line[:1] == "-" and line[1:].isdigit():
            running.discard(int(line[1:]))
    for group in sorted(running):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(group, signal.SIGINT)


if __name__ == "__main__":
    main()
