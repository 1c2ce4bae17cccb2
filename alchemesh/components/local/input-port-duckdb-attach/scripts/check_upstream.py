"""Check that an upstream DuckDB output port exists and can be opened read-only.

Called by Terraform's local-exec with one argument: a JSON document
{location, upstream_port, domain, product, port}. No shell is involved.
"""

import json
import os
import sys


def main() -> int:
    args = json.loads(sys.argv[1])
    upstream = args["upstream_port"] or "the upstream output port"
    where = f"input port `{args['port']}` of {args['domain']}/{args['product']}"
    location = args["location"]
    if not location:
        print(f"input-port-duckdb-attach: {where} reads {upstream}, which has no location yet: "
              "apply the producer's stack first", file=sys.stderr)
        return 1
    if not os.path.isfile(location):
        print(f"input-port-duckdb-attach: {where} reads {upstream}, but its DuckDB file {location} does not "
              "exist: apply the producer's stack first", file=sys.stderr)
        return 1
    try:
        import duckdb
    except ImportError:
        print(f"input-port-duckdb-attach: the `duckdb` package is missing for {sys.executable}: "
              "`pip install duckdb`, or set the module's `python` variable to an interpreter that has it",
              file=sys.stderr)
        return 1
    try:
        con = duckdb.connect(location, read_only=True)
        try:
            tables = con.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database() "
                "ORDER BY ALL").fetchall()
        finally:
            con.close()
    except duckdb.Error as error:
        print(f"input-port-duckdb-attach: {where}: cannot open {location} read-only: {error}", file=sys.stderr)
        return 1
    names = ", ".join(table if schema == "main" else f"{schema}.{table}" for schema, table in tables) or "no table"
    print(f"input-port-duckdb-attach: {where} reads {upstream} at {location} ({names})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
