"""Time `alchemesh compile` on synthetic meshes of N products.

    python benchmarks/bench_compile.py [--sizes 100,1000,10000] [--repeat 3] [--markdown]

For each N: a fresh build (no build directory; validation already cached, as after a `validate` in
pre-commit), a cold one (no cache at all), and a re-run on an unchanged mesh (nothing to write).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench_validate import mesh_arguments, mesh_copy, alchemesh_cmd, best_of, log, render, run_once

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mesh_arguments(parser, "100,1000,10000")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    alchemesh = alchemesh_cmd()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            log(f"N={n}: mesh")
            mesh = mesh_copy(n, args.seed, args.cache_dir, Path(tmp) / "mesh")
            command = [*alchemesh, "compile", str(mesh)]
            run_once([*alchemesh, "validate", str(mesh)], args.timeout, findings_ok=True, quiet=True)
            log(f"N={n}: compile")
            fresh = best_of(command, args.repeat, args.timeout,
                            before=lambda mesh=mesh: shutil.rmtree(mesh / ".alchemesh" / "build", ignore_errors=True))
            cold = best_of(command, args.repeat, args.timeout,
                           before=lambda mesh=mesh: shutil.rmtree(mesh / ".alchemesh", ignore_errors=True))
            unchanged = best_of(command, args.repeat, args.timeout)
            rows.append([str(n), fresh.cell(), cold.cell(), unchanged.cell()])
    header = ["N", "compile s (validation cached)", "compile s (cold)", "compile s (unchanged)"]
    print(render(header, rows, args.markdown))


if __name__ == "__main__":
    main()
