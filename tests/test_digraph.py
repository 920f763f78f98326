"""roadmap.digraph behaves as the networkx DiGraph it replaced where the plan depends on it."""

from __future__ import annotations

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from roadmap import digraph
from tests.conftest import examples

NODES = [f"n{i:02d}" for i in range(12)]
edge_lists = st.lists(
    st.tuples(st.sampled_from(NODES), st.sampled_from(NODES), st.integers(0, 3)).filter(lambda e: e[0] < e[1]),
    max_size=30,
)
"""Acyclic by construction (each edge goes to a larger name); added in the drawn order."""


def both(edges: list[tuple[str, str, int]], extra: list[str]) -> tuple[digraph.DiGraph[str], nx.DiGraph]:
    ours: digraph.DiGraph[str] = digraph.DiGraph()
    theirs: nx.DiGraph = nx.DiGraph()
    for node in extra:
        ours.add_node(node)
        theirs.add_node(node)
    for u, v, lag in edges:
        ours.add_edge(u, v, lag=lag)
        theirs.add_edge(u, v, lag=lag)
    return ours, theirs


@settings(max_examples=examples(40), deadline=None)
@given(edge_lists, st.lists(st.sampled_from(NODES), max_size=4), st.lists(st.sampled_from(NODES), max_size=3))
def test_orders_and_neighbours_match_networkx_after_removals(
    edges: list[tuple[str, str, int]], extra: list[str], removed: list[str]
) -> None:
    ours, theirs = both(edges, extra)
    for node in removed:
        if node in theirs:
            theirs.remove_node(node)
            ours.remove_node(node)
    assert ours.nodes == list(theirs.nodes)
    assert list(digraph.topological_sort(ours)) == list(nx.topological_sort(theirs))
    assert list(digraph.lexicographical_topological_sort(ours)) == list(nx.lexicographical_topological_sort(theirs))
    for node in theirs:
        assert list(ours.predecessors(node)) == list(theirs.predecessors(node))
        assert list(ours.successors(node)) == list(theirs.successors(node))
        assert digraph.ancestors(ours, node) == nx.ancestors(theirs, node)
        for s in theirs.successors(node):
            assert ours.edges[node, s] == theirs.edges[node, s]


def test_edge_data_is_shared_and_updated_in_place() -> None:
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_edge("a", "b", lag=1)
    graph.edges["a", "b"]["lag"] = 4
    graph.add_edge("a", "c")
    graph.add_edge("a", "b", kind="x")  # updating keeps the edge where it was
    assert list(graph.successors("a")) == ["b", "c"]
    assert graph.edges["a", "b"] == {"lag": 4, "kind": "x"}
    graph.remove_edge("a", "b")
    assert not graph.has_edge("a", "b")
    assert "b" in graph


def test_a_cycle_has_no_order() -> None:
    graph: digraph.DiGraph[str] = digraph.DiGraph()
    graph.add_edge("a", "b")
    graph.add_edge("b", "c")
    assert digraph.is_directed_acyclic_graph(graph)
    graph.add_edge("c", "a")
    assert not digraph.is_directed_acyclic_graph(graph)
    with pytest.raises(digraph.NotADag):
        list(digraph.lexicographical_topological_sort(graph))
