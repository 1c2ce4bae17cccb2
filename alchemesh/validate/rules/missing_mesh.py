"""No `Mesh` resource in the repo, or more than one.

Why:
    The Mesh holds the component registry, environments, rule settings and policies; without exactly
    one, component references cannot resolve and settings would be ambiguous.

Example:
    # a repo whose root has no alchemesh.yaml

Fix:
    Keep one `kind: Mesh` document, in `alchemesh.yaml` at the repo root (`alchemesh init` writes one).
"""

from collections.abc import Iterator

from alchemesh.load.discovery import MESH_FILE
from alchemesh.findings import Finding, Severity
from alchemesh.validate.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    repo = ctx.index.repo
    docs = [doc for kind, doc in repo.resource_docs if kind == "Mesh"]
    if not docs:
        if not any(r.file == MESH_FILE and r.findings for r in repo.records):  # unreadable: yaml-syntax says so
            yield Finding(RULE.name, RULE.severity, f"no Mesh resource: `{MESH_FILE}` at the repo root must declare one",
                          MESH_FILE, 1, 1, hint="`alchemesh init` scaffolds one")
        return
    first_at_root = next((doc for doc in docs if doc.file == MESH_FILE), None)
    for doc in docs:
        if doc is first_at_root:
            continue
        if doc.file != MESH_FILE:
            message = f"a Mesh outside `{MESH_FILE}`: the Mesh must live in `{MESH_FILE}` at the repo root"
        else:
            message = "more than one Mesh resource"
        yield ctx.finding(RULE, doc, ("kind",), message, hint=f"keep one Mesh, in `{MESH_FILE}`")


RULE = Rule("missing-mesh", Severity.ERROR, __doc__, check)
