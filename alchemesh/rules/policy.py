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

Fix:
    Change the resource so that it satisfies the policy, or ask its owners about an exception.
"""

from collections.abc import Iterator
from fnmatch import fnmatchcase

from alchemesh.findings import Finding, Severity
from alchemesh.model.resources import Policy
from alchemesh.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    mesh = ctx.index.mesh
    if mesh is None or not mesh.resource.spec.policies:
        return
    import jsonschema_rs

    for i, policy in enumerate(mesh.resource.spec.policies):
        try:
            validator = jsonschema_rs.validator_for(policy.schema_)
        except (jsonschema_rs.ValidationError, ValueError) as error:
            path = ("spec", "policies", i, "schema", *getattr(error, "instance_path", ()))
            message = str(getattr(error, "message", error)).splitlines()[0]
            yield ctx.finding(RULE, mesh.doc, path, f"policy `{policy.id}` has an invalid JSON Schema: {message}",
                              severity=Severity.ERROR, policy=policy.id)
            continue
        for kind, doc in ctx.index.repo.resource_docs:
            if not _matches(policy, kind, doc.data):
                continue
            for error in validator.iter_errors(doc.data):
                yield ctx.finding(RULE, doc, tuple(error.instance_path), f"{policy.message} ({error.message})",
                                  severity=Severity(policy.severity), hint=f"policy `{policy.id}`", policy=policy.id)


def _matches(policy: Policy, kind: str, data: dict) -> bool:
    match = policy.match
    if match.kind is not None and match.kind != kind:
        return False
    metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
    name = data.get("id") if kind == "DataContract" else metadata.get("name")
    if match.name is not None and not (isinstance(name, str) and fnmatchcase(name, match.name)):
        return False
    if match.domain is not None:
        spec = data.get("spec") if isinstance(data.get("spec"), dict) else {}
        if kind != "DataProduct" or spec.get("domain") != match.domain:
            return False
    labels = metadata.get("labels") if isinstance(metadata.get("labels"), dict) else {}
    return all(labels.get(k) == v for k, v in match.labels.items())


RULE = Rule("policy", Severity.ERROR, __doc__, check)
