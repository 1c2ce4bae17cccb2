"""The rule registry: every rule alchemesh reports, by stable name, each documented by its module."""

from __future__ import annotations

import functools
import importlib

from alchemesh.validate.rules.base import Context, Rule

__all__ = ["Context", "Rule", "registry"]

_MODULES = (
    "yaml_syntax",
    "duplicate_key",
    "schema",
    "unknown_kind",
    "missing_mesh",
    "duplicate_name",
    "unresolved_reference",
    "component_type_mismatch",
    "dependency_cycle",
    "visibility_violation",
    "consumes_retired_port",
    "consumes_deprecated_port",
    "sunset_approaching",
    "sunset_passed",
    "access_without_agreement",
    "access_expiring",
    "access_expired",
    "contract_version_mismatch",
    "polyseme_mismatch",
    "port_without_contract",
    "component_config",
    "uses_unknown_field",
    "uses_unread",
    "policy",
)


@functools.cache
def registry() -> dict[str, Rule]:
    """Rule name → rule, in documentation order."""
    rules = [importlib.import_module(f"alchemesh.validate.rules.{name}").RULE for name in _MODULES]
    return {rule.name: rule for rule in rules}
