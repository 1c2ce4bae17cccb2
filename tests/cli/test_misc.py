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
        assert f"{rule.name} ({rule.modes or rule.severity.value})" in out


def test_rules_explains_one_rule():
    out = run_cli("rules", "unresolved-reference").out
    assert "Why" in out and "Example" in out and "Fix" in out and "domain: sale" in out


def test_rules_json_and_unknown_rule():
    body = run_cli("rules", "--json").json()
    components = ["component-layout", "component-hcl", "component-interface", "component-undocumented",
                  "component-guard"]
    data = ["data-unreachable", "data-object-missing", "data-property-missing", "data-type-mismatch", "data-required",
            "data-unique", "data-quality", "data-freshness"]
    guard = ["port-data-destroyed", "access-revoked", "port-schema-changed"]
    assert [r["name"] for r in body] == [*registry(), *contract_rules(), *components, *data, *guard]
    unknown = run_cli("rules", "unresolved-refrence")
    assert unknown.code == 2 and "did you mean `unresolved-reference`?" in unknown.err
    assert_no_traceback(unknown)


def test_pre_commit_hook_checks_the_whole_repo():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "alchemesh-validate"
    assert hook["pass_filenames"] is False
    assert hook["entry"].split()[:2] == ["alchemesh", "validate"]


def test_the_top_level_help_lists_the_commands_in_pipeline_order():
    out = run_cli("--help").out
    listed = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.startswith("  ")]
    assert listed == ["init", "new", "validate", "graph", "usage", "contracts", "access", "codeowners", "compile",
                      "plan", "apply", "destroy", "drift", "test", "docs", "import", "export", "rules", "components",
                      "schema"]


def _leaves(path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    """Every command path, from the help pages themselves."""
    out = run_cli(*path, "--help").out
    if "Commands:" not in out:
        return [path]
    names = [line.split()[0] for line in out.split("Commands:")[1].splitlines() if line.startswith("  ")]
    return [leaf for name in names for leaf in _leaves((*path, name))]


def test_every_command_shows_an_example_and_describes_its_path():
    leaves = _leaves()
    assert len(leaves) >= 17
    for path in leaves:
        out = run_cli(*path, "--help").out
        assert f"Example:\n    alchemesh {' '.join(path)}" in out, path
        if "  [PATH]" in out:
            assert "the mesh is the nearest folder at or above it holding alchemesh.yaml" in " ".join(out.split()), path


def test_debug_is_accepted_after_the_command_too(quickstart):
    assert run_cli("validate", str(quickstart), "--debug").code == 0


def test_rules_take_format_json_like_every_other_command():
    assert run_cli("rules", "--format", "json").json() == run_cli("rules", "--json").json()
    field_removed = next(r for r in run_cli("rules", "--format", "json").json() if r["name"] == "enum-value-added")
    assert field_removed["modes"] == "by mode: consumer breaking, producer compatible"
    assert "enum-value-added (by mode: consumer breaking, producer compatible)" in run_cli("rules").out


def test_a_wrong_name_gets_the_closest_other_one(quickstart):
    assert "did you mean `orders`?" in run_cli("graph", "--focus", "order", str(quickstart)).err
    assert "did you mean `sales/orders`?" in run_cli("plan", "--product", "sales/order", cwd=quickstart).err
    assert "did you mean `sales`?" in run_cli("plan", "--domain", "sale", cwd=quickstart).err
    from alchemesh.hints import did_you_mean

    assert did_you_mean("orders", ["orders", "order"]) == "did you mean `order`?"  # never the word itself
    assert did_you_mean("orders", ["orders"]) is None


def _validate_in_a_fresh_interpreter(mesh, *, terminal: bool = False) -> tuple[int, bytes, str]:
    """`alchemesh validate` run as the console script runs it: exit code, stdout's bytes, the heavy modules it
    imported. With `terminal`, stdout is a pseudo-terminal (pre-commit runs hooks in one when it shows colours)."""
    import os
    import pty

    probe = (
        "import sys\n"
        "from alchemesh.cli.main import main\n"
        "sys.argv = ['alchemesh', 'validate']\n"
        "try:\n    main()\nexcept SystemExit as exit:\n    code = exit.code\n"
        "sys.stdout.flush()\n"
        f"sys.stderr.write('LOADED:' + ','.join(m for m in {HEAVY + ('typer', 'click')!r} if m in sys.modules)"
        " + f' CODE:{code}')\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "NO_COLOR", "COLUMNS", "TERM")}
    env["TERM"] = "xterm"
    if not terminal:
        done = subprocess.run([sys.executable, "-c", probe], cwd=mesh, capture_output=True, env=env)
        out, err = done.stdout, done.stderr.decode()
    else:
        primary, secondary = pty.openpty()
        done = subprocess.run([sys.executable, "-c", probe], cwd=mesh, stdout=secondary, stderr=subprocess.PIPE,
                              env=env)
        os.close(secondary)
        out = b""
        while True:
            try:
                chunk = os.read(primary, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(primary)
        err = done.stderr.decode()
    loaded, code = err.rsplit("LOADED:", 1)[1].split(" CODE:")
    return int(code), out, loaded


def test_a_validate_with_nothing_changed_answers_before_the_cli_is_imported(quickstart):
    """Pre-commit's common case costs about two interpreter start-ups: from the report cache, without typer,
    rich or the models, and in the very bytes the full command prints, on a pipe and on a terminal."""
    import shutil

    for terminal in (False, True):
        shutil.rmtree(quickstart / ".alchemesh", ignore_errors=True)
        full = _validate_in_a_fresh_interpreter(quickstart, terminal=terminal)
        fast = _validate_in_a_fresh_interpreter(quickstart, terminal=terminal)
        assert full[0] == fast[0] == 0 and full[1] == fast[1], (full, fast)
        assert "pydantic" in full[2] and "typer" not in full[2] and "rich" not in full[2], full  # validated here
        assert fast[2] == "", fast  # from the report cache alone
        assert (b"\x1b[32m" in fast[1]) is terminal and b"no findings in 13 files" in fast[1]


def test_a_finding_or_an_option_takes_the_full_command(quickstart):
    assert _validate_in_a_fresh_interpreter(quickstart)[0] == 0
    (quickstart / "domains/sales/orders/product.yaml").write_text("a: [\n", encoding="utf-8")
    for _ in range(2):  # validated, then from the cache the first run wrote: printed whole by the full command
        code, out, loaded = _validate_in_a_fresh_interpreter(quickstart)
        assert code == 1 and b"domains/sales/orders/product.yaml:2:1 yaml-syntax" in out and "typer" in loaded, out
    result = run_cli("validate", "--format", "json", cwd=quickstart)
    assert result.code == 1 and "yaml-syntax" in {f["rule"] for f in result.json()["findings"]}


def test_a_mistyped_command_is_suggested_once():
    for typed, meant in (("validte", "validate"), ("contracts chek", "check")):
        result = run_cli(*typed.split())
        assert result.code == 2 and result.err.count(f"Did you mean '{meant}'?") == 1, result.err


def test_every_rule_summary_is_a_whole_sentence():
    import json

    from tests.testing import invoke

    rules = json.loads(invoke("rules", "--format", "json").out)
    cut = [r["name"] for r in rules if not r["summary"].rstrip().endswith((".", ".)", "?"))]
    assert cut == []
    listed = invoke("rules").out
    assert all(r["summary"] in listed for r in rules)  # the list prints each summary whole


def test_test_help_lists_no_option_about_state_locks_or_backend_changes_yet_accepts_them(quickstart):
    from tests.testing import invoke

    shown = invoke("test", "--help").out
    assert "--timeout" in shown and "--fail-on" in shown
    assert not [o for o in ("--lock-timeout", "--reconfigure", "--migrate-state") if o in shown]
    # SPEC §4: every run command takes them; a data test passes them on to nothing that would use them
    accepted = invoke("test", "--lock-timeout", "5s", "--format", "json", "--domain", "nowhere", str(quickstart))
    assert "no such option" not in accepted.err
