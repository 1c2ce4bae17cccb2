"""The catalog site's search index, built with the site: JS files that `static/search.js` loads with
`<script src>` (a fetch of JSON is blocked on file://), each calling `window.alchemeshSearch.add(name, data)`.

- `search/manifest.js`: entry count, entries per doc shard, the kinds table, and the term shards as
  `[prefix, key, token count]`.
- `search/docs-NNN.js`: entries as `[kind index, title, url, snippet]`, `DOCS_PER_SHARD` a file. Entries
  are numbered in rank order (product, contract, port, field, then other kinds; then title), so the
  browser ranks hits by number and loads only the doc shards of the results it shows.
- `search/terms-<key>.js`: `[[token, ids], …]` for the tokens starting with the shard's prefix: their
  first two characters, or more where a shard would outgrow `TERMS_BUDGET`; `key` is the prefix made
  a file name. `ids` are ascending entry numbers, delta-encoded. Pairs, not an object: a token
  "__proto__" in an object literal would set its prototype.

Tokens: the title and text, NFKC-normalised and lower-cased, split on anything not a letter or digit
(`_` included), plus the whole lower-cased title; tokens under 2 characters are dropped. search.js
tokenises queries the same way.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

KIND_ORDER = ("product", "contract", "port", "field")  # then any other kind, by name
DOCS_PER_SHARD = 1000
TERMS_BUDGET = 256_000  # about the bytes of a term shard before it is split by one more character
MAX_PREFIX = 12  # longer prefixes are never split: keeps plain keys (<= 12) apart from hex keys (>= 13)
SNIPPET_CHARS = 120
MIN_TOKEN = 2

_WORD = re.compile(rf"[^\W_]{{{MIN_TOKEN},}}")  # `\w` is str.isalnum() and `_`: letters, digits of any script
_PLAIN_KEY = re.compile(r"[a-z0-9]+")
_NOT_RELATIVE = re.compile(r"[\x00-\x20]*[/\\]|[^/?#]*:")  # rooted, protocol-relative, or a scheme
_JS_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026"}


@dataclass(frozen=True)
class Entry:
    """One search result: `url` is relative to the site root; `text` is matched and shown as a snippet."""

    kind: str
    title: str
    url: str
    text: str = ""


def tokenize(text: str) -> list[str]:
    """The words of `text` as search.js sees them: normalised, lower-cased, 2 characters or more."""
    return _WORD.findall(_fold(text))


def entry_tokens(entry: Entry) -> set[str]:
    """What an entry is found by: the words of its title and text, and its whole title."""
    title = _fold(entry.title)
    tokens = {*_WORD.findall(title), *tokenize(entry.text)}
    if len(title.strip()) >= MIN_TOKEN:
        tokens.add(title.strip())
    return tokens


def shard_key(prefix: str) -> str:
    """A term shard's prefix as a file name: itself if all [a-z0-9], else "x" and its code points in
    6-digit hex. Prefixes have 2 to MAX_PREFIX characters, hex keys 13 or more: they cannot collide."""
    if _PLAIN_KEY.fullmatch(prefix):
        return prefix
    return "x" + "".join(f"{ord(c):06x}" for c in prefix)


def is_relative(url: str) -> bool:
    """True for a site-relative URL: no scheme (no ':' before the first '/', '?' or '#'), not rooted, not `//host`."""
    return not _NOT_RELATIVE.match(url)


def snippet(text: str) -> str:
    """`text` on one line, cut to about `SNIPPET_CHARS` characters."""
    line = " ".join(text.split())
    return line if len(line) <= SNIPPET_CHARS else line[:SNIPPET_CHARS].rstrip() + "…"


def build_index(entries: list[Entry]) -> dict[str, bytes]:
    """Site-relative path → file bytes, all under "search/". The same entries in any order (and
    repeated) give the same bytes; entries whose URL is not site-relative are left out."""
    ordered = sorted({e for e in entries if is_relative(e.url)}, key=_rank)
    kinds = sorted({e.kind for e in ordered}, key=_kind_rank)
    kind_number = {kind: n for n, kind in enumerate(kinds)}

    postings: dict[str, list[int]] = defaultdict(list)
    for number, entry in enumerate(ordered):
        for token in entry_tokens(entry):
            postings[token].append(number)  # ascending: entries are visited in order

    files: dict[str, bytes] = {}
    for start in range(0, len(ordered), DOCS_PER_SHARD):
        name = f"docs-{start // DOCS_PER_SHARD:03d}"
        docs = [[kind_number[e.kind], e.title, e.url, snippet(e.text)] for e in ordered[start:start + DOCS_PER_SHARD]]
        files[f"search/{name}.js"] = _script(name, docs)
    terms = []
    sizes = {token: len(token) + 8 + 3 * len(ids) for token, ids in postings.items()}  # about, in bytes
    for prefix, tokens in _term_shards(sorted(postings), sizes):
        key = shard_key(prefix)
        files[f"search/terms-{key}.js"] = _script(f"terms-{key}", [(t, _deltas(postings[t])) for t in tokens])
        terms.append((prefix, key, len(tokens)))
    manifest = {"count": len(ordered), "per": DOCS_PER_SHARD, "kinds": kinds, "terms": sorted(terms)}
    files["search/manifest.js"] = _script("manifest", manifest)
    return dict(sorted(files.items()))


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _kind_rank(kind: str) -> tuple[int, str]:
    return (KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER), kind)


def _rank(entry: Entry) -> tuple:
    return (_kind_rank(entry.kind), entry.title, entry.url, entry.text)


def _term_shards(tokens: list[str], sizes: dict[str, int], depth: int = 2) -> Iterator[tuple[str, list[str]]]:
    """(prefix, tokens) for each term shard: `tokens` grouped by their first `depth` characters, a
    group bigger than TERMS_BUDGET grouped again by one more (a token that short stays alone)."""
    groups: dict[str, list[str]] = defaultdict(list)
    for token in tokens:
        groups[token[:depth]].append(token)
    for prefix, group in groups.items():
        if len(group) > 1 and depth < MAX_PREFIX and sum(map(sizes.__getitem__, group)) > TERMS_BUDGET:
            yield from _term_shards(group, sizes, depth + 1)
        else:
            yield prefix, group


def _deltas(ids: list[int]) -> list[int]:
    return [b - a for a, b in zip([0, *ids], ids, strict=False)]


def _script(name: str, data: object) -> bytes:
    """`window.alchemeshSearch.add(name, data);` in ASCII, with nothing that could end a <script>
    element or a JS string: `<`, `>`, `&` (and, by ensure_ascii, U+2028/U+2029) are \\u escapes."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    text = re.sub("[<>&]", lambda m: _JS_UNSAFE[m.group()], text)
    return f'window.alchemeshSearch.add("{name}",{text});\n'.encode("ascii")
