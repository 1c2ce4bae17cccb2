"""A real S3 API for the tests: moto's server on 127.0.0.1 (the `s3` backend's requests, answered for real)."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

# Credentials of the moto server: test values, given to Terraform through the environment, as in a real run.
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
               "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}


@contextlib.contextmanager
def s3_server() -> Iterator[str]:
    """A running moto server of this process's own; yields its endpoint URL.

    A port free a moment ago may be taken by another worker's server before this one binds it, and that server
    would answer for this one: the server counts as started only once this very process listens on the port (its
    socket among the process's own), and another port is tried when it could not bind."""
    for _ in range(5):
        port = free_port()
        process = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while process.poll() is None and not _listens(process.pid, port) and time.monotonic() < deadline:
                time.sleep(0.1)
            if process.poll() is None and _listens(process.pid, port):
                yield f"http://127.0.0.1:{port}"
                return
        finally:
            process.terminate()
            process.wait(timeout=10)
    raise RuntimeError("the moto server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _listens(pid: int, port: int) -> bool:
    """Whether process `pid` has a socket listening on `port` (Linux: its sockets' inodes in /proc/net/tcp)."""
    import os

    try:
        inodes = {os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1] for fd in os.listdir(f"/proc/{pid}/fd")
                  if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")}
    except OSError:
        return False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as handle:
                rows = handle.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            fields = row.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port and fields[9] in inodes:
                return True
    return False


def create_bucket(url: str, name: str) -> None:
    request = urllib.request.Request(f"{url}/{name}", method="PUT")
    urllib.request.urlopen(request, timeout=10)
