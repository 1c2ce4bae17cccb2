"""Benchmark `alchemesh validate` against bare libyaml parsing of the same mesh.

Usage::

    python benchmarks/bench_validate.py [--sizes 100,1000,10000] [--repeat 3] [--markdown]

For each size N a synthetic mesh is generated (see generate_mesh.py) and cached
under benchmarks/.cache/. Every measurement is the wall time of a fresh
subprocess (interpreter start-up included), best of --repeat runs:

* start-up: ``alchemesh --version`` / ``--help`` and bare Python, once;
* libyaml load / compose: os.walk + read + ``yaml.load_all`` / ``yaml.compose_all``
  with ``CSafeLoader`` over every *.yaml file: the floor for any YAML-based tool;
* validate cold: ``alchemesh validate DIR`` after deleting DIR/.alchemesh;
* validate warm: the same with the cache left by the previous run.

A command that fails is reported as "error" (its stderr tail goes to stderr);
exit code 1 from validate means findings: the time is kept and flagged.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from collections.abc import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent  # commands run here, so `python -m alchemesh` finds the checkout
sys.path.insert(0, str(HERE))
from generate_mesh import generate  # noqa: E402

PARSE_SCRIPT = """
import os, sys, yaml
root, mode = sys.argv[1], sys.argv[2]
parse = yaml.load_all if mode == "load" else yaml.compose_all
docs = 0
for dirpath, dirnames, filenames in os.walk(root):
    dirnames[:] = [d for d in dirnames if not d.startswith(".")]
    for name in filenames:
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(dirpath, name), encoding="utf-8") as f:
                text = f.read()
            for _ in parse(text, Loader=yaml.CSafeLoader):
                docs += 1
print(docs)
"""


@dataclass
class Timing:
    """Best wall time of a command, or why there is none."""

    seconds: float | None
    note: str = ""  # "", "findings", "error" or "timeout"

    def cell(self) -> str:
        if self.seconds is None:
            return self.note
        text = f"{self.seconds:.3f}"
        return f"{text} ({self.note})" if self.note else text


def ratio(a: Timing, b: Timing) -> str:
    """a/b as "3.2x", or "-" when either is missing."""
    if a.seconds is None or not b.seconds:
        return "-"
    return f"{a.seconds / b.seconds:.1f}x"


# --------------------------------------------------------------------------- running


def alchemesh_cmd() -> list[str]:
    """The `alchemesh` script next to this interpreter, else `python -m alchemesh`."""
    exe = Path(sys.executable).parent / ("alchemesh.exe" if os.name == "nt" else "alchemesh")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "alchemesh"]


def show_output(cmd: list[str], proc: subprocess.CompletedProcess[str], findings: bool) -> None:
    """Print why `cmd` did not exit 0: the head of its findings or the tail of stderr."""
    print(f"  ! {' '.join(cmd)}: exit code {proc.returncode}", file=sys.stderr)
    if findings:
        lines = proc.stdout.strip().splitlines()[:15]
    else:
        lines = (proc.stderr or proc.stdout).strip().splitlines()[-15:]
    for line in lines:
        print(f"    | {line}", file=sys.stderr)


def classify(proc: subprocess.CompletedProcess[str], findings_ok: bool) -> str:
    """"" for success, "findings" for exit 1 without a traceback, else "error"."""
    if proc.returncode == 0:
        return ""
    if proc.returncode == 1 and findings_ok and "Traceback (most recent call last)" not in proc.stderr:
        return "findings"
    return "error"


def run_once(cmd: list[str], timeout: float, findings_ok: bool, quiet: bool) -> Timing:
    """Run `cmd` once and time it; exit 1 counts as "findings" when `findings_ok`."""
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, cwd=REPO)
    except subprocess.TimeoutExpired:
        print(f"  ! {' '.join(cmd)}: no answer after {timeout:g}s", file=sys.stderr)
        return Timing(None, "timeout")
    except OSError as exc:
        print(f"  ! {' '.join(cmd)}: {exc}", file=sys.stderr)
        return Timing(None, "error")
    elapsed = time.perf_counter() - start
    note = classify(proc, findings_ok)
    if note and not quiet:
        show_output(cmd, proc, findings=note == "findings")
    return Timing(None if note == "error" else elapsed, note)


def best_of(cmd: list[str], repeat: int, timeout: float, findings_ok: bool = False,
            before: Callable[[], None] | None = None) -> Timing:
    """Best of `repeat` runs; stops at the first error, reports findings once."""
    best: Timing | None = None
    for i in range(repeat):
        if before:
            before()
        t = run_once(cmd, timeout, findings_ok, quiet=i > 0)
        if t.seconds is None:
            return t
        if best is None or t.seconds < best.seconds:  # type: ignore[operator]
            best = t
    assert best is not None
    return best


# --------------------------------------------------------------------------- meshes


def generator_hash() -> str:
    """Short hash of the generator source, so the cache follows its changes."""
    return hashlib.sha256((HERE / "generate_mesh.py").read_bytes()).hexdigest()[:10]


def cached_mesh(n: int, seed: int, cache: Path) -> Path:
    """Return a generated mesh of `n` products, generating it on a cache miss."""
    prefix = f"mesh-n{n}-s{seed}-"
    target = cache / f"{prefix}{generator_hash()}"
    if target.is_dir():
        return target
    for stale in cache.glob(f"{prefix}*"):
        shutil.rmtree(stale)
    tmp = cache / f".tmp-{target.name}"
    tmp.mkdir(parents=True)
    start = time.perf_counter()
    generate(n, tmp, seed)
    git_commit(tmp)
    tmp.rename(target)
    log(f"  generated in {time.perf_counter() - start:.2f}s -> {target}")
    return target


def mesh_copy(n: int, seed: int, cache: Path, target: Path) -> Path:
    """A private copy at `target` of the generated mesh of `n` products (a git repository): what a benchmark
    writes or caches in it never reaches the next one."""
    shutil.copytree(cached_mesh(n, seed, cache), target, symlinks=True)
    return target


def mesh_arguments(parser: argparse.ArgumentParser, sizes: str, repeat: int = 3) -> None:
    """The options every mesh benchmark takes: sizes, runs, generator seed, mesh cache, output form."""
    parser.add_argument("--sizes", default=sizes, help=f"comma-separated product counts (default {sizes})")
    parser.add_argument("--repeat", type=int, default=repeat, help="runs per measurement, best kept")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache", help="where generated meshes are kept")
    parser.add_argument("--markdown", action="store_true", help="print Markdown tables")


def git_commit(root: Path) -> None:
    """Make the mesh its own git repo with one commit, as a real mesh repo would be.

    Its own repo also keeps the enclosing checkout's .gitignore (which ignores
    benchmarks/.cache/) from applying to the mesh's files.
    """
    env = {**os.environ, "GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.com",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.com"}
    steps = [["git", "init", "-q"], ["git", "add", "-A"],
             ["git", "-c", "commit.gpgsign=false", "commit", "-q", "--no-verify",
              "-m", "synthetic mesh"]]
    try:
        for step in steps:
            subprocess.run(step, cwd=root, env=env, check=True, capture_output=True)
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"  ! could not make {root} a git repo ({exc}); continuing without git")


def count_yaml(root: Path) -> int:
    """Number of *.yaml/*.yml files outside dot-directories."""
    total = 0
    for _, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        total += sum(name.endswith((".yaml", ".yml")) for name in filenames)
    return total


# --------------------------------------------------------------------------- benchmark


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def bench_startup(repeat: int, timeout: float) -> list[list[str]]:
    """Rows [command, best s] for start-up costs, measured once."""
    cmds = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import yaml'": [sys.executable, "-c", "import yaml"],
        "alchemesh --version": alchemesh_cmd() + ["--version"],
        "alchemesh --help": alchemesh_cmd() + ["--help"],
    }
    rows = []
    for label, cmd in cmds.items():
        log(f"start-up: {label}")
        rows.append([label, best_of(cmd, repeat, timeout).cell()])
    return rows


def bench_size(mesh: Path, n: int, repeat: int, timeout: float) -> list[str]:
    """One table row: parse baselines and validate cold/warm for one mesh."""
    parse = [sys.executable, "-c", PARSE_SCRIPT, str(mesh)]
    validate = alchemesh_cmd() + ["validate", str(mesh)]
    cache_dir = mesh / ".alchemesh"

    def drop_cache() -> None:
        shutil.rmtree(cache_dir, ignore_errors=True)

    log(f"N={n}: libyaml load / compose")
    load = best_of(parse + ["load"], repeat, timeout)
    compose = best_of(parse + ["compose"], repeat, timeout)
    log(f"N={n}: validate cold")
    cold = best_of(validate, repeat, timeout, findings_ok=True, before=drop_cache)
    log(f"N={n}: validate warm")
    if cold.seconds is None:
        warm = Timing(None, cold.note)
    else:
        warm = best_of(validate, repeat, timeout, findings_ok=True)
    return [str(n), str(count_yaml(mesh)), load.cell(), compose.cell(), cold.cell(),
            ratio(cold, load), warm.cell(), ratio(warm, load)]


# --------------------------------------------------------------------------- output

SIZE_HEADER = ["N", "files", "libyaml load s", "libyaml compose s", "validate cold s",
               "cold/load", "validate warm s", "warm/load"]
STARTUP_HEADER = ["command", "best s"]


def render(header: list[str], rows: list[list[str]], markdown: bool) -> str:
    """An aligned table: Markdown pipes, or plain columns."""
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        padded = [c.ljust(w) for c, w in zip(cells, widths, strict=False)]
        return "| " + " | ".join(padded) + " |" if markdown else "  ".join(padded).rstrip()

    rule = ("|" + "|".join("-" * (w + 2) for w in widths) + "|" if markdown
            else "  ".join("-" * w for w in widths))
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def environment(args: argparse.Namespace) -> str:
    """A Markdown bullet list describing the run."""
    return "\n".join([
        f"- python {platform.python_version()} on {platform.platform()}, "
        f"{os.cpu_count()} CPUs",
        f"- alchemesh: `{' '.join(alchemesh_cmd())}`",
        f"- seed {args.seed}, best of {args.repeat}, wall time of fresh subprocesses",
    ])


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000",
                        help="comma-separated product counts (default 100,1000,10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement, best kept")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--markdown", action="store_true",
                        help="print Markdown tables with an environment header")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache",
                        help="where generated meshes are kept (default benchmarks/.cache)")
    parser.add_argument("--timeout", type=float, default=1800,
                        help="seconds before one command is abandoned (default 1800)")
    args = parser.parse_args(argv)
    try:
        args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    except ValueError:
        parser.error(f"--sizes must be integers: {args.sizes!r}")
    if not args.sizes or min(args.sizes) < 1 or args.repeat < 1:
        parser.error("--sizes and --repeat must be positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    startup = bench_startup(args.repeat, args.timeout)
    rows = []
    for n in args.sizes:
        log(f"N={n}: mesh")
        mesh = cached_mesh(n, args.seed, args.cache_dir)
        rows.append(bench_size(mesh, n, args.repeat, args.timeout))

    if args.markdown:
        print("## alchemesh validate benchmark\n")
        print(environment(args) + "\n")
    print(render(STARTUP_HEADER, startup, args.markdown) + "\n")
    print(render(SIZE_HEADER, rows, args.markdown))


if __name__ == "__main__":
    main()
