"""`alchemesh import dbt`: dbt `manifest.json` files (schema v9 or later, read as JSON) → the files of a mesh.

Mapping: a dbt project (or a group, or a models/ folder: `domain_from`) → a Domain; each group's owner → a Team;
a group (or each public model: `product_from`) → a DataProduct; each public model, or one with an enforced
contract, → an output port and its ODCS contract (one port per live version of a versioned model); sources → input
ports from systems; a ref to another product's model → an input port reading its output port; each project → a
`code` entry. Pure: it returns the files' bytes; the CLI writes them.

A project's `dependencies.yml` (beside its `dbt_project.yml`: the manifest's folder or the one above it) names the
projects it reads across (dbt Mesh, dbt-loom): their public models, which the manifest carries (injected by
dbt-loom, or installed as a package), are another import's products. Refs to them become input ports reading their
ports, and an import answers only for the projects of its manifests: one project at a time into one mesh leaves the
others' files as they are.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from alchemesh.errors import UsageError
from alchemesh.interop.generated import Outcome
from alchemesh.findings import printable
from alchemesh.model.resources import to_name

if TYPE_CHECKING:
    from alchemesh.validate import Analysis

TOOL = "dbt"
COMPONENTS = {"output-port": "dbt-model", "source": "dbt-source", "ref": "dbt-ref", "code": "dbt-project"}
_MIN_SCHEMA = 9  # dbt 1.5: groups, access, contracts, versions



@dataclass(frozen=True)
class Options:
    domain_from: str = "project"  # project | group | folder
    product_from: str = "group"  # group | model
    mesh: str | None = None  # the Mesh's name, when the folder has none yet
    duckdb: Path | None = None  # the dbt-duckdb database the models are built in: ports read (and are tested) there
    out: Path = Path(".")  # the mesh folder: `duckdb` is written relative to each product's


@dataclass
class _Model:
    id: str
    node: dict[str, Any]
    project: str
    name: str
    version: int | None
    latest: int | None
    group: str | None
    access: str
    enforced: bool
    tests: list[dict] = field(default_factory=list)

    @property
    def exported(self) -> bool:
        return self.access in ("public", "protected") or self.enforced


@dataclass(frozen=True)
class Estate:
    """What the manifests hold together: a project's own manifest wins over its copy in another project's (as a
    package, or injected by dbt-loom)."""

    nodes: dict[str, dict]
    sources: dict[str, dict]
    groups: dict[str, dict]
    projects: list[str]  # the projects the manifests are of
    adapter: str  # the first manifest's adapter (duckdb, postgres, bigquery…): the dialect of its data types
    upstream: list[str] = field(default_factory=list)  # projects read across (`dependencies.yml`), not imported here


def read_manifests(paths: list[Path]) -> Estate:
    nodes: dict[str, dict] = {}
    sources: dict[str, dict] = {}
    groups: dict[str, dict] = {}
    projects: list[str] = []
    adapters: list[str] = []
    upstream: set[str] = set()
    owned: dict[str, str] = {}
    for path in paths:
        manifest = _read(path)
        project = str(manifest["metadata"].get("project_name") or "")
        projects.append(project)
        upstream.update(_dependencies(path))
        adapters.append(str(manifest["metadata"].get("adapter_type") or ""))
        for table, target in (("nodes", nodes), ("sources", sources), ("groups", groups)):
            for key, value in (manifest.get(table) or {}).items():
                if not isinstance(value, dict):
                    continue
                mine = value.get("package_name") == project
                if key not in target or (mine and owned.get(key) != value.get("package_name")):
                    target[key] = value
                    if mine:
                        owned[key] = project
    return Estate(nodes, sources, groups, sorted(set(projects)), adapters[0] if adapters else "",
                  sorted(upstream - set(projects)))


def _dependencies(manifest: Path) -> list[str]:
    """The projects a manifest's project reads across: `projects[].name` of its `dependencies.yml`."""
    from alchemesh.load.yamlfile import parse
    from alchemesh.repofiles import MAX_FILE_BYTES

    folder = manifest.resolve().parent
    path = next((f / "dependencies.yml" for f in (folder, folder.parent) if (f / "dbt_project.yml").is_file()
                 and (f / "dependencies.yml").is_file()), None)
    if path is None:
        return []
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_FILE_BYTES + 1)
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise UsageError(f"{path} is larger than {MAX_FILE_BYTES} bytes")
    parsed = parse(str(path), raw)
    if parsed.problems:
        problem = parsed.problems[0]
        raise UsageError(f"{path}:{problem.line}:{problem.column}: {problem.message}")
    data = parsed.documents[0].data if parsed.documents else None
    entries = data.get("projects") if isinstance(data, dict) else None
    if entries is None:
        return []
    if not isinstance(entries, list) or not all(isinstance(e, dict) and isinstance(e.get("name"), str)
                                                for e in entries):
        raise UsageError(f"{path}: `projects` is not a list of {{name: PROJECT}}")
    return [printable(e["name"]) for e in entries]

def _read(path: Path) -> dict:
    try:
        manifest = json.loads(path.read_bytes())
    except OSError as error:
        raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
    except RecursionError:
        raise UsageError(f"{path} is not a dbt manifest: its JSON is nested too deeply") from None
    except ValueError as error:
        raise UsageError(f"{path} is not JSON: {error}") from None
    metadata = manifest.get("metadata") if isinstance(manifest, dict) else None
    version = metadata.get("dbt_schema_version", "") if isinstance(metadata, dict) else ""
    match = re.search(r"/manifest/v(\d+)\.json$", str(version))
    if not isinstance(manifest.get("nodes") if isinstance(manifest, dict) else None, dict) or match is None:
        raise UsageError(f"{path} is not a dbt manifest.json (no metadata.dbt_schema_version)")
    if int(match.group(1)) < _MIN_SCHEMA:
        raise UsageError(f"{path} is a manifest of schema v{match.group(1)}; dbt 1.5 or later (v9+) is needed: "
                         "groups, access and model versions came then")
    problem = _shape_problem(manifest, _MANIFEST, "")
    if problem:
        raise UsageError(f"{path} is not a dbt manifest: {problem}")
    return manifest


# The parts of a manifest the import reads, and the JSON type each must have (null is always allowed):
# {name: shape} an object with those keys, {str: shape} an object of any keys, [shape] an array.
_CONSTRAINTS = [{"type": str, "columns": [str]}]
_NODE = {"resource_type": str, "package_name": str, "name": str, "alias": str, "database": str, "schema": str,
         "group": str, "access": str, "attached_node": str, "fqn": list, "tags": list, "meta": dict,
         "config": {"group": str, "access": str, "materialized": str, "contract": dict},
         "contract": dict, "depends_on": {"nodes": [str]}, "constraints": _CONSTRAINTS,
         "test_metadata": {"name": str, "kwargs": dict},
         "columns": {str: {"name": str, "constraints": _CONSTRAINTS, "tags": list, "meta": dict}}}
_MANIFEST = {"metadata": {"project_name": str, "adapter_type": str}, "nodes": {str: _NODE},
             "sources": {str: {"source_name": str, "package_name": str}},
             "groups": {str: {"owner": {"name": str, "email": str}, "package_name": str}}}


def _shape_problem(value: Any, shape: Any, where: str, optional: bool = True) -> str | None:
    """Where the value is not of the shape, said as `nodes.model.x.config is not an object`; None when it is.
    `optional`: null stands for a field left out (an item of an array or of a keyed object may not be null)."""
    if value is None and optional:
        return None
    if isinstance(shape, type):
        return None if isinstance(value, shape) else f"{where} is not {_TYPE_NAMES[shape]}"
    if isinstance(shape, list):
        if not isinstance(value, list):
            return f"{where} is not an array"
        return next(filter(None, (_shape_problem(item, shape[0], f"{where}[{i}]", False)
                                  for i, item in enumerate(value))), None)
    if not isinstance(value, dict):
        return f"{where} is not an object"
    if str in shape:
        for key, item in value.items():
            if printable(key) != key:
                return f"{where} has the key {printable(key)!r}, with a control character"
            problem = _shape_problem(item, shape[str], f"{where}.{key}" if where else key, False)
            if problem:
                return problem
        return None
    for key, item_shape in shape.items():
        problem = _shape_problem(value.get(key), item_shape, f"{where}.{key}" if where else key)
        if problem:
            return problem
    return None


_TYPE_NAMES: dict[type, str] = {str: "a string", list: "an array", dict: "an object"}


def import_into(out: Path, manifests: list[Path], options: Options | None, check: bool,
                analysis: Callable[[], Analysis]) -> Outcome:
    """The mesh the manifests make, reconciled with `out`: generated files written, removed or kept as a person
    edited them; one import at a time in a folder (`check`: nothing written, none waited for)."""
    import contextlib

    from alchemesh.interop.generated import apply, reconcile
    from alchemesh.workspace import exclusive

    estate = read_manifests(manifests)
    wanted, once = _files(estate, replace(options or Options(), out=out))
    with contextlib.nullcontext() if check else exclusive(out, "import-dbt"):
        if (out / "alchemesh.yaml").exists():
            once = {}  # an existing mesh: its Mesh, registry and components are the team's
        outcome = reconcile(out, TOOL, wanted, once, lambda gone: _others(out, estate.projects, wanted, gone))
        if not check:
            apply(out, outcome, wanted, once)
    return outcome


def mesh_files(paths: list[Path], options: Options) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(generated files, stamped; files written only where none is yet) of the mesh the manifests make."""
    return _files(read_manifests(paths), options)


def _files(estate: Estate, options: Options) -> tuple[dict[str, bytes], dict[str, bytes]]:
    foreign = {k: m for k, m in _models(estate.nodes, estate.upstream).items() if m.exported}
    return _Builder(_models(estate.nodes, estate.projects), foreign, estate, options).files()


def _others(out: Path, projects: list[str], wanted: dict[str, bytes], gone: dict[str, Any]) -> set[str]:
    """Of the generated files this import no longer makes, those another project's import answers for: products
    and contracts made from other projects' models, and the domains and teams a product that stays names."""
    from alchemesh.load.yamlfile import parse
    from alchemesh.repofiles import read_repo_file

    def projects_of(origin: str) -> set[str | None]:  # the projects of the models a file was made from
        return {parts[1] if len(parts) > 2 and parts[0] == "model" else None
                for parts in (i.strip().split(".") for i in origin.split(","))}

    theirs = {rel for rel, state in gone.items()
              if None not in (owners := projects_of(state.origin)) and not owners & set(projects)}
    named: set[tuple[str, str]] = set()  # ("domain" | "team", name) that a staying file names
    staying = dict(wanted)
    for rel in sorted({p.relative_to(out).as_posix() for p in out.glob("domains/*/*/product.yaml")}
                      - set(gone) | theirs):
        staying.setdefault(rel, read_repo_file(out, rel))
    for rel in sorted(p.relative_to(out).as_posix() for p in out.glob("domains/*/domain.yaml")):
        if rel not in gone:
            staying.setdefault(rel, read_repo_file(out, rel))
    for rel, content in staying.items():
        for document in parse(rel, content).documents:
            spec = document.data.get("spec") if isinstance(document.data, dict) else None
            if isinstance(spec, dict):
                named.update((kind, str(spec.get(key))) for kind, key in (("domain", "domain"), ("team", "owner"))
                             if spec.get(key) is not None)
    for rel in gone:
        parts = rel.split("/")
        if (len(parts) == 3 and parts[0] == "domains" and parts[2] == "domain.yaml" and ("domain", parts[1]) in named) \
                or (len(parts) == 2 and parts[0] == "teams" and ("team", parts[1].removesuffix(".yaml")) in named):
            theirs.add(rel)
    return theirs


def _models(nodes: dict[str, dict], projects: list[str]) -> dict[str, _Model]:
    models = {}
    for key, node in sorted(nodes.items()):
        if node.get("resource_type") != "model" or node.get("package_name") not in projects:
            continue
        config = node.get("config") or {}
        models[key] = _Model(key, node, node["package_name"], str(node.get("name")), _int(node.get("version")),
                             _int(node.get("latest_version")), node.get("group") or config.get("group"),
                             str(node.get("access") or config.get("access") or "protected"),
                             bool((node.get("contract") or config.get("contract") or {}).get("enforced")))
    for node in nodes.values():
        if node.get("resource_type") == "test" and node.get("attached_node") in models:
            models[node["attached_node"]].tests.append(node)
    return models


def _int(value: Any) -> int | None:
    try:
        return int(value) if value is not None and not isinstance(value, bool) else None
    except (TypeError, ValueError):
        return None


class _Builder:
    def __init__(self, models: dict[str, _Model], foreign: dict[str, _Model], estate: Estate, options: Options):
        self.models, self.foreign, self.options = models, foreign, options  # foreign: upstream projects' models
        self.sources, self.groups, self.projects, self.adapter = estate.sources, estate.groups, estate.projects, \
            estate.adapter
        every = {**foreign, **models}
        self.product_of = {key: self._product(m) for key, m in every.items()}
        self.port_of = {key: self._port(m) for key, m in every.items() if m.exported}
        self._read_cache: dict[str, dict[str, set[str]] | None] = {}

    def _any(self, key: str) -> _Model:
        return self.models.get(key) or self.foreign[key]

    def _domain(self, model: _Model) -> str:
        if self.options.domain_from == "group" and model.group:
            return to_name(model.group)
        if self.options.domain_from == "folder":
            fqn = model.node.get("fqn") or []
            if len(fqn) > 2 + (model.version is not None):
                return to_name(str(fqn[1]))
        return to_name(model.project)

    def _product(self, model: _Model) -> tuple[str, str]:
        if self.options.product_from == "model" and model.exported:
            return self._domain(model), to_name(model.name)
        return self._domain(model), to_name(model.group or model.project)

    def _port(self, model: _Model) -> str:
        return to_name(model.name) + (f"-v{model.version}" if model.version is not None else "")

    def _team(self, group: dict | None, project: str) -> tuple[str, dict]:
        owner = (group or {}).get("owner") or {}
        name = owner.get("name") or (owner.get("email") or "").split("@")[0] or f"{project}-team"
        return to_name(str(name)), owner

    def _group(self, model: _Model) -> dict | None:
        return self.groups.get(f"group.{model.project}.{model.group}") if model.group else None

    def files(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        from alchemesh.interop.generated import stamped

        out: dict[str, bytes] = {}
        products: dict[tuple[str, str], list[_Model]] = {}
        for key, model in self.models.items():
            products.setdefault(self.product_of[key], []).append(model)
        products = {k: v for k, v in products.items() if any(m.exported for m in v)}
        teams: dict[str, dict] = {}
        domain_owner: dict[str, str] = {}
        for (domain, product), members in sorted(products.items()):
            team, owner = self._team(self._group(members[0]), members[0].project)
            teams.setdefault(team, owner)
            domain_owner.setdefault(domain, team)
            origin = ", ".join(sorted({m.id for m in members if m.exported}))
            out[f"domains/{domain}/{product}/product.yaml"] = stamped(TOOL, origin, _dump(
                self._product_doc(domain, product, team, members)))
            for model in members:
                if model.exported:
                    port = self.port_of[model.id]
                    out[f"domains/{domain}/{product}/{port}.odcs.yaml"] = stamped(TOOL, model.id, _dump(
                        self._contract(domain, model)))
        for domain, team in sorted(domain_owner.items()):
            out[f"domains/{domain}/domain.yaml"] = stamped(TOOL, "the dbt projects", _dump({
                "apiVersion": "alchemesh.io/v1alpha1", "kind": "Domain",
                "metadata": {"name": domain}, "spec": {"owner": team, "type": "source-aligned"}}))
        for team, owner in sorted(teams.items()):
            contacts = [{"type": "email", "value": owner["email"]}] if owner.get("email") else []
            spec = {"displayName": owner.get("name") or team, **({"contacts": contacts} if contacts else {})}
            out[f"teams/{team}.yaml"] = stamped(TOOL, "the dbt groups' owners", _dump({
                "apiVersion": "alchemesh.io/v1alpha1", "kind": "Team", "metadata": {"name": team}, "spec": spec}))
        return out, self._once()

    def _once(self) -> dict[str, bytes]:
        from alchemesh.scaffold.create import bundled_family

        mesh = to_name(self.options.mesh or (self.projects[0] if self.projects else "mesh"))
        registry = {
            COMPONENTS["output-port"]: {"type": "output-port", "source": "./components/dbt/output-port-dbt-model",
                                         **({"engine": "duckdb"} if self.options.duckdb else {})},
            COMPONENTS["source"]: {"type": "input-port", "source": "./components/dbt/input-port-dbt"},
            COMPONENTS["ref"]: {"type": "input-port", "source": "./components/dbt/input-port-dbt"},
            COMPONENTS["code"]: {"type": "code", "source": "./components/dbt/code-dbt"},
        }
        text = ("# The mesh of the dbt projects imported by `alchemesh import dbt`: yours to change (it is written once).\n"
                + yaml.safe_dump({"apiVersion": "alchemesh.io/v1alpha1", "kind": "Mesh",
                                  "metadata": {"name": mesh, "description": "Imported from dbt."},
                                  "spec": {"environments": ["dev"], "components": registry,
                                           "exclude": [".alchemesh/**"]}}, sort_keys=False))
        return {"alchemesh.yaml": text.encode(), ".gitignore": b".alchemesh/\n", **bundled_family("dbt")}

    def _product_doc(self, domain: str, product: str, team: str, members: list[_Model]) -> dict:
        inputs: dict[str, dict] = {}
        uses: dict[str, set[str] | None] = {}  # input port → the fields its models read (None: cannot be told)
        for model in members:
            for dependency in (model.node.get("depends_on") or {}).get("nodes") or []:
                if dependency in self.sources:
                    source = self.sources[dependency]
                    name = to_name(str(source.get("source_name")))
                    inputs.setdefault(name, {"name": name, "component": COMPONENTS["source"],
                                             "source": {"system": name}})
                elif dependency in self.port_of and self.product_of[dependency] != (domain, product):
                    producer, port = self.product_of[dependency], self.port_of[dependency]
                    name = port if port not in inputs else f"{producer[1]}-{port}"
                    ref = f"{producer[0]}/{producer[1]}/{port}" if producer[0] != domain else f"{producer[1]}/{port}"
                    inputs.setdefault(name, {"name": name, "component": COMPONENTS["ref"],
                                             "source": {"outputPort": ref}})
                    reads = self._reads(model)
                    read = reads.get(dependency) if reads is not None else None
                    producer_model = self._any(dependency)
                    table = str(producer_model.node.get("alias") or producer_model.name)
                    known = uses.setdefault(name, set())
                    if read is None or known is None:
                        uses[name] = None  # a model reading it cannot be read: what the port reads is unknown
                    else:
                        known.update(f"{table}.{c}" for c in read)
        for name, fields in uses.items():
            if fields:
                inputs[name]["uses"] = sorted(fields)
        outputs = []
        for model in sorted((m for m in members if m.exported), key=lambda m: (m.name, m.version or 0)):
            outputs.append({"name": self.port_of[model.id], "description": _text(model.node.get("description")),
                            "component": COMPONENTS["output-port"], "contract": _contract_id(model),
                            "version": model.version or 1,
                            "visibility": {"public": "public", "protected": "domain"}.get(model.access, "private"),
                            **self._sunset(model, members),
                            "config": {"relation": _relation(model.node), **self._location(domain, product)}})
        group = self._group(members[0])
        description = _text((group or {}).get("description")) or (
            f"The dbt group `{members[0].group}` of {members[0].project}." if members[0].group else
            f"The dbt project {members[0].project}.")
        projects = sorted({m.project for m in members})
        selector = f"group:{members[0].group}" if members[0].group else "*"
        spec: dict[str, Any] = {"domain": domain, "owner": team, "version": "1.0.0",
                "status": "deprecated" if all(m.node.get("deprecation_date") for m in members if m.exported)
                else "active"}
        if inputs:
            spec["inputPorts"] = [inputs[name] for name in sorted(inputs)]
        spec["outputPorts"] = [{k: v for k, v in p.items() if v is not None} for p in outputs]
        spec["code"] = [{"name": to_name(p), "component": COMPONENTS["code"],
                         "config": {"project": p, "select": selector}} for p in projects]
        return {"apiVersion": "alchemesh.io/v1alpha1", "kind": "DataProduct",
                "metadata": {"name": product, "description": description}, "spec": spec}

    def _sunset(self, model: _Model, members: list[_Model]) -> dict:
        """A model's `deprecation_date` as its port's sunset; an older version is replaced by the latest's port."""
        said = model.node.get("deprecation_date")
        date = str(said)[:10] if said else None
        if date is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
            return {}
        sunset: dict[str, Any] = {"date": date}
        if model.version is not None and model.latest is not None and model.version != model.latest:
            latest = next((m for m in members if m.name == model.name and m.version == model.latest), None)
            if latest is not None and latest.id in self.port_of:
                sunset["replacedBy"] = self.port_of[latest.id]
        return {"status": "deprecated", "sunset": sunset}

    def _reads(self, model: _Model) -> dict[str, set[str]] | None:
        """Model id → the columns `model`'s SQL reads of it (its `{{ ref(…) }}`s resolved, sqlglot in the adapter's
        dialect); None when the SQL cannot be read (another Jinja construct, SQL that does not parse)."""
        if model.id in self._read_cache:
            return self._read_cache[model.id]
        from alchemesh.resolve.sqlreads import read_sql

        aliases: dict[str, str] = {}

        def placeholder(match: re.Match) -> str:
            target = self._ref_target_id(match.group(1), model.project)
            if target is None:
                return match.group(0)  # left as Jinja: the SQL is then not read
            alias = aliases.setdefault(target, f"dbtref{len(aliases)}")
            return f"{alias}.{alias}"

        raw = model.node.get("raw_code")
        text = _REF.sub(placeholder, raw) if isinstance(raw, str) else "{{"
        text = _SOURCE.sub("dbtsource.dbtsource", text)
        found: dict[str, set[str]] | None = None
        if "{{" not in text and "{%" not in text:
            columns = {alias: {alias: [str(c) for c in (self._any(target).node.get("columns") or {})]}
                       for target, alias in aliases.items()}
            read = read_sql(text, _DIALECT.get(self.adapter, self.adapter) or "duckdb", columns)
            if read.unreadable is None and not read.unattributed:
                by_alias = {alias: target for target, alias in aliases.items()}
                found = {target: set() for target in aliases}
                for column in read.columns:
                    found[by_alias[column.port]].add(column.column)
                found = {t: c for t, c in found.items() if aliases[t] in read.named}
        self._read_cache[model.id] = found
        return found

    def _ref_target_id(self, args: str, project: str) -> str | None:
        """The model a `ref(…)` names: ('name'), ('package', 'name'), with `v=`/`version=`; the latest version
        when none is named."""
        words = [w.strip() for w in args.split(",") if w.strip()]
        names = [w.strip("'\"") for w in words if w[:1] in "'\"" and w[-1:] == w[:1]]
        version = next((int(w.split("=", 1)[1].strip().strip("'\"")) for w in words
                        if re.match(r"^(v|version)\s*=\s*['\"]?\d+['\"]?$", w)), None)
        if not 1 <= len(names) <= 2:
            return None
        package, name = (names[0], names[1]) if len(names) == 2 else (None, names[0])
        candidates = [m for m in (*self.models.values(), *self.foreign.values())
                      if m.name == name and (package is None or m.project == package)]
        if version is None:
            version = next((m.latest for m in candidates if m.latest is not None), None)
        chosen = [m for m in candidates if m.version == version] or (candidates if version is None else [])
        return chosen[0].id if len(chosen) == 1 else None

    def _location(self, domain: str, product: str) -> dict:
        """The port's `location` config: the dbt-duckdb file, relative to the product's folder (as the component
        reads it), so that the mesh stays relocatable."""
        if self.options.duckdb is None:
            return {}
        folder = Path(os.path.abspath(self.options.out)) / "domains" / domain / product
        return {"location": Path(os.path.relpath(os.path.abspath(self.options.duckdb), folder)).as_posix()}

    def _contract(self, domain: str, model: _Model) -> dict:
        node = model.node
        constraints = node.get("constraints") or []
        keys = [c for con in constraints if con.get("type") == "primary_key" for c in con.get("columns") or []]
        tests = _column_tests(model)
        properties = []
        for column in (node.get("columns") or {}).values():
            name = str(column.get("name"))
            kinds = {c.get("type") for c in column.get("constraints") or []}
            found = tests.get(name, {})
            prop: dict[str, Any] = {"name": name}
            data_type = column.get("data_type")
            if data_type:
                prop["logicalType"] = logical_type(str(data_type), self.adapter)
                prop["physicalType"] = str(data_type)
            if _text(column.get("description")):
                prop["description"] = _text(column.get("description"))
            if "not_null" in kinds or "primary_key" in kinds or "not_null" in found or name in keys:
                prop["required"] = True
            if "unique" in kinds or "unique" in found:
                prop["unique"] = True
            if "primary_key" in kinds or name in keys:
                prop["primaryKey"] = True
                if len(keys) > 1:
                    prop["primaryKeyPosition"] = keys.index(name) + 1
            if "accepted_values" in found:
                values = found["accepted_values"].get("values")
                values = values if isinstance(values, list) else []  # a test's own arguments: any JSON at all
                prop["enum"] = [{"value": v} for v in dict.fromkeys(v for v in values if _scalar(v))]
            if "relationships" in found:
                target = _ref_target(found["relationships"].get("to"))
                if target:
                    prop["relationships"] = [{"to": f"{target}.{found['relationships'].get('field')}"}]
            tags = column.get("tags") or []
            if tags:
                prop["tags"] = sorted(map(str, tags))
            prop.update(_custom(column.get("meta")))
            properties.append(prop)
        obj: dict[str, Any] = {"name": str(node.get("alias") or model.name), "physicalName": str(node.get("alias") or model.name),
                               "physicalType": _physical(node), "logicalType": "object"}
        if _text(node.get("description")):
            obj["description"] = _text(node.get("description"))
        if node.get("tags"):
            obj["tags"] = sorted(map(str, node["tags"]))
        obj.update(_custom(node.get("meta")))
        obj["properties"] = properties
        contract: dict[str, Any] = {
            "apiVersion": "v3.2.0", "kind": "DataContract", "id": _contract_id(model),
            "name": model.name + (f" v{model.version}" if model.version is not None else ""),
            "version": f"{model.version or 1}.0.0",
            "status": "deprecated" if node.get("deprecation_date") else "active",
            "domain": domain,
        }
        if _text(node.get("description")):
            contract["description"] = {"purpose": _text(node.get("description"))}
        contract["schema"] = [obj]
        return contract


def _column_tests(model: _Model) -> dict[str, dict[str, dict]]:
    """Column → generic test name → its arguments, for the built-in tests that are promises."""
    out: dict[str, dict[str, dict]] = {}
    for test in model.tests:
        meta = test.get("test_metadata") or {}
        name, column = meta.get("name"), test.get("column_name")
        if name in ("not_null", "unique", "accepted_values", "relationships") and column:
            out.setdefault(str(column), {})[name] = meta.get("kwargs") or {}
    return out


def _ref_target(to: Any) -> str | None:
    match = re.search(r"ref\(\s*['\"]([^'\"]+)['\"]\s*(?:,\s*['\"]([^'\"]+)['\"])?", str(to or ""))
    return (match.group(2) or match.group(1)) if match else None


def _contract_id(model: _Model) -> str:
    return f"urn:dbt:{model.project}:{model.name}" + (f":v{model.version}" if model.version is not None else "")


def _relation(node: dict) -> str:
    parts = [node.get("database"), node.get("schema"), node.get("alias") or node.get("name")]
    return ".".join(str(p) for p in parts if p)


def _physical(node: dict) -> str:
    materialized = str((node.get("config") or {}).get("materialized") or "view")
    return {"incremental": "table", "snapshot": "table", "ephemeral": "view"}.get(materialized, materialized)


def logical_type(data_type: str, adapter: str) -> str:
    """The ODCS logical type of a dbt `data_type`, parsed in its adapter's dialect (as `alchemesh test` reads column
    types); `string` when it cannot be told."""
    from alchemesh.datatest.types import logical_of

    return logical_of(data_type, _DIALECT.get(adapter, adapter)) or "string"


_REF = re.compile(r"\{\{\s*ref\(([^{}()]*)\)\s*\}\}")
_SOURCE = re.compile(r"\{\{\s*source\([^{}()]*\)\s*\}\}")
_DIALECT = {"sqlserver": "tsql", "fabric": "tsql", "synapse": "tsql", "glue": "spark"}  # adapters sqlglot names otherwise


def _custom(meta: Any) -> dict:
    if not isinstance(meta, dict) or not meta:
        return {}
    return {"customProperties": [{"property": str(k), "value": v if _scalar(v) else json.dumps(v, sort_keys=True)}
                                 for k, v in sorted(meta.items())]}


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)  # libyaml's emitter: the same text, ten times faster


def _dump(document: dict) -> bytes:
    return yaml.dump(document, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=120).encode()
