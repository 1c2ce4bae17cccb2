"""Contract-compatibility cases as data: every `cases/<rule>.yaml` expanded into tests of the CLI's entry point.

Each case derives OLD and NEW from `base_contract.yaml` by a short list of edits, runs
`alchemesh contracts diff old.yaml new.yaml --mode MODE --format json` in process once per mode it names
(a run of each file also in a fresh interpreter, which must answer the same), and compares the JSON with
what the case expects of that mode:

    cases:
      - name: required-dropped
        new:                               # edits that turn the base into NEW (OLD is the base)
          - {set: schema/orders/properties/order_id/required, value: false}
          - {set: version, value: 2.0.0}
        consumer:
          exit: 1
          findings:                        # exactly these findings, in report order
            - {rule: field-made-optional, change: breaking, severity: error, field: orders.order_id, line: 20, column: 19}
        producer:
          exit: 0
          findings:
            - {rule: field-made-optional, change: compatible, severity: info, field: orders.order_id, line: 20, column: 19}

Edits, applied in order with ruamel.yaml so that the rest of the file keeps the base's layout (and its
line numbers, until an edit adds or removes lines):

    {set: PATH, value: V}      set a mapping key (added when missing) or replace a list element
    {delete: PATH}             remove a mapping key or a list element
    {append: PATH, value: V}   append V to the list at PATH

PATH is `/`-separated; in a list, a segment selects the element whose `name` (else `value`, as in an
`enum`) equals it, else a scalar element equal to it, else an index: `schema/orders/properties/status`,
`.../status/enum/shipped`, `.../validValues/app`, `.../quality/0`. `old:` takes edits too (OLD then
differs from the base); `new_text:` replaces NEW with a literal text.

A mode entry holds `exit` and `findings` (`[]`: no findings). A finding matches on `rule`, `line`,
`column` (NEW's node; for a removal, the key of the list that lost it — its message names its old line) in report order, and `change`,
`severity`, `field` (default `""`: the contract itself) exactly; `message`/`hint` as substrings.
Every finding must also name the contract, the file `new.yaml`, no consumers, and the mode.
`xfail: reason` on a case or a mode entry documents a known alchemesh bug (strict).

Test ids read `<file>/<mode>/<case>`, e.g. `field-made-optional/consumer/required-dropped`. To see a
case's NEW with line numbers, break its expectation: the failure prints it.
"""

from __future__ import annotations

import copy
import io
import json
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import yaml
from ruamel.yaml import YAML

from alchemesh.contracts.changes import CHANGES, MODES, VERSION_RULES
from alchemesh.load.schema_check import odcs_judge
from tests.testing import OnDemand, invoke
from tests.testing import run_cli as fresh_cli

HERE = Path(__file__).parent
BASE = HERE / "base_contract.yaml"
CASES_DIR = HERE / "cases"
BASE_ID = "urn:datacontract:sales:orders"

# `contract-removed` needs a mesh (the ports still reading the contract): `contracts check` territory.
REPO_ONLY_RULES = {"contract-removed"}
KNOWN_RULES = set(CHANGES) | set(VERSION_RULES)

_CASE_KEYS = {"name", "old", "new", "new_text", "xfail", *MODES}
_MODE_KEYS = {"exit", "findings", "xfail"}
_FINDING_KEYS = {"rule", "change", "severity", "field", "line", "column", "message", "hint"}
_REQUIRED_FINDING_KEYS = {"rule", "change", "severity", "line", "column"}
_SUBSTRING_KEYS = ("message", "hint")


@dataclass(frozen=True)
class Expected:
    exit: int
    findings: tuple[dict[str, Any], ...]
    xfail: str | None = None


@dataclass(frozen=True)
class Case:
    """A case as its file says it: the texts are made from the base contract when a test first asks (ruamel's
    round trip is most of what collecting the cases would cost)."""

    id: str  # `<file stem>/<name>`
    where: str
    old_edits: list
    new_edits: list
    new_literal: str | None
    modes: dict[str, Expected]
    xfail: str | None = None

    @cached_property
    def old_text(self) -> str:
        return apply_edits(BASE.read_text(encoding="utf-8"), self.old_edits, self.where) if self.old_edits else \
            BASE.read_text(encoding="utf-8")

    @cached_property
    def new_text(self) -> str:
        if self.new_literal is not None:
            return self.new_literal
        return apply_edits(BASE.read_text(encoding="utf-8"), self.new_edits, self.where)


@dataclass(frozen=True)
class Run:
    case: Case
    mode: str

    @property
    def id(self) -> str:
        file, name = self.case.id.split("/", 1)
        return f"{file}/{self.mode}/{name}"

    @property
    def expected(self) -> Expected:
        return self.case.modes[self.mode]


@dataclass(frozen=True)
class Outcome:
    returncode: int
    stdout: str
    stderr: str


# --- building OLD and NEW ---------------------------------------------------------------------------


def _yaml() -> YAML:
    rt = YAML()
    rt.indent(mapping=2, sequence=4, offset=2)
    rt.width = 4096
    rt.preserve_quotes = True
    return rt


def dump(doc: Any) -> str:
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def _step(node: Any, segment: str, where: str) -> tuple[Any, Any]:
    """(container, key) for one PATH segment below `node`."""
    if isinstance(node, list):
        for label in (lambda item: item.get("name"), lambda item: item.get("value")):
            named = [i for i, item in enumerate(node) if isinstance(item, dict) and label(item) == segment]
            if named:
                return node, named[0]
        if segment in node:
            return node, node.index(segment)
        if segment.isdigit() and int(segment) < len(node):
            return node, int(segment)
        raise AssertionError(f"{where}: no element `{segment}` in the list")
    if isinstance(node, dict):
        return node, segment
    raise AssertionError(f"{where}: `{segment}` below a scalar")


def _resolve(doc: Any, path: str, where: str) -> tuple[Any, Any]:
    segments = path.split("/")
    node = doc
    for segment in segments[:-1]:
        container, key = _step(node, segment, where)
        if isinstance(container, dict) and key not in container:
            raise AssertionError(f"{where}: no key `{key}` on the way to `{path}`")
        node = container[key]
    return _step(node, segments[-1], where)


def apply_edits(text: str, edits: list[dict[str, Any]], where: str) -> str:
    doc = _yaml().load(text)
    for edit in edits:
        ops = {"set", "delete", "append"} & set(edit)
        assert len(ops) == 1 and set(edit) <= ops | {"value"}, f"{where}: bad edit {edit}"
        op = ops.pop()
        container, key = _resolve(doc, edit[op], f"{where}: {op} {edit[op]}")
        if op == "set":
            assert "value" in edit, f"{where}: `set` needs a `value`"
            container[key] = copy.deepcopy(edit["value"])
        elif op == "delete":
            assert (key in container) if isinstance(container, dict) else True, f"{where}: nothing to delete at {edit[op]}"
            del container[key]
        else:
            target = container[key]
            assert isinstance(target, list), f"{where}: `append` needs a list at {edit[op]}"
            target.append(copy.deepcopy(edit["value"]))
    return dump(doc)


# --- reading the case files -------------------------------------------------------------------------


def _expected(raw: Any, where: str) -> Expected:
    assert isinstance(raw, dict), f"{where}: a mode entry is a mapping with `exit` and `findings`"
    unknown = set(raw) - _MODE_KEYS
    assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
    assert "exit" in raw and "findings" in raw, f"{where}: a mode entry needs `exit` and `findings`"
    findings = tuple(raw["findings"] or ())
    for finding in findings:
        unknown, missing = set(finding) - _FINDING_KEYS, _REQUIRED_FINDING_KEYS - set(finding)
        assert not unknown and not missing, f"{where}: finding {finding}: unknown {sorted(unknown)}, missing {sorted(missing)}"
    return Expected(raw["exit"], findings, raw.get("xfail"))


def load_case_file(path: Path) -> list[Case]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    assert set(data) == {"cases"}, f"{path.name}: the only top-level key is `cases`"
    prefix = path.stem.lstrip("_")
    out = []
    for raw in data["cases"]:
        where = f"{path.name}: {raw.get('name')!r}"
        unknown = set(raw) - _CASE_KEYS
        assert not unknown, f"{where}: unknown keys {sorted(unknown)}"
        assert not ("new" in raw and "new_text" in raw), f"{where}: `new` or `new_text`, not both"
        modes = {mode: _expected(raw[mode], f"{where} {mode}") for mode in MODES if mode in raw}
        assert {"consumer", "producer"} <= set(modes), f"{where}: every case states consumer and producer mode"
        out.append(Case(f"{prefix}/{raw['name']}", where, raw.get("old") or [], raw.get("new") or [],
                        raw.get("new_text"), modes, raw.get("xfail")))
    return out


def case_files() -> list[Path]:
    return sorted(CASES_DIR.glob("*.yaml"))


ALL_CASES = [case for path in case_files() for case in load_case_file(path)]
ALL_RUNS = [Run(case, mode) for case in ALL_CASES for mode in case.modes]
_DUPLICATES = sorted({c.id for c in ALL_CASES if [d.id for d in ALL_CASES].count(c.id) > 1})
assert not _DUPLICATES, f"case names repeat: {_DUPLICATES}"


# --- running the CLI --------------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path) -> Outcome:
    """In a fresh interpreter: the command's own tests and the sample below."""
    result = fresh_cli(*args, cwd=cwd)
    return Outcome(result.code, result.out, result.err)


def run_in_process(*args: str, cwd: Path) -> Outcome:
    result = invoke(*args, cwd=cwd)
    return Outcome(result.code, result.out, result.err)


def write_pair(folder: Path, old: str, new: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "old.yaml").write_text(old, encoding="utf-8")
    (folder / "new.yaml").write_text(new, encoding="utf-8")
    return folder


def diff_args(mode: str, fmt: str = "json", *extra: str) -> tuple[str, ...]:
    return ("contracts", "diff", "old.yaml", "new.yaml", "--mode", mode, "--format", fmt, *extra)


def run_diff(folder: Path, mode: str, fmt: str = "json", *extra: str) -> Outcome:
    return run_cli(*diff_args(mode, fmt, *extra), cwd=folder)


@pytest.fixture(scope="session")
def outcomes(tmp_path_factory) -> dict[str, Outcome]:
    """Each run's outcome, in process, once per session (the sample below holds it to a fresh interpreter's
    answer); a case's two files written once for all its modes."""
    runs = {run.id: run for run in ALL_RUNS}
    folders: dict[str, Path] = {}

    def outcome(run_id: str) -> Outcome:
        run = runs[run_id]
        if run.case.id not in folders:
            folders[run.case.id] = write_pair(tmp_path_factory.mktemp("contract"), run.case.old_text, run.case.new_text)
        return run_in_process(*diff_args(run.mode), cwd=folders[run.case.id])

    return OnDemand(outcome)


SAMPLE = list({run.case.id.split("/", 1)[0]: run for run in reversed(ALL_RUNS)}.values())  # a run of each file


@pytest.mark.parametrize("run", [pytest.param(r, id=r.id) for r in SAMPLE])
def test_a_fresh_interpreter_answers_as_in_process(run: Run, tmp_path: Path) -> None:
    folder = write_pair(tmp_path, run.case.old_text, run.case.new_text)
    assert run_cli(*diff_args(run.mode), cwd=folder) == run_in_process(*diff_args(run.mode), cwd=folder)


# --- comparing findings -----------------------------------------------------------------------------


def _dump(findings: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"    {f['rule']} {f['severity']} {f.get('change')} {f['line']}:{f['column']} [{f.get('field')}] {f['message']}"
        for f in findings
    )


def _numbered(text: str) -> str:
    return "\n".join(f"{i:4} {line}" for i, line in enumerate(text.splitlines(), 1))


def compare(expected: tuple[dict[str, Any], ...], actual: list[dict[str, Any]]) -> list[str]:
    want = [(e["rule"], e["line"], e["column"]) for e in expected]
    got = [(f["rule"], f["line"], f["column"]) for f in actual]
    if want != got:
        return [f"findings differ\n  expected {want}\n  actual   {got}"]
    problems = []
    for e, a in zip(expected, actual, strict=False):
        here = f"{a['rule']} {a['line']}:{a['column']}"
        for key in ("change", "severity"):
            if a.get(key) != e[key]:
                problems.append(f"{here}: {key} {a.get(key)!r} != {e[key]!r}")
        if a.get("field") != e.get("field", ""):
            problems.append(f"{here}: field {a.get('field')!r} != {e.get('field', '')!r}")
        for key in _SUBSTRING_KEYS:
            if key in e:
                for part in [e[key]] if isinstance(e[key], str) else e[key]:
                    if a.get(key) is None or part not in a[key]:
                        problems.append(f"{here}: {key} {a.get(key)!r} does not contain {part!r}")
    return problems


def _param(run: Run):
    reason = run.expected.xfail or run.case.xfail
    marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
    return pytest.param(run, id=run.id, marks=marks)


@pytest.mark.parametrize("run", [_param(r) for r in ALL_RUNS])
def test_contract_case(run: Run, outcomes: dict[str, Outcome]) -> None:
    outcome, expected = outcomes[run.id], run.expected
    assert "Traceback" not in outcome.stderr, outcome.stderr
    try:
        report = json.loads(outcome.stdout)
    except json.JSONDecodeError:
        pytest.fail(f"exit {outcome.returncode}, no JSON on stdout\nstdout: {outcome.stdout}\nstderr: {outcome.stderr}")
    findings = report["findings"]
    context = f"\nactual findings:\n{_dump(findings)}\nNEW:\n{_numbered(run.case.new_text)}"

    problems = compare(expected.findings, findings)
    for f in findings:
        common = {"contract": f.get("contract"), "file": f["file"], "consumers": f.get("consumers"), "mode": f.get("mode")}
        if common != {"contract": BASE_ID, "file": "new.yaml", "consumers": [], "mode": run.mode}:
            problems.append(f"{f['rule']} {f['line']}:{f['column']}: {common}")
    assert not problems, "\n  ".join(problems) + context

    severities = [f["severity"] for f in findings]
    summary = report["summary"]
    counted = {"errors": severities.count("error"), "warnings": severities.count("warning"),
               "infos": severities.count("info"), "breaking": sum(f["change"] == "breaking" for f in findings)}
    assert {k: summary[k] for k in counted} == counted, f"summary {summary} does not count the findings"
    if findings:
        (entry,) = report["contracts"]
        assert (entry["id"], entry["status"], entry["mode"]) == (BASE_ID, "changed", run.mode), entry
    else:
        assert report["contracts"] == [], report["contracts"]

    if run.mode == "none":
        assert set(severities) <= {"info"}, "`none` mode reports but never fails"
    assert outcome.returncode == (1 if "error" in severities else 0), f"exit {outcome.returncode} with {severities}"
    assert outcome.returncode == expected.exit, f"exit {outcome.returncode} != {expected.exit}"


# --- the data: valid contracts, every rule covered --------------------------------------------------


@cache
def _odcs(version: str):
    """The official ODCS JSON Schema of a version, as alchemesh ships it (unguarded: the check below is
    against the schema as published)."""
    text = resources.files("alchemesh.model").joinpath(f"odcs_schemas/odcs-json-schema-{version}.json").read_text(
        encoding="utf-8")
    return jsonschema_rs.validator_for(json.loads(text))


def _odcs_errors(text: str) -> list[str]:
    """What the schema of the document's declared version says against it."""
    data = yaml.safe_load(text)
    validator = _odcs(odcs_judge(data.get("apiVersion")).schema)
    return [f"{list(e.instance_path)}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_base_contract_is_valid_odcs() -> None:
    text = BASE.read_text(encoding="utf-8")
    assert _odcs_errors(text) == []
    broken = apply_edits(text, [{"set": "schema/orders/properties/status/enum", "value": ["placed"]}], "broken")
    assert _odcs_errors(broken), "the validator must reject an enum of bare strings (ODCS wants {value: …})"


def test_base_contract_round_trips() -> None:
    """The edits keep the base's layout: its line numbers hold in NEW above the first edited line."""
    text = BASE.read_text(encoding="utf-8")
    assert dump(_yaml().load(text)) == text


@pytest.mark.parametrize("case", ALL_CASES, ids=[c.id for c in ALL_CASES])
def test_case_contracts_are_valid_odcs(case: Case) -> None:
    """Cases describe real contract versions, not documents only alchemesh would read."""
    assert _odcs_errors(case.old_text) == [], "OLD"
    assert _odcs_errors(case.new_text) == [], "NEW"


def test_case_files_name_known_rules() -> None:
    stems = {p.stem for p in case_files() if not p.stem.startswith("_")}
    assert stems <= KNOWN_RULES, f"case files for unknown rules: {sorted(stems - KNOWN_RULES)}"
    for run in ALL_RUNS:
        unknown = {f["rule"] for f in run.expected.findings} - KNOWN_RULES
        assert not unknown, f"{run.id}: unknown rules {sorted(unknown)}"


@pytest.mark.parametrize("rule", sorted(KNOWN_RULES - REPO_ONLY_RULES))
def test_every_rule_has_cases(rule: str) -> None:
    path = CASES_DIR / f"{rule}.yaml"
    assert path.is_file(), f"no case file {path.relative_to(HERE)} for `{rule}`"
    runs = [r for r in ALL_RUNS if r.case.id.startswith(f"{rule}/")]
    for mode in ("consumer", "producer"):
        assert any(r.mode == mode and any(f["rule"] == rule for f in r.expected.findings) for r in runs), (
            f"`{rule}` has no {mode}-mode case that finds it"
        )


def test_pass_cases_exist() -> None:
    quiet = [r for r in ALL_RUNS if not r.expected.findings and r.expected.exit == 0]
    assert {r.mode for r in quiet} >= {"consumer", "producer"}


# --- the command around the cases: inputs it cannot read, the other formats -------------------------


@pytest.fixture(scope="module")
def breaking_pair(tmp_path_factory) -> Path:
    """NEW drops `orders.is_gift` and keeps the version: two errors and a warning in consumer mode."""
    base = BASE.read_text(encoding="utf-8")
    new = apply_edits(base, [{"delete": "schema/orders/properties/is_gift"}], "breaking pair")
    return write_pair(tmp_path_factory.mktemp("breaking"), base, new)


def assert_usage_error(outcome: Outcome, *parts: str) -> None:
    assert outcome.returncode == 2, (outcome.returncode, outcome.stdout, outcome.stderr)
    assert "Traceback" not in outcome.stderr + outcome.stdout, outcome.stderr
    lines = outcome.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected a one-line message, got:\n{outcome.stderr}"
    for part in parts:
        assert part in lines[0], f"{part!r} not in {lines[0]!r}"


@pytest.mark.parametrize("missing", ["old", "new"])
def test_missing_file_is_a_usage_error(tmp_path: Path, missing: str) -> None:
    write_pair(tmp_path, BASE.read_text(encoding="utf-8"), BASE.read_text(encoding="utf-8"))
    args = {"old": "old.yaml", "new": "new.yaml", missing: "gone.yaml"}
    outcome = run_cli("contracts", "diff", args["old"], args["new"], "--format", "json", cwd=tmp_path)
    assert_usage_error(outcome, "gone.yaml", "No such file")
    assert outcome.stdout == ""


NOT_CONTRACTS = {
    "mesh-resource": ("apiVersion: alchemesh.io/v1alpha1\nkind: Mesh\nmetadata: {name: acme}\nspec: {}\n",
                      "expected one ODCS data contract, found 0"),
    "plain-yaml": ("name: orders\ncolumns: [id, total]\n", "expected one ODCS data contract, found 0"),
    "empty-file": ("", "expected one ODCS data contract, found 0"),
    "two-contracts": (BASE.read_text(encoding="utf-8") + "---\n" + BASE.read_text(encoding="utf-8"),
                      "expected one ODCS data contract, found 2"),
    "invalid-yaml": ("apiVersion: v3.1.0\nkind: DataContract\nschema: [\n", "new.yaml:4:1"),
}


@pytest.mark.parametrize("name", list(NOT_CONTRACTS))
def test_a_file_that_is_not_one_contract_is_a_usage_error(tmp_path: Path, name: str) -> None:
    text, message = NOT_CONTRACTS[name]
    write_pair(tmp_path, BASE.read_text(encoding="utf-8"), text)
    assert_usage_error(run_diff(tmp_path, "consumer"), "new.yaml", message)


def test_a_directory_is_a_usage_error(tmp_path: Path) -> None:
    write_pair(tmp_path, BASE.read_text(encoding="utf-8"), BASE.read_text(encoding="utf-8"))
    (tmp_path / "folder").mkdir()
    assert_usage_error(run_cli("contracts", "diff", "folder", "new.yaml", cwd=tmp_path), "folder")


def test_unknown_mode_is_a_usage_error(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "strict")
    assert outcome.returncode == 2 and "Traceback" not in outcome.stderr
    assert "consumer" in outcome.stderr  # the valid choices are listed


def test_sarif_names_the_tool_and_the_rules(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "consumer", "sarif")
    assert outcome.returncode == 1, outcome.stderr
    sarif = json.loads(outcome.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    assert run["tool"]["driver"]["name"] == "alchemesh"
    results = {(r["ruleId"], r["level"]) for r in run["results"]}
    assert results == {("breaking-change-without-major-bump", "error"), ("changed-without-version-bump", "warning"),
                       ("field-removed", "error")}
    described = {rule["id"] for rule in run["tool"]["driver"]["rules"]}
    assert {r["ruleId"] for r in run["results"]} <= described
    removed = next(r for r in run["results"] if r["ruleId"] == "field-removed")
    location = removed["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "new.yaml"
    assert location["region"] == {"startLine": 15, "startColumn": 5}  # `properties:` of the object that lost it


def test_markdown_says_breaking(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "consumer", "markdown")
    assert outcome.returncode == 1, outcome.stderr
    assert "breaking" in outcome.stdout.lower()
    assert "`field-removed`" in outcome.stdout and BASE_ID in outcome.stdout


def test_markdown_of_a_compatible_change_says_compatible(tmp_path: Path) -> None:
    base = BASE.read_text(encoding="utf-8")
    edits = [{"append": "schema/orders/properties", "value": {"name": "coupon_code", "logicalType": "string"}},
             {"set": "version", "value": "1.1.0"}]
    write_pair(tmp_path, base, apply_edits(base, edits, "compatible pair"))
    outcome = run_diff(tmp_path, "consumer", "markdown")
    assert outcome.returncode == 0, outcome.stderr
    assert "compatible" in outcome.stdout.splitlines()[0].lower()


def test_github_annotations(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "consumer", "github")
    assert outcome.returncode == 1, outcome.stderr
    *annotations, summary = outcome.stdout.strip().splitlines()
    assert [line.split(" ", 1)[0] for line in annotations] == ["::error", "::warning", "::error"]
    assert annotations[2].startswith("::error file=new.yaml,line=15,col=5,title=field-removed::")
    assert "(it stood at line 64 of the old version)" in annotations[2]  # where `is_gift` was
    assert summary.startswith("alchemesh: 2 error(s), 1 warning(s)")


def test_text_lists_the_contract_and_the_findings(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "consumer", "text")
    assert outcome.returncode == 1, outcome.stderr
    assert BASE_ID in outcome.stdout and "1.0.0 → 1.0.0" in outcome.stdout
    assert "field-removed" in outcome.stdout and "consumer mode" in outcome.stdout


@pytest.mark.parametrize(("fail_on", "exit"), [("error", 0), ("warning", 1), ("info", 1)])
def test_fail_on_sets_the_threshold(tmp_path: Path, fail_on: str, exit: int) -> None:
    """A metadata change keeping its version: a warning and an info."""
    base = BASE.read_text(encoding="utf-8")
    write_pair(tmp_path, base, apply_edits(base, [{"set": "status", "value": "deprecated"}], "fail-on"))
    outcome = run_diff(tmp_path, "consumer", "json", "--fail-on", fail_on)
    assert [f["severity"] for f in json.loads(outcome.stdout)["findings"]] == ["warning", "info"]
    assert outcome.returncode == exit


def test_none_mode_never_fails_even_on_info(breaking_pair: Path) -> None:
    outcome = run_diff(breaking_pair, "none", "json", "--fail-on", "warning")
    assert {f["severity"] for f in json.loads(outcome.stdout)["findings"]} == {"info"}
    assert outcome.returncode == 0


def test_mode_defaults_to_consumer(breaking_pair: Path) -> None:
    outcome = run_cli("contracts", "diff", "old.yaml", "new.yaml", "--format", "json", cwd=breaking_pair)
    assert {f["mode"] for f in json.loads(outcome.stdout)["findings"]} == {"consumer"}


def test_two_different_contracts_are_not_compared_silently(tmp_path: Path) -> None:
    base = BASE.read_text(encoding="utf-8")
    other = apply_edits(base, [{"set": "id", "value": "urn:datacontract:crm:customers"}], "other id")
    outcome = run_diff(write_pair(tmp_path, base, other), "consumer")
    assert "Traceback" not in outcome.stderr
    assert outcome.returncode != 0, "a diff across two contracts must not pass as `no change`"
    assert "urn:datacontract:crm:customers" in outcome.stdout + outcome.stderr
