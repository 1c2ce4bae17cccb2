"""`alchemesh export odps` / `import odps`: each data product as an Open Data Product Standard v1.0.0 document
(Bitol, `kind: DataProduct`), and back.

The export fills ODPS's own fields (a stable `id`, name, version, status, domain, description, output ports with
their contracts' `id` and version, input ports reading other products' ports with theirs, the owning team and its
contacts as `support`, the catalog page as an authoritative definition) and keeps what ODPS has no field for under
`customProperties` (`alchemesh:*`: each port's component, visibility and config, the input ports from systems, the
code entries, the labels), plus the product file itself, so that importing an export gives it back byte for byte.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from alchemesh.errors import AlchemeshError, UsageError
from alchemesh.interop.generated import Outcome
from alchemesh.findings import printable

if TYPE_CHECKING:
    from alchemesh.validate import Analysis

VERSIONS = ("1.0.0", "1.1.0")  # 1.1: the product's architectural `type`, `deprecated`
_TYPE = {"source-aligned": "sourceAligned", "aggregate": "aggregate", "consumer-aligned": "consumerAligned"}
_NAMESPACE = uuid.UUID("3b0c5e8a-2d1f-5a4e-9b7c-6e1f0a2d4c8b")  # alchemesh's: product ids are UUIDv5 in it
_SOURCE, _FILE = "alchemesh:source", "alchemesh:file"


def product_id(mesh: str, domain: str, product: str) -> str:
    """Stable across exports: the same product keeps its id, so a catalog does not see it as new."""
    return str(uuid.uuid5(_NAMESPACE, f"{mesh}/{domain}/{product}"))


def export(analysis: Analysis, site_url: str | None = None, version: str | None = None) -> dict[str, bytes]:
    """Relative path (`DOMAIN/PRODUCT.odps.yaml`) → the document, for every data product."""
    version = version or "1.0.0"
    index, graph, repo = analysis.index, analysis.graph, analysis.repo
    mesh = index.mesh.resource.name if index.mesh else "mesh"
    contracts = {cid: entry.resource for cid, entry in index.contracts.items()}
    from alchemesh.clock import today
    from alchemesh.resolve.access import reads

    # an input port on a port read under an agreement is listed while an agreement lets it read
    edges = {(e.consumer_id, e.input_port): e for e in reads(index, graph, today())}
    out = {}
    for key, entry in sorted(index.products.items()):
        product, spec = entry.resource, entry.resource.spec
        document: dict[str, Any] = {"apiVersion": f"v{version}", "kind": "DataProduct",
                                    "id": product_id(mesh, spec.domain, product.name), "name": product.name,
                                    "version": spec.version, "status": spec.status, "domain": spec.domain}
        if version != "1.0.0":
            domain = index.domains.get(spec.domain)
            if domain is not None:
                document["type"] = _TYPE[domain.resource.spec.type]
            document["deprecated"] = spec.status in ("deprecated", "retired")
        if product.metadata.description:
            document["description"] = {"purpose": product.metadata.description}
        inputs = []
        for input_port in spec.inputPorts:
            ref = input_port.source.outputPort
            if ref is None:
                continue
            edge = edges.get((key, input_port.name))
            producer = graph.output_port(edge.ref) if edge else None
            contract = contracts.get(producer.contract) if producer and producer.contract else None
            if contract is not None:
                inputs.append({"name": input_port.name, "version": contract.version, "contractId": contract.id})
        if inputs:
            document["inputPorts"] = inputs
        outputs = []
        for port in spec.outputPorts:
            contract = contracts.get(port.contract) if port.contract else None
            item: dict[str, Any] = {"name": port.name}
            if port.description:
                item["description"] = port.description
            item["version"] = contract.version if contract else f"{port.version}.0.0"
            if contract is not None:
                item["contractId"] = contract.id
                if version != "1.0.0" and contract.status in ("deprecated", "retired"):
                    item["deprecated"] = True
            outputs.append(item)
        document["outputPorts"] = outputs
        team = index.teams.get(spec.owner)
        if team is not None:
            document["team"] = {"name": team.resource.name, **(
                {"description": team.resource.metadata.description} if team.resource.metadata.description else {}),
                **({"members": [{"username": m.name, **({"role": m.role} if m.role else {})}
                                for m in team.resource.spec.members]} if team.resource.spec.members else {})}
            support = [{"channel": c.type, "url": f"mailto:{c.value}" if c.type == "email" and "@" in c.value
                        else c.value} for c in team.resource.spec.contacts]
            if support:
                document["support"] = support
        if site_url:
            document["authoritativeDefinitions"] = [{"type": "catalog", "url": (
                f"{site_url.rstrip('/')}/products/{spec.domain}/{product.name}.html"),
                "description": "The product's page in the mesh catalog."}]
        document["customProperties"] = _custom(entry, repo)
        problem = next(iter(_validator(version).iter_errors(document)), None)
        if problem is not None:  # what alchemesh writes is valid ODPS, or nothing is written
            raise AlchemeshError(f"the ODPS document of {key} is not valid ODPS v{version}: {problem.message}")
        out[f"{spec.domain}/{product.name}.odps.yaml"] = yaml.dump(
            document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120).encode()
    return out


@cache
def _validator(version: str):
    """The official schema of an ODPS version (package data), compiled once."""
    import jsonschema_rs

    raw = (resources.files("alchemesh.interop") / "odps_schemas" / f"odps-json-schema-v{version}.json").read_bytes()
    return jsonschema_rs.validator_for(json.loads(raw))


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]  # libyaml's emitter: ten times faster
    """Multi-line strings (the product file) as literal blocks: readable, and the same text back."""


def _string(dumper, value: str) -> yaml.ScalarNode:
    block = "\n" in value and value.endswith("\n") and not any(line != line.rstrip() for line in value.split("\n"))
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|" if block else None)


_Dumper.add_representer(str, _string)


def _custom(entry, repo) -> list[dict[str, Any]]:
    """What ODPS has no field for, and the product file itself."""
    spec = entry.resource.spec
    ports = [{"name": p.name, "component": p.component, "visibility": p.visibility, "majorVersion": p.version,
              **({"config": p.config} if p.config else {})} for p in spec.outputPorts]
    inputs = [{"name": p.name, "component": p.component,
               "source": {"system": p.source.system} if p.source.system else {"outputPort": p.source.outputPort},
               **({"config": p.config} if p.config else {})} for p in spec.inputPorts]
    code = [{"name": c.name, "component": c.component, **({"config": c.config} if c.config else {})}
            for c in spec.code]
    values = [("alchemesh:outputPorts", ports), ("alchemesh:inputPorts", inputs), ("alchemesh:code", code),
              ("alchemesh:labels", dict(entry.resource.metadata.labels))]
    out = [{"property": name, "value": json.dumps(value, sort_keys=True, ensure_ascii=False)}
           for name, value in values if value]
    out.append({"property": _FILE, "value": entry.file})
    out.append({"property": _SOURCE, "value": _file_text(repo, entry)})
    return out


def _file_text(repo, entry) -> str:
    """The product's file as written: the whole file, so that a file of several products comes back whole from any
    of their documents."""
    from alchemesh.repofiles import read_repo_file

    return read_repo_file(repo.root, entry.file).decode("utf-8")


@dataclass(frozen=True)
class Placement:
    """How documents other tools wrote become products of the mesh at `analysis`: the components of their ports."""

    analysis: Analysis
    output_component: str
    input_component: str


def import_documents(paths: list[Path], placement: Placement | None = None) -> dict[str, bytes]:
    """Relative path → a product file: the one a document exported by alchemesh holds, or one built from a
    document of another tool (`placement`: its contractIds resolved to the mesh's contracts)."""
    from alchemesh.load.yamlfile import parse
    from alchemesh.repofiles import read_repo_file

    out: dict[str, bytes] = {}
    for path in paths:
        try:  # a regular file, under the size limit: never a FIFO to block on, never gigabytes
            parsed = parse(str(path), read_repo_file(path.parent, path.name))
        except OSError as error:
            raise UsageError(f"cannot read {path}: {getattr(error, 'reason', None) or error.strerror or error}") \
                from None
        if parsed.problems:
            first = parsed.problems[0]
            raise UsageError(f"{path}:{first.line}:{first.column} is not YAML alchemesh reads: {first.message}")
        document = parsed.documents[0].data if len(parsed.documents) == 1 else None
        if not isinstance(document, dict) or document.get("kind") != "DataProduct" or \
                not str(document.get("apiVersion", "")).startswith("v1."):
            raise UsageError(f"{path} is not an ODPS v1 DataProduct document")
        customs = document.get("customProperties")
        custom = {c["property"]: c.get("value") for c in (customs if isinstance(customs, list) else [])
                  if isinstance(c, dict) and isinstance(c.get("property"), str)}
        file, source = custom.get(_FILE), custom.get(_SOURCE)
        if not isinstance(file, str) or not isinstance(source, str):
            if placement is None:
                raise UsageError(f"{path}: not exported by alchemesh (no `{_FILE}` custom property): name the "
                                 "components of its ports, --output-component and --input-component, in a mesh")
            rel, text = _product_of(document, path, placement)
            out[rel] = text
            continue
        problem = _product_file_problem(file, source)
        if problem:
            raise UsageError(f"{path}: `{_FILE}` {printable(repr(file))}: {problem}; nothing written")
        out[file] = source.encode("utf-8")
    return out


@dataclass(frozen=True)
class ImportOptions:
    """Documents of other tools, in a mesh: the registry's components of their output and input ports."""

    output_component: str | None = None
    input_component: str | None = None  # default: the output ports' component


def import_into(out: Path, documents: list[Path], options: ImportOptions | None, check: bool,
                analysis: Callable[[], Analysis]) -> Outcome:
    """The product files of the documents, written where no file is; a different file already there is kept (and
    said), never written over. Nothing is written unless every file may be."""
    from alchemesh.interop.generated import write_new

    placement = None
    output_component = options.output_component if options else None
    if options and output_component and (out / "alchemesh.yaml").is_file():
        placement = Placement(analysis(), output_component, options.input_component or output_component)
    files = import_documents(documents, placement)
    return write_new(out, "odps", files, check)


def _product_file_problem(file: str, source: str) -> str | None:
    """Why the file an exported document carries may not be written: only a product file under `domains/`, whose
    path names the domain of every product it holds and the name of one, holding DataProducts and nothing else
    (no workflow, no pre-commit config, no Team smuggled in)."""
    parts = file.split("/")
    if len(parts) < 3 or parts[0] != "domains" or not file.endswith((".yaml", ".yml")) or \
            any(p in ("", ".", "..") for p in parts) or "\\" in file or printable(file) != file:
        return "not a product file under domains/DOMAIN/"
    from alchemesh.load.yamlfile import parse

    parsed = parse(file, source.encode("utf-8"))
    if parsed.problems:
        return "its content is not YAML alchemesh reads"
    documents = [d.data for d in parsed.documents if d.data is not None]
    names = set()
    for document in documents:
        metadata = document.get("metadata") if isinstance(document, dict) else None
        spec = document.get("spec") if isinstance(document, dict) else None
        if not (isinstance(document, dict) and document.get("kind") == "DataProduct"
                and str(document.get("apiVersion", "")).startswith("alchemesh.io/")
                and isinstance(metadata, dict) and isinstance(spec, dict)):
            return "it holds something else than alchemesh DataProducts"
        if spec.get("domain") != parts[1]:
            return f"it holds a product of domain {printable(str(spec.get('domain')))!r}, not of {parts[1]!r}"
        names.add(str(metadata.get("name")))
    stem = parts[-1].rsplit(".", 1)[0]
    if not documents or not names & {*parts[2:-1], stem}:
        return "its path names none of the products it holds (domains/DOMAIN/PRODUCT/…)"
    return None


_STATUS = {"proposed": "draft", "draft": "draft", "active": "active", "deprecated": "deprecated", "retired": "retired"}


def _product_of(document: dict, path: Path, placement: Placement) -> tuple[str, bytes]:
    """A product file from an ODPS document of another tool: its output ports bound to the mesh's contracts of
    their `contractId`, its input ports reading the products whose ports have theirs (else a system of that name)."""
    import re

    from alchemesh.model.resources import to_name

    index = placement.analysis.index
    name = to_name(str(document.get("name") or document.get("id") or ""))
    domain = to_name(str(document.get("domain") or ""))
    given = document.get("team")
    team: dict[str, Any] = given if isinstance(given, dict) else {}
    if not document.get("domain") or not team.get("name"):
        raise UsageError(f"{path}: an ODPS document needs a `domain` and a `team.name` to become a data product here")
    producers = {p.contract: (entry.resource.spec.domain, entry.resource.name, p.name)
                 for entry in index.products.values() for p in entry.resource.spec.outputPorts if p.contract}
    outputs = []
    for port in document.get("outputPorts") or []:
        if not isinstance(port, dict):
            continue
        contract = index.contracts.get(str(port.get("contractId"))) if port.get("contractId") else None
        major = contract.resource.major if contract else _major(port.get("version"))
        item: dict[str, Any] = {"name": to_name(str(port.get("name"))), "component": placement.output_component}
        if contract:
            item["contract"] = contract.resource.id
        item["version"] = major or 1
        if port.get("description"):
            item["description"] = str(port["description"])
        outputs.append(item)
    inputs = []
    for port in document.get("inputPorts") or []:
        if not isinstance(port, dict):
            continue
        producer = producers.get(str(port.get("contractId")))
        source = ({"outputPort": "/".join(producer)} if producer else {"system": to_name(str(port.get("name")))})
        inputs.append({"name": to_name(str(port.get("name"))), "component": placement.input_component, "source": source})
    version = str(document.get("version") or "")
    spec: dict[str, Any] = {"domain": domain, "owner": to_name(str(team["name"])),
                            "version": version if re.fullmatch(r"\d+\.\d+\.\d+", version) else "1.0.0",
                            "status": _STATUS.get(str(document.get("status")), "draft")}
    if inputs:
        spec["inputPorts"] = inputs
    spec["outputPorts"] = outputs
    metadata: dict[str, Any] = {"name": name}
    purpose = (document.get("description") or {}).get("purpose") if isinstance(document.get("description"), dict) else None
    if purpose:
        metadata["description"] = str(purpose)
    product = {"apiVersion": "alchemesh.io/v1alpha1", "kind": "DataProduct", "metadata": metadata, "spec": spec}
    header = f"# Imported from the ODPS document {printable(path.name)} (id {printable(str(document.get('id')))}).\n"
    return f"domains/{domain}/{name}/product.yaml", (header + yaml.safe_dump(product, sort_keys=False)).encode()


def _major(version: Any) -> int | None:
    head = str(version or "").lstrip("vV").split(".", 1)[0]
    return int(head) if head.isdigit() else None
