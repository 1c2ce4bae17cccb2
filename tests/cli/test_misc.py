"""Start-up cost, version, the rules catalogue and the pre-commit hook definition."""

from __future__ import annotations

import subprocess
import sys

import yaml

from alchemesh.contracts.rules import contract_rules
from alchemesh.validate.rules import registry
from tests.testing import REPO, assert_no_traceback, run_cli

HEAVY = ("jsonschema", "hcl2", "pydantic", "yaml", "git", "rich", "jinja2", "playwright", "duckdb")


def test_help_and_version_do_not_import_heavy_modules():
    probe = (
        "import sys\n"
        "from alchemesh.cli.main import main\n"
        f"sys.argv = ['alchemesh', sys.argv[1]]\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        f"print('LOADED:' + ','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    for flag in ("--version", "--help"):
        out = subprocess.run([sys.executable, "-c", probe, flag], capture_output=True, text=True, check=True).stdout
        loaded = out.rsplit("LOADED:", 1)[1].strip()
        assert loaded in ("", "rich"), f"{flag} imported {loaded}"


def test_version():
    import importlib.metadata

    from alchemesh import __version__

    result = run_cli("--version")
    assert result.code == 0
    assert result.out.split()[:2] == ["alchemesh", importlib.metadata.version("alchemesh")]
    assert __version__ == importlib.metadata.version("alchemesh")


def test_rules_lists_every_rule_with_its_default_severity():
    out = run_cli("rules").out
    for rule in [*registry().values(), *contract_rules().values()]:
        assert f"{rule.name} ({rule.severity.value})" in out


def test_rules_explains_one_rule():
    out = run_cli("rules", "unresolved-reference").out
    assert "Why" in out and "Example" in out and "Fix" in out and "domain: sale" in out


def test_rules_json_and_unknown_rule():
    body = run_cli("rules", "--json").json()
    components = ["component-layout", "component-hcl", "component-interface", "component-undocumented"]
    assert [r["name"] for r in body] == [*registry(), *contract_rules(), *components]
    unknown = run_cli("rules", "unresolved-refrence")
    assert unknown.code == 2 and "did you mean `unresolved-reference`?" in unknown.err
    assert_no_traceback(unknown)


def test_pre_commit_hook_checks_the_whole_repo():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "alchemesh-validate"
    assert hook["pass_filenames"] is False
    assert hook["entry"].split()[:2] == ["alchemesh", "validate"]
