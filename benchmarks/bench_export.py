"""Time `alchemesh export odps` and `export backstage` on synthetic meshes of N products, next to `alchemesh compile`
of the same mesh (each from a cached validation, as after a `validate` in pre-commit).

    python benchmarks/bench_export.py [--sizes 1000,10000] [--repeat 3] [--markdown]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from bench_validate import mesh_arguments, mesh_copy, alchemesh_cmd, best_of, log, ratio, render, run_once

HERE = Path(__file__).resolve().parent


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    mesh_arguments(parser, "1000,10000")
    parser.add_argument("--timeout", type=float, default=1800)
    args = parser.parse_args(argv)
    alchemesh = alchemesh_cmd()
    rows = []
    for n in (int(x) for x in args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as tmp:
            log(f"N={n}: mesh")
            mesh = mesh_copy(n, args.seed, args.cache_dir, Path(tmp) / "mesh")
            run_once([*alchemesh, "validate", str(mesh)], args.timeout, findings_ok=True, quiet=True)
            out = Path(tmp) / "out"

            def clean(out: Path = out, mesh: Path = mesh) -> None:
                shutil.rmtree(out, ignore_errors=True)
                shutil.rmtree(mesh / ".alchemesh" / "build", ignore_errors=True)

            log(f"N={n}: compile")
            compiled = best_of([*alchemesh, "compile", "--out", str(out), str(mesh)], args.repeat, args.timeout,
                               findings_ok=True, before=clean)
            log(f"N={n}: export odps")
            odps = best_of([*alchemesh, "export", "odps", "--out", str(out), str(mesh)], args.repeat, args.timeout,
                           findings_ok=True, before=clean)
            log(f"N={n}: export backstage")
            backstage = best_of([*alchemesh, "export", "backstage", "--out", str(out / "catalog-info.yaml"),
                                 str(mesh)], args.repeat, args.timeout, findings_ok=True, before=clean)
        rows.append([f"{n:,}", compiled.cell(), odps.cell(), ratio(odps, compiled), backstage.cell(),
                     ratio(backstage, compiled)])
    print(render(["products", "compile s", "export odps s", "÷ compile", "export backstage s", "÷ compile"], rows,
                 args.markdown))


if __name__ == "__main__":
    main()
