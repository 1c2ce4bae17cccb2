"""Time `alchemesh docs build` on synthetic meshes of N products, and `datacontract catalog` on the
same contracts.

    python benchmarks/bench_docs.py [--sizes 100,1000,10000] [--repeat 1] [--datacontract PATH]
                                    [--datacontract-sizes 100] [--markdown]

Each mesh is its own git repository with one commit, so the contract history is read too. The
comparison is per contract: datacontract-cli renders one page per contract plus an index.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from bench_validate import alchemesh_cmd, cached_mesh, log

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--datacontract", type=Path, help="a datacontract-cli executable, for the comparison")
    parser.add_argument("--datacontract-sizes", default="100")
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        mesh = cached_mesh(n, args.seed, args.cache_dir)
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "site"
            seconds = min(timed([*alchemesh_cmd(), "docs", "build", str(mesh), "--out", str(out)])
                          for _ in range(args.repeat))
            pages = sum(1 for _ in out.rglob("*.html"))
            size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
        rows.append((n, pages, size, seconds))
        log(f"N={n}: {seconds:.2f}s, {pages} pages")
    comparison = []
    if args.datacontract:
        for n in (int(x) for x in args.datacontract_sizes.split(",")):
            mesh = cached_mesh(n, args.seed, args.cache_dir)
            with tempfile.TemporaryDirectory() as tmp:
                contracts = Path(tmp) / "contracts"
                for i, path in enumerate(sorted(mesh.rglob("*contract*.yaml"))):
                    contracts.mkdir(exist_ok=True)
                    shutil.copy(path, contracts / f"{i:05d}.yaml")
                count = len(list(contracts.glob("*.yaml")))
                theirs = timed([str(args.datacontract), "catalog", "--files", "*.yaml", "--output",
                                str(Path(tmp) / "catalog")], cwd=contracts)
                ours = next(seconds for size, _, _, seconds in rows if size == n) if any(r[0] == n for r in rows) \
                    else timed([*alchemesh_cmd(), "docs", "build", str(mesh), "--out", str(Path(tmp) / "site")])
            comparison.append((n, count, ours, theirs))
            log(f"datacontract catalog, {count} contracts: {theirs:.2f}s")
    render(rows, comparison, args.markdown)


def timed(command: list[str], cwd: Path | None = None) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=cwd, check=True, capture_output=True)
    return time.perf_counter() - start


def render(rows, comparison, markdown: bool) -> None:
    print("| products | pages | site size | `docs build` | per product |")
    print("|---|---|---|---|---|")
    for n, pages, size, seconds in rows:
        print(f"| {n:,} | {pages:,} | {size / 1e6:.1f} MB | {seconds:.2f} s | {seconds / n * 1000:.1f} ms |")
    if comparison:
        print()
        print("| contracts | `alchemesh docs build` (whole mesh) | `datacontract catalog` | per contract, alchemesh | "
              "per contract, datacontract | ratio |")
        print("|---|---|---|---|---|---|")
        for _n, count, ours, theirs in comparison:
            print(f"| {count:,} | {ours:.2f} s | {theirs:.2f} s | {ours / count * 1000:.1f} ms | "
                  f"{theirs / count * 1000:.0f} ms | {theirs / ours:.0f}× |")


if __name__ == "__main__":
    main()
