"""Reports of `alchemesh test`: text, JSON, JUnit XML and Markdown; SARIF and GitHub annotations are the
findings' own reporters."""

from __future__ import annotations

import json
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape, quoteattr

from rich.markup import escape

from alchemesh.datatest.result import TestRun
from alchemesh.findings import printable
from alchemesh.report import reporter

_MARK = {"passed": "[green]✓[/]", "warned": "[yellow]![/]", "failed": "[bold red]✗[/]",
         "unreachable": "[bold red]?[/]"}


def to_text(run: TestRun, root: Path) -> str:
    lines = []
    width = max((len(p.port) for p in run.ports), default=0)
    for p in run.ports:
        failed = sum(1 for c in p.checks if c.status == "failed")
        counted = sum(1 for c in p.checks if c.status != "skipped")
        said = f"{failed} of {counted} checks failed" if failed else f"{counted} checks"
        said = "data not read" if p.status == "unreachable" else said
        lines.append(f"{_MARK[p.status]} {escape(p.port):<{width}}  {p.status:<11} {said}")
    for port, why in run.skipped:
        lines.append(f"[dim]- {escape(port):<{width}}  not tested  {escape(why)}[/]")
    report = run.report
    if report.findings:
        lines.append("")
        lines.append(reporter("text")(report, root).rsplit("\n", 1)[0].rstrip())
    lines.append("")
    lines.append(_summary(run))
    return "\n".join(lines) + "\n"


def _summary(run: TestRun) -> str:
    counts = [(run.count(s), s) for s in ("failed", "unreachable", "warned")]
    bad = ", ".join(f"{n} {s}" for n, s in counts if n)
    checks = sum(1 for p in run.ports for c in p.checks if c.status != "skipped")
    head = f"{len(run.ports)} port(s), {checks} check(s) in `{run.environment}`"
    if not run.ports:
        return f"[yellow]![/] no port to test in `{run.environment}`"
    return f"[bold red]✗[/] {head}: {bad}" if run.count("failed") or run.count("unreachable") else \
        f"[yellow]![/] {head}: {bad}" if bad else f"[green]✓[/] {head}: every check passed"


def to_dict(run: TestRun) -> dict:
    report = run.report
    summary = report.summary()
    return {
        "environment": run.environment,
        "testedAt": run.tested_at,
        "findings": [f.to_dict() for f in report.findings],
        "ports": [port_dict(p, run.tested_at) for p in run.ports],
        "untested": [{"port": port, "reason": why} for port, why in run.skipped],
        "summary": {"ports": len(run.ports), **{s: run.count(s) for s in ("passed", "warned", "failed", "unreachable")},
                    "checks": sum(1 for p in run.ports for c in p.checks if c.status != "skipped"),
                    "checksFailed": sum(1 for p in run.ports for c in p.checks if c.status == "failed"),
                    "errors": summary["errors"], "warnings": summary["warnings"], "infos": summary["infos"]},
    }


def port_dict(p, tested_at: str) -> dict:
    return {"port": p.port, "contract": p.contract, "file": p.file, "status": p.status, "testedAt": tested_at,
            "consumers": list(p.consumers),
            "checks": [{"rule": c.rule, "name": c.label, "status": c.status, "observed": plain(c.observed),
                        "expected": plain(c.expected), **({"detail": c.detail} if c.detail else {}),
                        **({"file": c.finding.file, "line": c.finding.line, "column": c.finding.column,
                            "message": c.finding.message} if c.finding else {})}
                       for c in p.checks],
            **({"message": p.findings[0].message} if p.status == "unreachable" and p.findings else {})}


def plain(value):
    """A value as JSON holds it: scalars as they are, anything else as its text."""
    return value if value is None or isinstance(value, (str, int, float, bool)) else str(value)


def to_json(run: TestRun) -> str:
    return json.dumps(to_dict(run), indent=2, ensure_ascii=False) + "\n"


def to_junit(run: TestRun) -> str:
    """One test suite per port, one test case per check: what CI systems show as test results."""
    out = ['<?xml version="1.0" encoding="UTF-8"?>']
    total = sum(len(p.checks) or 1 for p in run.ports)
    failures = sum(sum(1 for c in p.checks if c.status == "failed") or (p.status == "unreachable") for p in run.ports)
    out.append(f'<testsuites name="alchemesh test {_text(run.environment)}" tests="{total}" failures="{failures}">')
    for p in run.ports:
        cases = p.checks
        failed = sum(1 for c in cases if c.status == "failed")
        skipped = sum(1 for c in cases if c.status == "skipped")
        if p.status == "unreachable":
            out.append(f'  <testsuite name={quoteattr(p.port)} tests="1" failures="1" skipped="0" '
                       f'timestamp={quoteattr(run.tested_at)}>')
            finding = p.findings[0]
            out.append(f'    <testcase classname={quoteattr(p.port)} name="data is readable">')
            out.append(f'      <failure type={quoteattr(finding.rule)} message={quoteattr(printable(finding.message))}/>')
            out.append("    </testcase>")
            out.append("  </testsuite>")
            continue
        out.append(f'  <testsuite name={quoteattr(p.port)} tests="{len(cases)}" failures="{failed}" '
                   f'skipped="{skipped}" timestamp={quoteattr(run.tested_at)}>')
        for c in cases:
            head = f'    <testcase classname={quoteattr(p.port)} name={quoteattr(printable(c.label))}'
            if c.status == "passed":
                out.append(head + "/>")
                continue
            out.append(head + ">")
            if c.status == "skipped":
                out.append(f"      <skipped message={quoteattr(printable(c.detail))}/>")
            else:
                f = c.finding
                where = f"{f.file}:{f.line}:{f.column}" if f else ""
                message = printable(f.message if f else c.label)
                out.append(f"      <failure type={quoteattr(c.rule)} message={quoteattr(message)}>"
                           f"{_text(where)}: observed {_text(str(c.observed))}, expected {_text(str(c.expected))}"
                           "</failure>")
            out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"


def _text(value: str) -> str:
    return xml_escape(printable(value))


def to_markdown(run: TestRun) -> str:
    """A PR comment or a job summary: a table of ports, then each failed check."""
    icon = {"passed": "✅", "warned": "⚠️", "failed": "❌", "unreachable": "❓"}
    lines = [f"### alchemesh test: `{_md(run.environment)}`", "", "| port | status | checks | consumers |",
             "|---|---|---|---|"]
    for p in run.ports:
        failed = sum(1 for c in p.checks if c.status == "failed")
        counted = sum(1 for c in p.checks if c.status != "skipped")
        consumers = ", ".join(f"`{_md(c)}`" for c in p.consumers) or "–"
        lines.append(f"| `{_md(p.port)}` | {icon[p.status]} {p.status} | {counted - failed}/{counted} | {consumers} |")
    failing = [f for f in run.report.findings]
    if failing:
        lines += ["", "| where | rule | finding | observed | expected |", "|---|---|---|---|---|"]
        for f in failing:
            d = f.data
            lines.append(f"| `{_md(f.file)}:{f.line}:{f.column}` | `{f.rule}` | {_md(f.message)} | "
                         f"{_md(str(d.observed)) if d and d.observed is not None else '–'} | "
                         f"{_md(str(d.expected)) if d and d.expected is not None else '–'} |")
    lines += ["", _summary(run).replace("[green]✓[/]", "✅").replace("[bold red]✗[/]", "❌").replace("[yellow]![/]", "⚠️")]
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return printable(text).replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;")
