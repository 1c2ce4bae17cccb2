"""GitHub Actions workflows: this repo's, and the three `alchemesh init` writes.

They are checked the way GitHub would read them (YAML shape, actions that exist), every `alchemesh`
command line in them against the real CLI's `--help`, and the github-script steps run under node
against a recording fake of the GitHub API, fed with summaries the real reporters write.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from alchemesh import __version__
from alchemesh.report import runs
from alchemesh.terraform.outcome import Action, Changes, Outcome, Run, Status
from tests.testing import REPO, run_cli

ACTION = REPO / ".github" / "actions" / "alchemesh" / "action.yml"
REPO_WORKFLOWS = sorted(p.name for p in (REPO / ".github" / "workflows").glob("*.y*ml"))
INIT_WORKFLOWS = ("alchemesh-pr.yml", "alchemesh-apply.yml", "alchemesh-drift.yml", "alchemesh-test.yml")
OWN_ACTION = re.compile(r"^alchemesh/alchemesh/(?P<path>[^@]+)@(?P<ref>.+)$")

EXPRESSION = re.compile(r"\$\{\{.*?\}\}", re.S)
PLACEHOLDER = "GHA_EXPRESSION"
OPERATORS = {"|", "||", "&&", ";", "&", "|&", ";;", "(", ")"}
REDIRECT = re.compile(r"^\d*(?:>|>>|<|<<<|>&|<&|&>|&>>|>\|)$")


# ---------------------------------------------------------------- reading workflows and scripts


@pytest.fixture(scope="module")
def init_dir(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("init") / "mesh"
    result = run_cli("init", str(target))
    assert result.code == 0, result.err
    return target


class _UniqueKeyLoader(yaml.SafeLoader):
    """GitHub refuses a workflow with a key twice in one mapping; PyYAML would keep the last."""

    def construct_mapping(self, node, deep=False):
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(k) for k in keys if keys.count(k) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"repeated key(s) {repeated}", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def load(path: Path) -> dict:
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    assert isinstance(doc, dict), f"{path} is not a YAML mapping"
    return doc


def triggers(doc: dict):
    """`on:`, which YAML 1.1 (PyYAML) reads as the boolean key True."""
    return doc.get("on", doc.get(True))


def steps_of(doc: dict) -> list[dict]:
    if "runs" in doc:  # an action
        return doc["runs"].get("steps") or []
    return [step for job in (doc.get("jobs") or {}).values() for step in job.get("steps") or []]


@dataclass(frozen=True)
class Invocation:
    args: tuple[str, ...]  # after `alchemesh`
    stdout: str | None = None  # the file `>` sends it to

    def option(self, name: str) -> str | None:
        for i, arg in enumerate(self.args):
            if arg == name and i + 1 < len(self.args):
                return self.args[i + 1]
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
        return None


def invocations(script: str) -> list[Invocation]:
    """Every `alchemesh …` (or `python -m alchemesh …`) command in a shell script.

    `${{ … }}` becomes one placeholder word; continuation lines are joined; the script is split at
    `|`, `||`, `&&`, `;` and inside `$( … )`; `> FILE` is kept as the command's stdout, while
    stderr redirections (`2>&1`, `2> FILE`) are dropped.
    """
    text = EXPRESSION.sub(PLACEHOLDER, script).replace("\\\n", " ")
    text = re.sub(r"(?<!\S)(?:\d+>&\d+|[2-9]>>?\s*[^\s;|&]+)", " ", text)
    lines = text.splitlines() + re.findall(r"\$\(([^()]*)\)", text)  # and inside $( … )
    found = []
    for line in lines:
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        command: list[str] = []
        for token in [*lexer, ";"]:
            if token in OPERATORS:
                found += _invocation(command)
                command = []
            else:
                command.append(token)
    return found


def _invocation(words: list[str]) -> list[Invocation]:
    while words and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[0]):  # VAR=value cmd
        words = words[1:]
    if words[:1] and Path(words[0]).name == "alchemesh":
        words = words[1:]
    elif len(words) >= 3 and Path(words[0]).name.startswith("python") and words[1:3] == ["-m", "alchemesh"]:
        words = words[3:]
    else:
        return []
    args, stdout, i = [], None, 0
    while i < len(words):
        if REDIRECT.match(words[i]):
            if words[i] in (">", ">>", ">|") and i + 1 < len(words):
                stdout = words[i + 1]
            i += 2
            continue
        args.append(words[i])
        i += 1
    return [Invocation(tuple(args), stdout)]


def invocations_in(doc: dict) -> list[Invocation]:
    """From `run:` scripts, and from the `args` input of steps that use the alchemesh action."""
    found = []
    for step in steps_of(doc):
        if "run" in step:
            found += invocations(str(step["run"]))
        uses = str(step.get("uses", ""))
        args = (step.get("with") or {}).get("args")
        if args and uses.rstrip("/").split("@")[0].endswith(".github/actions/alchemesh"):
            found += invocations("alchemesh " + str(args))
    return found


def all_workflows(init_dir: Path) -> dict[str, Path]:
    return {**{f"repo/{n}": REPO / ".github" / "workflows" / n for n in REPO_WORKFLOWS},
            **{f"init/{n}": init_dir / ".github" / "workflows" / n for n in INIT_WORKFLOWS}}


WORKFLOW_IDS = [f"repo/{n}" for n in REPO_WORKFLOWS] + [f"init/{n}" for n in INIT_WORKFLOWS]


# ---------------------------------------------------------------- checks (each returns its problems)


def structure_problems(doc: dict) -> list[str]:
    problems = []
    if not triggers(doc):
        problems.append("no `on`")
    jobs = doc.get("jobs")
    if not isinstance(jobs, dict) or not jobs:
        return problems + ["no `jobs`"]
    for name, job in jobs.items():
        if not isinstance(job, dict):
            problems.append(f"job {name} is not a mapping")
            continue
        if not job.get("runs-on"):
            problems.append(f"job {name} has no runs-on")
        steps = job.get("steps")
        if not isinstance(steps, list) or not steps:
            problems.append(f"job {name} has no steps")
            continue
        for i, step in enumerate(steps, 1):
            kinds = [key for key in ("uses", "run") if key in step]
            if len(kinds) != 1:
                problems.append(f"job {name} step {i} has {' and '.join(kinds) or 'neither uses nor run'}")
    return problems


@functools.cache
def _help(path: tuple[str, ...]) -> str | None:
    """`alchemesh PATH --help`, once per subcommand; None when there is no such command."""
    result = run_cli(*path, "--help")
    return result.out if result.code == 0 else None


def _dynamic(token: str) -> bool:
    return PLACEHOLDER in token or token.startswith("$")


def _mentions(help_text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", help_text) is not None


def _choices(help_text: str, option: str) -> list[str] | None:
    match = re.search(rf"(?<![\w-]){re.escape(option)}\s+\[([^\]\s]+)\]", help_text)
    return match.group(1).split("|") if match and "|" in match.group(1) else None


def invocation_problems(invocation: Invocation) -> list[str]:
    """Unknown subcommands, options the subcommand lacks, and values outside an option's choices."""
    path: tuple[str, ...] = ()
    help_text = _help(path)
    assert help_text is not None, "alchemesh --help failed"
    problems = []
    args = list(invocation.args)
    i = 0
    while i < len(args):
        arg = args[i]
        if _dynamic(arg):
            i += 1
            if "Commands:" in help_text:  # an expression names the command: nothing more to check
                return problems
            continue
        if arg.startswith("-") and arg != "-":
            option = arg.split("=", 1)[0]
            if not _mentions(help_text, option):
                problems.append(f"`alchemesh {' '.join(path)}` has no option {option}")
            choices = _choices(help_text, option)
            value = arg.split("=", 1)[1] if "=" in arg else (args[i + 1] if i + 1 < len(args) else None)
            if choices and value is not None and not _dynamic(value) and value not in choices:
                problems.append(f"`alchemesh {' '.join(path)} {option}` takes {'|'.join(choices)}, not {value}")
            i += 2 if choices and "=" not in arg else 1
            continue
        if "Commands:" in help_text:  # a group: this word is a subcommand
            sub = _help((*path, arg))
            if sub is None:
                return problems + [f"`alchemesh {' '.join((*path, arg))}`: no such command"]
            path, help_text = (*path, arg), sub
        i += 1
    return problems


def action_reference_problems(doc: dict, root: Path, own_ref: str | None) -> list[str]:
    """`./…` actions exist under `root`; `alchemesh/alchemesh/…@ref` exist in this repo, at `own_ref`."""
    problems = []
    for step in steps_of(doc):
        uses = str(step.get("uses", ""))
        if uses.startswith("./"):
            folder = root / uses.split("@")[0]
            if not any((folder / n).is_file() for n in ("action.yml", "action.yaml")):
                problems.append(f"{uses}: no action.yml under {root}")
        elif match := OWN_ACTION.match(uses):
            folder = REPO / match["path"]
            if not any((folder / n).is_file() for n in ("action.yml", "action.yaml")):
                problems.append(f"{uses}: no {match['path']}/action.yml in this repo")
            if own_ref is not None and match["ref"] != own_ref:
                problems.append(f"{uses}: pinned to {match['ref']}, not {own_ref}")
    return problems


def github_scripts(doc: dict) -> list[dict]:
    return [s for s in steps_of(doc) if str(s.get("uses", "")).startswith("actions/github-script@")]


# ---------------------------------------------------------------- the checks can fail


def test_the_structure_check_finds_broken_workflows():
    assert structure_problems({"name": "x"}) == ["no `on`", "no `jobs`"]
    broken = {True: {"push": None}, "jobs": {"a": {"steps": [{"uses": "x@v1", "run": "y"}, {"name": "z"}]},
                                             "b": {"runs-on": "ubuntu-latest", "steps": []}}}
    assert structure_problems(broken) == [
        "job a has no runs-on", "job a step 1 has uses and run", "job a step 2 has neither uses nor run",
        "job b has no steps"]


def test_the_command_check_finds_unknown_commands_options_and_values():
    script = ("alchemesh plan --no-such-flag \\\n  --env dev\n"
              "alchemesh nonsense || true\n"
              "alchemesh contracts nope\n"
              "alchemesh plan --format github && alchemesh validate --format=xml\n"
              "alchemesh drift --auto-approve > out.json\n")
    problems = [p for inv in invocations(script) for p in invocation_problems(inv)]
    assert problems == [
        "`alchemesh plan` has no option --no-such-flag",
        "`alchemesh nonsense`: no such command",
        "`alchemesh contracts nope`: no such command",
        "`alchemesh plan --format` takes text|json, not github",
        "`alchemesh validate --format` takes text|json|sarif|github, not xml",
        "`alchemesh drift` has no option --auto-approve",
    ]


def test_command_lines_are_split_like_a_shell_would():
    script = ('FOO=1 alchemesh --debug validate --format github . # trailing comment\n'
              'echo "m=$(alchemesh plan --matrix ${{ inputs.path }} | jq -c .)" >> "$GITHUB_OUTPUT"\n'
              'alchemesh drift --env "$MESH_ENV" --format json > drift.json || [ $? -eq 1 ]\n'
              'python -m alchemesh contracts check --against origin/${{ github.base_ref }} 2>&1 2> err.log\n'
              'eval "alchemesh $ARGS"; echo alchemesh plan\n')
    assert invocations(script) == [
        Invocation(("--debug", "validate", "--format", "github", ".")),
        Invocation(("drift", "--env", "$MESH_ENV", "--format", "json"), stdout="drift.json"),
        Invocation(("contracts", "check", "--against", f"origin/{PLACEHOLDER}")),
        Invocation(("plan", "--matrix", PLACEHOLDER)),
    ]
    assert [p for inv in invocations(script) for p in invocation_problems(inv)] == []


def test_a_repeated_key_is_refused(tmp_path):
    (tmp_path / "w.yml").write_text("on: push\njobs:\n  a:\n    steps:\n      - run: a\n        run: b\n")
    with pytest.raises(yaml.constructor.ConstructorError, match=r"repeated key\(s\) \['run'\]"):
        load(tmp_path / "w.yml")


def test_the_action_reference_check_finds_missing_actions(tmp_path):
    doc = {"jobs": {"a": {"steps": [
        {"uses": "./.github/actions/alchemesh"},
        {"uses": "alchemesh/alchemesh/.github/actions/nope@v0.0.1"},
        {"uses": "alchemesh/alchemesh/.github/actions/alchemesh@v0.0.1"},
        {"uses": "actions/checkout@v4"}]}}}
    assert action_reference_problems(doc, tmp_path, own_ref="v9") == [
        f"./.github/actions/alchemesh: no action.yml under {tmp_path}",
        "alchemesh/alchemesh/.github/actions/nope@v0.0.1: no .github/actions/nope/action.yml in this repo",
        "alchemesh/alchemesh/.github/actions/nope@v0.0.1: pinned to v0.0.1, not v9",
        "alchemesh/alchemesh/.github/actions/alchemesh@v0.0.1: pinned to v0.0.1, not v9",
    ]
    assert action_reference_problems(doc, REPO, own_ref=None) == [
        "alchemesh/alchemesh/.github/actions/nope@v0.0.1: no .github/actions/nope/action.yml in this repo"]


# ---------------------------------------------------------------- the workflows themselves


def test_init_writes_the_three_workflows_and_refuses_to_overwrite_one(init_dir, tmp_path):
    written = sorted(p.name for p in (init_dir / ".github" / "workflows").iterdir())
    assert written == sorted(INIT_WORKFLOWS)
    mine = tmp_path / ".github" / "workflows" / "alchemesh-pr.yml"
    mine.parent.mkdir(parents=True)
    mine.write_text("name: mine\n")
    again = run_cli("init", str(tmp_path))
    assert again.code == 2 and "refusing to overwrite" in again.err
    assert mine.read_text() == "name: mine\n" and not (tmp_path / "alchemesh.yaml").exists()


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_workflow_is_well_formed(name, init_dir):
    doc = load(all_workflows(init_dir)[name])
    assert structure_problems(doc) == []


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_workflow_runs_only_commands_and_options_that_exist(name, init_dir):
    found = invocations_in(load(all_workflows(init_dir)[name]))
    if name.startswith("init/") or name == "repo/ci.yml":
        assert found, f"{name} runs no alchemesh command"
    assert [p for inv in found for p in invocation_problems(inv)] == []


@pytest.mark.parametrize("name", WORKFLOW_IDS)
def test_workflow_uses_actions_that_exist(name, init_dir):
    path = all_workflows(init_dir)[name]
    root = REPO if name.startswith("repo/") else init_dir
    own_ref = f"v{__version__}" if name.startswith("init/") else None
    doc = load(path)
    assert action_reference_problems(doc, root, own_ref) == []
    if name.startswith("init/"):
        uses = [str(s.get("uses", "")) for s in steps_of(doc)]
        assert not [u for u in uses if OWN_ACTION.match(u)]  # no repository or tag that may not exist
        install = next(s for s in steps_of(doc) if s.get("uses") == "./.github/actions/alchemesh")
        assert install["with"]["requirement"] == "${{ vars.ALCHEMESH_REQUIREMENT }}"
        checkout = next(u for u in uses if u.startswith("actions/checkout@"))
        assert uses.index("./.github/actions/alchemesh") > uses.index(checkout)  # a local action
        setup = [s for s in steps_of(doc) if str(s.get("uses", "")).startswith("hashicorp/setup-terraform@")]
        assert setup and setup[0]["with"]["terraform_wrapper"] is False
        # after the alchemesh install, whose `local` extra brings a Terraform of its own
        assert uses.index(setup[0]["uses"]) > uses.index("./.github/actions/alchemesh")


def test_the_composite_action_installs_and_optionally_runs_alchemesh():
    doc = load(ACTION)
    assert doc["runs"]["using"] == "composite"
    assert set(doc["inputs"]) == {"version", "python-version", "extras", "args"}
    assert doc["inputs"]["python-version"]["default"] == "3.12"
    assert doc["inputs"]["version"]["default"] == "" and doc["inputs"]["extras"]["default"] == ""
    steps = doc["runs"]["steps"]
    assert str(steps[0]["uses"]) == f"actions/setup-python@{PINNED['actions/setup-python'][0]}"
    for i, step in enumerate(steps, 1):
        assert len([k for k in ("uses", "run") if k in step]) == 1, f"step {i}"
        if "run" in step:
            assert step.get("shell"), f"step {i} runs a script without `shell`"
    scripts = "\n".join(str(s.get("run", "")) + json.dumps(s.get("env", {})) for s in steps)
    assert "github.action_path }}/../../.." in scripts  # empty version: this checkout
    assert any("inputs.args" in str(s.get("if", "")) for s in steps)
    assert (ACTION.parent / "../../../pyproject.toml").resolve() == REPO / "pyproject.toml"
    assert [p for inv in invocations_in(doc) for p in invocation_problems(inv)] == []


def test_the_scaffolded_action_installs_what_the_repository_variable_names(init_dir, tmp_path):
    doc = load(init_dir / ".github/actions/alchemesh/action.yml")
    assert doc["runs"]["using"] == "composite" and set(doc["inputs"]) == {"requirement", "python-version"}
    steps = doc["runs"]["steps"]
    assert str(steps[0]["uses"]) == f"actions/setup-python@{PINNED['actions/setup-python'][0]}"
    install = steps[1]
    assert install["shell"] == "bash" and install["env"]["REQUIREMENT"] == "${{ inputs.requirement }}"
    assert "${{" not in install["run"]  # inputs reach the script as variables, never pasted into it
    assert [p for inv in invocations_in(doc) for p in invocation_problems(inv)] == []
    script = tmp_path / "install.sh"
    script.write_text(install["run"])
    unset = subprocess.run(["bash", str(script)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert unset.returncode == 1 and "::error::set the repository variable ALCHEMESH_REQUIREMENT" in unset.stdout
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    for tool, body in (("python", 'echo "pip $*"'), ("alchemesh", "echo alchemesh 0.1.0")):
        (fake_bin / tool).write_text(f"#!/bin/sh\n{body}\n")
        (fake_bin / tool).chmod(0o755)
    ran = subprocess.run(["bash", str(script)], capture_output=True, text=True,
                         env={"PATH": f"{fake_bin}:/usr/bin:/bin", "REQUIREMENT": "alchemesh[local] @ git+https://x/y@v1"})
    assert ran.returncode == 0 and "pip -m pip install alchemesh[local] @ git+https://x/y@v1" in ran.stdout


def test_init_workflows_run_the_promised_commands(init_dir):
    folder = init_dir / ".github" / "workflows"
    by_command = {}
    for name in INIT_WORKFLOWS:
        for inv in invocations_in(load(folder / name)):
            words = [a for a in inv.args if not a.startswith("-")]
            key = " ".join(words[:2]) if words[:1] == ["contracts"] else words[0]
            by_command.setdefault((name, key), []).append(inv)
    pr = {k: v[0] for (n, k), v in by_command.items() if n == "alchemesh-pr.yml"}
    assert pr["validate"].option("--format") == "github"
    assert pr["contracts check"].option("--format") == "github"
    assert pr["contracts check"].option("--against") == "origin/$BASE_REF"  # from the job's env, not pasted in
    assert pr["plan"].option("--changed-since") == "origin/$BASE_REF"
    (job,) = load(folder / "alchemesh-pr.yml")["jobs"].values()
    assert job["env"]["BASE_REF"] == "${{ github.base_ref }}"
    assert "--include-dependents" in pr["plan"].args and pr["plan"].option("--summary") == "plan.md"
    apply = by_command[("alchemesh-apply.yml", "apply")][0]
    assert "--auto-approve" in apply.args
    drift = by_command[("alchemesh-drift.yml", "drift")][0]
    assert drift.option("--format") == "json" and drift.stdout == "drift.json"
    tested = by_command[("alchemesh-test.yml", "test")][0]
    assert tested.option("--format") == "json" and tested.stdout == "test.json"


def test_pr_workflow_comments_even_after_a_failed_plan(init_dir):
    doc = load(init_dir / ".github" / "workflows" / "alchemesh-pr.yml")
    (job,) = doc["jobs"].values()
    assert job["permissions"]["pull-requests"] == "write"
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@") and checkout["with"]["fetch-depth"] == 0
    (step,) = github_scripts(doc)
    assert "always()" in step["if"] and "hashFiles('plan.md')" in step["if"]
    script = step["with"]["script"]
    assert script.strip() and "<!-- alchemesh:" in script and "plan.md" in script


def test_apply_workflow_never_runs_twice_at_once_and_keeps_logs(init_dir):
    doc = load(init_dir / ".github" / "workflows" / "alchemesh-apply.yml")
    on = triggers(doc)
    assert on["push"]["branches"] == ["main"] and "workflow_dispatch" in on
    assert doc["concurrency"]["group"] and doc["concurrency"]["cancel-in-progress"] is False
    upload = [s for s in steps_of(doc) if str(s.get("uses", "")).startswith("actions/upload-artifact@")]
    assert upload and upload[0]["if"] == "failure()" and upload[0]["with"]["path"] == ".alchemesh/logs"
    assert upload[0]["with"]["include-hidden-files"] is True
    # Products removed by the push are destroyed from the commit before it, before the apply.
    runs = [s for s in steps_of(doc) if "run" in s]
    destroy = next(i for i, s in enumerate(runs) if "alchemesh destroy" in s["run"])
    apply = next(i for i, s in enumerate(runs) if "alchemesh apply" in s["run"])
    assert destroy < apply and "--removed" in runs[destroy]["run"] and "--changed-since" in runs[destroy]["run"]
    assert '"$BEFORE"' in runs[destroy]["run"] and "push" in runs[destroy]["if"]
    (job,) = doc["jobs"].values()
    assert job["env"]["BEFORE"] == "${{ github.event.before }}"
    assert steps_of(doc)[0]["with"]["fetch-depth"] == 0


def test_drift_workflow_runs_nightly_and_files_issues(init_dir):
    doc = load(init_dir / ".github" / "workflows" / "alchemesh-drift.yml")
    on = triggers(doc)
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    assert [job["permissions"]["issues"] for job in doc["jobs"].values()] == ["write"]
    (step,) = github_scripts(doc)
    script = step["with"]["script"]
    assert script.strip() and "alchemesh drift:" in script and "drift.json" in script
    drift_run = next(s["run"] for s in steps_of(doc) if "alchemesh drift" in str(s.get("run", "")))
    assert "|| [ $? -eq 1 ]" in drift_run  # drift exits 1 on drift: keep going to file the issues
    after = steps_of(doc)[steps_of(doc).index(step) + 1:]
    assert any("drift.json" in str(s.get("run", "")) and ".summary.failed" in str(s.get("run", "")) for s in after)


# ---------------------------------------------------------------- the github-script steps, run under node

HARNESS = r"""
const fs = require('fs');
const [scriptFile, stateFile] = process.argv.slice(2);
const state = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
const calls = [];
const record = (name) => async (params) => { calls.push([name, params]); return { data: {} }; };
const list = (name, items) => async (params) => { calls.push([name, params]); return { data: items }; };
const github = {
  paginate: async (method, params) => (await method(params)).data,
  rest: { issues: {
    listComments: list('listComments', state.comments || []),
    listForRepo: list('listForRepo', state.issues || []),
    createComment: record('createComment'), updateComment: record('updateComment'),
    create: record('create'), update: record('update'),
  } },
};
const context = { repo: { owner: 'acme', repo: 'mesh' }, issue: { number: 7 },
                  serverUrl: 'https://github.example', runId: 42 };
const core = { setFailed: (message) => { throw new Error(message); } };
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor;
new AsyncFunction('github', 'context', 'core', 'require', fs.readFileSync(scriptFile, 'utf8'))(
  github, context, core, require,
).then(() => process.stdout.write(JSON.stringify(calls)), (e) => { console.error(e); process.exit(1); });
"""


def run_script(script: str, folder: Path, state: dict) -> list[list]:
    """The github-script body under node, in `folder`; returns the GitHub API calls it made."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `apt-get install nodejs` (.ci/run does)", pytrace=False)
    (folder / "harness.js").write_text(HARNESS)
    (folder / "script.js").write_text(script)
    (folder / "state.json").write_text(json.dumps(state))
    proc = subprocess.run([node, "harness.js", "script.js", "state.json"], cwd=folder, capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return [[name, params] for name, params in json.loads(proc.stdout) if not name.startswith("list")]


def the_script(init_dir: Path, workflow: str) -> str:
    (step,) = github_scripts(load(init_dir / ".github" / "workflows" / workflow))
    return step["with"]["script"]


def test_pr_comment_is_created_then_updated_in_place(init_dir, tmp_path):
    run = Run(Action.plan, "prod", (Outcome("sales/orders", Status.changes, Changes(add=2)),))
    body = runs.to_markdown(run, tmp_path)
    (tmp_path / "plan.md").write_text(body, encoding="utf-8")
    script = the_script(init_dir, "alchemesh-pr.yml")

    first = run_script(script, tmp_path, {"comments": [{"id": 1, "body": "LGTM"}]})
    assert first == [["createComment", {"owner": "acme", "repo": "mesh", "issue_number": 7, "body": body}]]

    comments = [{"id": 1, "body": "LGTM"}, {"id": 2, "body": "<!-- alchemesh:plan:dev -->\nold dev plan"},
                {"id": 3, "body": "<!-- alchemesh:plan:prod -->\nold prod plan"}, {"id": 4, "body": None}]
    again = run_script(script, tmp_path, {"comments": comments})
    assert again == [["updateComment", {"owner": "acme", "repo": "mesh", "comment_id": 3, "body": body}]]


def test_drift_issues_are_opened_updated_and_closed(init_dir, tmp_path):
    run = Run(Action.drift, "prod", (
        Outcome("sales/orders", Status.drifted, Changes(change=1)),  # new drift: an issue is opened
        Outcome("sales/customers", Status.drifted, Changes(add=1, destroy=2)),  # still drifted: updated
        Outcome("marketing/segments", Status.no_changes),  # drift gone: its issue is closed
        Outcome("marketing/customer-value", Status.failed, error="boom"),  # not checked: issue stays
    ))
    (tmp_path / "drift.json").write_bytes(runs.to_json(run, tmp_path))
    issues = [{"number": 5, "title": "alchemesh drift: prod sales/customers"},
              {"number": 6, "title": "alchemesh drift: prod marketing/segments"},
              {"number": 8, "title": "alchemesh drift: prod marketing/customer-value"},
              {"number": 9, "title": "alchemesh drift: dev marketing/segments"},
              {"number": 10, "title": "alchemesh drift: prod sales/orders", "pull_request": {}}]
    calls = run_script(the_script(init_dir, "alchemesh-drift.yml"), tmp_path, {"issues": issues})

    touched = [(name, params.get("issue_number"), params.get("title"), params.get("state")) for name, params in calls]
    assert touched == [
        ("create", None, "alchemesh drift: prod sales/orders", None),
        ("update", 5, None, None),
        ("createComment", 6, None, None),
        ("update", 6, None, "closed"),
    ]
    created, updated = calls[0][1], calls[1][1]
    assert created["labels"] == ["alchemesh-drift"] and "~1 to change" in created["body"]
    assert "+1 to add" in updated["body"] and "-2 to destroy" in updated["body"]
    assert "https://github.example/acme/mesh/actions/runs/42" in updated["body"]


def test_data_test_issues_are_opened_updated_and_closed(init_dir, tmp_path):
    """The nightly test workflow's script on a real `alchemesh test --format json` report."""
    from alchemesh.datatest.result import CheckResult, PortResult, TestRun
    from alchemesh.findings import DataImpact, Finding, Severity
    from alchemesh.report.tests import to_json

    def port(name: str, status: str, *checks) -> PortResult:
        findings = tuple(c.finding for c in checks if c.finding)
        return PortResult(name, f"urn:{name}", "contract.odcs.yaml", status, checks, findings, ("m/reader/in",))

    finding = Finding("data-quality", Severity.ERROR, "quality rule `rowCount` on `t`: measured 0, expected > 0",
                      "contract.odcs.yaml", 12, 9, data=DataImpact("urn:x", "s/orders/orders", "0", "> 0"))
    unreachable = Finding("data-unreachable", Severity.ERROR, "port `s/gone/gone`: no DuckDB file at x", "p.yaml",
                          3, 7, data=DataImpact("urn:x", "s/gone/gone"))
    run = TestRun("prod", (
        port("s/orders/orders", "failed", CheckResult("data-quality", "t: rowCount", "failed", "0", "> 0", finding)),
        port("s/stale/stale", "failed"),  # still failing: its issue is updated
        port("s/fixed/fixed", "passed", CheckResult("data-required", "t.a: required", "passed", "0", "= 0")),
        PortResult("s/gone/gone", "urn:g", "c.yaml", "unreachable", (), (unreachable,), ()),
    ), "2026-06-01T00:00:00Z", (("s/skipped/skipped", "not tested: s/skipped failed"),))
    (tmp_path / "test.json").write_text(to_json(run), encoding="utf-8")
    issues = [{"number": 5, "title": "alchemesh test: prod s/stale/stale"},
              {"number": 6, "title": "alchemesh test: prod s/fixed/fixed"},
              {"number": 8, "title": "alchemesh test: prod s/skipped/skipped"},  # not tested tonight: stays open
              {"number": 9, "title": "alchemesh test: dev s/fixed/fixed"}]
    calls = run_script(the_script(init_dir, "alchemesh-test.yml"), tmp_path, {"issues": issues})

    touched = [(name, params.get("issue_number"), params.get("title"), params.get("state")) for name, params in calls]
    assert touched == [
        ("create", None, "alchemesh test: prod s/orders/orders", None),
        ("update", 5, None, None),
        ("createComment", 6, None, None),
        ("update", 6, None, "closed"),
        ("create", None, "alchemesh test: prod s/gone/gone", None),
    ]
    created = calls[0][1]
    assert created["labels"] == ["alchemesh-test"]
    assert "`contract.odcs.yaml:12` quality rule `rowCount` on `t`: measured 0, expected > 0" in created["body"]
    assert "Consumers at risk: `m/reader/in`." in created["body"]
    assert "no DuckDB file at x" in calls[4][1]["body"]


# ---------------------------------------------------------------- what outside linters say

# The pinned commit of each action the workflows use, and the runtime it declares there (read from its action.yml
# at that tag): none on a Node.js GitHub has deprecated.
PINNED = {
    "actions/checkout": ("3d3c42e5aac5ba805825da76410c181273ba90b1", "v7.0.1"),
    "actions/setup-python": ("5fda3b95a4ea91299a34e894583c3862153e4b97", "v7.0.0"),
    "hashicorp/setup-terraform": ("dfe3c3f87815947d99a8997f908cb6525fc44e9e", "v4.0.1"),
    "actions/cache": ("27d5ce7f107fe9357f9df03efb73ab90386fccae", "v5.0.5"),
    "actions/github-script": ("ed597411d8f924073f98dfc5c65a23a2325f34cd", "v8.0.0"),
    "actions/upload-artifact": ("bbbca2ddaa5d8feaa63e36b76fdaad77386f024f", "v7.0.0"),
}
PACKAGED = REPO / "alchemesh" / "scaffold" / "workflows"


def _every_workflow(init_dir: Path) -> list[Path]:
    return [REPO / ".github" / "workflows" / n for n in REPO_WORKFLOWS] + \
        [init_dir / ".github" / "workflows" / n for n in INIT_WORKFLOWS]


def test_every_workflow_passes_check_jsonschemas_workflow_schema(init_dir: Path):
    workflows = [str(p) for p in _every_workflow(init_dir)]
    checked = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-workflows", *workflows],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    actions = [str(ACTION), str(init_dir / ".github" / "actions" / "alchemesh" / "action.yml")]
    checked = subprocess.run(["check-jsonschema", "--builtin-schema", "vendor.github-actions", *actions],
                             capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_zizmor_finds_nothing_in_what_init_writes_nor_in_this_repos_ci(init_dir: Path):
    for root in (init_dir, REPO):
        # medium and up: template injection, excessive permissions, persisted credentials, unpinned actions, …
        # (its `self-repository` help asks for a `$/` syntax GitHub's own workflow schema does not know yet)
        audited = subprocess.run(["zizmor", "--offline", "--format", "json", "--min-severity", "medium",
                                  str(root / ".github")], capture_output=True, text=True, cwd=root)
        assert audited.returncode in (0, 1, 10, 11, 12, 13, 14), audited.stderr  # 1x: findings, said below
        findings = json.loads(audited.stdout or "[]")
        assert [(f["ident"], f["locations"][0]["symbolic"]["key"]) for f in findings] == []


@pytest.mark.parametrize("workflow", WORKFLOW_IDS)
def test_every_job_is_bounded_scoped_and_leaves_no_token_behind(workflow: str, init_dir: Path):
    path = all_workflows(init_dir)[workflow]
    doc = load(path)
    assert doc.get("permissions") == {}, "the workflow grants nothing by default"
    for name, job in doc["jobs"].items():
        assert isinstance(job.get("timeout-minutes"), int), f"job {name}: no timeout-minutes"
        assert isinstance(job.get("permissions"), dict), f"job {name}: no permissions of its own"
        for step in job["steps"]:
            uses = str(step.get("uses", ""))
            if uses.startswith("actions/checkout@"):
                assert step.get("with", {}).get("persist-credentials") is False, f"job {name}: checkout keeps its token"
            assert "${{" not in str(step.get("run", "")), f"job {name}: an expression pasted into a script"
            action, _, ref = uses.partition("@")
            if action in PINNED:
                assert ref == PINNED[action][0], f"{uses}: not the pinned {PINNED[action][1]}"
    text = path.read_text(encoding="utf-8")
    for action, (sha, version) in PINNED.items():
        assert text.count(f"{action}@{sha}") == text.count(f"{action}@{sha}  # {version}"), "a pin without its tag"


def test_init_writes_the_packaged_workflow_files(init_dir: Path):
    for name in INIT_WORKFLOWS:
        assert (init_dir / ".github" / "workflows" / name).read_text() == (PACKAGED / name).read_text()
    written = (init_dir / ".github" / "actions" / "alchemesh" / "action.yml").read_text()
    assert written == (PACKAGED / "action.yml").read_text().replace("{version}", __version__)
