"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote

from alchemesh import __version__
from alchemesh.findings import Report, Severity
from alchemesh.all_rules import every_rule
from alchemesh.validate.rules import Rule, registry

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, root: Path) -> str:
    known = every_rule()
    used = {f.rule: f for f in report.findings}
    rules = [rule for name, rule in known.items() if name in used or name in registry()]
    rules += [Rule(name, f.severity, f"{name}: see `alchemesh components check`.") for name, f in sorted(used.items())
              if name not in known]
    position = {rule.name: i for i, rule in enumerate(rules)}
    results = []
    for f in report.findings:
        region = {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)}
        text = f.message + (f" ({f.hint})" if f.hint else "")
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": position[f.rule],
                "level": _LEVEL[f.severity],
                "message": {"text": text},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": quote(f.file, safe="/"), "uriBaseId": "%SRCROOT%"}, "region": region}}
                ],
            }
        )
    driver = {
        "name": "alchemesh",
        "version": __version__,
        "informationUri": "https://github.com/alchemesh/alchemesh",
        "rules": [
            {
                "id": rule.name,
                "shortDescription": {"text": rule.summary},
                "fullDescription": {"text": rule.doc.strip()},
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            }
            for rule in rules
        ],
    }
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": driver}, "results": results}],
    }
    return json.dumps(sarif, indent=2, ensure_ascii=False)
