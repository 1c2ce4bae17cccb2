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

from __future__ import annotations

from typing import Any
import difflib
import re
from collections.abc import Iterator

from alchemesh.findings import Finding, Severity
from alchemesh.hints import did_you_mean
from alchemesh.load.repo import kind_of
from alchemesh.load.yamlfile import Document, ParsedFile, locate
from alchemesh.model.resources import API_VERSION, KINDS
from alchemesh.validate.rules.base import Rule


def check_file(parsed: ParsedFile) -> Iterator[Finding]:
    for doc in parsed.documents:
        kind = kind_of(doc.data)
        if kind is not None and kind != "DataContract" and kind not in KINDS:
            yield _finding(doc)
        elif kind is None and _misspelt_contract(doc.data):
            yield _at(doc, ("kind",), f"unknown kind `{doc.data['kind']}` for an ODCS `apiVersion`",
                      "did you mean `DataContract`? (without it, the file is no contract and is skipped)")


_ODCS_VERSION = re.compile(r"^v\d+\.\d+")


def _misspelt_contract(data: Any) -> bool:
    """An ODCS document whose `kind` is nearly `DataContract`: skipped silently, it would vanish from the mesh."""
    if not isinstance(data, dict) or not isinstance(data.get("kind"), str):
        return False
    api_version, kind = data.get("apiVersion"), data["kind"]
    if not isinstance(api_version, str) or not _ODCS_VERSION.match(api_version) or kind == "DataContract":
        return False  # an ODPS `DataProduct` (same apiVersion style) is far from it: not caught here
    written = kind.lower().replace("-", "").replace("_", "")
    return difflib.SequenceMatcher(None, written, "datacontract").ratio() >= 0.85


def _finding(doc: Document) -> Finding:
    data = doc.data
    if data.get("apiVersion") != API_VERSION:
        return _at(doc, ("apiVersion",), f"apiVersion `{data.get('apiVersion')}` is not supported",
                   f"this version of alchemesh reads `{API_VERSION}`")
    kind = data.get("kind")
    known = f"known kinds: {', '.join(KINDS)}"
    if kind is None:
        return RULE.at("the document has no `kind`", doc.file, doc.line, 1, (), known)
    return _at(doc, ("kind",), f"unknown kind `{kind}`", did_you_mean(str(kind), [*KINDS, "DataContract"]) or known)


def _at(doc: Document, path: tuple[str, ...], message: str, hint: str) -> Finding:
    line, column = locate(doc.node, path)
    return RULE.at(message, doc.file, line, column, path, hint)


RULE = Rule("unknown-kind", Severity.ERROR, __doc__, check_file=check_file)
