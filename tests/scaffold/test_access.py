"""Access agreements as code, through the CLI: `access request` writes the agreement where the port's team reviews it
and the consumer's input port; `codeowners` writes `.github/CODEOWNERS` from ownership (its own section of the file),
and `--check` holds the file to it — clean on this repository's examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.testing import REPO, assert_no_traceback, edit, git, run_cli

ORDERS = "domains/sales/orders/product.yaml"
PORT_LINE = "      visibility: public\n"


@pytest.mark.parametrize("example", ["quickstart", "postgres-shop", "acme-retail"])
def test_the_examples_codeowners_are_in_step(example: str):
    result = run_cli("codeowners", "--check", str(REPO / "mesh-examples" / example))
    assert result.code == 0, result.out + result.err


def test_the_agreement_of_the_postgres_example_is_its_provider_teams():
    lines = (REPO / ".github/CODEOWNERS").read_text().splitlines()
    agreement = "/mesh-examples/postgres-shop/domains/sales/customers/agreements/marketing-customer-value.yaml"
    owners = [line.split() for line in lines if line.startswith("/") and agreement.startswith(line.split()[0])]
    assert owners[-1][1] == "@acme/web-shop"  # the last line that matches wins: the provider's folder


def test_codeowners_writes_its_section_and_keeps_the_rest(quickstart: Path):
    mesh = quickstart
    top = mesh.parents[1]  # the repo: the mesh sits in mesh-examples/quickstart
    git(top, "init", "-q", "-b", "main")
    owners = top / ".github/CODEOWNERS"
    owners.parent.mkdir()
    owners.write_text("# ours\n/docs/ @acme/writers\n")
    assert run_cli("codeowners", "--check", cwd=mesh).code == 1  # no section yet
    assert run_cli("codeowners", cwd=mesh).code == 0
    text = owners.read_text()
    assert text.startswith("# ours\n/docs/ @acme/writers\n")
    assert "/mesh-examples/quickstart/domains/sales/orders/ @acme/web-shop\n" in text
    assert run_cli("codeowners", "--check", cwd=mesh).code == 0

    # an agreement kept outside the provider's folder is the provider team's all the same
    (mesh / "agreements").mkdir()
    (mesh / "agreements/segments.yaml").write_text(
        "apiVersion: alchemesh.io/v1alpha1\nkind: AccessAgreement\nmetadata: {name: orders-for-segments}\nspec:\n"
        "  provider: {outputPort: sales/orders/orders}\n  consumer: {team: growth-analytics}\n"
        "  purpose: Ad-hoc analysis.\n  status: requested\n")
    edit(mesh, "teams.yaml", ('  github: "@acme/growth-analytics"\n', ""))
    stale = run_cli("codeowners", "--check", cwd=mesh)
    assert stale.code == 1 and "run `alchemesh codeowners`" in stale.out
    assert "team `growth-analytics` has no `github` handle" in stale.err
    assert run_cli("codeowners", cwd=mesh).code == 0
    text = owners.read_text()
    assert text.count("# alchemesh:begin mesh-examples/quickstart") == 1 and text.startswith("# ours\n")
    assert "/mesh-examples/quickstart/agreements/segments.yaml @acme/web-shop\n" in text
    assert "customer-value" not in text  # its team has no handle: no owner line


def test_access_request_writes_the_agreement_and_the_input_port(quickstart: Path):
    mesh = quickstart
    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      access: agreement\n"))
    before = run_cli("validate", "--format", "json", cwd=mesh)
    assert {f["rule"] for f in before.json()["findings"]} == {"access-without-agreement"}  # its two readers

    requested = run_cli("access", "request", "sales/orders/orders", "--for", "marketing/segments",
                        "--purpose", "Segment customers by order recency.", "--until", "2027-06-30", cwd=mesh,
                        env={"ALCHEMESH_TODAY": "2026-12-07"})
    assert requested.code == 0, requested.out + requested.err
    agreement = mesh / "domains/sales/orders/agreements/marketing-segments-orders.yaml"
    spec = yaml.safe_load(agreement.read_text())["spec"]
    assert spec["status"] == "requested" and spec["consumer"] == {"product": "marketing/segments", "inputPort": "orders"}
    assert (str(spec["start"]), str(spec["end"])) == ("2026-12-07", "2027-06-30")
    assert spec["provider"] == {"outputPort": "sales/orders/orders", "contractVersion": "1.1.0"}
    product = yaml.safe_load((mesh / "domains/marketing/segments/product.yaml").read_text())["spec"]
    assert {"name": "orders", "component": "local-duckdb-attach",
            "source": {"outputPort": "sales/orders/orders"}} in product["inputPorts"]

    said = run_cli("validate", "--format", "json", cwd=mesh, env={"ALCHEMESH_TODAY": "2026-12-08"})
    segments = [f for f in said.json()["findings"] if f["file"] == "domains/marketing/segments/product.yaml"]
    assert [f["message"].split(": ", 1)[1] for f in segments] == ["its agreement is requested"]
    edit(mesh, agreement.relative_to(mesh).as_posix(), ("  status: requested\n",
                                                        "  status: approved\n  approvedBy: [web-shop]\n"))
    approved = run_cli("validate", "--format", "json", cwd=mesh, env={"ALCHEMESH_TODAY": "2026-12-08"})
    assert not [f for f in approved.json()["findings"] if f["file"] == "domains/marketing/segments/product.yaml"]


@pytest.mark.parametrize(("args", "said"), [
    (["sales/orders/nope", "--for", "marketing/segments"], "no output port `sales/orders/nope`"),
    (["sales/orders/orders", "--for", "marketing/segment"], "did you mean `marketing/segments`?"),
    (["sales/orders/orders", "--for", "marketing/segments", "--until", "2020-01-01"], "--until 2020-01-01 is in the past"),
    (["sales/orders/orders", "--for", "marketing/segments", "--until", "soon"], "is not a date"),
    (["sales/orders/orders", "--for", "marketing/segments", "--input-port", "x}\n  status: approved"],
     "is not a valid input port name"),
])
def test_a_request_that_cannot_be_is_one_line_and_exit_2(quickstart: Path, args: list[str], said: str):
    result = run_cli("access", "request", *args, "--purpose", "x", cwd=quickstart)
    assert result.code == 2 and said in result.err, result.err
    assert_no_traceback(result)
    assert not (quickstart / "domains/sales/orders/agreements").exists()


def test_a_file_name_cannot_make_itself_an_owner(quickstart: Path):
    """A product file named `x @evil.yaml` must not give `@evil.yaml` a say: the space is escaped."""
    mesh = quickstart
    folder = mesh / "domains/sales/orders"
    (folder / "product.yaml").rename(folder / "x @evil.yaml")
    (mesh / "domains/sales/customers/product.yaml").rename(mesh / "domains/sales/orders/customers.yaml")
    assert run_cli("codeowners", cwd=mesh).code == 0
    lines = [line for line in (mesh / ".github/CODEOWNERS").read_text().splitlines() if line.startswith("/")]
    assert "/domains/sales/orders/x\\ @evil.yaml @acme/web-shop" in lines
    assert all(len(line.replace("\\ ", "_").split()) == 2 for line in lines)
