"""A mapping repeats a key.

Why:
    YAML loaders keep the last value and drop the first without a word, so a repeated key hides an
    edit: the value you read in review is not the value that is used.

Example:
    spec:
      owner: sales-analytics
      owner: crm-core

Fix:
    Keep one of the two keys.
"""

from __future__ import annotations

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.load.yamlfile import ParsedFile
from alchemesh.validate.rules.base import Rule


def check_file(parsed: ParsedFile) -> Iterator[Finding]:
    for duplicate in parsed.duplicate_keys:
        yield RULE.at(f"key `{duplicate.key}` appears more than once in this mapping", parsed.file, duplicate.line,
                      duplicate.column, hint="the later value silently wins; keep one")


RULE = Rule("duplicate-key", Severity.ERROR, __doc__, check_file=check_file)
