"""`alchemesh export backstage` on both examples: every entity passes the validators of `@backstage/catalog-model`
(npm, run under node), built-in kinds only, and the relations are the product graph's edges."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.testing import EXAMPLES, run_cli

CHECKER = Path(__file__).parent / "backstage"


@pytest.fixture(scope="module")
def validator(tmp_path_factory) -> Path:
    """The package's validators, installed from the lock file (`npm ci`) once for the module."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.fail("node and npm are not installed: `apt-get install nodejs npm` (.ci/run does)", pytrace=False)
    folder = tmp_path_factory.mktemp("backstage")
    for name in ("package.json", "package-lock.json", "validate.js"):
        shutil.copy(CHECKER / name, folder / name)
    subprocess.run([npm, "ci", "--no-audit", "--no-fund", "--silent"], cwd=folder, check=True, capture_output=True,
                   timeout=300)
    return folder


@pytest.mark.parametrize("example", ["quickstart", "acme-retail"])
def test_entities_are_valid_backstage_and_relations_are_the_graph(example: str, validator: Path, tmp_path: Path):
    mesh = EXAMPLES / example
    out = tmp_path / "catalog-info.yaml"
    result = run_cli("export", "backstage", str(mesh), "--out", str(out), "--site-url", "https://mesh.example.com")
    assert result.code == 0, result.out + result.err
    entities = list(yaml.safe_load_all(out.read_text()))
    checked = subprocess.run(["node", "validate.js"], cwd=validator, input=json.dumps(entities), capture_output=True,
                             text=True, timeout=120)
    assert checked.returncode == 0, checked.stderr
    assert json.loads(checked.stdout) == []
    assert {e["kind"] for e in entities} <= {"Domain", "Group", "User", "System", "API", "Component", "Resource"}

    graph = run_cli("graph", str(mesh), "--format", "json").json()
    products = {p["id"]: p for p in graph["products"]}
    by_kind = {}
    for e in entities:
        by_kind.setdefault(e["kind"], {})[e["metadata"]["name"]] = e
    assert set(by_kind["System"]) == {pid.replace("/", "-") for pid in products}
    consumed = {(e["spec"]["system"], api) for e in by_kind["Component"].values() for api in e["spec"]["consumesApis"]}
    assert consumed == {(edge["consumer"].replace("/", "-"), f"api:{edge['producer'].replace('/', '-')}-"
                                                           f"{edge['outputPort']}") for edge in graph["edges"]}
    provided = {(e["spec"]["system"], api) for e in by_kind["Component"].values() for api in e["spec"]["providesApis"]}
    assert provided == {(pid.replace("/", "-"), f"api:{pid.replace('/', '-')}-{port['name']}")
                        for pid, p in products.items() for port in p["outputPorts"]}
    owners = {e["spec"]["owner"] for e in entities if "owner" in e.get("spec", {})}
    assert owners and {o.split(":", 1)[1] for o in owners} <= set(by_kind["Group"]), owners  # no dangling owner
    for api in by_kind["API"].values():
        assert api["spec"]["type"] == "dataset" and api["spec"]["definition"].lstrip().startswith(("apiVersion", "#"))
    again = tmp_path / "again.yaml"
    assert run_cli("export", "backstage", str(mesh), "--out", str(again), "--site-url",
                   "https://mesh.example.com").code == 0
    assert again.read_bytes() == out.read_bytes()


def test_nested_domains_teams_and_members(validator: Path, tmp_path: Path):
    out = tmp_path / "catalog-info.yaml"
    assert run_cli("export", "backstage", str(EXAMPLES / "acme-retail"), "--out", str(out)).code == 0
    entities = list(yaml.safe_load_all(out.read_text()))
    domains = [e for e in entities if e["kind"] == "Domain"]
    assert any("subdomainOf" in d["spec"] for d in domains)
    groups = {e["metadata"]["name"]: e for e in entities if e["kind"] == "Group"}
    users = {e["metadata"]["name"]: e for e in entities if e["kind"] == "User"}
    for group in groups.values():
        for member in group["spec"]["members"]:
            assert group["metadata"]["name"] in users[member]["spec"]["memberOf"]
