"""`alchemesh contracts changelog ID` through the real CLI, on real temporary git repositories.

The history under test: the quickstart's orders contract at 1.1.0 (the `git_quickstart` commit), then
1.2.0 (a field added: compatible), then 2.0.0 (a field's type changed: breaking).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.testing import QUICKSTART, Result, assert_no_traceback, commit, copy_mesh, edit, git, run_cli, write_files

ORDERS_ID = "urn:datacontract:sales:orders"
ORDERS = "domains/sales/orders/contract.odcs.yaml"
ORDERS_PRODUCT = "domains/sales/orders/product.yaml"

ADD_CHANNEL = (
    "    quality:\n      - {metric: rowCount",
    "      - name: channel\n        logicalType: string\n        physicalType: VARCHAR\n"
    "        description: Where the order was placed.\n    quality:\n      - {metric: rowCount",
)
AMOUNT_TO_STRING = (
    "      - name: amount_eur\n        logicalType: number",
    "      - name: amount_eur\n        logicalType: string",
)
CUSTOMER_OPTIONAL = (
    "        description: The customer who placed the order.\n        required: true",
    "        description: The customer who placed the order.\n        required: false",
)


def version(old: str, new: str) -> tuple[str, str]:
    return f"version: {old}\nstatus: active", f"version: {new}\nstatus: active"


def changelog(root: Path, *args: str, contract: str = ORDERS_ID) -> Result:
    result = run_cli("contracts", "changelog", contract, *args, cwd=root)
    assert_no_traceback(result)
    return result


def changelog_json(root: Path, contract: str = ORDERS_ID) -> dict:
    result = changelog(root, "--format", "json", contract=contract)
    assert result.code == 0, result.err
    return result.json()


def versions(data: dict) -> list[str | None]:
    return [v["version"] for v in data["versions"]]


@pytest.fixture
def history(git_quickstart: Path) -> dict[str, str]:
    """Three versions of the orders contract in three commits; returns their commit ids by version."""
    repo = git_quickstart
    shas = {"1.1.0": git(repo, "rev-parse", "HEAD").strip()}
    edit(repo, ORDERS, ADD_CHANNEL, version("1.1.0", "1.2.0"))
    shas["1.2.0"] = commit(repo, "orders: a channel per order")
    # a commit touching other YAML files only adds no version
    edit(repo, "domains/sales/customers/contract.odcs.yaml", version("1.0.0", "1.0.1"))
    commit(repo, "customers: patch")
    edit(repo, ORDERS, AMOUNT_TO_STRING, version("1.2.0", "2.0.0"))
    edit(repo, ORDERS_PRODUCT, ("      version: 1\n", "      version: 2\n"))
    shas["2.0.0"] = commit(repo, "orders: amounts as text")
    return shas


def test_versions_newest_first_with_their_changes(git_quickstart: Path, history: dict[str, str]) -> None:
    data = changelog_json(git_quickstart)

    assert data["contract"] == ORDERS_ID
    assert data["mode"] == "consumer"
    assert versions(data) == ["2.0.0", "1.2.0", "1.1.0"]
    assert [v["commit"] for v in data["versions"]] == [history["2.0.0"], history["1.2.0"], history["1.1.0"]]
    assert [v["subject"] for v in data["versions"]] == [
        "orders: amounts as text", "orders: a channel per order", "initial mesh"
    ]
    assert [v["breaking"] for v in data["versions"]] == [True, False, False]
    assert all(v["file"] == ORDERS and v["removed"] is False and v["author"] == "Test" for v in data["versions"])
    newest, middle, first = data["versions"]
    assert newest["changes"] == [
        {
            "rule": "field-type-changed", "change": "breaking", "field": "orders.amount_eur",
            "message": "`orders.amount_eur` logicalType changed from `number` to `string`",
        }
    ]
    assert [(c["rule"], c["change"], c["field"]) for c in middle["changes"]] == [
        ("field-added", "compatible", "orders.channel")
    ]
    assert first["changes"] == []


def test_text_output(git_quickstart: Path, history: dict[str, str]) -> None:
    result = changelog(git_quickstart)

    assert result.code == 0, result.err
    out = result.out
    assert out.splitlines()[0].startswith(ORDERS_ID)
    assert out.index("2.0.0") < out.index("1.2.0") < out.index("1.1.0")
    assert "2.0.0 — breaking" in out
    assert "1.2.0 — breaking" not in out
    assert "field-type-changed" in out and "field-added" in out
    assert history["2.0.0"][:7] in out
    assert "first version" in out
    assert "uncommitted" not in out


def test_markdown_output(git_quickstart: Path, history: dict[str, str]) -> None:
    result = changelog(git_quickstart, "--format", "markdown")

    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0].startswith("# ") and ORDERS_ID in lines[0]
    headings = [line for line in lines if line.startswith("## ")]
    assert [h.split()[1] for h in headings] == ["2.0.0", "1.2.0", "1.1.0"]
    assert "breaking" in headings[0] and "breaking" not in headings[1]
    assert any("`field-type-changed`" in line for line in lines)


def test_uncommitted_change_is_the_newest_entry(git_quickstart: Path, history: dict[str, str]) -> None:
    edit(git_quickstart, ORDERS, CUSTOMER_OPTIONAL, version("2.0.0", "3.0.0"))

    data = changelog_json(git_quickstart)

    assert versions(data) == ["3.0.0", "2.0.0", "1.2.0", "1.1.0"]
    uncommitted = data["versions"][0]
    assert uncommitted["commit"] is None and uncommitted["subject"] is None
    assert uncommitted["breaking"] is True
    assert [c["rule"] for c in uncommitted["changes"]] == ["field-made-optional"]

    text = changelog(git_quickstart)
    assert "uncommitted" in text.out
    assert text.out.index("3.0.0") < text.out.index("uncommitted") < text.out.index("2.0.0")


def test_clean_work_tree_has_no_uncommitted_entry(git_quickstart: Path) -> None:
    data = changelog_json(git_quickstart)
    assert versions(data) == ["1.1.0"]
    assert data["versions"][0]["commit"] is not None


def test_moved_contract_keeps_its_history(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, ORDERS, ADD_CHANNEL, version("1.1.0", "1.2.0"))
    commit(repo, "orders: a channel per order")
    target = "contracts/sales/orders.odcs.yaml"
    (repo / target).parent.mkdir(parents=True)
    git(repo, "mv", ORDERS, target)
    commit(repo, "contracts in one folder")  # moved, unchanged: no new version
    edit(repo, target, AMOUNT_TO_STRING, version("1.2.0", "2.0.0"))
    commit(repo, "orders: amounts as text")

    data = changelog_json(repo)

    assert versions(data) == ["2.0.0", "1.2.0", "1.1.0"]
    assert [v["file"] for v in data["versions"]] == [target, ORDERS, ORDERS]
    assert [v["breaking"] for v in data["versions"]] == [True, False, False]
    assert [c["rule"] for c in data["versions"][0]["changes"]] == ["field-type-changed"]


def test_contract_moved_into_a_multi_document_file_keeps_its_history(git_quickstart: Path) -> None:
    repo = git_quickstart
    contract = (repo / ORDERS).read_text()
    product = (repo / ORDERS_PRODUCT).read_text()
    write_files(repo, {ORDERS: None, ORDERS_PRODUCT: product + "---\n" + contract})
    commit(repo, "one file per product")
    edit(repo, ORDERS_PRODUCT, ADD_CHANNEL, version("1.1.0", "1.2.0"))
    commit(repo, "orders: a channel per order")

    data = changelog_json(repo)

    assert versions(data) == ["1.2.0", "1.1.0"]
    assert [v["file"] for v in data["versions"]] == [ORDERS_PRODUCT, ORDERS]
    assert [c["rule"] for c in data["versions"][0]["changes"]] == ["field-added"]


def test_removed_contract_ends_with_a_removed_entry(git_quickstart: Path) -> None:
    repo = git_quickstart
    segments = "urn:datacontract:marketing:segments"
    git(repo, "rm", "-q", "domains/marketing/segments/contract.odcs.yaml")
    commit(repo, "segments: no contract")

    data = changelog_json(repo, contract=segments)

    assert versions(data) == [None, "1.0.0"]
    assert [v["removed"] for v in data["versions"]] == [True, False]
    assert data["versions"][0]["subject"] == "segments: no contract"
    assert "removed" in changelog(repo, contract=segments).out


def test_mode_comes_from_the_output_port(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, ORDERS_PRODUCT,
         (f"      contract: {ORDERS_ID}\n", f"      contract: {ORDERS_ID}\n      compatibility: producer\n"))
    edit(repo, ORDERS, CUSTOMER_OPTIONAL, version("1.1.0", "1.2.0"))
    commit(repo, "orders: customer may be unknown")

    data = changelog_json(repo)

    assert data["mode"] == "producer"
    assert data["versions"][0]["changes"][0]["change"] == "compatible"
    assert data["versions"][0]["breaking"] is False


def test_mesh_in_a_subfolder_of_the_git_repo(tmp_path: Path) -> None:
    top = tmp_path / "monorepo"
    copy_mesh(QUICKSTART, top / "mesh")
    write_files(top, {"README.md": "the company monorepo\n"})
    git(top, "init", "-q", "-b", "main")
    commit(top, "initial")
    edit(top / "mesh", ORDERS, ADD_CHANNEL, version("1.1.0", "1.2.0"))
    commit(top, "orders: a channel per order")

    result = run_cli("contracts", "changelog", ORDERS_ID, "mesh", "--format", "json", cwd=top)

    assert result.code == 0, result.err
    assert versions(result.json()) == ["1.2.0", "1.1.0"]
    assert result.json()["versions"][0]["file"] == ORDERS


def test_unknown_contract_suggests_the_closest_id(git_quickstart: Path) -> None:
    result = changelog(git_quickstart, contract="urn:datacontract:sales:order")

    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "did you mean" in lines[0] and f"`{ORDERS_ID}`" in lines[0]


def test_the_suggestion_may_be_an_id_only_the_history_holds_and_says_so(git_quickstart: Path) -> None:
    for file in ("domains/sales/orders/contract.odcs.yaml", "domains/sales/orders/product.yaml"):
        edit(git_quickstart, file, (ORDERS_ID, ORDERS_ID + "-v2"))
    commit(git_quickstart, "orders' contract under a new id")
    result = changelog(git_quickstart, contract="urn:datacontract:sales:order")
    assert result.code == 2 and f"did you mean `{ORDERS_ID}` (no file declares it any more" in result.err, result.err


def test_outside_a_git_repository_is_a_usage_error(quickstart: Path) -> None:
    result = changelog(quickstart)
    assert result.code == 2
    assert "git" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_excluded_files_are_not_part_of_the_history(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, "alchemesh.yaml", ('exclude: [".alchemesh/**"]', 'exclude: [".alchemesh/**", "vendor/**"]'))
    old_copy = (repo / ORDERS).read_text().replace("version: 1.1.0", "version: 0.9.0")
    write_files(repo, {"vendor/orders-copy.odcs.yaml": old_copy})
    commit(repo, "vendor an old copy")

    data = changelog_json(repo)

    assert versions(data) == ["1.1.0"]


def test_merged_branches_do_not_invent_changes(git_quickstart: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = git_quickstart
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, ORDERS, ADD_CHANNEL)
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2099-01-01T00:00:00")
    commit(repo, "feature: a channel per order")
    git(repo, "checkout", "-q", "main")
    edit(repo, ORDERS, version("1.1.0", "1.2.0"))
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2099-01-02T00:00:00")
    commit(repo, "main: bump")
    monkeypatch.setenv("GIT_COMMITTER_DATE", "2099-01-03T00:00:00")
    git(repo, "merge", "-q", "--no-edit", "feature")  # merges cleanly: 1.2.0 with the channel
    assert git(repo, "status", "--porcelain") == ""

    data = changelog_json(repo)

    assert all(v["commit"] is not None for v in data["versions"]), "clean work tree, yet an uncommitted entry"
    assert not [c for v in data["versions"] for c in v["changes"] if c["rule"] == "field-removed"]
    assert data["versions"][0]["version"] == "1.2.0"
