"""The catalog search index (alchemesh/docs/search.py) and its client (static/search.js), the latter run
under node against the built files, with the shards loaded the way the browser does: by evaluating them."""

from __future__ import annotations

import json
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from alchemesh.docs import search
from alchemesh.docs.search import Entry, build_index, shard_key, tokenize

SEARCH_JS = Path(search.__file__).parent / "static" / "search.js"
HOSTILE = "</script><script>alert(1)</script>"

HARNESS = r"""
const fs = require('fs');
const path = require('path');
const [site, requestFile] = process.argv.slice(2);
const core = require(path.join(site, 'static', 'search.js'));
const loaded = [];
const api = core.createSearch((name) => { loaded.push(name); require(path.join(site, 'search', name + '.js')); });
global.window = { alchemeshSearch: api };  // what the shards register with

function fakeDocument() {  // just enough DOM for render()
  const node = (tag) => ({ tag, attrs: {}, children: [], className: '', textContent: '',
    setAttribute(k, v) { this.attrs[k] = v; }, appendChild(c) { this.children.push(c); } });
  return { createElement: node, createTextNode: (text) => ({ tag: '#text', textContent: text }) };
}

async function main() {
  const request = JSON.parse(fs.readFileSync(requestFile, 'utf8'));
  const out = { searches: [], tokens: request.tokenize.map((t) => core.tokenize(t)),
                relative: request.urls.map(core.isRelative) };
  for (const query of request.queries) {
    const started = process.hrtime.bigint();
    const found = await api.search(query);
    out.searches.push({ query, ms: Number(process.hrtime.bigint() - started) / 1e6, ...found });
  }
  if (request.render) {
    const doc = fakeDocument();
    const list = { children: [], textContent: 'old', appendChild(c) { this.children.push(c); } };
    list.textContent = '';  // render() clears with textContent; the fake keeps children to inspect
    core.render(doc, list, (await api.search(request.render.query)).results, request.render.root);
    out.rendered = list.children;
  }
  out.loaded = loaded;
  process.stdout.write(JSON.stringify(out));
}
main().catch((e) => { console.error(e); process.exit(1); });
"""


def run_node(files: dict[str, bytes], folder: Path, queries=(), tokenize=(), urls=(), render=None) -> dict:
    """search.js under node over the built `files`, written into `folder` as a site."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not installed: `apt-get install nodejs` (.ci/run does)", pytrace=False)
    for path, data in files.items():
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        (folder / path).write_bytes(data)
    (folder / "static").mkdir(exist_ok=True)
    shutil.copy(SEARCH_JS, folder / "static" / "search.js")
    (folder / "harness.js").write_text(HARNESS)
    request = {"queries": list(queries), "tokenize": list(tokenize), "urls": list(urls), "render": render}
    (folder / "request.json").write_text(json.dumps(request), encoding="utf-8")
    proc = subprocess.run([node, "harness.js", str(folder), "request.json"], cwd=folder, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def small_catalog() -> list[Entry]:
    return [
        Entry("domain", "sales", "domains/sales.html", "Everything we sell"),
        Entry("team", "sales-team", "teams/sales-team.html", "Sales engineering"),
        Entry("product", "sales/orders", "products/sales/orders.html", "Orders placed online. Fields: customer_id, amount"),
        Entry("product", "sales/customers", "products/sales/customers.html", "Customer master data"),
        Entry("port", "sales/orders/daily", "ports/sales/orders/daily.html", "Daily orders export"),
        Entry("contract", "sales/orders-v1", "contracts/sales/orders-v1.html", "orders contract"),
        Entry("field", "orders.customer_id", "contracts/sales/orders-v1.html#field-customer_id", "string The customer"),
        Entry("field", "orders.amount", "contracts/sales/orders-v1.html#field-amount", "decimal Total in EUR"),
        Entry("polyseme", "customer", "polysemes/customer.html", "A person or company that buys"),
    ]


def big_catalog(products: int = 10_000, seed: int = 7) -> list[Entry]:
    """About 15 entries a product, with repetitive names and descriptions like a real mesh."""
    rng = random.Random(seed)
    words = ["customer", "order", "invoice", "payment", "shipment", "product", "inventory", "price", "discount", "refund", "return", "store", "region", "country", "currency", "channel", "campaign", "session", "click", "account", "subscription", "plan", "supplier", "warehouse", "carrier", "delivery", "basket", "cart", "review", "rating", "ticket", "agent"]
    filler = ["the", "of", "and", "for", "by", "with", "per", "daily", "hourly", "total", "latest", "all", "active", "raw", "clean", "aggregated"]
    types = ("string", "integer", "decimal", "timestamp", "date", "boolean")

    def sentence(n: int) -> str:
        return " ".join(rng.choice(words + filler) for _ in range(n)).capitalize() + "."

    domains = [f"{rng.choice(words)}-{i}" for i in range(40)]
    entries = [Entry("domain", d, f"domains/{d}.html", sentence(12)) for d in domains]
    entries += [Entry("team", f"team-{i}", f"teams/team-{i}.html", sentence(8)) for i in range(60)]
    for i in range(products):
        domain = domains[i % len(domains)]
        name = f"{rng.choice(words)}-{rng.choice(words)}-{i}"
        product = f"{domain}/{name}"
        fields = [f"{rng.choice(words)}_{rng.choice(('id', 'at', 'amount', 'count', 'name', 'code'))}"
                  for _ in range(10)]
        entries.append(Entry("product", product, f"products/{product}.html",
                             f"{sentence(20)} Fields: {', '.join(fields)}"))
        for port in ("daily", "stream"):
            entries.append(Entry("port", f"{product}/{port}", f"ports/{product}/{port}.html", sentence(10)))
        contract = f"contracts/{product}-v1.html"
        entries.append(Entry("contract", f"{product}-v1", contract, sentence(10)))
        entries += [Entry("field", f"{name}.{field}", f"{contract}#field-{field}",
                          f"{rng.choice(types)} {sentence(10)} {product}-v1") for field in fields]
    return entries


@pytest.fixture(scope="module")
def big() -> tuple[list[Entry], dict[str, bytes]]:
    entries = big_catalog()
    return entries, build_index(entries)


# ---------------------------------------------------------------- the Python index


def test_same_entries_in_any_order_give_the_same_bytes():
    entries = small_catalog() + [Entry("field", "x.y\u00e9", "contracts/x.html#field-y", "\u00fcber")]
    shuffled = list(entries) + entries[:3]  # repeated entries are one entry
    random.Random(3).shuffle(shuffled)
    assert build_index(shuffled) == build_index(entries)
    assert build_index(entries) != build_index(entries[1:])


def test_a_hostile_title_never_appears_raw():
    entries = small_catalog() + [Entry("product", HOSTILE, "products/evil.html", "a & b <b> \u2028 \u2029 end")]
    files = build_index(entries)
    for path, data in files.items():
        text = data.decode("ascii")  # all ASCII: the page's encoding cannot change the data
        assert not re.search(r"[<>&\u2028\u2029]", text), path
        assert "</script" not in text.lower()
    assert any("\\u003c/script\\u003e" in data.decode() for data in files.values())


def test_shard_keys_are_safe_file_names_that_never_collide():
    prefixes = ["\u00fcb", "a/", "e9", "\u00e9t", "\U0001f600x", "..", "\u65e5\u672c", "or", "0x", "x0000fc0", "\u00fcbe"]
    keys = [shard_key(t) for t in prefixes]
    assert all(re.fullmatch(r"[a-z0-9]+", k) for k in keys), keys
    assert len(set(keys)) == len(prefixes)
    assert (shard_key("or"), shard_key("\u00fcb"), shard_key("a/")) == ("or", "x0000fc000062", "x00006100002f")
    titles = ["\u00fcber/daten", "a.b", "../../etc/passwd", "con", "x\u0000y", "\U0001f600\U0001f600"]
    files = build_index([Entry("field", t, f"x/{n}.html") for n, t in enumerate(titles)])
    assert all(re.fullmatch(r"search/(manifest|docs-[0-9]{3}|terms-[a-z0-9]+)\.js", p) for p in files), list(files)


def test_tokens_are_words_of_title_and_text_plus_the_whole_title():
    entry = Entry("field", "Orders.Customer_ID", "c.html", "A x string")
    assert search.entry_tokens(entry) == {"orders", "customer", "id", "orders.customer_id", "string"}
    assert tokenize("Stra\u00dfe \ufb01le x\u00b2") == ["stra\u00dfe", "file", "x2"]  # NFKC: the ligature, ²
    assert search.snippet(" a\n b ") == "a b" and search.snippet("word " * 40) == ("word " * 24).strip() + "\u2026"


def test_urls_that_are_not_site_relative_are_left_out():
    bad = ["javascript:alert(1)", "https://evil.example/", "//evil.example/x", "/etc/passwd", " \\\\evil", "data:x"]
    files = build_index(small_catalog() + [Entry("product", f"bad {n}", url) for n, url in enumerate(bad)])
    text = b"".join(files.values()).decode()
    assert not any(json.dumps(url)[1:-1] in text for url in bad)
    assert "products/sales/orders.html" in text and '"count":9' in text


def test_ten_thousand_products_give_no_file_over_a_megabyte(big):
    entries, files = big
    largest = max(files, key=lambda p: len(files[p]))
    total = sum(map(len, files.values()))
    print(f"\n{len(entries)} entries -> {len(files)} files, {total / 1e6:.1f} MB, largest {largest} "
          f"{len(files[largest]) / 1e3:.0f} kB, manifest {len(files['search/manifest.js']) / 1e3:.1f} kB")
    assert len(entries) > 140_000
    assert len(files[largest]) < 1_000_000
    assert len(files["search/manifest.js"]) < 50_000


# ---------------------------------------------------------------- search.js under node


def test_a_field_name_finds_the_product_first(tmp_path):
    out = run_node(build_index(small_catalog()), tmp_path, queries=["customer_id"])
    (found,) = out["searches"]
    assert found["count"] == 2
    assert [(r["kind"], r["title"], r["url"]) for r in found["results"]] == [
        ("product", "sales/orders", "products/sales/orders.html"),
        ("field", "orders.customer_id", "contracts/sales/orders-v1.html#field-customer_id")]
    assert found["results"][1]["snippet"] == "string The customer"
    assert "terms-cu" in out["loaded"] and "terms-id" in out["loaded"] and "manifest" in out["loaded"]


def test_ranking_exact_before_prefix_then_kind_then_title(tmp_path):
    entries = [Entry("product", "sales/customers", "p/3.html"), Entry("product", "b/custard", "p/2.html"),
               Entry("product", "a/custom", "p/1.html"), Entry("port", "crm/custodian/daily", "o/1.html"),
               Entry("field", "a.customer", "c/1.html#a"), Entry("field", "x.cust", "c/1.html#x"),
               Entry("contract", "crm/cust-v1", "c/1.html"), Entry("team", "cust-team", "t/1.html"),
               Entry("domain", "cust", "d/1.html"), Entry("polyseme", "other", "s/1.html", "cust")]
    out = run_node(build_index(entries), tmp_path, queries=["cust", "CUST v1", "x.cust", "cust nothing", "x", ""])
    cust, both, whole, none, short, empty = out["searches"]
    # exact "cust": by kind (contract, field, then domain, polyseme, team by name); then the prefix matches
    assert [r["title"] for r in cust["results"]] == [
        "crm/cust-v1", "x.cust", "cust", "other", "cust-team",
        "a/custom", "b/custard", "sales/customers", "crm/custodian/daily", "a.customer"]
    assert cust["count"] == 10
    assert [r["title"] for r in both["results"]] == ["crm/cust-v1"]  # every token must match
    assert [r["title"] for r in whole["results"]][:2] == ["x.cust", "crm/cust-v1"]  # the whole title counts
    assert none["count"] == short["count"] == empty["count"] == 0 and short["results"] == []


def test_term_shards_split_by_longer_prefixes_find_the_same(tmp_path, monkeypatch):
    entries = small_catalog()
    queries = ["cust", "customer_id", "or", "orders daily", "sales/orders", "am", "amount"]
    unsplit = run_node(build_index(entries), tmp_path / "unsplit", queries=queries)
    monkeypatch.setattr(search, "TERMS_BUDGET", 40)
    files = build_index(entries)
    split = run_node(files, tmp_path / "split", queries=queries)
    names = [p for p in files if p.startswith("search/terms-")]
    assert {"search/terms-customer.js", "search/terms-customers.js", "search/terms-orders.js"} <= set(names)
    assert "search/terms-cu.js" not in names and "search/terms-or.js" in names  # "or" is a word too
    assert [s["results"] for s in split["searches"]] == [s["results"] for s in unsplit["searches"]]
    assert all(s["count"] > 0 for s in split["searches"])
    assert "terms-customers" in split["loaded"] and "terms-we" not in split["loaded"]


def test_the_hostile_title_round_trips_as_text(tmp_path):
    entries = small_catalog() + [Entry("product", HOSTILE, "products/evil.html", "a & b \u2028 end")]
    out = run_node(build_index(entries), tmp_path, queries=["alert"],
                   render={"query": "script", "root": "../../"})
    (found,) = out["searches"]
    assert found["results"] == [{"kind": "product", "title": HOSTILE, "url": "products/evil.html",
                                 "snippet": "a & b end"}]
    (li,) = out["rendered"]
    link, space, kind, _, snippet = li["children"]
    assert (link["tag"], link["attrs"], link["textContent"]) == ("a", {"href": "../../products/evil.html"}, HOSTILE)
    assert (space["textContent"], kind["className"], kind["textContent"]) == (" ", "kind", "product")
    assert (snippet["className"], snippet["textContent"]) == ("snippet", "a & b end")


def test_search_js_shows_no_link_that_is_not_site_relative(tmp_path):
    files = build_index([Entry("product", f"evil {n}", f"products/evil-{n}.html") for n in range(4)])
    for n, url in enumerate(["javascript:alert(1)", "//evil.example/x", "/etc/passwd"]):  # a tampered index
        files["search/docs-000.js"] = files["search/docs-000.js"].replace(f"products/evil-{n}.html".encode(), url.encode())
    (found,) = run_node(files, tmp_path, queries=["evil"])["searches"]
    assert [r["url"] for r in found["results"]] == ["products/evil-3.html"]


def test_search_js_tokenises_like_python(tmp_path):
    samples = ["Orders.Customer_ID", "Stra\u00dfe \u00dcBER caf\u00e9", "\u039f\u0394\u039f\u03a3 \u0130stanbul",
               "\u65e5\u672c\u8a9e \u30c6\u30ad\u30b9\u30c8", "\ufb01le x\u00b2 \u0661\u0662\u0663", "e\u0301t\u00e9 a-b c",
               "\U0001f600ab \U00020000\U00020001", "tab\there\u00a0nbsp\u2028line", "\u0928\u092e\u0938\u094d\u0924\u0947"]
    out = run_node(build_index(small_catalog()), tmp_path, tokenize=samples,
                   urls=["a/b.html", "a.html#x:y", "javascript:alert(1)", "//evil", "/abs", "\\\\evil", " /x",
                         "\tjava\nscript:x", "a:b/c"])
    assert out["tokens"] == [tokenize(s) for s in samples]
    assert out["relative"] == [True, True, False, False, False, False, False, False, False]
    assert [search.is_relative(u) for u in ["a/b.html", "a.html#x:y", "javascript:x", "//e", "/a", "\\\\e"]] == [
        True, True, False, False, False, False]


def test_search_over_ten_thousand_products(big, tmp_path):
    entries, files = big
    product = next(e for e in entries if e.kind == "product" and e.title.endswith("-1234"))
    field = next(e for e in entries if e.kind == "field" and e.url.startswith(product.url.replace("products/", "contracts/")[:-5]))
    field_name = field.title.split(".")[1]
    queries = [f"{field_name} 1234", field.title, "customer_id", "cu", "order amount", product.title]
    out = run_node(files, tmp_path, queries=queries)
    by_query = {s["query"]: s for s in out["searches"]}
    found = by_query[f"{field_name} 1234"]["results"]
    assert found[0]["url"] == product.url and field.url in [r["url"] for r in found]
    assert by_query[field.title]["results"][0]["url"] == field.url  # the title asked for, first
    assert by_query[product.title]["results"][0]["url"] == product.url
    assert by_query["cu"]["count"] > 10_000 and len(by_query["cu"]["results"]) == 20
    assert [r["kind"] for r in by_query["cu"]["results"]] == ["product"] * 20  # products rank first
    print("\n" + "\n".join(f"{s['query']!r}: {s['count']} hits, {s['ms']:.0f} ms" for s in out["searches"]))
