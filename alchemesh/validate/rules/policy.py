"""A Mesh policy's JSON Schema fails on a resource it matches (federated computational governance).

Why:
    Policies are the platform's global rules written as data: every resource they match must
    satisfy their schema. The finding carries the policy id and the severity the policy declares.

Example:
    policies:
      - id: gold-products-are-described
        severity: error
        message: Gold data products need a description
        match: {kind: DataProduct, labels: {tier: gold}}
        schema: {properties: {metadata: {required: [description]}}}

    A policy's schema is self-contained: a `$ref` may point inside it (`#/$defs/…`) and nowhere
    else, so that a pull request editing `alchemesh.yaml` cannot make validation read a local file
    (and print it in a finding) or open a network connection. Any other reference is a finding.

Fix:
    Change the resource so that it satisfies the policy, or ask its owners about an exception.
"""

from collections.abc import Iterator
from fnmatch import fnmatchcase
from typing import Any, NoReturn

from alchemesh.findings import Finding, Severity
from alchemesh.model.resources import Policy
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    mesh = ctx.index.mesh
    if mesh is None or not mesh.resource.spec.policies:
        return
    import jsonschema_rs

    for i, policy in enumerate(mesh.resource.spec.policies):
        outside = next(_outside_references(policy.schema_, ()), None)
        if outside is not None:
            path, ref = outside
            yield ctx.finding(RULE, mesh.doc, ("spec", "policies", i, "schema", *path),
                              f"policy `{policy.id}`: `{path[-1]}: {ref}` points outside the policy's schema; "
                              "it is never read", severity=Severity.ERROR, policy=policy.id,
                              hint="a policy's references stay inside its own schema: `#/$defs/NAME`")
            continue
        try:
            validator = jsonschema_rs.validator_for(policy.schema_, retriever=_refuse)
        except (jsonschema_rs.ValidationError, ValueError) as invalid:
            path = ("spec", "policies", i, "schema", *getattr(invalid, "instance_path", ()))
            message = str(getattr(invalid, "message", invalid)).splitlines()[0]
            yield ctx.finding(RULE, mesh.doc, path, f"policy `{policy.id}` has an invalid JSON Schema: {message}",
                              severity=Severity.ERROR, policy=policy.id)
            continue
        for kind, doc in ctx.index.repo.resource_docs:
            if not _matches(policy, kind, doc.data):
                continue
            for error in validator.iter_errors(doc.data):
                yield ctx.finding(RULE, doc, tuple(error.instance_path), f"{policy.message} ({error.message})",
                                  severity=Severity(policy.severity), hint=f"policy `{policy.id}`", policy=policy.id)


_REFERENCES = ("$ref", "$dynamicRef", "$recursiveRef")


def _outside_references(schema: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], str]]:
    """(path, value) of every reference that does not point inside this schema (`#…`)."""
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key in _REFERENCES and not (isinstance(value, str) and value.startswith("#")):
                yield (*path, key), str(value)[:200]
            elif key not in ("const", "enum", "default", "examples"):  # data, not schemas
                yield from _outside_references(value, (*path, key))
    elif isinstance(schema, list):
        for i, item in enumerate(schema):
            yield from _outside_references(item, (*path, i))


def _refuse(uri: str) -> NoReturn:
    raise ValueError(f"{uri[:200]} is outside the policy's schema: never read")


def _matches(policy: Policy, kind: str, data: dict[str, Any]) -> bool:
    match = policy.match
    if match.kind is not None and match.kind != kind:
        return False
    metadata = _object(data.get("metadata"))
    name = data.get("id") if kind == "DataContract" else metadata.get("name")
    if match.name is not None and not (isinstance(name, str) and fnmatchcase(name, match.name)):
        return False
    if match.domain is not None:
        spec = _object(data.get("spec"))
        if kind != "DataProduct" or spec.get("domain") != match.domain:
            return False
    labels = _object(metadata.get("labels"))
    return all(labels.get(k) == v for k, v in match.labels.items())


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


RULE = Rule("policy", Severity.ERROR, __doc__, check)
