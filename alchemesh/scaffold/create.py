"""Write scaffolds: never over an existing file, each file written atomically."""

from __future__ import annotations

import re
from pathlib import Path

from alchemesh import __version__
from alchemesh.workspace import write_atomic
from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.resolve.index import MeshIndex
from alchemesh.model.resources import NAME_PATTERN
from alchemesh.scaffold import templates as t


def mesh_name_for(directory: Path) -> str:
    """A valid resource name derived from a directory name."""
    name = re.sub(r"[^a-z0-9-]+", "-", directory.resolve().name.lower()).strip("-")
    name = re.sub(r"^[^a-z]+", "", name)[:63].rstrip("-")
    return name or "mesh"


def check_name(name: str, what: str) -> None:
    if not re.match(NAME_PATTERN, name):
        raise UsageError(
            f"`{name}` is not a valid {what} name: lowercase letters, digits and '-', starting with a letter"
        )


def init_repo(directory: Path, mesh: str) -> list[Path]:
    check_name(mesh, "mesh")
    if (directory / "alchemesh.yaml").exists():
        raise UsageError(f"{directory / 'alchemesh.yaml'} already exists; this is a mesh repo already")
    team, domain, product = "data-team", "sales", "orders"
    contract = f"urn:datacontract:{domain}:{product}"
    sources = {key: t.SOURCE.format(module=module) for key, module in (
        ("landing", "input-port-landing"), ("attach", "input-port-duckdb-attach"),
        ("duckdb", "output-port-duckdb"), ("sql", "code-sql"))}
    files = {
        "alchemesh.yaml": t.MESH.format(mesh=mesh, **sources),
        f"teams/{team}.yaml": t.TEAM.format(team=team, domain=domain, display="Data Team"),
        f"domains/{domain}/domain.yaml": t.DOMAIN.format(domain=domain, team=team),
        **_product_files(f"domains/{domain}/{product}", domain, product, team, contract,
                         {"input-port": "local-landing", "output-port": "local-duckdb", "code": "local-sql"}),
        ".pre-commit-config.yaml": t.PRE_COMMIT.format(version=__version__),
        **{f".github/workflows/{name}": text.replace("{version}", __version__)
           for name, text in t.WORKFLOWS.items()},
        ".gitignore": t.GITIGNORE,
    }
    return _write_new(directory, files)


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
    components = {}
    for kind in ("input-port", "output-port", "code"):
        names = sorted(n for n, c in index.components.items() if c.type == kind)
        if names:
            components[kind] = names[0]
    files = _product_files(folder.as_posix(), domain, name, domain_entry.resource.spec.owner, contract, components)
    return _write_new(index.repo.root, files)


def _product_files(folder: str, domain: str, name: str, owner: str, contract: str, components: dict[str, str]):
    product = t.PRODUCT_HEAD.format(name=name, domain=domain, owner=owner)
    if "input-port" in components:
        product += t.INPUT_PORT.format(name=name, component=components["input-port"])
    if "output-port" in components:
        product += t.OUTPUT_PORT.format(name=name, component=components["output-port"], contract=contract)
    if "code" in components:
        product += t.CODE.format(name=name, component=components["code"])
    table = name.replace("-", "_")
    return {
        f"{folder}/product.yaml": product,
        f"{folder}/contract.odcs.yaml": t.CONTRACT.format(contract=contract, name=name, domain=domain, table=table),
    }


def _write_new(root: Path, files: dict[str, str]) -> list[Path]:
    targets = {root / rel: text for rel, text in files.items()}
    existing = [str(p) for p in targets if p.exists()]
    if existing:
        raise UsageError(f"refusing to overwrite {', '.join(existing)}")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, text.encode())
    return list(targets)
