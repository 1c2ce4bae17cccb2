"""`components check`: every module under a folder, against the interface of its component type."""

from __future__ import annotations

from pathlib import Path

from alchemesh.repofiles import shown_path
from alchemesh.findings import Finding, Report, Severity
from alchemesh.load.modules import check_interface, guess_kind, read_module

_SKIPPED = {"examples", ".terraform", "tests"}


def check_tree(directories: list[Path], kind: str | None) -> Report:
    base = Path.cwd()
    findings: list[Finding] = []
    modules = sorted({m for directory in directories for m in module_dirs(directory)})
    for module_dir in modules:
        module = read_module(module_dir)
        module_kind = kind or guess_kind(module)
        if module_kind is None:
            findings.append(Finding("component-interface", Severity.ERROR,
                                    "cannot tell the component type from the variables: pass --type",
                                    shown_path(module_dir / "variables.tf", base), 1, 1))
            continue
        findings.extend(check_interface(module, module_kind, base))
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), len(modules))


def module_dirs(directory: Path) -> list[Path]:
    """Folders holding `.tf` files, outside example and cache folders."""
    found = {p.parent for p in directory.rglob("*.tf") if not _SKIPPED.intersection(p.relative_to(directory).parts[:-1])}
    return sorted(found)


