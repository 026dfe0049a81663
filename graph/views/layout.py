"""Where a big map's entities stand, computed once in Python, so the browser draws them at once.

vis-network's physics needs tens of seconds to settle a map of thousands of entities and, left alone,
pushes the busiest entities to the edges (they repel everything). :func:`community_layout` instead:

- finds communities (networkx's Louvain method, weighted by claims, seeded: the same map, the same
  layout);
- lays out each community by itself (networkx's spring layout), its most central entities pulled to
  its middle;
- places the communities on a sunflower spiral, the most central community (the sum of its entities'
  centrality) in the middle and the others outwards in order, each given room by its size.

So a community's entities stand together, and the main entities of the conversation are central.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # networkx is loaded when a map is laid out: most maps are not (0.1 s of a command)
    import networkx as nx

SPACING = 85.0
"""Canvas pixels per entity, about: a community of n entities gets a disc of radius SPACING·√n / 2."""

GOLDEN_ANGLE = math.pi * (3 - math.sqrt(5))
NODE_SMALLEST, NODE_LARGEST = 9.0, 38.0
"""The radii, in canvas pixels, the page draws entities at (``vis_options``' node scaling)."""
ITERATIONS, ITERATIONS_LEAST, ITERATION_BUDGET = 60, 20, 24_000
"""Spring iterations for a community, at most and at least, and their budget: iterations × entities."""
SPECTRAL_FROM = 500
"""A community this big is laid out by its graph's spectrum (:func:`_spectral`, as networkx's spectral
layout but seeded: one sparse eigen-solve, 0.3 s for 1,000 entities) rather than by springs: networkx's
sparse spring layout, which it switches to at this size, took 2 s of a 10,000-document store's filtered
map; only the directions and the order outwards are kept of either."""
NODE_GAP = 24.0
"""Canvas pixels left between two entities' outlines, so the arrow between them shows and can be clicked."""


def community_layout(
    graph: nx.MultiDiGraph, rank: Mapping[str, float], seed: int = 7
) -> dict[str, tuple[float, float]]:
    """A position (canvas pixels, centred on 0, 0) for each node of ``graph``; ``rank`` is each node's
    centrality (0 to 1), the most central drawn inwards.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("b", "c"), ("d", "e"), ("d", "f"), ("c", "d")])
    >>> pos = community_layout(g, {"a": 1.0, "b": 0.5, "c": 0.5, "d": 0.5, "e": 0.2, "f": 0.2})
    >>> sorted(pos) == sorted(g) and math.dist(pos["a"], (0, 0)) < math.dist(pos["e"], (0, 0))
    True
    """
    # Built in sorted order: the communities and the layout depend on it, and must not depend on the
    # order the claims were read in.
    weights: dict[tuple[str, str], int] = {}
    for u, v in graph.edges():
        if u != v:
            pair = (min(u, v), max(u, v))
            weights[pair] = weights.get(pair, 0) + 1
    # Numbered, too: networkx's Louvain method iterates over sets, whose order for strings changes with
    # each process's hash seed, and integers hash to themselves.
    import networkx as nx

    names = sorted(graph)
    number = {name: i for i, name in enumerate(names)}
    simple = nx.Graph()
    simple.add_nodes_from(range(len(names)))
    simple.add_weighted_edges_from((number[u], number[v], w) for (u, v), w in sorted(weights.items()))
    found = nx.community.louvain_communities(simple, weight="weight", seed=seed)
    communities = sorted(
        (sorted(names[i] for i in c) for c in found), key=lambda c: (-sum(rank.get(n, 0.0) for n in c), c[0])
    )
    simple = nx.relabel_nodes(simple, dict(enumerate(names)))
    pos: dict[str, tuple[float, float]] = {}
    used = 0.0  # the sum of the squared radii of the discs placed, with a margin
    for k, members in enumerate(communities):
        radius = SPACING * math.sqrt(len(members)) / 2
        # Outwards on a spiral, at the golden angle: each disc just beyond the area the others use.
        distance = math.sqrt(used) + radius if k else 0.0
        cx, cy = distance * math.cos(k * GOLDEN_ANGLE), distance * math.sin(k * GOLDEN_ANGLE)
        used += (1.2 * radius) ** 2
        for node, (x, y) in _inner(_ordered(simple, members), rank, seed).items():
            pos[node] = (cx + radius * x, cy + radius * y)
    top = max(rank.values(), default=0.0) or 1.0
    spread = _apart(pos, {n: _drawn_radius(rank.get(n, 0.0) / top) for n in pos})
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in spread.items()}


def _drawn_radius(share: float) -> float:
    """About how large the page draws an entity whose centrality is ``share`` of the largest (vis-network
    scales node sizes linearly between the map's ``scaling`` bounds)."""
    return NODE_SMALLEST + (NODE_LARGEST - NODE_SMALLEST) * share


def _apart(
    pos: Mapping[str, tuple[float, float]], radius: Mapping[str, float], rounds: int = 40
) -> dict[str, tuple[float, float]]:
    """The positions moved just enough that no two entities overlap: each too-close pair pushed apart
    along the line between them, half each, until every pair has its radii and a gap between them (or
    ``rounds`` are done). Overlapping entities hide the arrows between them, which a reader could then
    not click. Each round finds the close pairs at once (scipy's k-d tree) and moves them all together
    (numpy): the pairwise loop in Python took a second on a map of 1,000 entities. Deterministic: the
    pairs are sorted before they move.

    >>> out = _apart({"a": (0.0, 0.0), "b": (5.0, 0.0)}, {"a": 10.0, "b": 10.0})
    >>> round(math.dist(out["a"], out["b"]), 1) >= 20 + NODE_GAP
    True
    """
    import numpy as np  # a big map's only: a small one is drawn without NumPy
    from scipy.spatial import cKDTree

    names = sorted(pos)
    if not names:
        return {}
    at = np.array([pos[n] for n in names], dtype=float)
    size = np.array([radius[n] for n in names], dtype=float)
    reach = 2 * size.max() + NODE_GAP
    for _ in range(rounds):
        pairs = cKDTree(at).query_pairs(reach, output_type="ndarray")
        pairs = pairs[np.lexsort((pairs[:, 1], pairs[:, 0]))] if len(pairs) else pairs
        a, b = pairs[:, 0], pairs[:, 1]
        delta = at[b] - at[a]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        need = size[a] + size[b] + NODE_GAP
        close = dist < need
        if not close.any():
            break
        a, b, delta, dist, need = a[close], b[close], delta[close], dist[close], need[close]
        same = dist < 1e-6  # the same place: apart along a direction of their names' order
        delta[same], dist[same] = (1.0, 0.0), 1.0
        push = delta * ((need - dist) / 2 / dist)[:, None]
        np.subtract.at(at, a, push)
        np.add.at(at, b, push)
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, at, strict=True)}


def _ordered(graph: nx.Graph, members: list[str]) -> nx.Graph:
    """The subgraph of ``members`` as a graph of its own, nodes and edges in sorted order (a networkx
    subgraph view iterates over a set of nodes, in an order that changes with the hash seed)."""
    import networkx as nx

    inside = set(members)
    sub = nx.Graph()
    sub.add_nodes_from(sorted(members))
    sub.add_weighted_edges_from(
        sorted(
            (u, v, d["weight"]) for u, v, d in graph.edges(members, data=True) if u in inside and v in inside
        )
    )
    return sub


def _iterations(size: int) -> int:
    """Spring iterations for a community of ``size``: 60, fewer for big ones (each costs about size² of
    Python's time, and only the directions and the order outwards are kept), 20 at least.

    >>> _iterations(50), _iterations(600), _iterations(2000)
    (60, 40, 20)
    """
    return max(ITERATIONS_LEAST, min(ITERATIONS, ITERATION_BUDGET // size))


def _spectral(sub: nx.Graph, seed: int) -> dict[str, tuple[float, float]]:
    """Each node's place by its graph's spectrum, as ``nx.spectral_layout`` finds it for a big graph (the
    Laplacian's two smallest eigenvectors but the first, from one sparse eigen-solve), but from a seeded
    start: networkx's call to ARPACK starts from a random vector it cannot be given, so a community this
    big came out differently every time (772 of a map's 1,127 entities moved from one run to the next)."""
    import networkx as nx
    import numpy as np
    import scipy as sp

    nodes = list(sub)
    adjacency = nx.to_scipy_sparse_array(sub, nodelist=nodes, weight="weight", dtype=float)
    laplacian = sp.sparse.csgraph.laplacian(adjacency)
    k = 3  # the zero eigenvalue's vector, then the two that place the nodes
    start = np.random.default_rng(seed).uniform(-1.0, 1.0, len(nodes))  # as ARPACK draws its own
    values, vectors = sp.sparse.linalg.eigsh(
        laplacian, k, which="SM", ncv=max(2 * k + 1, int(math.sqrt(len(nodes)))), v0=start
    )
    xy = np.real(vectors[:, np.argsort(values)[1:k]])
    return {node: (float(x), float(y)) for node, (x, y) in zip(nodes, xy, strict=True)}


def _inner(sub: nx.Graph, rank: Mapping[str, float], seed: int) -> dict[str, tuple[float, float]]:
    """Positions within a unit disc, the community's most central entities nearest its middle."""
    nodes = list(sub)
    if len(nodes) == 1:
        return {nodes[0]: (0.0, 0.0)}
    import networkx as nx

    if len(nodes) >= SPECTRAL_FROM:
        raw = _spectral(sub, seed)
    else:
        raw = nx.spring_layout(
            sub, weight="weight", seed=seed, iterations=_iterations(len(nodes)), method="force"
        )
    mx = sum(p[0] for p in raw.values()) / len(raw)
    my = sum(p[1] for p in raw.values()) / len(raw)
    top = max(rank.get(n, 0.0) for n in nodes) or 1.0
    # Spread evenly over the disc, keeping each entity's direction from the middle and its order
    # outwards, the most central moved inwards (to half their distance, before the order is taken).
    order = sorted(
        nodes,
        key=lambda n: (
            math.hypot(raw[n][0] - mx, raw[n][1] - my) * (0.5 + 0.5 * (1 - rank.get(n, 0.0) / top)),
            n,
        ),
    )
    out = {}
    for i, node in enumerate(order):
        angle = math.atan2(raw[node][1] - my, raw[node][0] - mx)
        r = math.sqrt((i + 0.5) / len(order))
        out[node] = (r * math.cos(angle), r * math.sin(angle))
    return out
