"""Each contract is checked against the ODCS schema of the version it declares: the official examples of every
v3 tag, and what changed between the versions."""

from __future__ import annotations

from pathlib import Path

import pytest

from alchemesh.load.schema_check import NEWEST_ODCS, OdcsJudge, contract_problems, odcs_judge
from alchemesh.load.yamlfile import parse

EXAMPLES = Path(__file__).parent / "odcs_examples"
FILES = sorted(EXAMPLES.rglob("*.odcs.yaml"))

# Examples that declare a version whose schema they do not follow (upstream updated them for 3.1 and left their
# apiVersion at v3.0.2): rejected, rightly, with what 3.0.2 does not allow.
DECLARE_AN_OLDER_VERSION = {
    "v3.1.0/data-types/all-data-types.odcs.yaml": "`schema.0.properties.2.logicalType`: \"timestamp\" is not one of",
    "v3.1.0/quality/column-completeness.odcs.yaml": "`schema.0.properties.0.quality.0`: \"rule\" is a required property",
    "v3.1.0/stakeholders/basic-four-dpo.odcs.yaml": "`team`: an object that is not of type \"array\"",
}


def contract(path: Path) -> dict:
    (document,) = parse(str(path), path.read_bytes()).documents
    return document.data


def test_the_examples_of_every_tag_are_here():
    tags = {path.relative_to(EXAMPLES).parts[0] for path in FILES}
    assert tags == {"v3.0.0", "v3.0.1", "v3.0.2", "v3.1.0"} and len(FILES) == 70


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(EXAMPLES)) for p in FILES])
def test_an_official_example_is_judged_by_the_schema_of_its_version(path: Path):
    data = contract(path)
    messages = [p.message for p in contract_problems(data)]
    judge = odcs_judge(data["apiVersion"])
    assert judge.refused is None and judge.newer is None
    expected = DECLARE_AN_OLDER_VERSION.get(str(path.relative_to(EXAMPLES)))
    if expected is None:
        assert messages == []
    else:
        assert any(m.startswith(f"ODCS {judge.schema}: {expected}") for m in messages), messages
        assert contract_problems({**data, "apiVersion": "v3.1.0"}) == []  # what it really is


@pytest.mark.parametrize(("declared", "schema", "newer"), [
    ("v3.0.0", "v3.0.2", None), ("v3.0.1", "v3.0.2", None), ("v3.0.2", "v3.0.2", None), ("v3.1.0", "v3.1.0", None),
    ("v3.2.0", "v3.2.0", None), ("v3.0.7", "v3.0.2", "v3.0.7"), ("v3.9.0", NEWEST_ODCS, "v3.9.0"),
    ("3.1.0", NEWEST_ODCS, None), ("v3", NEWEST_ODCS, None)])
def test_the_declared_version_chooses_the_schema(declared: str, schema: str, newer: str | None):
    assert odcs_judge(declared) == OdcsJudge(schema, newer)


def test_3_0_contracts_keep_3_0_promises_and_3_1_ones_follow_3_1():
    """`quality[].rule` is ODCS 3.0; from 3.1 a library rule is `metric`."""
    old = {"apiVersion": "v3.0.2", "kind": "DataContract", "id": "x", "version": "1.0.0", "status": "active",
           "schema": [{"name": "t", "properties": [{"name": "c", "quality": [{"rule": "nullCheck"}]}]}]}
    assert contract_problems(old) == []
    assert contract_problems({**old, "apiVersion": "v3.1.0"}), "3.1 has no quality `rule`"
