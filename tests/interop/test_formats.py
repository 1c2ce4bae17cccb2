"""One table per direction: every exporter of `interop.EXPORTERS` is an `alchemesh export NAME` command with the
same options, made from its row; every importer of `interop.IMPORTERS` has its entry point and its command."""

from __future__ import annotations

import importlib

import click

from alchemesh.cli.main import cli
from alchemesh.interop import EXPORTERS, IMPORTERS


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


def test_every_importer_has_its_entry_point_and_command():
    assert sorted(_group("import").commands) == sorted(IMPORTERS)
    for form in IMPORTERS.values():
        assert callable(importlib.import_module(form.module).import_into)
