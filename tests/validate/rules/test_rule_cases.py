"""Rule cases as data: every `cases/<rule>.yaml` expanded into tests run through the CLI's entry point.

A case file holds `fail` and `pass` lists. Each case overlays `files` on a copy of `base_mesh/`
(path → new text; `!!binary` for raw bytes; null deletes the file), runs
`alchemesh validate --format json --no-cache` on it in process and checks the JSON; a sample (a case of
each file) also runs in a fresh interpreter, which must answer byte for byte the same:

    fail:
      - name: product-names-missing-domain
        files:
          domains/sales/orders.yaml: |
            ...
        expect:                        # exactly the findings of the case's rule, in report order
          - {file: domains/sales/orders.yaml, line: 6, column: 11, hint: "did you mean `sales`?"}
    pass:
      - name: near-miss
        files: {...}                   # must yield no finding of the rule

Optional case keys:
    rule     the rule whose findings are compared (default: the file's name; `_settings.yaml` names it per case)
    also     other rules whose findings the overlay may cause (any other finding fails the case)
    waived   the exact `waived` list (default: empty)
    summary  a subset of the JSON `summary`
    exit     the exit code (default: 1 when any error-severity finding is reported, else 0)
    xfail    a reason: the case documents a known alchemesh bug and is expected to fail

An expected finding matches on `file`, `line`, `column` exactly; `severity` (default: the rule's);
`message` and `hint` as substrings (or lists of them; `hint: null` means no hint); any other key (`policy`, `path`, …)
must equal the finding's field.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pytest
import yaml

from alchemesh.validate.rules import registry
from tests.testing import OnDemand, assert_no_traceback, invoke, run_cli

HERE = Path(__file__).parent
BASE_MESH = HERE / "base_mesh"
CASES_DIR = HERE / "cases"

_CASE_KEYS = {"name", "files", "expect", "rule", "also", "waived", "summary", "exit", "xfail"}
_LOCATION_KEYS = ("file", "line", "column")
_SUBSTRING_KEYS = ("message", "hint")


@dataclass(frozen=True)
class Case:
    id: str
    rule: str
    outcome: str  # "fail" | "pass"
    files: dict[str, str | bytes | None]
    expect: tuple[dict[str, Any], ...] = ()
    also: frozenset[str] = frozenset()
    waived: tuple[dict[str, Any], ...] = ()
    summary: dict[str, int] = field(default_factory=dict)
    exit: int | None = None
    xfail: str | None = None


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


def load_case_file(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    unknown = set(data) - {"fail", "pass"}
    assert not unknown, f"{path.name}: unknown top-level keys {sorted(unknown)}"
    default_rule = None if path.stem.startswith("_") else path.stem
    prefix = path.stem.lstrip("_")
    cases = []
    for outcome in ("fail", "pass"):
        for raw in data.get(outcome) or []:
            unknown = set(raw) - _CASE_KEYS
            assert not unknown, f"{path.name}: case {raw.get('name')!r} has unknown keys {sorted(unknown)}"
            rule = raw.get("rule", default_rule)
            assert rule, f"{path.name}: case {raw['name']!r} must name its `rule`"
            expect = tuple(raw.get("expect") or ())
            assert bool(expect) == (outcome == "fail"), f"{path.name}: {raw['name']}: fail cases need `expect`, pass cases take none"
            cases.append(
                Case(
                    id=f"{prefix}/{outcome}/{raw['name']}",
                    rule=rule,
                    outcome=outcome,
                    files=raw.get("files") or {},
                    expect=expect,
                    also=frozenset(raw.get("also") or ()),
                    waived=tuple(raw.get("waived") or ()),
                    summary=raw.get("summary") or {},
                    exit=raw.get("exit"),
                    xfail=raw.get("xfail"),
                )
            )
    return cases


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


ALL_CASES = [case for path in case_files() for case in load_case_file(path)]
_DUPLICATE_IDS = sorted({c.id for c in ALL_CASES if [d.id for d in ALL_CASES].count(c.id) > 1})
assert not _DUPLICATE_IDS, f"case names repeat: {_DUPLICATE_IDS}"


# --- running the CLI --------------------------------------------------------------------------------


def build_mesh(case: Case, root: Path) -> None:
    shutil.copytree(BASE_MESH, root, ignore=shutil.ignore_patterns(".alchemesh"), dirs_exist_ok=True)
    for name, content in case.files.items():
        relative = PurePosixPath(name)
        assert not relative.is_absolute() and ".." not in relative.parts, f"{case.id}: overlay path {name!r} leaves the mesh"
        target = root.joinpath(*relative.parts)
        if content is None:
            target.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))


VALIDATE = ("validate", "--format", "json", "--no-cache")
TODAY = "2027-03-10"  # every case runs on this day (ALCHEMESH_TODAY): the sunset rules read the date


@pytest.fixture(autouse=True)
def _today(monkeypatch) -> None:
    monkeypatch.setenv("ALCHEMESH_TODAY", TODAY)


def run_validate(root: Path) -> Outcome:
    result = invoke(*VALIDATE, str(root))
    return Outcome(result.code, result.out, result.err)


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Each case's outcome, once per session, on the worker that runs it."""
    cases = {case.id: case for path in case_files() for case in load_case_file(path)}

    def outcome(case_id: str) -> Outcome:
        root = tmp_path_factory.mktemp("mesh") / "repo"
        build_mesh(cases[case_id], root)
        return run_validate(root)

    return OnDemand(outcome)


SAMPLE = [next(c for c in load_case_file(path) if c.outcome == "fail") for path in case_files()]


@pytest.mark.parametrize("case", [pytest.param(c, id=c.id) for c in SAMPLE])
def test_a_fresh_interpreter_answers_as_in_process(case: Case, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    build_mesh(case, root)
    fresh = run_cli(*VALIDATE, str(root), env={"ALCHEMESH_TODAY": TODAY}, process=True)
    assert (fresh.code, fresh.out) == dataclasses.astuple(run_validate(root))[:2]
    assert_no_traceback(fresh)


# --- comparing findings -----------------------------------------------------------------------------


def mismatches(expected: dict[str, Any], actual: dict[str, Any], default_severity: str | None) -> list[str]:
    out = []
    severity = expected.get("severity", default_severity)
    if severity is not None and actual["severity"] != severity:
        out.append(f"severity {actual['severity']!r} != {severity!r}")
    for key, want in expected.items():
        if key in _LOCATION_KEYS or key == "severity":
            continue
        got = actual.get(key)
        if key in _SUBSTRING_KEYS and want is not None:
            for part in [want] if isinstance(want, str) else want:
                if got is None or part not in got:
                    out.append(f"{key} {got!r} does not contain {part!r}")
        elif got != want:
            out.append(f"{key} {got!r} != {want!r}")
    return out


def compare(label: str, expected: tuple[dict[str, Any], ...], actual: list[dict[str, Any]], default_rule: str) -> None:
    where = lambda f: tuple(f.get(k) for k in _LOCATION_KEYS)  # noqa: E731
    rules = registry()
    want = [(e.get("rule", default_rule), *where(e)) for e in expected]
    got = [(f["rule"], *where(f)) for f in actual]
    assert got == want, f"{label}: locations differ\n  expected {want}\n  actual   {got}\n{_dump(actual)}"
    problems = []
    for e, a in zip(expected, actual, strict=False):
        rule = rules.get(e.get("rule", default_rule))
        default_severity = rule.severity.value if rule and rule.name != "policy" else None
        problems += [f"{a['file']}:{a['line']}:{a['column']}: {p}" for p in mismatches(
            {k: v for k, v in e.items() if k != "rule"}, a, default_severity)]
    assert not problems, f"{label}:\n  " + "\n  ".join(problems) + "\n" + _dump(actual)


def _dump(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"    {f['rule']} {f['severity']} {f['file']}:{f['line']}:{f['column']} {f['message']} (hint: {f['hint']})"
        for f in findings
    )


def _param(case: Case):
    marks = [pytest.mark.xfail(reason=case.xfail, strict=True)] if case.xfail else []
    return pytest.param(case, id=case.id, marks=marks)


@pytest.mark.parametrize("case", [_param(c) for c in ALL_CASES])
def test_rule_case(case: Case, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[case.id]
    assert "Traceback" not in outcome.stderr, outcome.stderr
    try:
        report = json.loads(outcome.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"exit {outcome.returncode}, no JSON on stdout\nstdout: {outcome.stdout}\nstderr: {outcome.stderr}")
    findings = report["findings"]

    of_rule = [f for f in findings if f["rule"] == case.rule]
    if case.outcome == "fail":
        compare("findings", case.expect, of_rule, case.rule)
    else:
        assert not of_rule, f"`{case.rule}` fired on a pass case:\n{_dump(of_rule)}"

    others = [f for f in findings if f["rule"] != case.rule and f["rule"] not in case.also]
    assert not others, f"findings of rules the case does not expect:\n{_dump(others)}"

    compare("waived", case.waived, report["waived"], case.rule)
    summary = report["summary"]
    counted = {
        "errors": sum(f["severity"] == "error" for f in findings),
        "warnings": sum(f["severity"] == "warning" for f in findings),
        "waived": len(report["waived"]),
    }
    assert {k: summary[k] for k in counted} == counted, f"summary {summary} does not count the findings"
    for key, value in case.summary.items():
        assert report["summary"][key] == value, f"summary.{key}: {report['summary'][key]} != {value}"

    has_errors = any(f["severity"] == "error" for f in findings)
    assert outcome.returncode == (1 if has_errors else 0), f"exit {outcome.returncode} with has_errors={has_errors}"
    if case.exit is not None:
        assert outcome.returncode == case.exit


# --- the data and the registry agree ----------------------------------------------------------------


def test_base_mesh_is_clean(tmp_path: Path) -> None:
    build_mesh(Case("base", "none", "pass", {}), tmp_path / "repo")
    outcome = run_validate(tmp_path / "repo")
    report = json.loads(outcome.stdout)
    assert report["findings"] == [] and report["waived"] == [], _dump(report["findings"])
    assert outcome.returncode == 0


@pytest.mark.parametrize("name", list(registry()))
def test_every_rule_has_cases(name: str) -> None:
    path = CASES_DIR / f"{name}.yaml"
    assert path.is_file(), f"no case file {path.relative_to(HERE)} for rule `{name}`"
    cases = [c for c in load_case_file(path) if c.rule == name]
    assert any(c.outcome == "fail" for c in cases), f"`{name}` has no fail case"
    assert any(c.outcome == "pass" for c in cases), f"`{name}` has no pass case"


def test_case_files_name_known_rules() -> None:
    known = set(registry())
    for case in ALL_CASES:
        assert case.rule in known, f"{case.id}: unknown rule `{case.rule}`"
        assert case.also <= known, f"{case.id}: `also` names unknown rules {sorted(case.also - known)}"
    stems = {p.stem for p in case_files() if not p.stem.startswith("_")}
    assert stems <= known, f"case files for unknown rules: {sorted(stems - known)}"


@pytest.mark.parametrize("name", list(registry()))
@pytest.mark.parametrize("section", ["Why", "Example", "Fix"])
def test_rule_is_documented(name: str, section: str) -> None:
    rule = registry()[name]
    assert rule.summary, f"`{name}` has no summary line"
    assert rule.section(section).strip(), f"`{name}` docstring lacks a `{section}:` section"
