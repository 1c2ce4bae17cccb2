"""The rule registry: every rule alchemesh reports, by stable name, each documented by its module."""

from __future__ import annotations

import functools
import importlib

from alchemesh.rules.base import Context, Rule

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
    "contract_version_mismatch",
    "polyseme_mismatch",
    "port_without_contract",
    "component_config",
    "policy",
)


@functools.cache
def registry() -> dict[str, Rule]:
    """Rule name → rule, in documentation order."""
    rules = [importlib.import_module(f"alchemesh.rules.{name}").RULE for name in _MODULES]
    return {rule.name: rule for rule in rules}


def contract_rules() -> dict[str, Rule]:
    """The contract-change classes and version rules of SPEC §3, as rules (for listings and SARIF)."""
    from alchemesh.contracts.changes import CHANGES, VERSION_RULES
    from alchemesh.findings import Severity

    out = {}
    for name, cls in CHANGES.items():
        severity = Severity.ERROR if "breaking" in (cls.consumer, cls.producer) else Severity.INFO
        doc = (f"{cls.summary}\n\nWhy:\n    {cls.why} Consumer mode: {cls.consumer}; producer mode: "
               f"{cls.producer}.\n\nExample:\n    alchemesh contracts diff old.odcs.yaml new.odcs.yaml\n\n"
               f"Fix:\n    Keep the change compatible, or raise the major version and tell the consumers.")
        out[name] = Rule(name, severity, doc)
    for name, (severity, summary, why) in VERSION_RULES.items():
        doc = (f"{summary}\n\nWhy:\n    {why}\n\nExample:\n    version: 1.4.0 → 1.5.0 while a field was removed\n\n"
               f"Fix:\n    Raise the version: major for breaking changes, minor or patch otherwise.")
        out[name] = Rule(name, Severity(severity), doc)
    return out
