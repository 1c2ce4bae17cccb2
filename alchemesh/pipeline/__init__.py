"""The one composition of the stages, for the CLI and for library users.

    load → resolve → validate ─→ Analysis ─┬→ contracts.check(analysis, base)
                                           ├→ compile.compile_mesh(analysis, …) → terraform (plan, apply, …)
                                           └→ docs.site.build(analysis)

Each stage takes the value of the one before. Only this module knows the fast paths — an unchanged repo's
validation from the report cache, an unchanged build from disk — and it keys both on one look at the repo's
files: every YAML file is read at most once per run, and not at all when nothing changed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import datetime

    from alchemesh.scaffold.access import Requested
    from alchemesh.compile.compiler import Compiled
    from alchemesh.contracts.history import Changelog
    from alchemesh.contracts.result import ContractReport
    from alchemesh.docs.site import Built
    from alchemesh.findings import Report
    from alchemesh.interop.generated import Outcome
    from alchemesh.load.cache import ReportCache
    from alchemesh.model.resources import Notification
    from alchemesh.report.deliver import Undelivered
    from alchemesh.pipeline.runs import Approver, RunRequest, RunResult, Watch
    from alchemesh.terraform.orchestrate import Prepared, Request
    from alchemesh.resolve.usage import PortReaders
    from alchemesh.validate import Analysis


@dataclass(frozen=True)
class CodeOwners:
    """The CODEOWNERS file as ownership makes it: where it is, its text, and whether that is what is there now."""

    path: Path
    text: str
    current: str | None
    unowned: tuple[str, ...]  # teams owning something with no `github` handle

    @property
    def in_step(self) -> bool:
        return self.text == self.current


@dataclass(frozen=True)
class Receivers:
    """The webhooks a run's events go to, and the non-public networks they may be in."""

    mesh: str
    notifications: tuple[Notification, ...]
    networks: tuple[str, ...]


@dataclass(frozen=True)
class Checked:
    """A contract check, and the events about it that could not be delivered."""

    result: ContractReport
    undelivered: tuple[Undelivered, ...] = ()


@dataclass(frozen=True)
class SiteWritten:
    """The catalog written: the validation it stood on, where, its pages and the files that changed (no pages: the
    mesh has validation errors, nothing written)."""

    report: Report
    target: Path
    pages: int = 0
    changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class BuildWritten:
    environment: str
    directory: Path
    stacks: int
    changed: tuple[str, ...]


@dataclass(frozen=True)
class BuildsWritten:
    """Each environment's build written, or the files on disk that differ from it (`check`)."""

    report: Report
    builds: tuple[BuildWritten, ...] = ()
    stale: tuple[str, ...] = ()
    valid: bool = False


@dataclass(frozen=True)
class Exported:
    """An export: the validation it stood on, where it went and how many documents it wrote (none: the mesh has
    validation errors)."""

    report: Report
    target: Path | None = None
    documents: int = 0


class Pipeline:
    """The stages over the repo at `root`, each run at most once; `use_cache=False` reads and writes no cache."""

    def __init__(self, root: Path, *, use_cache: bool = True):
        self.root = root
        self.use_cache = use_cache
        self._cached_report: Report | None = None

    @classmethod
    def at(cls, path: Path | None = None, **options) -> Pipeline:
        """The pipeline of the mesh holding `path` (default: the working directory)."""
        from alchemesh.load.discovery import find_root

        return cls(find_root(path), **options)

    @cached_property
    def key(self) -> ReportCache | None:
        """The repo's files and their digests (from their stats when unchanged): the key of every cache."""
        from alchemesh.load.cache import ReportCache

        return ReportCache(self.root) if self.use_cache else None

    @cached_property
    def analysis(self) -> Analysis:
        from alchemesh.validate import analyze

        key = self.key
        analysis = analyze(self.root, use_cache=self.use_cache, preread=key.read if key else None)
        if key is not None and self._cached_report != analysis.report:
            key.store(analysis.report, _local_modules(analysis), _named_files(analysis))
        return analysis

    def clean(self) -> tuple[int, int] | None:
        """(files, waived) when the repo is unchanged since a report with no finding, without loading anything."""
        return self.key.clean() if self.key is not None and "analysis" not in self.__dict__ else None

    def new_product(self, domain: str, name: str) -> list[Path]:
        """A landing product and its contract in `domain`, validating clean; the created paths."""
        from alchemesh.scaffold.create import new_product

        return new_product(self.analysis.index, domain, name)

    def request_access(self, port: str, consumer: str, purpose: str, until: datetime.date | None,
                       input_port: str | None = None) -> Requested:
        """An AccessAgreement (status `requested`) for `consumer` to read `port`, in the provider's `agreements/`,
        and the consumer's input port when it has none."""
        from alchemesh.clock import today
        from alchemesh.scaffold.access import request_access

        return request_access(self.analysis.index, port, consumer, purpose, until, today(), input_port)

    def codeowners(self, *, write: bool) -> CodeOwners:
        """The repository's `.github/CODEOWNERS` with this mesh's section as ownership makes it (the file at the top of
        the git work tree, else beside alchemesh.yaml); written when `write` and it differs."""
        from alchemesh import gitrepo
        from alchemesh.errors import GitError
        from alchemesh.scaffold.codeowners import PATH, merged, owners
        from alchemesh.workspace import write_atomic

        try:
            prefix = gitrepo.prefix(self.root)
        except GitError:
            prefix = ""
        top = self.root.joinpath(*[".."] * prefix.count("/")).resolve() if prefix else self.root
        path = top / PATH
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        found = owners(self.analysis.index, prefix)
        text = merged(current, prefix.rstrip("/"), found.lines)
        if write and text != current:
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode())
        return CodeOwners(path, text, current, found.unowned)

    def usage(self, port: str | None = None) -> list[PortReaders]:
        """Who reads each field of the output ports: `port` is domain/product/port, or domain/product for all of a
        product's; every output port of the mesh by default."""
        from alchemesh.errors import UsageError
        from alchemesh.hints import did_you_mean
        from alchemesh.resolve.graph import PortRef
        from alchemesh.resolve.usage import port_readers

        analysis = self.analysis
        refs = [PortRef(e.resource.spec.domain, e.resource.name, p.name)
                for e in analysis.index.products.values() for p in e.resource.spec.outputPorts]
        chosen = sorted(refs) if port is None else [r for r in refs if port in (str(r), r.product_id)]
        if not chosen:
            known = [str(r) for r in refs] + sorted({r.product_id for r in refs})
            hint = did_you_mean(port or "", known)
            raise UsageError(f"no output port `{port}`" + (f"; {hint}" if hint else
                                                            " (domain/product/port, or domain/product)"))
        return [port_readers(analysis.index, analysis.graph, analysis.usage, ref) for ref in sorted(chosen)]

    def report(self) -> Report:
        """The validation report; on a repo whose YAML has not changed since the last run, from the cache."""
        if "analysis" not in self.__dict__ and self.key is not None:
            self._cached_report = self.key.get()
            if self._cached_report is not None:
                return self._cached_report
        return self.analysis.report

    def compile(self, environments: list[str] | None = None, out: Path | None = None, *,
                from_disk: bool = True) -> Compiled:
        """Every environment asked for; on a repo whose specs compiled to the builds on disk, those builds
        (unless not `from_disk`)."""
        from alchemesh.compile.compiler import Compiled, compile_cached, compile_mesh

        if from_disk and self.key is not None and "analysis" not in self.__dict__:
            asked: list[str | None] = list(environments) if environments else [None]
            hits = [compile_cached(self.key, environment, out) for environment in asked]
            found = [hit for hit in hits if hit is not None]
            if found and len(found) == len(hits):
                return Compiled(found[0].report, tuple(b for hit in found for b in hit.builds), cached=True)
        return compile_mesh(self.analysis, environments, out)

    def remember(self, compiled: Compiled, environments: list[str] | None = None) -> None:
        """Record the builds just written as what these specs compile to, for the next `compile` or `plan`."""
        from alchemesh.compile.compiler import remember_build

        if self.key is not None and not compiled.cached:
            asked: list[str | None] = list(environments) if environments else [None]
            for environment, (directory, build) in zip(asked, compiled.builds, strict=False):
                remember_build(self.key, environment, directory, build)

    def prepare(self, request: Request) -> Prepared:
        """Compile the environment (or take the build on disk, when it is what these specs compile to), write
        it, and select the stacks the request names."""
        from alchemesh.compile.output import write
        from alchemesh.terraform.orchestrate import Prepared, changes_since, prepared

        environments = [request.environment] if request.environment else None
        # --changed-since compiles afresh: the stacks the base revision had and the work tree lost are written too
        compiled = self.compile(environments, request.out, from_disk=not request.changed_since)
        if not compiled.builds:
            return Prepared(compiled.report, request.environment or self._first_environment())
        directory, build = compiled.builds[0]
        since = None
        if request.changed_since:
            since = changes_since(self.analysis, request.changed_since, build, directory, request.removed)
        if not compiled.cached:
            write(build, directory, extra_removed=since.gone if since else None)
            self.remember(compiled, environments)
        return prepared(request, compiled.report, build, directory, since)

    def write_validation_events(self, events: Path) -> None:
        """Append to `events` one event per consumer told of a sunset or of an access agreement's end by the
        validation (not sent anywhere: a validation runs on every commit)."""
        from alchemesh.pipeline.runs import send_events
        from alchemesh.report.events import due_events, run_id

        mesh = self.analysis.index.mesh
        sent = due_events(self.report(), mesh.resource.name if mesh else self.root.name, run_id())
        send_events(sent, events, Receivers("", (), ()))

    def check_contracts(self, against: str | None, events: Path | None = None) -> Checked:
        """Every contract changed since `against`; each breaking change as an event to `events` and to the base
        revision's receivers (never one the change itself adds)."""
        from alchemesh.contracts.check import check
        from alchemesh.pipeline.runs import send_events

        report = check(self.analysis, against)
        receivers = self.receivers(report.base)
        if events is None and not receivers.notifications:
            return Checked(report)
        from alchemesh.report.events import contract_events, run_id

        sent = contract_events(report.report, receivers.mesh, report.base, run_id())
        return Checked(report, send_events(sent, events, receivers))

    def changelog(self, contract_id: str) -> Changelog:
        from alchemesh.contracts.history import changelog

        return changelog(self.analysis, contract_id)

    def site(self) -> Built:
        from alchemesh.docs.site import build

        return build(self.analysis)

    def write_site(self, out: Path | None = None) -> SiteWritten:
        """The catalog built and written to `out` (default: .alchemesh/site), swapped in at once; nothing written
        when the mesh has validation errors."""
        from alchemesh.docs.site import write
        from alchemesh.workspace import SITE_DIR

        built = self.site()
        target = out or self.root / SITE_DIR
        if built.files is None:
            return SiteWritten(built.report, target)
        written = write(built.files, target, self.root)
        return SiteWritten(built.report, target, written.pages, written.changed)

    def preview(self, out: Path | None, port: int, *, built: Callable[[SiteWritten], None],
                failed: Callable[[Exception], None], ready: Callable[[str], None]) -> None:
        """`docs serve`: bind 127.0.0.1:`port` (before building: a port that cannot be had is said at once), write the
        catalog, serve it, and write it again whenever a file of the mesh changes, until interrupted. `built` hears of
        each build, `failed` of a rebuild that could not be made (the last good site stays)."""
        from alchemesh.docs.serve import bind, serve
        from alchemesh.errors import AlchemeshError
        from alchemesh.workspace import SITE_DIR

        target = out or self.root / SITE_DIR
        server = bind(target, port)
        first = self.write_site(target)
        built(first)
        if not first.pages:
            target.mkdir(parents=True, exist_ok=True)

        def rebuild() -> None:
            try:
                built(Pipeline(self.root, use_cache=self.use_cache).write_site(target))
            except AlchemeshError as error:
                failed(error)

        serve(self.root, server, rebuild, ready=ready)

    def write_builds(self, environments: list[str] | None = None, out: Path | None = None, *,
                     check: bool = False) -> BuildsWritten:
        """Compile each environment and write its build (or, with `check`, say what on disk differs from it)."""
        from alchemesh.compile.output import differences, write

        compiled = self.compile(environments, out)
        if not compiled.builds:
            return BuildsWritten(compiled.report)
        written, stale = [], []
        for directory, build in compiled.builds:
            if check:
                stale += [f"{directory.name}/{line}" for line in differences(build, directory)]
                continue
            changed = [] if compiled.cached else write(build, directory)
            written.append(BuildWritten(build.environment, directory, len(build.files) - 1, tuple(changed)))
        if not check:
            self.remember(compiled, environments)
        return BuildsWritten(compiled.report, tuple(written), tuple(stale), valid=True)

    def run(self, request: RunRequest, *, watch: Watch | None = None, approve: Approver | None = None) -> RunResult:
        """plan, apply, destroy, drift or test the stacks the request selects (see `pipeline.runs`)."""
        from alchemesh.pipeline.runs import run

        return run(self, request, watch=watch, approve=approve)

    def test(self, request: RunRequest, *, watch: Watch | None = None) -> RunResult:
        """Check the data behind every selected output port against its contract, producers first."""
        from dataclasses import replace

        from alchemesh.pipeline.runs import run
        from alchemesh.terraform.outcome import Action

        return run(self, replace(request, action=Action.test), watch=watch)

    def export(self, name: str, out: Path | None = None, site_url: str | None = None,
               version: str | None = None) -> Exported:
        """The mesh in the format `name` of `interop.EXPORTERS`, written to `out` (default: .alchemesh/export/NAME);
        nothing when the mesh has validation errors (an access finding is none: the export says who may read what
        on the day, as the agreements have it)."""
        from alchemesh.interop import EXPORTERS, exporter
        from alchemesh.validate import stops_runs
        from alchemesh.workspace import WORK_DIR, write_atomic

        analysis = self.analysis
        if stops_runs(analysis.report):
            return Exported(analysis.report)
        form = EXPORTERS[name]
        files = exporter(name)(analysis, site_url, version or (form.versions[0] if form.versions else None))
        target = out if out is not None else self.root / WORK_DIR / "export" / name
        if form.single_file is not None:
            if out is None:
                target = target / form.single_file
            files = {target.name: files[form.single_file]}
            folder = target.parent
        else:
            folder = target
        for rel, content in files.items():
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            write_atomic(folder / rel, content)
        return Exported(analysis.report, target, sum(form.count(content) for content in files.values()))

    def import_files(self, name: str, sources: list[Path], options: object = None, *, check: bool = False) -> Outcome:
        """`sources` (dbt manifests, ODPS documents) through the importer `name` of `interop.IMPORTERS` into the
        mesh folder, with that importer's own options (`interop.dbt.Options`, `interop.odps.ImportOptions`);
        `check`: write nothing, say what would change."""
        from alchemesh.interop import importer

        return importer(name)(self.root, sources, options, check, lambda: self.analysis)

    def receivers(self, base: str | None = None) -> Receivers:
        """Where a run's events are POSTed: the Mesh's notifications, those of the base revision when the run is
        against one (`--changed-since`, `contracts check`), so that a pull request cannot add a receiver and be
        delivered to in its own CI."""
        from alchemesh.load.repo import mesh_at

        if base is not None:
            mesh = mesh_at(self.root, base)
        else:
            entry = self.analysis.index.mesh
            mesh = entry.resource if entry else None
        if mesh is None:
            return Receivers("mesh", (), ())
        return Receivers(mesh.name, tuple(mesh.spec.notifications), tuple(mesh.spec.notificationNetworks))

    def _first_environment(self) -> str:
        mesh = self.analysis.index.mesh
        return mesh.resource.spec.environments[0] if mesh and mesh.resource.spec.environments else "default"


def _named_files(analysis: Analysis) -> list[str]:
    """The files `config` values name (a `sql_file`): whether each is there is an input of the validation."""
    from alchemesh.resolve.files import named_files

    return [file for _, _, file in named_files(analysis.index)]


def _local_modules(analysis: Analysis) -> list[str]:
    """The local module folders the rules read: inputs of the validation besides the YAML files."""
    from alchemesh.model.interface import is_local_source

    return [c.source for c in analysis.index.components.values() if is_local_source(c.source)]
