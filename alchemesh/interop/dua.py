"""`alchemesh import|export dua`: access agreements as the Data Usage Agreement Specification 0.0.1 documents (`interop.agreements`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from alchemesh.interop.agreements import STANDARDS, export as _export, import_into as _import_into
from alchemesh.interop.generated import Outcome

if TYPE_CHECKING:
    from alchemesh.validate import Analysis


def export(analysis: Analysis, site_url: str | None = None, version: str | None = None) -> dict[str, bytes]:
    from alchemesh.clock import today

    return _export(analysis, STANDARDS["dua"], today())


def import_into(out: Path, documents: list[Path], options: object, check: bool,
                analysis: Callable[[], Analysis]) -> Outcome:
    return _import_into(out, documents, STANDARDS["dua"], check, analysis)
