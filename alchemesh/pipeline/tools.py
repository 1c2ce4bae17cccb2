"""What the commands that act on no mesh call: component modules checked, two contract files compared, a new mesh
scaffolded, the rules listed; and the tables the CLI makes commands of (the import and export formats). The CLI
reaches the stages through these and `Pipeline` only."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.contracts.changes import Mode
from alchemesh.interop import EXPORTERS, IMPORTERS, Format, import_options

if TYPE_CHECKING:
    from alchemesh.contracts.result import ContractReport
    from alchemesh.findings import Report
    from alchemesh.validate.rules.base import Rule

__all__ = ["EXPORTERS", "IMPORTERS", "Format", "Mode", "check_components", "create_mesh", "diff_contracts",
           "import_options", "rules", "standard_schemas"]


def check_components(directories: list[Path], kind: str | None) -> Report:
    """Each Terraform module under `directories` against the interface of its component type."""
    from alchemesh.components.check import check_tree

    return check_tree(directories, kind)


def diff_contracts(old: Path, new: Path, mode: Mode) -> ContractReport:
    from alchemesh.contracts.files import diff_files

    return diff_files(old, new, mode)


def create_mesh(directory: Path, name: str | None = None) -> list[Path]:
    """A mesh repo that validates clean: its files, the local components copied in; the created paths."""
    from alchemesh.scaffold.create import init_repo, mesh_name_for

    return init_repo(directory, name or mesh_name_for(directory))


def standard_schemas() -> dict[str, bytes]:
    """File name → the JSON Schema of each access agreement standard alchemesh writes (OAAS, DUA)."""
    from alchemesh.interop.agreements import standard_schemas as schemas

    return schemas()


def rules() -> dict[str, Rule]:
    """Every rule by name: validation, contract, component and data-test rules."""
    from alchemesh.all_rules import every_rule

    return every_rule()
