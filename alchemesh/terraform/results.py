"""Reading Terraform's results. `plan` and `apply` run with `-json`: their diagnostics, what provisioners printed
and by which resource are read from that stream (`Said`), and a plan is read from `show -json`; the commands without
a machine-readable form (`init`, `state`, `providers lock`) are read from their text. Either way a failure is said for
a person: its first error unwrapped, a state lock as such, what to do about the lock file, the cause in one line,
paths from the mesh root; and the refusals a run answers by planning again are recognised.
"""

from __future__ import annotations

import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

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


def failure_cause(output: str | Said, stack_dir: Path, root: Path | None) -> str:
    """The one line that says why a stack failed, cause first: what the failing resource's command printed (a
    provisioner's script names its own error), else Terraform's error title and its first detail; paths relative to
    the stack made paths from the mesh root. Read from a `-json` run's `Said`, or from a command's text."""
    if isinstance(output, Said):
        failing = next((d.address for d in output.errors if d.address), output.failed[0] if output.failed else None)
        printed = [line for address, line in output.printed if failing is None or address == failing]
        first = output.errors[0] if output.errors else None
        detail = next((line.strip() for line in (first.detail if first else "").splitlines() if line.strip()), "")
        title = f"Error: {first.summary}" + (f" {detail}" if detail else "") if first else ""
    else:
        lines = output.splitlines()
        failing = next((m.group(1) for m in map(_WITH.search, lines) if m), None)
        printed = [m.group(2).rstrip() for m in map(_PROVISIONER.match, lines)
                   if m and (failing is None or m.group(1) == failing)]
        stripped = [line.strip().strip(_BOX).strip() for line in lines]
        errors = [i for i, line in enumerate(stripped) if line.startswith("Error:")]
        title = ""
        if errors:
            detail = next((line for line in stripped[errors[0] + 1:] if line and not line.startswith(("on ", "with "))),
                          "")
            title = stripped[errors[0]] + (f" {detail}" if detail else "")
    cause = _printed_cause(printed) or title
    return printable(_from_root(cause, stack_dir, root))[:500]


def _printed_cause(printed: list[str]) -> str:
    """The line a failed command named its error in (the last that says so), with a SQL engine's pointer at the
    statement; "x: y failed (…): the cause" turned cause first."""
    said = [(i, text.strip()) for i, text in enumerate(printed) if text.strip() and not text.strip().startswith("^")]
    if not said:
        return ""
    i, cause = next(((i, t) for i, t in reversed(said) if _FAILURE.search(t)), said[-1])
    after = printed[i + 1].strip() if i + 1 < len(printed) else ""
    if after.startswith("LINE "):
        cause += f" ({after})"
    head = _FAILED_HEAD.match(cause)
    return f"{head.group(2)} — {head.group(1)}" if head else cause


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
SETUP_RACES = ("duplicate key value violates unique constraint", "tuple concurrently updated",
               "already exists")  # CREATE … IF NOT EXISTS racing another: `relation "states" already exists`


def stored(pulled: str) -> bool:
    """Whether `state pull` found a stored state: with none, Terraform prints an empty one without a lineage."""
    try:
        state = json.loads(pulled[pulled.index("{"):])
    except ValueError:
        return False
    return isinstance(state, dict) and bool(state.get("lineage"))


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class Diagnostic:
    severity: str  # error | warning
    summary: str
    detail: str = ""
    address: str = ""  # the resource it is about, when Terraform says (1.x's `address`, or the failing resource)


@dataclass(frozen=True)
class Said:
    """What Terraform said in a `-json` run: its diagnostics, what provisioners printed (by resource), which
    resources failed, and every message as one line for a person (the log)."""

    diagnostics: tuple[Diagnostic, ...] = ()
    printed: tuple[tuple[str, str], ...] = ()  # (resource address, a line its provisioner printed)
    failed: tuple[str, ...] = ()  # resources whose apply or provisioner errored
    lines: tuple[str, ...] = ()

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == "error")

    def text(self) -> str:
        """The errors' words, summary then detail: what the recognisers (a lock, a stale plan…) read."""
        return "\n".join(f"Error: {d.summary}\n{d.detail}" for d in self.errors)


def for_a_person(raw: str) -> list[str]:
    """One line of a `-json` stream as a person reads it: its message, and a diagnostic's detail under it."""
    record = _record(raw)
    if record is None:
        return [raw] if raw.strip() else []
    diagnostic = _object(record.get("diagnostic"))
    return [str(record.get("@message", "")), *filter(None, str(diagnostic.get("detail", "")).splitlines())]


def _record(raw: str) -> dict[str, Any] | None:
    try:
        record = json.loads(raw) if raw.startswith("{") else None
    except ValueError:
        return None
    return record if isinstance(record, dict) else None


def read_said(output: str) -> Said:
    """Terraform's `-json` stream (one JSON object a line). A line that is not one (a crash, a wrapper's own
    words) is kept as a message; one starting `Error:` stands as an error."""
    diagnostics: list[Diagnostic] = []
    printed: list[tuple[str, str]] = []
    failed: list[str] = []
    lines: list[str] = []
    for raw in output.splitlines():
        lines += for_a_person(raw)
        record = _record(raw)
        if record is None:
            if raw.startswith("Error: "):
                diagnostics.append(Diagnostic("error", raw[len("Error: "):].strip()))
            continue
        kind, hook = record.get("type"), _object(record.get("hook"))
        address = str(_object(hook.get("resource")).get("addr", ""))
        found = _object(record.get("diagnostic"))
        if kind == "diagnostic" and found:
            diagnostics.append(Diagnostic(str(found.get("severity", "error")), str(found.get("summary", "")),
                                          str(found.get("detail", "")), str(found.get("address", ""))))
        elif kind == "provision_progress" and address:
            printed.append((address, str(hook.get("output", ""))))
        elif kind in ("apply_errored", "provision_errored") and address and address not in failed:
            failed.append(address)
    # an error Terraform does not tie to a resource is about the one that failed, when one did
    tied = tuple(d if d.address or d.severity != "error" or not failed else
                 Diagnostic(d.severity, d.summary, d.detail, failed[0]) for d in diagnostics)
    return Said(tied, tuple(printed), tuple(failed), tuple(lines))


class Follower(threading.Thread):
    """A `-json` stream turned into the log's lines as Terraform appends it to its file: the log reads as it always
    did, live. Terraform writes to the file itself, never to a pipe of alchemesh's, so a killed alchemesh cannot
    stop it mid-write (nor lose the stream)."""

    def __init__(self, stream: Path, offset: int, log: IO[str]):
        super().__init__(daemon=True)
        self.stream, self.offset, self.log = stream, offset, log
        self.done = threading.Event()
        self.start()

    def run(self) -> None:
        pending = b""
        with self.stream.open("rb") as handle:
            handle.seek(self.offset)
            while True:
                last = self.done.is_set()  # read once more after the end: what came last
                *complete, pending = (pending + handle.read()).split(b"\n")
                for raw in complete:
                    self.log.write("".join(f"{line}\n" for line in for_a_person(raw.decode("utf-8", "replace"))))
                self.log.flush()
                if last:
                    break
                self.done.wait(0.1)
        if pending.strip():
            self.log.write("".join(f"{line}\n" for line in for_a_person(pending.decode("utf-8", "replace"))))

    def finish(self) -> None:
        self.done.set()
        self.join()


class Interrupted(Exception):
    """The run was cancelled: this stack stops where Terraform stopped."""


class Failed(Exception):
    def __init__(self, message: str, output: str = "", said: Said | None = None):
        super().__init__(message)
        self.output = output  # what the recognisers read: the text, or a `-json` run's errors' words
        self.said = said
