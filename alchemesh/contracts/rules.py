"""The contract-change classes and version rules of SPEC §3, as rules: the contracts stage owns them."""

from __future__ import annotations

from alchemesh.contracts.changes import CHANGES, USAGE_RULES, VERSION_RULES
from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule


def contract_rules() -> dict[str, Rule]:
    """The contract-change classes and version rules of SPEC §3, as rules (for listings and SARIF)."""
    out = {}
    for name, cls in CHANGES.items():
        severity = Severity.ERROR if "breaking" in (cls.consumer, cls.producer) else Severity.INFO
        doc = (f"{cls.summary}\n\nWhy:\n    {cls.why} Consumer mode: {cls.consumer}; producer mode: "
               f"{cls.producer}.\n\nExample:\n    alchemesh contracts diff old.odcs.yaml new.odcs.yaml\n\n"
               f"Fix:\n    Keep the change compatible, or raise the major version and tell the consumers.")
        modes = f"by mode: consumer {cls.consumer}, producer {cls.producer}"
        out[name] = Rule(name, severity, doc, modes=modes)
    for name, (level, summary, why) in VERSION_RULES.items():
        doc = (f"{summary}\n\nWhy:\n    {why}\n\nExample:\n    version: 1.4.0 → 1.5.0 while a field was removed\n\n"
               f"Fix:\n    Raise the version: major for breaking changes, minor or patch otherwise.")
        out[name] = Rule(name, Severity(level), doc)
    for name, (level, summary, why) in USAGE_RULES.items():
        doc = (f"{summary}\n\nWhy:\n    {why}\n\nExample:\n    `orders.coupon` removed; `alchemesh usage` shows no reader\n\n"
               f"Fix:\n    Nothing to fix for today's consumers; raise the major version as the version rule asks.")
        out[name] = Rule(name, Severity(level), doc)
    return out
