"""`components check`: every module under a folder, against the interface of its component type."""

from __future__ import annotations

from pathlib import Path

from alchemesh.components.rules import GUARD, HCL, INTERFACE, LAYOUT, UNDOCUMENTED
from alchemesh.findings import Finding, Report
from alchemesh.load.modules import GUARD_OUTPUT, Module, guess_kind, read_module, unmatched
from alchemesh.model.interface import NULLABLE, OUTPUTS, VARIABLES
from alchemesh.repofiles import shown_path

_SKIPPED = {"examples", ".terraform", "tests"}
_FILES = ("main.tf", "variables.tf", "outputs.tf", "versions.tf", "README.md", "examples")


def check_tree(directories: list[Path], kind: str | None) -> Report:
    base = Path.cwd()
    findings: list[Finding] = []
    modules = sorted({m for directory in directories for m in module_dirs(directory)})
    for module_dir in modules:
        module = read_module(module_dir)
        module_kind = kind or guess_kind(module)
        if module_kind is None:
            findings.append(INTERFACE.at("cannot tell the component type from the variables: pass --type",
                                         shown_path(module_dir / "variables.tf", base)))
            continue
        findings.extend(check_interface(module, module_kind, base))
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), len(modules))


def check_interface(module: Module, kind: str, root: Path) -> list[Finding]:
    """Findings for a module that does not meet the interface of its component type."""
    where = module.directory

    def at(rule, message: str, file: str, line: int = 1) -> Finding:
        return rule.at(message, shown_path(where / file, root), line)

    out = [at(LAYOUT, f"module has no `{name}`", name) for name in _FILES if not (where / name).exists()]
    out += [at(HCL, message, file, line) for file, line, message in module.problems]
    for name, expected in VARIABLES[kind].items():
        variable = module.variables.get(name)
        if variable is None:
            out.append(at(INTERFACE, f"missing interface variable `{name}` ({expected}) of a {kind} component",
                          "variables.tf"))
        elif variable.type != expected:
            out.append(at(INTERFACE, f"variable `{name}` has type {variable.type or 'none'}, the {kind} interface "
                          f"says {expected}", variable.file, variable.line))
        elif name in NULLABLE and not variable.has_default:
            out.append(at(INTERFACE, f"variable `{name}` needs `default = null`: alchemesh leaves it unset where "
                          "it does not apply", variable.file, variable.line))
    out += [at(INTERFACE, f"missing output `{name}` of a {kind} component", "outputs.tf")
            for name in OUTPUTS[kind] if name not in module.outputs]
    guard_file, guard_line = module.outputs.get(GUARD_OUTPUT, ("outputs.tf", 1))
    if module.guard_problem:
        out.append(at(GUARD, module.guard_problem, guard_file, guard_line))
    out += [at(GUARD, f"`{GUARD_OUTPUT}.{role}` names `{pattern}`, which matches no resource of the module",
               guard_file, guard_line) for role, pattern in unmatched(module)]
    for variable in module.variables.values():
        if not variable.description or variable.type is None:
            missing = " and ".join(x for x, ok in (("type", variable.type), ("description", variable.description))
                                   if not ok)
            out.append(at(UNDOCUMENTED, f"variable `{variable.name}` has no {missing}", variable.file, variable.line))
    return out


def module_dirs(directory: Path) -> list[Path]:
    """Folders holding `.tf` files, outside example and cache folders."""
    found = {p.parent for p in directory.rglob("*.tf") if not _SKIPPED.intersection(p.relative_to(directory).parts[:-1])}
    return sorted(found)
