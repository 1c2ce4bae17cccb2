"""The graph algorithms every stage shares: levels, reachability, cycles."""

from __future__ import annotations

from alchemesh.resolve.dag import cycles, dag_levels, reach


def test_levels_put_every_dependency_in_an_earlier_level():
    deps = {"c": {"a", "b"}, "a": set(), "b": {"a"}, "d": {"outside"}}
    assert dag_levels(deps) == [["a", "d"], ["b"], ["c"]]


def test_a_cycle_ends_up_in_one_last_level():
    assert dag_levels({"a": set(), "b": {"c", "a"}, "c": {"b"}}) == [["a"], ["b", "c"]]


def test_reach_follows_edges_transitively_and_excludes_the_start():
    neighbours = {"a": {"b"}, "b": {"c", "a"}, "c": set(), "x": {"a"}}
    assert reach("a", neighbours) == {"b", "c"}
    assert reach("c", neighbours) == set() and reach("unknown", neighbours) == set()


def test_cycles_are_found_with_their_members_and_self_loops():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"d"}, "e": {"a"}}
    assert cycles(graph) == [["a", "b", "c"], ["d"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_a_long_chain_does_not_hit_the_recursion_limit():
    chain = {str(i): {str(i + 1)} for i in range(20_000)}
    chain["20000"] = {"0"}
    (cycle,) = cycles(chain)
    assert len(cycle) == 20_001
