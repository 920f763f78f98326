"""A small directed graph: the part of networkx's ``DiGraph`` that resolve and the library use.

Issue 14: importing networkx took a third of a small plan's start-up, and its graph is slower
to build than plain dictionaries. :class:`DiGraph` keeps networkx's behaviour where the plan
depends on it: nodes, successors and predecessors iterate in insertion order, an edge's data
is one dict shared by both directions, and :func:`topological_sort` yields networkx's order
(generation by generation). networkx itself is still used to describe a dependency cycle in a
library, an error path.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterator
from typing import Any, Generic, TypeVar

N = TypeVar("N", bound=Hashable)

__all__ = [
    "DiGraph",
    "NotADag",
    "ancestors",
    "is_directed_acyclic_graph",
    "lexicographical_topological_sort",
    "topological_sort",
]


class NotADag(ValueError):
    """The graph has a cycle: it has no topological order."""


class _EdgeView(Generic[N]):
    """``graph.edges[u, v]``: the data dict of the edge ``u → v``."""

    __slots__ = ("_succ",)

    def __init__(self, succ: dict[N, dict[N, dict[str, Any]]]) -> None:
        self._succ = succ

    def __getitem__(self, edge: tuple[N, N]) -> dict[str, Any]:
        u, v = edge
        return self._succ[u][v]


class DiGraph(Generic[N]):
    """Nodes and directed edges with a data dict each (as ``networkx.DiGraph``)."""

    __slots__ = ("_pred", "_succ", "edges")

    def __init__(self) -> None:
        self._succ: dict[N, dict[N, dict[str, Any]]] = {}
        self._pred: dict[N, dict[N, dict[str, Any]]] = {}
        self.edges: _EdgeView[N] = _EdgeView(self._succ)
        """``edges[u, v]`` is the data dict of ``u → v`` (``KeyError`` when there is none)."""

    def add_node(self, node: N) -> None:
        """Add ``node`` (nothing happens when it is there)."""
        if node not in self._succ:
            self._succ[node] = {}
            self._pred[node] = {}

    def add_edge(self, u: N, v: N, **data: Any) -> None:
        """Add ``u → v`` (and its ends), or update the data of the edge already there."""
        self.add_node(u)
        self.add_node(v)
        datadict = self._succ[u].get(v, {})
        datadict.update(data)
        self._succ[u][v] = datadict
        self._pred[v][u] = datadict

    def has_edge(self, u: N, v: N) -> bool:
        """Whether ``u → v`` is an edge."""
        return u in self._succ and v in self._succ[u]

    def remove_node(self, node: N) -> None:
        """Remove ``node`` and its edges (``KeyError`` when it is not there)."""
        for s in self._succ[node]:
            del self._pred[s][node]
        del self._succ[node]
        for p in self._pred[node]:
            del self._succ[p][node]
        del self._pred[node]

    def remove_edge(self, u: N, v: N) -> None:
        """Remove ``u → v`` (``KeyError`` when it is not there)."""
        del self._succ[u][v]
        del self._pred[v][u]

    def predecessors(self, node: N) -> Iterator[N]:
        """The nodes with an edge into ``node``, in the order the edges were added."""
        return iter(self._pred[node])

    def successors(self, node: N) -> Iterator[N]:
        """The nodes ``node`` has an edge to, in the order the edges were added."""
        return iter(self._succ[node])

    def edge_list(self) -> Iterator[tuple[N, N, dict[str, Any]]]:
        """Every edge as ``(u, v, data)``, by ``u`` in node order, then in the order added."""
        return ((u, v, data) for u, succ in self._succ.items() for v, data in succ.items())

    @property
    def nodes(self) -> list[N]:
        """Every node, in the order they were added."""
        return list(self._succ)

    def __contains__(self, node: object) -> bool:
        return node in self._succ

    def __iter__(self) -> Iterator[N]:
        return iter(self._succ)

    def __len__(self) -> int:
        return len(self._succ)


def topological_sort(graph: DiGraph[N]) -> Iterator[N]:
    """The nodes, each after its predecessors, in networkx's order; :class:`NotADag` on a cycle.

    As ``networkx.topological_sort``: the nodes with no predecessor in insertion order, then,
    generation by generation, each node whose last predecessor was just taken.
    """
    indegree = {v: len(p) for v, p in graph._pred.items() if p}
    generation = [v for v, p in graph._pred.items() if not p]
    while generation:
        following: list[N] = []
        for node in generation:
            for child in graph._succ[node]:
                indegree[child] -= 1
                if indegree[child] == 0:
                    following.append(child)
                    del indegree[child]
        yield from generation
        generation = following
    if indegree:
        msg = "graph contains a cycle"
        raise NotADag(msg)


def lexicographical_topological_sort(graph: DiGraph[N]) -> Iterator[N]:
    """The topological order that takes the least ready node first (nodes must be comparable)."""
    indegree = {v: len(p) for v, p in graph._pred.items() if p}
    ready: list[Any] = [v for v, p in graph._pred.items() if not p]
    heapq.heapify(ready)
    while ready:
        node = heapq.heappop(ready)
        for child in graph._succ[node]:
            indegree[child] -= 1
            if indegree[child] == 0:
                heapq.heappush(ready, child)
                del indegree[child]
        yield node
    if indegree:
        msg = "graph contains a cycle"
        raise NotADag(msg)


def is_directed_acyclic_graph(graph: DiGraph[N]) -> bool:
    """Whether the graph has no cycle."""
    try:
        for _ in topological_sort(graph):
            pass
    except NotADag:
        return False
    return True


def ancestors(graph: DiGraph[N], node: N) -> set[N]:
    """Every node with a path to ``node`` (``node`` itself excluded)."""
    seen: set[N] = set()
    todo = [node]
    while todo:
        for p in graph._pred[todo.pop()]:
            if p not in seen:
                seen.add(p)
                todo.append(p)
    seen.discard(node)
    return seen
