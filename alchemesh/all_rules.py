"""Every rule alchemesh can report, from the stages that own them: validation, then contract changes.
`alchemesh rules`, SARIF and the catalog list them from here."""

from __future__ import annotations

from alchemesh.validate.rules.base import Rule


def every_rule() -> dict[str, Rule]:
    """Rule name → rule: the validation rules in documentation order, then the contract rules."""
    from alchemesh.contracts.rules import contract_rules
    from alchemesh.validate.rules import registry

    return {**registry(), **contract_rules()}
