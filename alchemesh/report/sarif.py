"""`--format sarif`: SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.

URIs are relative to the repository root (`%SRCROOT%`), so that an alert of a mesh in a sub-folder points at a file
that exists; each result has a fingerprint that survives lines moving; `automationDetails.id` names the command, so
that a `validate` upload and a `test` upload do not replace each other's alerts.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import quote

from alchemesh import __version__
from alchemesh.findings import Report, Severity
from alchemesh.all_rules import every_rule
from alchemesh.repofiles import repository_prefix
from alchemesh.validate.rules import Rule, registry

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(report: Report, root: Path, category: str = "validate") -> str:
    known = every_rule()
    used = {f.rule: f for f in report.findings}
    rules = [rule for name, rule in known.items() if name in used or name in registry()]
    rules += [Rule(name, f.severity, f"{name}: see `alchemesh components check`.") for name, f in sorted(used.items())
              if name not in known]
    position = {rule.name: i for i, rule in enumerate(rules)}
    prefix = repository_prefix(root)
    results = []
    for f in report.findings:
        region = {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)}
        text = f.message + (f" ({f.hint})" if f.hint else "")
        where = "/".join(map(str, f.path)) if f.path else f"{f.line}:{f.column}"
        fingerprint = hashlib.sha256(f"{f.rule}\0{prefix}{f.file}\0{where}\0{f.message}".encode()).hexdigest()
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": position[f.rule],
                "level": _LEVEL[f.severity],
                "message": {"text": text},
                "locations": [
                    {"physicalLocation": {"artifactLocation": {"uri": quote(prefix + f.file, safe="/"),
                                                               "uriBaseId": "%SRCROOT%"}, "region": region}}
                ],
                "partialFingerprints": {"alchemeshFinding/v1": fingerprint[:32]},
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
                "help": {"text": rule.doc.strip(), "markdown": rule.doc.strip()},
                "defaultConfiguration": {"level": _LEVEL[rule.severity]},
            }
            for rule in rules
        ],
    }
    run = {
        "tool": {"driver": driver},
        "automationDetails": {"id": f"alchemesh/{category}/"},
        "originalUriBaseIds": {"%SRCROOT%": {"description": {"text": "The root of the repository the mesh is in."}}},
        "results": results,
    }
    sarif = {"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": [run]}
    return json.dumps(sarif, indent=2, ensure_ascii=False)
