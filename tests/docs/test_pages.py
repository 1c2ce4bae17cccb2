"""Page-level choices that only show on large meshes: the home lineage by domain, focused lineage cut
to direct neighbours."""

from __future__ import annotations

from alchemesh.docs import pages
from alchemesh.docs.views import Catalog, DomainView, ProductView, domain_link, product_link, team_link


def product(pid: str, upstream=(), downstream=()) -> ProductView:
    domain = pid.split("/", 1)[0]
    return ProductView(product_link(pid), pid.split("/", 1)[1], domain_link(domain), team_link("t"), None, "1.0.0",
                       "active", (), f"{pid}.yaml", (), (), (), tuple(map(product_link, upstream)),
                       tuple(map(product_link, downstream)))


def catalog(products: list[ProductView], edges: list[tuple[str, str]]) -> Catalog:
    domains = sorted({p.domain.id for p in products})
    return Catalog("m", None, tuple(DomainView(domain_link(d), None, "aggregate", team_link("t"), None, (), ())
                                    for d in domains), (), tuple(products), (), (), tuple(sorted(edges)))


def test_home_draws_domains_past_the_limit():
    n = pages.FULL_GRAPH_LIMIT + 1
    products = [product(f"d{i % 3}/p{i}") for i in range(n)]
    edges = [(f"d{i % 3}/p{i}", f"d{(i + 1) % 3}/p{i + 1}") for i in range(n - 1)]
    svg, note = pages._home_lineage(catalog(products, edges))
    assert 'data-nodes="3"' in svg and note and f"{n} data products" in note
    small, no_note = pages._home_lineage(catalog(products[:5], edges[:4]))
    assert 'data-nodes="5"' in small and no_note is None


def test_a_product_page_draws_its_whole_lineage_or_only_its_neighbours():
    n = pages.FOCUS_LIMIT + 5
    chain = [f"d/p{i:03d}" for i in range(n)]
    edges = list(zip(chain, chain[1:], strict=False))
    products = [product(pid, chain[i - 1:i], chain[i + 1:i + 2]) for i, pid in enumerate(chain)]
    cat = catalog(products, edges)
    adjacency = pages._adjacency(cat.edges)
    middle = products[n // 2]
    svg, note = pages._product_lineage(cat, middle, "../../", adjacency)
    assert f'data-nodes="{2 * pages.HOPS + 1}"' in svg and "steps away" in note  # HOPS each way, and it says so
    end = catalog(products[:pages.HOPS + 1], edges[:pages.HOPS])
    svg, note = pages._product_lineage(end, products[pages.HOPS], "../../", pages._adjacency(end.edges))
    assert f'data-nodes="{pages.HOPS + 1}"' in svg and note is None  # all of its upstream
    star = [product("d/hub", (), [f"d/c{i:03d}" for i in range(pages.FOCUS_LIMIT)])]
    star += [product(f"d/c{i:03d}", ["d/hub"], [f"d/e{i:03d}"]) for i in range(pages.FOCUS_LIMIT)]
    star += [product(f"d/e{i:03d}", [f"d/c{i:03d}"]) for i in range(pages.FOCUS_LIMIT)]
    fan = [("d/hub", f"d/c{i:03d}") for i in range(pages.FOCUS_LIMIT)]
    fan += [(f"d/c{i:03d}", f"d/e{i:03d}") for i in range(pages.FOCUS_LIMIT)]
    wide = catalog(star, fan)
    svg, note = pages._product_lineage(wide, star[0], "../../", pages._adjacency(wide.edges))
    assert f'data-nodes="{pages.FOCUS_LIMIT + 1}"' in svg and "too large" in note  # too many: direct ones only
