"""What git knows about the repo: changed files, the base revision, files and history at a revision.

Old versions are read straight from git objects (`ls-tree` + one `cat-file --batch`): no checkout,
so it works in a shallow CI clone that has fetched the base commit.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from alchemesh.errors import GitError


def _git(root: Path, *args: str, stdin: bytes | None = None) -> bytes:
    try:
        result = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, check=True)
    except FileNotFoundError:
        raise GitError("git is not installed") from None
    except subprocess.CalledProcessError as error:
        message = error.stderr.decode(errors="replace").strip().splitlines()
        raise GitError(f"git {args[0]}: {message[-1] if message else 'failed'}") from None
    return result.stdout


def _text(root: Path, *args: str) -> str:
    return _git(root, *args).decode("utf-8", "surrogateescape")


def require_work_tree(root: Path) -> None:
    try:
        _git(root, "rev-parse", "--is-inside-work-tree")
    except GitError:
        raise GitError(f"{root} is not inside a git repository") from None


def has_head(root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=root, capture_output=True).returncode == 0


def changed_files(root: Path) -> set[str]:
    """Files (relative to `root`) that differ from HEAD: staged, unstaged and untracked."""
    require_work_tree(root)
    if has_head(root):
        tracked = _text(root, "diff", "--name-only", "--relative", "-z", "HEAD", "--", ".")
    else:
        tracked = _text(root, "ls-files", "-z", "--cached", "--", ".")
    untracked = _text(root, "ls-files", "-z", "--others", "--exclude-standard", "--", ".")
    return {name for name in (tracked + untracked).split("\0") if name}


def resolve(root: Path, rev: str) -> str:
    """The commit id of `rev`, or a clear error when this clone does not have it."""
    try:
        return _text(root, "rev-parse", "--verify", "-q", f"{rev}^{{commit}}").strip()
    except GitError:
        raise GitError(f"revision `{rev}` is not in this clone; fetch it (in CI: `fetch-depth: 0`, "
                       f"or `{_fetch_command(root, rev)}`)") from None


def _fetch_command(root: Path, rev: str) -> str:
    """`git fetch REMOTE BRANCH` for a remote-tracking name (`origin/main`), `git fetch origin REV` otherwise."""
    try:
        remotes = _text(root, "remote").split()
    except GitError:
        remotes = []
    remote, _, branch = rev.partition("/")
    if branch and remote in remotes:
        return f"git fetch {remote} {branch}"
    return f"git fetch {remotes[0] if remotes else 'origin'} {rev}"


def default_base(root: Path) -> str:
    """The merge-base of HEAD with the default branch (`origin/HEAD`, else `main`, else `master`)."""
    require_work_tree(root)
    if not has_head(root):
        raise GitError("the repository has no commits yet: there is nothing to compare against")
    for candidate in ("origin/HEAD", "main", "master", "origin/main", "origin/master"):
        try:
            branch = resolve(root, candidate)
        except GitError:
            continue
        try:
            return _text(root, "merge-base", "HEAD", branch).strip()
        except GitError:
            raise GitError(f"no merge-base of HEAD and `{candidate}`: is the clone shallow? "
                           "fetch more history (`fetch-depth: 0`) or pass --against") from None
    raise GitError("cannot find the default branch (origin/HEAD, main or master); pass --against REF")


def is_shallow(root: Path) -> bool:
    """A shallow clone: history stops at a commit whose parents were not fetched."""
    try:
        return _text(root, "rev-parse", "--is-shallow-repository").strip() == "true"
    except GitError:
        return False


def prefix(root: Path) -> str:
    """`root` relative to the top of its work tree, as a pathspec prefix ('' or 'dir/')."""
    return _text(root, "rev-parse", "--show-prefix").strip()


def files_at(root: Path, rev: str, suffixes: tuple[str, ...]) -> dict[str, bytes]:
    """Contents of the files under `root` at `rev` whose names end with `suffixes`, keyed relative to root."""
    blobs = tree_at(root, rev, suffixes)
    contents = read_blobs(root, list(blobs.values()))
    return {name: blob for name, blob in zip(blobs, contents, strict=False) if blob is not None}


def blob_id(content: bytes) -> str:
    """The id git gives these bytes as a blob: a file whose id matches is unchanged since that revision."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content).hexdigest()


def tree_at(root: Path, rev: str, suffixes: tuple[str, ...]) -> dict[str, str]:
    """Blob ids of the files under `root` at `rev` whose names end with `suffixes`, keyed relative to root."""
    base = prefix(root)
    listing = _text(root, "ls-tree", "-r", "-z", "--full-name", rev, "--", ".")
    blobs = {}
    for entry in listing.split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob" and mode != "120000" and path.endswith(suffixes) and path.startswith(base):
            blobs[path[len(base):]] = sha
    return blobs


def read_blobs(root: Path, names: list[str], *, allow_missing: bool = False) -> list[bytes | None]:
    """Many objects (`sha` or `rev:path`) through one `git cat-file --batch`."""
    if not names:
        return []
    out = _git(root, "cat-file", "--batch", stdin=("\n".join(names) + "\n").encode("utf-8", "surrogateescape"))
    contents: list[bytes | None] = []
    position = 0
    for name in names:
        header_end = out.index(b"\n", position)
        header = out[position:header_end].split()
        if header[-1] == b"missing" or len(header) < 3:
            if not allow_missing:
                raise GitError(f"object {name} is missing from this clone")
            contents.append(None)
            position = header_end + 1
            continue
        size = int(header[2])
        contents.append(out[header_end + 1 : header_end + 1 + size])
        position = header_end + 1 + size + 1
    return contents


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    date: str  # ISO 8601, committer date
    author: str
    subject: str


def commits_touching(root: Path, suffixes: tuple[str, ...]) -> list[tuple[Commit, list[str]]]:
    """Commits of the current branch (newest first, merges as one change against their first parent)
    that changed files with these suffixes under root, with those files."""
    if not has_head(root):
        return []
    raw = _text(root, "log", "--first-parent", "--diff-merges=first-parent", "--format=%x00%H%x00%cI%x00%an%x00%s",
                "--name-only", "-z", "--relative", "--", ".")
    out = []
    for (sha, date, author, subject), names in _log_entries(raw):
        files = [n for n in names if n.endswith(suffixes)]
        if files:
            out.append((Commit(sha, date, author, subject), files))
    return out


_SHA = re.compile("[0-9a-f]{40}|[0-9a-f]{64}")


def _log_entries(raw: str) -> list[tuple[list[str], list[str]]]:
    """Parse `git log -z --name-only --format=%x00F1%x00F2%x00F3%x00F4`: NUL alone separates every field
    and name (names hold any other byte, a \x1f or a newline included). A commit starts with an empty token
    (no file name is empty), then its four fields, then its files; the first name follows a newline."""
    tokens = raw.split("\0")
    entries: list[tuple[list[str], list[str]]] = []
    i = 0
    while i < len(tokens):
        if tokens[i] != "" or i + 4 >= len(tokens) or not _SHA.fullmatch(tokens[i + 1]):
            i += 1
            continue
        fields, names = tokens[i + 1 : i + 5], list[str]()
        i += 5
        while i < len(tokens) and tokens[i] != "":
            names.append(tokens[i][1:] if not names and tokens[i].startswith("\n") else tokens[i])
            i += 1
        entries.append((fields, names))
    return entries


def changed_since(root: Path, rev: str) -> set[Path]:
    """Absolute paths of every file of the work tree (not only under `root`) that differs from `rev`:
    committed since, staged, unstaged or untracked."""
    top = Path(_text(root, "rev-parse", "--show-toplevel").strip())
    tracked = _text(top, "diff", "--name-only", "-z", "--no-renames", rev, "--")
    untracked = _text(top, "ls-files", "-z", "--others", "--exclude-standard")
    return {top / name for name in (tracked + untracked).split("\0") if name}
