"""What a load does once: each resource validated by pydantic once, the node trees gone after a file's checks."""

from __future__ import annotations

from pathlib import Path

import alchemesh.load.schema_check as schema_check
from alchemesh.validate import analyze


class _Counted:
    def __init__(self, model, seen: list):
        self.model, self.seen = model, seen

    def model_validate(self, data):
        self.seen.append(id(data))
        return self.model.model_validate(data)


def test_a_cold_load_validates_each_resource_once_and_keeps_no_node_tree(quickstart: Path, monkeypatch):
    seen: list[int] = []
    monkeypatch.setattr(schema_check, "KINDS", {k: _Counted(m, seen) for k, m in schema_check.KINDS.items()})
    analysis = analyze(quickstart, use_cache=False)
    resources = [*analysis.repo.meshes, *analysis.repo.teams, *analysis.repo.domains, *analysis.repo.products,
                 *analysis.repo.polysemes]
    assert len(seen) == len(set(seen)) == len(resources) > 0  # the schema check's result, taken by the load
    assert all(not r.validated for r in analysis.repo.records)  # handed over on the file's record, then let go
    assert all(d.node is None for r in analysis.repo.records for d in r.documents)
    entry = analysis.repo.products[0]
    assert analysis.repo.locate(entry.doc, ("spec", "domain")) == (next(
        i for i, line in enumerate((quickstart / entry.file).read_text().splitlines(), 1) if "domain:" in line), 11)
