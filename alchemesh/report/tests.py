"""Reports of `alchemesh test`: text, JSON, JUnit XML and Markdown; SARIF and GitHub annotations are the
findings' own reporters."""

from __future__ import annotations

import json
from pathlib import Path

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
        "ports": [p.to_dict(run.tested_at) for p in run.ports],
        "untested": [{"port": port, "reason": why} for port, why in run.skipped],
        "summary": {"ports": len(run.ports), **{s: run.count(s) for s in ("passed", "warned", "failed", "unreachable")},
                    "checks": sum(1 for p in run.ports for c in p.checks if c.status != "skipped"),
                    "checksFailed": sum(1 for p in run.ports for c in p.checks if c.status == "failed"),
                    "errors": summary["errors"], "warnings": summary["warnings"], "infos": summary["infos"]},
    }


def to_json(run: TestRun, root: Path | None = None) -> str:
    return json.dumps(to_dict(run), indent=2, ensure_ascii=False) + "\n"


def to_junit(run: TestRun, root: Path | None = None) -> str:
    """One test suite per port, one test case per check: what CI systems show as test results (JUnit XML as
    Jenkins' schema has it: `errors` and `time` on every suite). A check that failed is a failure; a port whose data
    could not be read is an error."""
    from junitparser import Error, Failure, JUnitXml, Skipped, TestCase, TestSuite

    xml = JUnitXml(f"alchemesh test {printable(run.environment)}")
    for p in run.ports:
        suite = TestSuite(printable(p.port))
        if p.status == "unreachable":
            finding = p.findings[0]
            case = TestCase("data is readable", classname=printable(p.port))
            case.result = [Error(printable(finding.message), finding.rule)]
            suite.add_testcase(case)
        for c in p.checks:
            case = TestCase(printable(c.label), classname=printable(p.port))
            if c.status == "skipped":
                case.result = [Skipped(printable(c.detail))]
            elif c.status == "failed":
                f = c.finding
                failure = Failure(printable(f.message if f else c.label), c.rule)
                where = f"{f.file}:{f.line}:{f.column}: " if f else ""
                failure.text = printable(f"{where}observed {c.observed}, expected {c.expected}")
                case.result = [failure]
            suite.add_testcase(case)
        suite.update_statistics()
        suite.time = round(p.seconds, 3)  # the port's whole test (its checks share one scan: no time of their own)
        suite.timestamp = run.tested_at
        xml.append(suite)
    suites = list(xml)
    xml.tests, xml.failures, xml.errors = (sum(getattr(suite, n) for suite in suites) for n in ("tests", "failures",
                                                                                                "errors"))
    xml.time = round(sum(suite.time for suite in suites), 3)
    return _xml(xml)


def validation_junit(report, environment: str) -> str:
    """`alchemesh test --format junit` on a mesh with validation errors: those errors, as errors of one suite, so
    that the CI's test report says why nothing was tested."""
    from junitparser import Error, JUnitXml, TestCase, TestSuite

    xml = JUnitXml(f"alchemesh test {printable(environment)}")
    suite = TestSuite("alchemesh validate")
    for f in report.findings:
        case = TestCase(printable(f"{f.file}:{f.line}:{f.column} {f.rule}"), classname="alchemesh validate")
        case.result = [Error(printable(f.message), f.rule)]
        suite.add_testcase(case)
    suite.update_statistics()
    xml.add_testsuite(suite)
    xml.update_statistics()
    return _xml(xml)


def validation_markdown(report, environment: str) -> str:
    """`alchemesh test --format markdown` on a mesh with validation errors: nothing tested, and why."""
    lines = [f"### alchemesh test: `{_md(environment)}`", "", "❌ nothing tested: the mesh has validation errors", "",
             "| where | rule | finding |", "|---|---|---|"]
    lines += [f"| `{_md(f.file)}:{f.line}:{f.column}` | `{f.rule}` | {_md(f.message)} |" for f in report.findings]
    return "\n".join(lines) + "\n"


def _xml(xml) -> str:
    import xml.etree.ElementTree as ElementTree

    element = ElementTree.fromstring(xml.tostring())  # whichever tree junitparser built: indented the same way
    element.attrib.pop("skipped", None)  # not an attribute of <testsuites> in Jenkins' schema (each suite has it)
    ElementTree.indent(element)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(element, encoding="unicode") + "\n"


def to_markdown(run: TestRun, root: Path | None = None) -> str:
    """A PR comment or a job summary: a table of ports, then each failed check."""
    icon = {"passed": "✅", "warned": "⚠️", "failed": "❌", "unreachable": "❓"}
    lines = [f"### alchemesh test: `{_md(run.environment)}`", "", "| port | status | checks | consumers |",
             "|---|---|---|---|"]
    for p in run.ports:
        failed = sum(1 for c in p.checks if c.status == "failed")
        counted = sum(1 for c in p.checks if c.status != "skipped")
        consumers = ", ".join(f"`{_md(c)}`" for c in p.consumers) or "–"
        lines.append(f"| `{_md(p.port)}` | {icon[p.status]} {p.status} | {counted - failed}/{counted} | {consumers} |")
    failing = list(run.report.findings)
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
