"""The plan guard's refusals on the applied quickstart: `apply` leaves a stack whose plan destroys a port's data
`guarded` (its dependents skipped), the text summary and the PR comment lead with the finding, a flag without a
reason is refused, and `protect` holds whatever the flags say, `destroy` included. (The finding itself, an allowed
apply, and unchanged and additive plans raising nothing are tested on both Terraform versions in
`test_end_to_end`.)"""

from __future__ import annotations

from pathlib import Path

from tests.testing import edit, run_cli

ORDERS = "domains/sales/orders/product.yaml"
PORT_LINE = "      visibility: public\n"


def _guard(result) -> list[dict]:
    return result.json()["guard"]


def _move_orders(mesh: Path) -> None:
    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      config: {state_dir: ../../../.alchemesh/moved}\n"))


def test_apply_leaves_the_stack_guarded_and_protect_holds_whatever_the_flags_say(checkout: Path,
                                                                                 one_terraform_env: dict):
    mesh, env = checkout, one_terraform_env
    assert run_cli("apply", "--auto-approve", cwd=mesh, env=env).code == 0
    _move_orders(mesh)
    text = run_cli("plan", cwd=mesh, env=env)
    assert text.code == 1 and text.out.startswith("error: domains/sales/orders/product.yaml:22:")
    assert "read by marketing/customer-value, and downstream marketing/segments" in text.out

    refused = run_cli("apply", "--auto-approve", "--format", "json", "--summary", str(mesh / "comment.md"),
                      cwd=mesh, env=env)
    assert refused.code == 1, refused.out + refused.err
    statuses = {s["stack"]: s["status"] for s in refused.json()["stacks"]}
    assert statuses["sales/orders"] == "guarded"
    assert statuses["marketing/customer-value"] == statuses["marketing/segments"] == "skipped"
    comment = (mesh / "comment.md").read_text()
    assert comment.index("port-data-destroyed") < comment.index("| stack |")  # the PR comment leads with it
    no_reason = run_cli("apply", "--auto-approve", "--allow-data-loss", "sales/orders/orders", cwd=mesh, env=env)
    assert no_reason.code == 2 and "--reason" in no_reason.err

    edit(mesh, ORDERS, (PORT_LINE, PORT_LINE + "      protect: [dev]\n"))
    protected = run_cli("apply", "--auto-approve", "--format", "json", "--allow-data-loss", "sales/orders/orders",
                        "--reason", "moving the data", cwd=mesh, env=env)
    assert protected.code == 1 and {s["stack"]: s["status"] for s in protected.json()["stacks"]}[
        "sales/orders"] == "guarded"
    destroy = run_cli("destroy", "--auto-approve", "--format", "json", "--product", "sales/orders", cwd=mesh, env=env)
    assert destroy.code == 1 and destroy.json()["stacks"][0]["status"] == "guarded"
    assert (mesh / ".alchemesh/data/dev/sales/orders/orders.duckdb").is_file()  # the data is where it was
