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

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

RULE = Rule("schema", Severity.ERROR, __doc__)
