"""`contracts diff OLD NEW`: two contract files compared, for scripts and CI steps that have both."""

from __future__ import annotations

from pathlib import Path

from alchemesh.contracts.assess import Subject, assess
from alchemesh.contracts.changes import Mode
from alchemesh.contracts.result import ContractReport, ContractStatus, report_of
from alchemesh.errors import UsageError
from alchemesh.model.contract import Contract, is_contract, read_contract
from alchemesh.load.yamlfile import Document, locate, parse
from alchemesh.validate.rules import duplicate_key, yaml_syntax


def diff_files(old_path: Path, new_path: Path, mode: Mode) -> ContractReport:
    """Compare two contract files, for scripts and CI steps that have both at hand."""
    old, old_doc = _single_contract(old_path)
    new, doc = _single_contract(new_path)
    if old.id != new.id:
        raise UsageError(f"{old_path} is contract `{old.id}` and {new_path} is `{new.id}`: "
                         "a diff compares two versions of one contract")
    subject = Subject(new.id, str(new_path), lambda path, key: locate(doc.node, path, key=key), mode, (),
                      locate_old=lambda path, key: locate(old_doc.node, path, key=key))
    findings, waived = assess(old.raw, new.raw, subject)
    status = ContractStatus(new.id, "changed", old.version, new.version, str(new_path), str(old_path), mode, ())
    return ContractReport(report_of(findings, waived, 2), (status,) if findings or waived else (), str(old_path))


def _single_contract(path: Path) -> tuple[Contract, Document]:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UsageError(f"{path}: {error.strerror}") from None
    parsed = parse(str(path), raw)
    unreadable = sorted([*yaml_syntax.check_file(parsed), *duplicate_key.check_file(parsed)], key=lambda f: f.sort_key)
    if unreadable:
        first = unreadable[0]
        raise UsageError(f"{path}:{first.line}:{first.column}: {first.message}")
    contracts = [d for d in parsed.documents if is_contract(d.data)]
    if len(contracts) != 1:
        raise UsageError(f"{path}: expected one ODCS data contract, found {len(contracts)}")
    return read_contract(contracts[0].data), contracts[0]
