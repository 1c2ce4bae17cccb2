"""Access agreements in and out of the two standards that describe them: Bitol's OAAS v0.9 (`kind: AccessAgreement`)
and the Data Usage Agreement Specification 0.0.1. An AccessAgreement's fields map onto each one by one; what a
standard has no field for travels in its custom properties (`alchemesh:…`), so that importing an export gives the
same agreement back. Products are named as the ODPS export names them (its UUIDs), and found again by that id, by
`domain/product`, or by name.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from alchemesh.errors import UsageError
from alchemesh.findings import printable
from alchemesh.interop.generated import Outcome

if TYPE_CHECKING:
    from alchemesh.model.resources import AccessAgreement
    from alchemesh.validate import Analysis

OAAS_VERSION = "v0.9.0"
DUA_VERSION = "0.0.1"
_CUSTOM = "alchemesh:"  # what a standard has no field for: approvedBy, the consumer's input port, `revoked`


@dataclass(frozen=True)
class Standard:
    name: str  # oaas | dua
    schema: str  # package file in agreement_schemas/
    write: Callable[[AccessAgreement, Analysis, datetime.date], dict[str, Any]]
    read: Callable[[dict[str, Any], Analysis], dict[str, Any]]  # → an AccessAgreement document
    recognise: Callable[[Any], bool]


def export(analysis: Analysis, standard: Standard, today: datetime.date) -> dict[str, bytes]:
    """Relative path (`NAME.oaas.yaml`, `NAME.dua.yaml`) → the document, for every agreement; each validated."""
    out = {}
    for name, entry in sorted(analysis.index.agreements.items()):
        document = standard.write(entry.resource, analysis, today)
        errors = sorted(str(e) for e in _validator(standard.schema).iter_errors(document))
        if errors:
            raise UsageError(f"{entry.file}: its {standard.name.upper()} document does not validate: {errors[0]}")
        out[f"{name}.{standard.name}.yaml"] = yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                                                             width=120).encode()
    return out


def import_into(out: Path, documents: list[Path], standard: Standard, check: bool,
                analysis: Callable[[], Analysis]) -> Outcome:
    """Each document as an AccessAgreement in the provider product's `agreements/` folder: written where no file is,
    a different file already there kept (and said). Nothing is written unless every document reads."""
    from pydantic import ValidationError

    from alchemesh.interop.generated import write_new
    from alchemesh.load.yamlfile import parse
    from alchemesh.model.resources import AccessAgreement
    from alchemesh.repofiles import read_repo_file

    if not (out / "alchemesh.yaml").is_file():
        raise UsageError(f"{out} is not a mesh (no alchemesh.yaml): agreements are imported into one")
    mesh = analysis()
    files: dict[str, bytes] = {}
    for path in documents:
        try:
            parsed = parse(str(path), read_repo_file(path.parent, path.name))
        except OSError as error:
            raise UsageError(f"cannot read {path}: {error.strerror or error}") from None
        if parsed.problems:
            first = parsed.problems[0]
            raise UsageError(f"{path}:{first.line}:{first.column} is not YAML alchemesh reads: {first.message}")
        document = parsed.documents[0].data if len(parsed.documents) == 1 else None
        if not isinstance(document, dict) or not standard.recognise(document):
            raise UsageError(f"{path} is not a {standard.name.upper()} document")
        errors = sorted(str(e) for e in _validator(standard.schema).iter_errors(document))
        if errors:
            raise UsageError(f"{path} is not valid {standard.name.upper()}: {printable(errors[0])[:200]}")
        agreement = standard.read(document, mesh)
        try:
            AccessAgreement.model_validate(agreement)
        except ValidationError as error:
            detail = error.errors()[0]
            where = ".".join(str(step) for step in detail["loc"])
            raise UsageError(f"{path} makes no valid AccessAgreement: {where}: {printable(detail['msg'])}") from None
        provider = mesh.index.products[agreement["spec"]["provider"]["outputPort"].rsplit("/", 1)[0]]
        rel = f"{Path(provider.file).parent.as_posix()}/agreements/{agreement['metadata']['name']}.yaml"
        files[rel] = yaml.safe_dump(agreement, sort_keys=False, allow_unicode=True, width=120).encode()
    return write_new(out, standard.name, files, check)


def standard_schemas() -> dict[str, bytes]:
    """File name → the JSON Schema of each standard agreements are exported to, as shipped, with the README naming
    their sources and the licence of the one that is not ours."""
    folder = resources.files("alchemesh.interop") / "agreement_schemas"
    names = sorted({s.schema for s in STANDARDS.values()} | {"README.md", "LICENSE"})
    return {name: (folder / name).read_bytes() for name in names}


@cache
def _validator(schema: str):
    import jsonschema_rs

    raw = (resources.files("alchemesh.interop") / "agreement_schemas" / schema).read_bytes()
    return jsonschema_rs.validator_for(json.loads(raw), validate_formats=True)


# --- the mesh's names in the standards' ids ----------------------------------------------------------------------


def _product_ids(analysis: Analysis) -> dict[str, str]:
    """domain/product → the id the ODPS export gives it."""
    from alchemesh.interop.odps import product_id

    index = analysis.index
    mesh = index.mesh.resource.name if index.mesh else "mesh"
    return {pid: product_id(mesh, e.resource.spec.domain, e.resource.name) for pid, e in index.products.items()}


def _find_product(analysis: Analysis, given: Any, what: str) -> str:
    ids = _product_ids(analysis)
    by_id = {v: k for k, v in ids.items()}
    named = [k for k in ids if k.split("/")[1] == given]
    found = by_id.get(given) or (given if given in ids else None) or (named[0] if len(named) == 1 else None)
    if found is None:
        raise UsageError(f"{what} {printable(repr(given))} is no data product of the mesh (its ODPS id, "
                         "domain/product or a name of one product)")
    return found


def _owner(analysis: Analysis, product: str) -> str:
    return analysis.index.products[product].resource.spec.owner


def _customs(agreement: AccessAgreement) -> list[dict[str, Any]]:
    from alchemesh.model.resources import to_name

    spec = agreement.spec
    own = [{"property": c.property, "value": c.value} for c in spec.customProperties]
    if spec.approvedBy:
        own.append({"property": f"{_CUSTOM}approvedBy", "value": list(spec.approvedBy)})
    if spec.consumer.inputPort:
        own.append({"property": f"{_CUSTOM}inputPort", "value": spec.consumer.inputPort})
    if spec.status == "revoked":
        own.append({"property": f"{_CUSTOM}status", "value": "revoked"})
    if spec.id is not None and agreement.metadata.name != to_name(spec.id):  # a name the id does not give back
        own.append({"property": f"{_CUSTOM}name", "value": agreement.metadata.name})
    return own


def _spec(analysis: Analysis, *, ident: str, version: Any, provider: dict, consumer: dict, status: str,
          description: dict, start: Any, end: Any, reassess: Any, roles: list, tags: list, links: list,
          customs: list) -> dict[str, Any]:
    """An AccessAgreement document from the fields every standard shares."""
    from alchemesh.model.resources import to_name

    own = {c.get("property"): c.get("value") for c in customs if str(c.get("property", "")).startswith(_CUSTOM)}
    rest = [c for c in customs if not str(c.get("property", "")).startswith(_CUSTOM)]
    product = _find_product(analysis, provider.get("dataProductId"), "provider.dataProductId")
    port = str(provider.get("outputPortId"))
    if port not in {p.name for p in analysis.index.products[product].resource.spec.outputPorts}:
        raise UsageError(f"provider.outputPortId {printable(repr(port))} is no output port of {product}")
    who: dict[str, Any] = {}
    if consumer.get("dataProductId") is not None:
        who["product"] = _find_product(analysis, consumer["dataProductId"], "consumer.dataProductId")
        if isinstance(own.get(f"{_CUSTOM}inputPort"), str):
            who["inputPort"] = own[f"{_CUSTOM}inputPort"]
    elif consumer.get("teamId") is not None:
        who["team"] = str(consumer["teamId"])
    elif consumer.get("userId") is not None:
        who["user"] = str(consumer["userId"])
    else:
        raise UsageError("the document names no consumer (dataProductId, teamId or userId)")
    given = own.get(f"{_CUSTOM}name")
    name = to_name(given if isinstance(given, str) else ident)  # a resource name, whatever the document says
    spec: dict[str, Any] = {}
    if name != ident:
        spec["id"] = ident
    if version is not None:
        spec["version"] = str(version)
    spec["provider"] = {"outputPort": f"{product}/{port}",
                        **({"contractVersion": str(provider["dataContractVersion"])}
                           if provider.get("dataContractVersion") else {})}
    spec["consumer"] = who
    for key in ("purpose", "usage", "limitations", "terms"):
        if description.get(key) is not None:
            spec[key] = str(description[key])
    spec["status"] = "revoked" if own.get(f"{_CUSTOM}status") == "revoked" else status
    approved = own.get(f"{_CUSTOM}approvedBy")
    if isinstance(approved, list):
        spec["approvedBy"] = [str(a) for a in approved]
    for key, value in (("start", start), ("end", end), ("nextReassessment", reassess)):
        if value is not None:
            spec[key] = str(value)[:10]
    if roles:
        spec["roles"] = roles
    if tags:
        spec["tags"] = [str(t) for t in tags]
    if links:
        spec["links"] = links
    if rest:
        spec["customProperties"] = rest
    return {"apiVersion": "alchemesh.io/v1alpha1", "kind": "AccessAgreement", "metadata": {"name": name}, "spec": spec}


# --- OAAS v0.9 -----------------------------------------------------------------------------------------------------


def _oaas_write(agreement: AccessAgreement, analysis: Analysis, today: datetime.date) -> dict[str, Any]:
    spec = agreement.spec
    ids = _product_ids(analysis)
    product, port = spec.provider.outputPort.rsplit("/", 1)
    port_spec = next((p for p in analysis.index.products[product].resource.spec.outputPorts if p.name == port), None)
    document: dict[str, Any] = {"apiVersion": OAAS_VERSION, "kind": "AccessAgreement",
                                "id": spec.id or agreement.metadata.name}
    if agreement.metadata.description:
        document["name"] = agreement.metadata.description
    if spec.version:
        document["version"] = spec.version
    document["status"] = "rejected" if spec.status == "revoked" else spec.status
    document["description"] = {k: v for k, v in (("purpose", spec.purpose), ("usage", spec.usage),
                                                 ("limitations", spec.limitations), ("terms", spec.terms)) if v}
    for key, day, at in (("startTimestamp", spec.start, "00:00:00"), ("endTimestamp", spec.end, "23:59:59"),
                         ("nextReassessmentTimestamp", spec.nextReassessment, "00:00:00")):
        if day is not None:
            document[key] = f"{day.isoformat()}T{at}Z"
    document["provider"] = {"teamId": _owner(analysis, product), "dataProductId": ids[product], "outputPortId": port,
                            **({"dataContractId": port_spec.contract} if port_spec and port_spec.contract else {}),
                            **({"dataContractVersion": spec.provider.contractVersion}
                               if spec.provider.contractVersion else {})}
    document["consumer"] = _consumer(analysis, agreement, ids)
    if spec.roles:
        document["roles"] = [{"role": r} for r in spec.roles]
    if spec.tags:
        document["tags"] = list(spec.tags)
    if spec.links:
        document["authoritativeDefinitions"] = [{k: v for k, v in (("type", link.type), ("url", link.url),
                                                                   ("description", link.description)) if v}
                                                for link in spec.links]
    customs = _customs(agreement)
    if customs:
        document["customProperties"] = customs
    return document


def _consumer(analysis: Analysis, agreement: AccessAgreement, ids: dict[str, str]) -> dict[str, Any]:
    consumer = agreement.spec.consumer
    if consumer.product is not None:
        return {"teamId": _owner(analysis, consumer.product), "dataProductId": ids[consumer.product]}
    return {"teamId": consumer.team} if consumer.team is not None else {"userId": consumer.user}


def _oaas_read(document: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
    description = document.get("description") or {}
    links = [{k: str(v) for k, v in d.items() if k in ("type", "url", "description")}
             for d in document.get("authoritativeDefinitions") or ()]
    agreement = _spec(analysis, ident=str(document["id"]), version=document.get("version"),
                      provider=document["provider"], consumer=document["consumer"], status=document["status"],
                      description=description, start=document.get("startTimestamp"),
                      end=document.get("endTimestamp"), reassess=document.get("nextReassessmentTimestamp"),
                      roles=[str(r["role"]) for r in document.get("roles") or ()], tags=document.get("tags") or [],
                      links=links, customs=document.get("customProperties") or [])
    if document.get("name"):
        agreement["metadata"]["description"] = str(document["name"])
    return agreement


# --- Data Usage Agreement Specification 0.0.1 ---------------------------------------------------------------------


def _dua_write(agreement: AccessAgreement, analysis: Analysis, today: datetime.date) -> dict[str, Any]:
    spec = agreement.spec
    if spec.start is None:
        raise UsageError(f"agreement `{agreement.metadata.name}` has no `start`: a DUA document needs a start date")
    ids = _product_ids(analysis)
    product, port = spec.provider.outputPort.rsplit("/", 1)
    port_spec = next((p for p in analysis.index.products[product].resource.spec.outputPorts if p.name == port), None)
    info: dict[str, Any] = {"purpose": spec.purpose, "status": "rejected" if spec.status == "revoked" else spec.status,
                            "active": spec.runs_on(today), "startDate": spec.start.isoformat()}
    if spec.end is not None:
        info["endDate"] = spec.end.isoformat()
    if spec.terms:
        info["individualAgreements"] = spec.terms
    document: dict[str, Any] = {"dataUsageAgreementSpecification": DUA_VERSION, "id": spec.id or agreement.metadata.name,
                                "info": info,
                                "provider": {"teamId": _owner(analysis, product), "dataProductId": ids[product],
                                             "outputPortId": port,
                                             **({"dataContractId": port_spec.contract}
                                                if port_spec and port_spec.contract else {})},
                                "consumer": _consumer(analysis, agreement, ids)}
    if spec.tags:
        document["tags"] = list(spec.tags)
    if spec.links:
        document["links"] = {link.type: link.url for link in spec.links}
    custom = {c["property"]: c["value"] for c in _customs(agreement)}
    for key, value in (("description", agreement.metadata.description), ("version", spec.version),
                       ("usage", spec.usage), ("limitations", spec.limitations),
                       ("contractVersion", spec.provider.contractVersion), ("roles", list(spec.roles) or None),
                       ("nextReassessment", spec.nextReassessment.isoformat() if spec.nextReassessment else None)):
        if value:
            custom[f"{_CUSTOM}{key}"] = value
    if custom:
        document["custom"] = custom
    return document


def _dua_read(document: dict[str, Any], analysis: Analysis) -> dict[str, Any]:
    info = document["info"]
    custom = document.get("custom") or {}
    customs = [{"property": k, "value": v} for k, v in custom.items()]
    own = {k.removeprefix(_CUSTOM): v for k, v in custom.items() if k.startswith(_CUSTOM)}
    provider = {**document["provider"], **({"dataContractVersion": own["contractVersion"]}
                                           if own.get("contractVersion") else {})}
    description = {"purpose": info["purpose"], "usage": own.get("usage"), "limitations": own.get("limitations"),
                   "terms": info.get("individualAgreements")}
    agreement = _spec(analysis, ident=str(document["id"]), version=own.get("version"), provider=provider,
                      consumer=document["consumer"], status=info["status"], description=description,
                      start=info.get("startDate"), end=info.get("endDate"), reassess=own.get("nextReassessment"),
                      roles=[str(r) for r in own.get("roles") or ()], tags=document.get("tags") or [],
                      links=[{"type": k, "url": str(v)} for k, v in (document.get("links") or {}).items()],
                      customs=[c for c in customs if c["property"] not in {
                          f"{_CUSTOM}{k}" for k in ("description", "version", "usage", "limitations",
                                                    "contractVersion", "roles", "nextReassessment")}])
    if isinstance(own.get("description"), str):
        agreement["metadata"]["description"] = own["description"]
    return agreement


STANDARDS = {
    "oaas": Standard("oaas", "oaas-v0.9.0.schema.json", _oaas_write, _oaas_read,
                     lambda d: isinstance(d, dict) and d.get("kind") == "AccessAgreement"
                     and str(d.get("apiVersion", "")).startswith("v0.")),
    "dua": Standard("dua", "datausageagreement-0.0.1.schema.json", _dua_write, _dua_read,
                    lambda d: isinstance(d, dict) and "dataUsageAgreementSpecification" in d),
}
