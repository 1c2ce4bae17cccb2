"""A Terraform run summarised: a terminal table, JSON, and Markdown sized for a sticky PR comment."""

from __future__ import annotations

from pathlib import Path

from alchemesh.compile.manifest import render
from alchemesh.findings import Finding
from alchemesh.report import markdown as md
from alchemesh.repofiles import from_here, shown_path
from alchemesh.terraform.outcome import Action, Outcome, Run, Status

COMMENT_LIMIT = 65_536  # GitHub's largest comment, in characters
_BUDGET = COMMENT_LIMIT - 2_000  # room for the truncation note and what a workflow wraps around it
_VERB = {"plan": "plan", "apply": "apply", "destroy": "destroy", "drift": "drift check"}


def marker(action: Action, environment: str) -> str:
    """The first line of the Markdown summary: how a workflow finds its own comment to update."""
    return f"<!-- alchemesh:{action.value}:{environment} -->"


def ordered(run: Run) -> list[Outcome]:
    """Destructive changes first, then failures, then other changes, then the rest."""
    rank = {Status.guarded: 0, Status.failed: 1, Status.interrupted: 1, Status.test_failed: 1, Status.changes: 2, Status.drifted: 2, Status.applied: 2,
            Status.destroyed: 2, Status.skipped: 3, Status.cancelled: 3, Status.no_changes: 4, Status.tested: 4,
            Status.deferred: 4}
    return sorted(run.outcomes, key=lambda o: (-o.changes.destructive, rank[o.status], o.key))


def totals(run: Run) -> dict[str, int]:
    outcomes = run.outcomes
    return {
        "stacks": len(outcomes),
        "changed": sum(o.status in (Status.changes, Status.drifted, Status.applied, Status.destroyed)
                       or (o.status is Status.test_failed and o.changes.total > 0) for o in outcomes),
        "failed": sum(o.status is Status.failed for o in outcomes),
        "interrupted": sum(o.status is Status.interrupted for o in outcomes),
        "testFailed": sum(o.status is Status.test_failed for o in outcomes),
        "guarded": sum(o.status is Status.guarded for o in outcomes),
        "skipped": sum(o.status in (Status.skipped, Status.cancelled) for o in outcomes),
        "deferred": sum(o.status is Status.deferred for o in outcomes),
        "add": sum(o.changes.add for o in outcomes),
        "change": sum(o.changes.change for o in outcomes),
        "destroy": sum(o.changes.destroy for o in outcomes),
        "replace": sum(o.changes.replace for o in outcomes),
    }


def to_json(run: Run, root: Path, base: str | None = None, guard: tuple[Finding, ...] = ()) -> bytes:
    stacks = [{
        "stack": o.key, "status": o.status.value, "add": o.changes.add, "change": o.changes.change,
        "destroy": o.changes.destroy, "replace": o.changes.replace, "reason": o.reason or None,
        "error": o.error, "cause": o.cause or None, "log": _relative(o.log, root),
        **({"tests": [{"port": p.port, "status": p.status, "failed": sum(1 for c in p.checks if c.status == "failed")}
                      for p in o.tests]} if o.tests else {}),
        **({"allowedDataLoss": o.allowed} if o.allowed else {}),
    } for o in run.outcomes]
    return render({"command": run.action.value, "environment": run.environment, "base": base,
                   "terraform": {"name": run.terraform[0], "version": run.terraform[1]},
                   "interrupted": run.interrupted, "guard": [f.to_dict() for f in guard],
                   "reason": allowed_reason(run), "stacks": stacks, "removed": list(run.removed),
                   "lockFileChanged": _relative(run.lock_file, root),
                   "summary": totals(run)})


def allowed_reason(run: Run) -> str | None:
    """Why the run let a port's data go (`--reason`), when it did."""
    return next((o.allowed for o in run.outcomes if o.allowed), None)


def _guard_lines(guard: tuple[Finding, ...]) -> list[str]:
    """The guard's findings, data losses first: what leads a run's summary."""
    return [f"{f.severity.value}: {f.file}:{f.line}:{f.column} {f.rule} {f.message}" for f in guard]


def headline(run: Run) -> str:
    t = totals(run)
    if not t["stacks"]:
        return f"{_VERB[run.action.value]}: no stacks selected"
    parts = [f"{t['changed']} of {t['stacks']} stack(s) "
             + {"plan": "would change", "drift": "drifted", "apply": "changed", "destroy": "destroyed"}[run.action.value],
             f"+{t['add']} to add, ~{t['change']} to change, -{t['destroy']} to destroy, ±{t['replace']} to replace"]
    if t["failed"]:
        parts.append(f"{t['failed']} failed")
    if t["interrupted"]:
        parts.append(f"{t['interrupted']} interrupted")
    if t["testFailed"]:
        parts.append(f"{t['testFailed']} failed its data tests")
    if t["guarded"]:
        parts.append(f"{t['guarded']} guarded (its plan destroys a port's data)")
    if t["skipped"]:
        parts.append(f"{t['skipped']} skipped")
    if t["deferred"]:
        parts.append(f"{t['deferred']} to plan once their producers apply")
    if run.interrupted:
        parts.append("interrupted")
    return "; ".join(parts)


def to_text(run: Run, root: Path, guard: tuple[Finding, ...] = ()) -> str:
    """A table for the terminal (rich renders it; piped, it stays plain), led by the guard's findings."""
    from io import StringIO

    from rich.console import Console
    from rich.table import Table

    table = Table(box=None, pad_edge=False, show_edge=False)
    for name in ("stack", "status", "add", "change", "destroy", "replace", "note"):
        table.add_column(name, justify="left" if name in ("stack", "status", "note") else "right")
    for o in ordered(run):
        note = o.error or o.reason or ""
        if o.cause:  # said whole under the table
            note = note.split(": ", 1)[0] + ": see below"
        elif o.status is Status.failed and o.log:
            note = f"{note} (log: {from_here(o.log)})"
        style = {Status.failed: "red", Status.interrupted: "red", Status.test_failed: "red", Status.guarded: "red",
                 Status.skipped: "yellow",
                 Status.cancelled: "yellow"}.get(o.status)
        if o.changes.destructive:
            style = "bold red"
        table.add_row(o.key, o.status.value, str(o.changes.add), str(o.changes.change), str(o.changes.destroy),
                      str(o.changes.replace), note, style=style)
    buffer = StringIO()
    console = Console(file=buffer, highlight=False, soft_wrap=True, width=200, markup=False)
    for line in _guard_lines(guard):
        console.print(line)
    if guard:
        console.print("")
    if run.outcomes:
        console.print(table)
    for o in ordered(run):  # one line per failed stack: the cause first, then where the whole story is
        if o.cause:
            console.print(f"{o.key}: {o.cause}" + (f" (log: {from_here(o.log)})" if o.log else ""))
    for key in run.removed:
        console.print(f"note: {key} is no longer compiled; its resources stay until destroyed from the base revision")
    if run.lock_file is not None:
        console.print(f"note: {_lock_note(run, from_here(run.lock_file))}")
    listed = run.action in (Action.plan, Action.drift)  # what each stack would change, resource by resource
    for o in ordered(run) if listed else ():
        if o.changes.resources:
            shown = o.changes.resources[:_LISTED]
            console.print(f"\n{o.key}:" + "".join(f"\n  {symbol} {address}" for symbol, address in shown))
            more = len(o.changes.resources) - len(shown)
            tail = ([f"… and {more} more"] if more else []) + ([f"the plan: {from_here(o.log)}"] if o.log else [])
            if tail:
                console.print("  " + "; ".join(tail))
    console.print(("\n" if listed and any(o.changes.resources for o in run.outcomes) else "") + headline(run))
    return "\n".join(line.rstrip() for line in buffer.getvalue().split("\n"))


_LISTED = 20  # resources listed per stack; the log has them all


def to_markdown(run: Run, root: Path, guard: tuple[Finding, ...] = ()) -> str:
    """Markdown for a PR comment: the guard's findings, a table, then each stack's plan folded; cut to fit GitHub's
    limit."""
    lines = [marker(run.action, run.environment), f"### alchemesh {_VERB[run.action.value]} — `{run.environment}`", "", headline(run), ""]
    for f in guard:
        icon = "🛑" if f.severity.value == "error" else "⚠️" if f.severity.value == "warning" else "ℹ️"
        lines.append(f"- {icon} **{f.rule}** `{f.file}:{f.line}` {md.text(f.message)}")
    if guard:
        lines.append("")
    reason = allowed_reason(run)
    if reason:
        lines += [f"Data loss allowed: {md.text(reason)}", ""]
    if run.outcomes:
        lines += ["| stack | status | add | change | destroy | replace | note |",
                  "|---|---|---:|---:|---:|---:|---|"]
        for o in ordered(run):
            flag = "⚠️ " if o.changes.destructive or o.status is Status.failed else ""
            lines.append(f"| {flag}`{o.key}` | {o.status.value} | {o.changes.add} | {o.changes.change} | "
                         f"{o.changes.destroy} | {o.changes.replace} | {md.text(o.error or o.reason or '')} |")
        lines.append("")
    for key in run.removed:
        lines.append(f"> `{key}` is no longer compiled: its resources stay until it is destroyed.")
    if run.lock_file is not None:
        lines.append(f"> {md.text(_lock_note(run, _relative(run.lock_file, root) or ''))}")
    head = "\n".join(lines) + "\n"
    sections, left_out = [], 0
    used = len(head)
    for o in ordered(run):
        if not o.plan_text:
            continue
        section = _details(o, o.plan_text)
        if used + len(section) > _BUDGET:
            room = _BUDGET - used - len(_details(o, ""))
            if room > 2_000:  # worth showing a cut plan
                section = _details(o, o.plan_text[:room] + "\n… (cut: see the job log)")
            else:
                left_out += 1
                continue
        sections.append(section)
        used += len(section)
    text = head + "".join(sections)
    if left_out:
        text += f"\n_{left_out} more stack plan(s) left out to fit in a comment: see the job log._\n"
    return text


def matrix(environment: str, levels: tuple[tuple[str, ...], ...]) -> bytes:
    """The selected stacks by DAG level, for a CI matrix: one line, so that it can go to $GITHUB_OUTPUT as it is."""
    import orjson

    include = [{"stack": key, "level": i} for i, level in enumerate(levels) for key in level]
    return orjson.dumps({"environment": environment, "levels": [list(level) for level in levels],
                         "include": include}, option=orjson.OPT_SORT_KEYS)


def confirmation(action: Action, environment: str, changing: list[Outcome], order: list[str]) -> str:
    """What a preview says would change, destructive stacks first then in run order: shown before apply or
    destroy asks."""
    order = order[::-1] if action is Action.destroy else order
    changing = sorted(changing, key=lambda o: (-o.changes.destructive, order.index(o.key) if o.key in order
                                               else len(order)))
    width = max(len(o.key) for o in changing)
    lines = [f"  {o.key:<{width}}  {_counts(o)}" + (f"  ({o.reason})" if o.reason else "") for o in changing]
    total = sum(o.changes.destructive for o in changing)
    head = f"{action.value} would change {len(changing)} stack(s) in `{environment}`"
    head += f", destroying or replacing {total} resource(s):" if total else ":"
    return "\n".join([head, *lines])


def _counts(outcome: Outcome) -> str:
    changes = outcome.changes
    parts = [(changes.destroy, "to destroy"), (changes.replace, "to replace"), (changes.add, "to add"),
             (changes.change, "to change")]
    return ", ".join(f"{n} {what}" for n, what in parts if n)


def validation_failed(action: Action, environment: str, findings: str, *, json_file: bool) -> bytes:
    """The summary of a run that stopped at validation: the findings, so a PR comment shows why."""
    if json_file:
        return render({"command": action.value, "environment": environment, "validation": "failed",
                       "stacks": [], "summary": {"stacks": 0, "failed": 0}})
    head = f"{marker(action, environment)}\n### alchemesh {_VERB[action.value]}"
    return f"{head} — not run: the mesh has validation errors\n\n{md.block(findings.strip()[:_BUDGET])}".encode()


def _lock_note(run: Run, shown: str) -> str:
    return (f"{shown} records new provider versions or checksums: commit it, so that every run installs the same "
            "providers")


def _details(outcome: Outcome, plan: str) -> str:
    c = outcome.changes
    return (f"<details><summary><code>{outcome.key}</code>: +{c.add} ~{c.change} -{c.destroy} ±{c.replace}"
            f"</summary>\n\n{md.block(plan)}</details>\n\n")


def _relative(path: Path | None, root: Path) -> str | None:
    return None if path is None else shown_path(path, root, resolve=False)
