"""Reading records back out of the store: the one reader that every wing above the store uses.

:func:`records` gives the store's content as the plain records of ``shared/eval/EXPORT.md`` (entities,
then per document the document, its posts, mentions and claims), in a fixed order: the JSON Lines and CSV
exports write them, the claim network (``graph.store.network``) is built from them, the scorer reads
them. :func:`document_texts` gives each document's text, where quotes and gold spans are looked up.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR, QUOTE_KINDS
from graph.store.rdf import most_common
from graph.store.vocab import ENTITIES, claim_types, entity_id, prefixes

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
                _documents(store, graph), _posts(store, graph), _mentions(store, graph), _claims(store, graph)
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
        _documents(store, graph), _posts(store, graph), _mentions(store, graph), _claims(store, graph)
    )
    text = next(iter(_query(store, _TEXTS, [graph])))["text"].value
    return text, [record for _, _, record in sorted(keyed, key=itemgetter(1))]


def _documents(store: ox.Store, graph: ox.NamedNode) -> _Keyed:
    for row in _query(store, _DOCUMENTS, [graph]):
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


def _posts(store: ox.Store, graph: ox.NamedNode) -> _Keyed:
    for row in _query(store, _POSTS, [graph]):
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


def _mentions(store: ox.Store, graph: ox.NamedNode) -> _Keyed:
    for row in _query(store, _MENTIONS, [graph, ox.NamedNode(ENTITIES)]):
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


def _entities(store: ox.Store) -> Iterator[dict[str, Any]]:
    """One record per entity of the entities graph: its type, its name, and all its names as ``labels``.

    The build merged them over all documents, one type and one name per entity; should a store hold more,
    the most frequent (then the first) is taken, so the record stays one and stable.
    """
    types: dict[str, Counter[str]] = defaultdict(Counter)
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for row in _query(store, _ENTITIES):
        entity = _entity(row["entity"])
        types[entity][row["type"].value] += 1
        if row["name"] is not None:
            names[entity][row["name"].value] += 1
    labels: dict[str, set[str]] = defaultdict(set)
    for row in _query(store, _LABELS):
        labels[_entity(row["entity"])].add(row["label"].value)
    for entity in sorted(types):
        yield {
            "kind": "entity",
            "id": entity,
            "type": most_common(types[entity]),
            "name": most_common(names[entity]),
            "labels": sorted(labels[entity]),
        }


def _claims(store: ox.Store, graph: ox.NamedNode) -> _Keyed:
    targets: dict[str, list[str]] = defaultdict(list)
    for row in _query(store, _TARGETS, [graph]):
        targets[row["claim"].value].append(_entity(row["target"]))
    codes = {str(iri): code for code, iri in claim_types().items()}
    for row in _query(store, _CLAIMS, [graph]):
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
