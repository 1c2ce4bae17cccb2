"""The catalog in a real browser: Debian's headless Chromium driven by Playwright (never a
downloaded browser). Opened from file:// and from an HTTP server under a path prefix."""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from tests.testing import REPO

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = REPO / ".pytest-artifacts"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian chromium is not installed: `apt-get install chromium` (.ci/run does)", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.errors = []
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    yield page
    page.close()


def test_home_search_link_and_lineage_from_file_url(site: Path, page):
    page.goto((site / "index.html").as_uri())
    assert page.title() == "Home · quickstart"
    assert page.locator("svg.lineage").first.get_attribute("data-nodes") == "4"
    assert page.locator("svg.lineage g.node").count() == 4
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "catalog-home.png"), full_page=True)

    page.fill("#search", "computed_on")  # a field of the segments contract only
    result = page.locator("#search-results a", has_text="marketing/segments").first
    result.wait_for(timeout=5000)
    assert page.locator("#search-results li").count() >= 2  # the product and the field itself
    result.click()
    page.wait_for_url("**/products/marketing/segments.html")
    assert page.locator("h1").inner_text().startswith("marketing/segments")
    assert page.locator("svg.lineage g.node.focus").count() == 1

    page.keyboard.press("/")  # focuses the search from anywhere on the page
    assert page.evaluate("document.activeElement.id") == "search"
    page.keyboard.type("zzzznothing")
    page.locator("#search-count", has_text="Nothing found").wait_for(timeout=5000)
    page.goto((site / "index.html").as_uri() + "?q=computed_on")  # a search is a link
    page.locator("#search-results a", has_text="marketing/segments").first.wait_for(timeout=5000)
    assert page.input_value("#search") == "computed_on"
    page.fill("#search", "segment")
    page.wait_for_function("new URLSearchParams(location.search).get('q') === 'segment'", timeout=5000)
    page.goto((site / "products/marketing/segments.html").as_uri())

    page.click("text=growth-analytics")  # a neighbour: the owner
    page.wait_for_url("**/teams/growth-analytics.html")
    for rel in ("rules.html", "polysemes/customer.html", "ports/sales/orders/orders.html"):
        page.goto((site / rel).as_uri())
    page.goto(next((site / "contracts").glob("*sales-orders*.html")).as_uri())
    page.locator('a[href$="polysemes/customer.html"]').first.click()  # the polyseme of customer_id
    page.wait_for_url("**/polysemes/customer.html")
    assert page.errors == []


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def test_works_under_any_path_prefix_over_http(site: Path, page, tmp_path: Path):
    # The site's parent folders become the URL prefix: /<tmp>/…/site/index.html
    handler = functools.partial(_Quiet, directory="/")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}{site.as_posix()}/"
        page.goto(base + "ports/sales/orders/orders.html")
        page.fill("#search", "segm")
        page.locator("#search-results a", has_text="marketing/segments").first.click()
        page.wait_for_url(base + "products/marketing/segments.html")
        page.fill("#search", "customer value")
        page.locator("#search-results a").first.wait_for(timeout=5000)
        page.keyboard.press("Enter")  # Enter follows the first result
        page.wait_for_load_state()
        assert page.url.startswith(base)
        assert page.errors == []
    finally:
        server.shutdown()
        server.server_close()


def test_pages_fit_a_phone_screen(site: Path, browser):
    phone = browser.new_page(viewport={"width": 375, "height": 740})
    try:
        for rel in ("index.html", "products.html", "products/sales/orders.html", "rules.html",
                    *(p.relative_to(site).as_posix() for p in sorted((site / "contracts").glob("*.html"))[:1])):
            phone.goto((site / rel).as_uri())
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 375, f"{rel} is {width}px wide on a 375px screen"
    finally:
        phone.close()
