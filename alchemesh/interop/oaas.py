"""`alchemesh import|export oaas`: access agreements as Bitol's Open Access Agreement Standard v0.9 documents (`interop.agreements`)."""

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

    return _export(analysis, STANDARDS["oaas"], today())


def import_into(out: Path, documents: list[Path], options: object, check: bool,
                analysis: Callable[[], Analysis]) -> Outcome:
    return _import_into(out, documents, STANDARDS["oaas"], check, analysis)
