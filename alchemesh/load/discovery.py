"""Find the repo root and the YAML files in it: by content, honouring `exclude` and `.gitignore`."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from alchemesh.errors import RepoError
from alchemesh.repofiles import read_repo_file

MESH_FILE = "alchemesh.yaml"
YAML_SUFFIXES = (".yaml", ".yml")
ALWAYS_SKIPPED = {".git", ".alchemesh", "node_modules", ".terraform", ".venv", "__pycache__"}


def find_root(path: Path | None) -> Path:
    """The nearest folder at or above `path` (default: the working directory) holding alchemesh.yaml; none is a
    usage error that says where the meshes below are, or how to start one (no folder is taken for a mesh: a run in
    $HOME would walk all of it)."""
    if path is not None and path.is_file():
        folder = next((c for c in path.resolve().parents if (c / MESH_FILE).is_file()), None)
        where = f": pass its folder, {folder}" if folder else ""
        raise RepoError(f"{path} is a file: alchemesh checks a whole mesh, the folder holding {MESH_FILE}{where}")
    if path is not None and not path.is_dir():
        raise RepoError(f"{path}: no such directory")
    here = (path or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / MESH_FILE).is_file():
            return candidate
    below = meshes_below(here)
    if below:
        shown = ", ".join(below[:5]) + (f" and {len(below) - 5} more" if len(below) > 5 else "")
        raise RepoError(f"{here} is not in a mesh (no {MESH_FILE} here or above); the meshes below it: {shown}: "
                        "run alchemesh in one, or pass its folder")
    raise RepoError(f"{here} is not in a mesh (no {MESH_FILE} here or above): run `alchemesh init` to start one, "
                    "or pass a mesh's folder")


def meshes_below(folder: Path, depth: int = 4) -> list[str]:
    """Folders under `folder` holding alchemesh.yaml, relative and sorted (hidden and tool folders skipped)."""
    found = []
    for current, dirs, files in os.walk(folder):
        rel = Path(current).relative_to(folder)
        if MESH_FILE in files and rel.parts:
            found.append(rel.as_posix())
        dirs[:] = [d for d in dirs if not d.startswith(".") and d not in ALWAYS_SKIPPED] if len(rel.parts) < depth else []
    return sorted(found)


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
    # A file deleted but not yet `git rm`-ed is gone: it is no part of the mesh.
    return sorted({name for name in names if name and os.path.lexists(os.path.join(root, name))})


def _inside_work_tree(root: Path) -> bool:
    return any((directory / ".git").exists() for directory in (root, *root.parents))


def _walk(root: Path, ignored: Globs | None) -> list[str]:
    out = []
    for directory, subdirs, names in os.walk(root):
        rel = Path(directory).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        subdirs[:] = sorted(
            d for d in subdirs
            if d not in ALWAYS_SKIPPED and not (ignored and ignored.match(prefix + d + "/"))
            and not os.path.lexists(os.path.join(directory, d, ".git"))  # a submodule or nested repo: git skips it too
        )
        out.extend(prefix + n for n in names if not (ignored and ignored.match(prefix + n)))
    return out


def _gitignore_patterns(root: Path) -> Globs | None:
    try:
        lines = read_repo_file(root, ".gitignore").decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return compile_globs([line.strip() for line in lines if line.strip() and not line.startswith(("#", "!"))])


def compile_globs(patterns: list[str]) -> Globs | None:
    """gitignore-style globs over repo-relative paths, matched in linear time (a regex of `**/**/…`
    backtracks exponentially).

    `*` stays inside one path segment, `**` crosses segments; a pattern with no `/` matches at any
    depth; a pattern ending in `/` (or naming a directory) matches everything below it.
    """
    compiled = [_glob_segments(p) for p in patterns if p.strip("/")]
    return Globs(tuple(compiled)) if compiled else None


class Globs:
    def __init__(self, patterns: tuple[tuple[str, ...], ...]):
        self.patterns = patterns

    def match(self, path: str) -> bool:
        parts = path.rstrip("/").split("/")
        return any(_match(pattern, parts, _match_segment) for pattern in self.patterns)


def _glob_segments(pattern: str) -> tuple[str, ...]:
    anchored = "/" in pattern.rstrip("/")
    segments = [s for s in pattern.strip("/").split("/") if s]
    # A run of `**` is one `**`; unanchored patterns match at any depth; every pattern covers what is below it.
    collapsed = [s for i, s in enumerate(segments) if not (s == "**" and i and segments[i - 1] == "**")]
    prefix = [] if anchored or collapsed[0] == "**" else ["**"]
    suffix = ["*", "**"] if collapsed[-1] == "**" else ["**"]  # `dir/**` is what is inside dir
    return tuple(prefix + collapsed[:-1] + suffix if collapsed[-1] == "**" else prefix + collapsed + suffix)


def _match(pattern, items, matches_one, star="**") -> bool:
    """Wildcard matching with one back-tracking point, O(len(pattern) × len(items)): `star` stands for
    any run of items, every other element for exactly one item that `matches_one` accepts."""
    p = i = 0
    star_p, star_i = -1, 0
    while i < len(items):
        if p < len(pattern) and pattern[p] == star:
            star_p, star_i = p, i
            p += 1
        elif p < len(pattern) and matches_one(pattern[p], items[i]):
            p += 1
            i += 1
        elif star_p >= 0:
            p, star_i = star_p + 1, star_i + 1
            i = star_i
        else:
            return False
    while p < len(pattern) and pattern[p] == star:
        p += 1
    return p == len(pattern)


def _match_segment(pattern: str, name: str) -> bool:
    if pattern == name:
        return True
    if "*" not in pattern and "?" not in pattern:
        return False
    return _match(pattern.replace("**", "*"), name, _same_character, star="*")


def _same_character(pattern_char: str, char: str) -> bool:
    return pattern_char == "?" or pattern_char == char
