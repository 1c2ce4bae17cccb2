"""A port, code or infrastructure entry does not fit its component's Terraform module: a `config` key it
does not declare, a variable it requires that `config` does not set, an input port whose source the
module cannot read, or a file-valued `config` (a variable named `*_file`, such as `sql_file`) naming a file
that is not there.

Why:
    `config` becomes module variables: a key the module does not declare fails `terraform plan`,
    and a variable the module requires without a default fails it too — far from the spec that
    caused it. An input port reading a system through a module that attaches a producer's output
    port (or the reverse) fails at apply with a message about the wrong thing; a missing `sql_file` fails
    at apply, after the stack's other resources were made. Checked for components
    with a local `source`, read with python-hcl2 (cached). For every component, a key must be a
    Terraform variable name that is neither a module meta-argument (`count`, `lifecycle`,
    `providers`, …) nor a variable alchemesh passes itself (`domain`, `labels`, …).

Example:
    outputPorts:
      - name: orders
        component: local-duckdb
        config: {retention: 30}      # the module declares `retention_days`
    code:
      - name: build
        component: local-sql
        config: {sql_file: transform/ordres.sql}   # no such file beside the product

Fix:
    Use the variable names of the module (its README lists them), and set every variable it requires;
    give an input port a component that reads its kind of source; point a `*_file` at a file that exists,
    relative to the product's folder (or to the folder its `*_dir` sibling names).
"""

from collections.abc import Iterator
from typing import Any

from alchemesh.model.interface import config_key_problem
from alchemesh.findings import Finding, Severity
from alchemesh.hints import did_you_mean
from alchemesh.load.modules import config_problems, read_module, source_kinds
from alchemesh.model.interface import is_local_source
from alchemesh.resolve.files import entry_config as _config
from alchemesh.resolve.files import named_files
from alchemesh.validate.rules.base import Context, Rule
from alchemesh.workspace import MODULE_CACHE_DIR

def check(ctx: Context) -> Iterator[Finding]:
    yield from _config_fit(ctx)
    for use, key, file in named_files(ctx.index):
        if not (ctx.index.repo.root / file).is_file():
            value = _config(use.entry.resource, use.path)[key]
            yield ctx.finding(RULE, use.entry.doc, (*use.path[:-1], "config", key),
                              f"`{key}`: no file {value} (at {file}); `{use.component}` reads it when the stack applies",
                              hint="point it at the file, relative to the product's folder")


def _config_fit(ctx: Context) -> Iterator[Finding]:
    index = ctx.index
    root = index.repo.root
    cache = root / MODULE_CACHE_DIR if ctx.use_cache else None
    modules = {}  # component name → its module, or None when its source is not a local folder
    for use in index.component_uses:
        component = index.components.get(use.component)
        if component is None or component.type != use.expected_type:
            continue
        config = _config(use.entry.resource, use.path)
        entry_path = use.path[:-1]
        refused = {key: problem for key in config if (problem := config_key_problem(use.expected_type, key))}
        for key, problem in refused.items():
            yield ctx.finding(RULE, use.entry.doc, (*entry_path, "config", key), problem, key=True,
                              hint="rename it to a variable of the module, or drop it")
        if use.component not in modules:
            directory = root / component.source
            local = is_local_source(component.source) and directory.is_dir()
            modules[use.component] = read_module(directory, cache) if local else None
        module = modules[use.component]
        if module is None:
            continue
        if use.expected_type == "input-port":
            yield from _source_fit(ctx, use, module)
        for variable, said in config_problems(module, use.expected_type, config):
            if variable in refused:
                continue
            if variable is None:
                yield ctx.finding(RULE, use.entry.doc, use.path, said)
            else:
                hint = did_you_mean(variable, module.variables)
                yield ctx.finding(RULE, use.entry.doc, (*entry_path, "config", variable), said, key=True, hint=hint)


_SOURCE_WORDS = {"system": "a system's data (`source: {system: …}`)",
                 "outputPort": "another product's output port (`source: {outputPort: …}`)"}


def _source_fit(ctx: Context, use: Any, module: Any) -> Iterator[Finding]:
    kinds = source_kinds(module)
    _, field, i, _ = use.path
    port = getattr(use.entry.resource.spec, field)[i]
    kind = "system" if port.source.system is not None else "outputPort"
    if kinds and kind not in kinds:
        (reads,) = kinds if len(kinds) == 1 else (sorted(kinds)[0],)
        yield ctx.finding(RULE, use.entry.doc, (*use.path[:-1], "source", kind), key=True,
                          message=f"`{use.component}` ({module.directory.name}) reads {_SOURCE_WORDS[reads]}, "
                                  f"but this port's source is {_SOURCE_WORDS[kind].split(' (')[0]}",
                          hint="give the port a component that reads this kind of source")


RULE = Rule("component-config", Severity.ERROR, __doc__, check)
