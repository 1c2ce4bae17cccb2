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
