"""The pipeline is the layout: no module of a lower stage imports a higher one (checked on the source with
`ast`, lazy imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "alchemesh"

# Lowest first. A module belongs to the first stage that names its top-level module or package.
STAGES = [
    ("foundation", ["__init__", "errors", "findings", "hints", "workspace", "repofiles", "gitrepo", "clock", "model"]),
    ("load", ["load"]),
    ("resolve", ["resolve"]),
    ("validate", ["validate"]),
    ("contracts", ["contracts"]),
    ("compile", ["compile"]),
    # what runs and renders: each its own level, so that an import back up between any two of them is seen
    ("components", ["components"]),
    ("datatest", ["datatest"]),
    ("terraform", ["terraform"]),
    ("rule registry", ["all_rules"]),
    ("scaffold", ["scaffold"]),
    ("interop", ["interop"]),
    ("report", ["report"]),
    ("docs", ["docs"]),
    ("composition", ["pipeline"]),
    ("cli", ["cli", "__main__"]),
]
LEVEL = {name: level for level, (_, names) in enumerate(STAGES) for name in names}


def _stage(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else "__init__"
    assert top in LEVEL, f"alchemesh.{top} is in no stage: add it to STAGES"
    return LEVEL[top]


def _imports(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("alchemesh")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("alchemesh") and not node.level:
            found.add(node.module)
            found |= {f"alchemesh.{alias.name}" for alias in node.names if node.module == "alchemesh"
                      and ((PACKAGE / f"{alias.name}.py").is_file() or (PACKAGE / alias.name).is_dir())}
    return found


def _upward(package: Path) -> list[str]:
    upward = []
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)
        level = _stage(module)
        for imported in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if imported != "alchemesh" and _stage(imported) > level:
                upward.append(f"{module} ({STAGES[level][0]}) imports {imported} ({STAGES[_stage(imported)][0]})")
    return upward


def test_no_stage_imports_a_higher_one():
    upward = _upward(PACKAGE)
    assert not upward, "\n".join(upward)


def test_an_import_back_up_between_two_run_stages_is_seen(tmp_path: Path):
    package = tmp_path / "alchemesh"
    for rel, text in {"datatest/history.py": "def f():\n    from alchemesh.report.tests import x\n",
                      "report/tests.py": "from alchemesh.datatest.result import y\n",
                      "terraform/runner.py": "import alchemesh.docs.site\n"}.items():
        (package / rel).parent.mkdir(parents=True, exist_ok=True)
        (package / rel).write_text(text)
    assert _upward(package) == ["alchemesh.datatest.history (datatest) imports alchemesh.report.tests (report)",
                                "alchemesh.terraform.runner (terraform) imports alchemesh.docs.site (docs)"]


def _owners() -> dict[str, Path]:
    """Each rule name → the one module that may spell it: its rule module, or its family's table."""
    from alchemesh.all_rules import every_rule
    from alchemesh.components.rules import RULES as component_rules
    from alchemesh.contracts.rules import contract_rules
    from alchemesh.datatest.rules import RULES as data_rules
    from alchemesh.terraform.guard import RULES as guard_rules
    from alchemesh.validate.rules import registry

    owners = {name: PACKAGE / "validate" / "rules" / f"{name.replace('-', '_')}.py" for name in registry()}
    owners |= dict.fromkeys(contract_rules(), PACKAGE / "contracts" / "changes.py")
    owners |= {rule.name: PACKAGE / "components" / "rules.py" for rule in component_rules}
    owners |= {rule.name: PACKAGE / "datatest" / "rules.py" for rule in data_rules}
    owners |= {rule.name: PACKAGE / "terraform" / "guard.py" for rule in guard_rules}
    assert owners.keys() == every_rule().keys()
    assert all(path.is_file() for path in owners.values()), owners
    return owners


def _rule_uses(tree: ast.AST, names: set[str]) -> list[tuple[int, str]]:
    """String constants naming a rule. Hyphenated names cannot be anything else; one-word names (`schema`,
    `policy`) are ODCS keys and field names too, so those count only as a finding's rule or compared to one."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "-" in node.value and node.value in names:
            found.append((node.lineno, node.value))
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("Finding", "Rule") and node.args:
            first = node.args[0]
            if isinstance(first, ast.Constant) and first.value in names and "-" not in first.value:
                found.append((first.lineno, first.value))
        elif isinstance(node, ast.Compare) and any(getattr(side, "attr", None) == "rule"
                                                   for side in (node.left, *node.comparators)):
            found += [(side.lineno, side.value) for side in (node.left, *node.comparators)
                      if isinstance(side, ast.Constant) and side.value in names and "-" not in side.value]
    return found


def test_no_rule_name_is_spelled_outside_its_rule_module_and_the_registry():
    owners = _owners()
    registry = PACKAGE / "validate" / "rules" / "__init__.py"
    spelled = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path == registry:
            continue
        for line, name in _rule_uses(ast.parse(path.read_text(encoding="utf-8")), set(owners)):
            if owners[name] != path:
                spelled.append(f"{path.relative_to(PACKAGE.parent)}:{line}: `{name}` (owned by "
                               f"{owners[name].relative_to(PACKAGE.parent)})")
    assert not spelled, "\n".join(spelled)


def test_the_rule_name_check_sees_a_spelled_name():
    tree = ast.parse('Finding("schema", sev, "m", "f")\nif f.rule == "policy": pass\nx = "dependency-cycle"\n')
    assert _rule_uses(tree, {"schema", "policy", "dependency-cycle"}) == [(1, "schema"), (2, "policy"),
                                                                          (3, "dependency-cycle")]


# What a command may reach besides its own package: the composition, the reporters and the foundation.
_CLI_MAY_IMPORT = {"pipeline", "report", *STAGES[0][1], "cli"}


def _stages_reached(path: Path) -> set[str]:
    return {name.split(".")[1] for name in _imports(ast.parse(path.read_text(encoding="utf-8")))
            if name.count(".")} - _CLI_MAY_IMPORT


def test_no_command_holds_orchestration():
    """Every command: options in, one Pipeline call (or one of `pipeline.tools` where there is no mesh), a report
    out; no stage reached past them."""
    reached = {path.name: _stages_reached(path) for path in sorted((PACKAGE / "cli").glob("*.py"))}
    assert {name: stages for name, stages in reached.items() if stages} == {}
    assert len((PACKAGE / "cli" / "run.py").read_text(encoding="utf-8").splitlines()) < 150


def test_a_command_reaching_past_the_pipeline_is_seen(tmp_path: Path):
    command = tmp_path / "run.py"
    command.write_text("def f():\n    from alchemesh.terraform.runner import run\n    from alchemesh.report import runs\n")
    assert _stages_reached(command) == {"terraform"}
