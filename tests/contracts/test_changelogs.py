"""All contracts' changelogs in one walk (the catalog's) agree with `contracts changelog ID`."""

from __future__ import annotations

import shutil
from pathlib import Path

from alchemesh.contracts.history import changelog, changelogs
from alchemesh.validate import analyze
from tests.testing import commit, edit


def test_one_walk_gives_each_contracts_own_changelog(git_quickstart: Path):
    mesh = git_quickstart
    orders = "domains/sales/orders/contract.odcs.yaml"
    edit(mesh, orders, ("version: 1.1.0", "version: 1.2.0"))
    commit(mesh, "orders 1.2.0")
    moved = "domains/sales/orders/orders.odcs.yaml"
    shutil.move(mesh / orders, mesh / moved)
    commit(mesh, "orders: file renamed")
    edit(mesh, moved, ("version: 1.2.0", "version: 2.0.0"), ("      - name: status\n", "      - name: state\n"))
    commit(mesh, "orders 2.0.0, status renamed")
    edit(mesh, "domains/sales/customers/contract.odcs.yaml", ("version: 1.0.0", "version: 1.0.1"))  # uncommitted

    analysis = analyze(mesh)
    batch = changelogs(mesh, analysis)
    assert len(batch) == 4
    for contract_id, log in batch.items():
        assert log == changelog(analysis, contract_id), contract_id
    versions = [v.version for v in batch["urn:datacontract:sales:orders"].versions]
    assert versions[:2] == ["2.0.0", "1.2.0"]
    assert batch["urn:datacontract:sales:customers"].versions[0].commit is None  # the work tree's change
