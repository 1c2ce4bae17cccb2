"""Find the repo root and the YAML files in it: by content, honouring `exclude` and `.gitignore`."""

from __future__ import annotations

from collections.abc import Iterable
import os
import subprocess
from pathlib import Path

from alchemesh.errors import RepoError
from alchemesh.load.ignore import IgnoreRules
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


def select_yaml(files: Iterable[str], exclude: list[str]) -> list[str]:
    """The YAML files among `files` that are neither excluded nor in a skipped directory, sorted."""
    excluded = IgnoreRules(exclude)
    return sorted(
        f
        for f in files
        if f.endswith(YAML_SUFFIXES)
        and not ALWAYS_SKIPPED.intersection(f.split("/")[:-1])
        and not (excluded and excluded.ignores(f))
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


def _walk(root: Path, ignored: IgnoreRules | None) -> list[str]:
    """Every file below `root` that `.gitignore` does not ignore (a folder it ignores is not entered: nothing below
    it can be re-included, as in git)."""
    out: list[str] = []
    for directory, subdirs, names in os.walk(root):
        rel = Path(directory).relative_to(root).as_posix()
        prefix = "" if rel == "." else rel + "/"
        subdirs[:] = sorted(
            d for d in subdirs
            if d not in ALWAYS_SKIPPED and not (ignored and ignored.ignores_itself(prefix + d, True))
            and not os.path.lexists(os.path.join(directory, d, ".git"))  # a submodule or nested repo: git skips it too
        )
        out.extend(prefix + n for n in names if not (ignored and ignored.ignores_itself(prefix + n, False)))
    return out


def _gitignore_patterns(root: Path) -> IgnoreRules | None:
    try:
        lines = read_repo_file(root, ".gitignore").decode("utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return IgnoreRules(lines)
