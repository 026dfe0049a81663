"""Reading only what a focused map draws: the neighbourhood of an entity, found with SPARQL.

A map of one entity (``claimgraph map --focus``) shows the entities within some claims of it and every
claim among them (``graph.views.maps.select``). Reading the whole store to draw it costs as much as
the whole map; here the store is asked instead:

1. :func:`neighbourhood`: the entities (and documents' unnamed authors) within ``hops`` claims of the
   focus, one query a hop, of the claim types asked for;
2. :func:`claims_among`: the claims whose speaker and one of whose targets are among them, and their
   documents;
3. :func:`focus_records`: the records of ``graph.store.reader.records`` for those documents, entities
   and claims only, with the texts, statements and mention counts the map needs.

The map built from these records is the map built from the whole store (``tests/test_map.py`` compares
them): the entities within ``hops`` claims are the same whatever other filters apply after, since a
filter only removes claims, and every claim among them is read.

Maps of some documents (:func:`document_records`) and maps of some claim types or dates without a focus
(:func:`filtered_records`: the store finds the claims) are read the same way, from their claims.

Parameters reach the queries as pyoxigraph substitutions (the focus, the dates) or as ``VALUES`` of IRIs
the store gave or ``graph.store.vocab`` made (``NamedNode`` objects, which hold valid IRIs only): no text
a user typed is written into a query.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyoxigraph as ox

from extract.records import AUTHOR
from graph.sparql.queries import BY_NAME_KEY  # the name index `claimgraph query --param entity=` reads
from graph.store.digest import Digest, digests, mention_spans
from graph.store.reader import chunked, claim_records, documents_of, entity_records, values_of
from graph.store.vocab import (
    CG,
    ENTITIES,
    claim_types,
    doc_iri,
    entity_id,
    entity_iri,
    mention_span,
    node,
    prefixes,
)

_BATCH = 2000
"""IRIs per ``VALUES`` block."""

# One hop: who speaks about ?x, and whom ?x speaks about. ?x is bound by substitution (so selected).
_NEIGHBOURS = """
SELECT DISTINCT ?x ?n WHERE {
  %s
  GRAPH ?g {
    { ?c cg:speaker ?x ; cg:target ?n } UNION { ?c cg:target ?x ; cg:speaker ?n }
    ?c cg:claimType ?type
  }
}"""

# The claims among a set of entities: a speaker among them, and a target.
_AMONG = """
SELECT DISTINCT ?c ?g WHERE {
  %s
  GRAPH ?g { ?c cg:speaker ?s ; cg:target ?t ; cg:claimType ?type }
  FILTER (?t IN (%s))
}"""

# Claims of some types (VALUES ?type, the ontology's IRIs).
_OF_TYPES = "SELECT ?c ?g WHERE { %s GRAPH ?g { ?c cg:claimType ?type } }"

# Claims dated within ?from..?to (days, YYYY-MM-DD, bound by substitution), of some types. A claim's
# date is the time graph.views.maps.select judges (the build writes its post's time, else its document's
# publication: graph.store.rdf.claim_date). The day is a date's first ten characters, and a date of
# another shape passes, for select to judge as it judges a whole read. The first %s is the range's
# condition (_FROM, _TO or both: oxigraph reads BOUND(?from) as false even when ?from is substituted,
# so the condition is chosen, not tested). The subquery filters the dates first: joined to every claim's type
# first, the query took 1 s on 10,000 documents whatever it found.
_DATED = """
SELECT ?c ?g ?from ?to WHERE {
  { SELECT ?c ?g ?from ?to WHERE {
      GRAPH ?g { ?c dcterms:date ?when }
      BIND (SUBSTR(REPLACE(STR(?when), "/", "-"), 1, 10) AS ?day)
      FILTER (!REGEX(?day, "^[0-9]{4}-[0-9]{2}-[0-9]{2}$") || (%s))
  } }
  %s
  GRAPH ?g { ?c cg:claimType ?type }
}"""
_FROM, _TO = "?day >= ?from", "?day <= ?to"

_KNOWN = f"SELECT ?entity WHERE {{ GRAPH <{ENTITIES}> {{ ?entity cg:entityType ?type }} }}"

_COUNTS = f"""
SELECT ?entity ?mentions WHERE {{ %s GRAPH <{ENTITIES}> {{ ?entity cg:mentionCount ?mentions }} }}"""

_CHINESE = f"""
SELECT ?entity ?label WHERE {{
  %s GRAPH <{ENTITIES}> {{ ?entity rdfs:label ?label FILTER(langMatches(lang(?label), "zh-Hans")) }}
}}"""


_Parts = tuple[
    list[dict[str, Any]], dict[str, str], dict[tuple[str, str], str], dict[str, int], dict[str, str]
]
"""Records, texts by document, statements, mention counts and Chinese names: what a map is drawn from."""


def _batches(nodes: Iterable[ox.NamedNode], size: int = _BATCH) -> Iterable[list[ox.NamedNode]]:
    return chunked(sorted(set(nodes), key=lambda n: n.value), size)


def _select(store: ox.Store, query: str, **kwargs: Any) -> ox.QuerySolutions:
    answer = store.query(query, prefixes=prefixes(), **kwargs)
    assert isinstance(answer, ox.QuerySolutions)
    return answer


def _types(types: Iterable[str]) -> str:
    chosen = [ox.NamedNode(str(claim_types()[t])) for t in types]
    return values_of("type", chosen) if chosen else ""


def resolve_entity(store: ox.Store, name: str) -> str | None:
    """The entity ``name`` stands for when the store's name index says so plainly: an entity id or IRI,
    else the one entity whose name (else whose one alias) has its ``name_key``; ``None`` otherwise (no
    such entity, or several: ``graph.views.maps.resolve_node`` then explains, from the whole graph)."""
    from extract.scripts import name_key

    for candidate in (name, entity_id(name.strip().strip("<>")), name.removeprefix("entity:")):
        if candidate:
            found = _select(store, _KNOWN, substitutions={ox.Variable("entity"): _entity_node(candidate)})
            if any(True for _ in found):
                return candidate
    key = name_key(name)
    if not key:
        return None
    hits: dict[bool, set[str]] = {True: set(), False: set()}
    for row in _select(store, BY_NAME_KEY, substitutions={ox.Variable("key"): ox.Literal(key)}):
        found = entity_id(row["entity"].value)
        if found is not None:
            hits[row["preferred"].value == "true"].add(found)
    chosen = hits[True] or hits[False]
    return next(iter(chosen)) if len(chosen) == 1 else None


def _entity_node(entity: str) -> ox.NamedNode:
    return ox.NamedNode(str(entity_iri(entity)))


def neighbourhood(store: ox.Store, focus: str, hops: int = 1, types: Iterable[str] = ()) -> set[ox.NamedNode]:
    """The focus entity and those within ``hops`` claims of it, either way, of ``types`` (all if empty):
    entity IRIs, and the IRIs of documents' unnamed authors (``graph.store.vocab.author_iri``)."""
    seen = {_entity_node(focus)}
    frontier = set(seen)
    type_values = _types(types)
    for _ in range(hops):
        found: set[ox.NamedNode] = set()
        for here in frontier:
            query = _NEIGHBOURS % type_values
            for row in _select(store, query, substitutions={ox.Variable("x"): here}):
                if isinstance(row["n"], ox.NamedNode):
                    found.add(row["n"])
        frontier = found - seen
        seen |= frontier
        if not frontier:
            break
    return seen


def claims_among(
    store: ox.Store, nodes: set[ox.NamedNode], types: Iterable[str] = ()
) -> dict[ox.NamedNode, set[str]]:
    """The claims whose speaker and at least one target are among ``nodes``, of ``types`` (all if
    empty): claim IRIs by their document's graph."""
    out: dict[ox.NamedNode, set[str]] = {}
    targets = ", ".join(str(n) for n in sorted(nodes, key=lambda n: n.value))
    for speakers in _batches(nodes):
        query = _AMONG % (values_of("s", speakers) + " " + _types(types), targets)
        for row in _select(store, query):
            out.setdefault(row["g"], set()).add(row["c"].value)
    return out


def focus_records(
    store: ox.Store, focus: str, hops: int = 1, types: Iterable[str] = (), *, near: int | None = None
) -> tuple[list[dict[str, Any]], dict[str, str], dict[tuple[str, str], str], dict[str, int], dict[str, str]]:
    """What a map of ``focus`` (an entity id) within ``hops`` claims, of ``types``, is drawn from.

    The records of :func:`graph.store.reader.records` for the claims among the neighbourhood, their
    documents (with posts) and the neighbourhood's entities and mentions; the texts of those documents by
    name; the statements of those claims (``graph.store.duplicates.statement_keys``); each entity's
    mention count in the whole store and its simplified Chinese label. With ``near``, only the mentions
    within ``near`` characters of their claims (:func:`mention_records`).
    """
    types = tuple(types)
    nodes = neighbourhood(store, focus, hops, types)
    by_graph = claims_among(store, nodes, types)
    return _records_for(store, by_graph, {n for n in nodes if entity_id(n.value) is not None}, near=near)


def filtered_claims(
    store: ox.Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None
) -> dict[ox.NamedNode, set[str]]:
    """The claims of ``types`` (all if empty) dated within ``since``..``until`` (ISO dates or times,
    either may be ``None``): claim IRIs by their document's graph.

    Every claim ``graph.views.maps.select`` keeps under these filters is among them, and few others: the
    store compares days, ``select`` then the times as a whole read does.
    """
    from graph.store.network import parse_time

    type_values = _types(types)
    if since is None and until is None:
        return _by_graph(_select(store, _OF_TYPES % type_values))
    bounds, conditions = {}, []
    if since is not None:
        bounds[ox.Variable("from")] = ox.Literal(parse_time(since).date().isoformat())
        conditions.append(_FROM)
    if until is not None:
        bounds[ox.Variable("to")] = ox.Literal(parse_time(until, end=True).date().isoformat())
        conditions.append(_TO)
    query = _DATED % (" && ".join(conditions), type_values)
    return _by_graph(_select(store, query, substitutions=bounds))


def _by_graph(rows: ox.QuerySolutions) -> dict[ox.NamedNode, set[str]]:
    out: dict[ox.NamedNode, set[str]] = {}
    for row in rows:
        out.setdefault(row["g"], set()).add(row["c"].value)
    return out


def filtered_records(
    store: ox.Store,
    types: Iterable[str] = (),
    since: str | None = None,
    until: str | None = None,
    *,
    near: int | None = None,
) -> _Parts:
    """What a map of the claims of ``types`` dated within ``since``..``until`` (no focus, no documents)
    is drawn from, as :func:`focus_records` gives it: those claims (:func:`filtered_claims`), the
    entities in them, their documents and the mentions near them."""
    claims = filtered_claims(store, types, since, until)
    return _records_for(store, claims, set(), claim_entities=True, near=near)


def _by_base(names: dict[str, ox.NamedNode], doc: str) -> list[ox.NamedNode]:
    from pathlib import Path

    return [g for n, g in names.items() if Path(n).name == Path(doc).name]


_DOCUMENT_NAMES = "SELECT ?g ?name WHERE { GRAPH ?g { ?g a cg:Document ; cg:fileName ?name } }"
_CLAIMS_IN = "SELECT ?c ?g WHERE { GRAPH ?g { ?c a cg:Claim } }"


def document_records(store: ox.Store, docs: Iterable[str], *, near: int | None = None) -> _Parts | None:
    """What a map of some documents (``--doc``: names, or base names that fit one document) is drawn
    from, as :func:`focus_records` gives it: their claims, the entities in them, their mentions there.
    ``None`` when a name fits no document (the whole graph's read explains)."""
    names = {row["name"].value: row["g"] for row in _select(store, _DOCUMENT_NAMES)}
    graphs = []
    for doc in docs:
        found = [names[doc]] if doc in names else _by_base(names, doc)
        if not found:
            return None
        graphs += found
    by_graph: dict[ox.NamedNode, set[str]] = {}
    for chunk in _batches(graphs, 500):
        for row in _select(store, _CLAIMS_IN, named_graphs=chunk):
            by_graph.setdefault(row["g"], set()).add(row["c"].value)
    return _records_for(store, by_graph, set(), claim_entities=True, near=near)


def _records_for(
    store: ox.Store,
    by_graph: dict[ox.NamedNode, set[str]],
    entities: set[ox.NamedNode],
    *,
    claim_entities: bool = False,
    near: int | None = None,
) -> tuple[list[dict[str, Any]], dict[str, str], dict[tuple[str, str], str], dict[str, int], dict[str, str]]:
    """The records, texts, statements, mention counts and Chinese names for these claims (by their
    documents' graphs) and these entities (with ``claim_entities``, also every speaker and target of the
    claims), the documents' outlets too."""
    from graph.store.duplicates import statement_keys

    claims = {iri for iris in by_graph.values() for iri in iris}
    documents, texts, known = documents_of(store, list(by_graph))
    found = claim_records(
        store,
        sorted(((ox.NamedNode(c), g) for g, cs in by_graph.items() for c in cs), key=lambda x: x[0].value),
        known,
    )
    entities = set(entities)
    if claim_entities:
        ids = {e for rec in found if rec["kind"] == "claim" for e in (rec["speaker"], *rec["targets"])}
        entities |= {_entity_node(e) for e in ids if e != AUTHOR}
    entities |= {_entity_node(d["outlet"]) for d in documents if d["outlet"]}  # named on the panel

    recs = entity_records(store, sorted(entities, key=lambda n: n.value)) + documents + found
    kinds = {rec["id"]: rec["type"] for rec in recs if rec["kind"] == "entity"}
    by_name = {
        rec["doc"]: ox.NamedNode(str(doc_iri(rec["doc"]))) for rec in recs if rec["kind"] == "document"
    }
    recs += mention_records(store, found, by_name, texts, kinds, near=near, known=known)
    statements = statement_keys(store, [ox.NamedNode(c) for c in claims])  # one read of the duplicates
    counts: dict[str, int] = {}
    chinese: dict[str, str] = {}
    for batch in _batches(entities):
        values = values_of("entity", batch)
        for row in _select(store, _COUNTS % values):
            counts[entity_id(row["entity"].value) or ""] = int(row["mentions"].value)
        for row in _select(store, _CHINESE % values):
            node = entity_id(row["entity"].value) or ""
            chinese[node] = min(chinese.get(node, row["label"].value), row["label"].value)
    return recs, texts, statements, counts, chinese


def mention_records(
    store: ox.Store,
    claims: list[dict[str, Any]],
    graphs: dict[str, ox.NamedNode],
    texts: dict[str, str],
    kinds: dict[str, str],
    *,
    near: int | None = None,
    known: dict[ox.NamedNode, Digest | None] | None = None,
) -> list[dict[str, Any]]:
    """The mention records (as ``graph.store.reader.records`` gives them) of each claim's speaker and
    targets in the claim's document: what the map marks in a quote's context; with ``near``, only those
    within ``near`` characters of a claim of theirs or its cue (the context the map shows). Read from the
    documents' digests (``known``, when read already), else by one index lookup per document and entity
    (``cg:denotes``), the offsets read from the mention's IRI (``graph.store.vocab.mention_span``): a
    SPARQL join over thousands of documents reads every mention's selectors first and costs seconds."""
    windows: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for rec in claims:
        if rec["kind"] != "claim":
            continue
        left, right = rec["start"], rec["end"]
        if rec.get("cue_start") is not None and rec.get("cue_end") is not None:
            left, right = min(left, rec["cue_start"]), max(right, rec["cue_end"])
        for entity in (rec["speaker"], *rec["targets"]):
            if entity != AUTHOR:
                windows.setdefault((rec["doc"], entity), []).append((left - (near or 0), right + (near or 0)))
    out = []
    if known is None:
        known = digests(store, graphs.values())
    for (doc, eid), around in sorted(windows.items()):
        graph = graphs.get(doc)
        if graph is None:
            continue
        digest = known.get(graph)
        spans = _mention_spans(store, graph, eid) if digest is None else mention_spans(digest, eid)
        for start, end in spans:
            if near is not None and not any(lo <= start and end <= hi for lo, hi in around):
                continue
            out.append(
                {
                    "kind": "mention",
                    "doc": doc,
                    "entity": eid,
                    "type": kinds.get(eid, ""),
                    "text": texts.get(doc, "")[start:end],
                    "start": start,
                    "end": end,
                }
            )
    return sorted(out, key=lambda r: (r["doc"], r["start"], r["end"], r["entity"]))


def _mention_spans(store: ox.Store, graph: ox.NamedNode, entity: str) -> Iterable[tuple[int, int]]:
    """The offsets of the mentions of ``entity`` in a document without a digest, from its triples."""
    for q in store.quads_for_pattern(None, node(CG.denotes), _entity_node(entity), graph):
        span = mention_span(q.subject.value)
        if span is not None:
            yield span
