"""`alchemesh contracts check` through the real CLI, on real temporary git repositories.

Every test starts from `git_quickstart` (the quickstart mesh, one commit on `main`) and changes it the
way a data product team would: on a branch, in the work tree, with `git mv`, `alchemesh new product`.
In the quickstart graph `sales/orders/orders` (contract `urn:datacontract:sales:orders`) is read by
one input port, `marketing/customer-value/orders`; `marketing/segments/segments` is read by nobody.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.testing import QUICKSTART, Result, assert_no_traceback, commit, copy_mesh, edit, git, run_cli, write_files

ORDERS_ID = "urn:datacontract:sales:orders"
ORDERS = "domains/sales/orders/contract.odcs.yaml"
ORDERS_PRODUCT = "domains/sales/orders/product.yaml"
CUSTOMERS = "domains/sales/customers/contract.odcs.yaml"
CUSTOMERS_ID = "urn:datacontract:sales:customers"
# a metadata change of the customers contract, with its patch bump
CUSTOMERS_TAGGED = (("version: 1.0.0", "version: 1.0.1"), ("tags: [sales, customer]", "tags: [sales, customer, crm]"))
SEGMENTS_ID = "urn:datacontract:marketing:segments"
SEGMENTS = "domains/marketing/segments/contract.odcs.yaml"
SEGMENTS_PRODUCT = "domains/marketing/segments/product.yaml"
ORDERS_CONSUMERS = ["marketing/customer-value/orders"]


def _names(finding: dict) -> list[str]:
    """The input ports a contract finding names: those known to read what it is about, and the unknown ones."""
    return sorted([f"{c['product']}/{c['port']}" for c in finding["consumers"]] + finding["unknown"])

# Edits of the quickstart files, as (old text, new text).
AMOUNT_TO_STRING = (
    "      - name: amount_eur\n        logicalType: number",
    "      - name: amount_eur\n        logicalType: string",
)
ADD_CHANNEL = (
    "    quality:\n      - {metric: rowCount",
    "      - name: channel\n        logicalType: string\n        physicalType: VARCHAR\n"
    "        description: Where the order was placed.\n    quality:\n      - {metric: rowCount",
)
CUSTOMER_OPTIONAL = (
    "        description: The customer who placed the order.\n        required: true",
    "        description: The customer who placed the order.\n        required: false",
)
NEW_DESCRIPTION = ("description: Orders, one row per order_id.", "description: Web shop orders, one row per order_id.")
VERSION_1_2 = ("version: 1.1.0\nstatus: active", "version: 1.2.0\nstatus: active")
VERSION_2 = ("version: 1.1.0\nstatus: active", "version: 2.0.0\nstatus: active")
PORT_VERSION_2 = ("      version: 1\n      visibility: public", "      version: 2\n      visibility: public")
PORT_PRODUCER_MODE = (
    f"      contract: {ORDERS_ID}\n", f"      contract: {ORDERS_ID}\n      compatibility: producer\n"
)


def check(root: Path, *args: str) -> Result:
    result = run_cli("contracts", "check", *args, cwd=root)
    assert_no_traceback(result)
    return result


def check_json(root: Path, *args: str) -> tuple[int, dict]:
    result = check(root, "--format", "json", *args)
    assert result.code in (0, 1), result.err
    return result.code, result.json()


def statuses(data: dict) -> dict[str, str]:
    return {c["id"]: c["status"] for c in data["contracts"]}


def rules(findings: list[dict]) -> set[str]:
    return {f["rule"] for f in findings}


def by_rule(findings: list[dict], rule: str) -> dict:
    matches = [f for f in findings if f["rule"] == rule]
    assert len(matches) == 1, (rule, findings)
    return matches[0]


def assert_usage_error(result: Result, *needles: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert_no_traceback(result)
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    for needle in needles:
        assert needle in lines[0], lines[0]


# --- the base revision -------------------------------------------------------------------------


def test_feature_branch_breaking_change_is_checked_against_the_merge_base(git_quickstart: Path) -> None:
    repo = git_quickstart
    branch_point = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "-b", "feature")
    edit(repo, ORDERS, AMOUNT_TO_STRING)
    commit(repo, "amounts as text")
    # main moves on after the branch point, with a change the feature branch does not have
    git(repo, "checkout", "-q", "main")
    edit(repo, CUSTOMERS, *CUSTOMERS_TAGGED)
    main_tip = commit(repo, "main moves on")
    git(repo, "checkout", "-q", "feature")

    code, data = check_json(repo)

    assert code == 1
    assert data["base"] == branch_point != main_tip
    # compared with main's tip, the customers contract would look changed (downgraded) too
    assert data["contracts"] == [
        {
            "id": ORDERS_ID, "status": "changed", "oldVersion": "1.1.0", "newVersion": "1.1.0", "file": ORDERS,
            "oldFile": ORDERS, "mode": "consumer", "consumers": ORDERS_CONSUMERS,
        }
    ]
    changed = by_rule(data["findings"], "field-type-changed")
    assert changed["change"] == "breaking"
    assert changed["severity"] == "error"
    assert changed["contract"] == ORDERS_ID
    assert changed["field"] == "orders.amount_eur"
    assert _names(changed) == ORDERS_CONSUMERS
    assert changed["consumers"][0]["fields"] == ["orders.amount_eur"] and changed["unknown"] == []
    assert changed["consumers"][0]["location"] == "domains/marketing/customer-value/transform/customer_value.sql:18:11"
    assert changed["file"] == ORDERS
    assert (repo / ORDERS).read_text().splitlines()[changed["line"] - 1].strip() == "logicalType: string"
    bump = by_rule(data["findings"], "breaking-change-without-major-bump")
    assert bump["severity"] == "error" and _names(bump) == ORDERS_CONSUMERS
    assert "2.0.0" in bump["hint"]
    assert all(_names(f) == ORDERS_CONSUMERS for f in data["findings"])
    assert data["summary"]["breaking"] >= 1

    # against main's tip the customers contract differs as well: the default really is the merge-base
    _, against_tip = check_json(repo, "--against", "main")
    assert against_tip["base"] == main_tip
    assert statuses(against_tip) == {ORDERS_ID: "changed", CUSTOMERS_ID: "changed"}


def test_default_base_prefers_origin_head_in_a_clone(git_quickstart: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", git_quickstart.as_uri(), str(clone))
    branch_point = git(clone, "rev-parse", "HEAD").strip()
    git(clone, "checkout", "-q", "-b", "feature")
    edit(clone, ORDERS, AMOUNT_TO_STRING)
    commit(clone, "amounts as text")
    # a local `main` that has drifted away must not win over origin/HEAD
    git(clone, "branch", "-f", "main", "feature")

    code, data = check_json(clone)

    assert code == 1
    assert data["base"] == branch_point
    assert statuses(data) == {ORDERS_ID: "changed"}


def test_default_base_falls_back_to_master(quickstart: Path) -> None:
    git(quickstart, "init", "-q", "-b", "master")
    base = commit(quickstart, "initial mesh")
    git(quickstart, "checkout", "-q", "-b", "feature")
    edit(quickstart, ORDERS, AMOUNT_TO_STRING)
    commit(quickstart, "amounts as text")

    code, data = check_json(quickstart)

    assert code == 1
    assert data["base"] == base
    assert statuses(data) == {ORDERS_ID: "changed"}


def test_no_default_branch_asks_for_against(quickstart: Path) -> None:
    git(quickstart, "init", "-q", "-b", "trunk")
    commit(quickstart, "initial mesh")
    result = check(quickstart)
    assert_usage_error(result, "--against")


def test_mesh_in_a_subfolder_of_the_git_repo(tmp_path: Path) -> None:
    top = tmp_path / "monorepo"
    copy_mesh(QUICKSTART, top / "mesh")
    write_files(top, {"README.md": "the company monorepo\n"})
    git(top, "init", "-q", "-b", "main")
    commit(top, "initial")
    edit(top / "mesh", ORDERS, AMOUNT_TO_STRING)

    # run from below the mesh root: the root is found by walking up to alchemesh.yaml
    code, data = check_json(top / "mesh" / "domains" / "sales")

    assert code == 1
    assert statuses(data) == {ORDERS_ID: "changed"}
    assert by_rule(data["findings"], "field-type-changed")["file"] == ORDERS


# --- what counts as a change ------------------------------------------------------------------


def test_compatible_change_with_minor_bump_passes(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, ADD_CHANNEL, VERSION_1_2)

    code, data = check_json(git_quickstart)

    assert code == 0
    assert data["contracts"][0]["status"] == "changed"
    assert (data["contracts"][0]["oldVersion"], data["contracts"][0]["newVersion"]) == ("1.1.0", "1.2.0")
    added = by_rule(data["findings"], "field-added")
    assert added["change"] == "compatible"
    assert added["severity"] == "info"
    assert added["field"] == "orders.channel"
    assert _names(added) == []  # a new field: no one reads it yet
    assert not {"breaking-change-without-major-bump", "changed-without-version-bump"} & rules(data["findings"])
    assert data["summary"]["errors"] == 0 and data["summary"]["breaking"] == 0


def test_metadata_change_without_version_bump_is_a_warning(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, NEW_DESCRIPTION)

    code, data = check_json(git_quickstart)

    assert code == 0
    assert by_rule(data["findings"], "metadata-changed")["change"] == "info"
    warning = by_rule(data["findings"], "changed-without-version-bump")
    assert warning["severity"] == "warning"
    assert data["summary"]["errors"] == 0 and data["summary"]["warnings"] == 1
    assert check(git_quickstart, "--fail-on", "warning").code == 1


def test_uncommitted_work_is_included(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, ORDERS, AMOUNT_TO_STRING)  # unstaged
    edit(repo, CUSTOMERS, *CUSTOMERS_TAGGED)
    git(repo, "add", CUSTOMERS)  # staged
    text = (repo / SEGMENTS).read_text().replace(SEGMENTS_ID, "urn:datacontract:marketing:draft")
    write_files(repo, {"domains/marketing/draft.odcs.yaml": text})  # untracked

    code, data = check_json(repo)

    assert code == 1
    assert data["base"] == git(repo, "rev-parse", "HEAD").strip()
    assert statuses(data) == {
        ORDERS_ID: "changed",
        CUSTOMERS_ID: "changed",
        "urn:datacontract:marketing:draft": "added",
    }


def test_clean_tree_against_head_has_nothing_to_report(git_quickstart: Path) -> None:
    code, data = check_json(git_quickstart, "--against", "HEAD")
    assert code == 0
    assert data["contracts"] == [] and data["findings"] == []

    text = check(git_quickstart, "--against", "HEAD")
    assert text.code == 0
    assert "no contract changed" in text.out


@pytest.mark.parametrize("committed", [True, False], ids=["committed", "staged"])
def test_moved_contract_file_is_moved_without_findings(git_quickstart: Path, committed: bool) -> None:
    repo = git_quickstart
    target = "domains/sales/orders/contracts/orders.odcs.yaml"
    (repo / target).parent.mkdir()
    git(repo, "mv", ORDERS, target)
    if committed:
        git(repo, "checkout", "-q", "-b", "feature")
        commit(repo, "contracts in their own folder")

    code, data = check_json(repo)

    assert code == 0
    assert data["contracts"] == [
        {
            "id": ORDERS_ID, "status": "moved", "oldVersion": "1.1.0", "newVersion": "1.1.0", "file": target,
            "oldFile": ORDERS, "mode": "consumer", "consumers": ORDERS_CONSUMERS,
        }
    ]
    assert data["findings"] == []


def test_moved_and_changed_contract_is_changed(git_quickstart: Path) -> None:
    repo = git_quickstart
    target = "domains/sales/orders/orders.contract.yaml"
    git(repo, "mv", ORDERS, target)
    edit(repo, target, AMOUNT_TO_STRING)

    code, data = check_json(repo)

    assert code == 1
    [contract] = data["contracts"]
    assert (contract["status"], contract["file"], contract["oldFile"]) == ("changed", target, ORDERS)
    assert by_rule(data["findings"], "field-type-changed")["file"] == target


def test_new_product_contract_is_added(git_quickstart: Path) -> None:
    scaffold = run_cli("new", "product", "sales", "returns", cwd=git_quickstart)
    assert scaffold.code == 0, scaffold.err

    code, data = check_json(git_quickstart)

    assert code == 0
    assert statuses(data) == {"urn:datacontract:sales:returns": "added"}
    [contract] = data["contracts"]
    assert contract["oldVersion"] is None and contract["newVersion"]
    assert contract["file"] == "domains/sales/returns/contract.odcs.yaml"
    assert data["findings"] == []


def test_consumers_come_from_the_graph_at_the_new_revision(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, ORDERS, AMOUNT_TO_STRING)
    edit(
        repo,
        SEGMENTS_PRODUCT,
        (
            "  inputPorts:\n",
            "  inputPorts:\n    - name: orders\n      component: local-duckdb-attach\n"
            "      source: {outputPort: sales/orders/orders}\n",
        ),
    )

    _, data = check_json(repo)

    expected = ["marketing/customer-value/orders", "marketing/segments/orders"]
    assert data["contracts"][0]["consumers"] == expected
    changed = by_rule(data["findings"], "field-type-changed")
    assert _names(changed) == expected
    assert changed["unknown"] == ["marketing/segments/orders"]  # its SQL never names the port: it may read anything


# --- removal ---------------------------------------------------------------------------------


def test_removed_contract_with_consumers_is_breaking(git_quickstart: Path) -> None:
    repo = git_quickstart
    git(repo, "rm", "-q", ORDERS)
    # the product drops its port as well: the consumer still reads it
    edit(repo, ORDERS_PRODUCT, (f"      contract: {ORDERS_ID}\n", ""))

    code, data = check_json(repo)

    assert code == 1
    assert data["contracts"][0]["id"] == ORDERS_ID
    assert data["contracts"][0]["status"] == "removed"
    assert data["contracts"][0]["consumers"] == ORDERS_CONSUMERS
    removed = by_rule(data["findings"], "contract-removed")
    assert removed["severity"] == "error" and removed["change"] == "breaking"
    assert removed["consumers"] == ORDERS_CONSUMERS
    assert removed["contract"] == ORDERS_ID
    assert removed["file"] == "domains/marketing/customer-value/product.yaml"


def test_removed_contract_nobody_reads_is_not_an_error(git_quickstart: Path) -> None:
    git(git_quickstart, "rm", "-q", SEGMENTS)

    code, data = check_json(git_quickstart)

    assert code == 0
    assert statuses(data) == {SEGMENTS_ID: "removed"}
    assert data["contracts"][0]["consumers"] == []
    assert "contract-removed" not in rules(data["findings"])
    assert data["summary"]["errors"] == 0


# --- version discipline ----------------------------------------------------------------------


def test_major_bump_must_reach_the_output_port(git_quickstart: Path) -> None:
    repo = git_quickstart
    edit(repo, ORDERS, AMOUNT_TO_STRING, VERSION_2)

    code, data = check_json(repo)

    assert code == 1
    mismatch = by_rule(data["findings"], "contract-version-mismatch")
    assert mismatch["file"] == ORDERS_PRODUCT
    assert "breaking-change-without-major-bump" not in rules(data["findings"])

    edit(repo, ORDERS_PRODUCT, PORT_VERSION_2)
    _, fixed = check_json(repo)
    assert "contract-version-mismatch" not in rules(fixed["findings"])
    assert "breaking-change-without-major-bump" not in rules(fixed["findings"])


# --- compatibility modes ---------------------------------------------------------------------


def test_made_optional_is_breaking_for_consumers(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, CUSTOMER_OPTIONAL, VERSION_1_2)

    code, data = check_json(git_quickstart)

    assert code == 1
    finding = by_rule(data["findings"], "field-made-optional")
    assert (finding["change"], finding["mode"], finding["field"]) == ("breaking", "consumer", "orders.customer_id")
    assert "breaking-change-without-major-bump" in rules(data["findings"])


def test_port_compatibility_producer_makes_optional_compatible(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, CUSTOMER_OPTIONAL, VERSION_1_2)
    edit(git_quickstart, ORDERS_PRODUCT, PORT_PRODUCER_MODE)

    code, data = check_json(git_quickstart)

    assert code == 0, data["findings"]
    assert data["contracts"][0]["mode"] == "producer"
    finding = by_rule(data["findings"], "field-made-optional")
    assert (finding["change"], finding["mode"]) == ("compatible", "producer")


def test_port_mode_overrides_the_mesh_default(git_quickstart: Path) -> None:
    edit(git_quickstart, "alchemesh.yaml", ("  compatibility: consumer", "  compatibility: full"))
    edit(git_quickstart, ORDERS_PRODUCT, PORT_PRODUCER_MODE)
    edit(git_quickstart, ORDERS, CUSTOMER_OPTIONAL, VERSION_1_2)
    edit(git_quickstart, CUSTOMERS, *CUSTOMERS_TAGGED)

    _, data = check_json(git_quickstart)

    modes = {c["id"]: c["mode"] for c in data["contracts"]}
    assert modes == {ORDERS_ID: "producer", CUSTOMERS_ID: "full"}


def test_mesh_compatibility_none_reports_but_never_fails(git_quickstart: Path) -> None:
    edit(git_quickstart, "alchemesh.yaml", ("  compatibility: consumer", "  compatibility: none"))
    edit(git_quickstart, ORDERS, AMOUNT_TO_STRING)
    git(git_quickstart, "rm", "-q", ORDERS.replace("orders/contract", "customers/contract"))

    code, data = check_json(git_quickstart)

    assert code == 0
    assert data["contracts"][0]["mode"] == "none"
    assert "field-type-changed" in rules(data["findings"])
    assert {f["severity"] for f in data["findings"]} <= {"info"}
    assert check(git_quickstart, "--fail-on", "warning").code == 0


# --- waivers ---------------------------------------------------------------------------------

MESH_WAIVER = """\
  contracts:
    ignore:
      - contract: "urn:datacontract:sales:*"
        rule: field-type-changed
        field: orders.amount_eur
        reason: amounts are formatted strings since the ERP migration
"""


def test_mesh_waiver_moves_the_finding_to_waived_with_its_reason(git_quickstart: Path) -> None:
    repo = git_quickstart
    (repo / "alchemesh.yaml").write_text((repo / "alchemesh.yaml").read_text() + MESH_WAIVER)
    edit(repo, ORDERS, AMOUNT_TO_STRING, VERSION_1_2)

    code, data = check_json(repo)

    assert code == 0, data["findings"]
    assert "field-type-changed" not in rules(data["findings"])
    # a waived breaking change was accepted deliberately: no major bump demanded
    assert "breaking-change-without-major-bump" not in rules(data["findings"])
    waived = by_rule(data["waived"], "field-type-changed")
    assert waived["reason"] == "amounts are formatted strings since the ERP migration"
    assert _names(waived) == ORDERS_CONSUMERS
    assert data["summary"]["waived"] == 1

    text = check(repo)
    assert text.code == 0
    assert "amounts are formatted strings since the ERP migration" in text.out
    markdown = check(repo, "--format", "markdown")
    assert "amounts are formatted strings since the ERP migration" in markdown.out


def test_mesh_waiver_for_another_field_does_not_apply(git_quickstart: Path) -> None:
    repo = git_quickstart
    waiver = MESH_WAIVER.replace("orders.amount_eur", "orders.status")
    (repo / "alchemesh.yaml").write_text((repo / "alchemesh.yaml").read_text() + waiver)
    edit(repo, ORDERS, AMOUNT_TO_STRING, VERSION_1_2)

    code, data = check_json(repo)

    assert code == 1
    assert data["waived"] == []
    assert "field-type-changed" in rules(data["findings"])


def test_inline_waiver_with_reason(git_quickstart: Path) -> None:
    edit(
        git_quickstart,
        ORDERS,
        ("      - name: amount_eur\n        logicalType: number",
         "      - name: amount_eur\n        # alchemesh: ignore[field-type-changed] the ERP sends text\n"
         "        logicalType: string"),
        VERSION_1_2,
    )

    code, data = check_json(git_quickstart)

    assert code == 0, data["findings"]
    assert by_rule(data["waived"], "field-type-changed")["reason"] == "the ERP sends text"
    assert "the ERP sends text" in check(git_quickstart).out


def test_inline_waiver_without_reason_waives_nothing(git_quickstart: Path) -> None:
    edit(
        git_quickstart,
        ORDERS,
        ("      - name: amount_eur\n        logicalType: number",
         "      - name: amount_eur\n        logicalType: string  # alchemesh: ignore[field-type-changed]"),
        VERSION_1_2,
    )

    code, data = check_json(git_quickstart)

    assert code == 1
    assert data["waived"] == []
    assert "field-type-changed" in rules(data["findings"])


def test_mesh_waiver_without_reason_is_a_schema_finding(git_quickstart: Path) -> None:
    repo = git_quickstart
    waiver = "".join(line + "\n" for line in MESH_WAIVER.splitlines() if "reason:" not in line)
    (repo / "alchemesh.yaml").write_text((repo / "alchemesh.yaml").read_text() + waiver)

    result = run_cli("validate", "--format", "json", cwd=repo)

    assert_no_traceback(result)
    assert result.code == 1
    schema = by_rule(result.json()["findings"], "schema")
    assert schema["file"] == "alchemesh.yaml"
    assert "reason" in schema["message"]

    # contracts check still runs (and waives nothing) on such a mesh
    edit(repo, ORDERS, AMOUNT_TO_STRING, VERSION_1_2)
    code, data = check_json(repo)
    assert code == 1
    assert data["waived"] == []


# --- unusable input --------------------------------------------------------------------------


def test_unknown_revision_is_a_usage_error(git_quickstart: Path) -> None:
    assert_usage_error(check(git_quickstart, "--against", "nope"), "nope")


def test_shallow_clone_without_the_base_asks_to_fetch(git_quickstart: Path, tmp_path: Path) -> None:
    repo = git_quickstart
    old = git(repo, "rev-parse", "HEAD").strip()
    edit(repo, ORDERS, ADD_CHANNEL, VERSION_1_2)
    commit(repo, "a channel per order")
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone))

    result = check(clone, "--against", old)

    assert_usage_error(result, old[:7], "fetch")
    assert "fetch-depth" in result.err

    # once CI has fetched the base commit (still shallow), the old versions come from its objects
    git(clone, "fetch", "-q", "--depth", "1", "origin", old)
    assert git(clone, "rev-parse", "--is-shallow-repository").strip() == "true"
    code, data = check_json(clone, "--against", old)
    assert code == 0
    assert data["base"] == old
    assert statuses(data) == {ORDERS_ID: "changed"}
    assert "field-added" in rules(data["findings"])


def test_outside_a_git_repository_is_a_usage_error(quickstart: Path) -> None:
    assert_usage_error(check(quickstart), "git")


def test_repository_without_commits_is_a_usage_error(quickstart: Path) -> None:
    git(quickstart, "init", "-q", "-b", "main")
    assert_usage_error(check(quickstart), "commit")


# --- formats ---------------------------------------------------------------------------------


@pytest.fixture
def breaking(git_quickstart: Path) -> Path:
    edit(git_quickstart, ORDERS, AMOUNT_TO_STRING)
    return git_quickstart


def test_text_format(breaking: Path) -> None:
    result = check(breaking)
    assert result.code == 1
    assert ORDERS_ID in result.out
    assert "changed" in result.out
    assert "field-type-changed" in result.out
    assert "marketing/customer-value/orders" in result.out


def test_markdown_format(breaking: Path) -> None:
    result = check(breaking, "--format", "markdown")
    assert result.code == 1
    assert ORDERS_ID in result.out
    assert "Breaking" in result.out
    assert "`field-type-changed`" in result.out
    assert "`marketing/customer-value/orders`" in result.out


def test_markdown_format_when_compatible(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, ADD_CHANNEL, VERSION_1_2)
    result = check(git_quickstart, "--format", "markdown")
    assert result.code == 0
    assert "compatible" in result.out.splitlines()[0]
    assert "Breaking" not in result.out


def test_sarif_format(breaking: Path) -> None:
    result = check(breaking, "--format", "sarif")
    assert result.code == 1
    sarif = json.loads(result.out)
    assert sarif["version"] == "2.1.0"
    [run] = sarif["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "alchemesh"
    ids = {r["ruleId"] for r in run["results"]}
    assert {"field-type-changed", "breaking-change-without-major-bump"} <= ids
    for r in run["results"]:
        assert driver["rules"][r["ruleIndex"]]["id"] == r["ruleId"]
        location = r["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == ORDERS
        assert location["region"]["startLine"] >= 1
    levels = {r["ruleId"]: r["level"] for r in run["results"]}
    assert levels["field-type-changed"] == "error"


def test_github_format(breaking: Path) -> None:
    result = check(breaking, "--format", "github")
    assert result.code == 1
    errors = [line for line in result.out.splitlines() if line.startswith("::error ")]
    assert any(f"file={ORDERS}," in line and "field-type-changed" in line for line in errors), result.out


# --- known bugs ------------------------------------------------------------------------------


def test_version_only_bump_is_listed_as_changed(git_quickstart: Path) -> None:
    edit(git_quickstart, ORDERS, ("version: 1.1.0\nstatus: active", "version: 1.1.1\nstatus: active"))

    code, data = check_json(git_quickstart)

    assert code == 0
    assert data["findings"] == []
    assert data["contracts"] == [
        {
            "id": ORDERS_ID, "status": "changed", "oldVersion": "1.1.0", "newVersion": "1.1.1", "file": ORDERS,
            "oldFile": ORDERS, "mode": "consumer", "consumers": ORDERS_CONSUMERS,
        }
    ]


def test_yaml_syntax_error_in_a_contract_is_not_a_removal(git_quickstart: Path) -> None:
    (git_quickstart / ORDERS).write_text((git_quickstart / ORDERS).read_text() + "oops: [\n")

    code, data = check_json(git_quickstart)

    assert code == 1
    assert any(f["rule"] == "yaml-syntax" and f["file"] == ORDERS for f in data["findings"]), data["findings"]
    assert statuses(data).get(ORDERS_ID) != "removed"
    assert "contract-removed" not in rules(data["findings"])


def test_on_the_default_branch_the_base_is_head_and_the_output_says_so(git_quickstart: Path) -> None:
    result = run_cli("contracts", "check", cwd=git_quickstart)
    assert result.code == 0, result.err
    assert "no contract changed" in result.out and "the base is HEAD itself" in result.out
    assert "--against HEAD~1" in result.out
    explicit = run_cli("contracts", "check", "--against", "HEAD", cwd=git_quickstart)
    assert "the base is HEAD itself" not in explicit.out  # the user asked for it


def test_a_missing_remote_branch_gets_the_fetch_that_brings_it(git_quickstart: Path, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(git_quickstart), str(clone))
    result = run_cli("contracts", "check", "--against", "origin/release", cwd=clone)
    assert result.code == 2 and "`git fetch origin release`" in result.err, result.err
    assert "origin origin/" not in result.err


def test_a_deleted_file_not_yet_removed_from_git_is_gone_not_unreadable(git_quickstart: Path) -> None:
    (git_quickstart / "domains/marketing/segments/product.yaml").unlink()
    result = run_cli("validate", "--format", "json", cwd=git_quickstart)
    assert not [f for f in result.json()["findings"] if "cannot read" in f["message"]]
    assert result.json()["summary"]["files"] == len([p for p in git_quickstart.rglob("*.yaml")
                                                     if ".alchemesh" not in p.parts])
    (git_quickstart / "alchemesh.yaml").unlink()
    check = run_cli("contracts", "check", "--against", "HEAD", cwd=git_quickstart)
    assert check.code == 2 and "is not in a mesh" in check.err and "internal error" not in check.err, check.err
    assert_no_traceback(check)


def test_a_removed_field_is_shown_at_its_list_with_its_old_line(git_quickstart: Path) -> None:
    text = (git_quickstart / ORDERS).read_text()
    old_line = text.splitlines().index("      - name: status") + 1
    start = text.index("      - name: status\n")
    end = text.index("      - name: ", start + 1)
    (git_quickstart / ORDERS).write_text(text[:start] + text[end:])
    code, data = check_json(git_quickstart)
    (removed,) = [f for f in data["findings"] if f["rule"] == "field-removed"]
    properties_line = text[:text.index("    properties:")].count("\n") + 1
    assert (removed["line"], removed["column"]) == (properties_line, 5)
    assert f"(it stood at line {old_line} of the old version)" in removed["message"]


# --- usage: a breaking change to a field no one reads ----------------------------------------------

ORDER_ID = ('''      - name: order_id
        logicalType: string
        physicalType: VARCHAR
        description: The shop's order number.
        required: true
        unique: true
        primaryKey: true
        classification: internal
        examples: [O-50001]
''', "")
STATUS = ('''      - name: status
        logicalType: string
        physicalType: VARCHAR
        description: Fulfilment status of the order.
        required: true
        classification: internal
        examples: [delivered]
        quality:
          - metric: invalidValues
            arguments: {validValues: [placed, shipped, delivered, cancelled]}
            mustBe: 0
''', "")
MAJOR = ("version: 1.1.0", "version: 2.0.0")
PORT_V2 = ("      version: 1\n", "      version: 2\n")


def test_removing_a_field_no_consumer_reads_is_a_warning_that_still_asks_for_the_major_bump(git_quickstart: Path):
    edit(git_quickstart, ORDERS, ORDER_ID)
    code, data = check_json(git_quickstart)
    unused = by_rule(data["findings"], "breaking-unused")
    assert unused["severity"] == "warning" and unused["field"] == "orders.order_id" and unused["change"] == "breaking"
    assert unused["consumers"] == [] and unused["unknown"] == []
    assert "no consumer reads it" in unused["message"] and "(field-removed)" in unused["message"]
    assert code == 1 and by_rule(data["findings"], "breaking-change-without-major-bump")["severity"] == "error"

    edit(git_quickstart, ORDERS, MAJOR)
    edit(git_quickstart, "domains/sales/orders/product.yaml", PORT_V2)
    code, data = check_json(git_quickstart)
    assert code == 0, data["findings"]
    assert rules(data["findings"]) == {"breaking-unused"}


def test_removing_a_field_a_consumer_reads_names_it_and_its_sql_line(git_quickstart: Path):
    edit(git_quickstart, ORDERS, STATUS, MAJOR)
    edit(git_quickstart, "domains/sales/orders/product.yaml", PORT_V2)
    code, data = check_json(git_quickstart)
    assert code == 1
    removed = by_rule(data["findings"], "field-removed")
    assert removed["severity"] == "error"
    sql = "domains/marketing/customer-value/transform/customer_value.sql"
    assert removed["consumers"] == [{"product": "marketing/customer-value", "port": "orders",
                                     "fields": ["orders.status"], "provenance": "inferred", "location": f"{sql}:21:9"}]
    assert f"read by marketing/customer-value/orders (inferred at {sql}:21:9)" in removed["message"]
    text = check(git_quickstart)
    assert f"{sql}:21:9" in text.out


def test_a_waiver_waives_until_it_expires_then_says_so(git_quickstart: Path, monkeypatch):
    repo = git_quickstart
    waiver = MESH_WAIVER + "        approvedBy: finance-leads\n        expires: 2027-01-31\n"
    (repo / "alchemesh.yaml").write_text((repo / "alchemesh.yaml").read_text() + waiver)
    edit(repo, ORDERS, AMOUNT_TO_STRING, VERSION_1_2)
    monkeypatch.setenv("ALCHEMESH_TODAY", "2027-01-31")
    code, data = check_json(repo)
    assert code == 0 and by_rule(data["waived"], "field-type-changed")["reason"] == (
        "amounts are formatted strings since the ERP migration (approved by finance-leads)")
    monkeypatch.setenv("ALCHEMESH_TODAY", "2027-02-01")
    code, data = check_json(repo)
    assert code == 1 and data["waived"] == []
    changed = by_rule(data["findings"], "field-type-changed")
    assert changed["severity"] == "error" and changed["message"].endswith(
        "(the waiver in alchemesh.yaml expired on 2027-01-31, approved by finance-leads: amounts are formatted "
        "strings since the ERP migration)")
