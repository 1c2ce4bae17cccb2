"""Reading Terraform's results: what its output says when a stack fails, for a person (its first error unwrapped,
a state lock as such, what to do about the lock file, the cause in one line, paths from the mesh root), the
refusals a run answers by planning again, whether a pulled state is stored, and the plan as Terraform printed it.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from alchemesh.findings import printable

_LOCK_FIELD = re.compile(r"^\W*(ID|Path|Operation|Who|Version|Created|Info):\s*(.*?)\s*$", re.MULTILINE)


def lock_summary(output: str) -> str | None:
    """A lock conflict said as such: who holds the state lock, since when, and what to do."""
    if "Error acquiring the state lock" not in output:
        return None
    info = {name: value for name, value in _LOCK_FIELD.findall(output) if value}
    holder = ", ".join(part for part in (
        f"by {info['Who']}" if "Who" in info else "", f"since {info['Created']}" if "Created" in info else "",
        f"for {info['Operation']}" if "Operation" in info else "") if part)
    unlock = f"`terraform force-unlock {info['ID']}` in the stack's folder" if "ID" in info else \
        "`terraform force-unlock LOCK_ID` in the stack's folder"
    return (f"the state is locked{f' ({holder})' if holder else ''}: another run holds it, or one was killed "
            f"before it could release it; wait for that run (`--lock-timeout 10m` waits for it), or if none is running, {unlock}")


def lock_file_hint(output: str, shown: str) -> str:
    """What to do when the committed provider lock file is what an `init` trips on."""
    if "does not match configured version constraint" in output:
        return f"; the provider lock file {shown} pins another version: remove that provider's block from it to let init choose again"
    if "doesn't match any of the checksums" in output:
        return (f"; the provider lock file {shown} has no checksum of this package: list this platform in "
                "spec.terraform.lockPlatforms, or remove the provider's block from the file to record it again")
    return ""


_BLOB = re.compile(r"[A-Za-z0-9+/]{60,}={0,2}")


def _unblob(match: re.Match) -> str:
    """base64 mixes cases and digits; a long path or name does not."""
    blob = match.group()
    mixed = any(c.isupper() for c in blob) and any(c.islower() for c in blob) and any(c.isdigit() for c in blob)
    return "…" if mixed and blob.count("/") < len(blob) // 20 else blob


def error_summary(output: str, limit: int = 800) -> str:
    """Terraform's first error, box drawing and wrapping undone: its title and, when long, its end,
    where a failed command's own message is."""
    lines = [line.strip().lstrip("│").strip() for line in output.splitlines()]
    start = next((i for i, line in enumerate(lines) if line.startswith("Error:")), None)
    if start is None:
        return " ".join([line for line in lines if line][-3:]) or "no output"
    text = " ".join(line for line in lines[start:] if line and not line.startswith(("╵", "╷")))
    text = _BLOB.sub(_unblob, text)  # a provisioner's encoded arguments say nothing to a reader
    if len(text) <= limit:
        return text
    title = lines[start]
    return f"{title} … {text[-(limit - len(title)):].lstrip()}"



_RELATIVE = re.compile(r"(?<![\w/.])((?:\.\./)+[^\s:;,'\"()\[\]]+)")
_BOX = "│╷╵"


def failure_cause(output: str, stack_dir: Path, root: Path | None) -> str:
    """The one line that says why a stack failed, cause first: what the failing resource's command printed (a
    provisioner's script names its own error, unwrapped, in the lines Terraform prefixes with `(local-exec):`),
    else Terraform's error title and its first detail; paths relative to the stack made paths from the mesh root."""
    lines = output.splitlines()
    failing = next((m.group(1) for m in map(_WITH.search, lines) if m), None)
    printed = [m.group(2).rstrip() for m in map(_PROVISIONER.match, lines)
               if m and (failing is None or m.group(1) == failing)]
    said = [(i, text.strip()) for i, text in enumerate(printed) if text.strip() and not text.strip().startswith("^")]
    cause = ""
    if said:
        i, cause = next(((i, t) for i, t in reversed(said) if _FAILURE.search(t)), said[-1])
        after = printed[i + 1].strip() if i + 1 < len(printed) else ""
        if after.startswith("LINE "):  # a SQL engine's pointer at the statement
            cause += f" ({after})"
        head = _FAILED_HEAD.match(cause)
        if head:  # "x: y failed (…): the cause" → "the cause — x: y failed (…)"
            cause = f"{head.group(2)} — {head.group(1)}"
    if not cause:
        stripped = [line.strip().strip(_BOX).strip() for line in lines]
        errors = [i for i, line in enumerate(stripped) if line.startswith("Error:")]
        if errors:
            detail = next((line for line in stripped[errors[0] + 1:] if line and not line.startswith(("on ", "with "))),
                          "")
            cause = stripped[errors[0]] + (f" {detail}" if detail else "")
    return printable(_from_root(cause, stack_dir, root))[:500]


_PROVISIONER = re.compile(r"^(\S+) \(local-exec\): ?(.*)$")
_WITH = re.compile(r"^\W*with (\S+?),?\s*$")
_FAILURE = re.compile(r"error|failed|exception|fatal", re.IGNORECASE)
_FAILED_HEAD = re.compile(r"^(.*?\bfailed\b[^:]*):\s+(.+)$")


def _from_root(text: str, stack_dir: Path, root: Path | None) -> str:
    if root is None:
        return text

    def shown(match: re.Match) -> str:
        target = os.path.normpath(os.path.join(stack_dir, match.group(1)))
        try:
            rel = os.path.relpath(target, root)
        except ValueError:
            return match.group(1)
        return match.group(1) if rel.startswith("..") else rel.replace(os.sep, "/")

    return _RELATIVE.sub(shown, text)


# Terraform's refusals to apply a plan made on a state that has changed since: a newer serial, or another lineage
# (two runs starting the same remote state at once: the one that lost the race planned on the other's)
STALE = ("Saved plan is stale", "Saved plan does not match the given state")
MISSING_STATE = "Unable to find remote state"
# What an init says when another one set up the same backend objects at the same moment (pg creates a shared
# sequence and tables with IF NOT EXISTS, which races in PostgreSQL): harmless, and gone on a second try.
SETUP_RACES = ("duplicate key value violates unique constraint", "tuple concurrently updated")


def stored(pulled: str) -> bool:
    """Whether `state pull` found a stored state: with none, Terraform prints an empty one without a lineage."""
    try:
        state = json.loads(pulled[pulled.index("{"):])
    except ValueError:
        return False
    return isinstance(state, dict) and bool(state.get("lineage"))


_PLAN_START = ("Terraform used", "Terraform will perform", "Terraform detected", "Note: Objects have changed",
               "Changes to Outputs")


def plan_text(output: str) -> str:
    """The plan as Terraform prints it, without the refresh chatter before and the advice after."""
    lines = output.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith(_PLAN_START)), 0)
    kept = []
    for line in lines[start:]:
        if line.startswith(("─", "Saved the plan", "To perform exactly")):
            break
        kept.append(line)
    return "\n".join(kept).strip()


class Interrupted(Exception):
    """The run was cancelled: this stack stops where Terraform stopped."""


class Failed(Exception):
    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output
