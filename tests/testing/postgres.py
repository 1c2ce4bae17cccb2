"""A real PostgreSQL server for the tests: Debian's `postgresql`, a throwaway cluster on 127.0.0.1, run as an
unprivileged user (PostgreSQL refuses root), stopped at the end."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from tests.testing.s3 import free_port

BIN_DIRS = sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
_TRIES = 5


def _as_user(user: str | None, args: list[str]) -> list[str]:
    return args if user is None else ["runuser", "-u", user, "--", *args]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """A running server; yields its connection string (trust authentication on loopback: no password)."""
    folder = Path(tempfile.mkdtemp(prefix="alchemesh-pg-"))  # not under pytest's 0700 folders: the server's user reads it
    folder.chmod(0o755)
    if not BIN_DIRS:
        raise RuntimeError("PostgreSQL is not installed: `apt-get install postgresql` (.ci/run does)")
    bin_dir = BIN_DIRS[0]
    user = "postgres" if os.geteuid() == 0 else None
    data, sockets = folder / "data", folder / "sockets"
    for path in (folder, sockets):
        path.mkdir(parents=True, exist_ok=True)
        if user:
            shutil.chown(path, user)
    run = lambda args: subprocess.run(_as_user(user, args), check=True, capture_output=True, text=True)  # noqa: E731
    run([str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "--no-sync"])
    # A port free a moment ago may be taken by another worker's server before this one binds it: then the start
    # fails (the server binds exclusively) and another port is tried. Never two servers on one port.
    for attempt in range(_TRIES):
        port = free_port()
        try:
            run([str(bin_dir / "pg_ctl"), "-D", str(data), "-w", "-l", str(folder / "server.log"), "-o",
                 f"-h 127.0.0.1 -p {port} -k {sockets} -c fsync=off -c max_connections=200", "start"])
            break
        except subprocess.CalledProcessError:
            if attempt == _TRIES - 1 or "could not bind" not in (folder / "server.log").read_text(errors="replace"):
                raise
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres?sslmode=disable"
    finally:
        subprocess.run(_as_user(user, [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def reading_location(url: str, schema: str) -> str:
    """A location that `alchemesh test` reads `schema` at as a role of its own (no login, SELECT on the schema's
    tables only), as the PostgreSQL family's output port gives one: never as the superuser that made the data."""
    import psycopg
    from psycopg import sql

    role = f"tester_{schema}"
    with psycopg.connect(url, autocommit=True) as connection:
        exists = connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone()
        if not exists:
            connection.execute(sql.SQL("CREATE ROLE {} NOLOGIN").format(sql.Identifier(role)))
        connection.execute(sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(sql.Identifier(schema), sql.Identifier(role)))
        connection.execute(sql.SQL("GRANT SELECT ON ALL TABLES IN SCHEMA {} TO {}").format(sql.Identifier(schema),
                                                                                          sql.Identifier(role)))
    host = url.split("@", 1)[1].split("/", 1)[0]
    return f"postgresql://postgres@{host}/postgres?schema={schema}&role={role}&sslmode=disable"
