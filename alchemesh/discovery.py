"""Find the repo root and the YAML files in it: by content, honouring `exclude` and `.gitignore`."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from alchemesh.errors import RepoError

MESH_FILE = "alchemesh.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
ALWAYS_SKIPPED = {".git", ".alchemesh", "node_modules", ".terraform", ".venv", "__pycache__"}


def find_root(path: Path | None) -> Path:
    """The given directory, or the nearest one at or above the working directory with alchemesh.yaml."""
    if path is not None:
        if not path.is_dir():
            raise RepoError(f"{path}: no such directory")
        return path.resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / MESH_FILE).is_file():
            return candidate
    return here


def list_yaml_files(root: Path, exclude: list[str]) -> list[str]:
    """Repo-relative POSIX paths of every YAML file, sorted."""
    files = _git_files(root)
    if files is None:
        files = _walk(root, _gitignore_patterns(root))
    return select_yaml(files, exclude)


def select_yaml(files, exclude: list[str]) -> list[str]:
    """The YAML files among `files` that are neither excluded nor in a skipped directory, sorted."""
    excluded = compile_globs(exclude)
    return sorted(
        f
        for f in files
        if f.endswith(YAML_SUFFIXES)
        and not ALWAYS_SKIPPED.intersection(f.split("/")[:-1])
        and not (excluded and excluded.match(f))
    )


def _git_files(root: Path) -> list[str] | None:
    """Tracked and untracked-but-not-ignored files, as git sees them; None outside a work tree."""
    if not _inside_work_tree(root):
        return None
    try:
        result = subprocess.run(
            ["git", "-c", "core.quotepath=off", "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", "."],
            cwd=root,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    names = result.stdout.decode("utf-8", "surrogateescape").split("\0")
    return sorted({name for name in names if name})


def _inside_work_tree(root: Path) -> bool:
    return any((directory / ".git").exists() for directory in (root, *root.parents))


def _walk(root: Path, ignored: re.Pattern | None) -> list[str]:
    out = []
    for directory, subdirs, names in os.walk(root):
        rel = Path(directory).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        subdirs[:] = sorted(
            d for d in subdirs if d not in ALWAYS_SKIPPED and not (ignored and ignored.match(prefix + d + "/"))
        )
        out.extend(prefix + n for n in names if not (ignored and ignored.match(prefix + n)))
    return out


def _gitignore_patterns(root: Path) -> re.Pattern | None:
    try:
        lines = (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return compile_globs([line.strip() for line in lines if line.strip() and not line.startswith(("#", "!"))])


def compile_globs(patterns: list[str]) -> re.Pattern | None:
    """One regex for gitignore-style globs over repo-relative paths.

    `*` stays inside one path segment, `**` crosses segments; a pattern with no `/` matches at any
    depth; a pattern ending in `/` (or naming a directory) matches everything below it.
    """
    parts = [_glob_to_regex(p) for p in patterns if p]
    return re.compile("|".join(parts)) if parts else None


def _glob_to_regex(pattern: str) -> str:
    anchored = "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out, i = [], 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    return ("" if anchored else "(?:.*/)?") + body + "(?:/.*)?$"
