"""`alchemesh components check` through the real CLI, on a good module and on broken copies of it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.testing import assert_no_traceback, edit, run_cli

GOOD = Path(__file__).parent / "fixtures" / "output-port"


@pytest.fixture
def module(tmp_path: Path) -> Path:
    target = tmp_path / "output-port"
    shutil.copytree(GOOD, target)
    return target


def findings(module: Path, *args: str) -> list[tuple[str, str, int]]:
    result = run_cli("components", "check", str(module), "--format", "json", *args, cwd=module.parent)
    assert_no_traceback(result)
    return [(f["rule"], f["message"], f["line"]) for f in result.json()["findings"]]


def test_a_module_that_meets_its_interface_passes(module: Path):
    result = run_cli("components", "check", str(module), cwd=module.parent)
    assert result.code == 0, result.out
    assert findings(module) == []


def test_missing_interface_variable(module: Path):
    edit(module, "variables.tf", ('variable "consumers" {\n  type        = list(string)\n'
                                  '  description = "Products reading the port."\n}\n', ""))
    assert findings(module) == [("component-interface",
                                 "missing interface variable `consumers` (list(string)) of a output-port component", 1)]


def test_mistyped_interface_variable(module: Path):
    edit(module, "variables.tf", ("  type        = list(string)\n", "  type        = string\n"))
    (rule, message, line), = findings(module, "--type", "output-port")
    assert rule == "component-interface" and "`consumers` has type string" in message and line == 52


def test_undocumented_variable_is_a_warning(module: Path):
    edit(module, "variables.tf", ('  description = "Where the data lives."\n', ""))
    result = run_cli("components", "check", str(module), "--format", "json", cwd=module.parent)
    assert result.code == 0
    (finding,) = result.json()["findings"]
    assert finding["rule"] == "component-undocumented" and finding["severity"] == "warning"
    assert finding["file"] == "output-port/variables.tf" and finding["line"] == 62
    assert run_cli("components", "check", str(module), "--fail-on", "warning", cwd=module.parent).code == 1


def test_missing_output_and_layout(module: Path):
    (module / "outputs.tf").write_text("")
    (module / "README.md").unlink()
    assert findings(module) == [
        ("component-layout", "module has no `README.md`", 1),
        ("component-interface", "missing output `location` of a output-port component", 1),
    ]


def test_nullable_variable_needs_a_null_default(module: Path):
    edit(module, "variables.tf", ("  type        = any\n  default     = null\n", "  type        = any\n"))
    (rule, message, _), = findings(module, "--type", "output-port")
    assert "`contract` needs `default = null`" in message


def test_unparsable_hcl_is_a_finding(module: Path):
    (module / "main.tf").write_text('resource "null_resource" "x" {\n  triggers = {\n')
    rules = [rule for rule, _, _ in findings(module)]
    assert rules == ["component-hcl"]


def test_unknown_type_asks_for_type(module: Path, tmp_path: Path):
    (module / "variables.tf").write_text('variable "x" {\n  type = string\n  description = "x"\n}\n')
    (rule, message, _), = findings(module)
    assert "pass --type" in message


def test_missing_directory_is_a_usage_error(tmp_path: Path):
    result = run_cli("components", "check", str(tmp_path / "nope"))
    assert result.code == 2 and "no such directory" in result.err


def test_a_folder_without_modules_says_what_to_pass_instead_of_ok(tmp_path: Path, module: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run_cli("components", "check", cwd=empty)
    assert result.code == 2 and "no Terraform module" in result.err and "components check components/local" in result.err
    assert_no_traceback(result)
    here = run_cli("components", "check", "--format", "json", cwd=module)  # no argument: the current folder
    assert here.code == 0 and here.json()["summary"]["files"] == 1, here.out + here.err


@pytest.mark.parametrize(("value", "said"), [
    ('{ data = ["null_resource.databse"] }', "`alchemesh_guard.data` names `null_resource.databse`, which matches no "
                                             "resource of the module"),
    ('{ grants = ["module.gone.x.y"] }', "`alchemesh_guard.grants` names `module.gone.x.y`, which matches no resource"),
    ('{ data = ["${null_resource.port.id}"] }', "`alchemesh_guard.data` must be a list of literal address patterns"),
    ('{ tables = ["null_resource.port"] }', "`alchemesh_guard` has `tables`: it takes data and grants"),
    ('"null_resource.port"', "`alchemesh_guard` must be a literal map"),
])
def test_a_guard_declaration_that_guards_nothing_is_a_finding(module: Path, value: str, said: str):
    with (module / "outputs.tf").open("a") as outputs:
        outputs.write(f'\noutput "alchemesh_guard" {{\n  description = "For the plan guard."\n  value = {value}\n}}\n')
    (rule, message, line), = findings(module)
    assert rule == "component-guard" and said in message and line > 1


def test_a_guard_declaration_of_the_modules_resources_passes(module: Path):
    with (module / "outputs.tf").open("a") as outputs:
        outputs.write('\noutput "alchemesh_guard" {\n  description = "For the plan guard."\n'
                      '  value = { data = ["null_resource.*"], grants = ["null_resource.port"] }\n}\n')
    assert findings(module) == []
