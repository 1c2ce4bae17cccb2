"""Run a product's SQL file inside its output DuckDB database, with its inputs visible by port name.

Called by Terraform's local-exec with one argument: a JSON document
{sql_file, inputs, outputs, output, transaction, domain, product, name}. No shell is involved, and
every name and path reaches SQL quoted.

What the SQL sees:
- the `output` port's database is the default one: its tables need no qualifier;
- every other DuckDB output port is attached read-write under its port name;
- a DuckDB input (another product's output port) is attached READ_ONLY under its port name:
  `orders.orders` is the table `orders` of input port `orders`;
- a landing input (a folder) is an in-memory database named after the port holding one view per
  data file, named after the file without its extension: `shop.customers` reads
  `<folder>/customers.csv`. CSV/TSV (read_csv_auto), Parquet (read_parquet) and JSON lines
  (read_json_auto) files, gzipped or not; a sub-folder of files of one kind is one view over all of
  them (Parquet with Hive partitioning). The views live in memory only: nothing of them is written
  to the output database.
An output port named like an input port is attached as `output_<port>` instead.
"""

from __future__ import annotations

import json
import os
import re
import sys
import contextlib

_READERS = {
    ".csv": "read_csv_auto", ".tsv": "read_csv_auto", ".csv.gz": "read_csv_auto", ".tsv.gz": "read_csv_auto",
    ".parquet": "read_parquet",
    ".json": "read_json_auto", ".jsonl": "read_json_auto", ".ndjson": "read_json_auto",
    ".json.gz": "read_json_auto", ".jsonl.gz": "read_json_auto", ".ndjson.gz": "read_json_auto",
}
_DUCKDB_SUFFIXES = (".duckdb", ".db", ".ddb")
_RESERVED = {"main", "memory", "system", "temp"}


def too_old(duckdb) -> str | None:
    """A message when the duckdb package predates 1.2 (its DELETE-then-INSERT of the same keys in one
    transaction fails on a primary key)."""
    try:
        version = tuple(int(part) for part in re.findall(r"\d+", duckdb.__version__)[:2])
    except ValueError:
        return None
    if version >= (1, 2):
        return None
    return (f"the duckdb package of {sys.executable} is {duckdb.__version__}; these components need 1.2 or "
            "later: `pip install -U duckdb`")


class Problem(Exception):
    pass


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def data_suffix(name: str) -> str | None:
    """The data-file suffix a file name ends with (longest first), if any."""
    lowered = name.lower()
    for suffix in sorted(_READERS, key=len, reverse=True):
        if lowered.endswith(suffix) and len(name) > len(suffix):
            return suffix
    return None


def landing_views(folder: str, notes: list[str]) -> dict[str, str]:
    """View name → SELECT, for the data files (and folders of data files) of a landing folder."""
    views: dict[str, str] = {}
    for entry in sorted(os.listdir(folder)):
        if entry.startswith("."):
            continue
        full = os.path.join(folder, entry)
        if os.path.isdir(full):
            suffixes = {data_suffix(f) for _, _, files in os.walk(full) for f in files if not f.startswith(".")}
            suffixes.discard(None)
            if len(suffixes) != 1:
                notes.append(f"{entry}/: skipped ({'no data file' if not suffixes else 'files of several kinds'})")
                continue
            suffix = suffixes.pop()
            reader = _READERS[suffix]
            pattern = os.path.join(full, "**", "*" + suffix)
            options = ", hive_partitioning = true" if reader == "read_parquet" else ""
            view, select = entry, f"SELECT * FROM {reader}({literal(pattern)}{options})"
        else:
            suffix = data_suffix(entry)
            if suffix is None:
                notes.append(f"{entry}: skipped (not a CSV, Parquet or JSON file)")
                continue
            view, select = entry[: -len(suffix)], f"SELECT * FROM {_READERS[suffix]}({literal(full)})"
        if view.lower() in {v.lower() for v in views}:
            raise Problem(f"{folder}: two files make the view `{view}`: rename one")
        views[view] = select
    return views


def main() -> int:
    args = json.loads(sys.argv[1])
    where = f"code `{args['name']}` of {args['domain']}/{args['product']}"
    try:
        run(args)
    except Problem as problem:
        print(f"code-sql: {where}: {problem}", file=sys.stderr)
        return 1
    return 0


def run(args: dict) -> None:
    try:
        import duckdb
    except ImportError:
        raise Problem(f"the `duckdb` package is missing for {sys.executable}: `pip install duckdb`, or set the "
                      "module's `python` variable to an interpreter that has it") from None
    if too_old(duckdb):
        raise Problem(too_old(duckdb))
    inputs: dict[str, str] = {k: v or "" for k, v in (args["inputs"] or {}).items()}
    outputs: dict[str, str] = {k: v or "" for k, v in (args["outputs"] or {}).items()}
    default = args["output"]
    if not outputs:
        raise Problem("the product has no output port to run the SQL in")
    if default not in outputs:
        raise Problem(f"`output` is `{default}`, which is not an output port ({', '.join(sorted(outputs))})")
    for port in sorted(inputs):
        if port.lower() in _RESERVED:
            raise Problem(f"input port `{port}`: DuckDB reserves the database name `{port}`: rename the port")
    sql_file = args["sql_file"]
    try:
        with open(sql_file, encoding="utf-8") as handle:
            sql = handle.read()
    except OSError as error:
        raise Problem(f"cannot read the SQL file: {error}") from None

    con = duckdb.connect(":memory:")
    seen = []
    try:
        # Outputs: the default one first, then the other DuckDB files, read-write.
        taken = {port.lower() for port in inputs}
        order = [default, *sorted(p for p in outputs if p != default)]
        for port in order:
            location = outputs[port]
            if not location.lower().endswith(_DUCKDB_SUFFIXES):
                if port == default:
                    raise Problem(f"output port `{port}` is not a DuckDB file ({location or 'no location'})")
                continue
            if not os.path.isfile(location):
                raise Problem(f"output port `{port}`: its database {location} does not exist: apply its output "
                              "port first")
            alias = f"output_{port}" if port.lower() in taken or port.lower() in _RESERVED else port
            taken.add(alias.lower())
            con.execute(f"ATTACH {literal(location)} AS {ident(alias)}")
            if port == default:
                con.execute(f"USE {ident(alias)}")
                con.execute("DETACH memory")
            seen.append(f"output {port} as {alias}")
        # Inputs, by port name.
        for port in sorted(inputs):
            location = inputs[port]
            if not location:
                raise Problem(f"input port `{port}` has no location yet: apply its producer first")
            if os.path.isdir(location):
                notes: list[str] = []
                views = landing_views(location, notes)
                con.execute(f"ATTACH ':memory:' AS {ident(port)}")
                for view, select in views.items():
                    try:
                        con.execute(f"CREATE VIEW {ident(port)}.main.{ident(view)} AS {select}")
                    except duckdb.Error as error:
                        raise Problem(f"input port `{port}`: cannot read `{view}` in {location}: "
                                      f"{str(error).splitlines()[0]}") from None
                seen.append(f"input {port}: {', '.join(views) or 'no file'} ({location})")
                for note in notes:
                    print(f"code-sql: input port `{port}`: {note}")
            elif os.path.isfile(location) and data_suffix(os.path.basename(location)):
                suffix = data_suffix(os.path.basename(location))
                view = os.path.basename(location)[: -len(suffix)]
                con.execute(f"ATTACH ':memory:' AS {ident(port)}")
                con.execute(f"CREATE VIEW {ident(port)}.main.{ident(view)} AS "
                            f"SELECT * FROM {_READERS[suffix]}({literal(location)})")
                seen.append(f"input {port}: {view} ({location})")
            elif os.path.isfile(location):
                con.execute(f"ATTACH {literal(location)} AS {ident(port)} (READ_ONLY)")
                seen.append(f"input {port}: {location} (read-only)")
            else:
                raise Problem(f"input port `{port}`: {location} does not exist: apply its producer first")
    except duckdb.Error as error:
        raise Problem(str(error).splitlines()[0]) from None

    print(f"code-sql: running {sql_file}; " + "; ".join(seen))
    if not sql.strip():
        print("code-sql: the SQL file is empty")
        return
    try:
        if args["transaction"]:
            con.execute("BEGIN TRANSACTION")
        con.execute(sql)
        if args["transaction"]:
            con.execute("COMMIT")
    except duckdb.Error as error:
        if args["transaction"]:
            with contextlib.suppress(duckdb.Error):
                con.execute("ROLLBACK")
        raise Problem(f"{sql_file} failed{' (nothing was changed)' if args['transaction'] else ''}: {error}") from None
    names = [name for (name,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main' "
        "ORDER BY table_name").fetchall()]
    counts = [f"{name} ({con.execute(f'SELECT count(*) FROM main.{ident(name)}').fetchone()[0]} rows)"
              for name in names]
    con.close()
    print("code-sql: done; " + (", ".join(counts) or "no table in the output"))


if __name__ == "__main__":
    sys.exit(main())
