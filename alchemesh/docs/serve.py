"""`docs serve`: the site on http://127.0.0.1:PORT, rebuilt when a file of the mesh changes.

Changes are found by polling file sizes and modification times once a second: no watcher
dependency, and a mesh of thousands of files costs one `stat` each per second.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from pathlib import Path

from alchemesh.errors import UsageError


def snapshot(root: Path, out: Path) -> tuple:
    """What a rebuild depends on: every file under the root but the build outputs and .git."""
    state = []
    for path in sorted(root.rglob("*")):
        if ".git" in path.parts or ".alchemesh" in path.relative_to(root).parts or out in path.parents:
            continue
        try:
            stat = path.stat()
        except OSError:
            continue
        if path.is_file():
            state.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(state)


def serve(root: Path, out: Path, rebuild: Callable[[], None], port: int, *, interval: float = 1.0,
          ready: Callable[[str], None] | None = None, stop: threading.Event | None = None) -> None:
    seen = snapshot(root, out)  # before announcing the URL: a change made right after it is seen
    handler = functools.partial(_QuietHandler, directory=str(out))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        raise UsageError(f"cannot serve on 127.0.0.1:{port} ({error.strerror}): choose another --port") from None
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if ready:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
    stop = stop or threading.Event()
    try:
        while not stop.wait(interval):
            now = snapshot(root, out)
            if now != seen:
                seen = now
                rebuild()
    finally:
        server.shutdown()
        server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args) -> None:  # noqa: A002 (the base class's name)
        pass

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")  # a rebuilt page shows on reload
        super().end_headers()

