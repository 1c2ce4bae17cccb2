"""`--format json`: one object with the findings and a summary."""

from __future__ import annotations

import json
from pathlib import Path

from alchemesh.findings import Report


def render(report: Report, root: Path) -> str:
    body = {
        "findings": [f.to_dict() for f in report.findings],
        "waived": [f.to_dict() for f in report.waived],
        "summary": report.summary(),
    }
    return json.dumps(body, indent=2, ensure_ascii=False, sort_keys=False)
