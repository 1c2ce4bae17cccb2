"""Read a file of the repo without leaving it: a committed symlink may point anywhere (`~/.aws/credentials`,
`/dev/zero`), and a FIFO named `*.yaml` would block a read forever. Only regular files inside the repo are
read, and never more than a size limit."""

from __future__ import annotations

import os
import stat
from pathlib import Path

MAX_FILE_BYTES = 8 * 1024 * 1024


class RefusedFile(OSError):
    """A repo file alchemesh will not read; `reason` says why in a few words."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def read_repo_file(root: Path, rel: str, limit: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of `root/rel`, a regular file inside `root` (after links), at most `limit` bytes."""
    path = os.path.join(root, rel)
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        target = os.path.realpath(path)
        real_root = os.path.realpath(root)
        if os.path.commonpath([real_root, target]) != real_root:
            raise RefusedFile("a symlink to a path outside the repo (it is never read)")
        path, info = target, os.stat(target)
    if not stat.S_ISREG(info.st_mode):
        raise RefusedFile("not a regular file (a device, FIFO or folder is never read)")
    if info.st_size > limit:
        raise RefusedFile(f"file is {info.st_size:,} bytes, over the {limit:,}-byte limit")
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the lstat
            raise RefusedFile("not a regular file (a device, FIFO or folder is never read)")
        raw = handle.read(limit + 1)
    if len(raw) > limit:
        raise RefusedFile(f"file is over the {limit:,}-byte limit")
    return raw


def writable_path(root: Path, rel: str) -> Path:
    """Where `rel` may be written inside `root`: a relative path of plain names, with no symlink on the way (a
    committed symlinked folder would lead the write out of the mesh) and no folder that is not one."""
    parts = rel.split("/")
    if not rel or rel.startswith("/") or any(p in ("", ".", "..") for p in parts) or "\\" in rel or \
            any(ord(c) < 32 or ord(c) == 127 for c in rel):
        raise RefusedFile(f"{rel!r} is not a plain path inside the mesh")
    here = Path(root)
    for i, part in enumerate(parts):
        here = here / part
        try:
            info = os.lstat(here)
        except FileNotFoundError:
            break
        if stat.S_ISLNK(info.st_mode):
            raise RefusedFile(f"{'/'.join(parts[:i + 1])} is a symlink: nothing is written through it")
        if i < len(parts) - 1 and not stat.S_ISDIR(info.st_mode):
            raise RefusedFile(f"{'/'.join(parts[:i + 1])} is not a folder")
        if i == len(parts) - 1 and not stat.S_ISREG(info.st_mode):
            raise RefusedFile(f"{rel} is not a regular file")
    return Path(root) / rel


def describe(error: OSError) -> str:
    """The few words a finding says about a file that could not be read."""
    return error.reason if isinstance(error, RefusedFile) else (error.strerror or str(error))


def shown_path(path: Path, base: Path, *, resolve: bool = True) -> str:
    """`path` relative to `base` as a POSIX string (both resolved first, unless told not to), or as it is
    when it is not below `base`."""
    try:
        return (path.resolve().relative_to(base.resolve()) if resolve else path.relative_to(base)).as_posix()
    except ValueError:
        return path.as_posix()


def repository_prefix(root: Path) -> str:
    """`root` relative to the top of the git repository it is in, as `dir/sub/` ('' at the top, or outside git):
    where tools that read paths from the repository root (code scanning) find the mesh's files."""
    top = Path(os.path.realpath(root))
    for folder in (top, *top.parents):
        if os.path.lexists(folder / ".git"):
            rel = top.relative_to(folder).as_posix()
            return "" if rel == "." else rel + "/"
    return ""


def from_here(path: Path) -> str:
    """`path` as the user standing in the working directory would type it (`../` included); absolute when the two
    share nothing but the filesystem's root (`../../../tmp/x` helps no one)."""
    try:
        target, here = os.path.abspath(path), os.getcwd()
        if os.path.commonpath([target, here]) == os.path.abspath(os.sep) != here:
            return Path(target).as_posix()
        return os.path.relpath(target, here).replace(os.sep, "/")
    except (ValueError, OSError):  # another drive; a working directory that is gone
        return Path(path).as_posix()
