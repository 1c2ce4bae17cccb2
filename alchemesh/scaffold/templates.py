"""The text of every scaffolded file. Plain templates keep comments and layout as a person would write them."""

from __future__ import annotations


# `init` copies the local components that ship with alchemesh into the new mesh: it runs offline, and the team
# owns (and may change) its platform. Point a component at a git ref or a registry later by its `source`.
SOURCE = "./components/local/{module}"

MESH = """\
apiVersion: alchemesh.io/v1alpha1
kind: Mesh
metadata:
  name: {mesh}
  description: The {mesh} data mesh.
spec:
  environments: [dev, prod]
  terraform:
    requiredVersion: ">= 1.0"
    backend:
      type: local
      config: {{path: "{{root}}/.alchemesh/state/{{env}}/{{domain}}/{{product}}.tfstate"}}
  components:
    local-landing:
      type: input-port
      source: {landing}
    local-duckdb-attach:
      type: input-port
      source: {attach}
    local-duckdb:
      type: output-port
      source: {duckdb}
      engine: duckdb  # `alchemesh test` reads the port's data from the DuckDB file at its `location`
    local-sql:
      type: code
      source: {sql}
  compatibility: consumer
  rules:
    port-without-contract: error
  policies:
    - id: products-are-described
      severity: warning
      message: Data products need a description
      match: {{kind: DataProduct}}
      schema: {{properties: {{metadata: {{required: [description]}}}}}}
  exclude: [".alchemesh/**", "components/**"]
"""

TEAM = """\
apiVersion: alchemesh.io/v1alpha1
kind: Team
metadata:
  name: {team}
  description: Owns the {domain} domain.
spec:
  displayName: {display}
  contacts:
    - {{type: email, value: {team}@example.com}}
  members:
    - {{name: you, role: owner}}
"""

DOMAIN = """\
apiVersion: alchemesh.io/v1alpha1
kind: Domain
metadata:
  name: {domain}
  description: The {domain} domain.
spec:
  owner: {team}
  type: source-aligned
"""

PRODUCT_HEAD = """\
apiVersion: alchemesh.io/v1alpha1
kind: DataProduct
metadata:
  name: {name}
  description: Describe what {name} holds, one sentence.
spec:
  domain: {domain}
  owner: {owner}
  version: 0.1.0
  status: draft
"""

INPUT_PORT = """\
  inputPorts:
    - name: landing
      component: {component}
      source: {{system: {system}}}       # its files land in data/{system}/
"""

OUTPUT_PORT = """\
  outputPorts:
    - name: {name}
      component: {component}
      contract: {contract}
      version: 0
      visibility: public
"""

CODE = """\
  code:
    - name: build-{name}
      component: {component}
"""

CODE_SQL = """\
  code:
    - name: build-{name}
      component: {component}
      config: {{sql_file: transform/{table}.sql}}
"""

SQL = """\
-- Build the `{table}` table of the output port `{name}` from the files that land in data/{system}/.
--
-- Runs inside the port's DuckDB database; the input port `landing` shows each file there as a view,
-- `landing.{table}` for data/{system}/{table}.csv. Full refresh on every run: replace with your logic.

DELETE FROM {table};

INSERT INTO {table} (id, created_at)
SELECT trim(id), CAST(created_at AS TIMESTAMP)
FROM landing.{table}
WHERE id IS NOT NULL;
"""

SAMPLE_DATA = """\
id,created_at
example-1,2026-01-01 09:00:00
example-2,2026-01-02 17:30:00
"""

CONTRACT = """\
apiVersion: v3.1.0
kind: DataContract
id: {contract}
name: {name}
version: 0.1.0
status: draft
domain: {domain}
dataProduct: {name}
description:
  purpose: Describe why {name} exists and who should use it.
schema:
  - name: {table}
    physicalType: table
    description: One row per {name} record.
    properties:
      - name: id
        logicalType: string
        physicalType: VARCHAR
        required: true
        unique: true
        primaryKey: true
        description: Unique identifier of the record.
      - name: created_at
        logicalType: timestamp
        physicalType: TIMESTAMP
        required: true
        description: When the record was created.
"""

PRE_COMMIT = """\
# Validates the mesh on every commit with the alchemesh installed where you commit (`alchemesh --version`:
# this mesh was made with {version}). To let pre-commit install it instead, replace this repo with the one
# alchemesh is published from: `- repo: <its git URL>`, `rev: v{version}`, `hooks: [{{id: alchemesh-validate}}]`.
repos:
  - repo: local
    hooks:
      - id: alchemesh-validate
        name: alchemesh validate
        entry: alchemesh validate
        language: system
        pass_filenames: false  # the whole mesh: a change in one file can break a reference in another
        files: \\.(ya?ml|tf|sql)$  # the specs, the local modules, the SQL they run
"""

# The composite action the workflows install alchemesh with, and the GitHub Actions workflows: files of the package
# (`workflows/`), so that the repository's CI lints them as the YAML they are. `{version}` is the one placeholder.
def workflow_files() -> dict[str, str]:
    """`.github/…` path in a new mesh → the file's text, `{version}` not yet replaced."""
    from importlib import resources

    folder = resources.files("alchemesh.scaffold") / "workflows"
    files = {".github/actions/alchemesh/action.yml": (folder / "action.yml").read_text(encoding="utf-8")}
    for name in WORKFLOWS:
        files[f".github/workflows/{name}"] = (folder / name).read_text(encoding="utf-8")
    return files


WORKFLOWS = ("alchemesh-pr.yml", "alchemesh-apply.yml", "alchemesh-drift.yml", "alchemesh-test.yml")

GITIGNORE = """\
# alchemesh build output, state and cache
.alchemesh/
"""
