"""A document breaks its kind's JSON Schema (the official ODCS schema for data contracts).

Why:
    Every later stage (references, graph, compile) reads typed resources; a misspelt field, a wrong
    type or a missing required value would otherwise be ignored or fail far from its cause.
    Names are constrained to `^[a-z][a-z0-9-]{0,62}$` so that no name can escape a directory or
    break a Terraform identifier.

Example:
    kind: DataProduct
    metadata: {name: Orders}     # uppercase is not a valid name
    spec:
      domain: sales
      owner: sales-analytics
      verison: 1.0.0             # unknown field (did you mean `version`?)

Fix:
    Follow the message and hint; `alchemesh schema export` writes the schemas for your editor.
"""

from __future__ import annotations

from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.load.repo import kind_of
from alchemesh.load.schema_check import contract_problems, model_problems, validate_resource
from alchemesh.load.yamlfile import ParsedFile, locate
from alchemesh.model.resources import KINDS
from alchemesh.validate.rules.base import Rule


def check_file(parsed: ParsedFile) -> Iterator[Finding]:
    for doc in parsed.documents:
        kind = kind_of(doc.data)
        if kind == "DataContract":
            problems = contract_problems(doc.data)
        elif kind in KINDS:
            parsed.validated[doc.index] = validated = validate_resource(kind, doc.data)
            error = validated[1]
            problems = model_problems(error) if error else []
        else:
            continue
        for problem in problems:
            line, column = locate(doc.node, problem.shown_at or problem.path, key=problem.on_key)
            yield RULE.at(problem.message, doc.file, line, column, problem.path, problem.hint)


RULE = Rule("schema", Severity.ERROR, __doc__, check_file=check_file)
