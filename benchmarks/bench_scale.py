"""The scale targets, each measured side by side with its anchor, peak memory included.

    python benchmarks/bench_scale.py [--sizes 1000,10000] [--plan-size 200] [--repeat 3] [--skip plan] [--markdown]

Every figure is a fresh subprocess: its wall time (best of --repeat) and its peak resident memory (`os.wait4`'s
`ru_maxrss` of that very process). The meshes are generate_mesh.py's, which validate clean against the real local
components with every rule on; each is copied to a temporary folder first, so nothing cached survives between
scripts. Rows say what is measured, the figure, its anchor, the ratio and the target.

- the floor: `validate` with no cache, against a plain libyaml load of the same files (`bench_validate.py`'s script);
- memory: cold `validate`, `compile`, `docs build` at each size;
- pre-commit: a warm `validate` of the quickstart against `python -c pass`; one changed file against a cold run;
- compile of an unchanged mesh against a cached `validate`;
- the catalog: its size, its file count, and the files a rebuild after one edit writes;
- plans: after one upstream contract edit, `plan --changed-since HEAD --include-dependents` — how many stacks run a
  Terraform plan, and how long — against the same with `--plan-dependents` (needs Terraform; `--skip plan` skips).
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
from collections.abc import Callable
from pathlib import Path

from bench_validate import PARSE_SCRIPT, alchemesh_cmd, git_commit, log, mesh_arguments, mesh_copy, render

HERE = Path(__file__).resolve().parent
REPO = HERE.parent


def run(cmd: list[str], cwd: Path | None = None, env: dict | None = None) -> tuple[float, float, int, str]:
    """(seconds, peak MB, exit code, stdout+stderr) of one fresh process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            stdin=subprocess.DEVNULL)
    out = proc.stdout.read().decode("utf-8", "replace")
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - start, usage.ru_maxrss / 1024, proc.returncode, out


def best(cmd: list[str], repeat: int, cwd: Path | None = None, before: Callable[[], None] | None = None,
         env: dict | None = None) -> tuple[float, float, str]:
    """Best time and highest peak memory over `repeat` runs; a failing command stops the script."""
    times, peaks, out = [], [], ""
    for _ in range(repeat):
        if before:
            before()
        seconds, peak, code, out = run(cmd, cwd, env)
        if code not in (0, 1) or "Traceback" in out:
            sys.exit(f"{' '.join(cmd)} failed ({code}):\n{out[-2000:]}")
        times.append(seconds)
        peaks.append(peak)
    return min(times), max(peaks), out


class Rows:
    def __init__(self):
        self.rows: list[list[str]] = []

    def add(self, what: str, value: float, unit: str, anchor: str = "", anchor_value: float | None = None,
            target: str = "", holds: bool | None = None) -> None:
        ratio = f"{value / anchor_value:.2f}x" if anchor_value else ""
        shown = f"{value:,.2f} {unit}" if unit in ("s",) else f"{value:,.0f} {unit}"
        anchor_shown = "" if anchor_value is None else (
            f"{anchor}: {anchor_value:,.2f} s" if unit == "s" else f"{anchor}: {anchor_value:,.0f} {unit}")
        mark = "" if holds is None else ("holds" if holds else "misses")
        self.rows.append([what, shown, anchor_shown, ratio, target, mark])
        log(f"  {what}: {shown} {anchor_shown} {ratio} {mark}")


def quickstart(tmp: Path) -> Path:
    """The quickstart placed as in this repo (its components at ../../components), a git repository."""
    target = tmp / "qs" / "mesh-examples" / "quickstart"
    shutil.copytree(REPO / "mesh-examples" / "quickstart", target, ignore=shutil.ignore_patterns(".alchemesh"))
    shutil.copytree(REPO / "components" / "local", tmp / "qs" / "components" / "local",
                    ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
    git_commit(target)
    return target


def touch_a_product(mesh: Path) -> Callable[[], None]:
    """Before each run: one product file changes (a comment more), as an edit before a commit."""
    product = sorted(mesh.glob("domains/*/*/product.yaml"))[0]

    def edit() -> None:
        with product.open("a", encoding="utf-8") as handle:
            handle.write("# edited\n")
    return edit


def pre_commit(rows: Rows, tmp: Path, repeat: int) -> None:
    alchemesh = alchemesh_cmd()
    mesh = quickstart(tmp)
    bare, _, _ = best([sys.executable, "-c", "pass"], repeat)
    run([*alchemesh, "validate"], mesh)
    warm, peak, _ = best([*alchemesh, "validate"], repeat, mesh)
    rows.add("quickstart: warm validate", warm, "s", "python -c pass", bare, "≤ 3x", warm <= 3 * bare)
    one_changed(rows, mesh, "quickstart", repeat)


def one_changed(rows: Rows, mesh: Path, label: str, repeat: int) -> None:
    alchemesh = alchemesh_cmd()
    cold, _, _ = best([*alchemesh, "validate"], repeat, mesh, lambda: shutil.rmtree(mesh / ".alchemesh", True))
    run([*alchemesh, "validate"], mesh)
    changed, _, _ = best([*alchemesh, "validate"], repeat, mesh, touch_a_product(mesh))
    rows.add(f"{label}: validate, one file changed", changed, "s", "cold validate", cold, "≤ 0.5x",
             changed <= 0.5 * cold)


def at_size(rows: Rows, n: int, tmp: Path, repeat: int, seed: int, cache: Path) -> None:
    alchemesh = alchemesh_cmd()
    mesh = mesh_copy(n, seed, cache, tmp / f"mesh-{n}")
    big = n >= 10_000
    repeat = 1 if big else repeat
    label = f"{n:,} products"
    load, load_peak, _ = best([sys.executable, "-c", PARSE_SCRIPT, str(mesh), "load"], repeat)

    def drop() -> None:
        shutil.rmtree(mesh / ".alchemesh", ignore_errors=True)
    nocache, _, out = best([*alchemesh, "validate", "--no-cache", str(mesh)], repeat)
    if "no findings" not in out:
        sys.exit(f"the generated mesh of {n} products does not validate clean:\n{out[-3000:]}")
    rows.add(f"{label}: validate, no cache", nocache, "s", "libyaml load", load, "≤ 1.0x", nocache <= load)
    cold, cold_peak, _ = best([*alchemesh, "validate", str(mesh)], repeat, before=drop)
    rows.add(f"{label}: cold validate, peak memory", cold_peak, "MB", "libyaml load", load_peak,
             "< 400 MB at 10,000" if big else "", cold_peak < 400 if big else None)
    cached, _, _ = best([*alchemesh, "validate", str(mesh)], repeat)
    one_changed(rows, mesh, label, repeat)

    def fresh_build() -> None:
        shutil.rmtree(mesh / ".alchemesh" / "build", ignore_errors=True)
        for stamp in (mesh / ".alchemesh" / "cache").glob("build-*.json"):
            stamp.unlink()
    compiled, compile_peak, _ = best([*alchemesh, "compile", str(mesh)], repeat, before=fresh_build)
    rows.add(f"{label}: compile, peak memory", compile_peak, "MB", "", None, "< 600 MB at 10,000" if big else "",
             compile_peak < 600 if big else None)
    unchanged, _, _ = best([*alchemesh, "compile", str(mesh)], repeat)
    rows.add(f"{label}: compile, nothing changed", unchanged, "s", "cached validate", cached, "about 1x")
    rows.add(f"{label}: compile, from scratch", compiled, "s")

    site = mesh / ".alchemesh" / "site"
    built, docs_peak, _ = best([*alchemesh, "docs", "build", str(mesh)], 1,
                               before=lambda: shutil.rmtree(site, ignore_errors=True))
    rows.add(f"{label}: docs build, peak memory", docs_peak, "MB", "", None, "< 600 MB at 10,000" if big else "",
             docs_peak < 600 if big else None)
    files = [p for p in site.rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files) / 2**20
    rows.add(f"{label}: catalog size ({len(files):,} files)", size, "MB", "", None,
             "≤ 100 MB at 10,000" if big else "", size <= 100 if big else None)
    touch_a_product(mesh)()
    product = sorted(mesh.glob("domains/*/*/product.yaml"))[0]
    product.write_text(product.read_text(encoding="utf-8").replace("description: ", "description: Edited. ", 1),
                       encoding="utf-8")
    _, _, out = best([*alchemesh, "docs", "build", str(mesh)], 1)
    written = int(out.rsplit(" file(s) changed", 1)[0].rsplit(" ", 1)[1])
    rows.add(f"{label}: docs rebuild after one edit, files written", written, "files", "files in the site",
             len(files), "only what changed")


def plans(rows: Rows, n: int, tmp: Path, seed: int, cache: Path) -> None:
    """One upstream contract edited: the stacks a plan runs Terraform for, with and without --plan-dependents."""
    alchemesh = alchemesh_cmd()
    mesh = mesh_copy(n, seed, cache, tmp / f"plan-{n}")
    run([*alchemesh, "plan", str(mesh)], mesh)  # every stack initialised once, as in a second CI run
    consumed = {}
    for product in mesh.glob("domains/*/*/product.yaml"):
        for line in product.read_text(encoding="utf-8").splitlines():
            if "outputPort:" in line:
                upstream = line.split("outputPort:")[1].strip().rsplit("/", 1)[0]
                consumed[upstream] = consumed.get(upstream, 0) + 1
    upstream = max(sorted(consumed), key=lambda p: consumed[p])  # the most read product
    contract = mesh / "domains" / upstream / "contract.odcs.yaml"
    text = contract.read_text(encoding="utf-8")
    added = "      - name: added_by_the_bench\n        logicalType: string\n        physicalType: VARCHAR\n"
    contract.write_text(text.replace("    properties:\n", "    properties:\n" + added, 1), encoding="utf-8")
    git_commit(mesh)  # a second commit would hide the edit: compare against the first
    base = subprocess.run(["git", "rev-list", "--max-parents=0", "HEAD"], cwd=mesh, capture_output=True,
                          text=True).stdout.strip()
    for flag in ((), ("--plan-dependents",)):
        seconds, _, code, out = run([*alchemesh, "plan", "--changed-since", base, "--include-dependents", "--format",
                                     "json", *flag, str(mesh)], mesh)
        stacks = json.loads(out[out.index("{"):])["stacks"]
        planned = sum(s["status"] != "deferred" for s in stacks)
        rows.add(f"{n} products, plan of one upstream edit{' ' + flag[0] if flag else ''}: Terraform plans",
                 planned, f"of {len(stacks)} selected", "", None, "the changed stack (+ its own)")
        rows.add(f"{n} products, plan of one upstream edit{' ' + flag[0] if flag else ''}", seconds, "s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mesh_arguments(parser, "1000,10000")
    parser.add_argument("--plan-size", type=int, default=200)
    parser.add_argument("--skip", action="append", default=[], choices=("pre-commit", "sizes", "plan"))
    args = parser.parse_args(argv)
    rows = Rows()
    with tempfile.TemporaryDirectory() as tmp:
        if "pre-commit" not in args.skip:
            log("pre-commit")
            pre_commit(rows, Path(tmp), args.repeat)
        for n in () if "sizes" in args.skip else (int(x) for x in args.sizes.split(",")):
            log(f"N={n}")
            at_size(rows, n, Path(tmp), args.repeat, args.seed, args.cache_dir)
        if "plan" not in args.skip:
            log(f"plan at N={args.plan_size}")
            plans(rows, args.plan_size, Path(tmp), args.seed, args.cache_dir)
    print(render(["measured", "figure", "anchor", "ratio", "target", ""], rows.rows, args.markdown))


if __name__ == "__main__":
    main()
