"""'Did you mean' hints for names that resolve to nothing."""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """The closest other name: never the word itself, which the caller has just found wanting."""
    close = difflib.get_close_matches(word, sorted(set(choices) - {word}), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}`?" if close else None
