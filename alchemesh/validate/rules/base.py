"""What a rule is, and what a rule's check is given."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Any, TYPE_CHECKING

from alchemesh.findings import Finding, JsonPath, Severity

if TYPE_CHECKING:  # annotations only: a per-file rule (contracts diff) needs no models, no graph
    from alchemesh.load.repo import FileCheck
    from alchemesh.load.yamlfile import Document
    from alchemesh.resolve.graph import MeshGraph
    from alchemesh.resolve.index import MeshIndex
    from alchemesh.resolve.usage import Usage


@dataclass(frozen=True)
class Context:
    """The resolved mesh a check reads, and the way it reports a finding at a node."""

    index: MeshIndex
    graph: MeshGraph
    use_cache: bool = True  # False: a rule reads and writes no cache of its own (`--no-cache`)

    @cached_property
    def usage(self) -> Usage:
        """Which fields each consumer reads (declared, inferred from its SQL, or unknown): once per validation."""
        from alchemesh.resolve.usage import infer

        return infer(self.index, self.graph)

    def finding(
        self,
        rule: Rule,
        doc: Document,
        path: JsonPath,
        message: str,
        *,
        hint: str | None = None,
        key: bool = False,
        severity: Severity | None = None,
        policy: str | None = None,
        products: tuple[str, ...] | None = None,
    ) -> Finding:
        line, column = self.index.repo.locate(doc, path, key)
        return rule.at(message, doc.file, line, column, path, hint, severity=severity, policy=policy,
                       products=products)


Check = Callable[[Context], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named rule. Its module docstring documents it: what it finds, why, an example, the fix."""

    name: str
    severity: Severity
    doc: str
    check: Check | None = None  # over the resolved mesh
    check_file: FileCheck | None = None  # over one parsed file, while loading (cached with the file)
    modes: str | None = None  # a contract change: how it lands in each compatibility mode, instead of one severity
    settled_by_runs: bool = False  # an error the run itself settles (access granted as agreements say): no stop

    def at(self, message: str, file: str, line: int = 1, column: int = 1, path: JsonPath = (),
           hint: str | None = None, *, severity: Severity | None = None, **typed: Any) -> Finding:
        """A finding of this rule at a position (`typed`: the finding's typed fields, e.g. `policy`)."""
        return Finding(self.name, severity or self.severity, message, file, line, column, path, hint, **typed)

    @property
    def summary(self) -> str:
        """The docstring's first paragraph, on one line: a sentence is never cut where the docstring wraps."""
        paragraph = self.doc.strip().split("\n\n", 1)[0]
        return " ".join(line.strip() for line in paragraph.splitlines())

    def section(self, title: str) -> str:
        """The text under `Title:` in the docstring, up to the next section."""
        lines = self.doc.strip().splitlines()
        out: list[str] = []
        inside = False
        for line in lines:
            head = line.strip().rstrip(":")
            if head in _SECTIONS:
                inside = head == title
                continue
            if inside:
                out.append(line)
        return "\n".join(out).strip("\n")


_SECTIONS = ("Why", "Example", "Fix")
