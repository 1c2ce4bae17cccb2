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

from alchemesh.discovery import MESH_FILE
from alchemesh.findings import Finding, Severity
from alchemesh.rules.base import Context, Rule


def check(ctx: Context) -> Iterator[Finding]:
    meshes = ctx.index.repo.meshes
    if not meshes:
        yield Finding(RULE.name, RULE.severity, f"no Mesh resource: `{MESH_FILE}` at the repo root must declare one",
                      MESH_FILE, 1, 1, hint="`alchemesh init` scaffolds one")
        return
    chosen = ctx.index.mesh
    for entry in meshes:
        if entry is chosen and entry.file == MESH_FILE:
            continue
        where = "more than one Mesh resource" if entry is not chosen else f"the Mesh must live in `{MESH_FILE}` at the repo root"
        yield ctx.finding(RULE, entry.doc, ("kind",), where, hint=f"keep the Mesh in `{MESH_FILE}`")


RULE = Rule("missing-mesh", Severity.ERROR, __doc__, check)
