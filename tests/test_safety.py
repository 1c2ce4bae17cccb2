"""Nothing deleted that alchemesh did not make, nothing read or fetched that the repo does not hold, and
hostile input gets a finding or one line — through the real CLI."""

from __future__ import annotations

import hashlib
import http.server
import json
import os
import resource
import subprocess
import sys
import threading
from pathlib import Path


from tests.testing import assert_no_traceback, commit, edit, git, run_cli, write_files

TEAM = "apiVersion: alchemesh.io/v1alpha1\nkind: Team\nmetadata:\n  name: {name}\nspec:\n  displayName: X\n"


def _build_is_consistent(out: Path) -> dict:
    manifest = json.loads((out / "manifest.json").read_bytes())
    for stack in manifest["stacks"]:
        assert hashlib.sha256((out / stack["path"]).read_bytes()).hexdigest() == stack["hash"], stack["key"]
    return manifest


# --- compile --out --------------------------------------------------------------------------------------


def test_compile_refuses_an_out_folder_with_foreign_content(quickstart: Path, tmp_path: Path):
    foreign = tmp_path / "infra"
    write_files(foreign, {"dev/vpc/main.tf.json": "{}", "dev/vpc/terraform.tfstate": '{"version": 4}'})
    result = run_cli("compile", "--out", str(foreign), cwd=quickstart)
    assert result.code == 2, result.out + result.err
    assert "did not build" in result.err and len(result.err.strip().splitlines()) == 1
    assert (foreign / "dev/vpc/terraform.tfstate").read_text() == '{"version": 4}'
    # Terraform's working files of stacks (a CI cache restored them) are no foreign content; anything beside them is
    restored = tmp_path / "restored"
    write_files(restored, {"dev/sales/orders/.terraform/providers/x": "binary", "dev/sales/orders/.terraform.lock.hcl": ""})
    assert run_cli("compile", "--out", str(restored), cwd=quickstart).code == 0
    write_files(foreign, {"dev/vpc/main.tf.json": None, "dev/vpc/terraform.tfstate": None,
                          "dev/vpc/.terraform/providers/x": "binary", "dev/vpc/notes.txt": "mine"})
    assert run_cli("compile", "--out", str(foreign), cwd=quickstart).code == 2

    as_file = tmp_path / "a-file"
    as_file.write_text("keep me")
    result = run_cli("compile", "--out", str(as_file), cwd=quickstart)
    assert result.code == 2 and "is a file" in result.err, result.err
    assert as_file.read_text() == "keep me"
    assert_no_traceback(result)


def test_compile_removes_only_the_stacks_it_made(quickstart: Path, tmp_path: Path):
    out = tmp_path / "build"
    assert run_cli("compile", "--out", str(out), cwd=quickstart).code == 0
    # Someone else's files inside the build: a stray stack file, a Terraform project of their own.
    write_files(out, {"dev/main.tf.json": "{}", "dev/theirs/main.tf.json": "{}", "dev/theirs/terraform.tfstate": "x",
                      "dev/marketing/segments/notes.txt": "mine"})
    # A product goes away: its stack is removed, file by file, and nothing else is.
    import shutil
    shutil.rmtree(quickstart / "domains/marketing/segments")
    result = run_cli("compile", "--out", str(out), cwd=quickstart)
    assert result.code == 0, result.out + result.err
    assert (out / "dev/main.tf.json").is_file() and (out / "dev/theirs/terraform.tfstate").read_text() == "x"
    assert not (out / "dev/marketing/segments/main.tf.json").exists()
    assert (out / "dev/marketing/segments/notes.txt").read_text() == "mine"
    assert (out / "dev/sales/orders/main.tf.json").is_file()
    manifest = _build_is_consistent(out / "dev")
    assert "marketing/segments" not in {s["key"] for s in manifest["stacks"]}


def test_a_failed_write_leaves_the_previous_build_whole(quickstart: Path, tmp_path: Path):
    out = tmp_path / "build"
    assert run_cli("compile", "--out", str(out), cwd=quickstart).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(quickstart, "domains/sales/customers/contract.odcs.yaml",
         ("      - name: email\n", "      - name: loyalty_tier\n        logicalType: string\n      - name: email\n"))

    def small_disk():  # writes past 2 kB fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    proc = subprocess.run([sys.executable, "-m", "alchemesh", "compile", "--out", str(out)], cwd=quickstart,
                          capture_output=True, text=True, preexec_fn=small_disk, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "previous build is intact" in proc.stderr
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    _build_is_consistent(out / "dev")
    assert run_cli("compile", "--out", str(out), "--check", cwd=quickstart).code == 1  # stale, not broken


def test_a_write_interrupted_after_its_journal_is_completed(quickstart: Path, tmp_path: Path, monkeypatch):
    from alchemesh.compile import output
    from alchemesh.pipeline import Pipeline

    out = tmp_path / "build"
    assert run_cli("compile", "--out", str(out), cwd=quickstart).code == 0
    edit(quickstart, "domains/sales/customers/contract.odcs.yaml",
         ("      - name: email\n", "      - name: loyalty_tier\n        logicalType: string\n      - name: email\n"))
    directory, build = Pipeline(quickstart).compile(None, out).builds[0]
    real = output.recover
    monkeypatch.setattr(output, "recover", lambda path: None)  # "killed" right after the journal was written
    output.write(build, directory)
    assert (directory / output.JOURNAL).is_file()
    assert "interrupted" in run_cli("compile", "--out", str(out), "--check", cwd=quickstart).out
    monkeypatch.setattr(output, "recover", real)
    assert run_cli("compile", "--out", str(out), cwd=quickstart).code == 0
    assert not (directory / output.JOURNAL).exists()
    assert not list(directory.rglob(".*.next-*"))
    assert run_cli("compile", "--out", str(out), "--check", cwd=quickstart).code == 0
    _build_is_consistent(directory)
    # Staged by a write killed before its journal: removed by the next one, the build untouched.
    abandoned = directory / "sales/orders" / f".main.tf.json.next-{2**22 + 7}"
    abandoned.write_text("{}")
    edit(quickstart, "domains/sales/customers/contract.odcs.yaml", ("loyalty_tier", "loyalty_level"))
    assert run_cli("compile", "--out", str(out), cwd=quickstart).code == 0
    assert not abandoned.exists()
    _build_is_consistent(directory)


def test_plan_never_uses_a_build_compiled_from_other_specs(git_quickstart: Path):
    mesh = git_quickstart
    assert run_cli("plan", "--matrix", cwd=mesh).code == 0  # records the build of these specs
    contract = mesh / "domains/sales/customers/contract.odcs.yaml"
    original = contract.read_text()
    edit(mesh, "domains/sales/customers/contract.odcs.yaml",
         ("      - name: email\n", "      - name: loyalty_tier\n        logicalType: string\n      - name: email\n"))
    assert run_cli("compile", cwd=mesh).code == 0  # another build on disk
    contract.write_text(original)  # back to the specs the record was made for
    assert run_cli("plan", "--matrix", cwd=mesh).code == 0
    check = run_cli("compile", "--check", cwd=mesh)
    assert check.code == 0, check.out  # what plan would run is what these specs compile to


def test_producer_state_paths_are_never_templates(tmp_path: Path):
    from tests.testing import QUICKSTART
    import shutil

    mesh = tmp_path / "d${path.module}%{ if true }\"q" / "quickstart"
    shutil.copytree(QUICKSTART, mesh, ignore=shutil.ignore_patterns(".alchemesh"))
    shutil.copytree(QUICKSTART.parents[1] / "components", mesh.parent.parent / "components")
    edit(mesh, "alchemesh.yaml", ('''    backend:
      type: local
      config:
        path: "{root}/.alchemesh/state/{env}/{domain}/{product}.tfstate"
''', ""))
    # The product's folder inside the repo is hostile too: paths into the repo are relative, and escaped.
    shutil.move(mesh / "domains/marketing/segments", mesh / "domains/marketing/s${path.module}%{ if true }")
    assert run_cli("compile", cwd=mesh).code == 0
    stack_file = mesh / ".alchemesh/build/dev/marketing/segments/main.tf.json"
    stack = json.loads(stack_file.read_text())
    path = stack["data"]["terraform_remote_state"]["producer_marketing__customer-value"]["config"]["path"]
    assert path == "../customer-value/terraform.tfstate"  # relative to the stack: the checkout's folder is not in it
    assert "d$${path.module}" not in stack_file.read_text() and "d${path.module}" not in stack_file.read_text()
    spec_dirs = {m["spec_dir"] for m in stack["module"].values()}
    assert spec_dirs == {"../../../../../domains/marketing/s$${path.module}%%{ if true }"}


# --- what validation reads ------------------------------------------------------------------------------


def test_policy_references_outside_the_schema_are_never_read(quickstart: Path, tmp_path: Path):
    secret = tmp_path / "secret.json"
    secret.write_text('{"type": "string", "description": "AKIA-SECRET-VALUE"}')
    hits: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b'{"type": "object"}')

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        edit(quickstart, "alchemesh.yaml", ("  compatibility: consumer\n", f"""  compatibility: consumer
  policies:
    - id: local-file
      severity: error
      message: described
      match: {{kind: DataProduct}}
      schema: {{properties: {{metadata: {{$ref: "file://{secret}"}}}}}}
    - id: network
      severity: error
      message: described
      match: {{kind: DataProduct}}
      schema: {{$defs: {{a: {{type: object}}}}, properties: {{spec: {{$ref: "http://127.0.0.1:{server.server_port}/x.json"}}}}}}
    - id: inside
      severity: error
      message: has a spec
      match: {{kind: DataProduct}}
      schema: {{$defs: {{obj: {{type: object}}}}, properties: {{spec: {{$ref: "#/$defs/obj"}}}}}}
"""))
        result = run_cli("validate", "--format", "json", cwd=quickstart)
    finally:
        server.shutdown()
    assert_no_traceback(result)
    assert hits == []
    assert "AKIA-SECRET-VALUE" not in result.out + result.err
    findings = [f for f in result.json()["findings"] if f["rule"] == "policy"]
    assert sorted(f["policy"] for f in findings) == ["local-file", "network"], findings
    assert all("outside the policy's schema" in f["message"] for f in findings)
    lines = (quickstart / "alchemesh.yaml").read_text().splitlines()
    refs = {i + 1 for i, line in enumerate(lines) if "$ref" in line and "#/" not in line}
    assert {f["line"] for f in findings} == refs and len(refs) == 2  # at the `$ref`


def test_symlinks_out_of_the_repo_and_special_files_are_never_read(quickstart: Path, tmp_path: Path):
    credentials = tmp_path / "credentials"
    credentials.write_text("[default]\naws_secret_access_key = SECRET-KEY-LINE\n")
    elsewhere = tmp_path / "team.yaml"
    elsewhere.write_text(TEAM.format(name="smuggled"))
    (quickstart / "aws.yaml").symlink_to(credentials)
    (quickstart / "team-link.yaml").symlink_to(elsewhere)
    (quickstart / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(quickstart / "fifo.yaml")
    write_files(quickstart, {"real/other.yaml": TEAM.format(name="inside")})
    (quickstart / "inside-link.yaml").symlink_to(quickstart / "real/other.yaml")

    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert_no_traceback(result)
    assert "SECRET-KEY-LINE" not in result.out + result.err
    by_file = {f["file"]: f for f in result.json()["findings"]}
    for name in ("aws.yaml", "team-link.yaml", "zero.yaml"):
        assert "outside the repo" in by_file[name]["message"], by_file
    assert "not a regular file" in by_file["fifo.yaml"]["message"]
    assert "inside-link.yaml" not in by_file  # a link inside the repo is an ordinary file
    text = run_cli("validate", cwd=quickstart)
    assert "SECRET-KEY-LINE" not in text.out + text.err
    graph = run_cli("graph", "--format", "json", cwd=quickstart)
    assert "smuggled" not in graph.out


def test_hostile_yaml_gets_findings_never_a_crash(quickstart: Path):
    write_files(quickstart, {
        "deep.yaml": "? " * 600 + "x\n",
        "hex.yaml": "a: 0x" + "f" * 3700 + "\n",
        "octal.yaml": "a: 0o" + "7" * 5000 + "\n",
        "bell.yaml": "apiVersion: alchemesh.io/v1alpha1\nkind: Team\nmetadata:\n  name: a\x07b\n",
    })
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert result.code == 1, result.err
    assert_no_traceback(result)
    by_file = {f["file"]: f for f in result.json()["findings"]}
    assert "nesting deeper" in by_file["deep.yaml"]["message"]
    assert by_file["hex.yaml"]["rule"] == by_file["octal.yaml"]["rule"] == "yaml-syntax"
    bell = by_file["bell.yaml"]
    assert (bell["line"], bell["column"]) == (4, 10) and "\n" not in bell["message"] and "U+0007" in bell["message"]
    # The other files' findings are still there: one bad file never hides the rest.
    assert run_cli("validate", cwd=quickstart).out.count("yaml-syntax") == 4


def test_file_names_cannot_forge_lines_and_sarif_uris_are_encoded(quickstart: Path):
    name = "x\nforged.yaml:1:1 schema all good (error)\n.yaml"
    write_files(quickstart, {name: "a: [\n", "space and %.yaml": "a: [\n"})
    text = run_cli("validate", cwd=quickstart)
    assert not [line for line in text.out.splitlines() if line.startswith("forged.yaml")], text.out
    assert "x\\nforged.yaml" in text.out
    sarif = json.loads(run_cli("validate", "--format", "sarif", cwd=quickstart).out)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert "space%20and%20%25.yaml" in uris
    assert all("\n" not in uri and " " not in uri for uri in uris)


def test_exclude_globs_match_in_linear_time(quickstart: Path):
    edit(quickstart, "alchemesh.yaml", ('exclude: [".alchemesh/**"]', 'exclude: [".alchemesh/**", "' + "**/" * 14 + 'z"]'))
    write_files(quickstart, {"/".join(["a"] * 30) + "/b.yaml": "a: 1\n"})
    # Before, a backtracking regex took minutes on this; the subprocess timeout guards against a hang.
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 0, result.out + result.err


def test_nested_repositories_are_skipped_outside_git_as_in_git(quickstart: Path):
    write_files(quickstart, {"vendor-sub/.git": "gitdir: ../.git/modules/sub\n",
                             "vendor-sub/team.yaml": TEAM.format(name="web-shop")})
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert result.code == 0, result.out  # a duplicate team, were the submodule read


def test_structurally_wrong_cache_entries_are_misses(quickstart: Path):
    assert run_cli("validate", cwd=quickstart).code == 0
    cache = quickstart / ".alchemesh/cache/files.json"
    content = json.loads(cache.read_text())
    for entry in content["files"].values():
        entry["docs"] = "nonsense"
        entry["findings"] = [["only-one-field"]]
    cache.write_text(json.dumps(content))
    (quickstart / ".alchemesh/cache/report.json").write_text('{"key": 1, "findings": 2}')
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 0, result.out + result.err
    assert json.loads(cache.read_text())["files"] != content["files"]  # rewritten, not kept


def test_a_folder_named_like_a_terraform_file_is_no_file(quickstart: Path):
    module = quickstart.parents[1] / "components" / "local" / "code-sql"
    (module / "old.tf").mkdir()
    result = run_cli("validate", cwd=quickstart)
    assert result.code == 0, result.out + result.err


def test_config_keys_that_are_not_module_variables(quickstart: Path):
    edit(quickstart, "alchemesh.yaml", ("    local-sql:\n      type: code\n      source: ../../components/local/code-sql",
                                        "    local-sql:\n      type: code\n      source: git::https://example.com/m.git"))
    edit(quickstart, "domains/sales/orders/product.yaml",
         ("sql_file: transform/orders.sql", 'sql_file: transform/orders.sql, lifecycle: {}, provider: x, "//": c'))
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    found = {f["message"].split("`")[1] for f in result.json()["findings"] if f["rule"] == "component-config"}
    assert found == {"lifecycle", "provider", "//"}, result.out
    assert run_cli("compile", cwd=quickstart).code == 1


def test_write_errors_are_one_line(quickstart: Path):
    def no_room():
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))

    proc = subprocess.run([sys.executable, "-m", "alchemesh", "compile"], cwd=quickstart, capture_output=True,
                          text=True, preexec_fn=no_room)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr and "internal error" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


# --- contracts and git ----------------------------------------------------------------------------------


def test_contract_values_cannot_forge_the_pr_comment(git_quickstart: Path):
    mesh = git_quickstart
    edit(mesh, "domains/sales/customers/contract.odcs.yaml",
         ("      - name: email\n", ""),
         ("version: 1.0.0", 'version: "2.0.0[/]\\n\\n### ✅ Contract changes are compatible\\n@admin <img src=x>"'))
    markdown = run_cli("contracts", "check", "--against", "HEAD", "--format", "markdown", cwd=mesh)
    assert_no_traceback(markdown)
    headings = [line for line in markdown.out.splitlines() if line.startswith("#")]
    assert headings == ["### ❌ Breaking contract changes"], markdown.out
    assert "<img" not in markdown.out and "@admin" not in markdown.out
    text = run_cli("contracts", "check", "--against", "HEAD", cwd=mesh)
    assert text.code == 1, text.out + text.err  # a finding, not a markup error
    assert "2.0.0[/]" in text.out


def test_two_files_with_one_contract_id_are_both_checked(git_quickstart: Path):
    mesh = git_quickstart
    original = (mesh / "domains/sales/customers/contract.odcs.yaml").read_text()
    write_files(mesh, {"domains/sales/customers/copy.odcs.yaml": original})
    commit(mesh, "a copy")
    edit(mesh, "domains/sales/customers/copy.odcs.yaml",
         ("      - name: country\n", "      - name: country_gone\n"))  # a field customer-value reads
    result = run_cli("contracts", "check", "--against", "HEAD", "--format", "json", cwd=mesh)
    assert result.code == 1, result.out
    rules = {f["rule"] for f in result.json()["findings"]}
    assert "duplicate-name" in rules and "field-removed" in rules, rules


def test_file_names_with_separators_do_not_break_git_history(git_quickstart: Path):
    mesh = git_quickstart
    write_files(mesh, {"odd\x1fname\nx.yaml": "a: 1\n"})
    commit(mesh, "an odd name")
    edit(mesh, "domains/sales/customers/contract.odcs.yaml", ("version: 1.0.0", "version: 1.1.0"))
    commit(mesh, "a version")
    result = run_cli("contracts", "changelog", "urn:datacontract:sales:customers", cwd=mesh)
    assert result.code == 0, result.out + result.err
    assert "1.1.0" in result.out and "1.0.0" in result.out
    site = run_cli("docs", "build", cwd=mesh)
    assert site.code == 0, site.out + site.err


def test_a_shallow_clone_says_its_history_is_cut(git_quickstart: Path, tmp_path: Path):
    mesh = git_quickstart
    edit(mesh, "domains/sales/customers/contract.odcs.yaml", ("version: 1.0.0", "version: 1.1.0"))
    commit(mesh, "a version")
    clone = tmp_path / "mesh-examples" / "shallow"  # beside the mesh: its components are reached alike
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{mesh}", str(clone))
    result = run_cli("contracts", "changelog", "urn:datacontract:sales:customers", cwd=clone)
    assert result.code == 0, result.err
    assert "shallow clone" in result.out and "first version" not in result.out
    full = run_cli("contracts", "changelog", "urn:datacontract:sales:customers", cwd=mesh)
    assert "first version" in full.out and "shallow" not in full.out
    assert run_cli("docs", "build", cwd=clone).code == 0
    page = next((clone / ".alchemesh/site/contracts").glob("*.html")).read_text()
    assert "shallow clone" in page


# --- the catalog ----------------------------------------------------------------------------------------


def test_docs_build_removes_abandoned_staging_and_never_merges_pages(quickstart: Path):
    site = quickstart / ".alchemesh/site"
    dead = 2**22 + 12345  # above the default pid_max of 2**22: no process has it
    abandoned = quickstart / ".alchemesh" / f".site.building-{dead}"
    write_files(abandoned, {"index.html": "half"})
    contract = (quickstart / "domains/sales/customers/contract.odcs.yaml").read_text()
    write_files(quickstart, {
        "c1.odcs.yaml": contract.replace("id: urn:datacontract:sales:customers", "id: 'Same Id'"),
        "c2.odcs.yaml": contract.replace("id: urn:datacontract:sales:customers", "id: 'same-id-" +
                                         hashlib.sha256(b"Same Id").hexdigest()[:10] + "'"),
        "c3.odcs.yaml": contract.replace("id: urn:datacontract:sales:customers", 'id: "newline\\n"'),
    })
    result = run_cli("docs", "build", cwd=quickstart)
    assert result.code == 0, result.out + result.err
    assert not abandoned.exists()
    pages = [p.name for p in (site / "contracts").glob("*.html")]
    assert len(pages) == len(set(pages)) == 7  # four contracts of the quickstart and three more
    assert not [p for p in pages if "\n" in p]


def test_a_full_disk_under_docs_build_names_the_file_and_keeps_the_site(quickstart: Path, tmp_path: Path):
    out = tmp_path / "site"
    assert run_cli("docs", "build", "--out", str(out), cwd=quickstart).code == 0
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    edit(quickstart, "domains/sales/customers/product.yaml", ("status: active", "status: deprecated"))

    def small_disk():  # writes past 2 kB fail with EFBIG, as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    proc = subprocess.run([sys.executable, "-m", "alchemesh", "docs", "build", "--out", str(out)], cwd=quickstart,
                          capture_output=True, text=True, preexec_fn=small_disk, env={**os.environ, "NO_COLOR": "1"})
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"cannot use {out}/" in proc.stderr and "the previous site is intact" in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
