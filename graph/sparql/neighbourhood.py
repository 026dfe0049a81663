"""Reading only what a focused map draws: the neighbourhood of an entity, found with SPARQL.

A map of one entity (``claimgraph map --focus``) shows the entities within some claims of it and every
claim among them (``graph.views.maps.select``). Reading the whole store to draw it costs as much as
the whole map; here the store is asked instead:

1. :func:`neighbourhood`: the entities (and documents' unnamed authors) within ``hops`` claims of the
   focus, one query a hop, of the claim types asked for;
2. :func:`focus_records`: the documents where they speak (one query), and of those documents' claims,
   read from their digests, the ones whose speaker and a target are among them: the records of
   ``graph.store.reader.records`` for those claims, their documents and the neighbourhood's entities
   only, with the texts, statements, mention counts and mentions the map needs (:class:`Parts`).

The map built from these records is the map built from the whole store (``tests/test_map.py`` compares
them): the entities within ``hops`` claims are the same whatever other filters apply after, since a
filter only removes claims, and every claim among them is read.

Maps of some documents (:func:`document_records`) and maps of some claim types or dates without a focus
(:func:`filtered_records`: the store finds the claims) are read the same way, from their claims.

Parameters reach the queries as pyoxigraph substitutions (the dates) or as ``VALUES`` of IRIs
the store gave or ``graph.store.vocab`` made (``NamedNode`` objects, which hold valid IRIs only): no text
a user typed is written into a query.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

import pyoxigraph as ox

from extract.records import AUTHOR
from graph.sparql.queries import BY_NAME_KEY  # the name index `claimgraph query --param entity=` reads
from graph.store.context import Context
from graph.store.digest import claim_head, claim_in_context
from graph.store.reader import chunked, claim_records, claims_in, documents_of, entity_records, values_of
from graph.store.vocab import (
    CG,
    ENTITIES,
    author_iri,
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

# One hop: who speaks about the entities ?x (VALUES: bound by substitution, ?x is not planned as bound
# and the query reads every claim, 0.75 s instead of 0.05 s on 10,000 documents), and whom they speak
# about. The second %s are the claim types (VALUES ?type), or nothing.
_NEIGHBOURS = """
SELECT DISTINCT ?n WHERE {
  %s %s
  GRAPH ?g {
    { ?c cg:speaker ?x ; cg:target ?n } UNION { ?c cg:target ?x ; cg:speaker ?n }
    ?c cg:claimType ?type
  }
}"""

# The documents where some entities (VALUES ?s) speak, in claims of some types (VALUES ?type and its
# pattern, or nothing): one index range a speaker. Asking the store for the claims whose speaker and a
# target are among the entities instead joined every claim of theirs to its targets: 0.8 s, where this
# takes 0.07 s and the documents' digests say the rest (28,791 claims of 60 entities, 10,000 documents).
_SPOKEN_IN = "SELECT DISTINCT ?g WHERE { %s %s GRAPH ?g { ?c cg:speaker ?s %s } }"

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


class Parts(NamedTuple):
    """What a map is drawn from, read for its claims only."""

    records: list[dict[str, Any]]
    """The records of ``graph.store.reader.records`` for the entities, documents, claims and posts."""
    texts: dict[str, str]
    """The texts, by name, of the documents without a digest (``contexts`` and ``headings`` say what a map
    shows of the others)."""
    statements: dict[tuple[str, str], str]
    """The claims that repeat others (``graph.store.duplicates.statement_keys``)."""
    counts: dict[str, int]
    """Each entity's mention count in the whole store."""
    chinese: dict[str, str]
    """Each entity's simplified Chinese label."""
    mentions: dict[tuple[str, str], list[tuple[int, int]]]
    """Where each claim's speaker and targets are mentioned in its document, if it has no digest
    (:func:`mention_spans_of`)."""
    contexts: dict[tuple[str, int, int, str], Context]
    """The context of each claim in a document with a digest (``graph.store.context``), by document,
    start, end and speaker as its record gives them."""
    headings: dict[str, str]
    """The first line of each document with a digest (``graph.store.context.heading``), by name."""


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
        for batch in _batches(frontier):
            for row in _select(store, _NEIGHBOURS % (values_of("x", batch), type_values)):
                if isinstance(row["n"], ox.NamedNode):
                    found.add(row["n"])
        frontier = found - seen
        seen |= frontier
        if not frontier:
            break
    return seen


def focus_records(store: ox.Store, focus: str, hops: int = 1, types: Iterable[str] = ()) -> Parts:
    """What a map of ``focus`` (an entity id) within ``hops`` claims, of ``types``, is drawn from: the
    claims whose speaker and a target are among the neighbourhood, their documents (with posts) and the
    neighbourhood's entities."""
    types = tuple(types)
    nodes = neighbourhood(store, focus, hops, types)
    type_values = _types(types)
    typed = "; cg:claimType ?type" if type_values else ""
    graphs: set[ox.NamedNode] = set()
    for batch in _batches(nodes):
        graphs |= {row[0] for row in _select(store, _SPOKEN_IN % (values_of("s", batch), type_values, typed))}
    among = {entity_id(n.value) or n.value for n in nodes}  # as records name them; authors by IRI

    def keep(claim: dict[str, Any]) -> bool:
        speaker = str(author_iri(claim["doc"])) if claim["speaker"] == AUTHOR else claim["speaker"]
        return (
            speaker in among
            and not among.isdisjoint(claim["targets"])
            and (not types or claim["type"] in types)
        )

    return _records_for(store, graphs, {n for n in nodes if entity_id(n.value) is not None}, keep=keep)


def filtered_claims(
    store: ox.Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None
) -> dict[ox.NamedNode, set[ox.NamedNode]]:
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


def _by_graph(rows: ox.QuerySolutions) -> dict[ox.NamedNode, set[ox.NamedNode]]:
    out: dict[ox.NamedNode, set[ox.NamedNode]] = {}
    for row in rows:
        out.setdefault(row["g"], set()).add(row["c"])
    return out


def filtered_records(
    store: ox.Store, types: Iterable[str] = (), since: str | None = None, until: str | None = None
) -> Parts:
    """What a map of the claims of ``types`` dated within ``since``..``until`` (no focus, no documents)
    is drawn from, as :func:`focus_records` gives it: those claims (:func:`filtered_claims`), the
    entities in them and their documents."""
    claims = filtered_claims(store, types, since, until)
    return _records_for(store, set(claims), set(), claims=claims, claim_entities=True)


def _by_base(names: dict[str, ox.NamedNode], doc: str) -> list[ox.NamedNode]:
    from pathlib import Path

    return [g for n, g in names.items() if Path(n).name == Path(doc).name]


_DOCUMENT_NAMES = "SELECT ?g ?name WHERE { GRAPH ?g { ?g a cg:Document ; cg:fileName ?name } }"


def document_records(store: ox.Store, docs: Iterable[str]) -> Parts | None:
    """What a map of some documents (``--doc``: names, or base names that fit one document) is drawn
    from, as :func:`focus_records` gives it: their claims and the entities in them.
    ``None`` when a name fits no document (the whole graph's read explains)."""
    names = {row["name"].value: row["g"] for row in _select(store, _DOCUMENT_NAMES)}
    graphs = []
    for doc in docs:
        found = [names[doc]] if doc in names else _by_base(names, doc)
        if not found:
            return None
        graphs += found
    return _records_for(store, set(graphs), set(), claim_entities=True)


def _records_for(
    store: ox.Store,
    graphs: set[ox.NamedNode],
    entities: set[ox.NamedNode],
    *,
    claims: dict[ox.NamedNode, set[ox.NamedNode]] | None = None,
    keep: Callable[[dict[str, Any]], bool] | None = None,
    claim_entities: bool = False,
) -> Parts:
    """What a map of these documents' claims (their graphs; ``claims``: these of them, by graph, else all;
    ``keep``: those whose record it keeps, and the documents that hold them) and these entities (with
    ``claim_entities``, also every speaker and target of the claims) is drawn from, the documents'
    outlets too."""
    from graph.store.duplicates import statement_keys

    documents, texts, known = documents_of(store, sorted(graphs, key=lambda g: g.value))
    if claims is None:
        listed = claims_in(store, graphs, known)
    else:
        listed = sorted(((c, g) for g, cs in claims.items() for c in cs), key=lambda x: x[0].value)
    # Judged by the digests where there are digests, which hold the claims' contexts; by the records for
    # the rest.
    chosen, contexts, headings = [], {}, {}
    for claim, graph in listed:
        digest = known.get(graph)
        head = None if digest is None else claim_head(digest, claim.value)
        if head is not None and keep is not None and not keep(head):
            continue
        chosen.append((claim, graph))
        entry = None if digest is None else claim_in_context(digest, claim.value)
        if entry is not None:
            rec, at = entry
            contexts[rec["doc"], rec["start"], rec["end"], rec["speaker"]] = at
            headings[rec["doc"]] = digest["heading"]
    listed = chosen
    found = claim_records(store, listed, known)
    if keep is not None:
        found = [r for r in found if r["kind"] != "claim" or keep(r)]
        floors = {(r["doc"], r["post"]) for r in found if r["kind"] == "claim"}
        found = [r for r in found if r["kind"] == "claim" or (r["doc"], r["floor"]) in floors]
        shown = {doc for doc, _ in floors}
        documents = [d for d in documents if d["doc"] in shown]
        texts = {d["doc"]: texts[d["doc"]] for d in documents if d["doc"] in texts}
    # Of a focus map's claims, only the targets in the neighbourhood are drawn and marked in the quotes.
    drawn = None if claim_entities else {entity_id(n.value) for n in entities}
    entities = set(entities)
    if claim_entities:
        ids = {e for rec in found if rec["kind"] == "claim" for e in (rec["speaker"], *rec["targets"])}
        entities |= {_entity_node(e) for e in ids if e != AUTHOR}
    entities |= {_entity_node(d["outlet"]) for d in documents if d["outlet"]}  # named on the panel

    plain = {d["doc"]: ox.NamedNode(str(doc_iri(d["doc"]))) for d in documents if d["doc"] in texts}
    mentions = mention_spans_of(store, found, plain, drawn)
    statements = statement_keys(store, [c for c, _ in listed], known)
    counts: dict[str, int] = {}
    chinese: dict[str, str] = {}
    for batch in _batches(entities):
        values = values_of("entity", batch)
        for row in _select(store, _COUNTS % values):
            counts[entity_id(row["entity"].value) or ""] = int(row["mentions"].value)
        for row in _select(store, _CHINESE % values):
            node = entity_id(row["entity"].value) or ""
            chinese[node] = min(chinese.get(node, row["label"].value), row["label"].value)
    recs = entity_records(store, sorted(entities, key=lambda n: n.value)) + documents + found
    return Parts(recs, texts, statements, counts, chinese, mentions, contexts, headings)


def mention_spans_of(
    store: ox.Store,
    claims: list[dict[str, Any]],
    graphs: dict[str, ox.NamedNode],
    drawn: set[str | None] | None = None,
) -> dict[tuple[str, str], list[tuple[int, int]]]:
    """Where each claim's speaker and targets (those ``drawn``, when given) are mentioned in the claim's
    document (one of ``graphs``, by name), by (document name, entity id), in order: what the map marks in
    a quote's context, for documents without a digest (``graph.store.digest`` holds the marks). One index
    lookup per document and entity (``cg:denotes``), the offsets read from the mention's IRI
    (``graph.store.vocab.mention_span``): a SPARQL join over thousands of documents reads every mention's
    selectors first and costs seconds."""
    wanted = {
        (rec["doc"], entity)
        for rec in claims
        if rec["kind"] == "claim" and rec["doc"] in graphs
        for entity in (rec["speaker"], *rec["targets"])
        if entity != AUTHOR and (drawn is None or entity in drawn)
    }
    out = {}
    for doc, eid in sorted(wanted):
        spans = sorted(_mention_spans(store, graphs[doc], eid))
        if spans:
            out[doc, eid] = spans
    return out


def _mention_spans(store: ox.Store, graph: ox.NamedNode, entity: str) -> Iterable[tuple[int, int]]:
    """The offsets of the mentions of ``entity`` in a document without a digest, from its triples."""
    for q in store.quads_for_pattern(None, node(CG.denotes), _entity_node(entity), graph):
        span = mention_span(q.subject.value)
        if span is not None:
            yield span
