"""`alchemesh test` speaks the format it was asked for, whatever went wrong: JUnit valid against the XSD Jenkins reads
(with `errors` and `time`; unreadable data an error, a failed check a failure), SARIF valid against the OASIS
schema, and a mesh with validation errors still answered in that format."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from alchemesh.datatest.result import CheckResult, PortResult, TestRun
from alchemesh.findings import DataImpact, Finding, Severity
from alchemesh.report.tests import to_junit
from tests.testing import edit, invoke
from tests.testing.conformance import assert_valid_junit, assert_valid_sarif


def _run() -> TestRun:
    failed = Finding("data-quality", Severity.ERROR, "quality rule `x` on `t.a`: 2 null value(s), expected = 0",
                     "c.odcs.yaml", 12, 9, data=DataImpact("urn:c", "d/p/port", "2", "= 0"))
    unreachable = Finding("data-unreachable", Severity.ERROR, "port `d/q/port`: no DuckDB file at x (not applied yet?)",
                          "product.yaml", 7, 9)
    return TestRun("dev", (
        PortResult("d/p/port", "urn:c", "c.odcs.yaml", "failed", (
            CheckResult("data-object-missing", "t: exists", "passed"),
            CheckResult("data-quality", "t.a: x", "failed", "2", "= 0", failed),
            CheckResult("data-quality", "t.b: custom", "skipped", detail="a rule of type `custom` runs in its own engine"),
        ), (failed,), seconds=0.123456),
        PortResult("d/q/port", "urn:d", "d.odcs.yaml", "unreachable", (), (unreachable,), seconds=0.00001),
    ), "2026-06-01T12:00:00Z")


def test_junit_is_valid_for_jenkins_with_errors_and_times():
    text = to_junit(_run())
    assert_valid_junit(text)
    root = ElementTree.fromstring(text)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "1", "1")
    first, second = root.iter("testsuite")
    assert (first.get("errors"), first.get("failures"), first.get("time")) == ("0", "1", "0.123")
    assert second.get("errors") == "1" and second.find("testcase/error").get("type") == "data-unreachable"
    assert second.find("testcase/failure") is None  # unreadable data is an error, not a failed check
    assert first.find("testcase/failure").text == "c.odcs.yaml:12:9: observed 2, expected = 0"


@pytest.mark.parametrize("fmt", ["junit", "sarif", "github", "markdown", "json"])
def test_a_mesh_with_validation_errors_is_answered_in_the_format_asked(quickstart: Path, fmt: str):
    edit(quickstart, "domains/sales/orders/product.yaml", ("owner: web-shop", "owner: nobody"))
    result = invoke("test", "--format", fmt, str(quickstart))
    assert result.code == 1 and "nothing to test: the mesh has validation errors" in result.err
    if fmt == "junit":
        assert_valid_junit(result.out)
        (error,) = ElementTree.fromstring(result.out).iter("error")
        assert error.get("type") == "unresolved-reference"
    elif fmt == "sarif":
        document = json.loads(result.out)
        assert_valid_sarif(document)
        assert [r["ruleId"] for r in document["runs"][0]["results"]] == ["unresolved-reference"]
        assert document["runs"][0]["automationDetails"]["id"] == "alchemesh/test/dev/"
    elif fmt == "github":
        assert result.out.startswith("::error file=") and "title=unresolved-reference" in result.out
    elif fmt == "markdown":
        assert "nothing tested: the mesh has validation errors" in result.out and "`unresolved-reference`" in result.out
    else:
        assert json.loads(result.out)["findings"][0]["rule"] == "unresolved-reference"


@pytest.mark.parametrize("fmt", __import__("alchemesh.report", fromlist=["TEST_FORMATS"]).TEST_FORMATS)
def test_every_test_format_is_a_row_of_one_table_that_renders_a_run(fmt: str, tmp_path: Path):
    from alchemesh.report import test_reporter

    output = test_reporter(fmt, "test/dev")(_run(), tmp_path)
    assert output.strip() and output.endswith("\n")
    if fmt == "junit":
        assert_valid_junit(output)
    elif fmt == "sarif":
        assert_valid_sarif(json.loads(output))
    elif fmt == "json":
        assert json.loads(output)["summary"]["failed"] == 1
