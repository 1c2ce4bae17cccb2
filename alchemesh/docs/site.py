"""`docs build`: validate, read the contracts' history from git, render the site page by page, and write only
the files that changed — staged beside the site first, so a failed build leaves the previous site as it was,
then moved in under a journal that the next build completes if this one is killed halfway."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.errors import UsageError
from alchemesh.findings import Report
from alchemesh.workspace import complete, inside, pid_alive, swap_in, write_atomic

if TYPE_CHECKING:
    from alchemesh.validate import Analysis

MARKER = ".alchemesh-site"  # in every site we write: only such a folder is ever replaced
JOURNAL = ".alchemesh-site-journal"  # the moves of a write under way: completed by the next build


@dataclass(frozen=True)
class Built:
    report: Report
    files: Iterable[tuple[str, str | bytes]] | None  # (path, content), rendered as they are read; None: invalid


@dataclass(frozen=True)
class Written:
    pages: int  # HTML pages in the site
    changed: tuple[str, ...]  # files written or removed: those whose bytes differ from the previous site


def build(analysis: Analysis) -> Built:
    """The site's files, unless validation found errors; the contracts' history when the repo is in git."""
    from alchemesh import gitrepo
    from alchemesh.docs import gather
    from alchemesh.docs.catalog import build_catalog
    from alchemesh.load.discovery import YAML_SUFFIXES
    from alchemesh.docs.pages import render_site
    from alchemesh.errors import GitError
    from alchemesh.validate import stops_runs

    root = analysis.repo.root
    if stops_runs(analysis.report):  # an access finding does not: the catalog shows the agreements as they are
        return Built(analysis.report, None)
    try:
        gitrepo.require_work_tree(root)
        in_git = True
    except GitError:
        in_git = False
    commits = gitrepo.commits_touching(root, YAML_SUFFIXES) if in_git else []  # the history, walked once
    history = gather.contract_history(root, analysis, commits) if in_git else {}
    catalog = build_catalog(analysis, history, gather.recent(analysis, commits),
                            shallow=in_git and gitrepo.is_shallow(root), health=gather.health(root, analysis),
                            locations=gather.locations(root, analysis))
    from alchemesh.clock import today
    from alchemesh.docs.feed import Access, Sunsets, feed
    from alchemesh.resolve import access as agreements
    from alchemesh.resolve.sunsets import notices, warning_days

    now, index = today(), analysis.index
    products = gather.product_history(root, analysis, commits)
    sunsets = Sunsets(notices(index, analysis.graph, analysis.usage), warning_days(index), now)
    names = {name: (e.resource.spec.provider.outputPort, e.resource.spec.consumer.label)
             for name, e in index.agreements.items()}
    access = Access(gather.agreement_history(root, analysis, commits) if in_git else [], names,
                    [expiry for expiry, _ in agreements.expiries(index, analysis.graph, now)],
                    agreements.warning_days(index), now)
    files = itertools.chain(render_site(catalog, _rules()), feed(catalog.name, products, history, sunsets,
                                                                 access).items(),
                            _schemas())
    return Built(analysis.report, files)


def _schemas() -> Iterable[tuple[str, bytes]]:
    """The JSON Schemas of the kinds and of the events, published with the catalog (`schemas/`), as
    `alchemesh schema export` writes them."""
    from alchemesh.model.schema_export import kind_schemas, render_schema
    from alchemesh.report.events import event_schemas

    for name, schema in sorted(kind_schemas().items()):
        yield f"schemas/{name}", render_schema(schema)
    for name, schema in sorted(event_schemas().items()):
        yield f"schemas/events/{name}", render_schema(schema)


def write(files: Iterable[tuple[str, str | bytes]], out: Path, root: Path) -> Written:
    """Stage the files that differ from the site in `out` (all of them for a new site), then move them in and
    remove the files the site no longer has; refuses to write into a folder it did not build."""
    out = Path(os.path.abspath(out))
    _check_target(out, Path(os.path.abspath(root)))
    _complete(out)
    _remove_abandoned(out)
    staging = out.with_name(f".{out.name}.building-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    try:
        kept, staged, pages = {MARKER}, [], 0
        for rel, content in files:
            if not inside(rel) or rel in kept:  # a bug, not input: paths are made from validated names
                raise RuntimeError(f"the site would write {rel!r} twice or outside its folder")
            kept.add(rel)
            pages += rel.endswith(".html")
            data = content.encode() if isinstance(content, str) else content
            if _read(out / rel) != data:
                path = staging / rel
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                except OSError as error:  # a full disk: say which file, and that nothing of the site changed
                    raise OSError(error.errno, f"{error.strerror or error}; the previous site is intact",
                                  str(out / rel)) from None
                staged.append(rel)
        if not out.exists():  # a new site: in place at once
            staging.mkdir(parents=True, exist_ok=True)
            (staging / MARKER).write_text("built by alchemesh docs build; its files are replaced on every build\n")
            os.replace(staging, out)
            return Written(pages, tuple(staged))
        gone = sorted(rel for rel in _files(out) if rel not in kept and rel != JOURNAL)
        if not (out / MARKER).is_file():  # an empty folder given as --out: ours from now on
            write_atomic(out / MARKER, b"built by alchemesh docs build; its files are replaced on every build\n")
        if staged or gone:
            swap_in(out, JOURNAL, [(rel, rel) for rel in staged], gone, staging=staging)
        return Written(pages, tuple(staged + gone))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _complete(out: Path) -> None:
    """Carry out the journal of a write killed while moving its files in."""
    complete(out, JOURNAL, staging=_staging(out))


def _files(out: Path) -> list[str]:
    return [(Path(folder) / name).relative_to(out).as_posix() for folder, _, names in os.walk(out) for name in names]


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None


def _remove_abandoned(out: Path) -> None:
    """Staging folders of builds that were killed (their process is gone)."""
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return
    for folder in siblings:
        match = _staging(out).fullmatch(folder.name)
        if not match or int(match.group(1)) == os.getpid() or pid_alive(int(match.group(1))) or not folder.is_dir():
            continue
        shutil.rmtree(folder, ignore_errors=True)


def _staging(out: Path) -> re.Pattern:
    """The names of the staging folders of the site in `out`, with the pid of the build that made each."""
    return re.compile(rf"\.{re.escape(out.name)}\.building-(\d+)")


def _check_target(out: Path, root: Path) -> None:
    if out == root or out in root.parents:
        raise UsageError(f"--out {out} holds the repo itself: choose a folder of its own")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MARKER).is_file())):
        raise UsageError(f"--out {out} exists and is not a site alchemesh built: refusing to replace it")


def _rules():
    from alchemesh.all_rules import every_rule

    return sorted(every_rule().values(), key=lambda rule: rule.name)
