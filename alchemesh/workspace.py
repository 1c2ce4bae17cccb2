"""The `.alchemesh/` folder of a mesh: what alchemesh keeps there, and how it writes files (atomically).

Everything under it is alchemesh's own, safe to delete, and ignored by git (it ignores itself).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO

WORK_DIR = ".alchemesh"
CACHE_DIR = f"{WORK_DIR}/cache"  # per-file parse results, the last validation report, build stamps
MODULE_CACHE_DIR = f"{CACHE_DIR}/modules"  # local Terraform modules read with python-hcl2
BUILD_DIR = f"{WORK_DIR}/build"  # the compiled stacks, one folder per environment
LOG_DIR = f"{WORK_DIR}/logs"  # Terraform's output, one file per stack and run
SITE_DIR = f"{WORK_DIR}/site"  # the catalog
TEST_DIR = f"{WORK_DIR}/test"  # the last data test result of each port, per environment: ENV.json
PORTS_DIR = f"{WORK_DIR}/ports"  # where each output port's data is, per environment, as the last apply read it
TERRAFORM_DIR = f"{WORK_DIR}/terraform"  # the CLI configuration and the packaged providers' mirror


def write_atomic(path: Path, content: bytes | Callable[[IO[str]], None]) -> None:
    """Write to a temporary file beside `path`, then rename: readers see the old or the new bytes. `content`: the
    bytes, or a function that writes UTF-8 text to the file it is given (a large file, never whole in memory)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o666)  # the umask applies, as for any new file
        if isinstance(content, bytes):
            with os.fdopen(fd, "wb") as handle:
                handle.write(content)
        else:
            with os.fdopen(fd, "w", encoding="utf-8", newline="") as text:
                content(text)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def swap_in(folder: Path, journal: str, moves: list[tuple[str, str]], remove: list[str], *,
            staging: Path | None = None, clear: Callable[[Path, str], None] | None = None) -> None:
    """Make many files' changes to `folder` one step: the new files already staged (in `staging`, a sibling folder,
    or beside their destinations in `folder` itself), the moves and removals are journaled, then carried out. A
    process killed at any point leaves the old files, or a journal the next write completes (`complete`) — never
    half of each. `clear`: how an entry of `remove` goes (default: the file, then its emptied folders)."""
    body = {"staging": staging.name if staging is not None else "", "moves": moves, "remove": remove}
    write_atomic(folder / journal, json.dumps(body).encode())
    complete(folder, journal, clear=clear, staging=re.compile(re.escape(staging.name)) if staging else None)


def complete(folder: Path, journal: str, *, clear: Callable[[Path, str], None] | None = None,
             staging: re.Pattern[str] | None = None) -> None:
    """Carry out the journal a write left in `folder`, if any: each staged file moved in (those still staged), each
    removal made. A journal names only plain paths inside `folder`, and files staged in `folder` or in a sibling
    whose name `staging` matches: one that says otherwise moves nothing."""
    try:
        steps = json.loads((folder / journal).read_bytes())
        name, moves, remove = str(steps["staging"]), list(steps["moves"]), [str(r) for r in steps["remove"]]
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        name, moves, remove = "", [], []
    source = folder if not name else folder.with_name(name) if staging and staging.fullmatch(name) else None
    if source is None:  # not a journal this code wrote: it changes nothing
        moves, remove = [], []
    for move in moves:
        staged, final = (move, move) if isinstance(move, str) else (str(move[0]), str(move[1]))
        if source is not None and inside(staged) and inside(final) and (source / staged).is_file():
            (folder / final).parent.mkdir(parents=True, exist_ok=True)
            os.replace(source / staged, folder / final)
    for rel in remove:
        if inside(rel):
            (clear or _remove_file)(folder, rel)
    (folder / journal).unlink(missing_ok=True)


def _remove_file(folder: Path, rel: str) -> None:
    (folder / rel).unlink(missing_ok=True)
    parent = (folder / rel).parent
    while parent != folder and parent.is_dir() and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def inside(rel: str) -> bool:
    """A plain relative path that stays inside its folder."""
    path = PurePosixPath(rel)
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel


@contextlib.contextmanager
def exclusive(root: Path, name: str) -> Iterator[None]:
    """One process at a time in `root` for `name` (an import writing many files): a second waits for the first
    and then sees its result, instead of the two leaving a tree half of each."""
    import fcntl

    work = root / WORK_DIR
    work.mkdir(parents=True, exist_ok=True)
    ignore_itself(work)
    with open(work / f"{name}.lock", "a+b") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def pid_alive(pid: int) -> bool:
    """Whether a process of this number runs (the owner of a staging file or folder, say)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


def ignore_itself(work_dir: Path) -> None:
    """A `.gitignore` of `*` in the work folder, so that nothing in it is ever committed."""
    ignore = work_dir / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# alchemesh build output and cache\n*\n", encoding="utf-8")
