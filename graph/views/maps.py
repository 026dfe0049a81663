"""Network maps of who said what about whom: one offline HTML file, each edge one click from its quotes.

Three steps, each usable alone:

- :func:`select` cuts the claim network (``graph.store.network``) down to what a map shows: claim types,
  documents, dates, an ego network around one entity, the most central entities;
- :func:`map_payload` turns the selection into plain data: entities, one link per (speaker, target,
  claim type) with its claims, and each claim with its cue, exact offsets, some context and the ranges
  to highlight;
- :func:`render_html` draws it with our own Jinja template (``graph/views/map_template/``), which inlines
  vis-network from the files pyvis ships, so the page makes no network request at all.

**Safety.** Document text reaches the page only as JSON inside ``<script type="application/json">``
with ``<``, ``>`` and ``&`` written as ``\\u003c``…, and the page's script builds the DOM with
``textContent``; a Content-Security-Policy lets only our two inline scripts run (by their hashes) and
forbids every request.

**Size.** Node size is :func:`centrality`: claims made and received, counted by ``graph.views.analyses``.

**Big stores.** :func:`map_source` reads a focus map's neighbourhood only (``graph.sparql.neighbourhood``,
SPARQL), which gives the same payload as the whole store; a map of more than ``LAYOUT_FROM`` entities
is laid out here (``graph.views.layout``) and the page draws it without physics.

**The page** (``map_template/map.js``) counts what its filters (claim types, a date range brushed on its
timeline, undated claims) leave on the map, hides and shows without moving anything, lists the claims
of an arrow, an entity or a pair of entities with their cues in context, copies a citation, exports CSV,
and keeps its view in the URL's fragment.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import re
import secrets
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import cache, cached_property, lru_cache
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson
import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR
from graph.store.context import Context, claim_context, heading, merged
from graph.store.network import Edge, claim_edges, claim_time, network_of, parse_time, statement_counts
from graph.views.layout import NODE_LARGEST, NODE_SMALLEST, community_layout

if TYPE_CHECKING:  # networkx is loaded where a graph is built (a laid-out map, --max-nodes): 0.1 s
    import networkx as nx

    from graph.sparql.neighbourhood import Parts

TEMPLATE = "map.html"
LAYOUT_FROM = 100
"""Maps of more entities than this are laid out in Python (``graph.views.layout``), not by the browser."""
LABELLED = 40
"""The most central entities whose names the page always shows, whatever the zoom."""
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
_SCRIPT_UNSAFE = tuple(
    (char.encode("utf-8"), escaped.encode("ascii"))
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    )
)
_FONT = ", ".join(
    [
        "'Noto Sans CJK SC'",
        "'Source Han Sans SC'",
        "'PingFang SC'",
        "'Microsoft YaHei'",
        "'Hiragino Sans GB'",
        "sans-serif",
    ]
)


@dataclass(frozen=True)
class MapFilter:
    """What a map shows. Empty ``types``/``docs`` mean all; ``since``/``until`` are ISO dates or times.

    ``focus`` is an entity id, IRI, name or alias (either script); the map is then the entities within
    ``hops`` claims of it. ``max_nodes`` keeps that many of the most central entities.
    """

    focus: str | None = None
    hops: int = 1
    types: tuple[str, ...] = ()
    docs: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    max_nodes: int | None = None

    def describe(self) -> list[str]:
        """The filters in words, for the page's header (empty when the map shows everything)."""
        out = []
        if self.focus:
            out.append(f"focus {self.focus} ({self.hops} hop{'s' if self.hops != 1 else ''})")
        if self.types:
            out.append("types " + ", ".join(self.types))
        if self.docs:
            out.append("documents " + ", ".join(self.docs))
        if self.since or self.until:
            out.append(f"dates {self.since or '…'} to {self.until or '…'}")
        if self.max_nodes:
            out.append(f"top {self.max_nodes} entities")
        return out


@dataclass
class MapSource:
    """Everything a map is drawn from: the claim network, the documents' texts and where entities occur.

    The network is kept as plain data, ``nodes`` and ``edges`` (``graph.store.network.claim_edges``), which
    a map filters without building a graph; :attr:`graph` builds it when asked."""

    nodes: dict[str, dict[str, Any]]
    edges: list[Edge]
    texts: dict[str, str]
    claims: dict[tuple[str, str], Mapping[str, Any]]
    """Each claim's record by its key (``doc#start,end``) and its speaker's node."""
    mentions: dict[tuple[str, str], list[tuple[int, int]]] = field(default_factory=dict)
    posts: dict[tuple[str, int], Mapping[str, Any]] = field(default_factory=dict)
    chinese: dict[str, str] = field(default_factory=dict)
    """Each entity's own simplified Chinese name (``rdfs:label@zh-Hans``), where it has one."""
    documents: dict[str, dict[str, Any]] = field(default_factory=dict)
    """Each document's record: its metadata (title, published, outlet, url) where the input gave it."""
    contexts: dict[tuple[str, str], Context] = field(default_factory=dict)
    """Claims' contexts read from their documents' digests, by claim key and speaker's node (the others
    are worked out from ``texts`` and ``mentions``: ``graph.store.context``)."""
    headings: dict[str, str] = field(default_factory=dict)
    """Documents' first lines read from their digests (the others', from ``texts``)."""

    @classmethod
    def from_records(
        cls,
        recs: Iterable[Mapping[str, Any]],
        texts: Mapping[str, str],
        statements: Mapping[tuple[str, str], str] | None = None,
    ) -> MapSource:
        """From the store's records (``graph.store.reader.records``), document texts by name and the claims
        that repeat others (``graph.store.duplicates.statement_keys``)."""
        recs = list(recs)
        claims: dict[tuple[str, str], Mapping[str, Any]] = {}
        mentions: dict[tuple[str, str], list[tuple[int, int]]] = defaultdict(list)
        posts: dict[tuple[str, int], Mapping[str, Any]] = {}
        documents: dict[str, dict[str, Any]] = {}
        for rec in recs:
            if rec.get("kind") == "document":
                documents[rec["doc"]] = dict(rec)
            elif rec.get("kind") == "claim":
                speaker = f"{AUTHOR}:{rec['doc']}" if rec["speaker"] == AUTHOR else rec["speaker"]
                claims[(claim_key(rec["doc"], rec["start"], rec["end"]), speaker)] = rec  # read, not changed
            elif rec.get("kind") == "mention":
                mentions[(rec["doc"], rec["entity"])].append((rec["start"], rec["end"]))
            elif rec.get("kind") == "post":
                posts[(rec["doc"], rec["floor"])] = rec
        by_name = dict(texts)
        for doc in {rec["doc"] for rec in recs if "doc" in rec} if texts else ():  # none: all in digests
            if doc not in by_name and Path(doc).name in texts:
                by_name[doc] = texts[Path(doc).name]
        nodes, edges = claim_edges(recs, statements, brief=True)  # the rest of a claim is in ``claims``
        ordered = {key: sorted(spans) for key, spans in mentions.items()}
        return cls(nodes, edges, by_name, claims, ordered, posts, documents=documents)

    @cached_property
    def graph(self) -> nx.MultiDiGraph:
        """The claim network (``graph.store.network.claim_network``, brief: each claim's record is in
        :attr:`claims`)."""
        return _graph_of(self.nodes, self.edges, every=True)

    @classmethod
    def from_store(cls, store: ox.Store) -> MapSource:
        """Everything in ``store``."""
        from graph.store.duplicates import statement_keys
        from graph.store.reader import document_texts, records
        from graph.store.vocab import ENTITIES, entity_id, prefixes

        source = cls.from_records(records(store), document_texts(store), statement_keys(store))
        names = f"""SELECT ?entity ?label WHERE {{
          GRAPH <{ENTITIES}> {{ ?entity rdfs:label ?label FILTER(langMatches(lang(?label), "zh-Hans")) }}
        }}"""
        for row in store.query(names, prefixes=prefixes()):
            node = entity_id(row["entity"].value)
            if node is not None:
                source.chinese[node] = min(source.chinese.get(node, row["label"].value), row["label"].value)
        return source

    @classmethod
    def from_focus(cls, store: ox.Store, focus: str, hops: int = 1, types: Iterable[str] = ()) -> MapSource:
        """What a map of entity ``focus`` (its id) within ``hops`` claims, of ``types`` (all if empty), is
        drawn from, read from ``store`` with SPARQL (``graph.sparql.neighbourhood``): the map it gives is
        the map :meth:`from_store` gives under the same filters, without reading the rest of the store."""
        from graph.sparql.neighbourhood import focus_records

        return cls._from_parts(focus_records(store, focus, hops, types))

    @classmethod
    def from_documents(cls, store: ox.Store, docs: Iterable[str]) -> MapSource | None:
        """What a map of some documents (``--doc``) is drawn from, read from ``store`` with SPARQL: the
        map it gives is the map :meth:`from_store` gives; ``None`` when a name fits no document."""
        from graph.sparql.neighbourhood import document_records

        parts = document_records(store, docs)
        return None if parts is None else cls._from_parts(parts)

    @classmethod
    def from_claims(
        cls, store: ox.Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None
    ) -> MapSource:
        """What a map of the claims of ``types`` dated within ``since``..``until`` is drawn from, read
        from ``store`` with SPARQL: the map it gives is the map :meth:`from_store` gives."""
        from graph.sparql.neighbourhood import filtered_records

        return cls._from_parts(filtered_records(store, types, since, until))

    @classmethod
    def _from_parts(cls, parts: Parts) -> MapSource:
        source = cls.from_records(parts.records, parts.texts, parts.statements)
        for node, d in source.nodes.items():
            if d.get("type") not in (None, "AUTHOR"):
                d["mentions"] = parts.counts.get(node, 0)  # in the whole store, as a whole read counts them
        source.chinese.update(parts.chinese)
        source.mentions.update(parts.mentions)
        source.headings.update(parts.headings)
        for (doc, start, end, speaker), at in parts.contexts.items():
            node = f"{AUTHOR}:{doc}" if speaker == AUTHOR else speaker
            source.contexts[claim_key(doc, start, end), node] = at
        return source


def claim_key(doc: str, start: int, end: int) -> str:
    """The key ``graph.store.network`` gives a claim's edges: ``doc#start,end``."""
    return f"{doc}#{start},{end}"


# ---------------------------------------------------------------- selection


def resolve_node(nodes: Mapping[str, Mapping[str, Any]], name: str, option: str = "--focus") -> str:
    """The node of ``nodes`` (a graph's ``nodes``, or a dict of node attributes by id) that ``name`` stands
    for: a node id, an entity IRI, or a name or alias in either script.

    Preferred names win over aliases; a name that fits several entities is an error listing them.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_node("nvidia", name="NVIDIA", labels=["NVIDIA", "英伟达", "英偉達"], type="ORG")
    >>> g.add_node("alce79", name="Alce79", labels=["Alce79"], type="PERSON")
    >>> [resolve_node(g.nodes, x) for x in ("英偉達", "nvidia", "https://w3id.org/claimgraph/id/entity/alce79")]
    ['nvidia', 'nvidia', 'alce79']
    """
    from extract.scripts import name_key
    from graph.store.vocab import entity_id

    if name in nodes:
        return name
    as_id = entity_id(name.strip().strip("<>"))
    if as_id is not None and as_id in nodes:
        return as_id
    if name.startswith("entity:") and name[len("entity:") :] in nodes:
        return name[len("entity:") :]
    key = name_key(name)
    preferred = sorted(n for n, d in nodes.items() if name_key(d.get("name", "")) == key)
    found = preferred or sorted(
        n
        for n, d in nodes.items()
        if any(name_key(x) == key for x in d.get("labels", ())) or name_key(n) == key
    )
    if len(found) == 1:
        return found[0]
    if found:
        listed = ", ".join(f"{nodes[n].get('name', n)} ({n})" for n in found[:8])
        raise ClaimgraphError(f"{option} {name!r} fits several entities: {listed}; give one of the ids")
    near = sorted(
        nodes[n].get("name", n)
        for n, d in nodes.items()
        if key and any(key in name_key(x) for x in [d.get("name", ""), *d.get("labels", ())])
    )
    hint = f" (names containing it: {', '.join(near[:8])})" if near else ""
    raise ClaimgraphError(
        f"{option} {name!r}: no entity has this name or alias{hint}; "
        "`claimgraph query --name entities-by-type` lists the entities"
    )


def centrality(graph: nx.MultiDiGraph) -> dict[str, float]:
    """How central each entity is in the conversation, from 0 to 1: claims made and received, over the most.

    The counts are those of ``graph.views.analyses`` (a claim with several targets counts once for its
    speaker). They read better on a map than its PageRank, which ranks the busiest speakers low.

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph()
    >>> g.add_edges_from([("a", "b", "claim1"), ("a", "c", "claim1"), ("d", "b", "claim2")])
    ['claim1', 'claim1', 'claim2']
    >>> centrality(g)
    {'a': 0.5, 'b': 1.0, 'c': 0.5, 'd': 0.5}
    """
    return _over_most(graph, *statement_counts(graph.edges(keys=True, data=True)))


def _over_most(
    nodes: Iterable[str], made: Mapping[str, int], received: Mapping[str, int]
) -> dict[str, float]:
    """Each node's claims made and received over the most any node has: :func:`centrality`."""
    claims = {node: made.get(node, 0) + received.get(node, 0) for node in nodes}
    top = max(claims.values(), default=0) or 1
    return {node: claims[node] / top for node in claims}


def check_types(types: Iterable[str]) -> None:
    """Raise unless every one of ``types`` is a claim type's code (``accusation``…)."""
    from graph.store.vocab import claim_types

    unknown = [t for t in types if t not in claim_types()]
    if unknown:
        raise ClaimgraphError(
            f"unknown claim type {', '.join(unknown)}: use any of {', '.join(sorted(claim_types()))}"
        )


def select(graph: nx.MultiDiGraph, flt: MapFilter) -> nx.MultiDiGraph:
    """The part of the claim network a map shows: the claims that pass ``flt`` and the entities in them.

    Claims with no date are left out when ``since`` or ``until`` is given. Entities in no selected claim
    are not shown; after ``max_nodes`` (the focus always stays), neither are entities left without a link.
    """
    return _graph_of(graph.nodes, select_edges(graph.nodes, list(graph.edges(keys=True, data=True)), flt))


def select_edges(nodes: Mapping[str, Mapping[str, Any]], edges: list[Edge], flt: MapFilter) -> list[Edge]:
    """The edges of :func:`select`'s graph, from a claim network as plain data (``nodes``, attributes by
    node; ``edges``: ``graph.store.network.claim_edges``): what a map draws, no graph built unless
    ``max_nodes`` needs one to rank the entities."""
    check_types(flt.types)
    docs = {d["doc"] for *_, d in edges} if flt.docs else set()
    wanted_docs = set()
    for doc in flt.docs:
        matches = {d for d in docs if d == doc} or {d for d in docs if Path(d).name == Path(doc).name}
        if not matches:
            shown = ", ".join(sorted(docs)[:10]) or "none"
            raise ClaimgraphError(f"--doc {doc!r}: no claims come from such a document (documents: {shown})")
        wanted_docs |= matches
    since = parse_time(flt.since) if flt.since else None
    until = parse_time(flt.until, end=True) if flt.until else None
    focus = resolve_node(nodes, flt.focus) if flt.focus else None

    kept = []
    for u, v, k, d in edges:
        if u == v:
            continue  # a speaker among its own claim's targets: no arrow from an entity to itself
        if flt.types and d["type"] not in flt.types:
            continue
        if wanted_docs and d["doc"] not in wanted_docs:
            continue
        if since or until:
            when = claim_time(d.get("time"))
            if when is None or (since and when < since) or (until and when > until):
                continue
        kept.append((u, v, k, d))
    if focus is not None:
        if not any(focus in (u, v) for u, v, *_ in kept):
            name = nodes[focus].get("name", focus)
            raise ClaimgraphError(
                f"{name} ({focus}) makes or receives no claim that passes the other filters"
            )
        near = _within(kept, focus, flt.hops)
        kept = [e for e in kept if e[0] in near and e[1] in near]
    if flt.max_nodes is not None and len(_nodes_of(kept)) > flt.max_nodes:
        chosen = set(most_central(_graph_of(nodes, kept), flt.max_nodes, focus))
        kept = [e for e in kept if e[0] in chosen and e[1] in chosen]
    return kept


def _nodes_of(edges: Iterable[Edge]) -> list[str]:
    """The nodes of ``edges``, in the order they first appear."""
    return list(dict.fromkeys(x for u, v, *_ in edges for x in (u, v)))


def _graph_of(
    nodes: Mapping[str, Mapping[str, Any]], edges: Iterable[Edge], every: bool = False
) -> nx.MultiDiGraph:
    """A claim network of ``edges``, its nodes' attributes from ``nodes``: the nodes in ``edges``, or
    ``every`` one of ``nodes``."""
    edges = list(edges)
    return network_of(nodes if every else {n: nodes[n] for n in _nodes_of(edges)}, edges)


def _within(edges: Iterable[tuple[str, str, Any, Any]], focus: str, hops: int) -> set[str]:
    """The nodes within ``hops`` edges of ``focus``, either way. A breadth-first search over plain sets:
    ``nx.ego_graph`` copies the whole graph undirected first, and even a bare ``nx.Graph`` of the edges
    took twice this search on a map of 28,758 claims.

    >>> sorted(_within([("a", "b", 0, {}), ("c", "b", 0, {}), ("c", "d", 0, {})], "a", 2))
    ['a', 'b', 'c']
    """
    linked: dict[str, set[str]] = defaultdict(set)
    for u, v in {(u, v) for u, v, *_ in edges}:  # a pair once, however many claims link it
        linked[u].add(v)
        linked[v].add(u)
    near, frontier = {focus}, {focus}
    for _ in range(hops):
        frontier = {n for x in frontier for n in linked[x]} - near
        near |= frontier
    return near


def most_central(graph: nx.MultiDiGraph, n: int, focus: str | None = None) -> list[str]:
    """``n`` entities of ``graph``, the most central first, each linked to another of them.

    Taken in order of :func:`centrality` (the focus first): an entity linked to one already taken joins;
    one that is not brings its most central neighbour with it, when two places are left. So the map
    shows exactly ``n`` entities whenever ``graph`` has that many (a lone entity would be drawn without
    a line), which a plain cut of the top ``n`` does not; fewer only when the last place left can go to
    no entity linked to those taken (:func:`map_payload` says so on the page).

    >>> import networkx as nx
    >>> g = nx.MultiDiGraph([("a", "b"), ("a", "c"), ("d", "e")])
    >>> most_central(g, 3), most_central(g, 4), most_central(g, 2, focus="d")
    (['a', 'b', 'c'], ['a', 'b', 'c'], ['d', 'e'])
    """
    if n < 2:
        raise ClaimgraphError(
            f"--max-nodes {n}: a claim links a speaker and a target, so a map shows at least 2 entities; "
            "give --max-nodes 2 or more"
        )
    rank = centrality(graph)
    order = sorted(graph, key=lambda x: (x != focus, -rank[x], x))
    neighbours = {x: (set(graph.successors(x)) | set(graph.predecessors(x))) - {x} for x in graph}
    chosen: dict[str, None] = {}
    for node in order:
        if len(chosen) >= n:
            break
        if node in chosen or not neighbours[node]:
            continue
        if neighbours[node] & chosen.keys():
            chosen[node] = None
        elif len(chosen) <= n - 2:
            chosen[node] = None
            chosen[min(neighbours[node], key=lambda x: (-rank[x], x))] = None
    return sorted(chosen, key=lambda x: (x != focus, -rank[x], x))


# ---------------------------------------------------------------- payload


@cache
def palette() -> dict[str, Any]:
    """Colours and shapes (``map_template/palette.json``) with English and Chinese names from ontology.ttl."""
    from graph.store.vocab import CG, ontology_quads

    data = json.loads(files(__package__).joinpath("map_template", "palette.json").read_text(encoding="utf-8"))
    codes: dict[str, str] = {}
    labels: dict[str, dict[str, str]] = defaultdict(dict)
    for q in ontology_quads():
        if q.predicate.value in (str(CG.code), str(CG.typeCode)):
            codes[q.subject.value] = q.object.value
        elif q.predicate.value == _RDFS_LABEL and isinstance(q.object, ox.Literal):
            labels[q.subject.value][(q.object.language or "en")[:2]] = q.object.value
    named = {code: labels[iri] for iri, code in codes.items()}
    entities = {
        code: {
            "code": code,
            "en": named.get(code, {}).get("en", code),
            "zh": named.get(code, {}).get("zh", ""),
            **s,
        }
        for code, s in data["entities"].items()
    }
    claims = {
        code: {
            "code": code,
            "en": named.get(code, {}).get("en", code),
            "zh": named.get(code, {}).get("zh", ""),
            "color": c,
        }
        for code, c in data["claims"].items()
    }
    return {"entities": entities, "claims": claims, "other": data["other"]}


def _is_latin(text: str) -> bool:
    return text.isascii() and any(c.isalpha() for c in text)


def node_label(data: Mapping[str, Any], chinese: str | None = None) -> str:
    """A map label: the simplified Chinese name, then the English one where known.

    ``chinese`` is the entity's own Chinese name; without it, the shortest simplified one among its
    names (which may be a nickname: 东大 for China).

    >>> node_label({"name": "NVIDIA", "labels": ["NVIDIA", "英伟达", "英偉達"], "zh": "英伟达"})
    '英伟达\\nNVIDIA'
    >>> node_label({"name": "China", "labels": ["China", "中国", "东大"], "zh": "东大"}, "中国")
    '中国\\nChina'
    >>> node_label({"name": "美國商務部", "labels": ["美國商務部"], "zh": ""})
    '美国商务部'
    >>> node_label({"name": "OpenAI", "labels": ["OpenAI"], "zh": ""}, "OpenAI")
    'OpenAI'
    """
    from extract.scripts import to_simplified

    name = data.get("name", "")
    labels = list(data.get("labels", ()))
    zh = next((x for x in (chinese, data.get("zh")) if x and not x.isascii()), "")
    if not zh:
        simplified = [to_simplified(x) for x in [name, *labels] if x and not x.isascii()]
        zh = min(simplified, key=lambda x: (len(x), x)) if simplified else ""
    en = name if _is_latin(name) else next((x for x in labels if _is_latin(x)), "")
    if zh and en:
        return f"{zh}\n{en}"
    return zh or en or name


def search_keys(labels: Iterable[str]) -> list[str]:
    """What the search box matches: each label as written, simplified, traditional; NFKC, folded, no spaces.

    >>> search_keys(["英伟达", "Nvidia Corp"])
    ['nvidiacorp', '英伟达', '英偉達']
    """
    from extract.scripts import to_simplified, traditional_variants

    keys = set()
    for label in labels:
        for form in (label, to_simplified(label), *traditional_variants(label)):
            keys.add("".join(unicodedata.normalize("NFKC", form).split()).casefold())
    keys.discard("")
    return sorted(keys)


def _ranges_of(text: str, forms: Iterable[str]) -> list[tuple[int, int]]:
    """Where any of ``forms`` occurs in ``text`` (case and script folded; OpenCC keeps lengths)."""
    from extract.scripts import to_simplified

    hay = to_simplified(text).casefold()
    if len(hay) != len(text):
        hay = text.casefold() if len(text.casefold()) == len(text) else text
    out = []
    for needle in _needles(tuple(forms)):
        start = hay.find(needle)
        while start >= 0:
            out.append((start, start + len(needle)))
            start = hay.find(needle, start + len(needle))
    return out


@lru_cache(maxsize=4096)
def _needles(forms: tuple[str, ...]) -> list[str]:
    """What :func:`_ranges_of` looks for: the forms simplified and folded, the longest first (those whose
    length that changes are left out: a range must fit the text). Made once an entity, not once a quote:
    a focus map looks for its targets' names in 10,000 quotes."""
    from extract.scripts import to_simplified

    out = []
    for form in sorted({f for f in forms if f}, key=len, reverse=True):
        needle = to_simplified(form).casefold()
        if needle and len(needle) == len(form):
            out.append(needle)
    return out


def _doc_info(source: MapSource, doc: str) -> dict[str, Any]:
    """What the panel says of a quote's document: its title (its metadata's, else its first line), outlet,
    publication date, and its URL when that is a web address (no ``javascript:`` link reaches the page)."""
    rec = source.documents.get(doc, {})
    outlet = rec.get("outlet")
    url = rec.get("url") or ""
    return {
        "title": rec.get("title") or source.headings.get(doc) or heading(source.texts.get(doc, "")),
        "outlet": source.nodes[outlet].get("name", outlet) if outlet in source.nodes else outlet,
        "published": rec.get("published"),
        "url": url if re.match(r"https?://", url, re.IGNORECASE) else None,
    }


def map_payload(
    source: MapSource, flt: MapFilter = MapFilter(), *, title: str | None = None
) -> dict[str, Any]:
    """Plain data for a map of ``source`` under ``flt``: entities, links and claims (JSON-ready).

    ``links`` are one per (speaker, target, claim type), sorted, with ``claims`` indexes into
    ``claims`` (every claim, each place the story appeared) and ``count`` the statements among them (a
    claim that repeats another, ``statement``, counts once with it; so do entities' ``made`` and
    ``received``). Each claim carries its exact ``text``, ``start``/``end`` in its document, its
    context (``graph.store.context``: ``window`` from ``ws``, the claim at ``[qs, qe)``, the cue at
    ``cueRange``; ``cueStart``/``cueEnd`` in the document), and ``marks``: per entity, the ranges of
    ``window`` where it is mentioned, for highlighting.
    """
    kept = select_edges(source.nodes, source.edges, flt)
    if not kept:
        wanted = "; ".join(flt.describe()) or "the whole graph"
        raise ClaimgraphError(f"no claims to map ({wanted}): widen the filters, or build a store with claims")
    colours = palette()
    shown = _nodes_of(kept)
    made, received = statement_counts(kept)
    rank = _over_most(shown, made, received)  # centrality(select(…)), without building the graph
    focus = resolve_node(source.nodes, flt.focus) if flt.focus else None

    # A claim is its span and its speaker: one span can be said by two (李家超回应说，特区政府表示…).
    groups: dict[tuple[str, str, str], list[tuple[str, str]]] = defaultdict(list)
    targets: dict[tuple[str, str], list[str]] = defaultdict(list)
    statement: dict[tuple[str, str], str] = {}
    edge_of: dict[tuple[str, str], dict[str, Any]] = {}
    for u, v, _, d in kept:
        cid = (d["claim"], u)
        if cid not in edge_of:  # a claim's first edge: what all its edges share
            edge_of[cid] = d
            statement[cid] = f"{d.get('statement') or d['claim']} {u}"
        groups[(u, v, d["type"])].append(cid)
        if v not in targets[cid]:
            targets[cid].append(v)
    claim_ids = sorted(targets, key=lambda cid: _claim_order(source.claims[cid], cid[1]))
    index = {cid: i for i, cid in enumerate(claim_ids)}
    claims = [
        _claim_payload(source, edge_of[(key, speaker)], speaker, sorted(targets[(key, speaker)]))
        for key, speaker in claim_ids
    ]

    links = []
    per_pair: Counter[tuple[str, str]] = Counter()
    for (u, v, ctype), keys in sorted(groups.items(), key=lambda x: (x[0][0], x[0][1], _type_order(x[0][2]))):
        n = per_pair[(u, v)]
        per_pair[(u, v)] += 1
        links.append(
            {
                "id": f"e{len(links)}",
                "from": u,
                "to": v,
                "type": ctype,
                "count": len({statement[k] for k in keys}),  # a story repeated elsewhere counts once
                "claims": sorted({index[k] for k in keys}),
                "color": colours["claims"].get(ctype, {}).get("color", colours["other"]),
                "roundness": round(0.1 + 0.16 * n, 2),
            }
        )

    entities = {}
    for node in sorted(shown):
        d = source.nodes[node]
        kind = d.get("type", "")
        labels = list(d.get("labels", ()))
        label = node_label(d, source.chinese.get(node))
        name = d.get("name", node)
        if kind == "AUTHOR":
            doc = node.removeprefix(AUTHOR + ":")
            label = author_label(_doc_info(source, doc)["title"] or Path(doc).name)
            name = label
        entities[node] = {
            "id": node,
            "type": kind,
            "name": name,
            "label": label,
            "aliases": labels,
            "keys": search_keys([name, *labels, node]),
            "mentions": d.get("mentions", 0),
            "made": made[node],
            "received": received[node],
            "centrality": round(rank.get(node, 0.0), 4),
            "focus": node == focus,
        }

    # A map of many entities comes laid out (communities together, the main entities central): the
    # browser draws it at once instead of running its physics for tens of seconds.
    if len(entities) > LAYOUT_FROM:
        for node, (x, y) in community_layout(_graph_of(source.nodes, kept), rank).items():
            entities[node]["x"], entities[node]["y"] = x, y

    # Each claim has one type: the legend's counts add up to the claims (and statements) on the page.
    type_claims = Counter(c["type"] for c in claims)
    type_statements = Counter(t for t, _ in {(c["type"], c["statement"]) for c in claims})
    entity_counts = Counter(e["type"] for e in entities.values())
    docs = sorted({c["doc"] for c in claims})
    described = flt.describe()
    notes = []
    if flt.max_nodes is not None and len(entities) < flt.max_nodes:
        whole = len(_nodes_of(select_edges(source.nodes, source.edges, replace(flt, max_nodes=None))))
        notes.append(
            f"{len(entities)} entities, not {flt.max_nodes}: "
            + (
                f"only {whole} take part in the claims that pass the other filters"
                if whole <= flt.max_nodes
                else "the next most central entities have no claim linking them to those shown"
            )
        )
    if title is None:
        title = "Who said what about whom"
        if focus is not None:
            title += f": {entities[focus]['label'].replace(chr(10), ' · ')}"
    return {
        "title": title,
        "filters": described,
        "notes": notes,
        "counts": {
            "entities": len(entities),
            "links": len(links),
            "claims": len(claims),
            "statements": len({c["statement"] for c in claims}),
            "documents": len(docs),
            "undated": sum(not c["time"] for c in claims),
        },
        "claimTypes": [
            {**colours["claims"][code], "count": type_claims[code], "statements": type_statements[code]}
            for code in colours["claims"]
            if type_claims[code] or code in flt.types
        ],
        "entityTypes": [
            {**colours["entities"][code], "count": entity_counts[code]}
            for code in colours["entities"]
            if entity_counts[code]
        ],
        "documents": {doc: _doc_info(source, doc) for doc in docs},
        "entities": entities,
        "links": links,
        "claims": claims,
        "labelled": sorted(entities, key=lambda n: (-entities[n]["centrality"], n))[:LABELLED],
    }


def _claim_order(rec: Mapping[str, Any], speaker: str) -> tuple[str, int, int, str]:
    """Claims in the order of their documents, then of their places in them."""
    return (rec["doc"], rec["start"], rec["end"], speaker)


def _type_order(code: str) -> int:
    order = list(palette()["claims"])
    return order.index(code) if code in order else len(order)


def author_label(title: str) -> str:
    """The label of a document's unnamed author: its document's title (``graph.store.network`` names the
    node ``author:<doc>``).

    >>> author_label("美国商务部长卢特尼克：DeepSeek窃取美国技术，必须严加管控")
    'author of 《美国商务部长卢特尼克：DeepSeek窃取美国…》'
    """
    short = title if len(title) <= 24 else title[:23] + "…"
    return f"author of 《{short}》"


def _claim_payload(
    source: MapSource, edge: Mapping[str, Any], speaker: str, targets: list[str]
) -> dict[str, Any]:
    """One claim (one of its edges, ``edge``; the rest from its record) for the page, with context and
    highlight ranges relative to its window: the context its document's digest holds, else worked out
    from the text (``graph.store.context``)."""
    key = edge["claim"]
    rec = source.claims[(key, speaker)]
    doc, start, end, said = rec["doc"], rec["start"], rec["end"], rec["text"]
    cue_at = None
    if rec.get("cue_start") is not None and rec.get("cue_end") is not None:
        cue_at = (rec["cue_start"], rec["cue_end"])
    at = source.contexts.get((key, speaker))
    if at is None:
        near = {e: source.mentions.get((doc, e), ()) for e in (speaker, *targets)}
        at = claim_context(source.texts.get(doc), (start, end, said), cue_at, near, near)
    ws, window, clipped = at.ws, at.window, at.clipped
    qs, qe = start - ws, end - ws
    marks: dict[str, list[list[int]]] = {}
    for entity in sorted({speaker, *targets}):
        spans = at.marks.get(entity)
        if not spans and entity in targets:
            d = source.nodes[entity]
            found = [(qs + s, qs + e) for s, e in _ranges_of(said, [d.get("name", ""), *d.get("labels", ())])]
            spans = merged(found) if found else None
        if spans:
            marks[entity] = spans
    cue = None
    if cue_at is not None:
        cs, ce = cue_at[0] - ws, cue_at[1] - ws
        if 0 <= cs < ce <= len(window):
            cue = [cs, ce]
    post = rec.get("post")
    poster = source.posts.get((doc, post), {}).get("author") if post is not None else None
    return {
        "key": key,
        "statement": f"{edge.get('statement') or key} {speaker}",
        "type": edge["type"],
        "cue": rec.get("cue") or "",
        "speaker": speaker,
        "targets": targets,
        "text": said,
        "doc": doc,
        "start": start,
        "end": end,
        "post": post,
        "poster": poster,
        "time": edge.get("time"),
        "quote": rec.get("quote"),
        "window": window,
        "ws": ws,
        "clipped": clipped,
        "qs": qs,
        "qe": qe,
        "cueRange": cue,
        "cueStart": cue_at[0] if cue_at else None,
        "cueEnd": cue_at[1] if cue_at else None,
        "marks": marks,
    }


# ---------------------------------------------------------------- rendering


def script_json(value: Any) -> str:
    """JSON for inside ``<script type="application/json">``: ``<``, ``>``, ``&``, U+2028 and U+2029
    written as ``\\u003c``….

    A string is taken to be JSON already. Written compact by orjson, a third of the time ``json.dumps``
    takes on the 30 MB of a big map, and escaped in its UTF-8 bytes, only where the characters occur
    (each is looked for at memchr speed; most payloads hold none).

    >>> script_json({"q": "</script><img src=x onerror=alert(1)>"})
    '{"q":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    return _script_bytes(value).decode("utf-8")


def _script_bytes(value: Any) -> bytes:
    data = value.encode("utf-8") if isinstance(value, str) else orjson.dumps(value)
    for char, escaped in _SCRIPT_UNSAFE:
        if char in data:
            data = data.replace(char, escaped)
    return data


@cache
def vis_library() -> tuple[str, str]:
    """vis-network's standalone JS and the CSS rules the map uses, read from the files pyvis ships.

    The CSS drops the rules with images (colour picker, editing toolbar, navigation buttons): the map
    uses none of them, and that is 200 KB less.
    """
    lib = _pyvis_folder() / "lib"
    versions = sorted(
        (p for p in lib.glob("vis-*") if (p / "vis-network.min.js").exists()),
        key=lambda p: tuple(int(x) for x in re.findall(r"\d+", p.name)),
    )
    if not versions:
        raise ClaimgraphError(
            f"pyvis ships no vis-network under {lib}: reinstall pyvis (pip install 'pyvis>=0.3.2')"
        )
    js = (versions[-1] / "vis-network.min.js").read_text(encoding="utf-8")
    css = (versions[-1] / "vis-network.css").read_text(encoding="utf-8")
    css = "".join(rule for rule in re.findall(r"[^{}]+\{[^{}]*\}", css) if "url(" not in rule)
    # Inline script text must not close its element.
    js = re.sub(r"</(script)", r"<\\/\1", js, flags=re.IGNORECASE).replace("<!--", "<\\!--")
    return js, css


def _pyvis_folder() -> Path:
    """Where pyvis is installed, found without importing it: ``import pyvis`` imports its ``Network``,
    hence IPython, jsonpickle and networkx, for files the map only reads."""
    from importlib.util import find_spec

    spec = find_spec("pyvis")
    if spec is None or not spec.submodule_search_locations:
        raise ClaimgraphError(
            "pyvis is not installed: pip install 'pyvis>=0.3.2' (the map inlines its vis-network)"
        )
    return Path(next(iter(spec.submodule_search_locations)))


def _template_file(name: str) -> str:
    return files(__package__).joinpath("map_template", name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def vis_options(n_nodes: int, n_edges: int, laid_out: bool = False) -> dict[str, Any]:
    """vis-network options: physics settles once and is then switched off by the page; a map laid out
    in Python (``laid_out``) has none. On a big map only the names of larger nodes are drawn by
    vis-network when zoomed out (the page draws the most central ones always)."""
    big = n_edges > 600 or n_nodes > 300
    return {
        "autoResize": True,
        "layout": {"randomSeed": 7, "improvedLayout": n_nodes <= 120},
        "nodes": {
            "borderWidth": 1.5,
            "borderWidthSelected": 3,
            "font": {
                "face": _FONT,
                "size": 14,
                "color": "#1d2530",
                "strokeWidth": 4,
                "strokeColor": "#ffffff",
            },
            "scaling": {
                "min": NODE_SMALLEST,
                "max": NODE_LARGEST,
                "label": {
                    "enabled": True,
                    "min": 15,
                    "max": 30,
                    "drawThreshold": 9 if big else 6,
                    "maxVisible": 34,
                },
            },
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.5}},
            "arrowStrikethrough": False,
            "scaling": {"min": 1, "max": 8, "label": {"enabled": False}},
            "selectionWidth": 2.5,
            "hoverWidth": 1.5,
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": 0.1},
        },
        "interaction": {
            "hover": True,
            "tooltipDelay": 150,
            "hideEdgesOnDrag": big,
            "hideEdgesOnZoom": big,
            "multiselect": False,
            "navigationButtons": False,
            "keyboard": False,
        },
        "physics": {
            "enabled": not laid_out,
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -90,
                "centralGravity": 0.02,
                "springLength": 80,
                "springConstant": 0.05,
                "damping": 0.5,
                "avoidOverlap": 0.8,
            },
            "maxVelocity": 60,
            "minVelocity": 1,
            "timestep": 0.5,
            "stabilization": {
                "enabled": not laid_out,
                "iterations": 400 if big else 800,
                "updateInterval": 20,
                "fit": True,
            },
        },
    }


def vis_nodes(entities: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """vis-network's node objects for the payload's entities: shape and colour by type, size by centrality."""
    nodes = []
    for node, e in entities.items():
        style = palette()["entities"].get(e["type"], {"color": palette()["other"], "shape": "dot"})
        nodes.append(
            {
                "id": node,
                "label": e["label"] or node,
                "shape": style["shape"],
                "color": {
                    "background": style["color"],
                    "border": "#1d2530" if e["focus"] else "#ffffff",
                    "highlight": {"background": style["color"], "border": "#1d2530"},
                    "hover": {"background": style["color"], "border": "#1d2530"},
                },
                "value": max(e["centrality"], 0.02),
                **({"x": e["x"], "y": e["y"]} if "x" in e else {}),
                "mass": round(1 + 3 * e["centrality"], 2),
                "borderWidth": 4 if e["focus"] else 1.5,
            }
        )
    return nodes


def vis_edges(links: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """vis-network's edge objects for the payload's links: an arrow, coloured by claim type, as wide as
    its claims are many."""
    return [
        {
            "id": link["id"],
            "from": link["from"],
            "to": link["to"],
            "arrows": "to",
            "value": link["count"],
            "color": {
                "color": link["color"],
                "highlight": link["color"],
                "hover": link["color"],
                "opacity": 0.85,
            },
            "smooth": {"enabled": True, "type": "curvedCW", "roundness": link["roundness"]},
        }
        for link in links
    ]


@cache
def _template() -> Any:
    """The page's Jinja template, its one filter (:func:`script_json`) registered."""
    from jinja2 import Environment, FileSystemLoader

    env = Environment(loader=FileSystemLoader(str(files(__package__).joinpath("map_template"))))
    env.filters["scriptjson"] = script_json
    return env.get_template(TEMPLATE)


def render_html(payload: Mapping[str, Any]) -> str:
    """The page (:func:`render_page`) as text."""
    return render_page(payload).decode("utf-8")


def render_page(payload: Mapping[str, Any]) -> bytes:
    """The page: our template with vis-network's nodes, edges and options and the payload, one offline file,
    in UTF-8.

    pyvis ships the vis-network files the page inlines (:func:`vis_library`); its ``Network`` class is
    not needed to fill our template (it would import IPython, jsonpickle and networkx for nothing). The
    payload's JSON goes into the page as the bytes orjson writes, not made text and encoded back: 0.1 s
    of a 32 MB page.
    """
    laid_out = all("x" in e for e in payload["entities"].values())
    options = vis_options(len(payload["entities"]), len(payload["links"]), laid_out)

    vis_js, vis_css = vis_library()
    app_js, app_css = _template_file("map.js"), _template_file("map.css")
    # The HTML parser turns CR LF and CR into LF before the browser hashes a script for the CSP.
    vis_js, app_js = (x.replace("\r\n", "\n").replace("\r", "\n") for x in (vis_js, app_js))
    csp = "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256(vis_js)} {_sha256(app_js)}",
            "style-src 'unsafe-inline'",
            "img-src data:",
            "font-src data:",
            "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    marker = f"\x00{secrets.token_hex(16)}\x00"  # where the payload goes; no text can hold it
    page = _template().render(
        heading=payload["title"],
        nodes=vis_nodes(payload["entities"]),
        edges=vis_edges(payload["links"]),
        options=options,
        csp=csp,
        vis_js=vis_js,
        vis_css=vis_css,
        app_js=app_js,
        app_css=app_css,
        mapdata=marker,
    )
    before, found, after = page.partition(marker)
    assert found and marker not in after, "the template places the payload once"
    return before.encode("utf-8") + _script_bytes(dict(payload)) + after.encode("utf-8")


def map_source(store: ox.Store, flt: MapFilter = MapFilter()) -> MapSource:
    """What the map of ``store`` under ``flt`` is drawn from: with a focus the store names plainly, its
    neighbourhood only (:meth:`MapSource.from_focus`); with documents (``--doc``), those only
    (:meth:`MapSource.from_documents`); with claim types or dates, those claims only
    (:meth:`MapSource.from_claims`); else everything."""
    check_types(flt.types)
    if flt.focus:
        from graph.sparql.neighbourhood import resolve_entity

        focus = resolve_entity(store, flt.focus)
        if focus is not None:
            return MapSource.from_focus(store, focus, flt.hops, flt.types)
    elif flt.docs:
        source = MapSource.from_documents(store, flt.docs)
        if source is not None:
            return source
    elif flt.types or flt.since or flt.until:
        return MapSource.from_claims(store, flt.types, flt.since or None, flt.until or None)
    return MapSource.from_store(store)


def map_html(
    store: ox.Store, flt: MapFilter = MapFilter(), *, title: str | None = None
) -> tuple[bytes, dict]:
    """The map page of ``store`` under ``flt`` (:func:`render_page`: UTF-8), and its counts (entities,
    links, claims, documents)."""
    with _collector_paused():
        payload = map_payload(map_source(store, flt), flt, title=title)
        page, counts = render_page(payload), payload["counts"]
        del payload  # freed while the collector rests: still alive when it wakes, it would be walked (0.13 s)
    return page, counts


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cycle collector off while a map is made: a big map makes millions of dicts and lists that
    form no cycles, and the collector, run again and again as they pile up, took 1.5 s of a 6 s map
    (28,758 claims). What cycles there are get collected afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()
