"""`alchemesh access request`: an AccessAgreement (status `requested`) in the provider product's `agreements/` folder —
where its owning team reviews it (CODEOWNERS) — and, when the consumer product has none yet, the input port that
reads the port, added to its file as text (its comments and layout kept)."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from alchemesh.errors import UsageError
from alchemesh.hints import did_you_mean
from alchemesh.load.modules import read_module, source_kinds
from alchemesh.load.yamlfile import compose
from alchemesh.model.interface import is_local_source
from alchemesh.model.resources import API_VERSION, SEMVER_PATTERN, to_name
from alchemesh.scaffold.create import check_name
from alchemesh.repofiles import read_repo_file
from alchemesh.resolve.graph import parse_port_ref
from alchemesh.resolve.index import MeshIndex
from alchemesh.workspace import write_atomic


@dataclass(frozen=True)
class Requested:
    agreement: Path
    input_port: str
    product_file: Path | None  # the consumer's file, when the input port was added to it


def request_access(index: MeshIndex, port: str, consumer: str, purpose: str, until: datetime.date | None,
                   today: datetime.date, input_port: str | None = None) -> Requested:
    ref = parse_port_ref(port, "")
    provider = index.products.get(ref.product_id)
    if provider is None or ref.port not in {p.name for p in provider.resource.spec.outputPorts} or not ref.domain:
        ports = [f"{pid}/{p.name}" for pid, e in index.products.items() for p in e.resource.spec.outputPorts]
        hint = did_you_mean(port, ports)
        raise UsageError(f"no output port `{port}` (domain/product/port)" + (f"; {hint}" if hint else ""))
    reader = index.products.get(consumer)
    if reader is None:
        hint = did_you_mean(consumer, index.products)
        raise UsageError(f"no data product `{consumer}` (domain/product)" + (f"; {hint}" if hint else ""))
    if not purpose.strip():
        raise UsageError("--purpose says why the data is needed: it cannot be empty")
    if until is not None and until < today:
        raise UsageError(f"--until {until} is in the past")
    spec = reader.resource.spec
    reading = [p for p in spec.inputPorts if p.source.outputPort
               and str(parse_port_ref(p.source.outputPort, spec.domain)) == str(ref)]
    if input_port is None:
        input_port = reading[0].name if reading else ref.port
    check_name(input_port, "input port")
    named = next((p for p in spec.inputPorts if p.name == input_port), None)
    if named is not None and named not in reading:
        raise UsageError(f"{consumer} already has an input port `{input_port}` reading something else: "
                         "name another with --input-port")
    folder = Path(provider.file).parent / "agreements"
    name = to_name(f"{ref.port}-for-{consumer.replace('/', '-')}")
    path = folder / f"{consumer.replace('/', '-')}-{ref.port}.yaml"
    root = index.repo.root
    if (root / path).exists() or name in index.agreements:
        raise UsageError(f"an agreement is already there: {path}")
    port_spec = next(p for p in provider.resource.spec.outputPorts if p.name == ref.port)
    contract = index.contracts.get(port_spec.contract) if port_spec.contract else None
    version = contract.resource.version if contract is not None else None
    body = {"provider": {"outputPort": str(ref), **({"contractVersion": version} if version
                                                    and re.fullmatch(SEMVER_PATTERN, version) else {})},
            "consumer": {"product": consumer, "inputPort": input_port}, "purpose": " ".join(purpose.split()),
            "status": "requested", "start": today.isoformat(), **({"end": until.isoformat()} if until else {})}
    document = {"apiVersion": API_VERSION, "kind": "AccessAgreement", "metadata": {"name": name}, "spec": body}
    text = None
    if named is None:
        text = _with_input_port(read_repo_file(root, reader.file).decode("utf-8"), reader.file, input_port,
                                _component(index, root), str(ref))
    (root / folder).mkdir(parents=True, exist_ok=True)
    write_atomic(root / path, (_HEADER + yaml.safe_dump(document, sort_keys=False, allow_unicode=True,
                                                        width=120)).encode())
    added = None
    if text is not None:
        added = root / reader.file
        write_atomic(added, text.encode())
    return Requested(root / path, input_port, added)


_HEADER = ("# Requested with `alchemesh access request`: the owning team of the port approves it in review\n"
           "# (status: approved, approvedBy), or rejects it.\n")


def _component(index: MeshIndex, root: Path) -> str:
    """The input-port component that reads another product's port (its module reads `upstream_port` or
    `upstream_location`), the first by name."""
    candidates = sorted(n for n, c in index.components.items() if c.type == "input-port")
    for name in candidates:
        source = index.components[name].source
        module = read_module(root / source) if is_local_source(source) and (root / source).is_dir() else None
        kinds = source_kinds(module)
        if kinds is None or "outputPort" in kinds:
            return name
    raise UsageError("no input-port component of the Mesh reads another product's port: add one to the registry")


def _with_input_port(text: str, file: str, name: str, component: str, ref: str) -> str:
    """The product file with one more input port, placed after the last one (or before `outputPorts`)."""
    nodes = compose(file, text.encode("utf-8"))
    product = next((n for n in nodes if _value(n, "kind") == "DataProduct"), None)
    spec = _child(product, "spec") if product is not None else None
    if spec is None or not hasattr(spec, "value") or spec.flow_style:
        raise UsageError(f"{file}: cannot add the input port to it (no block `spec:`): add it by hand")
    lines = text.splitlines(keepends=True)
    inputs = _child(spec, "inputPorts")
    if inputs is not None and getattr(inputs, "value", None) and not inputs.flow_style:
        dash = inputs.value[0].start_mark.column - 2
        at = inputs.end_mark.line  # where the next key starts (or the end of the file)
        pad = " " * dash
        block = [f"{pad}- name: {name}\n", f"{pad}  component: {component}\n", f"{pad}  source: {{outputPort: {ref}}}\n"]
    else:
        if inputs is not None:
            raise UsageError(f"{file}: its `inputPorts` is not a block list: add the input port by hand")
        key = spec.value[0][0]
        pad = " " * key.start_mark.column
        outputs = next((k for k, _ in spec.value if k.value == "outputPorts"), None)
        at = outputs.start_mark.line if outputs is not None else spec.end_mark.line
        block = [f"{pad}inputPorts:\n", f"{pad}  - name: {name}\n", f"{pad}    component: {component}\n",
                 f"{pad}    source: {{outputPort: {ref}}}\n"]
    return "".join(lines[:at] + block + lines[at:])


def _child(node, key: str):
    for k, v in getattr(node, "value", ()) if isinstance(getattr(node, "value", None), list) else ():
        if getattr(k, "value", None) == key:
            return v
    return None


def _value(node, key: str) -> str | None:
    found = _child(node, key)
    return getattr(found, "value", None) if found is not None else None
