"""Build the stacks of one environment as Terraform JSON: one per data product, one per domain with
infrastructure, one for the mesh's infrastructure. Pure: it reads the analysed mesh, writes nothing."""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from alchemesh.compile.escape import Expression, literal
from alchemesh.compile.manifest import port_module, state_name
from alchemesh.model.interface import config_key_problem, is_local_source
from alchemesh.errors import AlchemeshError
from alchemesh.clock import today
from alchemesh.resolve.access import granted_consumers
from alchemesh.resolve.graph import MeshGraph, PortRef, parse_port_ref
from alchemesh.resolve.index import product_id
from alchemesh.load.repo import Entry
from alchemesh.model.contract import Contract, Property
from alchemesh.model.resources import Component, ComponentEntry, DataProduct, MeshSpec

MESH_STACK = "_mesh"
DOMAIN_STACK = "_domain"
_SECRET = re.compile(r"(credential|secret|password|token|private_key|access_key)", re.IGNORECASE)


class CompileError(AlchemeshError):
    """The mesh is valid but cannot become Terraform (a secret in a provider block, a clashing name)."""


@dataclass(frozen=True, slots=True)
class Stack:
    key: str  # "sales/orders", "sales/_domain" or "_mesh"
    kind: str  # product | domain | mesh
    content: dict[str, Any]
    depends_on: tuple[str, ...]

    @property
    def path(self) -> PurePosixPath:
        return PurePosixPath(self.key) / "main.tf.json"


@dataclass(frozen=True)
class Target:
    """Where and for what the stacks are built."""

    root: Path  # the mesh repo root
    out: Path  # the environment's build directory
    environment: str


def build_stacks(graph: MeshGraph, target: Target) -> list[Stack]:
    index = graph.index
    if index.mesh is None:
        raise CompileError("no Mesh: run `alchemesh validate`")
    spec = index.mesh.resource.spec
    if target.environment not in spec.environments:
        raise CompileError(f"no environment `{target.environment}` in the Mesh (it has {', '.join(spec.environments)})")
    _refuse_credentials(spec, target.environment)
    builder = _Builder(graph, target, spec, index.mesh.resource.name)
    stacks = []
    if spec.infrastructure:
        stacks.append(builder.infrastructure_stack(MESH_STACK, "", spec.infrastructure, (), index.mesh.file))
    for name, entry in sorted(index.domains.items()):
        if entry.resource.spec.infrastructure:
            depends = (MESH_STACK,) if spec.infrastructure else ()
            stacks.append(builder.infrastructure_stack(f"{name}/{DOMAIN_STACK}", name,
                                                       entry.resource.spec.infrastructure, depends, entry.file))
    for pid in sorted(index.products):
        stacks.append(builder.product_stack(index.products[pid]))
    _require_a_state_per_stack(stacks, target)
    return stacks


_URL_PASSWORD = re.compile(r"://[^/@\s:]*:[^/@\s]+@")
_CREDENTIAL_VARIABLES = {"pg": "PG_CONN_STR (or PGPASSWORD)", "s3": "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY",
                         "gcs": "GOOGLE_CREDENTIALS (or GOOGLE_APPLICATION_CREDENTIALS)",
                         "azurerm": "ARM_ACCESS_KEY (or ARM_CLIENT_SECRET)"}


def _refuse_credentials(spec: MeshSpec, environment: str) -> None:
    """A credential in the specs would be copied into every stack and every consumer's remote-state read: it
    belongs in the environment of the run."""
    settings = spec.terraform
    backend = settings.backends.get(environment, settings.backend)
    if backend is not None:
        for key, value in _leaves(backend.config):
            if _holds_secret(key, value) or (isinstance(value, str) and _URL_PASSWORD.search(value)):
                where = f"`{key}`" + (" holds a password in a URL" if not _holds_secret(key, value) else "")
                variable = _CREDENTIAL_VARIABLES.get(backend.type, "the backend's own environment variable")
                raise CompileError(f"the {backend.type} backend for environment `{environment}` sets {where}: "
                                   f"credentials come from the environment of the run ({variable}), never from the specs")
    for provider, block in settings.providers.get(environment, {}).items():
        for key, value in _leaves(block):
            if _holds_secret(key, value):
                raise CompileError(f"provider `{provider}` for environment `{environment}` sets `{key}`: credentials "
                                   "belong in the environment of the Terraform run, never in the specs or the build")
            if isinstance(value, str) and _URL_PASSWORD.search(value):
                raise CompileError(f"provider `{provider}` for environment `{environment}` has a password in the URL "
                                   f"of `{key}`: credentials belong in the environment of the Terraform run")


def _holds_secret(key: str, value: Any) -> bool:
    """A secret-like key with a text value: `secret_key: …` is one; `skip_credentials_validation: true` or
    `shared_credentials_files: [~/.aws/credentials]` (a flag, a file to read) are not."""
    return (isinstance(value, str) and bool(_SECRET.search(key))
            and not key.startswith(("skip_", "use_")) and not key.endswith(("_file", "_files", "_path", "_validation")))


def _leaves(value: Any, key: str = "") -> list[tuple[str, Any]]:
    """(key, value) of every scalar in a nested config, with the key it sits under."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, str(k))]
    if isinstance(value, list):
        return [leaf for v in value for leaf in _leaves(v, key)]
    return [(key, value)]


def _require_a_state_per_stack(stacks: list[Stack], target: Target) -> None:
    """Two stacks on one state would destroy each other's resources on every apply."""
    seen: dict[str, str] = {}
    for stack in stacks:
        backend = stack.content["terraform"].get("backend")
        if not backend:
            continue
        (kind, config), = backend.items()
        config = dict(config)
        if kind == "local" and isinstance(config.get("path"), str):  # the file it names, whatever the stack's depth
            config["path"] = os.path.normpath(target.out / stack.key / config["path"])
        identity = json.dumps([kind, config], sort_keys=True)
        if identity in seen:
            raise CompileError(f"the backend gives {seen[identity]} and {stack.key} the same state in `{target.environment}`: "
                               "make it differ per stack, with {domain} and {product} in a key, path or prefix")
        seen[identity] = stack.key

class _Builder:
    def __init__(self, graph: MeshGraph, target: Target, spec: MeshSpec, mesh_name: str):
        self.graph, self.target, self.spec, self.mesh = graph, target, spec, mesh_name
        self.today = today()  # whose agreements grant access: `ALCHEMESH_TODAY` or the clock
        self.infrastructure_stacks = {"": bool(spec.infrastructure)} | {
            name: bool(e.resource.spec.infrastructure) for name, e in graph.index.domains.items()
        }

    # --- stacks -----------------------------------------------------------------------------------

    def infrastructure_stack(self, key: str, domain: str, entries: list[ComponentEntry], depends: tuple[Any, ...],
                             spec_file: str) -> Stack:
        content = self._skeleton(key, domain or MESH_STACK, DOMAIN_STACK if domain else MESH_STACK)
        if depends:
            self._remote_state(content, "mesh", MESH_STACK, MESH_STACK, {"infrastructure": {}}, key)
        modules = {}
        for entry in entries:
            labels = {"mesh": self.mesh, "environment": self.target.environment, "domain": domain or "mesh"}
            args = {"domain": domain, "name": entry.name}
            infrastructure = Expression("${data.terraform_remote_state.mesh.outputs.infrastructure}") if depends else {}
            modules[f"infrastructure_{entry.name}"] = self._module(key, entry.component, "infrastructure", labels,
                                                                  args, entry.config, infrastructure, spec_file)
        content["module"] = modules
        content["output"] = {"infrastructure": {"value": {
            e.name: f"${{module.infrastructure_{e.name}}}" for e in entries
        }}}
        return Stack(key, "domain" if domain else "mesh", content, depends)

    def product_stack(self, entry: Entry[DataProduct]) -> Stack:
        product = entry.resource
        spec, domain, pid = product.spec, product.spec.domain, product_id(entry)
        content = self._skeleton(pid, domain, product.name)
        depends = self._infrastructure_reads(content, domain, pid)
        labels = {**product.metadata.labels, "mesh": self.mesh, "environment": self.target.environment,
                  "domain": domain, "product": product.name}
        infrastructure = self._infrastructure_expression(domain)
        modules: dict[str, Any] = {}
        producers = set()
        args: dict[str, Any]
        for port in spec.inputPorts:
            args = {"domain": domain, "product": product.name, "port": port.name,
                    "source_system": port.source.system, "upstream_port": None, "upstream_location": None}
            if port.source.outputPort:
                ref = parse_port_ref(port.source.outputPort, domain)
                producers.add(ref.product_id)
                state = state_name(ref.product_id)
                args["upstream_port"] = str(ref)
                args["upstream_location"] = Expression(
                    f'${{try(data.terraform_remote_state.{state}.outputs.output_ports["{ref.port}"].location, "")}}')
            modules[f"input_{port.name}"] = self._module(pid, port.component, "input-port", {**labels, "port": port.name},
                                                        args, port.config, infrastructure, entry.file)
        for output in spec.outputPorts:
            args = {"domain": domain, "product": product.name, "port": output.name, "visibility": output.visibility,
                    "contract": self._contract(output.contract),
                    "consumers": granted_consumers(self.graph.index, self.graph, PortRef(domain, product.name,
                                                                                         output.name), self.today)}
            modules[port_module(output.name)] = self._module(pid, output.component, "output-port",
                                                         {**labels, "port": output.name}, args, output.config, infrastructure,
                                                         entry.file)
        for code in spec.code:
            args = {"domain": domain, "product": product.name, "name": code.name,
                    "inputs": {p.name: Expression(f"${{module.input_{p.name}.location}}") for p in spec.inputPorts},
                    "outputs": {p.name: Expression(f"${{module.{port_module(p.name)}.location}}") for p in spec.outputPorts}}
            modules[f"code_{code.name}"] = self._module(pid, code.component, "code", labels, args, code.config,
                                                       infrastructure, entry.file)
        for producer in sorted(producers):
            pdomain, pname = producer.split("/", 1)
            self._remote_state(content, state_name(producer), pdomain, pname, {"output_ports": {}}, pid)
        if modules:
            content["module"] = modules
        content["output"] = {"output_ports": {"value": {
            p.name: {"location": f"${{module.{port_module(p.name)}.location}}"} for p in spec.outputPorts
        }}}
        return Stack(pid, "product", content, tuple(sorted({*depends, *producers})))

    # --- pieces -----------------------------------------------------------------------------------

    def _skeleton(self, key: str, domain: str, product: str) -> dict[str, Any]:
        terraform: dict[str, Any] = {"required_version": literal(self.spec.terraform.requiredVersion)}
        required = self.spec.terraform.requiredProviders
        if required:
            terraform["required_providers"] = literal({
                name: {"source": p.source, **({"version": p.version} if p.version else {})}
                for name, p in sorted(required.items())})
        backend = self._backend_config(domain, product, key)
        if backend is not None:
            terraform["backend"] = {backend[0]: backend[1]}
        content: dict[str, Any] = {"terraform": terraform}
        providers = self._providers()
        if providers:
            content["provider"] = providers
        return content

    def _relative(self, stack_key: str, path: Path) -> str:
        """`path` as seen from the stack's folder: relative, so the build is the same in any checkout."""
        return os.path.relpath(path, self.target.out / stack_key).replace(os.sep, "/")

    def _backend_config(self, domain: str, product: str, from_key: str) -> tuple[str, dict[str, Any]] | None:
        """The backend of the stack of `domain`/`product`, as the stack `from_key` (itself, or a consumer) sees it."""
        settings = self.spec.terraform
        backend = settings.backends.get(self.target.environment, settings.backend)
        if backend is None:
            return None
        values = {"{root}": self._relative(from_key, self.target.root), "{env}": self.target.environment,
                  "{domain}": domain, "{product}": product}

        def substitute(value: Any) -> Any:
            if isinstance(value, str):
                for placeholder, replacement in values.items():
                    value = value.replace(placeholder, replacement)
                return value
            if isinstance(value, dict):
                return {k: substitute(v) for k, v in value.items()}
            if isinstance(value, list):
                return [substitute(v) for v in value]
            return value

        return backend.type, literal(substitute(backend.config))

    def _providers(self) -> dict[str, Any]:
        blocks = self.spec.terraform.providers.get(self.target.environment, {})  # credentials refused before
        providers: dict[str, Any] = literal({name: blocks[name] for name in sorted(blocks)})
        return providers

    def _remote_state(self, content: dict[str, Any], name: str, domain: str, product: str, defaults: dict[str, Any],
                      from_key: str) -> None:
        backend = self._backend_config(domain, product, from_key)
        if backend is None:
            backend_type = "local"
            state = self.target.out / PurePosixPath(_stack_key(domain, product)) / "terraform.tfstate"
            config = {"path": literal(self._relative(from_key, state))}
        else:
            backend_type, config = backend
        states = content.setdefault("data", {}).setdefault("terraform_remote_state", {})
        states[name] = {"backend": backend_type, "config": config, "defaults": defaults}

    def _infrastructure_reads(self, content: dict[str, Any], domain: str, key: str) -> tuple[str, ...]:
        depends = []
        if self.infrastructure_stacks.get(""):
            self._remote_state(content, "mesh", MESH_STACK, MESH_STACK, {"infrastructure": {}}, key)
            depends.append(MESH_STACK)
        if self.infrastructure_stacks.get(domain):
            self._remote_state(content, "domain", domain, DOMAIN_STACK, {"infrastructure": {}}, key)
            depends.append(f"{domain}/{DOMAIN_STACK}")
        return tuple(depends)

    def _infrastructure_expression(self, domain: str) -> Any:
        parts = []
        if self.infrastructure_stacks.get(""):
            parts.append("data.terraform_remote_state.mesh.outputs.infrastructure")
        if self.infrastructure_stacks.get(domain):
            parts.append("data.terraform_remote_state.domain.outputs.infrastructure")
        if not parts:
            return {}
        return Expression(f"${{{parts[0]}}}" if len(parts) == 1 else f"${{merge({', '.join(parts)})}}")

    def _module(self, stack_key: str, component_name: str, kind: str, labels: dict[str, Any], args: dict[str, Any], config: dict[str, Any],
                infrastructure: Any, spec_file: str) -> dict[str, Any]:
        component = self.spec.components.get(component_name)
        if component is None:
            raise CompileError(f"component `{component_name}` is not in the Mesh registry: run `alchemesh validate`")
        problems = [problem for key in sorted(config) if (problem := config_key_problem(kind, key))]
        if problems:
            raise CompileError(f"{stack_key}: {problems[0]}: run `alchemesh validate`")
        block: dict[str, Any] = {"source": self._source(component, stack_key)}
        if component.version:
            block["version"] = literal(component.version)
        block["mesh"] = literal(self.mesh)
        block["environment"] = self.target.environment
        block["labels"] = literal(labels)
        block["infrastructure"] = literal(infrastructure)
        block["spec_dir"] = literal(self._relative(stack_key, (self.target.root / spec_file).parent))
        for name, value in args.items():
            block[name] = literal(value)
        block.update(literal(config))
        return block

    def _source(self, component: Component, stack_key: str) -> str:
        if not is_local_source(component.source):
            return str(literal(component.source))
        return self._local_source(component.source, stack_key.count("/"))

    @functools.cache  # noqa: B019 -- one compile's stacks object: the cache lives as long as it does
    def _local_source(self, source: str, depth: int) -> str:
        """A local module's path from a stack `depth` + 1 folders below the build directory."""
        module_dir = os.path.abspath(self.target.root / source)  # links stay as the user made them
        stack_dir = os.path.join(self.target.out, *(["x"] * (depth + 1)))
        relative = os.path.relpath(module_dir, stack_dir).replace(os.sep, "/")
        return str(literal(relative if relative.startswith("../") else f"./{relative}"))

    def _contract(self, contract_id: str | None) -> Any:
        entry = self.graph.index.contracts.get(contract_id) if contract_id else None
        if entry is None:
            return None
        contract: Contract = entry.resource
        return {
            "id": contract.id,
            "version": contract.version,
            "objects": [
                {
                    "name": obj.name,
                    "physical_name": obj.physical_name or obj.name,
                    "description": obj.description,
                    "properties": [_property(p) for p in obj.properties],
                }
                for obj in contract.objects
            ],
        }


def _property(prop: Property) -> dict[str, Any]:
    return {
        "name": prop.name,
        "logical_type": prop.logical_type,
        "physical_type": prop.physical_type,
        "required": prop.required,
        "unique": prop.unique,
        "primary_key": prop.primary_key,
        "description": prop.description,
        "classification": prop.classification if isinstance(prop.classification, str) else None,
    }



def _stack_key(domain: str, product: str) -> str:
    return MESH_STACK if domain == MESH_STACK else f"{domain}/{product}"
