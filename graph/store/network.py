"""The claim network: entities as nodes, claims as edges from speaker to target, for analyses, maps and the
GraphML/GEXF export.

Built from the store's records (``graph.store.reader.records``), so it shows exactly what the store holds;
each edge keeps the claim's document, offsets and text, so any edge leads back to its source span, and
the statement it belongs to (``graph.store.duplicates``): the same story found in several documents is one
statement, which analyses and maps count once while keeping every claim, each place it appeared.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR
from extract.scripts import is_traditional
from graph.store.duplicates import statement_keys
from graph.store.reader import records

if TYPE_CHECKING:  # networkx is loaded where a graph is built: a map of plain edges needs none (0.1 s)
    import networkx as nx

Edge = tuple[str, str, str, dict[str, Any]]
"""A claim network's edge as plain data: speaker node, target node, the claim's key, its attributes."""


def claim_network(
    recs: Iterable[Mapping[str, Any]],
    statements: Mapping[tuple[str, str], str] | None = None,
) -> nx.MultiDiGraph:
    """A multigraph with one node per entity and one edge per (claim, target).

    Node attributes: ``type``, ``name``, ``labels`` (all names), ``zh`` (a simplified Chinese name if
    any), ``mentions`` (count). Edge attributes: ``claim`` (a stable key, ``doc#start,end``),
    ``statement`` (the key of the claim it repeats, from ``statements`` by (claim key, speaker id), as
    ``graph.store.duplicates.statement_keys`` gives them; else its own key), ``type``, ``cue``, ``text``,
    ``quote``, ``doc``, ``start``, ``end``, ``post``, ``time`` (the claim's date: its post's time, else its
    document's publication, if known), and what the document's metadata says: ``title``, ``outlet`` (the
    outlet entity's name), ``url``. A document's unnamed author becomes a node ``author:<doc>`` of type
    ``AUTHOR`` when it speaks of someone.

    >>> recs = [
    ...     {"kind": "entity", "id": "a", "type": "PERSON", "name": "Ann", "labels": ["Ann", "安"]},
    ...     {"kind": "entity", "id": "b", "type": "ORG", "name": "Bee", "labels": ["Bee"]},
    ...     {"kind": "mention", "doc": "d", "entity": "a", "type": "PERSON", "text": "安",
    ...      "start": 0, "end": 1},
    ...     {"kind": "claim", "doc": "d", "speaker": "a", "cue": "说", "text": "Bee 偷了", "start": 3,
    ...      "end": 9, "targets": ["b"], "type": "accusation", "quote": "indirect", "post": None},
    ... ]
    >>> g = claim_network(recs)
    >>> (g.nodes["a"]["zh"], g.nodes["a"]["mentions"], list(g.edges(data="type")))
    ('安', 1, [('a', 'b', 'accusation')])
    """
    return network_of(*claim_edges(recs, statements))


def network_of(nodes: Mapping[str, Mapping[str, Any]], edges: Iterable[Edge]) -> nx.MultiDiGraph:
    """The claim network of plain data: ``nodes`` (attributes by id) and ``edges`` (:func:`claim_edges`)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes.items())
    graph.add_edges_from(edges)
    return graph


def claim_edges(
    recs: Iterable[Mapping[str, Any]],
    statements: Mapping[tuple[str, str], str] | None = None,
    *,
    brief: bool = False,
) -> tuple[dict[str, dict[str, Any]], list[Edge]]:
    """The nodes (by id, with their attributes) and edges of :func:`claim_network`, as plain data, in the
    order it adds them: what a map filters without building a graph (building it took 0.24 s of a map of
    28,758 claims). The edges of one claim share one attribute dict: read them, do not change them. A
    ``brief`` network's edges carry only ``claim``, ``statement``, ``type``, ``doc`` and ``time``, what a
    map filters and groups them by (it reads the rest from the claim's record): on a map of 28,758 claims,
    three times fewer values to copy."""
    nodes: dict[str, dict[str, Any]] = {}
    mentions: Counter[str] = Counter()
    times: dict[tuple[str, int], str] = {}
    documents: dict[str, Mapping[str, Any]] = {}
    claims = []
    for rec in recs:
        kind = rec.get("kind")
        if kind == "entity":
            labels = list(rec.get("labels", []))
            nodes[rec["id"]] = {
                "type": rec["type"],
                "name": rec["name"],
                "labels": labels,
                "zh": _chinese(labels),
            }
        elif kind == "mention":
            mentions[rec["entity"]] += 1
        elif kind == "document":
            documents[rec["doc"]] = rec
        elif kind == "post" and rec.get("time"):
            times[(rec["doc"], rec["floor"])] = rec["time"]
        elif kind == "claim":
            claims.append(rec)
    for node, attrs in nodes.items():
        attrs["mentions"] = mentions[node]
    edges: list[Edge] = []
    for claim in claims:
        speaker = claim["speaker"]
        if speaker == AUTHOR and claim.get("targets"):  # an unnamed author is drawn where it speaks
            speaker = f"{AUTHOR}:{claim['doc']}"
            name = f"author of {claim['doc']}"
            nodes[speaker] = {"type": "AUTHOR", "name": name, "labels": [], "zh": "", "mentions": 0}
        key = f"{claim['doc']}#{claim['start']},{claim['end']}"
        statement = (statements or {}).get((key, claim["speaker"]), key)
        when = claim.get("date") or times.get((claim["doc"], claim.get("post")))
        if brief:
            attrs = {
                "claim": key,
                "statement": statement,
                "type": claim["type"],
                "doc": claim["doc"],
                "time": when,
            }
        else:
            doc = documents.get(claim["doc"], {})
            outlet = doc.get("outlet")
            attrs = {
                "claim": key,
                "statement": statement,
                "type": claim["type"],
                "cue": claim.get("cue", ""),
                "text": claim["text"],
                "quote": claim["quote"],
                "doc": claim["doc"],
                "start": claim["start"],
                "end": claim["end"],
                "post": claim.get("post"),
                "time": when,
                "title": doc.get("title"),
                "outlet": nodes[outlet]["name"] if outlet in nodes else outlet,
                "url": doc.get("url"),
            }
        edges += [(speaker, target, key, attrs) for target in claim.get("targets", [])]
    for u, v, *_ in edges:  # a speaker or target with no record of its own: a bare node, as networkx adds
        if u not in nodes:
            nodes[u] = {}
        if v not in nodes:
            nodes[v] = {}
    return nodes, edges


def statement_of(key: str, attrs: Mapping[str, Any]) -> str:
    """The statement an edge's claim belongs to: the key of the claim it repeats, else its own key."""
    return attrs.get("statement") or key


def statement_counts(edges: Iterable[Edge]) -> tuple[Counter[str], Counter[str]]:
    """Statements each entity made and received among a claim network's ``edges`` (speaker, target, claim
    key, attributes): a claim with several targets once for its speaker, a statement about an entity once
    a speaker. What ``graph.views.analyses`` counts as claims made and received, and a map sizes its
    entities by, without building a graph.

    >>> made, received = statement_counts(
    ...     [("a", "b", "k1", {}), ("a", "c", "k1", {}), ("d", "b", "k2", {"statement": "k1"})]
    ... )
    >>> sorted(made.items()), sorted(received.items())
    ([('a', 1), ('d', 1)], [('b', 2), ('c', 1)])
    """
    said: set[tuple[str, str]] = set()
    heard: set[tuple[str, str, str]] = set()
    for u, v, k, d in edges:
        statement = statement_of(k, d)
        said.add((u, statement))
        heard.add((v, u, statement))
    return Counter(u for u, _ in said), Counter(v for v, *_ in heard)


def load_network(store: ox.Store) -> nx.MultiDiGraph:
    """The claim network of everything in ``store``, its claims grouped into statements."""
    return claim_network(records(store), statement_keys(store))


COMENTION_WINDOW = 50
"""Characters between the starts of two mentions that count as mentioned together (about a sentence)."""


def comention_network(recs: Iterable[Mapping[str, Any]], window: int = COMENTION_WINDOW) -> nx.Graph:
    """Entities mentioned near each other: an undirected graph weighted by how often.

    Two mentions are together when they are of different entities, in the same document and the same
    post (or both outside posts), their spans do not overlap (``DeepSeek`` inside ``DeepSeek R1`` is not
    a pair), and their starts are at most ``window`` characters apart. Edge attributes: ``count`` (such
    pairs of mentions) and ``docs`` (documents with at least one). Nodes are the entities, with ``type``,
    ``name`` and ``mentions`` as in :func:`claim_network`. Records are read once, one document at a time.

    >>> recs = [
    ...     {"kind": "entity", "id": "a", "type": "PERSON", "name": "Ann", "labels": ["Ann"]},
    ...     {"kind": "entity", "id": "b", "type": "ORG", "name": "Bee", "labels": ["Bee"]},
    ...     {"kind": "entity", "id": "c", "type": "ORG", "name": "Cee", "labels": ["Cee"]},
    ...     {"kind": "mention", "doc": "d", "entity": "a", "start": 0, "end": 3},
    ...     {"kind": "mention", "doc": "d", "entity": "b", "start": 10, "end": 13},
    ...     {"kind": "mention", "doc": "d", "entity": "a", "start": 20, "end": 23},
    ...     {"kind": "mention", "doc": "d", "entity": "c", "start": 200, "end": 203},
    ... ]
    >>> g = comention_network(recs)
    >>> sorted(g.edges(data="count")), g.nodes["c"]["mentions"]
    ([('a', 'b', 2)], 1)
    """
    import networkx as nx

    graph = nx.Graph()
    counts: Counter[tuple[str, str]] = Counter()
    docs: Counter[tuple[str, str]] = Counter()
    mentions: Counter[str] = Counter()
    current: str | None = None
    posts: list[tuple[int, int, int]] = []
    spans: list[tuple[int, int, str]] = []

    def close() -> None:
        found = _pairs(spans, posts, window)
        counts.update(found)
        docs.update(found.keys())

    for rec in recs:
        kind = rec.get("kind")
        if kind == "entity":
            graph.add_node(rec["id"], type=rec["type"], name=rec["name"])
            continue
        if kind not in ("post", "mention"):
            continue
        if rec["doc"] != current:
            close()
            current, posts, spans = rec["doc"], [], []
        if kind == "post":
            posts.append((rec["start"], rec["end"], rec["floor"]))
        else:
            spans.append((rec["start"], rec["end"], rec["entity"]))
            mentions[rec["entity"]] += 1
    close()
    for node in graph:
        graph.nodes[node]["mentions"] = mentions[node]
    for (a, b), n in sorted(counts.items()):
        graph.add_edge(a, b, count=n, docs=docs[(a, b)])
    return graph


def load_comentions(store: ox.Store, window: int = COMENTION_WINDOW) -> nx.Graph:
    """The co-mention network of everything in ``store``."""
    return comention_network(records(store), window)


def _pairs(
    spans: list[tuple[int, int, str]], posts: list[tuple[int, int, int]], window: int
) -> Counter[tuple[str, str]]:
    """Pairs of entities (sorted ids) mentioned together in one document, with how many times."""
    spans, posts = sorted(spans), sorted(posts)
    starts = [start for start, _, _ in posts]

    def floor(at: int) -> int | None:
        i = bisect_right(starts, at) - 1
        return posts[i][2] if i >= 0 and at < posts[i][1] else None

    floors = [floor(start) for start, _, _ in spans]
    found: Counter[tuple[str, str]] = Counter()
    for i, (start, end, entity) in enumerate(spans):
        for j in range(i + 1, len(spans)):
            other_start, _, other = spans[j]
            if other_start - start > window:
                break
            if other != entity and other_start >= end and floors[i] == floors[j]:
                found[(min(entity, other), max(entity, other))] += 1
    return found


def _chinese(labels: list[str]) -> str:
    """A simplified-script Chinese name among ``labels`` (the shortest, for a compact map label)."""
    chinese = [x for x in labels if not x.isascii() and not is_traditional(x)]
    return min(chinese, key=lambda x: (len(x), x)) if chinese else ""


def parse_time(value: str, *, end: bool = False) -> dt.datetime:
    """An ISO date or time as a naive datetime; with ``end``, a date means the end of that day.

    >>> parse_time("2025-01-31", end=True)
    datetime.datetime(2025, 1, 31, 23, 59, 59, 999999)
    >>> parse_time("2025/01/31 09:30")
    datetime.datetime(2025, 1, 31, 9, 30)
    """
    text = value.strip().replace("/", "-")
    try:
        if len(text) <= 10:
            day = dt.date.fromisoformat(text)
            return dt.datetime.combine(day, dt.time.max if end else dt.time.min)
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).replace(tzinfo=None)
    except ValueError:
        raise ClaimgraphError(
            f"{value!r} is not a date: give one like 2025-01-31 or 2025-01-31T09:30"
        ) from None


def claim_time(value: str | None) -> dt.datetime | None:
    """A claim's ``time`` attribute as a datetime, ``None`` when it has none or it is not a date."""
    if not value:
        return None
    try:
        return parse_time(value)
    except ClaimgraphError:
        return None


def dated_between(graph: nx.MultiDiGraph, since: str | None, until: str | None) -> nx.MultiDiGraph:
    """The claims of ``graph`` dated within ``since``..``until`` (ISO dates or times, ``until`` inclusive);
    with either given, undated claims are left out. Entities stay, with their attributes.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> _ = g.add_edge("a", "b", time="2025-01-31T10:00")
    >>> _ = g.add_edge("a", "b", time="2025-03-01")
    >>> _ = g.add_edge("a", "b", time=None)
    >>> [d["time"] for *_, d in dated_between(g, "2025-01-31", "2025-02-28").edges(data=True)]
    ['2025-01-31T10:00']
    """
    if not since and not until:
        return graph
    start = parse_time(since) if since else None
    end = parse_time(until, end=True) if until else None
    import networkx as nx

    kept = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        when = claim_time(d.get("time"))
        if when is not None and (start is None or when >= start) and (end is None or when <= end):
            kept.add_edge(u, v, key=k, **d)
    return kept


def involving(graph: nx.MultiDiGraph, nodes: Iterable[str]) -> nx.MultiDiGraph:
    """The claims made or received by one entity, or, given several, the claims among them (a pair's, both
    ways). Entities stay, with their attributes.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b"), ("b", "a"), ("a", "c"), ("c", "d")])
    [0, 0, 0, 0]
    >>> sorted(involving(g, ["a"]).edges()), sorted(involving(g, ["a", "b"]).edges())
    ([('a', 'b'), ('a', 'c'), ('b', 'a')], [('a', 'b'), ('b', 'a')])
    """
    wanted = set(nodes)
    import networkx as nx

    kept = nx.MultiDiGraph()
    kept.add_nodes_from(graph.nodes(data=True))
    for u, v, k, d in graph.edges(keys=True, data=True):
        if (len(wanted) == 1 and wanted & {u, v}) or (len(wanted) > 1 and {u, v} <= wanted):
            kept.add_edge(u, v, key=k, **d)
    return kept
