"""The controller on real remote state: the `pg` backend on a real PostgreSQL server."""

from __future__ import annotations

import uuid
from pathlib import Path

from tests.testing import edit, run_cli

LOCAL_BACKEND = '''    backend:
      type: local
      config:
        path: "{root}/.alchemesh/state/{env}/{domain}/{product}.tfstate"
'''


def on_pg(mesh: Path, url: str) -> str:
    """The mesh on the pg backend. Terraform 1.0 reads `conn_str` only from the config (PG_CONN_STR came in
    1.2); the URL carries no password (PGPASSWORD would, from the environment)."""
    prefix = f"t{uuid.uuid4().hex[:8]}"  # one server for the session: each test its own schemas
    edit(mesh, "alchemesh.yaml", (LOCAL_BACKEND, f'''    backend:
      type: pg
      config:
        conn_str: "{url}"
        schema_name: "{prefix}_{{env}}_{{domain}}_{{product}}"
'''))
    return prefix


def statuses(result) -> dict[str, str]:
    return {s["stack"]: s["status"] for s in result.json()["stacks"]}


def test_consumers_plan_before_their_producers_were_ever_applied_then_apply(checkout: Path, terraform_env: dict,
                                                                            pg_url: str):
    on_pg(checkout, pg_url)
    env = terraform_env
    plan = run_cli("plan", "--format", "json", cwd=checkout, env=env)  # one level's stacks wait for pg's lock
    assert plan.code == 0, plan.out + plan.err
    assert set(statuses(plan).values()) == {"changes"}
    reasons = {s["stack"]: s["reason"] for s in plan.json()["stacks"]}
    assert reasons["marketing/customer-value"] == ("started an empty state for sales/customers, sales/orders "
                                                   "(never applied)")
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=env)
    assert applied.code == 0, applied.out + applied.err
    assert set(statuses(applied).values()) == {"applied"}
    again = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err


def test_a_backend_change_is_said_and_migrate_state_moves_every_state(checkout: Path, terraform_env: dict,
                                                                      pg_url: str):
    assert run_cli("apply", "--auto-approve", cwd=checkout, env=terraform_env).code == 0
    on_pg(checkout, pg_url)
    stuck = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert stuck.code == 1
    errors = [s["error"] for s in stuck.json()["stacks"] if s["status"] == "failed"]
    assert errors and all("rerun with --migrate-state" in e for e in errors), errors
    moved = run_cli("plan", "--migrate-state", "--format", "json", cwd=checkout, env=terraform_env)
    assert moved.code == 0, moved.out + moved.err
    assert set(statuses(moved).values()) == {"no-changes"}  # the states came along: nothing to create again
    again = run_cli("plan", "--format", "json", cwd=checkout, env=terraform_env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err


def on_s3(mesh: Path, url: str, version: str) -> None:
    """The mesh on the s3 backend of a real S3 API. The backend's settings differ by Terraform version
    (`endpoint` then `endpoints`, `force_path_style` then `use_path_style`, `use_lockfile` from 1.10)."""
    from tests.testing.s3 import create_bucket

    bucket = f"state-{uuid.uuid4().hex[:8]}"
    create_bucket(url, bucket)
    if version.startswith("1.0."):
        extra = f'''        endpoint: "{url}"
        force_path_style: true
        skip_metadata_api_check: true
'''
    else:
        extra = f'''        endpoints: {{s3: "{url}"}}
        use_path_style: true
        use_lockfile: true
        skip_requesting_account_id: true
'''
    edit(mesh, "alchemesh.yaml", (LOCAL_BACKEND, f'''    backend:
      type: s3
      config:
        bucket: {bucket}
        key: "{{env}}/{{domain}}/{{product}}.tfstate"
        region: us-east-1
        skip_credentials_validation: true
        skip_region_validation: true
{extra}'''))


def test_the_s3_backend_plans_before_any_apply_and_applies(checkout: Path, terraform_env: dict, s3_url: str):
    from alchemesh.terraform.binary import find_binary
    from tests.testing.s3 import CREDENTIALS

    on_s3(checkout, s3_url, find_binary(terraform_env["ALCHEMESH_TERRAFORM"]).version)
    env = {**terraform_env, **CREDENTIALS}  # credentials from the environment of the run, never the specs
    plan = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert plan.code == 0, plan.out + plan.err
    assert set(statuses(plan).values()) == {"changes"}
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=checkout, env=env)
    assert applied.code == 0, applied.out + applied.err
    again = run_cli("plan", "--format", "json", cwd=checkout, env=env)
    assert again.code == 0 and set(statuses(again).values()) == {"no-changes"}, again.out + again.err
