"""`alchemesh usage`: per output port and field, who reads it — declared, inferred at file:line:col, or unknown."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from alchemesh.findings import printable

if TYPE_CHECKING:
    from alchemesh.resolve.usage import PortReaders, Reader


def render(ports: list[PortReaders], format: str) -> str:
    if format == "json":
        return json.dumps({"ports": [_port_dict(p) for p in ports]}, indent=2, ensure_ascii=False) + "\n"
    return "\n\n".join(_port_text(p) for p in ports) + "\n" if ports else "no output port\n"


def _where(reader: Reader) -> str | None:
    read = reader.read
    return f"{read.file}:{read.line}:{read.column}" if read is not None else None


def _port_dict(port: PortReaders) -> dict[str, Any]:
    return {
        "port": str(port.port),
        "contract": port.contract,
        "consumers": [{"product": u.consumer, "port": u.port, "fields": list(u.fields), "unknown": u.unknown}
                      for u in port.consumers],
        "fields": [{"field": f.field, "inContract": f.in_contract,
                    "readers": [{"product": r.usage.consumer, "port": r.usage.port,
                                 "provenance": r.read.provenance if r.read else "unknown", "location": _where(r)}
                                for r in f.readers]}
                   for f in port.fields],
    }


def _port_text(port: PortReaders) -> str:
    count = len(port.consumers)
    unknown = sum(1 for u in port.consumers if u.unknown is not None)
    head = (f"{port.port}" + (f" ({port.contract})" if port.contract else "") + f": read by {count} consumer"
            + ("s" if count != 1 else "") + (f", {unknown} of them unknown (may read every field)" if unknown else ""))
    lines = [printable(head)]
    for usage in port.consumers:
        if usage.unknown is not None:
            lines.append(printable(f"  {usage.consumer} ({usage.port}): unknown — {usage.unknown}"))
    width = max((len(f.field) for f in port.fields), default=0)
    for field in port.fields:
        known = [r for r in field.readers if r.read is not None]
        said = "; ".join(f"{r.usage.consumer} ({r.usage.port}) {r.read.provenance} {_where(r)}" for r in known
                         if r.read is not None)
        if not field.readers:
            said = "no reader"
        elif not known:
            said = "unknown readers only"
        note = "" if field.in_contract else "  [not in the contract]"
        lines.append(printable(f"  {field.field:<{width}}  {said}{note}"))
    return "\n".join(lines)
