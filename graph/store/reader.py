"""Reading records back out of the store: the one reader that every wing above the store uses.

:func:`records` gives the store's content as the plain records of ``shared/eval/EXPORT.md`` (entities,
then per document the document, its posts, mentions and claims), in a fixed order: the JSON Lines and CSV
exports write them, the claim network (``graph.store.network``) is built from them, the scorer reads
them. :func:`document_texts` gives each document's text, where quotes and gold spans are looked up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR, QUOTE_KINDS
from graph.store.digest import (
    Digest,
    DocumentTerms,
    claim_iris,
    claim_record,
    digest_of,
    digests,
    document_record,
    post_record,
)
from graph.store.rdf import most_common
from graph.store.vocab import CG, ENTITIES, OA, claim_types, entity_id, mention_span, prefixes

_GRAPHS = """
SELECT ?g ?name WHERE { GRAPH ?g { ?g a cg:Document ; cg:fileName ?name } }
"""

_DOCUMENTS = """
SELECT ?name ?sha ?encoding ?mediaType ?source ?title ?issued ?outlet ?url ?author ?language WHERE {
  GRAPH ?g {
    ?g a cg:Document ; cg:fileName ?name ; cg:sha256 ?sha ; cg:encoding ?encoding ;
      dcterms:format ?mediaType .
    OPTIONAL { ?g dcterms:source ?source }
    OPTIONAL { ?g dcterms:title ?title }
    OPTIONAL { ?g dcterms:issued ?issued }
    OPTIONAL { ?g dcterms:publisher ?outlet }
    OPTIONAL { ?g schema:url ?url }
    OPTIONAL { ?g cg:authorName ?author }
    OPTIONAL { ?g dcterms:language ?language }
  }
}"""

# The entities graph's IRI is a constant of the code, not a parameter: it is written into the queries.
_ENTITIES = f"""
SELECT ?entity ?type ?name WHERE {{
  GRAPH <{ENTITIES}> {{ ?entity cg:entityType ?type . OPTIONAL {{ ?entity skos:prefLabel ?name }} }}
}}"""

_LABELS = f"""
SELECT DISTINCT ?entity ?label WHERE {{
  GRAPH <{ENTITIES}> {{ ?entity cg:entityType ?type ; rdfs:label|skos:prefLabel|skos:altLabel ?label }}
}}"""

_POSTS = """
SELECT ?name ?floor ?author ?poster ?time ?start ?end WHERE {
  GRAPH ?g {
    ?g cg:fileName ?name .
    ?post a cg:Post ; cg:floor ?floor ; oa:hasSelector ?at .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    OPTIONAL { ?post cg:posterName ?author }
    OPTIONAL { ?post cg:poster ?poster }
    OPTIONAL { ?post dcterms:created ?time }
  }
}"""

_MENTIONS = f"""
SELECT ?name ?entity ?type ?text ?start ?end WHERE {{
  GRAPH ?g {{
    ?g cg:fileName ?name .
    ?mention a cg:Mention ; cg:denotes ?entity ; oa:hasSelector ?at , ?quote .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    ?quote a oa:TextQuoteSelector ; oa:exact ?text .
  }}
  OPTIONAL {{ GRAPH <{ENTITIES}> {{ ?entity cg:entityType ?type }} }}
}}"""

_CLAIMS = """
SELECT ?claim ?name ?speaker ?type ?cue ?text ?direct ?start ?end ?cueStart ?cueEnd ?floor ?date WHERE {
  GRAPH ?g {
    ?g cg:fileName ?name .
    ?claim a cg:Claim ; cg:speaker ?speaker ; cg:claimType ?type ; cg:content ?text ; cg:isDirect ?direct ;
      oa:hasSelector ?at .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    OPTIONAL { ?claim cg:cue ?cue }
    OPTIONAL { ?claim cg:cueSelector ?cueAt . ?cueAt oa:start ?cueStart ; oa:end ?cueEnd }
    OPTIONAL { ?claim cg:inPost/cg:floor ?floor }
    OPTIONAL { ?claim dcterms:date ?date }
  }
}"""

_TARGETS = """
SELECT ?claim ?target WHERE { GRAPH ?g { ?claim a cg:Claim ; cg:target ?target } }
"""

_DIRECT, _INDIRECT = QUOTE_KINDS


def _query(store: ox.Store, query: str, graphs: list[ox.NamedNode] | None = None) -> ox.QuerySolutions:
    """Solutions of ``query``; with ``graphs``, its ``GRAPH ?g`` ranges over these graphs only."""
    result = store.query(query, prefixes=prefixes(), **({"named_graphs": graphs} if graphs else {}))
    assert isinstance(result, ox.QuerySolutions)
    return result


def _str(term: ox.NamedNode | ox.Literal | None) -> str:
    return "" if term is None else term.value


def _int(term: ox.Literal | None) -> int | None:
    return None if term is None else int(term.value)


def _entity(term: ox.NamedNode) -> str:
    return entity_id(term.value) or term.value


_Keyed = Iterator[tuple[str, tuple[Any, ...], dict[str, Any]]]
"""(document name, sort key within the document, record)."""


def records(store: ox.Store) -> Iterator[dict[str, Any]]:
    """Entities, then each document's records, in a fixed order.

    Streamed: one document's records are read (five queries on its graph) and sorted at a time, so memory
    grows with the largest document and the number of entities, not with the corpus.
    """
    yield from _entities(store)
    documents = sorted((row["name"].value, row["g"]) for row in _query(store, _GRAPHS))
    for _, graph in documents:
        keyed = [
            (key, record)
            for _, key, record in chain(
                _documents(store, [graph]),
                _posts(store, [graph]),
                _mentions(store, [graph]),
                _claims(store, [graph]),
            )
        ]
        for _, record in sorted(keyed, key=itemgetter(0)):
            yield record


def document_records(store: ox.Store, name: str) -> tuple[str, list[dict[str, Any]]]:
    """One document's text and records (document, posts, mentions, claims, in the order of
    :func:`records`), found by its name or, if only one document has it, its base name.

    Raises ``ClaimgraphError`` naming a few stored documents when none fits, or those that fit when
    several do.
    """
    names = {row["name"].value: row["g"] for row in _query(store, _GRAPHS)}
    found = [name] if name in names else sorted(n for n in names if Path(n).name == Path(name).name)
    if len(found) != 1:
        shown = ", ".join(found[:8] or sorted(names)[:8]) or "none"
        what = "several documents fit" if found else "no document is named so"
        raise ClaimgraphError(f"{name!r}: {what} (documents: {shown})")
    graph = names[found[0]]
    keyed = chain(
        _documents(store, [graph]), _posts(store, [graph]), _mentions(store, [graph]), _claims(store, [graph])
    )
    text = next(iter(_query(store, _TEXTS, [graph])))["text"].value
    return text, [record for _, _, record in sorted(keyed, key=itemgetter(1))]


def _documents(store: ox.Store, graphs: list[ox.NamedNode]) -> _Keyed:
    for row in _query(store, _DOCUMENTS, graphs):
        doc = row["name"].value
        yield (
            doc,
            (0,),
            {
                "kind": "document",
                "doc": doc,
                "sha256": row["sha"].value,
                "encoding": row["encoding"].value,
                "media_type": row["mediaType"].value,
                "source": _str(row["source"]),
                "title": _str(row["title"]) or None,
                "published": _str(row["issued"]) or None,
                "outlet": _entity(row["outlet"]) if row["outlet"] is not None else None,
                "url": _str(row["url"]) or None,
                "author": _str(row["author"]) or None,
                "language": _str(row["language"]) or None,
            },
        )


def _posts(store: ox.Store, graphs: list[ox.NamedNode]) -> _Keyed:
    for row in _query(store, _POSTS, graphs):
        doc, floor, poster = row["name"].value, _int(row["floor"]), row["poster"]
        yield (
            doc,
            (1, floor),
            {
                "kind": "post",
                "doc": doc,
                "floor": floor,
                "author": _str(row["author"]),
                "entity": _entity(poster) if poster is not None else None,
                "time": _str(row["time"]) or None,
                "start": _int(row["start"]),
                "end": _int(row["end"]),
            },
        )


def _mentions(store: ox.Store, graphs: list[ox.NamedNode], values: str = "") -> _Keyed:
    for row in _query(store, _with(_MENTIONS, values), [*graphs, ox.NamedNode(ENTITIES)]):
        doc, entity, start, end = (
            row["name"].value,
            _entity(row["entity"]),
            _int(row["start"]),
            _int(row["end"]),
        )
        yield (
            doc,
            (2, start, end, entity),
            {
                "kind": "mention",
                "doc": doc,
                "entity": entity,
                "type": _str(row["type"]),
                "text": row["text"].value,
                "start": start,
                "end": end,
            },
        )


def entity_names(store: ox.Store) -> dict[str, str]:
    """Every entity's name by id (its ``skos:prefLabel``)."""
    return {rec["id"]: rec["name"] for rec in _entities(store)}


def _entities(store: ox.Store, only: list[ox.NamedNode] | None = None) -> Iterator[dict[str, Any]]:
    """One record per entity of the entities graph: its type, its name, and all its names as ``labels``;
    with ``only``, of these entities alone.

    The build merged them over all documents, one type and one name per entity; should a store hold more,
    the most frequent (then the first) is taken, so the record stays one and stable.
    """
    if only is None:
        yield from _entities_among(store, "")
    else:
        for chunk in chunked(only):
            yield from _entities_among(store, values_of("entity", chunk))


def values_of(variable: str, nodes: list[ox.NamedNode]) -> str:
    """``VALUES ?variable { <iri> … }`` of IRIs the store gave or ``graph.store.vocab`` made: each is a
    ``NamedNode``, which holds a valid IRI only (no ``>``, space or quote), written in its own syntax."""
    assert all(isinstance(n, ox.NamedNode) for n in nodes)
    return f"VALUES ?{variable} {{ {' '.join(str(n) for n in nodes)} }}"


def chunked(nodes: list[ox.NamedNode], size: int = 2000) -> Iterator[list[ox.NamedNode]]:
    """``nodes`` in lists of ``size`` at most (a ``VALUES`` block or a list of graphs each)."""
    for i in range(0, len(nodes), size):
        yield nodes[i : i + size]


def _entities_among(store: ox.Store, values: str) -> Iterator[dict[str, Any]]:
    """The entity records of the entities graph, or with ``values`` (a ``VALUES ?entity`` block) of some."""
    types: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for row in _query(store, _with(_ENTITIES, values)):
        entity = _entity(row["entity"])
        types[entity][row["type"].value] += 1
        if row["name"] is not None:
            names[entity][row["name"].value] += 1
    labels: dict[str, set[str]] = defaultdict(set)
    for row in _query(store, _with(_LABELS, values)):
        labels[_entity(row["entity"])].add(row["label"].value)
    for entity in sorted(types):
        yield {
            "kind": "entity",
            "id": entity,
            "type": most_common(types[entity]),
            "name": most_common(names[entity]),
            "labels": sorted(labels[entity]),
        }


def _with(query: str, values: str) -> str:
    """``query`` with a ``VALUES`` block (:func:`values_of`) first in its ``WHERE``."""
    return query.replace("WHERE {", "WHERE { " + values, 1) if values else query


def entity_records(store: ox.Store, entities: list[ox.NamedNode]) -> list[dict[str, Any]]:
    """The entity records of :func:`records` for these entities."""
    return list(_entities(store, entities))


def documents_of(
    store: ox.Store, graphs: list[ox.NamedNode]
) -> tuple[list[dict[str, Any]], dict[str, str], dict[ox.NamedNode, Digest | None]]:
    """The document records of :func:`records` for these documents (their graphs) but their sources
    (``graph.store.digest.document_record``), the texts of those without a digest by name (a digest holds
    what a map shows of its text: ``graph.store.context``), and their digests (``graph.store.digest``).
    One index lookup a document, its digest (which holds its record), else one for all its own triples (a
    query over 2,000 graphs took 0.6 s; reading all ten or so of each document's triples, 0.46 s for 4,560
    documents); its claims and posts come from :func:`claim_records`.
    """
    out = []
    texts: dict[str, str] = {}
    known: dict[ox.NamedNode, Digest | None] = {}
    for graph in sorted({g.value: g for g in graphs}.values(), key=lambda g: g.value):
        digest = digest_of(store, graph)
        if digest is not None:
            rec: dict[str, Any] | None = digest["document"]
        else:
            props: dict[str, Any] = {}
            kinds = set()
            for q in store.quads_for_pattern(graph, None, None, graph):
                props.setdefault(q.predicate.value, q.object)
                if q.predicate.value == DocumentTerms.type:
                    kinds.add(q.object.value)
            rec = document_record(props) if DocumentTerms.document in kinds else None
            if rec is not None:
                texts[rec["doc"]] = _str(props.get(DocumentTerms.text))
        if rec is not None:
            known[graph] = digest
            out.append(rec)
    return out, texts, known


def claim_records(
    store: ox.Store,
    claims: Iterable[tuple[ox.NamedNode, ox.NamedNode]],
    known: dict[ox.NamedNode, Digest | None] | None = None,
) -> list[dict[str, Any]]:
    """The claim records of :func:`records` for these claims (IRIs the store gave, each with its
    document's graph), and the records of the posts they are in: from each document's digest
    (``graph.store.digest``; ``known``, when read already), else by index lookups, a few per claim, where
    a query over the documents holding them reads every claim and post there (7 s for the 27,000 claims
    of 2,000 documents).

    The fields are those of the queries ``_CLAIMS`` and ``_POSTS`` (``tests/test_map.py`` compares a
    map built from these records with one from :func:`records`).
    """
    codes = {str(iri): code for code, iri in claim_types().items()}
    names: dict[Any, str | None] = {}
    posts: dict[tuple[str, Any], dict[str, Any]] = {}
    floors: dict[tuple[Any, Any], int | None] = {}
    out: list[dict[str, Any]] = []

    def one(subject: Any, predicate: Any, graph: Any) -> Any:
        found = next(iter(store.quads_for_pattern(subject, predicate, None, graph)), None)
        return None if found is None else found.object

    def span(subject: Any, predicate: Any, graph: Any) -> tuple[int | None, int | None]:
        return span_of([q.object for q in store.quads_for_pattern(subject, predicate, None, graph)], graph)

    def span_of(selectors: list[Any], graph: Any) -> tuple[int | None, int | None]:
        for selector in selectors:  # a position selector's IRI says its offsets: no lookup for the others
            named = mention_span(selector.value, "#tps=")
            if named is not None:
                return named
        for selector in selectors:
            if any(True for _ in store.quads_for_pattern(selector, _P.type, _P.position, graph)):
                return _int(one(selector, _P.start, graph)), _int(one(selector, _P.end, graph))
        return None, None

    claims = list(claims)
    if known is None:
        known = digests(store, (graph for _, graph in claims))
    for claim, graph in claims:
        digest = known.get(graph)
        found = None if digest is None else claim_record(digest, claim.value)
        if digest is not None and found is not None:
            out.append(found)
            place = (found["doc"], found["post"])
            if (
                found["post"] is not None
                and place not in posts
                and (post := post_record(digest, found["post"]))
            ):
                posts[place] = post
            continue
        props: dict[str, list[Any]] = {p.value: [] for p in _P.read}
        for q in store.quads_for_pattern(claim, None, None, graph):  # one lookup, not one a property
            values = props.get(q.predicate.value)
            if values is not None:
                values.append(q.object)
        if _P.claim not in props[_P.type.value]:
            continue
        if graph not in names:
            found = one(graph, _P.fileName, graph)
            names[graph] = None if found is None else found.value
        doc = names[graph]
        start, end = span(claim, _P.hasSelector, graph)
        first = {p: values[0] for p, values in props.items() if values}
        if doc is None or start is None or any(p.value not in first for p in _P.required):
            continue
        cue_start = cue_end = None
        if _P.cueSelector.value in first:  # its selectors are read already
            cue_start, cue_end = span_of(props[_P.cueSelector.value], graph)
        floor = None
        post = first.get(_P.inPost.value)
        if post is not None:
            if (post, graph) not in floors:  # once a post, however many claims it holds
                floors[post, graph] = _int(one(post, _P.floor, graph))
            floor = floors[post, graph]
            if (doc, post) not in posts and floor is not None:
                p_start, p_end = span(post, _P.hasSelector, graph)
                poster = one(post, _P.poster, graph)
                if p_start is not None:
                    posts[doc, post] = {
                        "kind": "post",
                        "doc": doc,
                        "floor": floor,
                        "author": _str(one(post, _P.posterName, graph)),
                        "entity": _entity(poster) if poster is not None else None,
                        "time": _str(one(post, _P.created, graph)) or None,
                        "start": p_start,
                        "end": p_end,
                    }
        kind = first[_P.claimType.value].value
        out.append(
            {
                "kind": "claim",
                "doc": doc,
                "speaker": entity_id(first[_P.speaker.value].value) or AUTHOR,
                "cue": _str(first.get(_P.cue.value)),
                "text": first[_P.content.value].value,
                "start": start,
                "end": end,
                "targets": sorted(_entity(t) for t in props[_P.target.value]),
                "type": codes.get(kind, kind),
                "quote": _DIRECT if first[_P.isDirect.value].value == "true" else _INDIRECT,
                "cue_start": cue_start,
                "cue_end": cue_end,
                "post": floor,
                "date": _str(first.get(_P.date.value)) or None,
            }
        )
    return out + list(posts.values())


def claims_in(
    store: ox.Store, graphs: Iterable[ox.NamedNode], known: dict[ox.NamedNode, Digest | None]
) -> list[tuple[ox.NamedNode, ox.NamedNode]]:
    """Every claim of these documents (their graphs), each with its graph, in IRI order: from each
    document's digest (``known``: :func:`documents_of`), else one lookup of its claims."""
    out = []
    for graph in graphs:
        digest = known.get(graph)
        if digest is not None:
            out += [(claim, graph) for claim in claim_iris(digest, graph)]
        else:
            found = store.quads_for_pattern(None, _P.type, _P.claim, graph)
            out += [(q.subject, graph) for q in found if isinstance(q.subject, ox.NamedNode)]
    return sorted(out, key=lambda x: x[0].value)


class _P:
    """The terms :func:`claim_records` looks up, as pyoxigraph nodes."""

    type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    claim = ox.NamedNode(str(CG.Claim))
    position = ox.NamedNode(str(OA.TextPositionSelector))
    start, end, hasSelector = (ox.NamedNode(str(x)) for x in (OA.start, OA.end, OA.hasSelector))
    fileName, speaker, claimType, content, isDirect, target, cue, cueSelector, inPost, floor = (
        ox.NamedNode(str(x))
        for x in (
            CG.fileName,
            CG.speaker,
            CG.claimType,
            CG.content,
            CG.isDirect,
            CG.target,
            CG.cue,
            CG.cueSelector,
            CG.inPost,
            CG.floor,
        )
    )
    poster, posterName = ox.NamedNode(str(CG.poster)), ox.NamedNode(str(CG.posterName))
    date = ox.NamedNode("http://purl.org/dc/terms/date")
    created = ox.NamedNode("http://purl.org/dc/terms/created")
    required = (speaker, claimType, content, isDirect)
    read = (type, speaker, claimType, content, isDirect, target, cue, cueSelector, inPost, date)


def _claims(store: ox.Store, graphs: list[ox.NamedNode], values: str = "") -> _Keyed:
    targets: dict[str, list[str]] = defaultdict(list)
    for row in _query(store, _with(_TARGETS, values), graphs):
        targets[row["claim"].value].append(_entity(row["target"]))
    codes = {str(iri): code for code, iri in claim_types().items()}
    for row in _query(store, _with(_CLAIMS, values), graphs):
        claim, doc, start, end = row["claim"].value, row["name"].value, _int(row["start"]), _int(row["end"])
        yield (
            doc,
            (3, start, end, claim),
            {
                "kind": "claim",
                "doc": doc,
                "speaker": entity_id(row["speaker"].value) or AUTHOR,
                "cue": _str(row["cue"]),
                "text": row["text"].value,
                "start": start,
                "end": end,
                "targets": sorted(targets[claim]),
                "type": codes.get(row["type"].value, row["type"].value),
                "quote": _DIRECT if row["direct"].value == "true" else _INDIRECT,
                "cue_start": _int(row["cueStart"]),
                "cue_end": _int(row["cueEnd"]),
                "post": _int(row["floor"]),
                "date": _str(row["date"]) or None,
            },
        )


_TEXTS = "SELECT ?name ?text WHERE { GRAPH ?g { ?g a cg:Document ; cg:fileName ?name ; cg:text ?text } }"


def document_texts(store: ox.Store) -> dict[str, str]:
    """Each stored document's text by base name: where gold claim texts are looked up."""
    return {
        Path(row["name"].value).name: row["text"].value for row in store.query(_TEXTS, prefixes=prefixes())
    }
