"""The compile → terraform hand-off: the typed, versioned manifest and the facts read from a stack file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from alchemesh.compile.manifest import MANIFEST_VERSION, Manifest, StackEntry, stack_facts
from alchemesh.errors import UsageError
from tests.testing import assert_no_traceback, run_cli

ENTRY = {"key": "sales/orders", "kind": "product", "path": "sales/orders/main.tf.json", "dependsOn": [],
         "hash": "ab" * 32}


def test_a_manifest_reads_back_as_it_was_written():
    manifest = Manifest("dev", (StackEntry("sales/orders", "product", "sales/orders/main.tf.json", (), "ab" * 32),
                                StackEntry("m/v", "product", "m/v/main.tf.json", ("sales/orders",), "cd" * 32)),
                        (("sales/orders",), ("m/v",)),
                        (StackEntry("sales/gone", "product", "sales/gone/main.tf.json", (), "ef" * 32),))
    raw = manifest.to_bytes()
    assert json.loads(raw)["manifestVersion"] == MANIFEST_VERSION
    assert Manifest.parse(raw) == manifest
    assert "removed" not in json.loads(Manifest("dev", (), ()).to_bytes())  # only when there are some


def test_a_manifest_from_before_the_version_field_is_version_1():
    raw = json.dumps({"environment": "dev", "stacks": [ENTRY], "levels": [["sales/orders"]]}).encode()
    assert Manifest.parse(raw).stacks[0].key == "sales/orders"


def test_entries_of_the_wrong_shape_are_dropped_not_trusted():
    raw = json.dumps({"stacks": [ENTRY, {"key": 3}, "x", {"key": "a/b", "dependsOn": [1, "c/d"]}],
                      "levels": [["sales/orders", 2], "x"]}).encode()
    manifest = Manifest.parse(raw)
    assert [s.key for s in manifest.stacks] == ["sales/orders", "a/b"]
    assert manifest.stacks[1].depends_on == ("c/d",) and manifest.levels == (("sales/orders",),)
    assert Manifest.parse(b"{not json") is None and Manifest.parse(b'{"stacks": 1}') is None


def test_a_newer_manifest_is_refused_not_half_read(quickstart: Path):
    raw = json.dumps({"manifestVersion": MANIFEST_VERSION + 1, "stacks": [], "levels": []}).encode()
    with pytest.raises(UsageError, match="newer alchemesh"):
        Manifest.parse(raw)
    assert run_cli("compile", cwd=quickstart).code == 0
    manifest = quickstart / ".alchemesh/build/dev/manifest.json"
    manifest.write_bytes(raw)
    result = run_cli("compile", cwd=quickstart)
    assert result.code == 2 and "newer alchemesh" in result.err and result.err.count("\n") == 1, result.err
    assert_no_traceback(result)
    assert manifest.read_bytes() == raw  # left as it was


def test_stack_facts_say_what_running_a_stack_needs(tmp_path: Path):
    content = {
        "terraform": {"backend": {"local": {"path": "state/x.tfstate"}}},
        "module": {"port": {"source": "../../modules/out", "spec_dir": str(tmp_path / "spec")},
                   "remote": {"source": "git::https://example.org/x.git"}},
        "data": {"terraform_remote_state": {"p": {"backend": "local", "config": {"path": str(tmp_path / "p.tfstate")}},
                                            "q": {"backend": "s3", "config": {"bucket": "b"}}}},
    }
    facts = stack_facts(content, tmp_path / "build/sales/orders")
    assert facts.state == tmp_path / "build/sales/orders/state/x.tfstate"
    assert facts.producer_states == (tmp_path / "p.tfstate",)
    assert facts.watched == (tmp_path / "build/modules/out", tmp_path / "spec")
    assert facts.init_basis["modules"] == {"port": ["../../modules/out", None],
                                           "remote": ["git::https://example.org/x.git", None]}
    assert stack_facts({"terraform": {"backend": {"s3": {}}}}, tmp_path).state is None
    assert stack_facts("not a stack", tmp_path).state == tmp_path / "terraform.tfstate"
