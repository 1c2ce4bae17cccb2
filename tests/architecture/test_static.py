"""The static checks CI runs, in the suite: ruff with the project's rule set, and mypy as configured in
pyproject.toml (strict on the core stages, default settings elsewhere)."""

from __future__ import annotations

import subprocess
import sys

from tests.testing import REPO


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "alchemesh", "tests",
                             "benchmarks", "docs/hooks.py"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_is_clean():
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
