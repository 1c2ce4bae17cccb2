"""Each YAML file is read at most once per command, and not at all when nothing changed — yet an edit is
always seen, even one that keeps the size and sets the modification time back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.testing import edit, run_cli

_AUDIT = """
import collections, json, sys
counts = collections.Counter()
def hook(event, args):
    if event == "open" and isinstance(args[0], str) and args[0].endswith((".yaml", ".yml")):
        counts[args[0]] += 1
sys.addaudithook(hook)
sys.argv = ["alchemesh", *sys.argv[1:]]
from alchemesh.cli.main import main
try:
    main()
except SystemExit as stop:
    code = stop.code
finally:
    print(json.dumps(counts), file=sys.stderr)
"""


def reads(mesh: Path, *args: str) -> dict[str, int]:
    proc = subprocess.run([sys.executable, "-c", _AUDIT, *args], cwd=mesh, capture_output=True, text=True,
                          env={**os.environ, "NO_COLOR": "1"}, timeout=120)
    return json.loads(proc.stderr.strip().splitlines()[-1])


def test_a_cold_plan_matrix_reads_each_file_once_and_a_warm_validate_none(quickstart: Path):
    cold = reads(quickstart, "plan", "--matrix")
    assert len(cold) == 13 and set(cold.values()) == {1}, cold
    reads(quickstart, "validate")  # records the files' stats with their digests
    assert reads(quickstart, "validate") == {}
    assert reads(quickstart, "plan", "--matrix") == {}


def test_an_edit_that_keeps_size_and_mtime_is_seen(quickstart: Path):
    assert run_cli("validate", cwd=quickstart).code == 0
    assert run_cli("validate", cwd=quickstart).code == 0
    product = quickstart / "domains/sales/orders/product.yaml"
    before = product.stat()
    edit(quickstart, "domains/sales/orders/product.yaml", ("domain: sales", "domain: sal3s"))
    os.utime(product, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert product.stat().st_size == before.st_size and product.stat().st_mtime_ns == before.st_mtime_ns
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 1 and "sal3s" in result.out, result.out
