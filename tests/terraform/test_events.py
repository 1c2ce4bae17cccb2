"""`--events FILE`: CloudEvents 1.0 for what a run did — a type per transition, the stack or port as subject, ids
that are the same for the same run and transition, and every event valid against the published schema of its
type."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest

from alchemesh.datatest.result import CheckResult, PortResult
from alchemesh.findings import DataImpact, Finding, Severity
from alchemesh.model.schema_export import render_schema
from alchemesh.report.events import FEED_TYPES, SUNSET_TYPES, TYPES, event_schemas, run_events, to_lines
from alchemesh.terraform.outcome import Action, Changes, Outcome, Run, Status
from tests.report.test_deliver import SECRET, receiver
from tests.testing import git, REPO, edit, run_cli

NOW = dt.datetime(2026, 6, 1, 12, 0, tzinfo=dt.timezone.utc)
SCHEMAS = REPO / "schemas" / "events"


def _valid(event: dict) -> None:
    schema = json.loads((SCHEMAS / f"{event['type']}.schema.json").read_text())
    jsonschema.validate(event, schema, format_checker=jsonschema.FormatChecker())


def test_published_event_schemas_match_the_code():
    """Regenerate with `alchemesh schema export schemas` when this fails."""
    assert {p.name: p.read_bytes() for p in SCHEMAS.glob("*.json")} == {
        name: render_schema(schema) for name, schema in event_schemas().items()}
    assert sorted(p.name.removesuffix(".schema.json") for p in SCHEMAS.glob("*.json")) == sorted(
        [*TYPES, *SUNSET_TYPES, *FEED_TYPES])


def _run(action: Action, *outcomes: Outcome) -> Run:
    return Run(action, "prod", outcomes, terraform=("terraform", "1.15.5"))


@pytest.mark.parametrize(("action", "status", "kind"), [
    (Action.plan, Status.changes, "io.alchemesh.stack.planned"),
    (Action.plan, Status.no_changes, "io.alchemesh.stack.planned"),
    (Action.apply, Status.applied, "io.alchemesh.stack.applied"),
    (Action.apply, Status.no_changes, "io.alchemesh.stack.applied"),
    (Action.apply, Status.test_failed, "io.alchemesh.stack.applied"),
    (Action.destroy, Status.destroyed, "io.alchemesh.stack.destroyed"),
    (Action.drift, Status.drifted, "io.alchemesh.drift.detected"),
    (Action.drift, Status.no_changes, None),
    (Action.apply, Status.failed, "io.alchemesh.stack.failed"),
    (Action.apply, Status.skipped, "io.alchemesh.stack.skipped"),
    (Action.apply, Status.cancelled, "io.alchemesh.stack.skipped"),
])
def test_each_transition_has_its_type(action: Action, status: Status, kind: str | None):
    result = _run(action, Outcome("sales/orders", status, Changes(add=2), reason="why", ended=5.0))
    events = run_events(result, "shop", "github:1:1", NOW)
    assert [e["type"] for e in events] == ([kind] if kind else [])
    for event in events:
        _valid(event)
        assert event["subject"] == "sales/orders" and event["source"] == "/alchemesh/shop/prod"
        assert event["data"]["add"] == 2 and event["time"] == "2026-06-01T12:00:00.000Z"


def test_ids_are_the_run_and_the_transition():
    result = _run(Action.apply, Outcome("a/b", Status.applied, ended=1.0), Outcome("a/c", Status.failed, ended=2.0))
    first, again, other = (run_events(result, "m", run, NOW) for run in ("github:7:1", "github:7:1", "github:7:2"))
    assert [e["id"] for e in first] == [e["id"] for e in again]  # a retried delivery is recognised
    assert not {e["id"] for e in first} & {e["id"] for e in other}  # a re-run is another run
    assert len({e["id"] for e in first}) == 2
    lines = to_lines(first).decode().splitlines()
    assert [json.loads(line) for line in lines] == first


def test_tested_ports_are_events_with_their_result():
    finding = Finding("data-quality", Severity.ERROR, "quality rule `rowCount` on `t`: 0 row(s), expected > 0",
                      "c.odcs.yaml", 4, 9, data=DataImpact("urn:x", "s/o/o", "0", "> 0", ("m/r/in",)))
    failed = PortResult("s/o/o", "urn:x", "c.odcs.yaml", "failed",
                        (CheckResult("data-quality", "t: rowCount", "failed", "0", "> 0", finding),
                         CheckResult("data-required", "t.a: required", "passed", "0", "= 0")), (finding,), ("m/r/in",))
    passed = PortResult("s/p/p", "urn:y", "d.odcs.yaml", "warned")
    result = _run(Action.test, Outcome("s/o", Status.test_failed, tests=(failed,), ended=1.0),
                  Outcome("s/p", Status.tested, tests=(passed,), ended=2.0))
    events = run_events(result, "m", "local:x", NOW)
    assert [(e["type"], e["subject"]) for e in events] == [("io.alchemesh.test.failed", "s/o/o"),
                                                          ("io.alchemesh.test.passed", "s/p/p")]
    for event in events:
        _valid(event)
    assert events[0]["data"]["findings"] == [{
        "rule": "data-quality", "severity": "error", "message": finding.message, "file": "c.odcs.yaml", "line": 4,
        "column": 9, "observed": "0", "expected": "> 0"}]
    assert events[0]["data"]["checks"] == 2 and events[0]["data"]["failed"] == 1


def test_apply_test_writes_its_events(checkout: Path, one_terraform_env: dict):
    mesh = checkout
    edit(mesh, "domains/sales/orders/transform/orders.sql",
         ("CAST(amount_eur AS DECIMAL(10, 2))", "-CAST(amount_eur AS DECIMAL(10, 2))"))
    events_file = mesh / "events.jsonl"
    events_file.write_text('{"an": "earlier line, kept"}\n')
    with receiver("ok") as (url, got, _, _), receiver("fail") as (failing, _, _, _):
        edit(mesh, "alchemesh.yaml", ("  compatibility: consumer\n", f"""  compatibility: consumer
  notificationNetworks: [127.0.0.1/32]
  notifications:
    - {{url: "{url}", secretEnv: ALCHEMESH_WEBHOOK_HOOK, match: {{types: ["io.alchemesh.test.*"]}}}}
    - {{url: "{failing}", timeout: 2}}
"""))
        applied = run_cli("apply", "--auto-approve", "--test", "--events", str(events_file), cwd=mesh,
                          env={**one_terraform_env, "GITHUB_RUN_ID": "99", "GITHUB_RUN_ATTEMPT": "1",
                               "ALCHEMESH_WEBHOOK_HOOK": SECRET})
    assert applied.code == 1, applied.out + applied.err
    # the webhook got the test events, signed, as the file has them; the failing one is said, the run not failed by it
    assert sorted(e["type"] for e in got) == ["io.alchemesh.test.failed", "io.alchemesh.test.passed"]
    assert f"event(s) not delivered to {failing}: HTTP 500 (3 attempts)" in applied.err
    lines = events_file.read_text().splitlines()
    assert lines[0] == '{"an": "earlier line, kept"}'  # appended
    events = [json.loads(line) for line in lines[1:]]
    for event in events:
        _valid(event)
    assert sorted(got, key=lambda e: e["id"]) == sorted((e for e in events if ".test." in e["type"]),
                                                        key=lambda e: e["id"])
    seen = {(e["type"], e["subject"]) for e in events}
    assert {("io.alchemesh.stack.applied", "sales/orders"), ("io.alchemesh.stack.applied", "sales/customers"),
            ("io.alchemesh.test.failed", "sales/orders/orders"), ("io.alchemesh.test.passed", "sales/customers/customers"),
            ("io.alchemesh.stack.skipped", "marketing/customer-value"),
            ("io.alchemesh.stack.skipped", "marketing/segments")} == seen
    assert {e["source"] for e in events} == {"/alchemesh/quickstart/dev"}
    drift = run_cli("drift", "--events", str(events_file), "--product", "sales/customers", cwd=mesh,
                    env=one_terraform_env)
    assert drift.code == 0 and len(events_file.read_text().splitlines()) == len(lines)  # nothing drifted: no event


# a breaking change to a field a consumer reads: one no one reads is breaking-unused, a warning with no event
STATUS_OPTIONAL = ("        required: true\n        classification: internal\n        examples: [delivered]\n",
                   "        required: false\n        classification: internal\n        examples: [delivered]\n")


def test_contracts_check_writes_each_breaking_change(git_quickstart: Path):
    edit(git_quickstart, "domains/sales/orders/contract.odcs.yaml", STATUS_OPTIONAL)  # customer-value reads it
    events_file = git_quickstart / "events.jsonl"
    result = run_cli("contracts", "check", "--against", "HEAD", "--events", str(events_file), cwd=git_quickstart)
    assert result.code == 1, result.out + result.err
    events = [json.loads(line) for line in events_file.read_text().splitlines()]
    assert [(e["type"], e["subject"], e["data"]["rule"]) for e in events] == [
        ("io.alchemesh.contract.breaking", "urn:datacontract:sales:orders", "field-made-optional")]
    _valid(events[0])
    assert events[0]["data"]["consumers"] == ["marketing/customer-value/orders"]
    assert events[0]["source"] == "/alchemesh/quickstart/contracts"


def test_a_receiver_the_change_itself_adds_gets_nothing(git_quickstart: Path):
    """Against a base revision, the notifications are the base's: a pull request that adds a receiver (and lists
    its network) is not delivered to in its own CI; once merged, it is."""
    mesh = git_quickstart
    breaking = STATUS_OPTIONAL
    with receiver("ok") as (url, got, hits, _):
        edit(mesh, "alchemesh.yaml", ("  compatibility: consumer\n", f"""  compatibility: consumer
  notificationNetworks: [127.0.0.1/32]
  notifications:
    - {{url: "{url}", secretEnv: ALCHEMESH_WEBHOOK_HOOK}}
"""))
        edit(mesh, "domains/sales/orders/contract.odcs.yaml", breaking)
        env = {"ALCHEMESH_WEBHOOK_HOOK": SECRET}
        checked = run_cli("contracts", "check", "--against", "HEAD", cwd=mesh, env=env)
        assert checked.code == 1 and hits[0] == 0, checked.out + checked.err
        git(mesh, "commit", "-qam", "a receiver, and a breaking change")
        edit(mesh, "domains/sales/orders/contract.odcs.yaml", ("        physicalType: TIMESTAMP\n",
                                                              "        physicalType: DATE\n"))
        merged = run_cli("contracts", "check", "--against", "HEAD", cwd=mesh, env=env)
        assert merged.code == 1, merged.out + merged.err
        assert hits[0] >= 1 and got and {e["type"] for e in got} <= {"io.alchemesh.contract.breaking"}


def test_validate_writes_each_consumer_told_of_a_sunset(git_quickstart: Path):
    edit(git_quickstart, "domains/sales/orders/product.yaml", ("      visibility: public\n", "      visibility: public\n"
                                                               "      status: deprecated\n"
                                                               "      sunset: {date: 2027-01-31}\n"))
    events_file = git_quickstart / "events.jsonl"
    result = run_cli("validate", "--events", str(events_file), cwd=git_quickstart,
                     env={"ALCHEMESH_TODAY": "2027-02-02"})
    assert result.code == 1, result.out + result.err
    (event,) = [json.loads(line) for line in events_file.read_text().splitlines()]
    assert (event["type"], event["subject"]) == ("io.alchemesh.port.sunset-passed", "marketing/customer-value")
    assert event["data"]["file"] == "domains/marketing/customer-value/product.yaml"
    _valid(event)
