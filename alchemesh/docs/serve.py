"""`docs serve`: the site on http://127.0.0.1:PORT, rebuilt when a file of the mesh changes.

Changes are found by polling the YAML files' sizes and modification times once a second: no watcher
dependency, and a mesh of thousands of files costs one `stat` each per second.
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Callable
from pathlib import Path

from alchemesh.errors import UsageError


def snapshot(root: Path) -> tuple:
    """What a rebuild depends on: the mesh's YAML files (found as `validate` finds them) and their stats."""
    from alchemesh.load.discovery import list_yaml_files

    state = []
    for file in list_yaml_files(root, []):
        try:
            stat = (root / file).stat()
        except OSError:
            continue
        state.append((file, stat.st_size, stat.st_mtime_ns))
    return tuple(state)


def bind(out: Path, port: int) -> http.server.ThreadingHTTPServer:
    """The server of the site in `out`, bound to 127.0.0.1:PORT before anything is built: a port that cannot be had
    is said at once."""
    handler = functools.partial(_QuietHandler, directory=str(out))
    try:
        return http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except (OSError, OverflowError) as error:
        said = getattr(error, "strerror", None) or str(error)
        raise UsageError(f"cannot serve on 127.0.0.1:{port} ({said}): choose another --port") from None


def serve(root: Path, server: http.server.ThreadingHTTPServer, rebuild: Callable[[], None], *,
          interval: float = 1.0, ready: Callable[[str], None] | None = None,
          stop: threading.Event | None = None) -> None:
    seen = snapshot(root)  # before announcing the URL: a change made right after it is seen
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    if ready:
        ready(f"http://127.0.0.1:{server.server_address[1]}/")
    stop = stop or threading.Event()
    try:
        while not stop.wait(interval):
            now = snapshot(root)
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

