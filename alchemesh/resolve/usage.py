"""Which fields each consumer reads of the output ports it reads: declared on its input port (`uses`), inferred from
its own SQL (`resolve.sqlreads`), each with where it comes from. A consumer alchemesh can read neither way is
**unknown**, and unknown means "may read everything" — never "reads nothing"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from alchemesh.load.repo import Entry
from alchemesh.model.resources import DataProduct
from alchemesh.resolve.graph import Edge, MeshGraph, PortRef
from alchemesh.resolve.index import MeshIndex, product_id

MAX_SQL_BYTES = 1_000_000


@dataclass(frozen=True)
class Read:
    field: str  # object.property (object.* declared: all of an object's)
    provenance: str  # declared | inferred
    file: str
    line: int
    column: int


def covers(read: str, field: str) -> bool:
    """Whether a field read (object.property, object.*) is, holds or is held by `field` (object[.property…])."""
    obj, _, prop = read.partition(".")
    if prop == "*":
        return field == obj or field.startswith(f"{obj}.")
    return read == field or read.startswith(f"{field}.") or field.startswith(f"{read}.")


@dataclass(frozen=True)
class PortUsage:
    """What one input port reads of the output port it reads."""

    consumer: str  # domain/product
    port: str  # the input port's name
    input_index: int
    producer: PortRef
    reads: tuple[Read, ...] = ()
    unknown: str | None = None  # why what it reads cannot be told: it may read everything
    unread: tuple[Read, ...] = ()  # declared, and the SQL (read) does not read it
    not_in_contract: tuple[Read, ...] = ()  # read, and the producer's contract has no such field

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(r.field for r in self.reads))


@dataclass(frozen=True)
class Usage:
    ports: tuple[PortUsage, ...]

    @cached_property
    def _by_producer(self) -> dict[PortRef, list[PortUsage]]:
        out: dict[PortRef, list[PortUsage]] = {}
        for usage in self.ports:
            out.setdefault(usage.producer, []).append(usage)
        return out

    def of(self, producer: PortRef) -> list[PortUsage]:
        """The input ports reading `producer`, in the graph's order."""
        return self._by_producer.get(producer, [])


def contract_fields(index: MeshIndex, graph: MeshGraph, ref: PortRef) -> dict[str, tuple[str, list[str]]] | None:
    """The producer port's contract as table → (object, its top-level properties); None without a contract."""
    port = graph.output_port(ref)
    entry = index.contracts.get(port.contract) if port is not None and port.contract else None
    if entry is None:
        return None
    return {obj.physical_name or obj.name: (obj.name, [p.physical_name or p.name for p in obj.properties])
            for obj in entry.resource.objects if obj.name}


def infer(index: MeshIndex, graph: MeshGraph) -> Usage:
    """Every resolved input port's usage, consumers in the graph's order."""
    by_product: dict[str, list[Edge]] = {}
    for edge in graph.resolved:
        by_product.setdefault(edge.consumer_id, []).append(edge)
    sql = _sql_files(index)
    ports: list[PortUsage] = []
    for consumer, edges in by_product.items():
        tables = {e.input_port: contract_fields(index, graph, e.ref) for e in edges}
        read, why_not = _read_product(index, consumer, sql.get(consumer, []), tables)
        for edge in edges:
            ports.append(_port_usage(index, edge, tables[edge.input_port], read, why_not))
    return Usage(tuple(ports))


def _port_usage(index: MeshIndex, edge: Edge, tables: dict[str, tuple[str, list[str]]] | None,
                read: dict[str, list[Read]] | None, why_not: str | None) -> PortUsage:
    entry = edge.consumer
    declared = _declared(index, entry, edge.input_index)
    objects = {obj: set(columns) for obj, columns in (tables or {}).values()}
    inferred = read.get(edge.input_port) if read is not None else None
    if inferred is None and read is not None:
        why_not = why_not or f"its SQL does not name the port (`{edge.input_port}.TABLE`)"
    unknown = None if declared or inferred is not None else why_not or "no SQL of the product reads it"
    reads = tuple(declared) + tuple(inferred or ())
    known = _known(objects) if tables is not None else None
    not_in_contract = tuple(r for r in reads if known is not None and not known(r.field))
    inferred_fields = {r.field for r in inferred or ()}
    unread = tuple(r for r in declared if inferred is not None and r not in not_in_contract
                   and not _covered(r.field, inferred_fields))
    return PortUsage(edge.consumer_id, edge.input_port, edge.input_index, edge.ref, reads, unknown, unread,
                     not_in_contract)


def _known(objects: dict[str, set[str]]) -> Callable[[str], bool]:
    def known(field: str) -> bool:
        obj, _, prop = field.partition(".")
        return obj in objects and (prop == "*" or prop.split(".", 1)[0] in objects[obj])
    return known


def _covered(field: str, inferred: set[str]) -> bool:
    obj, _, prop = field.partition(".")
    return any(f.startswith(f"{obj}.") for f in inferred) if prop == "*" else field in inferred


def _declared(index: MeshIndex, entry: Entry[DataProduct], i: int) -> list[Read]:
    uses = entry.resource.spec.inputPorts[i].uses or []
    out = []
    for j, field in enumerate(uses):
        line, column = index.repo.locate(entry.doc, ("spec", "inputPorts", i, "uses", j))
        out.append(Read(field, "declared", entry.file, line, column))
    return out


def _sql_files(index: MeshIndex) -> dict[str, list[tuple[str, str]]]:
    """Product → its code's SQL files (repo-relative) and the dialect they run in."""
    from alchemesh.resolve.files import named_files

    out: dict[str, list[tuple[str, str]]] = {}
    for use, _, file in named_files(index):
        if use.expected_type != "code" or not file.endswith(".sql") or not isinstance(use.entry.resource, DataProduct):
            continue
        out.setdefault(product_id(use.entry), []).append((file, _dialect(index, use.entry, use.component)))
    return out


def _dialect(index: MeshIndex, entry: Entry[DataProduct], code_component: str) -> str:
    """The engine the product's code runs in (sqlglot's names are the engines'): the code component's own, else
    that of the product's output ports, when they agree."""
    component = index.components.get(code_component)
    if component is not None and component.engine:
        return component.engine
    engines = {c.engine for p in entry.resource.spec.outputPorts if (c := index.components.get(p.component)) and c.engine}
    return engines.pop() if len(engines) == 1 else ""


def _read_product(index: MeshIndex, consumer: str, files: list[tuple[str, str]],
                  tables: dict[str, dict[str, tuple[str, list[str]]] | None]) -> tuple[dict[str, list[Read]] | None,
                                                                                       str | None]:
    """Input port → what the product's SQL reads of it (None: nothing could be read, and why)."""
    from alchemesh.resolve.sqlreads import read_sql

    if not files:
        return None, "the product has no SQL alchemesh reads (a code component with a `sql_file`)"
    schemas = {port: {table: columns for table, (_, columns) in t.items()} for port, t in tables.items() if t}
    objects = {(port, table): obj for port, t in tables.items() if t for table, (obj, _) in t.items()}
    read: dict[str, list[Read]] = {}
    root = index.repo.root
    for file, dialect in files:
        if not dialect:
            return None, f"the engine {file} runs in is not known (no `engine` on its component or output ports)"
        text = _text(root, file)
        if text is None:
            return None, f"{file} cannot be read"
        found = read_sql(text, dialect, {port: schemas.get(port, {}) for port in tables})
        if found.unreadable:
            return None, f"{file}: {found.unreadable}"
        if found.unattributed:
            return None, f"{file}: a column could be of more than one table ({', '.join(found.unattributed)})"
        for port in found.named:
            read.setdefault(port, [])
        for column in found.columns:
            obj = objects.get((column.port, column.table), column.table)
            read.setdefault(column.port, []).append(Read(f"{obj}.{column.column}", "inferred", file, column.line,
                                                         column.col))
    return read, None


def _text(root: Path, file: str) -> str | None:
    """A SQL file of the repo (never one outside it), when it is a regular file of a readable size."""
    if file.startswith("../") or file.startswith("/"):
        return None
    path = root / file
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_SQL_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


@dataclass(frozen=True)
class Reader:
    """One consumer's reading of one field: where it is declared or read; `read` None for an unknown consumer."""

    usage: PortUsage
    read: Read | None


@dataclass(frozen=True)
class FieldReaders:
    field: str
    readers: tuple[Reader, ...]
    in_contract: bool = True


@dataclass(frozen=True)
class PortReaders:
    """An output port, who reads it, and per field of its contract who reads that field."""

    port: PortRef
    contract: str | None
    consumers: tuple[PortUsage, ...]
    fields: tuple[FieldReaders, ...]


def port_readers(index: MeshIndex, graph: MeshGraph, usage: Usage, ref: PortRef) -> PortReaders:
    port = graph.output_port(ref)
    usages = tuple(usage.of(ref))
    tables = contract_fields(index, graph, ref) or {}
    fields = [f"{obj}.{prop}" for obj, props in tables.values() for prop in props]
    extra = sorted({r.field for u in usages for r in u.not_in_contract} - set(fields))
    out = []
    for field in [*fields, *extra]:
        readers = []
        for consumer in usages:
            if consumer.unknown is not None:
                readers.append(Reader(consumer, None))
                continue
            read = next((r for r in consumer.reads if covers(r.field, field)), None)
            if read is not None:
                readers.append(Reader(consumer, read))
        out.append(FieldReaders(field, tuple(readers), field not in extra))
    return PortReaders(ref, port.contract if port is not None else None, usages, tuple(out))
