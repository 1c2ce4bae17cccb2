"""Write scaffolds: never over an existing file, each file written atomically."""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path

from alchemesh import __version__
from alchemesh.workspace import write_atomic
from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.resolve.index import MeshIndex
from alchemesh.model.resources import NAME_PATTERN, to_name
from alchemesh.load.modules import source_kinds
from alchemesh.scaffold import templates as t


def mesh_name_for(directory: Path) -> str:
    """A valid resource name derived from a directory name."""
    return to_name(directory.resolve().name, "mesh")


def check_name(name: str, what: str) -> None:
    if not re.match(NAME_PATTERN, name):
        raise UsageError(
            f"`{name}` is not a valid {what} name: lowercase letters, digits and '-', starting with a letter"
        )


def init_repo(directory: Path, mesh: str) -> list[Path]:
    from alchemesh.scaffold.codeowners import PATH as CODEOWNERS, section

    check_name(mesh, "mesh")
    if (directory / "alchemesh.yaml").exists():
        raise UsageError(f"{directory / 'alchemesh.yaml'} already exists; this is a mesh repo already")
    team, domain, product = "data-team", "sales", "orders"
    contract = f"urn:datacontract:{domain}:{product}"
    sources = {key: t.SOURCE.format(module=module) for key, module in (
        ("landing", "input-port-landing"), ("attach", "input-port-duckdb-attach"),
        ("duckdb", "output-port-duckdb"), ("sql", "code-sql"))}
    files: dict[str, str | bytes] = {
        "alchemesh.yaml": t.MESH.format(mesh=mesh, **sources),
        f"teams/{team}.yaml": t.TEAM.format(team=team, domain=domain, display="Data Team"),
        f"domains/{domain}/domain.yaml": t.DOMAIN.format(domain=domain, team=team),
        **_product_files(f"domains/{domain}/{product}", domain, product, team, contract,
                         {"input-port": "local-landing", "output-port": "local-duckdb", "code": "local-sql"},
                         sql=True),
        **bundled_components(),
        ".pre-commit-config.yaml": t.PRE_COMMIT.format(version=__version__),
        **{path: text.replace("{version}", __version__) for path, text in t.workflow_files().items()},
        ".gitignore": t.GITIGNORE,
        CODEOWNERS: section("", []),  # its team has no `github` handle yet: `alchemesh codeowners` fills it in
        **schema_files(),
    }
    return _write_new(directory, _with_schemas(files))


def bundled_components() -> dict[str, bytes]:
    """The local components that ship with alchemesh, as files of a mesh's `components/local/`."""
    return bundled_family("local")


def bundled_family(family: str) -> dict[str, bytes]:
    """A component family that ships with alchemesh, as files of a mesh's `components/<family>/`."""
    out: dict[str, bytes] = {}

    def walk(folder, rel: str) -> None:
        for child in sorted(folder.iterdir(), key=lambda c: c.name):
            if child.name in _NOT_COPIED:
                continue
            if child.is_dir():
                walk(child, f"{rel}/{child.name}")
            else:
                out[f"{rel}/{child.name}"] = child.read_bytes()

    walk(resources.files("alchemesh.components") / family, f"components/{family}")
    return out


_NOT_COPIED = {"__pycache__", ".terraform", ".terraform.lock.hcl", "terraform.tfstate", "terraform.tfstate.backup"}


def new_product(index: MeshIndex, domain: str, name: str) -> list[Path]:
    check_name(name, "data product")
    if domain not in index.domains:
        hint = did_you_mean(domain, index.domains)
        raise UsageError(f"no domain `{domain}`" + (f"; {hint}" if hint else ""))
    if f"{domain}/{name}" in index.products:
        raise UsageError(f"data product `{domain}/{name}` already exists in {index.products[f'{domain}/{name}'].file}")
    contract = f"urn:datacontract:{domain}:{name}"
    if contract in index.contracts:
        raise UsageError(f"contract `{contract}` already exists in {index.contracts[contract].file}")
    domain_entry = index.domains[domain]
    folder = Path(domain_entry.file).parent / name
    root = index.repo.root
    modules = {n: _local_module(root, c.source) for n, c in index.components.items()}
    components = {}
    for kind in ("input-port", "output-port", "code"):
        names = sorted(n for n, c in index.components.items() if c.type == kind)
        if kind == "input-port":  # the scaffold reads a system's files: not a port that attaches a producer
            names = sorted(names, key=lambda n: source_kinds(modules[n]) != {"system"})
        if names:
            components[kind] = names[0]
    code = modules.get(components.get("code", ""))
    sql = code is not None and "sql_file" in code.variables
    files = _product_files(folder.as_posix(), domain, name, domain_entry.resource.spec.owner, contract, components,
                           sql=sql)
    return _write_new(root, _with_schemas(files) if (root / SCHEMA_DIR).is_dir() else files)


SCHEMA_DIR = ".alchemesh-schemas"
_ODCS = "odcs-json-schema-v3.1.0.json"  # the version the scaffolded contracts declare


def schema_files() -> dict[str, bytes]:
    """The JSON Schemas of the files a mesh holds, in the mesh (`.alchemesh-schemas/`): an editor resolves the
    `$schema` comment of each scaffolded file offline, and a schema is the one of the alchemesh that wrote it."""
    from alchemesh.model.schema_export import kind_schemas, render_schema

    odcs = resources.files("alchemesh.model") / "odcs_schemas"
    files = {f"{SCHEMA_DIR}/{name}": render_schema(schema) for name, schema in kind_schemas().items()}
    files[f"{SCHEMA_DIR}/{_ODCS}"] = (odcs / _ODCS).read_bytes()
    files[f"{SCHEMA_DIR}/ODCS-LICENSE"] = (odcs / "LICENSE").read_bytes()  # the ODCS schema is Bitol's, Apache-2.0
    return files


_KIND = re.compile(r"^kind: (\w+)$", re.MULTILINE)


def _with_schemas(files: dict[str, str | bytes]) -> dict[str, str | bytes]:
    """Every YAML resource file with a `# yaml-language-server: $schema=…` first line pointing at its kind's
    schema in `.alchemesh-schemas/`, relative to the file."""
    out = {}
    for rel, content in files.items():
        kind = _KIND.search(content) if isinstance(content, str) and rel.endswith((".yaml", ".yml")) else None
        if kind is None or not isinstance(content, str) or rel.startswith((".github/", ".pre-commit")):
            out[rel] = content
            continue
        name = _ODCS if kind.group(1) == "DataContract" else f"{kind.group(1).lower()}.schema.json"
        up = "../" * rel.count("/")
        out[rel] = f"# yaml-language-server: $schema={up}{SCHEMA_DIR}/{name}\n{content}"
    return out


def _local_module(root: Path, source: str):
    from alchemesh.load.modules import read_module
    from alchemesh.model.interface import is_local_source

    directory = root / source
    return read_module(directory) if is_local_source(source) and directory.is_dir() else None


def _product_files(folder: str, domain: str, name: str, owner: str, contract: str, components: dict[str, str],
                   *, sql: bool) -> dict[str, str | bytes]:
    """A product that validates and applies: with `sql` (a code component taking `sql_file`), its SQL and a
    sample file for its landing port, so that apply builds a table one can query."""
    table = name.replace("-", "_")
    product = t.PRODUCT_HEAD.format(name=name, domain=domain, owner=owner)
    if "input-port" in components:
        product += t.INPUT_PORT.format(name=name, component=components["input-port"], system=name)
    if "output-port" in components:
        product += t.OUTPUT_PORT.format(name=name, component=components["output-port"], contract=contract)
    if "code" in components:
        product += (t.CODE_SQL if sql else t.CODE).format(name=name, component=components["code"], table=table)
    files: dict[str, str | bytes] = {
        f"{folder}/product.yaml": product,
        f"{folder}/contract.odcs.yaml": t.CONTRACT.format(contract=contract, name=name, domain=domain, table=table),
    }
    if sql:
        files[f"{folder}/transform/{table}.sql"] = t.SQL.format(name=name, table=table, system=name)
        if "input-port" in components:
            files[f"data/{name}/{table}.csv"] = t.SAMPLE_DATA
    return files


def _write_new(root: Path, files: dict[str, str | bytes]) -> list[Path]:
    targets = {root / rel: content for rel, content in files.items()}
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise UsageError(f"refusing to overwrite {', '.join(existing)}")
    for path, content in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, content if isinstance(content, bytes) else content.encode())
    return list(targets)
