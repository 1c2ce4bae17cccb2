"""The YAML reader: positions, YAML 1.2 scalars, and hostile input refused as findings."""

from __future__ import annotations

from alchemesh.load.yamlfile import MAX_FILE_BYTES, locate, parse
from alchemesh.validate import check_file


def findings(file: str, raw: bytes):
    """What the per-file rules report about a file, as `validate` does."""
    return check_file(parse(file, raw))

ALIAS_BOMB = b"".join(
    [b"a: &a [x, x, x, x, x, x, x, x, x]\n"]
    + [
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode()
        for i in range(8)
    ]
)


def test_positions_are_one_based_and_point_at_the_value():
    parsed = parse("f.yaml", b"spec:\n  domain: sales\n  ports:\n    - name: x\n")
    doc = parsed.documents[0]
    assert locate(doc.node, ("spec", "domain")) == (2, 11)
    assert locate(doc.node, ("spec", "domain"), key=True) == (2, 3)
    assert locate(doc.node, ("spec", "ports", 0, "name")) == (4, 13)
    assert locate(doc.node, ("spec", "missing", "deeper")) == (2, 3)


def test_yaml_1_2_scalars_keep_strings_strings():
    data = parse("f.yaml", b"a: on\nb: 2024-01-01\nc: 0x1f\nd: 1.5\ne: ~\nf: true\ng: '1'\n").documents[0].data
    assert data == {"a": "on", "b": "2024-01-01", "c": 31, "d": 1.5, "e": None, "f": True, "g": "1"}


def test_multi_document_files_keep_each_document_and_its_line():
    parsed = parse("f.yaml", b"a: 1\n---\nb: 2\n---\n")
    assert [(d.index, d.line, d.data) for d in parsed.documents] == [(0, 1, {"a": 1}), (1, 3, {"b": 2}), (2, 5, None)]


def test_duplicate_key_is_a_finding_at_the_second_key():
    assert [(f.rule, f.line, f.column) for f in findings("f.yaml", b"a: 1\nb:\n  c: 1\n  c: 2\n")] == [("duplicate-key", 4, 3)]


def test_alias_bomb_is_refused_not_expanded():
    (finding,) = findings("bomb.yaml", ALIAS_BOMB)
    assert finding.rule == "yaml-syntax" and "alias bomb" in finding.message


def test_recursive_alias_is_refused():
    (finding,) = findings("f.yaml", b"a: &x [1, *x]\n")
    assert "recursive alias" in finding.message


def test_deep_nesting_is_refused_before_libyaml_recurses():
    (finding,) = findings("f.yaml", b"[" * 100_000 + b"]" * 100_000)
    assert finding.rule == "yaml-syntax" and "nesting" in finding.message


def test_non_utf8_is_a_finding_with_the_byte_position():
    (finding,) = findings("f.yaml", b"a: ok\nb: caf\xe9\n")
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 2, 7)
    assert "not UTF-8" in finding.message


def test_oversized_file_is_refused_without_parsing():
    (finding,) = findings("big.yaml", b"a: " + b"x" * (MAX_FILE_BYTES + 1))
    assert "limit" in finding.message


def test_syntax_error_carries_its_position():
    (finding,) = findings("f.yaml", b"a: [1,\nb: 2\n")  # `b: 2` is a pair inside the list; no `]` comes
    assert (finding.rule, finding.line, finding.column) == ("yaml-syntax", 3, 1)
    assert "flow sequence" in finding.message


def test_merge_keys_are_honoured():
    data = parse("f.yaml", b"base: &b {x: 1, y: 1}\nd:\n  <<: *b\n  y: 2\n").documents[0].data
    assert data["d"] == {"x": 1, "y": 2}


def test_utf8_bom_is_accepted():
    assert parse("f.yaml", "\ufeffa: 1\n".encode()).documents[0].data == {"a": 1}
