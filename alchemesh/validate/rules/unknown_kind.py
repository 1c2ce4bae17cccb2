"""An `alchemesh.io/*` document of a kind (or apiVersion) this version does not know.

Why:
    A typo in `kind` would make the resource silently disappear from the mesh; a newer apiVersion
    may mean fields this version cannot read.

Example:
    apiVersion: alchemesh.io/v1alpha1
    kind: DataProdcut

Fix:
    Use one of Mesh, Team, Domain, DataProduct, Polyseme (contracts are ODCS `DataContract`
    documents), or upgrade alchemesh.
"""

from alchemesh.findings import Severity
from alchemesh.validate.rules.base import Rule

RULE = Rule("unknown-kind", Severity.ERROR, __doc__)
