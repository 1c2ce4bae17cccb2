"""Render the catalog: HTML pages (Jinja2, autoescaped), the JSON API, the search index and the
static assets, as site path → bytes. Nothing here touches the disk but the package's own files."""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path, PurePosixPath
from collections.abc import Iterator, Sequence
from typing import Any

import jinja2
from markupsafe import Markup
import orjson

from alchemesh import __version__
from alchemesh.docs.views import Catalog, ContractView, Link, ProductView, product_link
from alchemesh.docs.lineage import Node, lineage_svg
from alchemesh.docs.search import Entry, build_index
from alchemesh.validate.rules.base import Rule

HERE = Path(__file__).parent
FULL_GRAPH_LIMIT = 300  # beyond it the home page draws domains, not products
HOPS = 2  # a product page draws its producers and consumers this many steps away; its neighbours' pages go on
FOCUS_LIMIT = 40  # beyond it a product page draws its direct neighbours only


def render_site(catalog: Catalog, rules: list[Rule]) -> Iterator[tuple[str, str | bytes]]:
    """Every file of the site, (path, content), one at a time: a large catalog is never whole in memory."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["md"] = markdown
    env.filters["md_inline"] = markdown_inline
    env.filters["dedent"] = textwrap.dedent

    def page(path: str, template: str, title: str, **context: Any) -> tuple[str, str]:
        root = "../" * (len(PurePosixPath(path).parts) - 1)
        return path, env.get_template(template).render(catalog=catalog, root=root, title=title,
                                                       version=__version__, **context)

    contracts = {c.link.id: c for c in catalog.contracts}
    home_svg, home_note = _home_lineage(catalog)
    yield page("index.html", "index.html", "Home", ports=catalog.ports, lineage=home_svg, lineage_note=home_note)
    yield page("rules.html", "rules.html", "Rules", rules=rules)
    yield page("migrations.html", "migrations.html", "Migrations", migrations=catalog.migrations)
    yield page("products.html", "products.html", "Data products")
    yield page("contracts.html", "contracts.html", "Data contracts")
    products_by_domain: dict[str, list[ProductView]] = {}
    for product in catalog.products:
        products_by_domain.setdefault(product.domain.id, []).append(product)
    for d in catalog.domains:
        yield page(d.link.url, "domain.html", d.link.title, d=d, products=products_by_domain.get(d.link.id, []))
    for t in catalog.teams:
        yield page(t.link.url, "team.html", t.link.title, t=t)
    adjacency = _adjacency(catalog.edges)
    for p in catalog.products:
        svg, note = _product_lineage(catalog, p, "../" * (len(PurePosixPath(p.link.url).parts) - 1), adjacency)
        yield page(p.link.url, "product.html", p.link.title, p=p, lineage=svg, lineage_note=note)
        for port in p.outputs:
            yield page(port.link.url, "port.html", port.link.title, port=port,
                       contract=contracts.get(port.contract.id) if port.contract else None)
    for c in catalog.contracts:
        yield page(c.link.url, "contract.html", c.name or c.link.title, c=c)
    for polyseme in catalog.polysemes:
        yield page(polyseme.link.url, "polyseme.html", polyseme.link.title, p=polyseme)
    yield from api_documents(catalog)
    yield from build_index(search_entries(catalog)).items()
    for asset in sorted((HERE / "static").iterdir()):
        yield f"static/{asset.name}", asset.read_bytes()


# --- Markdown in descriptions --------------------------------------------------------------------------


@functools.cache
def _markdown_it():
    from markdown_it import MarkdownIt

    # CommonMark with raw HTML off: a description may format text and link (http, https, mailto), never inject
    # markup; markdown-it refuses javascript:, vbscript:, file: and data: links itself.
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def markdown(text: str | None):
    """A description as Markdown, rendered to safe HTML."""
    return Markup(_markdown_it().render(text)) if text else Markup("")


def markdown_inline(text: str | None):
    """One line of Markdown (a table cell): emphasis, code and links, no paragraphs."""
    return Markup(_markdown_it().renderInline(" ".join(text.split()))) if text else Markup("")


# --- lineage ---------------------------------------------------------------------------------------


def _home_lineage(catalog: Catalog) -> tuple[str, str | None]:
    if len(catalog.products) <= FULL_GRAPH_LIMIT:
        nodes = [_node(p.link, p.domain.id, "") for p in catalog.products]
        return lineage_svg(nodes, list(catalog.edges), title="Data products and who consumes whom"), None
    domains = [Node(d.link.id, d.link.title, d.link.id, d.link.url) for d in catalog.domains]
    edges = sorted({(a.split("/", 1)[0], b.split("/", 1)[0]) for a, b in catalog.edges})  # self-loops dropped
    note = f"{len(catalog.products)} data products: drawn by domain; each product page draws its own lineage."
    return lineage_svg(domains, edges, title="Domains and who consumes whom"), note


def _product_lineage(catalog: Catalog, product: ProductView, root: str,
                     adjacency: tuple[dict[str, set[str]], dict[str, set[str]]]) -> tuple[str, str | None]:
    (up, more_up), (down, more_down) = (_near(product.link.id, side) for side in adjacency)
    note = f"Producers and consumers up to {HOPS} steps away: each box's page goes on." \
        if more_up or more_down else None
    if len(up) + len(down) > FOCUS_LIMIT:
        up, down = {u.id for u in product.upstream}, {d.id for d in product.downstream}
        note = "Direct producers and consumers only: the lineage is too large to draw."
    keep = up | down | {product.link.id}
    nodes = [_node(product_link(pid), pid.split("/", 1)[0], root) for pid in sorted(keep)]
    edges = [(a, b) for a in sorted(keep) for b in sorted(adjacency[1].get(a, ())) if b in keep]
    return lineage_svg(nodes, edges, focus=product.link.id, title=f"Lineage of {product.link.id}"), note


def _near(start: str, neighbours: dict[str, set[str]]) -> tuple[set[str], bool]:
    """The products within HOPS steps of `start` (itself excluded), and whether the lineage goes on past them."""
    seen, frontier = {start}, {start}
    for _ in range(HOPS):
        frontier = {n for v in frontier for n in neighbours.get(v, ())} - seen
        seen |= frontier
    seen.discard(start)
    return seen, any(n not in seen and n != start for v in frontier for n in neighbours.get(v, ()))


def _adjacency(edges) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(producers of, consumers of) each product."""
    producers: dict[str, set[str]] = {}
    consumers: dict[str, set[str]] = {}
    for a, b in edges:
        producers.setdefault(b, set()).add(a)
        consumers.setdefault(a, set()).add(b)
    return producers, consumers


def _node(link: Link, group: str, root: str) -> Node:
    return Node(link.id, link.id.split("/", 1)[-1], group, root + link.url)


# --- API and search --------------------------------------------------------------------------------


def api_documents(catalog: Catalog) -> Iterator[tuple[str, bytes]]:
    """`api/v1/…`: one document per resource, an index, and the graph."""
    option = orjson.OPT_SORT_KEYS | orjson.OPT_APPEND_NEWLINE  # compact: 10,000 products make 30,000 documents

    def put(path: str, value: Any) -> tuple[str, bytes]:
        return f"api/v1/{path}", orjson.dumps(value, option=option)

    def api_path(link: Link) -> str:
        return str(PurePosixPath(link.url).with_suffix(".json"))

    groups: dict[str, Sequence[Any]] = {"domains": catalog.domains, "teams": catalog.teams, "products": catalog.products,
              "ports": catalog.ports, "contracts": catalog.contracts, "polysemes": catalog.polysemes}
    for items in groups.values():
        for item in items:
            yield put(api_path(item.link), item)  # orjson writes dataclasses as objects, fast
    yield put("index.json", {"mesh": catalog.name, "description": catalog.description, **{
        kind: [{"id": i.link.id, "url": i.link.url, "api": f"api/v1/{api_path(i.link)}"} for i in items]
        for kind, items in groups.items()}})
    yield put("graph.json", {"nodes": [p.link.id for p in catalog.products],
                             "edges": [{"producer": a, "consumer": b} for a, b in catalog.edges]})


def search_entries(catalog: Catalog) -> list[Entry]:
    entries = [Entry("domain", d.link.title, d.link.url, d.description or "") for d in catalog.domains]
    entries += [Entry("team", t.link.title, t.link.url, " ".join(filter(None, (t.display_name, t.description))))
                for t in catalog.teams]
    entries += [Entry("polyseme", p.link.title, p.link.url, p.description or "") for p in catalog.polysemes]
    fields = {c.link.id: " ".join(f.name for o in c.objects for f in o.fields) for c in catalog.contracts}
    for p in catalog.products:  # a product is found by the fields of its ports' contracts too
        words = [p.description or "", *(fields.get(port.contract.id, "") for port in p.outputs if port.contract)]
        entries.append(Entry("product", p.link.title, p.link.url, " ".join(filter(None, words))))
        entries += [Entry("port", port.link.title, port.link.url, port.description or "") for port in p.outputs]
    for c in catalog.contracts:
        entries.append(Entry("contract", c.link.title, c.link.url, " ".join(filter(None, [c.name, *(t for _, t in c.description)]))))
        entries += _field_entries(c)
    return entries


def _field_entries(contract: ContractView) -> list[Entry]:
    return [Entry("field", f"{o.name}.{f.name}", f"{contract.link.url}#{f.anchor}",
                  " ".join(filter(None, (f.logical_type, f.description, contract.link.id))))
            for o in contract.objects for f in o.fields]
