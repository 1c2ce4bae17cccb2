"""`alchemesh test` and `apply --test` through the real CLI on the applied quickstart: every port's data checked
against its contract, failures at the contract line with the consumers at risk, in every format, the results
kept for the catalog, and a failing port stopping its dependents."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from tests.testing import REPO, edit, run_cli
from tests.testing.conformance import assert_valid_junit, assert_valid_sarif

GETTING_STARTED = (REPO / "docs" / "getting-started.md").read_text(encoding="utf-8")

PORTS = ["sales/customers/customers", "sales/orders/orders", "marketing/customer-value/customer-value",
         "marketing/segments/segments"]
CONTRACT = "domains/sales/orders/contract.odcs.yaml"


def _line_of(mesh: Path, file: str, text: str) -> int:
    return next(i for i, line in enumerate((mesh / file).read_text().splitlines(), 1) if text in line)


def test_test_passes_then_a_corrupted_row_fails_at_its_contract_line_in_every_format(checkout: Path,
                                                                                      one_terraform_env: dict):
    mesh, env = checkout, one_terraform_env
    applied = run_cli("apply", "--auto-approve", "--format", "json", cwd=mesh, env=env)
    assert applied.code == 0, applied.out + applied.err

    # the getting-started tour, command by command, printing what it shows: all passes, then a status the contract
    # does not list
    repo = mesh.parent.parent
    tour = GETTING_STARTED.split("Then check that the data keeps its contracts", 1)[1].split("```console\n", 1)[1]
    steps = re.findall(r"^\$ (.+)\n((?:(?!\$ ).*\n)*)", tour.split("```", 1)[0], re.M)
    assert [command.split()[0] for command, _ in steps] == ["alchemesh", "python", "alchemesh"]
    for command, printed in steps:
        if command.startswith("python "):
            subprocess.run([sys.executable, *shlex.split(command)[1:]], cwd=repo, check=True)
            continue
        result = run_cli(*shlex.split(command)[1:], cwd=repo, env=env)
        assert result.out.rstrip("\n") == printed.rstrip("\n"), result.out + result.err
        if "passed" in printed.splitlines()[-1]:
            kept = json.loads((mesh / ".alchemesh/test/dev.json").read_text())
            assert {p["port"]: p["status"] for p in kept["ports"]} == dict.fromkeys(PORTS, "passed")

    failed = run_cli("test", "--format", "json", cwd=mesh, env=env)
    assert failed.code == 1, failed.out + failed.err
    body = failed.json()
    (finding,) = body["findings"]
    assert finding["rule"] == "data-quality" and finding["file"] == CONTRACT
    assert finding["line"] == _line_of(mesh, CONTRACT, "- metric: invalidValues")
    assert finding["port"] == "sales/orders/orders" and finding["contract"] == "urn:datacontract:sales:orders"
    assert finding["observed"] == "1" and finding["expected"] == "= 0"
    assert finding["consumers"] == ["marketing/customer-value/orders"]
    assert {p["port"]: p["status"] for p in body["ports"]}["sales/orders/orders"] == "failed"
    assert body["summary"]["failed"] == 1 and body["summary"]["passed"] == 3
    # producers before consumers
    order = [p["port"] for p in body["ports"]]
    assert order.index("sales/orders/orders") < order.index("marketing/customer-value/customer-value") < \
        order.index("marketing/segments/segments")

    text = run_cli("test", cwd=mesh, env=env)
    assert text.code == 1 and f"{CONTRACT}:{finding['line']}:" in text.out
    assert "consumers: marketing/customer-value/orders" in text.out

    junit = run_cli("test", "--format", "junit", cwd=mesh, env=env)
    assert_valid_junit(junit.out)
    suites = ElementTree.fromstring(junit.out)
    assert junit.code == 1 and suites.get("failures") == "1"
    (failure,) = suites.iter("failure")
    assert failure.get("type") == "data-quality" and CONTRACT in failure.text

    sarif = run_cli("test", "--format", "sarif", cwd=mesh, env=env).json()
    assert_valid_sarif(sarif)
    (result,) = sarif["runs"][0]["results"]
    assert result["ruleId"] == "data-quality"
    assert result["locations"][0]["physicalLocation"]["region"]["startLine"] == finding["line"]
    # code scanning reads paths from the repository root: the mesh sits in mesh-examples/quickstart/
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": f"mesh-examples/quickstart/{CONTRACT}", "uriBaseId": "%SRCROOT%"}
    assert sarif["runs"][0]["automationDetails"]["id"] == "alchemesh/test/dev/"
    validated = run_cli("validate", "--format", "sarif", cwd=mesh).json()
    assert_valid_sarif(validated)
    assert validated["runs"][0]["automationDetails"]["id"] == "alchemesh/validate/"
    github = run_cli("test", "--format", "github", cwd=mesh, env=env)
    assert github.out.startswith(f"::error file={CONTRACT},line={finding['line']},")

    markdown = run_cli("test", "--format", "markdown", "--product", "sales/orders", cwd=mesh, env=env)
    assert markdown.code == 1 and "| `sales/orders/orders` | ❌ failed |" in markdown.out
    # a run of one product keeps the other ports' last results
    kept = json.loads((mesh / ".alchemesh/test/dev.json").read_text())
    assert {p["port"]: p["status"] for p in kept["ports"]} == {**dict.fromkeys(PORTS, "passed"),
                                                               "sales/orders/orders": "failed"}
    # a rule of severity warning fails as a warning: below the default --fail-on, not below --fail-on warning
    edit(mesh, CONTRACT, ("            arguments: {validValues: [placed, shipped, delivered, cancelled]}\n",
                          "            arguments: {validValues: [placed, shipped, delivered, cancelled]}\n"
                          "            severity: warning\n"))
    warned = run_cli("test", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert warned.code == 0 and warned.json()["ports"][0]["status"] == "warned", warned.out + warned.err
    assert warned.json()["findings"][0]["severity"] == "warning"
    assert run_cli("test", "--fail-on", "warning", "--product", "sales/orders", cwd=mesh, env=env).code == 1

    # a component that declares no engine: the port is unreachable, and the finding says what to add
    edit(mesh, "alchemesh.yaml", ("      engine: duckdb", "      description: no engine"))
    unreachable = run_cli("test", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert unreachable.code == 1, unreachable.err
    (finding,) = unreachable.json()["findings"]
    assert finding["rule"] == "data-unreachable" and finding["file"] == "domains/sales/orders/product.yaml"
    assert "spec.components.local-duckdb.engine" in finding["hint"]


def test_ports_never_applied_are_unreachable_not_a_crash(checkout: Path, one_terraform_env: dict):
    result = run_cli("test", "--format", "json", cwd=checkout, env=one_terraform_env)
    assert result.code == 1, result.out + result.err
    body = result.json()
    assert {p["port"]: p["status"] for p in body["ports"]} == dict.fromkeys(PORTS, "unreachable")
    assert {f["rule"] for f in body["findings"]} == {"data-unreachable"}
    assert all("not applied yet" in f["message"] for f in body["findings"])
    assert "Traceback" not in result.err


def test_apply_test_stops_the_dependents_of_a_failing_port(checkout: Path, one_terraform_env: dict):
    mesh, env = checkout, one_terraform_env
    # a bug in the orders pipeline: every amount negative, which the contract's sql rule refuses
    edit(mesh, "domains/sales/orders/transform/orders.sql",
         ("CAST(amount_eur AS DECIMAL(10, 2))", "-CAST(amount_eur AS DECIMAL(10, 2))"))
    applied = run_cli("apply", "--auto-approve", "--test", "--format", "json", cwd=mesh, env=env)
    assert applied.code == 1, applied.out + applied.err
    stacks = {s["stack"]: s for s in applied.json()["stacks"]}
    assert stacks["sales/customers"]["status"] == "applied"
    assert stacks["sales/orders"]["status"] == "test-failed"
    assert stacks["sales/orders"]["tests"] == [{"port": "sales/orders/orders", "status": "failed", "failed": 1}]
    assert stacks["sales/customers"]["tests"] == [{"port": "sales/customers/customers", "status": "passed", "failed": 0}]
    assert applied.json()["summary"]["testFailed"] == 1
    assert "sales/orders/orders failed its contract" in stacks["sales/orders"]["reason"]
    assert stacks["marketing/customer-value"]["status"] == "skipped"
    assert stacks["marketing/customer-value"]["reason"] == "sales/orders/orders failed its contract"
    assert stacks["marketing/segments"]["status"] == "skipped"
    assert not (mesh / ".alchemesh/data/dev/marketing/customer-value/customer-value.duckdb").exists()
    kept = json.loads((mesh / ".alchemesh/test/dev.json").read_text())
    assert {p["port"]: p["status"] for p in kept["ports"]} == {"sales/customers/customers": "passed",
                                                               "sales/orders/orders": "failed"}
    # on a terminal's text: the run's table, then the failed check at its contract line
    again = run_cli("apply", "--auto-approve", "--test", cwd=mesh, env=env)
    assert again.code == 1 and "1 failed its data tests" in again.out
    assert f"{CONTRACT}:{_line_of(mesh, CONTRACT, 'No negative order totals')}:" in again.out
