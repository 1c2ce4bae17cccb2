"""Run a product's SQL file on its PostgreSQL server, as the product's role, in one transaction.

Called by Terraform's local-exec with one argument, a JSON document {sql_file, inputs, outputs, output, role,
product, name}; each location is postgresql://HOST:PORT/DATABASE?schema=SCHEMA. No shell is involved. The user
and password are libpq's (PGUSER, PGPASSWORD, PGPASSFILE); the SQL itself runs under `SET ROLE` of the
product, so it writes its own tables and reads only what its producers granted it.

`{{ input.NAME }}` / `{{ output.NAME }}` become the quoted schema of that port; the search path is the output
port's schema.
"""

from __future__ import annotations

import json
import re
import sys
from urllib.parse import parse_qs, urlsplit

_PLACEHOLDER = re.compile(r"\{\{\s*(input|output)\.([A-Za-z0-9_-]+)\s*\}\}")


def _schema(location: str) -> str | None:
    values = parse_qs(urlsplit(location or "").query).get("schema")
    return values[0] if values else None


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def main() -> int:
    spec = json.loads(sys.argv[1])
    where = f"code-sql-postgres: {spec['product']} {spec['name']}"
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        print(f"{where}: {sys.executable} has no psycopg: pip install 'alchemesh[postgres]'", file=sys.stderr)
        return 1
    location = spec["outputs"].get(spec["output"], "")
    server, schema = urlsplit(location), _schema(location)
    if not server.hostname or schema is None:
        print(f"{where}: the output port `{spec['output']}` has no location yet", file=sys.stderr)
        return 1
    ports = {"input": spec["inputs"], "output": spec["outputs"]}

    def schema_of(match: re.Match) -> str:
        kind, name = match.groups()
        if name not in ports[kind]:
            raise KeyError(f"no {kind} port `{name}` (the product has {', '.join(sorted(ports[kind])) or 'none'})")
        found = _schema(ports[kind][name])
        if not found:
            raise KeyError(f"the {kind} port `{name}` has no location yet: apply its producer first")
        return _quoted(found)

    try:
        with open(spec["sql_file"], encoding="utf-8") as handle:
            text = _PLACEHOLDER.sub(schema_of, handle.read())
    except (OSError, KeyError) as error:
        print(f"{where}: {error.args[0] if isinstance(error, KeyError) else error}", file=sys.stderr)
        return 1
    try:
        with psycopg.connect(host=server.hostname, port=server.port or 5432, dbname=server.path.lstrip("/"),
                             connect_timeout=30) as connection:
            connection.execute(sql.SQL("SET LOCAL ROLE {}").format(sql.Identifier(spec["role"])))
            connection.execute(sql.SQL("SET LOCAL search_path TO {}").format(sql.Identifier(schema)))
            connection.execute(text.encode())  # bytes: no parameters, a `%` in the SQL is a `%`
    except psycopg.Error as error:
        print(f"{where}: {str(error).strip()}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
