"""The text of every scaffolded file. Plain templates keep comments and layout as a person would write them."""

from __future__ import annotations

from alchemesh import __version__

SOURCE = "git::https://github.com/alchemesh/alchemesh.git//components/local/{module}?ref=v" + __version__

MESH = """\
# yaml-language-server: $schema=https://alchemesh.io/schemas/v1alpha1/mesh.schema.json
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
  exclude: [".alchemesh/**"]
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
    - name: {name}-source
      component: {component}
      source: {{system: replace-me}}
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
repos:
  - repo: https://github.com/alchemesh/alchemesh
    rev: v{version}
    hooks:
      - id: alchemesh-validate
"""

WORKFLOW = """\
name: alchemesh
on:
  pull_request:
  push:
    branches: [main]
jobs:
  validate:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install alchemesh=={version}
      - run: alchemesh validate --format github
"""

GITIGNORE = """\
# alchemesh build output, state and cache
.alchemesh/
"""
