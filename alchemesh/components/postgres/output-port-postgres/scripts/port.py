"""Make a PostgreSQL output port what its contract and its consumers say, or remove it.

Called by Terraform's local-exec with one argument, a JSON document:
- {action: apply, host, tcp_port, database, schema, owner, port, readers, tester, role_prefix, contract_gz}
- {action: destroy, host, tcp_port, database, schema, owner, port}
No shell is involved; every name reaches SQL as a quoted identifier, every value as a parameter. The user and
password are libpq's (PGUSER, PGPASSWORD, PGPASSFILE). One transaction: a failure changes nothing.

apply: the product's role (no login) and its schema; per contract object (table `physical_name`, else `name`) a
table typed from the contract, created, kept when its columns and keys are as the contract says, else rebuilt
keeping the rows that still fit; tables of this port gone from the contract dropped; each reader role (one per
consumer product, created when missing) granted USAGE on the schema and SELECT on the port's tables, and a role
of the mesh no longer reading the port revoked; the environment's tester role (no login, a member of the applying
user so that it can SET ROLE to it) granted USAGE and SELECT alike, for `alchemesh test`. destroy: the port's tables, then the schema and the product's
role when nothing else is left in them.
"""

from __future__ import annotations

import base64
import gzip
import json
import re
import sys

LOGICAL_TYPES = {"string": "text", "integer": "bigint", "number": "double precision", "boolean": "boolean",
                 "date": "date", "timestamp": "timestamp", "time": "time", "object": "jsonb", "array": "jsonb",
                 "map": "jsonb"}
_TYPE = re.compile(r"^[A-Za-z][A-Za-z0-9_ ,.()\[\]]*$")
_MARK = "alchemesh output port "  # each table's comment: which port owns it


class PortError(Exception):
    pass


def main() -> int:
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        print(f"output-port-postgres: {sys.executable} has no psycopg: pip install 'alchemesh[postgres]'",
              file=sys.stderr)
        return 1
    spec = json.loads(sys.argv[1])
    try:
        with psycopg.connect(host=spec["host"], port=int(spec["tcp_port"]), dbname=spec["database"],
                             connect_timeout=30) as connection:
            # Roles are shared by the whole server: ports applied side by side create them one at a time.
            connection.execute("SELECT pg_advisory_xact_lock(hashtext('alchemesh output-port-postgres'))")
            if spec["action"] == "destroy":
                destroy(connection, sql, spec)
            else:
                apply(connection, sql, spec, json.loads(gzip.decompress(base64.b64decode(spec["contract_gz"]))))
    except PortError as error:
        print(f"output-port-postgres: {spec['schema']}/{spec['port']}: {error}", file=sys.stderr)
        return 1
    except psycopg.Error as error:
        print(f"output-port-postgres: {spec['schema']}/{spec['port']}: {str(error).strip()}", file=sys.stderr)
        return 1
    return 0


def apply(connection, sql, spec: dict, contract) -> None:
    schema, owner = spec["schema"], spec["owner"]
    ident = sql.Identifier
    _role(connection, sql, owner, login=False)
    connection.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(ident(owner)))  # to run the product's code as it
    connection.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {} AUTHORIZATION {}").format(ident(schema), ident(owner)))
    wanted = []
    for obj in (contract or {}).get("objects") or []:
        table = obj.get("physical_name") or obj.get("name")
        if not table:
            raise PortError("a contract object has no name")
        wanted.append(table)
        _table(connection, sql, schema, table, _columns(connection, sql, obj), spec["port"], owner)
    for table in _port_tables(connection, schema, spec["port"]):
        if table not in wanted:
            connection.execute(sql.SQL("DROP TABLE {}.{}").format(ident(schema), ident(table)))
    _grant(connection, sql, spec, wanted)


def _role(connection, sql, role: str, login: bool) -> None:
    if len(role.encode()) > 63:
        raise PortError(f"role `{role}` is longer than PostgreSQL's 63 bytes: shorten the mesh, domain or product name")
    if connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
        connection.execute(sql.SQL("CREATE ROLE {} " + ("LOGIN" if login else "NOLOGIN")).format(sql.Identifier(role)))


def _columns(connection, sql, obj: dict) -> list[tuple[str, str, bool, bool, bool]]:
    """(name, type, not null, unique, primary key) of each property."""
    out, seen = [], set()
    for prop in obj.get("properties") or []:
        name = prop.get("name")
        if not name or name in seen:
            raise PortError(f"table `{obj.get('name')}`: a property without a name, or `{name}` twice")
        seen.add(name)
        out.append((name, _type(connection, sql, prop, f"{obj.get('name')}.{name}"), bool(prop.get("required")),
                    bool(prop.get("unique")), bool(prop.get("primary_key"))))
    if not out:
        raise PortError(f"table `{obj.get('name')}` has no properties")
    return out


def _type(connection, sql, prop: dict, where: str) -> str:
    physical, logical = prop.get("physical_type"), prop.get("logical_type")
    if physical and _TYPE.match(physical) and physical.count("(") == physical.count(")"):
        try:
            with connection.transaction():
                connection.execute(sql.SQL("SELECT CAST(NULL AS {})").format(sql.SQL(physical)))
            return physical
        except Exception:  # not a PostgreSQL type: the logical type, as for a property with none
            pass
    if logical is None:
        if physical:
            raise PortError(f"{where}: `{physical}` is not a PostgreSQL type, and there is no logical type")
        return "text"
    if str(logical).lower() not in LOGICAL_TYPES:
        raise PortError(f"{where}: unknown logical type `{logical}`")
    return LOGICAL_TYPES[str(logical).lower()]


def _definition(sql, columns) -> object:
    parts = []
    for name, kind, required, unique, key in columns:
        parts.append(sql.SQL("{} {}{}{}").format(sql.Identifier(name), sql.SQL(kind),
                                                 sql.SQL(" NOT NULL" if required or key else ""),
                                                 sql.SQL(" UNIQUE" if unique and not key else "")))
    keys = [sql.Identifier(name) for name, _, _, _, key in columns if key]
    if keys:
        parts.append(sql.SQL("PRIMARY KEY ({})").format(sql.SQL(", ").join(keys)))
    return sql.SQL(", ").join(parts)


def _shape(connection, schema: str, table: str) -> tuple:
    """A table's columns (name, type, not null) and its key and unique constraints, as PostgreSQL says them."""
    columns = connection.execute(
        "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull FROM pg_attribute a "
        "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        (_qualified(schema, table),)).fetchall()
    keys = connection.execute(
        "SELECT contype, array_agg(a.attname ORDER BY k.i) FROM pg_constraint c "
        "CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, i) "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum "
        "WHERE c.conrelid = to_regclass(%s) AND c.contype IN ('p', 'u') GROUP BY c.oid, contype",
        (_qualified(schema, table),)).fetchall()
    return tuple(columns), tuple(sorted((kind, tuple(names)) for kind, names in keys))


def _qualified(schema: str, table: str) -> str:
    return '"' + schema.replace('"', '""') + '"."' + table.replace('"', '""') + '"'


def _table(connection, sql, schema: str, table: str, columns, port: str, owner: str) -> None:
    ident = sql.Identifier
    here = sql.SQL("{}.{}").format(ident(schema), ident(table))
    probe = "__alchemesh_probe"
    connection.execute(sql.SQL("CREATE TEMP TABLE {} ({}) ON COMMIT DROP").format(ident(probe), _definition(sql, columns)))
    wanted = _shape(connection, "pg_temp", probe)
    connection.execute(sql.SQL("DROP TABLE pg_temp.{}").format(ident(probe)))
    exists = connection.execute("SELECT to_regclass(%s)", (_qualified(schema, table),)).fetchone()[0] is not None
    if exists and _shape(connection, schema, table) != wanted:
        old = "__alchemesh_old"
        connection.execute(sql.SQL("ALTER TABLE {} RENAME TO {}").format(here, ident(old)))
        connection.execute(sql.SQL("CREATE TABLE {} ({})").format(here, _definition(sql, columns)))
        kept = [name for name, *_ in columns if name in {c[0] for c in _shape(connection, schema, old)[0]}]
        if kept:
            names = sql.SQL(", ").join(map(ident, kept))
            try:
                with connection.transaction():  # a savepoint: rows that no longer fit leave the table empty
                    connection.execute(sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}.{}").format(
                        here, names, names, ident(schema), ident(old)))
            except Exception as error:
                print(f"output-port-postgres: {schema}.{table}: rebuilt empty, its rows do not fit the new "
                      f"contract ({str(error).strip().splitlines()[0]}): the product's code fills it again",
                      file=sys.stderr)
        connection.execute(sql.SQL("DROP TABLE {}.{}").format(ident(schema), ident(old)))
    elif not exists:
        connection.execute(sql.SQL("CREATE TABLE {} ({})").format(here, _definition(sql, columns)))
    connection.execute(sql.SQL("COMMENT ON TABLE {} IS {}").format(here, sql.Literal(_MARK + port)))
    connection.execute(sql.SQL("ALTER TABLE {} OWNER TO {}").format(here, ident(owner)))


def _port_tables(connection, schema: str, port: str) -> list[str]:
    rows = connection.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND obj_description(c.oid, 'pg_class') = %s",
        (schema, _MARK + port)).fetchall()
    return sorted(r[0] for r in rows)


def _grant(connection, sql, spec: dict, tables: list[str]) -> None:
    """SELECT for each reader; a role of this mesh no longer reading the port loses it."""
    schema, owner, readers = spec["schema"], spec["owner"], set(spec["readers"])
    tester = spec.get("tester")
    ident = sql.Identifier
    if tester:
        _role(connection, sql, tester, login=False)
        connection.execute(sql.SQL("GRANT {} TO CURRENT_USER").format(ident(tester)))  # to SET ROLE to it
    for role in sorted(readers | ({tester} if tester else set())):
        if role != tester:
            _role(connection, sql, role, login=True)
        connection.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(ident(schema), ident(role)))
        for table in tables:
            connection.execute(sql.SQL("GRANT SELECT ON {}.{} TO {}").format(ident(schema), ident(table), ident(role)))
    prefix = spec["role_prefix"].replace("\\", "\\\\").replace("_", "\\_").replace("%", "\\%") + "%"
    mesh_roles = [r[0] for r in connection.execute(
        "SELECT rolname FROM pg_roles WHERE rolname LIKE %s AND NOT rolsuper", (prefix,)).fetchall()]
    for role in sorted(set(mesh_roles) - readers - {owner, tester}):
        for table in tables:
            connection.execute(sql.SQL("REVOKE ALL ON {}.{} FROM {}").format(ident(schema), ident(table), ident(role)))
        still_reads = connection.execute(
            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = %s AND table_schema = %s",
            (role, schema)).fetchone()[0]
        if not still_reads:  # no port of the product left to read: no way into its schema either
            connection.execute(sql.SQL("REVOKE USAGE ON SCHEMA {} FROM {}").format(ident(schema), ident(role)))


def destroy(connection, sql, spec: dict) -> None:
    schema = spec["schema"]
    ident = sql.Identifier
    if connection.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", (schema,)).fetchone() is None:
        return
    for table in _port_tables(connection, schema, spec["port"]):
        connection.execute(sql.SQL("DROP TABLE {}.{}").format(ident(schema), ident(table)))
    for statement in (sql.SQL("DROP SCHEMA {} RESTRICT").format(ident(schema)),
                      sql.SQL("DROP ROLE IF EXISTS {}").format(ident(spec["owner"]))):
        try:
            with connection.transaction():  # another port of the product, or its code's own tables, keep them
                connection.execute(statement)
        except Exception:
            return


if __name__ == "__main__":
    sys.exit(main())
