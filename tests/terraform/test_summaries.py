"""Run summaries: destructive changes first, Markdown that fits a GitHub comment and cannot be
broken out of by what Terraform or the specs print."""

from __future__ import annotations

import json
from pathlib import Path

from alchemesh.report import runs
from alchemesh.terraform.outcome import Action, Changes, Outcome, Run, Status

ROOT = Path("/mesh")


def sample(plan: str = "  + resource", count: int = 3) -> Run:
    outcomes = [Outcome(f"d/p{i}", Status.changes, Changes(add=1), ROOT / f".alchemesh/logs/dev/d/p{i}.log",
                        plan_text=plan) for i in range(count)]
    outcomes.append(Outcome("d/risky", Status.changes, Changes(destroy=2, replace=1), plan_text="  - gone"))
    outcomes.append(Outcome("d/broken", Status.failed, error="Error: <script>alert(1)</script> | `x` **y**"))
    outcomes.append(Outcome("d/after", Status.skipped, reason="d/broken failed"))
    return Run(Action.plan, "dev", tuple(outcomes))


def test_destructive_changes_come_first_then_failures():
    keys = [o.key for o in runs.ordered(sample())]
    assert keys[:2] == ["d/risky", "d/broken"]
    assert keys[-1] == "d/after"
    text = runs.to_text(sample(), ROOT)
    assert text.index("d/risky") < text.index("d/p0")
    assert "3 of 6 stack(s) would change" not in text  # risky changes too
    assert "4 of 6 stack(s) would change; +3 to add, ~0 to change, -2 to destroy, ±1 to replace; 1 failed; " \
           "1 skipped" in text


def test_markdown_escapes_what_it_did_not_write():
    markdown = runs.to_markdown(sample(plan="```\n</details><img src=x onerror=alert(1)>\n```"), ROOT)
    assert markdown.splitlines()[0] == "<!-- alchemesh:plan:dev -->"
    assert "<script>" not in markdown and "&lt;script&gt;" in markdown
    assert "\\| \\`x\\` \\*\\*y\\*\\*" in markdown  # the table cell stays one cell, no formatting
    # A plan holding a fence gets a longer fence: the <details> it sits in stays closed by us alone.
    assert "````text\n```\n</details><img" in markdown
    assert markdown.count("<details>") == markdown.count("</details>") - 3  # 3 plans quote "</details>"


def test_markdown_fits_a_github_comment_and_says_what_it_left_out():
    huge = "\n".join(f"  + module.m.null_resource.r[{i}]" for i in range(3_000))  # ~100 kB each
    markdown = runs.to_markdown(sample(plan=huge, count=20), ROOT)
    assert len(markdown) <= runs.COMMENT_LIMIT
    assert "… (cut: see the job log)" in markdown
    assert "more stack plan(s) left out to fit in a comment" in markdown
    assert "| `d/p19` |" in markdown  # the table always lists every stack


def test_json_summary():
    data = json.loads(runs.to_json(sample(), ROOT, base="abc"))
    assert data["command"] == "plan" and data["base"] == "abc"
    assert data["summary"] == {"stacks": 6, "changed": 4, "failed": 1, "interrupted": 0, "testFailed": 0, "guarded": 0,
                               "skipped": 1, "deferred": 0,
                               "add": 3, "change": 0, "destroy": 2, "replace": 1}
    first = data["stacks"][0]
    assert first == {"stack": "d/p0", "status": "changes", "add": 1, "change": 0, "destroy": 0, "replace": 0,
                     "reason": None, "error": None, "cause": None, "log": ".alchemesh/logs/dev/d/p0.log"}


def test_the_text_summary_lists_each_stacks_resource_changes_and_where_the_plan_is(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    many = tuple(("+", f"module.out.null_resource.r[{i}]") for i in range(25))
    run = Run(Action.plan, "dev", (
        Outcome("sales/orders", Status.changes, Changes(add=25, resources=many),
                tmp_path / ".alchemesh/logs/dev/sales/orders.log"),
        Outcome("sales/old", Status.changes, Changes(destroy=1, resources=(("-", "module.out.null_resource.t"),)),
                tmp_path / ".alchemesh/logs/dev/sales/old.log"),
        Outcome("sales/same", Status.no_changes)))
    text = runs.to_text(run, tmp_path)
    assert text.index("sales/old:\n  - module.out.null_resource.t") < text.index("sales/orders:\n  + module")
    assert "  + module.out.null_resource.r[19]" in text and "r[20]" not in text
    assert "  … and 5 more; the plan: .alchemesh/logs/dev/sales/orders.log" in text  # relative to where one stands
    assert "sales/same:" not in text
    assert all(line == line.rstrip() for line in text.splitlines()), "trailing padding"
    assert text.rstrip().endswith("2 of 3 stack(s) would change; +25 to add, ~0 to change, -1 to destroy, "
                                  "±0 to replace")


def test_resource_changes_come_from_the_plan_in_its_order():
    plan = {"resource_changes": [
        {"address": "a.x", "change": {"actions": ["create"]}},
        {"address": "a.y", "change": {"actions": ["delete", "create"]}},
        {"address": "a.z", "change": {"actions": ["no-op"]}},
        {"address": "a.w", "change": {"actions": ["update"]}}]}
    changes = Changes.of_plan(plan)
    assert (changes.add, changes.replace, changes.change) == (1, 1, 1)
    assert changes.resources == (("+", "a.x"), ("±", "a.y"), ("~", "a.w"))


def test_an_error_keeps_its_words_and_paths_but_not_encoded_arguments():
    import base64

    from alchemesh.terraform.results import error_summary

    blob = base64.b64encode(json.dumps({"sql": "x" * 90, "dir": "/tmp/a"}).encode()).decode()
    path = "/tmp/pytest-of-root/pytest-1/test_a_long_folder_name0/repo/mesh-examples/quickstart/orders.sql"
    text = error_summary(f"Error: local-exec provisioner error\nError running command python3 {blob}: exit 1\n{path}")
    assert blob not in text and "python3 …: exit 1" in text and path in text


def test_a_failure_cause_is_the_commands_own_error_first_with_the_meshs_paths(tmp_path):
    from alchemesh.terraform.results import failure_cause

    output = """module.code_x.null_resource.run (local-exec): code-sql: running ../../../../../domains/d/p/t.sql
module.code_x.null_resource.run (local-exec): code-sql: code `x` of d/p: ../../../../../domains/d/p/t.sql failed (nothing was changed): Catalog Error: Table with name gone does not exist!
module.code_x.null_resource.run (local-exec): LINE 3: FROM gone
module.code_x.null_resource.run (local-exec):             ^
╷
│ Error: local-exec provisioner error
│
│   with module.code_x.null_resource.run,
│   on ../../../../../components/local/code-sql/main.tf line 43, in resource "null_resource" "run":
│   43:   provisioner "local-exec" {
│
│ Error running command '{"a":"\\u001b[2J"}': exit status 1. Output: code-sql: running ../../../../../domains/d/p/t.sql
│ code-sql: code `x` of d/p: ../../../../../domains/d/p/t.sql failed (nothing was changed): Catalog Error: Table with
│ name gone does not exist!
╵
"""
    stack = tmp_path / ".alchemesh/build/dev/d/p"
    cause = failure_cause(output, stack, tmp_path)
    assert cause == ("Catalog Error: Table with name gone does not exist! (LINE 3: FROM gone) — code-sql: code `x` of "
                     "d/p: domains/d/p/t.sql failed (nothing was changed)")
    plain = failure_cause('╷\n│ Error: Invalid reference\n│\n│   on main.tf.json line 1:\n│ A reference to a resource '
                          'type must be followed by at least one attribute access.\n╵\n', stack, tmp_path)
    assert plain == "Error: Invalid reference A reference to a resource type must be followed by at least one " \
                    "attribute access."


def test_a_plan_is_read_from_show_json_for_a_person():
    from alchemesh.terraform.plans import plan_text

    plan = {"resource_changes": [
        {"address": "a.made", "change": {"actions": ["create"], "before": None, "after": {"n": 1},
                                         "after_unknown": {"id": True}}},
        {"address": "a.kept", "change": {"actions": ["no-op"], "before": {"n": 1}, "after": {"n": 1}}},
        {"address": "a.moved", "change": {"actions": ["update"], "before": {"tags": {"x": "1"}, "pw": "old"},
                                          "after": {"tags": {"x": "2"}, "pw": "new"},
                                          "before_sensitive": {"pw": True}, "after_sensitive": {"pw": True}}},
        {"address": "a.swapped", "change": {"actions": ["delete", "create"], "before": {"path": "a"},
                                            "after": {"path": "b" * 300}, "replace_paths": [["path"]]}},
        {"address": "a.gone", "change": {"actions": ["delete"], "before": {"n": 1}, "after": None}}],
        "output_changes": {"ports": {"actions": ["update"]}, "same": {"actions": ["no-op"]}}}
    text = plan_text(plan)
    lines = text.splitlines()
    assert lines[0] == "+ a.made" and "    id: null → (known after apply)" in lines and "    n: null → 1" in lines
    assert "a.kept" not in text
    assert "~ a.moved" in lines and "    pw: (sensitive) → (sensitive)" in lines and '    tags.x: "1" → "2"' in lines
    assert "-/+ a.swapped (replaced: path cannot change in place)" in lines
    swapped = next(line for line in lines if line.startswith("    path:"))
    assert swapped.endswith("…") and len(swapped) < 130
    assert "- a.gone" in lines and lines[-2:] == ["outputs:", "  ~ ports"]


def test_a_failure_is_read_from_the_json_stream(tmp_path):
    from alchemesh.terraform.results import failure_cause, for_a_person, read_said

    def record(kind, message, **extra):
        return json.dumps({"@level": "info", "@message": message, "type": kind, **extra})

    hook = {"resource": {"addr": "module.code_x.null_resource.run"}, "provisioner": "local-exec"}
    stream = "\n".join([
        record("version", "Terraform 1.0.3"),
        record("provision_progress", "… (local-exec): code-sql: running", hook={**hook, "output": "code-sql: running "
                                                                                "../../../../../domains/d/p/t.sql"}),
        record("provision_progress", "…", hook={**hook, "output": "code-sql: code `x` of d/p: ../../../../../domains/"
                                                "d/p/t.sql failed (nothing was changed): Catalog Error: no table gone"}),
        record("provision_progress", "…", hook={**hook, "output": "LINE 3: FROM gone"}),
        record("provision_errored", "… Provisioning errored", hook=hook),
        record("apply_errored", "… Creation errored", hook=hook),
        json.dumps({"@level": "error", "@message": "Error: local-exec provisioner error", "type": "diagnostic",
                    "diagnostic": {"severity": "error", "summary": "local-exec provisioner error",
                                   "detail": "Error running command 'x': exit status 1."}}),
        "panic: not JSON at all"])
    said = read_said(stream)
    assert [d.address for d in said.errors] == ["module.code_x.null_resource.run"]
    assert said.text() == "Error: local-exec provisioner error\nError running command 'x': exit status 1."
    stack = tmp_path / ".alchemesh/build/dev/d/p"
    assert failure_cause(said, stack, tmp_path) == ("Catalog Error: no table gone (LINE 3: FROM gone) — code-sql: "
                                                    "code `x` of d/p: domains/d/p/t.sql failed (nothing was changed)")
    assert said.lines[-3:] == ("Error: local-exec provisioner error", "Error running command 'x': exit status 1.",
                               "panic: not JSON at all")
    assert for_a_person('{"@message": "Plan: 1 to add", "type": "change_summary"}') == ["Plan: 1 to add"]
    bare = read_said('{"type": "diagnostic", "@message": "Error: Invalid reference", "diagnostic": {"severity": '
                     '"error", "summary": "Invalid reference", "detail": "A reference must name an attribute."}}')
    assert failure_cause(bare, stack, tmp_path) == "Error: Invalid reference A reference must name an attribute."
