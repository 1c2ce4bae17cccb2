"""`docs build`: validate, read the contracts' history from git, render the site page by page, and write only
the files that changed — staged beside the site first, so a failed build leaves the previous site as it was,
then moved in under a journal that the next build completes if this one is killed halfway."""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from alchemesh.errors import UsageError
from alchemesh.findings import Report, Severity
from alchemesh.workspace import pid_alive, write_atomic

if TYPE_CHECKING:
    from alchemesh.validate import Analysis
    from alchemesh.docs.catalog import PortLocation

MARKER = ".alchemesh-site"  # in every site we write: only such a folder is ever replaced
JOURNAL = ".alchemesh-site-journal"  # the moves of a write under way: completed by the next build
RECENT = 10


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
    from alchemesh.docs.catalog import build_catalog
    from alchemesh.docs.pages import render_site
    from alchemesh.errors import GitError

    root = analysis.repo.root
    if analysis.report.fails(Severity.ERROR):
        return Built(analysis.report, None)
    try:
        gitrepo.require_work_tree(root)
        in_git = True
    except GitError:
        in_git = False
    history = _history(root, analysis) if in_git else {}
    recent = _recent(root, analysis) if in_git else ()
    catalog = build_catalog(analysis, history, recent, shallow=in_git and gitrepo.is_shallow(root),
                            health=_health(root, analysis), locations=_locations(root, analysis))
    from alchemesh.docs.feed import feed

    products = _product_history(root, analysis) if in_git else []
    files = itertools.chain(render_site(catalog, _rules()), feed(catalog.name, products, history).items(),
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
            if not _inside(rel) or rel in kept:  # a bug, not input: paths are made from validated names
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
            write_atomic(out / JOURNAL, json.dumps({"staging": staging.name, "moves": staged, "remove": gone}).encode())
            _complete(out)
        return Written(pages, tuple(staged + gone))
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _complete(out: Path) -> None:
    """Carry out the journal of a write: move its staged files in (those still staged), remove what it removes."""
    try:
        journal = json.loads((out / JOURNAL).read_bytes())
        name, moves, remove = journal["staging"], journal["moves"], journal["remove"]
    except (OSError, ValueError, KeyError, TypeError):
        return
    if not isinstance(name, str) or not _staging(out).fullmatch(name):  # moves come from our staging folder only
        (out / JOURNAL).unlink(missing_ok=True)
        return
    staging = out.with_name(name)
    for rel in moves:
        if _inside(rel) and (staging / rel).is_file():
            (out / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / rel, out / rel)
    for rel in remove:
        if _inside(rel):
            (out / rel).unlink(missing_ok=True)
    for folder in sorted({(out / rel).parent for rel in remove if _inside(rel)}, key=lambda p: -len(p.parts)):
        while folder != out and folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    (out / JOURNAL).unlink(missing_ok=True)


def _files(out: Path) -> list[str]:
    return [(Path(folder) / name).relative_to(out).as_posix() for folder, _, names in os.walk(out) for name in names]


def _inside(rel: str) -> bool:
    path = PurePosixPath(rel)
    return bool(path.parts) and not path.is_absolute() and ".." not in path.parts and "\\" not in rel


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


def _history(root: Path, analysis):
    from alchemesh.contracts.history import changelogs
    from alchemesh.docs.catalog import Change, VersionView

    return {
        cid: tuple(VersionView(v.version, v.commit.sha[:10] if v.commit else None, v.commit.date if v.commit else None,
                               v.commit.author if v.commit else None, v.commit.subject if v.commit else None,
                               v.breaking, tuple(Change(c.rule, c.impact, c.field, c.message) for c in v.changes))
                   for v in log.versions)
        for cid, log in changelogs(root, analysis).items()
    }


def _product_history(root: Path, analysis):
    """Each data product's status at every commit that changed its file, oldest first (None: gone). Files read
    from git objects in one batch: today's product files, and the files since deleted."""
    import yaml

    from alchemesh import gitrepo
    from alchemesh.docs.feed import ProductChange
    from alchemesh.load.discovery import YAML_SUFFIXES

    present = {e.file for e in analysis.index.products.values()}
    commits = list(reversed(gitrepo.commits_touching(root, YAML_SUFFIXES)))
    wanted = [(commit, file) for commit, files in commits for file in files
              if file in present or not (root / file).exists()]
    blobs = gitrepo.read_blobs(root, [f"{c.sha}:{file}" for c, file in wanted], allow_missing=True)
    in_file: dict[str, dict[str, str | None]] = {}
    status: dict[str, str | None] = {}
    out = []
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    for (commit, file), blob in zip(wanted, blobs, strict=False):
        now: dict[str, str | None] = {}
        try:
            documents = list(yaml.load_all(blob, Loader=loader)) if blob is not None else []
        except yaml.YAMLError:
            continue  # a broken file at that commit says nothing of its products
        for doc in documents:
            if isinstance(doc, dict) and doc.get("kind") == "DataProduct" and isinstance(doc.get("spec"), dict):
                name = (doc.get("metadata") or {}).get("name") if isinstance(doc.get("metadata"), dict) else None
                if isinstance(name, str) and isinstance(doc["spec"].get("domain"), str):
                    now[f"{doc['spec']['domain']}/{name}"] = str(doc["spec"].get("status", "active"))
        for key in set(in_file.get(file, {})) | set(now):
            value = now.get(key)
            if status.get(key) != value:
                status[key] = value
                out.append(ProductChange(key, value, commit.sha[:10], commit.date, commit.author, commit.subject))
        in_file[file] = now
    return out


def _locations(root: Path, analysis: Analysis) -> dict[str, tuple[PortLocation, ...]]:
    """Port → where its data is in each of the Mesh's environments applied here, and a command to read it."""
    from alchemesh.datatest.engines import ENGINES
    from alchemesh.docs.catalog import PortLocation
    from alchemesh.terraform.locations import load

    index = analysis.index
    mesh = index.mesh
    ports = {f"{e.resource.spec.domain}/{e.resource.name}/{p.name}": p
             for e in index.products.values() for p in e.resource.spec.outputPorts}
    out: dict[str, list[PortLocation]] = {}
    for environment in (mesh.resource.spec.environments if mesh else ()):
        for key, location in load(root, environment).items():
            port = ports.get(key)
            if port is None:
                continue
            component = index.components.get(port.component)
            engine = component.engine if component else None
            contract = index.contracts.get(port.contract) if port.contract else None
            objects = contract.resource.objects if contract else ()
            name = (objects[0].physical_name or objects[0].name) if objects else ""
            reading = ENGINES[engine].reading(location, name) if engine in ENGINES and name else ""
            out.setdefault(key, []).append(PortLocation(environment, engine, location, reading))
    return {key: tuple(found) for key, found in out.items()}


def _health(root: Path, analysis):
    """Port → its last data test in each of the Mesh's environments (`alchemesh test` keeps them)."""
    from alchemesh.datatest.history import load
    from alchemesh.datatest.rules import FRESHNESS
    from alchemesh.docs.catalog import FailedCheck, Health

    mesh = analysis.index.mesh
    out: dict[str, list[Health]] = {}
    for environment in (mesh.resource.spec.environments if mesh else ()):
        for port, result in load(root, environment).items():
            checks = result.checks
            failing = tuple(FailedCheck(c.rule, c.name, c.message or "", f"{c.file}:{c.line}:{c.column}", c.observed,
                                        c.expected)
                            for c in checks if c.status == "failed")
            freshness = tuple((c.name, c.status, c.observed, c.expected)
                              for c in checks if c.rule == FRESHNESS.name and c.status != "skipped")
            out.setdefault(port, []).append(Health(environment, result.status, result.tested_at,
                                                   sum(1 for c in checks if c.status != "skipped"), failing,
                                                   freshness, result.message))
    return {port: tuple(h) for port, h in out.items()}


def _recent(root: Path, analysis):
    """The products whose spec or contract files changed last, newest first."""
    from alchemesh import gitrepo
    from alchemesh.load.discovery import YAML_SUFFIXES
    from alchemesh.docs.catalog import Recent, product_link
    from alchemesh.resolve.index import product_id

    owner: dict[str, str] = {}
    contract_files = {c.resource.id: c.file for c in analysis.index.contracts.values()}
    for entry in analysis.index.products.values():
        pid = product_id(entry)
        owner.setdefault(entry.file, pid)
        for port in entry.resource.spec.outputPorts:
            if port.contract in contract_files:
                owner.setdefault(contract_files[port.contract], pid)
    recent: list[Recent] = []
    seen: set[str] = set()
    for commit, files in gitrepo.commits_touching(root, YAML_SUFFIXES):
        for pid in sorted({owner[f] for f in files if f in owner} - seen):
            seen.add(pid)
            recent.append(Recent(product_link(pid), commit.date, commit.subject))
        if len(recent) >= RECENT:
            break
    return tuple(recent[:RECENT])


def _rules():
    from alchemesh.all_rules import every_rule

    return sorted(every_rule().values(), key=lambda rule: rule.name)
