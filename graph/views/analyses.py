"""Questions a network answers better than a list: who is central, who is attacked most, which camps there
are, which accusations were answered, who is mentioned with whom.

Plain functions over the graphs of ``graph.store.network``: the claim network (a ``MultiDiGraph``, one
edge per (claim, target) from speaker to target, from :func:`graph.store.network.claim_network`) or, for
:func:`comentions`, the co-mention network (:func:`graph.store.network.comention_network`). Each takes
the graph first and returns rows (a list of dicts, sorted, ready for a table, CSV or JSON); the graph is
never changed. ``ANALYSES`` names them for ``claimgraph analyze``.

A claim with several targets is one claim: it counts once for its speaker and once for each target.
Claims count as **statements**: a claim that repeats another (the same story in another script, a
repost, an article pasted into a forum post: the edge attribute ``statement``, from
``graph.store.duplicates``) counts once with it; edges without the attribute are statements of their own.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import networkx as nx
from networkx.utils import not_implemented_for

from graph.store.network import statement_counts, statement_of

ATTACK = ("accusation", "criticism")
"""Claim types that attack their targets."""

SUPPORT = ("support",)
"""Claim types that back their targets."""

RESPONSE = ("denial", "admission", "statement")
"""Claim types that can answer an attack: a denial, an admission, or a statement in reply."""

Row = dict[str, Any]


class _Claim(NamedTuple):
    key: str
    speaker: str
    type: str
    targets: frozenset[str]
    text: str
    doc: str
    start: int
    end: int
    time: str | None
    statement: str


def _claims(G: nx.MultiDiGraph) -> list[_Claim]:
    """One record per claim (its edges, one per target, put back together), in document order."""
    parts: dict[tuple[str, str], tuple[dict[str, Any], set[str]]] = {}
    for speaker, target, key, data in G.edges(keys=True, data=True):
        # two speakers may share a span (and so a key): a claim is a speaker's
        parts.setdefault((speaker, key), (data, set()))[1].add(target)
    claims = [
        _Claim(
            key,
            u,
            d["type"],
            frozenset(ts),
            d["text"],
            d["doc"],
            d["start"],
            d["end"],
            d.get("time"),
            statement_of(key, d),
        )
        for (u, key), (d, ts) in parts.items()
    ]
    return sorted(claims, key=lambda c: (c.doc, c.start, c.end, c.key, c.speaker))


def _entity(G: nx.MultiDiGraph | nx.Graph, node: str) -> Row:
    data = G.nodes[node]
    return {"entity": node, "name": data.get("name", node), "type": data.get("type", "")}


def _weighted(G: nx.MultiDiGraph) -> nx.DiGraph:
    """Speaker → target with ``weight`` = statements; only nodes in some claim, in sorted order."""
    weights = Counter(
        (u, v) for u, v, _ in {(u, v, statement_of(k, d)) for u, v, k, d in G.edges(keys=True, data=True)}
    )
    D = nx.DiGraph()
    D.add_nodes_from(sorted({n for pair in weights for n in pair}))
    D.add_weighted_edges_from((u, v, w) for (u, v), w in sorted(weights.items()))
    return D


def _pagerank(D: nx.DiGraph) -> dict[str, float]:
    return nx.pagerank(D, weight="weight") if len(D) else {}


@not_implemented_for("undirected")
def claims_made(G: nx.MultiDiGraph) -> dict[str, int]:
    """Statements each entity made, a claim with several targets once: the ``claims`` column of
    :func:`speaker_centrality`, without its PageRank (the map sizes its nodes by these counts alone).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", key="k1")
    >>> _ = G.add_edge("a", "c", key="k1")
    >>> claims_made(G)
    {'a': 1, 'b': 0, 'c': 0}
    """
    made, _ = statement_counts(G.edges(keys=True, data=True))
    return {u: made[u] for u in G}


@not_implemented_for("undirected")
def claims_received(G: nx.MultiDiGraph) -> dict[str, int]:
    """Statements about each entity, one a speaker: the ``claims`` column of :func:`target_centrality`.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "c"), ("b", "c"), ("c", "a")])
    >>> claims_received(G)
    {'a': 1, 'c': 2, 'b': 0}
    """
    _, received = statement_counts(G.edges(keys=True, data=True))
    return {v: received[v] for v in G}


@not_implemented_for("undirected")
def speaker_centrality(G: nx.MultiDiGraph) -> list[Row]:
    """Speakers by the number of claims they made: who speaks, and about how many.

    Columns: ``claims`` (claims made, the sort key), ``targets`` (distinct entities they are about),
    ``degree`` (out-degree centrality: ``targets`` over the other entities in some claim) and
    ``pagerank`` (PageRank of the claim graph reversed, weighted by claims: high for speakers about
    entities that themselves speak; it also favours a speaker who is alone in talking about someone,
    hence only a column). Only entities that made a claim.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("a", "b", key="k1", type="accusation")
    'k1'
    >>> G.add_edge("a", "c", key="k1", type="accusation")
    'k1'
    >>> G.add_edge("b", "a", key="k2", type="denial")
    'k2'
    >>> [(r["entity"], r["claims"], r["targets"], r["degree"]) for r in speaker_centrality(G)]
    [('a', 1, 2, 1.0), ('b', 1, 1, 0.5)]
    """
    D = _weighted(G)
    rank = _pagerank(D.reverse(copy=True))
    degree = nx.out_degree_centrality(D) if len(D) > 1 else dict.fromkeys(D, 0.0)
    claims = claims_made(G)
    rows = [
        {
            **_entity(G, u),
            "claims": claims[u],
            "targets": D.out_degree(u),
            "degree": round(degree[u], 6),
            "pagerank": round(rank[u], 6),
        }
        for u in G
        if claims[u]
    ]
    return sorted(rows, key=lambda r: (-r["claims"], -r["targets"], r["entity"]))


@not_implemented_for("undirected")
def target_centrality(G: nx.MultiDiGraph) -> list[Row]:
    """Targets by PageRank of the claim graph: who is talked about, by many, by those talked about.

    Columns: ``claims`` (claims about the entity), ``speakers`` (distinct speakers of them), ``degree``
    (in-degree centrality: ``speakers`` over the other entities in some claim), ``pagerank`` (on the
    claim graph weighted by the number of claims; the sort key). Only entities some claim is about.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "c"), ("b", "c"), ("c", "a")])
    >>> [(r["entity"], r["claims"], r["speakers"], r["degree"]) for r in target_centrality(G)]
    [('c', 2, 2, 1.0), ('a', 1, 1, 0.5)]
    """
    D = _weighted(G)
    rank = _pagerank(D)
    degree = nx.in_degree_centrality(D) if len(D) > 1 else dict.fromkeys(D, 0.0)
    claims = claims_received(G)
    rows = [
        {
            **_entity(G, v),
            "claims": claims[v],
            "speakers": D.in_degree(v),
            "degree": round(degree[v], 6),
            "pagerank": round(rank[v], 6),
        }
        for v in G
        if G.in_degree(v)
    ]
    return sorted(rows, key=lambda r: (-r["pagerank"], -r["claims"], r["entity"]))


@not_implemented_for("undirected")
def most_accused(G: nx.MultiDiGraph, types: Iterable[str] = ATTACK) -> list[Row]:
    """Entities by the number of attacking claims about them (accusations and criticism by default).

    Columns: ``claims`` (all of ``types``), one column per type, ``speakers`` (distinct attackers).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "x", key="1", type="accusation")
    >>> _ = G.add_edge("b", "x", key="2", type="criticism")
    >>> _ = G.add_edge("a", "y", key="3", type="accusation")
    >>> _ = G.add_edge("a", "z", key="4", type="support")
    >>> [(r["entity"], r["claims"], r["accusation"], r["speakers"]) for r in most_accused(G)]
    [('x', 2, 1, 2), ('y', 1, 1, 1)]
    """
    types = tuple(types)
    by_type: dict[str, Counter[str]] = defaultdict(Counter)
    speakers: dict[str, set[str]] = defaultdict(set)
    seen = set()
    for u, v, k, d in G.edges(keys=True, data=True):
        t = d.get("type")
        if t in types and (u, v, statement_of(k, d)) not in seen:
            seen.add((u, v, statement_of(k, d)))
            by_type[v][t] += 1
            speakers[v].add(u)
    rows = [
        {
            **_entity(G, v),
            "claims": sum(c.values()),
            **{t: c[t] for t in types},
            "speakers": len(speakers[v]),
        }
        for v, c in by_type.items()
    ]
    return sorted(rows, key=lambda r: (-r["claims"], -r["speakers"], r["entity"]))


@not_implemented_for("undirected")
def most_accusing(G: nx.MultiDiGraph, types: Iterable[str] = ATTACK) -> list[Row]:
    """Speakers by the number of attacking claims they made (accusations and criticism by default).

    Columns: ``claims`` (all of ``types``, each claim once however many its targets), one column per
    type, ``targets`` (distinct entities attacked).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "x", key="1", type="accusation")
    >>> _ = G.add_edge("a", "y", key="1", type="accusation")
    >>> _ = G.add_edge("a", "y", key="2", type="criticism")
    >>> _ = G.add_edge("b", "x", key="3", type="statement")
    >>> [(r["entity"], r["claims"], r["criticism"], r["targets"]) for r in most_accusing(G)]
    [('a', 2, 1, 2)]
    """
    types = tuple(types)
    claims: dict[str, dict[str, str]] = defaultdict(dict)
    targets: dict[str, set[str]] = defaultdict(set)
    for u, v, key, d in G.edges(keys=True, data=True):
        t = d.get("type")
        if t in types:
            claims[u][statement_of(key, d)] = t
            targets[u].add(v)
    rows = [
        {
            **_entity(G, u),
            "claims": len(c),
            **{t: sum(x == t for x in c.values()) for t in types},
            "targets": len(targets[u]),
        }
        for u, c in claims.items()
    ]
    return sorted(rows, key=lambda r: (-r["claims"], -r["targets"], r["entity"]))


@not_implemented_for("undirected")
def stance_graph(
    G: nx.MultiDiGraph, support: Iterable[str] = SUPPORT, against: Iterable[str] = ATTACK
) -> nx.DiGraph:
    """Who is for or against whom: speaker → target with ``support``, ``against`` and ``net`` (their
    difference) counted in claims; only pairs with at least one claim of either kind.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", type="support")
    >>> _ = G.add_edge("a", "b", type="accusation")
    >>> _ = G.add_edge("a", "b", type="criticism")
    >>> _ = G.add_edge("b", "a", type="question")
    >>> list(stance_graph(G).edges(data=True))
    [('a', 'b', {'support': 1, 'against': 2, 'net': -1})]
    """
    support, against = tuple(support), tuple(against)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    seen = set()
    for u, v, k, d in G.edges(keys=True, data=True):
        t = d.get("type")
        if (u, v, statement_of(k, d)) in seen:
            continue
        seen.add((u, v, statement_of(k, d)))
        if t in support:
            counts[(u, v)]["support"] += 1
        elif t in against:
            counts[(u, v)]["against"] += 1
    S = nx.DiGraph()
    for (u, v), c in sorted(counts.items()):
        S.add_node(u, **G.nodes[u])
        S.add_node(v, **G.nodes[v])
        S.add_edge(u, v, support=c["support"], against=c["against"], net=c["support"] - c["against"])
    return S


def stance(
    G: nx.MultiDiGraph, support: Iterable[str] = SUPPORT, against: Iterable[str] = ATTACK
) -> list[Row]:
    """The stance graph as rows, the most hostile pairs first (``net`` ascending).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> _ = G.add_edge("a", "b", type="support")
    >>> _ = G.add_edge("c", "b", type="accusation")
    >>> [(r["speaker"], r["target"], r["net"]) for r in stance(G)]
    [('c', 'b', -1), ('a', 'b', 1)]
    """
    S = stance_graph(G, support, against)
    rows = [{"speaker": u, "target": v, **d} for u, v, d in S.edges(data=True)]
    return sorted(rows, key=lambda r: (r["net"], -r["against"], r["speaker"], r["target"]))


@not_implemented_for("undirected")
def communities(G: nx.MultiDiGraph, resolution: float = 1.0, seed: int = 0) -> list[Row]:
    """Groups of entities that make claims about each other more than about the rest (Louvain).

    networkx's ``louvain_communities`` on the undirected graph of claims (weight: claims between two
    entities, both directions added), with a fixed ``seed`` so the answer is the same each run. Entities
    in no claim are left out. Rows: ``community`` (1 = the largest), ``size``, ``members`` (ids, the most
    connected first). It groups who argues with whom, friend or foe; see :func:`stance` for the sign.

    Examples
    --------
    >>> G = nx.MultiDiGraph([("a", "b"), ("b", "a"), ("a", "b"), ("c", "d"), ("d", "c"), ("b", "c")])
    >>> [(r["community"], r["members"]) for r in communities(G)]
    [(1, ['b', 'a']), (2, ['c', 'd'])]
    """
    U = nx.Graph()
    for u, v, _ in sorted({(u, v, statement_of(k, d)) for u, v, k, d in G.edges(keys=True, data=True)}):
        if u == v:
            continue
        a, b = sorted((u, v))
        U.add_edge(a, b, weight=U.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
    U = nx.Graph(sorted(U.edges(data=True)))  # insertion order fixed, so the seed gives one answer
    strength = dict(U.degree(weight="weight"))
    groups = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    members = [sorted(g, key=lambda n: (-strength[n], n)) for g in groups]
    members.sort(key=lambda m: (-len(m), m[0]))
    return [{"community": i, "size": len(m), "members": m} for i, m in enumerate(members, 1)]


def _order(attack: _Claim, reply: _Claim) -> str | None:
    """How ``reply`` comes after ``attack``, or None if it does not (see :func:`claim_responses`)."""
    if attack.doc == reply.doc:
        return "same document" if reply.start >= attack.end else None
    if attack.time and reply.time:  # ISO 8601 strings; a space or a T between date and time
        return "later post" if reply.time.replace(" ", "T") > attack.time.replace(" ", "T") else None
    return "other document"


@not_implemented_for("undirected")
def claim_responses(
    G: nx.MultiDiGraph, attacks: Iterable[str] = ATTACK, responses: Iterable[str] = RESPONSE
) -> list[Row]:
    """Accusations and criticism, each with the later replies of the entity it was about.

    A pair is an attacking claim by A about B (``attacks``: accusation or criticism) and a claim by B
    (``responses``: a denial, an admission or a statement) that

    - comes **later**: in the same document, it starts after the attack ends (in a forum thread, a
      later floor or later in the same post); in another document, when both claims carry a post time,
      its time is after the attack's; in another document without times (the store keeps no dates for
      news articles), the order cannot be told and the pair is kept, marked ``other document``;
    - is **about the same matter**: its targets (the entities its text mentions, and the addressee)
      share an entity other than B with the attack's targets or speaker A — so B answering A counts.

    Rows (document order of the attack, then of the reply): ``accuser``, ``accused``, ``attack`` (type),
    ``attack_text``, ``attack_at`` (``doc#start,end``), ``response`` (type), ``response_text``,
    ``response_at``, ``order`` (``same document``, ``later post`` or ``other document``) and
    ``shared`` (the entities in common). A pair of statements is one row, at its first place in document
    order, however many documents repeat the attack or the reply. A claim without targets is not in the
    claim network, so it is neither attack nor reply here.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> def claim(u, targets, kind, doc, start, time=None):
    ...     for v in targets:
    ...         G.add_edge(u, v, key=f"{doc}#{start}", type=kind, text=f"{u} {kind}", doc=doc,
    ...                    start=start, end=start + 5, time=time)
    >>> claim("lutnick", ["deepseek", "nvidia"], "accusation", "news", 0)
    >>> claim("deepseek", ["nvidia"], "denial", "news", 20)      # later, shares nvidia: a reply
    >>> claim("deepseek", ["openai"], "denial", "news", 40)      # shares nothing
    >>> claim("nvidia", ["lutnick"], "statement", "forum", 3, "2025-01-02")  # answers the accuser
    >>> for r in claim_responses(G):
    ...     print(r["accuser"], r["accused"], r["response"], r["response_at"], r["order"], r["shared"])
    lutnick deepseek denial news#20,25 same document ['nvidia']
    lutnick nvidia statement forum#3,8 other document ['lutnick']
    """
    attacks, responses = tuple(attacks), tuple(responses)
    claims = _claims(G)
    by_speaker: dict[str, list[_Claim]] = defaultdict(list)
    for c in claims:
        if c.type in responses:
            by_speaker[c.speaker].append(c)
    rows = []
    answered = set()  # (attack statement, accused, reply statement): a pair of statements is one row
    for attack in claims:
        if attack.type not in attacks:
            continue
        about = attack.targets | {attack.speaker}
        for accused in sorted(attack.targets - {attack.speaker}):
            for reply in by_speaker.get(accused, []):
                shared = (about & reply.targets) - {accused}
                order = _order(attack, reply) if shared else None
                if order is None or (attack.statement, accused, reply.statement) in answered:
                    continue
                answered.add((attack.statement, accused, reply.statement))
                rows.append(
                    {
                        "accuser": attack.speaker,
                        "accused": accused,
                        "attack": attack.type,
                        "attack_text": attack.text,
                        "attack_at": f"{attack.doc}#{attack.start},{attack.end}",
                        "response": reply.type,
                        "response_text": reply.text,
                        "response_at": f"{reply.doc}#{reply.start},{reply.end}",
                        "order": order,
                        "shared": sorted(shared),
                    }
                )
    return rows


PERIODS = ("day", "week", "month", "year")
"""How :func:`claims_over_time` groups dates."""


def period_of(time: str | None, period: str = "month") -> str:
    """The period an ISO date or time falls in: ``2025-03-08`` by day, ``2025-W10`` by ISO week,
    ``2025-03`` by month, ``2025`` by year; ``undated`` without a date.

    >>> [period_of("2025-03-08T10:30:00", p) for p in PERIODS], period_of(None)
    (['2025-03-08', '2025-W10', '2025-03', '2025'], 'undated')
    """
    if not time or len(time) < 10 or period not in PERIODS:
        return "undated"
    day = time[:10]
    if period == "week":
        try:
            year, week, _ = dt.date.fromisoformat(day).isocalendar()
        except ValueError:
            return "undated"
        return f"{year}-W{week:02d}"
    return {"day": day, "month": day[:7], "year": day[:4]}[period]


@not_implemented_for("undirected")
def claims_over_time(G: nx.MultiDiGraph, period: str = "month") -> list[Row]:
    """How each speaker's claims about each target move over time: claims per period and claim type.

    A claim is dated by its forum post, else by its document's publication; undated claims are counted
    under ``undated``. Columns: ``period``, ``speaker``, ``speaker_name``, ``target``, ``target_name``,
    ``type``, ``claims``; by speaker, target, then period (``undated`` last), so one pair's rows read as
    a time series (``claimgraph analyze claims-over-time --entity 卢特尼克 --entity DeepSeek``).

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", name="Ann")
    >>> G.add_node("b", name="Bee")
    >>> for key, time in (("k1", "2025-01-05"), ("k2", "2025-01-20"), ("k3", "2025-02-01"), ("k4", None)):
    ...     _ = G.add_edge("a", "b", key=key, type="accusation", time=time)
    >>> [(r["period"], r["claims"]) for r in claims_over_time(G)]
    [('2025-01', 2), ('2025-02', 1), ('undated', 1)]
    """
    first: dict[tuple[str, str, str, str], str | None] = {}  # a statement counts once, when first dated
    for u, v, k, d in G.edges(keys=True, data=True):
        statement, time = (u, v, statement_of(k, d), d["type"]), d.get("time")
        if statement not in first or (time and (first[statement] is None or time < str(first[statement]))):
            first[statement] = time
    counts: Counter[tuple[str, str, str, str]] = Counter()
    for (u, v, _, kind), time in first.items():
        counts[(u, v, period_of(time, period), kind)] += 1
    rows = [
        {
            "period": when,
            "speaker": u,
            "speaker_name": G.nodes[u].get("name", u),
            "target": v,
            "target_name": G.nodes[v].get("name", v),
            "type": kind,
            "claims": n,
        }
        for (u, v, when, kind), n in counts.items()
    ]
    return sorted(
        rows, key=lambda r: (r["speaker"], r["target"], r["period"] == "undated", r["period"], r["type"])
    )


@not_implemented_for("directed")
def comentions(C: nx.Graph) -> list[Row]:
    """Pairs of entities mentioned together, most often first, from the co-mention network.

    ``C`` is :func:`graph.store.network.comention_network` (mentions of two entities within a window of
    characters, in one document and post). Columns: ``a``, ``b`` (ids, ``a < b``), ``count`` (pairs of
    mentions), ``docs`` (documents where they occur together).

    Examples
    --------
    >>> C = nx.Graph()
    >>> C.add_edge("usa", "china", count=3, docs=2)
    >>> C.add_edge("deepseek", "usa", count=5, docs=1)
    >>> [(r["a"], r["b"], r["count"]) for r in comentions(C)]
    [('deepseek', 'usa', 5), ('china', 'usa', 3)]
    """
    rows = []
    for u, v, d in C.edges(data=True):
        a, b = sorted((u, v))
        rows.append({"a": a, "b": b, "count": d.get("count", 1), "docs": d.get("docs", 1)})
    return sorted(rows, key=lambda r: (-r["count"], -r["docs"], r["a"], r["b"]))


class Analysis(NamedTuple):
    """One entry of ``ANALYSES``: the function, a one-line description, and which network it reads."""

    function: Callable[..., list[Row]]
    description: str
    network: str = "claims"
    """``claims`` (:func:`graph.store.network.claim_network`) or ``comentions``."""


ANALYSES: dict[str, Analysis] = {
    "speaker-centrality": Analysis(
        speaker_centrality, "speakers by claims made, with targets, degree centrality and PageRank"
    ),
    "target-centrality": Analysis(
        target_centrality, "entities by PageRank of the claim graph, with claims about them and speakers"
    ),
    "most-accused": Analysis(most_accused, "entities most accused or criticised, and by how many speakers"),
    "most-accusing": Analysis(most_accusing, "speakers of the most accusations and criticism"),
    "stance": Analysis(stance, "speaker → target support vs accusation/criticism, most hostile first"),
    "communities": Analysis(communities, "groups that argue among themselves (Louvain on the claim graph)"),
    "claim-responses": Analysis(
        claim_responses, "accusations/criticism and the later denial or answer by their target"
    ),
    "claims-over-time": Analysis(
        claims_over_time, "claims per period and type for each speaker and target (--period, --entity)"
    ),
    "comentions": Analysis(comentions, "entities mentioned near each other, most often first", "comentions"),
}
"""Every analysis by its ``claimgraph analyze`` name."""
