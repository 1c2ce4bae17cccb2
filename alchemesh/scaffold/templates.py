"""The text of every scaffolded file. Plain templates keep comments and layout as a person would write them."""

from __future__ import annotations


# `init` copies the local components that ship with alchemesh into the new mesh: it runs offline, and the team
# owns (and may change) its platform. Point a component at a git ref or a registry later by its `source`.
SOURCE = "./components/local/{module}"

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
        files: \\.(ya?ml|tf)$
"""

# The composite action the workflows install alchemesh with: written into the mesh, so that nothing points at
# a repository or a release that may not exist.
ACTION = """\
name: alchemesh
description: Install the alchemesh CLI this mesh runs (written by `alchemesh init` {version}).
inputs:
  requirement:
    description: >-
      What pip installs: `alchemesh[local]==VERSION` from your package index, a wheel URL, or
      `alchemesh[local] @ git+https://GIT-URL@vVERSION`. The workflows pass the repository variable
      ALCHEMESH_REQUIREMENT (Settings → Secrets and variables → Actions → Variables).
    default: ""
  python-version:
    description: The Python to install alchemesh on.
    default: "3.12"
runs:
  using: composite
  steps:
    - uses: actions/setup-python@v5
      with:
        python-version: ${{ inputs.python-version }}
    - name: Install alchemesh
      shell: bash
      env:
        REQUIREMENT: ${{ inputs.requirement }}  # a value, never pasted into the script
      run: |
        if [ -z "$REQUIREMENT" ]; then
          echo "::error::set the repository variable ALCHEMESH_REQUIREMENT to the alchemesh to install (this mesh was made with {version}; the local components need the [local] extra)"
          exit 1
        fi
        python -m pip install "$REQUIREMENT"
        alchemesh --version
"""

# GitHub Actions workflows. They are full of `${{ }}` and JavaScript braces, so they are not
# str.format templates: create.py replaces the one placeholder, {version}, and nothing else.

_SETUP = """\
      # Installs the alchemesh the repository variable ALCHEMESH_REQUIREMENT names (see the action).
      - uses: ./.github/actions/alchemesh
        with:
          requirement: ${{ vars.ALCHEMESH_REQUIREMENT }}
      # After alchemesh: the `local` extra ships a Terraform 1.0 of its own, this one comes first on PATH.
      - uses: hashicorp/setup-terraform@v3
        with:
          terraform_wrapper: false  # alchemesh reads terraform's own output and exit codes
      # Each stack's .terraform (providers, modules, backend) and lock file from the last run: a stack whose
      # backend, providers, module sources and Terraform are those of its last init is not initialised again.
      # Any key is safe (a stale folder is initialised again): this one changes with the specs' pins.
      - uses: actions/cache@v4
        with:
          path: |
            .alchemesh/build/${{ env.MESH_ENV }}/**/.terraform
            .alchemesh/build/${{ env.MESH_ENV }}/**/.terraform.lock.hcl
          key: alchemesh-terraform-${{ runner.os }}-${{ env.MESH_ENV }}-${{ hashFiles('alchemesh.yaml', '.terraform.lock/*.hcl') }}
          restore-keys: alchemesh-terraform-${{ runner.os }}-${{ env.MESH_ENV }}-
      # Cloud credentials: mocked out, the local components need none. For cloud components replace
      # this step with your login, e.g. google-github-actions/auth@v2 (workload_identity_provider,
      # service_account) or aws-actions/configure-aws-credentials@v4, and add `id-token: write`.
      - name: Cloud credentials (placeholder, to fill in)
        run: echo "no cloud credentials configured"
"""

WORKFLOW_PR = """\
# Pull requests: validate the specs, check contract compatibility against the base branch, plan
# the stacks the change affects, and keep one plan comment per environment up to date on the PR.
name: alchemesh-pr
on:
  pull_request:
permissions:
  contents: read
  pull-requests: write  # the plan comment (a pull request from a fork gets a read-only token)
env:
  MESH_ENV: prod  # the environment to plan: one of spec.environments in alchemesh.yaml
jobs:
  plan:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # contracts check and --changed-since read the base branch
""" + _SETUP + """\
      - run: alchemesh validate --format github
      - run: alchemesh contracts check --against origin/${{ github.base_ref }} --format github
      - run: >-
          alchemesh plan --env "$MESH_ENV" --changed-since origin/${{ github.base_ref }}
          --include-dependents --summary plan.md
      # Also when plan failed (exit 1): the comment says which stacks failed and why.
      - name: Comment the plan
        if: always() && hashFiles('plan.md') != ''
        uses: actions/github-script@v7
        with:
          script: |
            const body = require('fs').readFileSync('plan.md', 'utf8');
            // The first line, e.g. <!-- alchemesh:plan:prod -->, finds this job's earlier comment.
            const marker = body.split('\\n', 1)[0];
            if (!marker.startsWith('<!-- alchemesh:')) throw new Error(`plan.md has no alchemesh marker: ${marker}`);
            const pr = { ...context.repo, issue_number: context.issue.number };
            const comments = await github.paginate(github.rest.issues.listComments, pr);
            const previous = comments.find((c) => (c.body || '').startsWith(marker));
            if (previous) {
              await github.rest.issues.updateComment({ ...context.repo, comment_id: previous.id, body });
            } else {
              await github.rest.issues.createComment({ ...pr, body });
            }
"""

_KEEP_LOGS = """\
      - name: Keep the Terraform logs
        if: failure()
        uses: actions/upload-artifact@v4
        with:
          name: alchemesh-logs
          path: .alchemesh/logs
          include-hidden-files: true  # .alchemesh is a dot folder, skipped by default
"""

WORKFLOW_APPLY = """\
# Merges to main: apply every stack, producers before consumers. Terraform state must outlive the
# runner: set spec.terraform.backend in alchemesh.yaml to a remote backend (gcs, s3) first.
name: alchemesh-apply
on:
  push:
    branches: [main]
  workflow_dispatch:
# One apply at a time, and never killed halfway. A newer queued run replaces an older queued one:
# each run applies all of main, so the newest covers both.
concurrency:
  group: alchemesh-apply
  cancel-in-progress: false
permissions:
  contents: read
env:
  MESH_ENV: prod  # the environment to apply: one of spec.environments in alchemesh.yaml
jobs:
  apply:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
        with:
          fetch-depth: 0  # the commit before the push: what it compiled to names the products removed since
""" + _SETUP + """\
      # Products removed by this push: their stacks come from the commit before it, and are destroyed.
      - if: github.event_name == 'push' && github.event.before != '0000000000000000000000000000000000000000'
        run: alchemesh destroy --removed --env "$MESH_ENV" --auto-approve --changed-since "${{ github.event.before }}"
      - run: alchemesh apply --env "$MESH_ENV" --auto-approve
""" + _KEEP_LOGS

WORKFLOW_DRIFT = """\
# Nightly: plan every stack against the real infrastructure. One issue per drifted stack is
# opened or updated, and closed again once a check finds the stack clean.
name: alchemesh-drift
on:
  schedule:
    - cron: "23 4 * * *"  # off the hour: GitHub delays runs scheduled at :00
  workflow_dispatch:
permissions:
  contents: read
  issues: write  # the drift issues
env:
  MESH_ENV: prod  # the environment to check: one of spec.environments in alchemesh.yaml
jobs:
  drift:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
""" + _SETUP + """\
      # A mesh with errors reports findings, not drift: stop here with annotations.
      - run: alchemesh validate --format github
      # Exit 1 means drifted or failed stacks: the next steps report them. Anything else stops here.
      - run: alchemesh drift --env "$MESH_ENV" --format json > drift.json || [ $? -eq 1 ]
      - name: Open, update or close drift issues
        uses: actions/github-script@v7
        with:
          script: |
            const report = JSON.parse(require('fs').readFileSync('drift.json', 'utf8'));
            const label = 'alchemesh-drift';  // created on first use
            const open = await github.paginate(github.rest.issues.listForRepo,
              { ...context.repo, state: 'open', labels: label });
            const issues = new Map(open.filter((i) => !i.pull_request).map((i) => [i.title, i]));
            const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
            for (const s of report.stacks) {
              const title = `alchemesh drift: ${report.environment} ${s.stack}`;
              const issue = issues.get(title);
              if (s.status === 'drifted') {
                const body = `\\`${s.stack}\\` in \\`${report.environment}\\` no longer matches its specs: `
                  + `+${s.add} to add, ~${s.change} to change, -${s.destroy} to destroy, ±${s.replace} to replace.\\n\\n`
                  + `Last seen by ${run}. Apply the specs, or change them to match, and the next check closes this issue.`;
                if (issue) await github.rest.issues.update({ ...context.repo, issue_number: issue.number, body });
                else await github.rest.issues.create({ ...context.repo, title, body, labels: [label] });
              } else if (issue && s.status === 'no-changes') {
                // Only a clean check closes: a failed stack keeps its issue.
                await github.rest.issues.createComment({ ...context.repo, issue_number: issue.number,
                  body: `No drift any more (${run}).` });
                await github.rest.issues.update({ ...context.repo, issue_number: issue.number, state: 'closed' });
              }
            }
      - name: Fail on stacks that could not be checked
        run: jq -e '.summary.failed == 0' drift.json || { echo "::error::failed stacks, see the drift step"; exit 1; }
""" + _KEEP_LOGS

WORKFLOW_TEST = """\
# Nightly: test the data behind every output port against its contract. One issue per failing port is
# opened or updated (what failed, where in the contract, who reads the port), and closed once it passes.
name: alchemesh-test
on:
  schedule:
    - cron: "47 5 * * *"  # after the drift check, off the hour
  workflow_dispatch:
permissions:
  contents: read
  issues: write  # the data test issues
env:
  MESH_ENV: prod  # the environment to test: one of spec.environments in alchemesh.yaml
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
""" + _SETUP + """\
      - run: alchemesh validate --format github
      # Exit 1 means failing ports: the next steps report them. Anything else stops here.
      - run: alchemesh test --env "$MESH_ENV" --format json > test.json || [ $? -eq 1 ]
      - name: Open, update or close data test issues
        uses: actions/github-script@v7
        with:
          script: |
            const report = JSON.parse(require('fs').readFileSync('test.json', 'utf8'));
            const label = 'alchemesh-test';  // created on first use
            const open = await github.paginate(github.rest.issues.listForRepo,
              { ...context.repo, state: 'open', labels: label });
            const issues = new Map(open.filter((i) => !i.pull_request).map((i) => [i.title, i]));
            const run = `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
            for (const p of report.ports) {
              const title = `alchemesh test: ${report.environment} ${p.port}`;
              const issue = issues.get(title);
              if (p.status === 'failed' || p.status === 'unreachable') {
                const checks = p.checks.filter((c) => c.status === 'failed').map((c) =>
                  `- \\`${c.file}:${c.line}\\` ${c.message} (observed ${c.observed}, expected ${c.expected})`);
                const readers = p.consumers.length ? p.consumers.map((c) => `\\`${c}\\``).join(', ') : 'none yet';
                const body = `The data of \\`${p.port}\\` in \\`${report.environment}\\` breaks its contract `
                  + `\\`${p.contract}\\`${p.message ? ': ' + p.message : ''}.\\n\\n${checks.join('\\n')}\\n\\n`
                  + `Consumers at risk: ${readers}.\\n\\nLast seen by ${run}. The next passing test closes this issue.`;
                if (issue) await github.rest.issues.update({ ...context.repo, issue_number: issue.number, body });
                else await github.rest.issues.create({ ...context.repo, title, body, labels: [label] });
              } else if (issue) {
                await github.rest.issues.createComment({ ...context.repo, issue_number: issue.number,
                  body: `The data keeps its contract again (${run}).` });
                await github.rest.issues.update({ ...context.repo, issue_number: issue.number, state: 'closed' });
              }
            }
""" + _KEEP_LOGS

WORKFLOWS = {
    "alchemesh-pr.yml": WORKFLOW_PR,
    "alchemesh-apply.yml": WORKFLOW_APPLY,
    "alchemesh-drift.yml": WORKFLOW_DRIFT,
    "alchemesh-test.yml": WORKFLOW_TEST,
}

GITIGNORE = """\
# alchemesh build output, state and cache
.alchemesh/
"""
