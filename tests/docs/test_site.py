"""`alchemesh docs build` through the CLI: every page, links that resolve, the JSON API, history,
determinism, hostile spec values, and writes that never lose the previous site or someone's folder."""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest


from tests.testing import invoke, EXAMPLES, QUICKSTART, assert_no_traceback, copy_mesh, edit, run_cli, write_files


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.refs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in ("href", "src"):
            if attrs.get(name):
                self.refs.append(attrs[name])


def parse(page: Path) -> _Links:
    parser = _Links()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser


def test_every_page_kind_is_there(site: Path):
    for rel in ("index.html", "rules.html", "domains/sales.html", "teams/web-shop.html",
                "products/sales/orders.html", "ports/sales/orders/orders.html", "polysemes/customer.html"):
        assert (site / rel).is_file(), rel
    contracts = sorted(p.name for p in (site / "contracts").glob("*.html"))
    assert len(contracts) == 4 and all(re.fullmatch(r"[a-z0-9-]+\.html", n) for n in contracts)
    assert (site / ".alchemesh-site").is_file()


def test_every_link_resolves_and_none_leaves_the_site(site: Path):
    pages = list(site.rglob("*.html"))
    anchors = {page: parse(page).ids for page in pages}
    checked = 0
    for page in pages:
        for ref in parse(page).refs:
            if ref == "data:,":  # the empty favicon: no request at all
                continue
            parts = urlsplit(ref)
            if parts.scheme == "mailto" or (parts.scheme == "https" and page.parent.name == "teams"):
                continue  # a team's contacts, as written in its spec: the one way out, and a deliberate one
            assert not parts.scheme and not parts.netloc, f"{page.name} links outside: {ref}"
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            assert target.is_file(), f"{page.relative_to(site)} → {ref}"
            assert site.resolve() in target.parents
            if parts.fragment and target.suffix == ".html":
                assert parts.fragment in anchors[target], f"{page.relative_to(site)} → {ref}"
            checked += 1
    assert checked > 200


def test_pages_link_their_neighbours(site: Path):
    product = (site / "products/marketing/customer-value.html").read_text()
    for neighbour in ("../../domains/marketing.html", "../../teams/growth-analytics.html",
                      "../../products/sales/orders.html", "../../products/marketing/segments.html",
                      "../../ports/marketing/customer-value/customer-value.html"):
        assert f'href="{neighbour}"' in product
    port = (site / "ports/sales/orders/orders.html").read_text()
    assert "../../../products/marketing/customer-value.html" in port  # its consumer
    contract = next((site / "contracts").glob("*sales-orders*.html")).name
    assert f'href="../../../contracts/{contract}#field-' in port and "<code>order_id</code>" in port  # its fields
    assert "<th>Classification</th>" not in port  # the schema table is the contract page's, not repeated here
    polyseme = (site / "polysemes/customer.html").read_text()
    assert polyseme.count("#field-") == 4  # customer_id joins it in every contract


def test_contract_page_schema_quality_sla_and_history(site: Path):
    page = next(p for p in (site / "contracts").glob("*sales-orders*.html")).read_text()
    assert "<th>Classification</th>" in page and "customer_id" in page
    assert "orders 1.2.0" in page and "initial mesh" in page  # both versions, newest first
    assert page.index("orders 1.2.0") < page.index("initial mesh")


def test_lineage_svg_on_home_and_product_pages(site: Path):
    home = (site / "index.html").read_text()
    assert 'class="lineage"' in home and 'data-nodes="4"' in home and 'data-edges="3"' in home
    product = (site / "products/marketing/customer-value.html").read_text()
    assert product.count('<g class="node focus"') == 1
    assert '<g class="node focus" data-id="marketing/customer-value"' in product


def test_json_api(site: Path):
    index = json.loads((site / "api/v1/index.json").read_text())
    assert [p["id"] for p in index["products"]] == ["marketing/customer-value", "marketing/segments",
                                                     "sales/customers", "sales/orders"]
    product = json.loads((site / index["products"][0]["api"]).read_text())
    assert product["link"]["id"] == "marketing/customer-value"
    assert {u["id"] for u in product["upstream"]} == {"sales/customers", "sales/orders"}
    graph = json.loads((site / "api/v1/graph.json").read_text())
    assert {"producer": "marketing/customer-value", "consumer": "marketing/segments"} in graph["edges"]
    contract = json.loads(next((site / "api/v1/contracts").glob("*sales-orders*.json")).read_text())
    assert [v["version"] for v in contract["history"]] == ["1.2.0", "1.1.0"]


def test_no_network_reference(site: Path):
    for path in site.rglob("*"):
        if path.suffix in (".html", ".css", ".js"):
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"(src|href)=\"(https?:)?//", text), path
            assert "@import" not in text and "url(http" not in text, path


def test_same_specs_same_bytes(site: Path, tmp_path: Path):
    mesh = site.parent.parent
    again = tmp_path / "again"
    result = run_cli("docs", "build", "--out", str(again), cwd=mesh)
    assert result.code == 0, result.err
    first = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    second = {p.relative_to(again): p.read_bytes() for p in again.rglob("*") if p.is_file()}
    assert first == second


def test_both_examples_build(tmp_path: Path):
    for name in ("quickstart", "acme-retail"):
        out = tmp_path / name
        result = run_cli("docs", "build", str(EXAMPLES / name), "--out", str(out))
        assert result.code == 0, result.out + result.err
        assert (out / "index.html").is_file()


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)> ${oops} {{ 7*7 }} &amp;'


def test_hostile_spec_values_are_escaped(tmp_path: Path):
    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    yaml_text = json.dumps(HOSTILE)  # a JSON string is a YAML string
    edit(mesh, "domains/sales/orders/product.yaml", ("  description: ", f"  description: {yaml_text}\n  x-was: "))
    edit(mesh, "domains/sales/domain.yaml", ("  description: ", f"  description: {yaml_text}\n  x-was: "))
    text = (mesh / "domains/sales/orders/product.yaml").read_text()
    if "x-was" in text:  # keep the spec valid: drop the old description line renamed above
        (mesh / "domains/sales/orders/product.yaml").write_text(re.sub(r"\n  x-was: .*", "", text))
    text = (mesh / "domains/sales/domain.yaml").read_text()
    (mesh / "domains/sales/domain.yaml").write_text(re.sub(r"\n  x-was: .*", "", text))
    result = run_cli("docs", "build", cwd=mesh)
    assert result.code == 0, result.out + result.err
    site = mesh / ".alchemesh" / "site"
    for path in site.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".js"):  # JSON holds the value as data, below
            text = path.read_text(encoding="utf-8")
            assert "<script>alert" not in text, path
            assert "<img src=x" not in text, path
    assert json.loads((site / "api/v1/products/sales/orders.json").read_text())["description"] == HOSTILE
    product = (site / "products/sales/orders.html").read_text()
    assert re.search(r"&lt;script&gt;alert\((&#34;|&quot;)x(&#34;|&quot;)\)&lt;/script&gt;", product)  # as text
    assert "{{ 7*7 }}" in product and "49" not in product.split("{{ 7*7 }}")[0][-5:]


def test_a_failed_build_leaves_the_previous_site(tmp_path: Path):
    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    assert run_cli("docs", "build", cwd=mesh).code == 0
    site = mesh / ".alchemesh" / "site"
    before = {p: p.read_bytes() for p in site.rglob("*") if p.is_file()}
    edit(mesh, "domains/sales/orders/product.yaml", ("domain: sales", "domain: nowhere"))
    broken = run_cli("docs", "build", cwd=mesh)
    assert broken.code == 1
    assert "site not built" in broken.err
    assert {p: p.read_bytes() for p in site.rglob("*") if p.is_file()} == before


def test_a_rebuild_writes_only_the_files_that_changed(tmp_path: Path):
    """One description edited: its product page, the pages and API documents that show it, the search shards
    holding it — nothing else is written; a product removed takes its files with it; the bytes are those of a
    build from scratch."""
    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    first = run_cli("docs", "build", cwd=mesh)
    site = mesh / ".alchemesh" / "site"
    stamps = {p: p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()}
    assert first.code == 0 and f"{len(stamps) - 1} file(s) changed" in first.err  # all of them (not the marker)
    assert "0 file(s) changed" in run_cli("docs", "build", cwd=mesh).err
    edit(mesh, "domains/marketing/segments/product.yaml", ("description: ", "description: Newly described. "))
    again = run_cli("docs", "build", cwd=mesh)
    written = {p for p in site.rglob("*") if p.is_file() and p.stat().st_mtime_ns != stamps.get(p)}
    assert again.code == 0 and f"{len(written)} file(s) changed" in again.err, again.err
    assert site / "products/marketing/segments.html" in written and 0 < len(written) < len(stamps) / 3
    assert site / "products/sales/orders.html" not in written
    shutil.rmtree(mesh / "domains/marketing/segments")
    assert run_cli("docs", "build", cwd=mesh).code == 0
    assert not (site / "products/marketing/segments.html").exists() and not (site / "ports/marketing/segments").exists()
    fresh = copy_mesh(mesh, tmp_path / "elsewhere" / "quickstart")
    assert run_cli("docs", "build", cwd=fresh).code == 0
    tree = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    assert tree(site) == tree(fresh / ".alchemesh/site")


def test_a_build_killed_while_moving_its_files_in_is_completed_by_the_next(tmp_path: Path):
    from alchemesh.docs.site import JOURNAL

    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    assert run_cli("docs", "build", cwd=mesh).code == 0
    site = mesh / ".alchemesh" / "site"
    staging = mesh / ".alchemesh" / f".site.building-{2**22 + 7}"  # a process that is gone
    write_files(staging, {"index.html": "the new home"})
    write_files(site, {"old.html": "no longer built", JOURNAL: json.dumps(
        {"staging": staging.name, "moves": ["index.html"], "remove": ["old.html"]})})
    from alchemesh.docs.site import _complete

    _complete(site)  # what a build does first: the moves the killed one had journaled
    assert (site / "index.html").read_text() == "the new home" and not (site / "old.html").exists()
    assert not (site / JOURNAL).exists()
    outside = mesh / "outside.html"  # a journal naming any other folder than a staging one moves nothing
    write_files(mesh, {"outside.html": "mine"})
    write_files(site, {JOURNAL: json.dumps({"staging": "..", "moves": ["outside.html"], "remove": []})})
    _complete(site)
    assert outside.read_text() == "mine" and not (site / "outside.html").exists() and not (site / JOURNAL).exists()
    result = run_cli("docs", "build", cwd=mesh)  # then the build itself: the home page it renders
    assert result.code == 0 and not staging.exists() and "the new home" not in (site / "index.html").read_text()


@pytest.mark.parametrize("target", ["repo", "foreign"])
def test_never_replaces_a_folder_it_did_not_build(tmp_path: Path, target: str):
    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    out = mesh if target == "repo" else tmp_path / "precious"
    if target == "foreign":
        out.mkdir()
        (out / "thesis.tex").write_text("years of work")
    result = run_cli("docs", "build", "--out", str(out), cwd=mesh)
    assert result.code == 2
    assert_no_traceback(result)
    assert "--out" in result.err
    assert (mesh / "alchemesh.yaml").is_file()
    if target == "foreign":
        assert (out / "thesis.tex").read_text() == "years of work"


@pytest.mark.parametrize("stop", ["ctrl-c", "sigterm", "ctrl-c-in-the-background"])
def test_serve_rebuilds_on_change(tmp_path: Path, stop: str):
    """A preview rebuilds on a change and stops cleanly on Ctrl-C, on SIGTERM (a container, a cancelled job), and
    when started in the background of a script, where SIGINT is inherited ignored but a `kill -INT` is meant."""
    import os
    import signal
    import subprocess
    import sys
    import threading
    import time
    import urllib.request

    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    ignored = (lambda: signal.signal(signal.SIGINT, signal.SIG_IGN)) if stop == "ctrl-c-in-the-background" else None
    process = subprocess.Popen([sys.executable, "-m", "alchemesh", "docs", "serve", "--port", "0"], cwd=mesh,
                               stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True,
                               env={**os.environ, "NO_COLOR": "1"}, preexec_fn=ignored)
    try:
        url = None
        for line in process.stderr:
            if "serving the catalog on " in line:
                url = line.split("serving the catalog on ", 1)[1].split()[0]
                break
        assert url and url.startswith("http://127.0.0.1:")
        said: list[str] = []  # what it says from now on, read as it comes: a full pipe would stop the server
        reader = threading.Thread(target=lambda: said.extend(process.stderr), daemon=True)
        reader.start()

        def domain_page() -> str:
            with urllib.request.urlopen(url + "domains/sales.html", timeout=5) as response:
                return response.read().decode()

        assert "Rebuilt while serving" not in domain_page()
        edit(mesh, "domains/sales/domain.yaml", ("  description: ", "  description: Rebuilt while serving. "))
        deadline = time.monotonic() + 30
        while "Rebuilt while serving" not in domain_page():
            assert time.monotonic() < deadline, "the site was not rebuilt"
            time.sleep(0.2)
        process.send_signal(signal.SIGTERM if stop == "sigterm" else signal.SIGINT)
        try:
            code = process.wait(timeout=60)  # a bound, not a speed: the machine may be busy
        except subprocess.TimeoutExpired:
            status = Path(f"/proc/{process.pid}/status").read_text()
            raise AssertionError(f"still serving after Ctrl-C; it said: {''.join(said)[-2000:]!r}; signals: "
                                 + " ".join(line for line in status.splitlines() if line.startswith("Sig"))) from None
        reader.join(timeout=10)
        assert code == 0 and "stopped" in "".join(said), "".join(said)
    finally:
        if process.poll() is None:
            process.kill()


@pytest.mark.parametrize("name", ["../../etc/passwd", "urn:x:y", "a/b", "..", "", "ÉTÉ", "C:\\x", "orders"])
def test_path_segments_never_leave_their_folder(name: str):
    from alchemesh.docs.views import segment

    part = segment(name)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", part), part
    assert (part == name) == bool(re.fullmatch(r"[a-z][a-z0-9-]{0,62}", name))
    assert segment(name) == part and (name == "orders" or segment(name + "x") != part)


def test_serve_on_a_port_in_use_is_a_one_line_error(tmp_path: Path):
    import socket

    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        result = run_cli("docs", "serve", "--port", str(taken.getsockname()[1]), cwd=mesh)
    assert result.code == 2
    assert_no_traceback(result)
    assert "choose another --port" in result.err
    assert not (mesh / ".alchemesh" / "site").exists()  # said before anything was built


def test_serve_on_a_port_out_of_range_is_a_usage_error_before_any_build(quickstart: Path):
    result = invoke("docs", "serve", "--port", "99999", cwd=quickstart)
    assert result.code == 2 and "99999" in result.err and "internal error" not in result.err
    assert not (quickstart / ".alchemesh" / "site").exists()


def test_the_catalog_serves_data_consumers(tmp_path: Path):
    """Index pages for products and contracts, Markdown rendered (raw HTML and script links refused), contacts
    as mailto links, contract examples shown, no table header without rows."""
    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    description = "Orders **per day**, see [the runbook](https://example.org/runbook) <b>raw</b> [x](javascript:alert(1))"
    edit(mesh, "domains/sales/orders/product.yaml",
         ("  description: Every order placed", f"  description: {json.dumps(description)}\n  x-was: Every order placed"))
    text = (mesh / "domains/sales/orders/product.yaml").read_text()
    (mesh / "domains/sales/orders/product.yaml").write_text(re.sub(r"\n  x-was: .*", "", text))
    (mesh / "polysemes.yaml").unlink()
    for path in mesh.rglob("contract.odcs.yaml"):  # no polysemes left to join
        path.write_text(re.sub(r"\n +customProperties:\n +- \{property: polyseme, value: customer\}", "",
                               path.read_text()))
    result = run_cli("docs", "build", cwd=mesh)
    assert result.code == 0, result.out + result.err
    site = mesh / ".alchemesh" / "site"
    index = (site / "index.html").read_text()
    assert 'href="products.html">Products</a>' in index and 'href="contracts.html">Contracts</a>' in index
    products = (site / "products.html").read_text()
    assert products.count("<tr>") == 5 and "<strong>per day</strong>" in products  # a header row and four
    assert "<b>raw</b>" not in products and "&lt;b&gt;raw&lt;/b&gt;" in products and "href=\"javascript" not in products
    assert '<a href="https://example.org/runbook">the runbook</a>' in (site / "products/sales/orders.html").read_text()
    assert (site / "contracts.html").read_text().count("<tr>") == 5
    team = (site / "teams/web-shop.html").read_text()
    assert '<a href="mailto:web-shop@example.com">web-shop@example.com</a>' in team
    contract = next(p.read_text() for p in (site / "contracts").glob("*.html") if "delivered</code>" in p.read_text())
    assert "<th>Examples</th>" in contract  # the quickstart's `status` gives `examples: [delivered]`
    assert "<th>Polyseme</th>" not in index and "No polysemes." in index
    assert "<h3>Why</h3>" in (site / "rules.html").read_text()


def test_the_last_data_tests_show_on_product_and_port_pages(tmp_path: Path):
    """`alchemesh test` keeps each port's last result; the catalog shows a badge per environment, the failing
    checks with what was measured and where, and "not tested" for the others. Values from the data are text."""
    from alchemesh.datatest.result import CheckResult, PortResult, TestRun
    from alchemesh.datatest.history import store
    from alchemesh.findings import DataImpact, Finding, Severity

    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    contract = "domains/sales/orders/contract.odcs.yaml"
    finding = Finding("data-quality", Severity.ERROR, f"measured {HOSTILE}", contract, 52, 13,
                      data=DataImpact("urn:datacontract:sales:orders", "sales/orders/orders", HOSTILE, "= 0"))
    failed = PortResult("sales/orders/orders", "urn:datacontract:sales:orders", contract, "failed",
                        (CheckResult("data-required", "orders.order_id: required", "passed", "0", "= 0"),
                         CheckResult("data-quality", "orders.status: invalidValues", "failed", HOSTILE, "= 0", finding),
                         CheckResult("data-freshness", "orders.ordered_at: freshness", "passed", "2 h old", "≤ 1 d old")),
                        (finding,))
    passed = PortResult("sales/customers/customers", "urn:datacontract:sales:customers",
                        "domains/sales/customers/contract.odcs.yaml", "passed",
                        (CheckResult("data-required", "customers.customer_id: required", "passed", "0", "= 0"),))
    store(mesh, TestRun("dev", (failed, passed), "2026-06-01T12:00:00Z"), {failed.port, passed.port})
    result = run_cli("docs", "build", cwd=mesh)
    assert result.code == 0, result.out + result.err
    site = mesh / ".alchemesh" / "site"
    port = (site / "ports/sales/orders/orders.html").read_text()
    assert 'class="badge health failed"' in port and "Tested 2026-06-01T12:00:00Z: 3 checks, 1 failing." in port
    assert f"<code>{contract}:52:13</code>" in port and "orders.status: invalidValues" in port
    assert "orders.ordered_at: freshness: 2 h old (passed, SLA ≤ 1 d old)" in port
    assert "<script>alert" not in port and "&lt;script&gt;" in port
    assert 'class="badge health failed"' in (site / "products/sales/orders.html").read_text()
    assert 'class="badge health passed"' in (site / "products/sales/customers.html").read_text()
    untested = (site / "ports/marketing/segments/segments.html").read_text()
    assert "Not tested yet" in untested and "badge health" not in untested


def test_a_history_entry_that_is_not_a_result_is_left_out_and_the_others_kept(tmp_path: Path):
    """The test history is read back into typed results: an entry edited by hand (no status, checks of the wrong
    shape) is no result and shows as "not tested"; the good one still shows; a later run keeps it, typed."""
    import json

    from alchemesh.datatest.history import load, store
    from alchemesh.datatest.result import KeptCheck, PortResult, TestRun

    mesh = copy_mesh(QUICKSTART, tmp_path / "mesh-examples" / "quickstart")
    history = mesh / ".alchemesh/test/dev.json"
    history.parent.mkdir(parents=True)
    good = {"port": "sales/customers/customers", "contract": "c", "file": "f", "status": "passed",
            "testedAt": "2026-06-01T12:00:00Z", "consumers": ["x/y/z", 3],
            "checks": [{"rule": "data-required", "name": "n", "status": "passed", "observed": [1], "expected": "= 0"},
                       "not a check"]}
    history.write_text(json.dumps({"environment": "dev", "ports": [
        good, {"port": "sales/orders/orders", "status": "lost", "checks": []}, ["nonsense"]]}))
    kept = load(mesh, "dev")
    assert list(kept) == ["sales/customers/customers"]
    assert kept["sales/customers/customers"].consumers == ("x/y/z",)
    assert kept["sales/customers/customers"].checks == (KeptCheck("data-required", "n", "passed", "[1]", "= 0"),)
    site = mesh / ".alchemesh/site"
    assert run_cli("docs", "build", cwd=mesh).code == 0
    assert 'class="badge health passed"' in (site / "ports/sales/customers/customers.html").read_text()
    assert "Not tested yet" in (site / "ports/sales/orders/orders.html").read_text()

    store(mesh, TestRun("dev", (PortResult("sales/orders/orders", "c2", "f2", "passed"),), "2026-06-02T00:00:00Z"),
          {"sales/customers/customers", "sales/orders/orders"})
    again = load(mesh, "dev")
    assert sorted(again) == ["sales/customers/customers", "sales/orders/orders"]
    assert again["sales/customers/customers"] == kept["sales/customers/customers"]


def test_a_build_walks_the_git_history_once(git_quickstart: Path, monkeypatch: pytest.MonkeyPatch):
    """The contracts' versions, the recent changes and the product feed come from one walk of the commits."""
    from alchemesh import gitrepo

    walks: list[str] = []
    real = gitrepo.commits_touching
    monkeypatch.setattr(gitrepo, "commits_touching", lambda root, suffixes: walks.append(str(root)) or real(root, suffixes))
    result = invoke("docs", "build", cwd=git_quickstart)  # in this process: the walks are counted
    assert result.code == 0, result.out + result.err
    assert len(walks) == 1
    site = git_quickstart / ".alchemesh/site"
    assert "Recently changed" in (site / "index.html").read_text()
    assert (site / "api/v1/events").is_dir() and any((site / "api/v1/events").iterdir())
