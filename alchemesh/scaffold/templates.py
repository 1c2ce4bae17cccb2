"""The text of every scaffolded file: package files (`files/`, `workflows/`), plain templates that keep comments
and layout as a person would write them. `str.format` fills them: a literal brace is written twice."""

from __future__ import annotations

from importlib import resources


def _file(name: str) -> str:
    """A template of `files/` (`.tmpl`: no tool takes it for the YAML, SQL or CSV it becomes)."""
    return (resources.files("alchemesh.scaffold") / "files" / name).read_text(encoding="utf-8")


# `init` copies the local components that ship with alchemesh into the new mesh: it runs offline, and the team
# owns (and may change) its platform. Point a component at a git ref or a registry later by its `source`.
SOURCE = "./components/local/{module}"

MESH = _file("alchemesh.yaml.tmpl")

TEAM = _file("team.yaml.tmpl")

DOMAIN = _file("domain.yaml.tmpl")

PRODUCT_HEAD = _file("product-head.yaml.tmpl")

INPUT_PORT = _file("input-port.yaml.tmpl")

OUTPUT_PORT = _file("output-port.yaml.tmpl")

CODE = _file("code.yaml.tmpl")

CODE_SQL = _file("code-sql.yaml.tmpl")

SQL = _file("transform.sql.tmpl")

SAMPLE_DATA = _file("sample.csv.tmpl")

CONTRACT = _file("contract.odcs.yaml.tmpl")

PRE_COMMIT = _file("pre-commit-config.yaml.tmpl")

# The composite action the workflows install alchemesh with, and the GitHub Actions workflows: files of the package
# (`workflows/`), so that the repository's CI lints them as the YAML they are. `{version}` is the one placeholder.
def workflow_files() -> dict[str, str]:
    """`.github/…` path in a new mesh → the file's text, `{version}` not yet replaced."""
    folder = resources.files("alchemesh.scaffold") / "workflows"
    files = {".github/actions/alchemesh/action.yml": (folder / "action.yml").read_text(encoding="utf-8")}
    for name in WORKFLOWS:
        files[f".github/workflows/{name}"] = (folder / name).read_text(encoding="utf-8")
    return files


WORKFLOWS = ("alchemesh-pr.yml", "alchemesh-apply.yml", "alchemesh-drift.yml", "alchemesh-test.yml")

GITIGNORE = _file("gitignore.tmpl")
