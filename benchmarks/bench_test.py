"""Time `alchemesh test` on the quickstart's orders port, next to datacontract-cli's `datacontract test` on the same
contract and the same DuckDB file, at several row counts.

    python benchmarks/bench_test.py [--rows 100000 1000000 10000000] [--repeat 3] [--datacontract PATH] [--markdown]

The orders product is applied once (Terraform), then its DuckDB file is replaced by one of N generated rows that
keep the contract. `--datacontract` names a `datacontract` executable (datacontract-cli with its duckdb extra, in
a venv of its own: a measurement, not a dependency); the file is written with that venv's DuckDB when it is older,
so that both tools read it. Both run the whole command: start-up, reading the contract, every check.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_validate import Timing, alchemesh_cmd, best_of, log, ratio, render

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
ORDERS = """
CREATE OR REPLACE TABLE orders AS
SELECT 'O-' || i AS order_id, 'C-' || (i % 5000) AS customer_id,
       TIMESTAMP '2024-01-01' + to_seconds(i) AS ordered_at,
       (['placed', 'shipped', 'delivered', 'cancelled'])[1 + i % 4] AS status,
       CAST(i % 500 AS DECIMAL(10, 2)) AS amount_eur
FROM range({rows}) t(i)
"""


def python_of(executable: str | None) -> str:
    """The interpreter beside a venv's console script (its DuckDB writes a file both tools read), else ours."""
    if executable:
        candidate = Path(executable).resolve().parent / "python"
        if candidate.exists():
            return str(candidate)
    return sys.executable


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000, 10_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--datacontract", help="path of a `datacontract` executable")
    parser.add_argument("--timeout", type=float, default=600)
    parser.add_argument("--markdown", action="store_true")
    args = parser.parse_args(argv)
    datacontract = args.datacontract if args.datacontract and Path(args.datacontract).exists() else None

    alchemesh = alchemesh_cmd()
    rows_out = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        mesh = work / "mesh-examples" / "quickstart"
        shutil.copytree(REPO / "mesh-examples" / "quickstart", mesh, ignore=shutil.ignore_patterns(".alchemesh"))
        shutil.copytree(REPO / "components" / "local", work / "components" / "local",
                        ignore=shutil.ignore_patterns(".terraform*", "*.tfstate*", "__pycache__"))
        log("apply sales/orders")
        subprocess.run([*alchemesh, "apply", "--auto-approve", "--product", "sales/orders", str(mesh)], check=True,
                       capture_output=True, timeout=args.timeout)
        database = mesh / ".alchemesh" / "data" / "dev" / "sales" / "orders" / "orders.duckdb"
        contract = work / "orders.odcs.yaml"
        contract.write_text((mesh / "domains/sales/orders/contract.odcs.yaml").read_text(encoding="utf-8")
                            + f"servers:\n  - server: local\n    type: duckdb\n    database: {database}\n"
                              "    schema: main\n", encoding="utf-8")
        for rows in args.rows:
            log(f"{rows:,} rows")
            database.unlink()
            subprocess.run([python_of(datacontract), "-c", "import duckdb, sys; "
                            "duckdb.connect(sys.argv[1]).execute(sys.argv[2])", str(database),
                            ORDERS.format(rows=rows)], check=True, timeout=args.timeout)
            ours = best_of([*alchemesh, "test", "--product", "sales/orders", str(mesh)], args.repeat, args.timeout)
            if datacontract:
                theirs = best_of([datacontract, "test", str(contract)], args.repeat, args.timeout)
            else:
                theirs = Timing(None, "not installed")
            rows_out.append([f"{rows:,}", ours.cell(), theirs.cell(), ratio(theirs, ours)])
    print(render(["rows", "alchemesh test s", "datacontract test s", "× alchemesh"], rows_out, args.markdown))


if __name__ == "__main__":
    main()
