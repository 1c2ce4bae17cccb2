"""The last test result of each port, per environment, under `.alchemesh/test/ENV.json`: what the catalog shows.

A run that tested some ports replaces their entries and keeps the others' (each with when it was tested); a port
no longer in the specs is dropped. Written atomically: a failed write leaves the previous results.
"""

from __future__ import annotations

import json
from pathlib import Path

from alchemesh.datatest.result import KeptResult, TestRun
from alchemesh.workspace import TEST_DIR, write_atomic


def results_file(root: Path, environment: str) -> Path:
    return root / TEST_DIR / f"{environment}.json"


def load(root: Path, environment: str) -> dict[str, KeptResult]:
    """Port → its last result; empty when never tested or unreadable, and an entry that is not a result left out."""
    from alchemesh.repofiles import MAX_FILE_BYTES, read_repo_file

    try:  # through the guards every repo file passes: no symlink out of the mesh, no FIFO, a size limit
        data = json.loads(read_repo_file(root, f"{TEST_DIR}/{environment}.json", limit=8 * MAX_FILE_BYTES))
    except (OSError, ValueError, RecursionError):
        return {}
    ports = data.get("ports") if isinstance(data, dict) else None
    results = (KeptResult.read(p) for p in (ports if isinstance(ports, list) else ()))
    return {result.port: result for result in results if result is not None}


def store(root: Path, run: TestRun, known_ports: set[str]) -> Path:
    kept = {port: result for port, result in load(root, run.environment).items() if port in known_ports}
    kept.update({p.port: p.kept(run.tested_at) for p in run.ports})
    path = results_file(root, run.environment)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"environment": run.environment, "ports": [kept[port].to_dict() for port in sorted(kept)]}
    write_atomic(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode())
    return path
