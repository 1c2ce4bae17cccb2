"""The one registry of every rule alchemesh can report, from the stages that own them: validation, contract
changes, component modules, data tests, the plan guard. `alchemesh rules`, SARIF and the catalog list them from here."""

from __future__ import annotations

from alchemesh.validate.rules.base import Rule


def every_rule() -> dict[str, Rule]:
    """Rule name → rule: the validation rules in documentation order, the contract rules, the component rules."""
    from alchemesh.components.rules import RULES as component_rules
    from alchemesh.contracts.rules import contract_rules
    from alchemesh.datatest.rules import RULES as data_rules
    from alchemesh.terraform.guard import RULES as guard_rules
    from alchemesh.validate.rules import registry

    return {**registry(), **contract_rules(), **{rule.name: rule for rule in component_rules},
            **{rule.name: rule for rule in data_rules}, **{rule.name: rule for rule in guard_rules}}
