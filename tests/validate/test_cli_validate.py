"""`alchemesh validate` through the real CLI: exit codes, formats, discovery, cache, --changed-only."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.testing.conformance import assert_valid_sarif
from tests.testing import EXAMPLES, assert_no_traceback, copy_mesh, git, run_cli, write_files

BROKEN_PRODUCT = """\
apiVersion: alchemesh.io/v1alpha1
kind: DataProduct
metadata: {name: returns, description: Returned order lines.}
spec:
  domain: sale
  owner: web-shop
  version: 1.0.0
  status: active
"""


@pytest.mark.parametrize("example", ["quickstart", "acme-retail"])
def test_bundled_examples_validate_clean(example, tmp_path):
    target = copy_mesh(EXAMPLES / example, tmp_path / "mesh-examples" / example)
    result = run_cli("validate", "--format", "json", "--fail-on", "warning", str(target))
    assert result.code == 0, result.out
    assert result.json()["findings"] == []


def test_clean_repo_exits_0_with_a_summary(quickstart):
    result = run_cli("validate", str(quickstart))
    assert result.code == 0
    assert "no findings" in result.out


def test_errors_exit_1_with_file_line_col_rule_and_source_line(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    result = run_cli("validate", str(quickstart))
    assert result.code == 1
    assert "domains/sales/returns.yaml:5:11 unresolved-reference domain `sale` does not exist" in result.out
    assert "  domain: sale" in result.out
    assert "did you mean `sales`?" in result.out
    assert "1 error" in result.out


def test_json_format_shape(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    result = run_cli("validate", "--format", "json", str(quickstart))
    body = result.json()
    (finding,) = body["findings"]
    assert {k: finding[k] for k in ("rule", "severity", "file", "line", "column", "hint")} == {
        "rule": "unresolved-reference",
        "severity": "error",
        "file": "domains/sales/returns.yaml",
        "line": 5,
        "column": 11,
        "hint": "did you mean `sales`?",
    }
    assert body["summary"]["errors"] == 1 and body["summary"]["warnings"] == 0


def test_sarif_format(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    sarif = run_cli("validate", "--format", "sarif", str(quickstart)).json()
    assert_valid_sarif(sarif)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert result_uri(run) == "domains/sales/returns.yaml"  # no git repository around it: from the mesh root
    assert run["results"][0]["partialFingerprints"]["alchemeshFinding/v1"]
    assert run["tool"]["driver"]["rules"][run["results"][0]["ruleIndex"]]["help"]["text"]
    assert run["tool"]["driver"]["name"] == "alchemesh"
    (result,) = run["results"]
    assert result["ruleId"] == "unresolved-reference" and result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert (region["startLine"], region["startColumn"]) == (5, 11)
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert rule_ids[result["ruleIndex"]] == "unresolved-reference"


def test_github_format_writes_annotations(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    result = run_cli("validate", "--format", "github", ".", cwd=quickstart)
    assert result.code == 1
    assert result.out.startswith(
        "::error file=domains/sales/returns.yaml,line=5,col=11,title=unresolved-reference::domain `sale` does not exist"
    )


def test_fail_on_warning_turns_a_warning_into_exit_1(quickstart):
    product = quickstart / "domains/sales/orders/product.yaml"
    product.write_text(product.read_text().replace("      contract: urn:datacontract:sales:orders\n", ""))
    assert run_cli("validate", str(quickstart)).code == 0
    strict = run_cli("validate", "--fail-on", "warning", "--format", "json", str(quickstart))
    assert strict.code == 1
    assert [f["rule"] for f in strict.json()["findings"]] == ["port-without-contract"]


def test_missing_directory_is_a_one_line_usage_error(tmp_path):
    result = run_cli("validate", str(tmp_path / "nope"))
    assert result.code == 2
    assert_no_traceback(result)
    assert result.err.strip().count("\n") == 0 and "no such directory" in result.err


def test_unknown_format_is_a_usage_error(quickstart):
    result = run_cli("validate", "--format", "xml", str(quickstart))
    assert result.code == 2
    assert_no_traceback(result)


def test_root_is_found_by_walking_up_from_a_subdirectory(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    result = run_cli("validate", "--format", "json", cwd=quickstart / "domains" / "sales")
    assert result.code == 1
    assert result.json()["findings"][0]["file"] == "domains/sales/returns.yaml"


def test_one_broken_file_does_not_hide_the_others(quickstart):
    write_files(quickstart, {"domains/sales/broken.yaml": "a: [1,\n", "domains/sales/returns.yaml": BROKEN_PRODUCT})
    rules = {f["rule"] for f in run_cli("validate", "--format", "json", str(quickstart)).json()["findings"]}
    assert rules == {"yaml-syntax", "unresolved-reference"}


@pytest.mark.parametrize(
    "content",
    [
        b"a: caf\xe9\n",
        b"a: &a [x, x]\nb: &b [*a, *a]\n" + b"".join(
            f"{chr(99 + i)}: &{chr(99 + i)} [{', '.join(['*' + chr(98 + i)] * 10)}]\n".encode() for i in range(7)
        ),
        b"[" * 50_000 + b"]" * 50_000,
        b"\x00\x01\x02",
        "\ufeff\u202e: \u0000".encode("utf-16"),
    ],
    ids=["latin1", "alias-bomb", "deep-nesting", "binary", "utf16"],
)
def test_hostile_files_become_findings_not_crashes(quickstart, content):
    write_files(quickstart, {"hostile.yaml": content})
    result = run_cli("validate", "--format", "json", str(quickstart))
    assert_no_traceback(result)
    assert result.code == 1
    (finding,) = result.json()["findings"]
    assert finding["rule"] == "yaml-syntax" and finding["file"] == "hostile.yaml"


def test_yaml_without_api_version_is_skipped_and_foreign_kinds_are_ignored(quickstart):
    write_files(quickstart, {
        "config/settings.yaml": "just: config\n",
        "k8s.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: X}\n",
    })
    assert run_cli("validate", "--format", "json", str(quickstart)).json()["findings"] == []


def test_exclude_globs_and_gitignore_are_honoured(git_quickstart):
    mesh = git_quickstart / "alchemesh.yaml"
    mesh.write_text(mesh.read_text().replace('exclude: [".alchemesh/**"]', 'exclude: [".alchemesh/**", "drafts/**"]'))
    write_files(git_quickstart, {
        "drafts/returns.yaml": BROKEN_PRODUCT,
        "scratch/returns.yaml": BROKEN_PRODUCT,
        ".gitignore": "scratch/\n",
    })
    result = run_cli("validate", "--format", "json", str(git_quickstart))
    assert result.json()["findings"] == [], result.out


def test_cache_gives_the_same_answer_and_is_never_stale(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    cold = run_cli("validate", "--format", "json", str(quickstart))
    assert (quickstart / ".alchemesh" / "cache" / "files.json").is_file()
    warm = run_cli("validate", "--format", "json", str(quickstart))
    assert warm.out == cold.out
    fixed = BROKEN_PRODUCT.replace("domain: sale\n", "domain: sales\n")
    write_files(quickstart, {"domains/sales/returns.yaml": fixed})
    assert run_cli("validate", "--format", "json", str(quickstart)).json()["findings"] == []


def test_a_corrupt_cache_is_ignored(quickstart):
    write_files(quickstart, {".alchemesh/cache/files.json": "{not json", "domains/sales/returns.yaml": BROKEN_PRODUCT})
    result = run_cli("validate", "--format", "json", str(quickstart))
    assert result.code == 1 and len(result.json()["findings"]) == 1


def test_a_tampered_cache_entry_with_another_digest_is_not_used(quickstart):
    run_cli("validate", str(quickstart))
    cache_file = quickstart / ".alchemesh" / "cache" / "files.json"
    cache = json.loads(cache_file.read_text())
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    cache["files"]["domains/sales/returns.yaml"] = {"digest": "0" * 32, "docs": [], "findings": [], "waivers": []}
    cache_file.write_text(json.dumps(cache))
    assert run_cli("validate", "--format", "json", str(quickstart)).code == 1


def test_changed_only_reports_findings_in_changed_files(git_quickstart):
    segments = git_quickstart / "domains/marketing/segments/product.yaml"
    segments.write_text(segments.read_text().replace("owner: growth-analytics", "owner: growth"))
    git(git_quickstart, "commit", "-qam", "break segments")
    write_files(git_quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    everything = run_cli("validate", "--format", "json", str(git_quickstart)).json()["findings"]
    changed = run_cli("validate", "--changed-only", "--format", "json", str(git_quickstart))
    assert {f["file"] for f in everything} == {"domains/sales/returns.yaml", "domains/marketing/segments/product.yaml"}
    assert [f["file"] for f in changed.json()["findings"]] == ["domains/sales/returns.yaml"]
    assert changed.code == 1


def test_changed_only_outside_git_is_a_usage_error(quickstart):
    result = run_cli("validate", "--changed-only", str(quickstart))
    assert result.code == 2
    assert_no_traceback(result)


def test_output_is_deterministic(quickstart):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT, "bad.yaml": "a: [\n"})
    first = run_cli("validate", "--format", "sarif", "--no-cache", str(quickstart)).out
    assert run_cli("validate", "--format", "sarif", "--no-cache", str(quickstart)).out == first


def test_the_cache_is_never_stale_for_a_local_component_module(quickstart: Path):
    """A module's `.tf` files are inputs of `component-config`: an edit there, even one that keeps the file's
    size and time, is seen by the next cached validate."""
    mesh = quickstart
    assert run_cli("validate", cwd=mesh).code == 0
    variables = mesh.parents[1] / "components/local/code-sql/variables.tf"
    before = variables.stat()
    text = variables.read_text()
    required = '\nvariable "region" {\n  type = string\n}\n'
    variables.write_text(text + required)
    stale = run_cli("validate", "--format", "json", cwd=mesh)
    assert stale.code == 1 and any("needs `config.region`" in f["message"] for f in stale.json()["findings"])

    # Same size, same mtime: `default = "eu"` becomes `default = "us"` and the time is set back.
    variables.write_text(text + required.replace("type = string", 'default = "eu"'))
    assert run_cli("validate", cwd=mesh).code == 0
    stamp = variables.stat()
    variables.write_text(text + required.replace("type = string", "type =  number"))
    os.utime(variables, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert variables.stat().st_size == stamp.st_size and before.st_size != stamp.st_size
    assert run_cli("validate", cwd=mesh).code == 1
    assert run_cli("compile", cwd=mesh).code == 1  # the build path reads the same key


def test_a_sub_folder_is_validated_as_the_mesh_it_is_in(quickstart: Path):
    whole = run_cli("validate", "--format", "json", str(quickstart)).json()
    from_inside = run_cli("validate", "--format", "json", str(quickstart / "domains" / "sales"))
    assert from_inside.code == 0 and from_inside.json() == whole
    cwd_inside = run_cli("validate", "--format", "json", cwd=quickstart / "domains")
    assert cwd_inside.json() == whole


def test_a_folder_above_several_meshes_names_them_instead_of_merging_them(tmp_path: Path):
    for name in ("one", "two"):
        copy_mesh(EXAMPLES / "quickstart", tmp_path / "meshes" / name)
    for where in ({"cwd": tmp_path}, {"args": (str(tmp_path),)}):
        result = run_cli("validate", *where.get("args", ()), cwd=where.get("cwd"))
        assert result.code == 2 and "the meshes below it: meshes/one, meshes/two" in result.err, result.err
        assert result.err.count("\n") == 1
        assert_no_traceback(result)
    empty = tmp_path / "empty"
    empty.mkdir()
    for where in ({"cwd": empty}, {"args": (str(empty),)}):  # no mesh anywhere: one line, nothing written
        result = run_cli("validate", *where.get("args", ()), cwd=where.get("cwd") or tmp_path)
        assert result.code == 2 and "is not in a mesh" in result.err and "run `alchemesh init`" in result.err
        assert result.err.count("\n") == 1 and result.out == ""
    assert list(empty.iterdir()) == []


def test_a_file_is_not_a_mesh_and_the_message_names_the_folder(quickstart: Path):
    result = run_cli("validate", "domains/sales/orders/product.yaml", cwd=quickstart)
    assert result.code == 2 and "alchemesh checks a whole mesh" in result.err
    assert f"pass its folder, {quickstart.resolve()}" in result.err and result.err.count("\n") == 1


def test_no_cache_reads_and_writes_no_cache(quickstart: Path):
    """`--no-cache` means none: not the report, not the files, not the module readings."""
    mesh = quickstart
    shutil.rmtree(mesh / ".alchemesh", ignore_errors=True)
    assert run_cli("validate", "--no-cache", cwd=mesh).code == 0
    assert not (mesh / ".alchemesh").exists()
    assert run_cli("validate", cwd=mesh).code == 0
    assert list((mesh / ".alchemesh/cache/modules").iterdir())


def result_uri(run: dict) -> str:
    return run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]


def test_sarif_of_a_mesh_in_a_sub_folder_points_at_the_repository_path_and_keeps_its_fingerprint(quickstart):
    from tests.testing import git

    repo = quickstart.parent.parent  # the copy sits at mesh-examples/quickstart of a repository
    git(repo, "init", "-q", "-b", "main")
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    first = run_cli("validate", "--format", "sarif", str(quickstart)).json()
    assert_valid_sarif(first)
    assert result_uri(first["runs"][0]) == "mesh-examples/quickstart/domains/sales/returns.yaml"
    (quickstart / "domains/sales/returns.yaml").write_text("# a line above moves the finding down\n" + BROKEN_PRODUCT)
    moved = run_cli("validate", "--format", "sarif", str(quickstart)).json()
    assert moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] == 6
    assert moved["runs"][0]["results"][0]["partialFingerprints"] == first["runs"][0]["results"][0]["partialFingerprints"]


def test_text_findings_give_paths_the_user_can_open_from_where_they_stand(quickstart: Path):
    write_files(quickstart, {"domains/sales/returns.yaml": BROKEN_PRODUCT})
    above = quickstart.parent.parent  # the repository holding mesh-examples/quickstart
    result = run_cli("validate", "mesh-examples/quickstart", cwd=above)
    assert result.code == 1 and "mesh-examples/quickstart/domains/sales/returns.yaml:5:11" in result.out
    inside = run_cli("validate", cwd=quickstart / "domains" / "sales")
    assert "returns.yaml:5:11 unresolved-reference" in inside.out and "domains/sales/returns.yaml" not in inside.out
    as_json = run_cli("validate", "--format", "json", "mesh-examples/quickstart", cwd=above).json()
    assert as_json["findings"][0]["file"] == "domains/sales/returns.yaml"  # JSON: from the mesh root (SPEC §4)
    (quickstart / "domains/sales/returns.yaml").unlink()
    compiled = run_cli("compile", "mesh-examples/quickstart", cwd=above)
    assert "stack(s) in mesh-examples/quickstart/.alchemesh/build/dev," in compiled.out, compiled.out


def test_a_sql_file_that_is_not_there_is_a_finding_at_its_config_line_and_the_cache_sees_it_go(quickstart: Path):
    product = "domains/sales/orders/product.yaml"
    assert run_cli("validate", cwd=quickstart).code == 0  # warm: the report cache says clean
    sql = quickstart / "domains/sales/orders/transform/orders.sql"
    moved = sql.with_name("orders-v2.sql")
    sql.rename(moved)
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert result.code == 1, result.out
    (finding,) = result.json()["findings"]
    line = next(i for i, text in enumerate((quickstart / product).read_text().splitlines(), 1) if "sql_file" in text)
    assert (finding["rule"], finding["file"], finding["line"]) == ("component-config", product, line)
    assert "no file transform/orders.sql (at domains/sales/orders/transform/orders.sql)" in finding["message"]
    moved.rename(sql)
    assert run_cli("validate", cwd=quickstart).code == 0
