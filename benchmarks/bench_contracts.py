"""Time the contract commands: `contracts diff` on one pair (next to datacontract-cli's
`datacontract breaking` on the same pair) and `contracts check` over a mesh where every contract changed.

    python benchmarks/bench_contracts.py [--size 1000] [--repeat 3] [--datacontract PATH] [--baseline CHECKOUT]
                                         [--markdown]

`--datacontract` names a `datacontract` executable (datacontract-cli, installed in a venv of its own:
it is a measurement, not a dependency); without it that row says "not installed". `--baseline` names another
checkout of alchemesh (`git worktree add /tmp/base REV`): `contracts check` runs on its code too, side by side — how
a change of alchemesh moves the figure (field usage: the consumers' SQL parsed on every check).
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

from bench_validate import (
    Timing,
    alchemesh_cmd,
    best_of,
    mesh_copy,
    git_commit,
    log,
    ratio,
    render,
)

HERE = Path(__file__).resolve().parent


def change_every_contract(mesh: Path) -> int:
    """A compatible change in every contract: a new optional column, a new description, a minor bump."""
    count = 0
    for path in sorted(mesh.glob("domains/*/*/contract.odcs.yaml")):
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"^version: (\d+)\.(\d+)\.(\d+)$", lambda m: f"version: {m[1]}.{int(m[2]) + 1}.0", text,
                      count=1, flags=re.M)
        text = text.replace("    properties:\n", "    properties:\n"
                            "      - name: loaded_at\n        logicalType: timestamp\n"
                            "        physicalType: TIMESTAMP\n        description: When the row was loaded.\n", 1)
        path.write_text(text, encoding="utf-8")
        count += 1
    return count


def contract_pair(mesh: Path, out: Path) -> tuple[Path, Path]:
    """One contract and a copy with a breaking change (a required column made optional)."""
    source = sorted(mesh.glob("domains/*/*/contract.odcs.yaml"))[0]
    old, new = out / "old.odcs.yaml", out / "new.odcs.yaml"
    text = source.read_text(encoding="utf-8")
    old.write_text(text, encoding="utf-8")
    new.write_text(text.replace("required: true", "required: false", 1), encoding="utf-8")
    return old, new


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--datacontract", help="path of a `datacontract` executable")
    parser.add_argument("--baseline", type=Path, help="another checkout of alchemesh to time `contracts check` with")
    parser.add_argument("--cache-dir", type=Path, default=HERE / ".cache")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)

    alchemesh = alchemesh_cmd()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        log(f"N={args.size}: mesh")
        mesh = work / "mesh"
        mesh_copy(args.size, args.seed, args.cache_dir, mesh)
        if not (mesh / ".git").exists():
            git_commit(mesh)
        changed = change_every_contract(mesh)
        old, new = contract_pair(mesh, work)

        log("contracts diff")
        diff = best_of([*alchemesh, "contracts", "diff", str(old), str(new)], args.repeat, args.timeout,
                       findings_ok=True)
        if args.datacontract and Path(args.datacontract).exists():
            log("datacontract breaking")
            reference = best_of([args.datacontract, "breaking", str(old), str(new)], args.repeat, args.timeout,
                                findings_ok=True)
        else:
            reference = Timing(None, "not installed")
        log(f"contracts check ({changed} changed contracts)")
        check_cold = best_of([*alchemesh, "contracts", "check", "--against", "HEAD", str(mesh)], args.repeat,
                             args.timeout, findings_ok=True, before=lambda: shutil.rmtree(mesh / ".alchemesh", True))
        check_warm = best_of([*alchemesh, "contracts", "check", "--against", "HEAD", str(mesh)], args.repeat,
                             args.timeout, findings_ok=True)
        baseline = None
        if args.baseline is not None:
            log(f"contracts check on {args.baseline}")
            baseline = best_of(["env", f"PYTHONPATH={args.baseline.resolve()}", sys.executable, "-m", "alchemesh",
                                "contracts", "check", "--against", "HEAD", str(mesh)], args.repeat, args.timeout,
                               findings_ok=True)

    rows = [
        ["alchemesh contracts diff (one pair)", diff.cell(), ""],
        ["datacontract breaking (same pair)", reference.cell(), ratio(reference, diff)],
        [f"alchemesh contracts check ({changed} changed, cold)", check_cold.cell(), ""],
        [f"alchemesh contracts check ({changed} changed, warm)", check_warm.cell(), ""],
    ]
    if baseline is not None:
        rows.append([f"same, alchemesh at {args.baseline.name}", baseline.cell(), ratio(baseline, check_warm)])
    print(render(["command", "best s", "× alchemesh"], rows, args.markdown))


if __name__ == "__main__":
    main()
