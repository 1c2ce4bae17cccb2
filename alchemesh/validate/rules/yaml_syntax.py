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

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

RULE = Rule("yaml-syntax", Severity.ERROR, __doc__)
