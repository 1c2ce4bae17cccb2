"""Today's date, for the rules that read it (sunsets, expiring waivers): the clock's, unless `ALCHEMESH_TODAY`
(YYYY-MM-DD) says otherwise — for reproducible CI runs and tests."""

from __future__ import annotations

import datetime
import os

from alchemesh.errors import UsageError

ENV_VAR = "ALCHEMESH_TODAY"


def today() -> datetime.date:
    said = os.environ.get(ENV_VAR, "").strip()
    if not said:
        return datetime.date.today()
    try:
        return datetime.date.fromisoformat(said)
    except ValueError:
        raise UsageError(f"{ENV_VAR}={said!r} is not a date (YYYY-MM-DD)") from None
