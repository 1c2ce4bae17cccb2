"""`.gitignore` outside git and the Mesh's `exclude` read as git reads them: held to git itself (`git check-ignore
--no-index`) on generated patterns and paths — pathspec's `GitIgnoreSpec` differs from git where a folder is
ignored and a negation below it would re-include (`build/` then `!build/keep.yaml`: git keeps it ignored) —, a few
cases a user hit, and a pattern no regex survives."""

from __future__ import annotations

from pathlib import Path

import shutil
import subprocess
import tempfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alchemesh.load.ignore import IgnoreRules
from tests.testing import edit, run_cli

segments = st.sampled_from(["a", "b", "ab", "*", "?", "a*", "*b", "[ab]", "[!a]", "[a-c]", "**", "\\*", "a?b"])
patterns = st.builds(
    lambda lead, parts, negated, trailing: ("!" if negated else "") + lead + "/".join(parts) + trailing,
    st.sampled_from(["", "/", "**/"]), st.lists(segments, min_size=1, max_size=3), st.booleans(),
    st.sampled_from(["", "/", "/**"]))
paths = st.lists(st.sampled_from(["a", "b", "ab", "ba", "c", "aab", "*"]), min_size=1, max_size=4).map("/".join)


def git_ignores(lines: list[str], path: str) -> bool:
    """git's own answer, in a folder of its own holding that `.gitignore` and that file."""
    folder = Path(tempfile.mkdtemp(prefix="alchemesh-ignore-"))
    try:
        (folder / ".gitignore").write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_text("")
        subprocess.run(["git", "init", "-q", "."], cwd=folder, check=True, capture_output=True)
        result = subprocess.run(["git", "check-ignore", "--no-index", "-q", "--", path], cwd=folder,
                                capture_output=True)
        assert result.returncode in (0, 1), result.stderr
        return result.returncode == 0
    finally:
        shutil.rmtree(folder)


@settings(max_examples=150, deadline=None)
@given(lines=st.lists(patterns, min_size=1, max_size=4), path=paths)
def test_the_same_answer_as_git(lines, path):
    assert IgnoreRules(lines).ignores(path) == git_ignores(lines, path), (lines, path)


@pytest.mark.parametrize(("lines", "path", "ignored"), [
    (["domains/*", "!domains/sales/"], "domains/sales/orders/product.yaml", False),
    (["domains/*", "!domains/sales/"], "domains/marketing/segments/product.yaml", True),
    (["[Dd]rafts/"], "domains/sales/Drafts/x.yaml", True),
    (["[Dd]rafts/"], "drafts.yaml", False),
    (["build/", "!build/keep.yaml"], "build/keep.yaml", True),  # a folder ignored: nothing below comes back
    (["build/**", "!build/keep.yaml"], "build/keep.yaml", False),
    (["\\#notes.yaml"], "#notes.yaml", True),
    (["\\!x.yaml"], "!x.yaml", True),
    (["x.yaml\\ "], "x.yaml ", True),
    (["x.yaml   "], "x.yaml", True),
    (["/top.yaml"], "sub/top.yaml", False),
    (["a/**/b.yaml"], "a/b.yaml", True),
])
def test_what_git_says(lines, path, ignored):
    assert IgnoreRules(lines).ignores(path) is ignored
    assert git_ignores(lines, path) is ignored


def test_a_gitignore_outside_git_drops_only_what_git_would(quickstart: Path):
    (quickstart / ".gitignore").write_text("domains/*\n!domains/sales/\n.alchemesh/\n")
    result = run_cli("validate", "--format", "json", cwd=quickstart)  # not a git repository: the fallback
    assert result.code == 0, result.out
    assert result.json()["summary"]["files"] == len([p for p in quickstart.rglob("*.yaml") if ".alchemesh" not in
                                                      p.parts and "marketing" not in p.parts])
    graph = run_cli("graph", "--format", "json", cwd=quickstart).json()
    assert {p["id"] for p in graph["products"]} == {"sales/orders", "sales/customers"}


def test_exclude_takes_negation_and_classes(quickstart: Path):
    (quickstart / "domains/sales/Drafts").mkdir()
    (quickstart / "domains/sales/Drafts/broken.yaml").write_text("apiVersion: alchemesh.io/v1alpha1\nkind: Nope\n")
    edit(quickstart, "alchemesh.yaml", ('exclude: [".alchemesh/**"]', 'exclude: [".alchemesh/**", "[Dd]rafts/"]'))
    assert run_cli("validate", cwd=quickstart).code == 0


def test_a_pattern_no_regex_survives_is_matched_at_once(quickstart: Path):
    edit(quickstart, "alchemesh.yaml", ('exclude: [".alchemesh/**"]', 'exclude: [".alchemesh/**", "' + "a*" * 30 + 'b"]'))
    (quickstart / ("a" * 200 + ".yaml")).write_text("a: 1\n")
    result = run_cli("validate", cwd=quickstart)  # pathspec's regex takes minutes here; the subprocess timeout guards
    assert result.code == 0, result.out + result.err
