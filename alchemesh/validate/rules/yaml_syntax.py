"""A file is not valid YAML, or not UTF-8, or too large or too deeply nested to read safely.

Why:
    A file that cannot be parsed says nothing about the mesh; its resources silently vanish from
    validation, the graph and the build. Alias bombs and oversized files are refused rather than
    allowed to exhaust memory in a pre-commit hook or CI.

Example:
    outputPorts:
      - name: orders
        config: {location: EU
    # the flow mapping is never closed

Fix:
    Correct the syntax at the line and column given; save the file as UTF-8.
"""

from __future__ import annotations

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.load.yamlfile import ParsedFile
from alchemesh.validate.rules.base import Rule


def check_file(parsed: ParsedFile) -> Iterator[Finding]:
    for problem in parsed.problems:
        yield RULE.at(problem.message, parsed.file, problem.line, problem.column)


RULE = Rule("yaml-syntax", Severity.ERROR, __doc__, check_file=check_file)
