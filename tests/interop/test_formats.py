"""One table per direction: every exporter of `interop.EXPORTERS` is an `alchemesh export NAME` command with the
same options, made from its row; so is every importer of `interop.IMPORTERS` an `alchemesh import NAME`, its options
those of the row, each a field of the importer's options class."""

from __future__ import annotations

import dataclasses
import importlib

import click

from alchemesh.cli.main import cli
from alchemesh.interop import EXPORTERS, IMPORTERS, Format, Option, import_options


def _group(name: str) -> click.Group:
    group = cli([name, "--help"]).commands[name]
    assert isinstance(group, click.Group)
    return group


def test_every_exporter_is_a_command_made_from_its_row():
    export = _group("export")
    assert sorted(export.commands) == sorted(EXPORTERS)
    for name, form in EXPORTERS.items():
        command = export.commands[name]
        options = {opt for param in command.params for opt in param.opts}
        assert {"--out", "--site-url"} <= options, name
        assert command.help == form.summary
        version = next((p for p in command.params if "--version" in p.opts), None)
        assert (version is not None) == bool(form.versions), name
        if version is not None:
            assert list(version.type.choices) == list(form.versions) and version.default.value == form.versions[0]
        assert callable(importlib.import_module(form.module).export)


def test_every_importer_is_a_command_made_from_its_row():
    imports = _group("import")
    assert sorted(imports.commands) == sorted(IMPORTERS)
    for name, form in IMPORTERS.items():
        assert callable(importlib.import_module(form.module).import_into)
        command = imports.commands[name]
        assert command.help == form.summary
        flags = {opt for param in command.params if isinstance(param, click.Option) for opt in param.opts}
        wanted = {"--out", *(["--check"] if form.checks else []),
                  *("--" + option.name.replace("_", "-") for option in form.options)}
        assert flags - {"--help", "-h"} == wanted, name
        for option in form.options:
            param = next(p for p in command.params if p.name == option.name)
            if option.choices:
                assert list(param.type.choices) == list(option.choices)
        defaults = {option.name: option.choices[0] if option.choices else None for option in form.options}
        options = import_options(name, defaults)  # every option is a field of the options class
        if not form.options_class:  # an importer without options is handed none
            assert options is None and not form.options, name
            continue
        assert dataclasses.is_dataclass(options)
        assert {f.name for f in dataclasses.fields(options)} >= set(defaults), name


def test_a_new_importer_is_its_module_and_one_row(monkeypatch, tmp_path):
    """An importer added to the table is a command at once, its options handed to its module typed."""
    import sys
    import types

    from alchemesh.interop.generated import Outcome
    from tests.testing import invoke

    module = types.ModuleType("alchemesh_test_importer")

    @dataclasses.dataclass(frozen=True)
    class Options:
        flavour: str = "plain"
        label: str | None = None

    def import_into(out, sources, options, check, analysis):
        (out / "seen.txt").write_text(f"{[s.name for s in sources]} {type(options).__name__} {options.flavour} "
                                      f"{options.label} {check}")
        return Outcome(created=["seen.txt"])

    module.Options, module.import_into = Options, import_into
    monkeypatch.setitem(sys.modules, "alchemesh_test_importer", module)
    monkeypatch.setitem(IMPORTERS, "toy", Format(
        "alchemesh_test_importer", "Toy documents.", "toy file(s)", sources="Toy files.",
        options=(Option("flavour", "Which.", choices=("plain", "fancy")), Option("label", "A label.")),
        options_class="alchemesh_test_importer:Options"))
    from alchemesh.cli import interop

    monkeypatch.setattr(interop, "IMPORTERS", IMPORTERS)
    interop._import_command("toy", IMPORTERS["toy"])
    try:
        result = invoke("import", "toy", "a.toy", "--flavour", "fancy", "--label", "x", "--out", str(tmp_path))
    finally:
        interop.import_app.registered_commands[:] = [c for c in interop.import_app.registered_commands
                                                     if c.name != "toy"]
    assert result.code == 0, result.out + result.err
    assert (tmp_path / "seen.txt").read_text() == "['a.toy'] Options fancy x False"
    assert "1 toy file(s) written, 0 unchanged" in result.out
