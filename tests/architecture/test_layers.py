"""The pipeline is the layout: no module of a lower stage imports a higher one (checked on the source with
`ast`, lazy imports inside functions included)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "alchemesh"

# Lowest first. A module belongs to the first stage that names its top-level module or package.
STAGES = [
    ("foundation", ["__init__", "errors", "findings", "hints", "workspace", "repofiles", "gitrepo", "model"]),
    ("load", ["load"]),
    ("resolve", ["resolve"]),
    ("validate", ["validate"]),
    ("contracts", ["contracts"]),
    ("compile", ["compile"]),
    ("run and render", ["terraform", "docs", "report", "components", "scaffold", "all_rules"]),
    ("cli", ["cli", "__main__"]),
]
LEVEL = {name: level for level, (_, names) in enumerate(STAGES) for name in names}


def _stage(module: str) -> int:
    top = module.split(".")[1] if module.count(".") else "__init__"
    assert top in LEVEL, f"alchemesh.{top} is in no stage: add it to STAGES"
    return LEVEL[top]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" and len(parts) > 1 else parts)


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


def test_no_stage_imports_a_higher_one():
    upward = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        level = _stage(module)
        for imported in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if imported != "alchemesh" and _stage(imported) > level:
                upward.append(f"{module} ({STAGES[level][0]}) imports {imported} ({STAGES[_stage(imported)][0]})")
    assert not upward, "\n".join(upward)
