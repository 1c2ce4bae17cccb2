"""The last test result of each port, per environment, under `.alchemesh/test/ENV.json`: what the catalog shows.

A run that tested some ports replaces their entries and keeps the others' (each with when it was tested); a port
no longer in the specs is dropped. Written atomically: a failed write leaves the previous results.
"""

from __future__ import annotations

import json
from pathlib import Path

from alchemesh.datatest.result import PORT_STATUSES, TestRun
from alchemesh.workspace import TEST_DIR, write_atomic


def results_file(root: Path, environment: str) -> Path:
    return root / TEST_DIR / f"{environment}.json"


def load(root: Path, environment: str) -> dict[str, dict]:
    """Port → its last result (as `PortResult.to_dict` writes it); empty when never tested or unreadable."""
    try:
        data = json.loads(results_file(root, environment).read_bytes())
    except (OSError, ValueError):
        return {}
    ports = data.get("ports") if isinstance(data, dict) else None
    if not isinstance(ports, list):
        return {}
    return {p["port"]: p for p in ports if isinstance(p, dict) and isinstance(p.get("port"), str)
            and p.get("status") in PORT_STATUSES and isinstance(p.get("checks"), list)}


def store(root: Path, run: TestRun, known_ports: set[str]) -> Path:
    kept = {port: result for port, result in load(root, run.environment).items() if port in known_ports}
    kept.update({p.port: p.to_dict(run.tested_at) for p in run.ports})
    path = results_file(root, run.environment)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = {"environment": run.environment, "ports": [kept[port] for port in sorted(kept)]}
    write_atomic(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode())
    return path
