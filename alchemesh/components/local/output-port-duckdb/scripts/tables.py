"""Create or migrate the tables of a DuckDB output port from its contract.

Called by Terraform's local-exec with one argument: a JSON document
{path, domain, product, port, contract_gz}, where contract_gz is the contract as gzipped, base64
JSON (or JSON `null`). No shell is involved, and every name reaches SQL as a quoted identifier.

For every contract object (table `physical_name`, else `name`):
- missing table: created;
- table with the same columns, types, NOT NULL and key constraints: kept as it is (only its
  comments are refreshed);
- anything else: rebuilt in one transaction, keeping the rows: the columns the old and new table
  share are copied over (cast to their new type); if that fails (a new NOT NULL column, a value that
  does not cast, duplicate keys) the table is recreated empty, with a warning, for the product's
  code to fill again.
Tables created by an earlier contract and gone from this one are dropped. Other tables (created by
the product's code) are left alone. `alchemesh.contract_tables` records which tables the contract
owns.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import re
import sys

# ODCS logical types → DuckDB types, for properties without a physical type.
LOGICAL_TYPES = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "time": "TIME",
    "object": "JSON",
    "array": "JSON",
    "map": "JSON",
}
# What a type may be made of: DECIMAL(10,2), VARCHAR[], STRUCT(a INTEGER), TIMESTAMP WITH TIME ZONE, …
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_ ,.()\[\]']*$")
_META_SCHEMA = "alchemesh"
_META_TABLE = "contract_tables"
_SCRATCH = "__alchemesh_scratch"
_NEW = "__alchemesh_new"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


class ContractError(Exception):
    pass


def column_type(duckdb, prop: dict, where: str, notes: list[str]) -> str:
    physical = prop.get("physical_type")
    logical = prop.get("logical_type")
    if physical:
        if _TYPE.match(physical) and physical.count("(") == physical.count(")") and "--" not in physical:
            try:
                duckdb.connect(":memory:").execute(f"SELECT CAST(NULL AS {physical})")
                return physical
            except duckdb.Error:
                pass
        if not logical:
            raise ContractError(f"{where}: physical type `{physical}` is not a DuckDB type, and there is no "
                                "logical type to fall back on")
        notes.append(f"{where}: physical type `{physical}` is not a DuckDB type: using the logical type `{logical}`")
    if not logical:
        return "VARCHAR"
    mapped = LOGICAL_TYPES.get(str(logical).lower())
    if mapped is None:
        raise ContractError(f"{where}: unknown logical type `{logical}` (known: {', '.join(LOGICAL_TYPES)})")
    return mapped


def table_ddl(duckdb, obj: dict, notes: list[str]) -> tuple[str, str, list[str]]:
    """(table name, column definitions, column names) of a contract object."""
    table = obj.get("physical_name") or obj.get("name")
    if not table:
        raise ContractError("a contract object has no name")
    properties = obj.get("properties") or []
    if not properties:
        raise ContractError(f"table `{table}`: the contract object has no properties")
    columns, names, keys, seen = [], [], [], set()
    for prop in properties:
        name = prop.get("name")
        if not name:
            raise ContractError(f"table `{table}`: a property has no name")
        if name.lower() in seen:
            raise ContractError(f"table `{table}`: column `{name}` appears twice")
        seen.add(name.lower())
        definition = f"{ident(name)} {column_type(duckdb, prop, f'{table}.{name}', notes)}"
        if prop.get("required") or prop.get("primary_key"):
            definition += " NOT NULL"
        if prop.get("unique") and not prop.get("primary_key"):
            definition += " UNIQUE"
        if prop.get("primary_key"):
            keys.append(ident(name))
        columns.append(definition)
        names.append(name)
    if keys:
        columns.append(f"PRIMARY KEY ({', '.join(keys)})")
    return table, ", ".join(columns), names


def shape(con, database: str, table: str) -> tuple:
    """What makes two tables equivalent: columns in order with type and nullability, constraints."""
    columns = con.execute(
        "SELECT column_name, data_type, is_nullable FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = 'main' AND table_name = ? ORDER BY column_index",
        [database, table]).fetchall()
    constraints = con.execute(
        "SELECT constraint_type, list_sort(constraint_column_names) FROM duckdb_constraints() "
        "WHERE database_name = ? AND schema_name = 'main' AND table_name = ? AND constraint_type <> 'NOT NULL'",
        [database, table]).fetchall()
    return tuple(columns), tuple(sorted(map(str, constraints)))


def existing_tables(con, database: str) -> dict[str, str]:
    """Lower-cased name → name of the tables in the main schema."""
    rows = con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'main'",
                       [database]).fetchall()
    return {name.lower(): name for (name,) in rows}


def comment(con, table: str, obj: dict) -> None:
    con.execute(f"COMMENT ON TABLE main.{ident(table)} IS {literal(obj.get('description') or '')}")
    for prop in obj.get("properties") or []:
        text = prop.get("description") or ""
        if prop.get("classification"):
            text = f"{text} [classification: {prop['classification']}]".strip()
        con.execute(f"COMMENT ON COLUMN main.{ident(table)}.{ident(prop['name'])} IS {literal(text)}")


def migrate(con, duckdb, database: str, table: str, current: str, columns: str, names: list[str]) -> str:
    old_columns = {row[0].lower(): row[0] for row in con.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ?", [database, current]).fetchall()}
    new_types = dict(con.execute(
        "SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'main' "
        "AND table_name = ?", [_SCRATCH, table]).fetchall())
    shared = [name for name in names if name.lower() in old_columns]
    con.execute("BEGIN")
    try:
        con.execute(f"DROP TABLE IF EXISTS main.{ident(_NEW)}")
        con.execute(f"CREATE TABLE main.{ident(_NEW)} ({columns})")
        if shared:
            targets = ", ".join(ident(name) for name in shared)
            values = ", ".join(f"CAST({ident(old_columns[name.lower()])} AS {new_types[name]})" for name in shared)
            con.execute(f"INSERT INTO main.{ident(_NEW)} ({targets}) SELECT {values} FROM main.{ident(current)}")
        con.execute(f"DROP TABLE main.{ident(current)}")
        con.execute(f"ALTER TABLE main.{ident(_NEW)} RENAME TO {ident(table)}")
        con.execute("COMMIT")
        return f"migrated (kept {', '.join(shared) or 'no column'})"
    except duckdb.Error as error:
        con.execute("ROLLBACK")
        reason = str(error).splitlines()[0]
    con.execute("BEGIN")
    con.execute(f"DROP TABLE main.{ident(current)}")
    con.execute(f"CREATE TABLE main.{ident(table)} ({columns})")
    con.execute("COMMIT")
    print(f"output-port-duckdb: WARNING: the rows of `{table}` do not fit the new contract ({reason}): "
          "the table was recreated empty, for the product's code to fill again", file=sys.stderr)
    return "recreated empty"


def main() -> int:
    args = json.loads(sys.argv[1])
    where = f"output port `{args['port']}` of {args['domain']}/{args['product']}"
    try:
        import duckdb
    except ImportError:
        print(f"output-port-duckdb: the `duckdb` package is missing for {sys.executable}: `pip install duckdb`, "
              "or set the module's `python` variable to an interpreter that has it", file=sys.stderr)
        return 1
    if too_old(duckdb):
        print(f"output-port-duckdb: {too_old(duckdb)}", file=sys.stderr)
        return 1
    contract = json.loads(gzip.decompress(base64.b64decode(args["contract_gz"])))
    objects = (contract or {}).get("objects") or []
    notes: list[str] = []
    try:
        wanted = [(obj, *table_ddl(duckdb, obj, notes)) for obj in objects]
        lowered = [table.lower() for _, table, _, _ in wanted]
        twice = sorted({name for name in lowered if lowered.count(name) > 1})
        if twice:
            raise ContractError(f"several contract objects make the table `{twice[0]}`")
        if any(name.startswith("__alchemesh") for name in lowered):
            raise ContractError("table names starting with `__alchemesh` are reserved")
    except ContractError as error:
        print(f"output-port-duckdb: {where}: {error}", file=sys.stderr)
        return 1
    for note in notes:
        print(f"output-port-duckdb: {where}: {note}")

    path = args["path"]
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    con = duckdb.connect(path)
    database = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH ':memory:' AS {ident(_SCRATCH)}")
    con.execute(f"CREATE SCHEMA IF NOT EXISTS {ident(_META_SCHEMA)}")
    meta = f"{ident(_META_SCHEMA)}.{ident(_META_TABLE)}"
    con.execute(f"CREATE TABLE IF NOT EXISTS {meta} (table_name VARCHAR, object_name VARCHAR, "
                "contract_id VARCHAR, contract_version VARCHAR)")
    owned = {name.lower() for (name,) in con.execute(f"SELECT table_name FROM {meta}").fetchall()}
    tables = existing_tables(con, database)
    report = []
    for obj, table, columns, names in wanted:
        current = tables.get(table.lower())
        if current is None:
            con.execute(f"CREATE TABLE main.{ident(table)} ({columns})")
            report.append(f"{table}: created")
        else:
            con.execute(f"CREATE TABLE {ident(_SCRATCH)}.main.{ident(table)} ({columns})")
            if shape(con, database, current) == shape(con, _SCRATCH, table) and current == table:
                report.append(f"{table}: unchanged")
            else:
                report.append(f"{table}: " + migrate(con, duckdb, database, table, current, columns, names))
        comment(con, table, obj)
    keep = {table.lower() for _, table, _, _ in wanted}
    for name in sorted(owned - keep):
        if name in tables:
            con.execute(f"DROP TABLE main.{ident(tables[name])}")
            report.append(f"{tables[name]}: dropped (no longer in the contract)")
    con.execute("BEGIN")
    con.execute(f"DELETE FROM {meta}")
    for obj, table, _, _ in wanted:
        con.execute(f"INSERT INTO {meta} VALUES (?, ?, ?, ?)",
                    [table, obj.get("name"), (contract or {}).get("id"), (contract or {}).get("version")])
    con.execute("COMMIT")
    con.close()
    print(f"output-port-duckdb: {where} at {path}: " + ("; ".join(report) or "no contract, no table"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
