"""What `init` copies ships in the wheel: the package-data globs cover every file of the bundled components,
and each glob matches something (a glob that matches nothing is a declaration that lies)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from tests.testing import REPO

PACKAGE = REPO / "alchemesh"


def test_the_package_data_covers_the_bundled_components_and_every_glob_matches():
    globs = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["alchemesh"]
    matched: dict[str, set[Path]] = {g: {p for p in PACKAGE.glob(g) if p.is_file()} for g in globs}
    assert all(matched.values()), [g for g, files in matched.items() if not files]
    families = [p for p in (PACKAGE / "components").iterdir() if p.is_dir() and p.name != "__pycache__"]
    assert {f.name for f in families} == {"local", "postgres", "dbt"}
    shipped = [*families, PACKAGE / "interop" / "odps_schemas", PACKAGE / "model" / "odcs_schemas"]
    bundled = {p for folder in shipped for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}
    assert bundled and bundled <= set().union(*matched.values()), sorted(bundled - set().union(*matched.values()))


def test_every_third_party_import_of_the_package_is_declared():
    """What deptry checks: a module the package imports comes from a distribution it declares (a dependency, or
    an extra for the drivers each engine needs), so that a clean install of the wheel has it."""
    import ast
    import sys
    from importlib.metadata import packages_distributions

    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    declared = {_name(d) for d in project["dependencies"]}
    declared |= {_name(d) for extra in project["optional-dependencies"].values() for d in extra}
    # the cloud engines' drivers are extras not installed here: their distributions named by hand
    owners = packages_distributions()
    for top, distribution in (("google", "google-cloud-bigquery"), ("snowflake", "snowflake-connector-python")):
        owners[top] = [*owners.get(top, []), distribution]
    imported: dict[str, str] = {}
    for path in PACKAGE.rglob("*.py"):
        if "components" in path.relative_to(PACKAGE).parts:
            continue  # the components' own scripts run under the interpreter Terraform is given
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                top = name.split(".")[0]
                if top != "alchemesh" and top not in sys.stdlib_module_names:
                    imported.setdefault(top, str(path.relative_to(REPO)))
    undeclared = {top: where for top, where in imported.items()
                  if not {_name(d) for d in owners.get(top, [top])} & declared}
    assert undeclared == {}


def _name(requirement: str) -> str:
    import re

    return re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_wheel_says_its_licence_and_where_the_project_lives():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    text = (REPO / "LICENSE").read_text()
    assert text.lstrip().startswith("Apache License") and "Version 2.0, January 2004" in text
    assert {"Homepage", "Source", "Issues", "Documentation"} <= set(project["urls"])
