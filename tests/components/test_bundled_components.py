"""Every platform component shipped in components/ meets the interface of its type."""

from __future__ import annotations

import pytest

from tests.testing import REPO, run_cli

FAMILIES = sorted(p.name for p in (REPO / "components").iterdir() if p.is_dir())


@pytest.mark.parametrize("family", FAMILIES)
def test_family_passes_components_check(family: str):
    result = run_cli("components", "check", f"components/{family}", "--fail-on", "warning", "--format", "json", cwd=REPO)
    assert result.code == 0, result.out
    assert result.json()["summary"]["files"] >= 3  # modules checked


def test_the_cloud_families_are_there():
    assert {"gcp", "aws"} <= set(FAMILIES)


def test_every_bundled_components_readme_names_each_of_its_variables():
    import re

    from tests.testing import REPO

    missing = {}
    for variables in sorted((REPO / "alchemesh" / "components").glob("*/*/variables.tf")):
        readme = (variables.parent / "README.md").read_text(encoding="utf-8")
        names = re.findall(r'^variable "([^"]+)"', variables.read_text(encoding="utf-8"), re.MULTILINE)
        absent = [n for n in names if f"`{n}`" not in readme]
        if absent:
            missing[variables.parent.relative_to(REPO).as_posix()] = absent
    assert missing == {}
