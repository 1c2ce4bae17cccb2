"""`--format text`: for a person at a terminal. `file:line:col rule message`, the offending line with
a caret under the column, the hint, and a summary count."""

from __future__ import annotations

from pathlib import Path

from rich.markup import escape

from alchemesh.repofiles import from_here, read_repo_file
from alchemesh.findings import Finding, Report, Severity, printable

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def render(report: Report, root: Path) -> str:
    """Rich console markup; the CLI prints it with colours on a terminal and plain elsewhere. Paths are from the
    working directory, as ruff and eslint print them: a path the user can open from where they stand."""
    sources: dict[str, list[str]] = {}
    shown: dict[str, str] = {}
    blocks = [_block(f, _source_line(root, f, sources), shown.setdefault(f.file, _from_here(root, f.file)))
              for f in report.findings]
    return "\n".join([*blocks, _summary(report)])


def _from_here(root: Path, file: str) -> str:
    return from_here(root / file) if file else file


def _block(f: Finding, line_text: str | None, file: str) -> str:
    style = _STYLE[f.severity]
    head = (f"[bold]{escape(printable(file))}:{f.line}:{f.column}[/] [{style}]{f.rule}[/] "
            f"{escape(printable(f.message))} [dim]({f.severity.value})[/]")
    out = [head]
    if line_text is not None:
        gutter = len(str(f.line))
        shown = line_text.expandtabs(1)
        out.append(f"  [dim]{f.line} |[/] {escape(printable(shown))}")
        out.append(f"  [dim]{' ' * gutter} |[/] {' ' * (f.column - 1)}[{style}]^[/]")
    if f.hint:
        out.append(f"  [dim]=[/] hint: {escape(printable(f.hint))}")
    consumers = f.consumers
    if consumers:
        out.append(f"  [dim]=[/] consumers: {escape(printable(', '.join(consumers)))}")
    return "\n".join(out)


def _source_line(root: Path, f: Finding, sources: dict[str, list[str]]) -> str | None:
    if f.line < 1:
        return None
    if f.file not in sources:
        try:
            sources[f.file] = read_repo_file(root, f.file).decode("utf-8", "replace").splitlines()
        except OSError:
            sources[f.file] = []
    lines = sources[f.file]
    if f.line > len(lines) or len(lines[f.line - 1]) > 300:
        return None
    return lines[f.line - 1]


def _summary(report: Report) -> str:
    s = report.summary()
    files = f"{s['files']} file{'s' if s['files'] != 1 else ''}"
    waived = f", {s['waived']} waived" if s["waived"] else ""
    if not report.findings:
        return f"[green]✓[/] no findings in {files}{waived}"
    parts = [
        f"{n} {word}{'s' if n != 1 else ''}"
        for n, word in ((s["errors"], "error"), (s["warnings"], "warning"), (s["infos"], "info"))
        if n
    ]
    mark = "[bold red]✗[/]" if s["errors"] else "[yellow]![/]"
    return f"\n{mark} {', '.join(parts)} in {files}{waived}"
