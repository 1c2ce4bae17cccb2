"""Structured fuzzing of every example file into `validate`, `compile` and `contracts diff`, and of a dbt manifest
and ODPS documents into `import dbt` and `import odps`: whatever a file holds, alchemesh answers with findings or a
one-line error — never an exception — no spec value reaches a stack as a Terraform template, and no import writes
outside `domains/` and the files it owns.

CI runs a few dozen cases per target; a long run is one command:
    ALCHEMESH_FUZZ_EXAMPLES=5000 python -m pytest tests/fuzz -q
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alchemesh.compile.compiler import compile_mesh
from alchemesh.contracts.files import diff_files
from alchemesh.errors import AlchemeshError
from alchemesh.validate import analyze
from alchemesh.load.yamlfile import parse
from tests.testing import EXAMPLES, REPO

MARK = "${fuzz.marker}"
HOSTILE = [MARK, "%{ if true }x%{ endif }", "<script>alert(1)</script>", "\x00", "\x1b[2J", "\u202e", "\ufeff",
           "../../../etc/passwd", "/etc/passwd", "a\nb", "? ? ? ? x", "- - - - x", "0x" + "f" * 4000,
           "9" * 5000, "@here", "`x`|y", "*a", "&a", "!!python/object:os.system", "{{ x }}", "%", "\\", "",
           "urn:datacontract:sales:orders", "sales/orders/orders", "local-duckdb", "dev", "1.0.0", "null", "~"]
SNIPPETS = [s.encode("utf-8", "surrogatepass") for s in HOSTILE] + [b"\xff\xfe", b"\x00", b"\t", b"\r\n", b": ",
                                                                     b"- ", b"---\n", b"&a ", b"*a", b"<<: *a\n",
                                                                     b"[", b"{", b"'", b'"', b"#"]
# Raw YAML put where a value stands: the shapes that once crashed a parser or a converter.
FRAGMENTS = ["? " * 600 + "x", "- " * 300 + "x", "[" * 300, "{a: " * 250, "0x" + "f" * 3700, "0o" + "7" * 5000,
             "9" * 5000, "&a [*a, *a]", "*nowhere", "!!binary AAAA", "!custom x", "x\x07y", "\"x\\u0000y\"",
             "|\n  " + "x" * 100, ">-\n    text", "'${x}'", "0o8", "1e999", ".nan", "-.inf", "null", "''", "~"]
FILES = sorted(p.relative_to(EXAMPLES).as_posix() for p in EXAMPLES.rglob("*.yaml") if ".alchemesh" not in p.parts)
CONTRACTS = [f for f in FILES if f.endswith(".odcs.yaml")]
EXAMPLES_PER_TARGET = int(os.environ.get("ALCHEMESH_FUZZ_EXAMPLES", "40"))
FUZZ = settings(max_examples=EXAMPLES_PER_TARGET, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

scalars = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=20), st.integers(), st.floats(allow_nan=True),
                    st.booleans(), st.none())
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(HOSTILE) | st.text(max_size=8),
                                                                       inner, max_size=4)), max_leaves=12)


def _nodes(data, path=()):
    """Every (path, value) inside parsed YAML data."""
    yield path, data
    items = data.items() if isinstance(data, dict) else enumerate(data) if isinstance(data, list) else ()
    for key, value in items:
        yield from _nodes(value, (*path, key))


def _replace(data, path, value):
    if not path:
        return value
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    parent[path[-1]] = value
    return data


@st.composite
def mutated_file(draw, files=FILES):
    """(example file, bytes): the file with hostile bytes spliced in, or one node of its data replaced."""
    rel = draw(st.sampled_from(files))
    raw = (EXAMPLES / rel).read_bytes()
    how = draw(st.sampled_from(["splice", "value", "data"]))
    if how == "value":
        lines = raw.decode().splitlines(keepends=True)
        keyed = [i for i, line in enumerate(lines) if ": " in line and not line.lstrip().startswith("#")]
        for _ in range(draw(st.integers(1, 2))):
            i = draw(st.sampled_from(keyed))
            key = lines[i].split(": ", 1)[0]
            lines[i] = f"{key}: {draw(st.sampled_from(FRAGMENTS))}\n"
        return rel, "".join(lines).encode("utf-8", "surrogatepass")
    if how == "splice":
        for _ in range(draw(st.integers(1, 4))):
            at = draw(st.integers(0, len(raw)))
            cut = draw(st.integers(0, 8))
            raw = raw[:at] + draw(st.sampled_from(SNIPPETS) | st.binary(max_size=6)) + raw[at + cut:]
        return rel, raw
    documents = [d.data for d in parse(rel, raw).documents]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(documents) - 1))
        paths = [p for p, _ in _nodes(documents[i])]
        documents[i] = _replace(documents[i], draw(st.sampled_from(paths)), draw(values))
    return rel, yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False).encode("utf-8", "surrogatepass")


@pytest.fixture(scope="module", autouse=True)
def modules_parsed_once():
    """The component modules never change under the fuzz: each module file is parsed once (python-hcl2 per case
    is most of a case's time), whatever the YAML mutations."""
    import functools

    from alchemesh.load import modules

    real = modules._parse
    modules._parse = functools.lru_cache(maxsize=None)(real)
    yield
    modules._parse = real


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A copy of the examples and the components they use, restored after every case."""
    root = tmp_path_factory.mktemp("fuzz")
    shutil.copytree(EXAMPLES, root / "mesh-examples", ignore=shutil.ignore_patterns(".alchemesh"))
    shutil.copytree(REPO / "components", root / "components", ignore=shutil.ignore_patterns(".terraform"))
    return root / "mesh-examples"


def _mesh_of(rel: str) -> str:
    return rel.split("/", 1)[0]


def _with_file(workspace: Path, rel: str, content: bytes):
    target = workspace / rel
    original = target.read_bytes()
    target.write_bytes(content)
    return target, original


@FUZZ
@given(case=mutated_file())
def test_validate_and_compile_never_crash(workspace: Path, tmp_path: Path, case):
    rel, content = case
    target, original = _with_file(workspace, rel, content)
    try:
        analysis = analyze(workspace / _mesh_of(rel), use_cache=False)
        lines = content.count(b"\n") + 1
        for finding in analysis.report.findings:
            assert isinstance(finding.line, int) and finding.line >= 0 and isinstance(finding.message, str)
            assert "\n" not in finding.message, finding  # one finding, one line
            if finding.file == rel:
                assert finding.line <= lines, finding
        try:
            compiled = compile_mesh(analysis, None, tmp_path / "build")
        except AlchemeshError:
            return  # a one-line error for the CLI
        for _, build in compiled.builds:
            for name, stack in build.files.items():
                text = stack.decode()
                assert text.count(MARK) == text.count("$" + MARK), f"{name}: a spec value became a template"
    finally:
        target.write_bytes(original)


@FUZZ
@given(case=mutated_file(CONTRACTS), mode=st.sampled_from(["consumer", "producer", "full", "none"]))
def test_contracts_diff_never_crashes(tmp_path: Path, case, mode):
    rel, content = case
    old, new = tmp_path / "old.yaml", tmp_path / "new.yaml"
    old.write_bytes((EXAMPLES / rel).read_bytes())
    new.write_bytes(content)
    try:
        report = diff_files(old, new, mode)
    except AlchemeshError:
        return
    for finding in report.report.findings:
        assert finding.line >= 0 and finding.rule


MANIFEST = {
    "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/manifest/v12.json", "project_name": "shop",
                 "adapter_type": "duckdb"},
    "nodes": {
        "model.shop.orders": {
            "resource_type": "model", "package_name": "shop", "name": "orders", "alias": "orders", "schema": "main",
            "database": "shop", "group": "sales", "access": "public", "fqn": ["shop", "sales", "orders"],
            "description": "Orders.", "config": {"materialized": "table", "contract": {"enforced": True}},
            "depends_on": {"nodes": ["source.shop.raw.orders", "model.shop.customers"]}, "tags": ["x"],
            "meta": {"tier": "gold"}, "constraints": [{"type": "primary_key", "columns": ["order_id"]}],
            "columns": {"order_id": {"name": "order_id", "data_type": "varchar", "description": "Id.",
                                     "constraints": [{"type": "not_null"}], "tags": [], "meta": {}},
                        "amount": {"name": "amount", "data_type": "decimal(10,2)"}}},
        "model.shop.customers": {
            "resource_type": "model", "package_name": "shop", "name": "customers", "group": "crm",
            "access": "public", "version": 2, "latest_version": 2, "columns": {"id": {"name": "id"}}},
        "test.shop.accepted": {
            "resource_type": "test", "package_name": "shop", "name": "accepted", "attached_node": "model.shop.orders",
            "column_name": "order_id", "test_metadata": {"name": "accepted_values", "kwargs": {"values": ["a"]}}},
    },
    "sources": {"source.shop.raw.orders": {"source_name": "raw", "name": "orders", "package_name": "shop"}},
    "groups": {"group.shop.sales": {"name": "sales", "owner": {"name": "Sales", "email": "s@x.example"},
                                    "package_name": "shop"},
               "group.shop.crm": {"name": "crm", "owner": {"name": "CRM"}, "package_name": "shop"}},
}


@st.composite
def mutated_manifest(draw):
    """The manifest with one to three of its nodes (keys included) replaced by hostile values."""
    import copy

    manifest = copy.deepcopy(MANIFEST)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p, _ in _nodes(manifest) if p]
        path = draw(st.sampled_from(paths))
        if draw(st.booleans()) and isinstance(path[-1], str):  # a hostile key instead of a value
            parent = manifest
            for step in path[:-1]:
                parent = parent[step]
            parent[draw(st.sampled_from(HOSTILE))] = parent.pop(path[-1])
        else:
            manifest = _replace(manifest, path, draw(values))
    return manifest


def _inside(root: Path, rel: str) -> bool:
    return (root / rel).resolve().is_relative_to(root.resolve()) and ".." not in rel.split("/")


@FUZZ
@given(manifest=mutated_manifest(), nesting=st.sampled_from([0, 0, 0, 100_000]))
def test_import_dbt_never_crashes_and_writes_only_its_files(tmp_path: Path, manifest, nesting):
    import json

    from alchemesh.interop.dbt import Options, mesh_files
    from alchemesh.interop.generated import reconcile

    path = tmp_path / "manifest.json"
    text = json.dumps(manifest)
    path.write_text("[" * nesting + text + "]" * nesting if nesting else text)
    try:
        wanted, once = mesh_files([path], Options(out=tmp_path / "mesh"))
        reconcile(tmp_path / "mesh", "dbt", wanted, once)
    except AlchemeshError as error:
        assert "\n" not in str(error)
        return
    for rel, content in wanted.items():
        assert _inside(tmp_path / "mesh", rel) and rel.startswith(("domains/", "teams/")), rel
        header = content.split(b"\n", 1)[0]
        assert header.startswith(b"# Written by alchemesh import dbt from ") and b"\r" not in header


@pytest.fixture(scope="module")
def odps_documents(tmp_path_factory) -> list[dict]:
    from alchemesh.interop.odps import export

    exported = export(analyze(EXAMPLES / "quickstart", use_cache=False))
    return [yaml.safe_load(content) for _, content in sorted(exported.items())]


@FUZZ
@given(data=st.data())
def test_import_odps_never_crashes_and_writes_only_product_files(tmp_path: Path, odps_documents, data):
    import copy

    from alchemesh.interop.odps import import_documents

    document = copy.deepcopy(data.draw(st.sampled_from(odps_documents)))
    for _ in range(data.draw(st.integers(1, 3))):
        paths = [p for p, _ in _nodes(document) if p]
        document = _replace(document, data.draw(st.sampled_from(paths)), data.draw(values | st.sampled_from(
            [".github/workflows/x.yml", ".pre-commit-config.yaml", "domains/sales/../../x.yaml",
             "apiVersion: alchemesh.io/v1alpha1\nkind: Team\nmetadata: {name: x}\n"])))
    path = tmp_path / "doc.odps.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    try:
        files = import_documents([path])
    except AlchemeshError as error:
        assert "\n" not in str(error)
        return
    for rel, content in files.items():
        assert rel.startswith("domains/") and _inside(tmp_path, rel), rel
        kinds = {d.get("kind") for d in yaml.safe_load_all(content) if isinstance(d, dict)}
        assert kinds == {"DataProduct"}, (rel, kinds)
