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

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

RULE = Rule("duplicate-key", Severity.ERROR, __doc__)
