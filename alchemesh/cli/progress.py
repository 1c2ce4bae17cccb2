"""Live progress of a Terraform run on stderr: one line per stack on a terminal, one line per
finished stack in a CI log."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence

_DONE = {"no-changes", "changes", "drifted", "applied", "destroyed", "failed", "skipped", "cancelled"}
_STYLE = {"failed": "red", "skipped": "yellow", "cancelled": "yellow", "changes": "cyan", "drifted": "magenta",
          "applied": "green", "destroyed": "green", "no-changes": "dim"}


class Progress:
    def __init__(self, keys: Sequence[str], banner: str = ""):
        self.keys = list(keys)
        self.banner = banner  # said once the first stack starts: after a refusal, the refusal stays one line
        self.begun = False
        self.phase = dict.fromkeys(keys, "queued")
        self.started: dict[str, float] = {}
        self.ended: dict[str, float] = {}
        self.live = None
        if sys.stderr.isatty() and keys:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self._table(), console=Console(stderr=True), refresh_per_second=8, transient=False,
                             get_renderable=self._table)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc) -> None:
        if self.live is not None and self.begun:
            self.live.__exit__(*exc)

    def _begin(self) -> None:
        self.begun = True
        if self.banner:
            sys.stderr.write(self.banner + "\n")
            sys.stderr.flush()
        if self.live is not None:
            self.live.__enter__()

    def __call__(self, key: str, phase: str) -> None:
        if not self.begun:
            self._begin()
        now = time.perf_counter()
        if phase != "queued" and (phase not in _DONE or key in self.started):
            self.started.setdefault(key, now)
        self.phase[key] = phase
        if phase in _DONE:
            self.ended[key] = now
            if self.live is None:
                sys.stderr.write(f"{key}: {phase}{self._elapsed(key)}\n")
                sys.stderr.flush()

    def _elapsed(self, key: str) -> str:
        if key not in self.started:
            return ""
        return f" ({self.ended.get(key, time.perf_counter()) - self.started[key]:.1f}s)"

    def _table(self):
        from rich.table import Table
        from rich.text import Text

        table = Table(box=None, show_header=False, pad_edge=False)
        for key in self.keys:
            phase = self.phase[key]
            running = phase not in _DONE and phase != "queued"
            label = Text(("⟳ " if running else "  ") + phase, style=_STYLE.get(phase, "bold" if running else "dim"))
            table.add_row(key, label, self._elapsed(key))
        return table
