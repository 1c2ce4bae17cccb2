"""The outside schemas alchemesh's reports are held to (`tests/report/schemas/`): OASIS SARIF 2.1.0 and the JUnit
XSD Jenkins reads."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

SCHEMAS = Path(__file__).parent.parent / "report" / "schemas"


@cache
def _sarif_validator():
    import jsonschema

    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def assert_valid_sarif(document: dict) -> None:
    errors = sorted(_sarif_validator().iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:5]]


@cache
def _junit_schema():
    import xmlschema

    return xmlschema.XMLSchema(str(SCHEMAS / "junit-10.xsd"))


def assert_valid_junit(text: str) -> None:
    errors = list(_junit_schema().iter_errors(text))
    assert not errors, [str(e.reason) for e in errors[:5]]
