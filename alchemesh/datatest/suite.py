"""The ports of a mesh to test, stack by stack, and the tester the runner calls with each stack's outputs."""

from __future__ import annotations

import functools
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.datatest.engines import ENGINES, cancel_all, start_run
from alchemesh.datatest.result import PortResult
from alchemesh.datatest.run import PortTarget, check_port, unreachable
from alchemesh.resolve.graph import PortRef
from alchemesh.resolve.index import product_id

if TYPE_CHECKING:
    from alchemesh.validate import Analysis



@dataclass(frozen=True)
class Suite:
    """Stack key → the ports of that product to test; the ports that cannot be (no contract)."""

    ports: dict[str, tuple[PortTarget, ...]]
    untested: tuple[tuple[str, str], ...]  # (port, why)
    timeout: float = 300.0
    now: dt.datetime | None = None

    def __call__(self, key: str, stack_dir: Path, outputs: dict) -> tuple[PortResult, ...]:
        """Test the stack's ports from its `output_ports` output (empty: never applied)."""
        results = []
        for target in self.ports.get(key, ()):
            port_output = outputs.get(target.name)
            if not isinstance(port_output, dict):
                results.append(unreachable(target, "its stack holds no output for it (not applied yet?)",
                                           "`alchemesh apply` first"))
                continue
            results.append(check_port(target, port_output.get("location"), stack_dir, timeout=self.timeout,
                                     now=self.now))
        return tuple(results)

    def cancel(self) -> None:
        """The run was cancelled: the queries in flight stop on their servers."""
        cancel_all()


def suite(analysis: Analysis, *, timeout: float = 300.0, now: dt.datetime | None = None) -> Suite:
    start_run()
    index, repo, graph = analysis.index, analysis.repo, analysis.graph
    ports: dict[str, tuple[PortTarget, ...]] = {}
    untested = []
    for _key, entry in sorted(index.products.items()):
        targets = []
        for i, port in enumerate(entry.resource.spec.outputPorts):
            ref = PortRef(entry.resource.spec.domain, entry.resource.name, port.name)
            contract = index.contracts.get(port.contract) if port.contract else None
            if contract is None:
                untested.append((str(ref), "no contract"))
                continue
            component = index.components.get(port.component)
            consumers = tuple(sorted(f"{e.consumer_id}/{e.input_port}" for e in graph.consumers(ref)))
            doc = contract.doc
            targets.append(PortTarget(
                str(ref), port.name, contract.resource, contract.file,
                functools.partial(repo.locate, doc), component.engine if component else None, consumers,
                entry.file, repo.locate(entry.doc, ("spec", "outputPorts", i)),
                f"declare it in alchemesh.yaml: `spec.components.{port.component}.engine: {' | '.join(ENGINES)}`"))
        if targets:
            ports[product_id(entry)] = tuple(targets)
    return Suite(ports, tuple(untested), timeout, now)
