"""Where each output port's data is, per environment: its `location` output, as the last `apply` or `test` read it
from the stack's state. `.alchemesh/ports/ENV.json`, written atomically; the catalog shows it to consumers.

A location that is a file relative to the stack (a DuckDB database) is made relative to the mesh root: the same in
every checkout. A destroyed stack's ports are dropped.
"""

from __future__ import annotations

import json
import posixpath
from pathlib import Path

from alchemesh.repofiles import MAX_FILE_BYTES, read_repo_file
from alchemesh.terraform.outcome import Run, Status
from alchemesh.workspace import PORTS_DIR, write_atomic


def store(root: Path, run: Run, build: Path) -> None:
    """Record the ports the run's stacks (built under `build`) hold, keep the others, drop those destroyed."""
    if not any(o.ports or o.status is Status.destroyed for o in run.outcomes):
        return
    ports = load(root, run.environment)
    stacks = posixpath.relpath(build.resolve().as_posix(), root.resolve().as_posix())
    for outcome in run.outcomes:
        if outcome.status is Status.destroyed or outcome.ports:
            ports = {port: where for port, where in ports.items() if port.rsplit("/", 1)[0] != outcome.key}
        for name, location in outcome.ports:
            ports[f"{outcome.key}/{name}"] = _from_root(location, build / outcome.key, f"{stacks}/{outcome.key}")
    path = root / PORTS_DIR / f"{run.environment}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"environment": run.environment, "ports": dict(sorted(ports.items()))}
    write_atomic(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode())


def load(root: Path, environment: str) -> dict[str, str]:
    """Port (`domain/product/port`) → its location; empty when nothing was applied here, or the file is not ours."""
    try:
        data = json.loads(read_repo_file(root, f"{PORTS_DIR}/{environment}.json", limit=MAX_FILE_BYTES))
    except (OSError, ValueError, RecursionError):
        return {}
    ports = data.get("ports") if isinstance(data, dict) else None
    if not isinstance(ports, dict):
        return {}
    return {port: where for port, where in ports.items() if isinstance(where, str) and port.count("/") == 2}


def _from_root(location: str, stack_dir: Path, stack: str) -> str:
    """A file relative to the stack (a DuckDB database), relative to the mesh root instead; anything else (a URL,
    `project.dataset`, an absolute path) as it is."""
    if "://" in location or location.startswith("/") or not (stack_dir / location).exists():
        return location
    return posixpath.normpath(posixpath.join(stack, location))
