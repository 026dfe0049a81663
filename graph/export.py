"""Export the store: JSON Lines (shared/eval/EXPORT.md), RDF (Turtle, N-Quads, TriG, JSON-LD), network
files for Gephi and Cytoscape (GraphML, GEXF) and CSV tables for spreadsheets and ``neo4j-admin import``.

Every format is read from the store, so an export shows what users query, and is written in a fixed
order, so the same store always gives the same bytes. The line formats stream: JSON Lines is written one
document at a time, N-Quads is sorted in bounded memory (sorted runs spilled to temporary files and merged),
TriG and JSON-LD hold one graph at a time. Turtle (the union of all graphs, sorted), GraphML and GEXF (the
network) are built in memory.
"""

from __future__ import annotations

import heapq
import json
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import chain, islice
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR, QUOTE_KINDS
from graph.atomic import atomic_output
from graph.rdf import most_common
from graph.vocab import ENTITIES, claim_types, entity_id, prefixes

FORMATS = ("jsonl", "turtle", "nquads", "trig", "jsonld", "graphml", "gexf", "csv")
"""Every export format; all but ``csv`` (several files: a folder or a zip) are one stream."""

_CSV_IS_FILES = "csv writes several files, not one stream: give -o FOLDER or -o FILE.zip"

SORT_RUN = 200_000
"""N-Quads lines sorted in memory at once; longer exports are sorted in runs on disk and merged."""

_GRAPHS = """
SELECT ?g ?name WHERE { GRAPH ?g { ?g a cg:Document ; cg:fileName ?name } }
"""

_DOCUMENTS = """
SELECT ?name ?sha ?encoding ?mediaType ?source WHERE {
  GRAPH ?g {
    ?g a cg:Document ; cg:fileName ?name ; cg:sha256 ?sha ; cg:encoding ?encoding ;
      dcterms:format ?mediaType .
    OPTIONAL { ?g dcterms:source ?source }
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
SELECT ?claim ?name ?speaker ?type ?cue ?text ?direct ?start ?end ?cueStart ?cueEnd ?floor WHERE {
  GRAPH ?g {
    ?g cg:fileName ?name .
    ?claim a cg:Claim ; cg:speaker ?speaker ; cg:claimType ?type ; cg:content ?text ; cg:isDirect ?direct ;
      oa:hasSelector ?at .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
    OPTIONAL { ?claim cg:cue ?cue }
    OPTIONAL { ?claim cg:cueSelector ?cueAt . ?cueAt oa:start ?cueStart ; oa:end ?cueEnd }
    OPTIONAL { ?claim cg:inPost/cg:floor ?floor }
  }
}"""

_TARGETS = """
SELECT ?claim ?target WHERE { GRAPH ?g { ?claim a cg:Claim ; cg:target ?target } }
"""

_DIRECT, _INDIRECT = QUOTE_KINDS


def export(store: ox.Store, fmt: str, out: BinaryIO) -> int:
    """Write the store to ``out`` in ``fmt`` (one of ``FORMATS`` but ``csv``); return how many records,
    triples, quads, or nodes and edges.

    - ``jsonl``: EXPORT.md records: entities (by id, from the entities graph), then per document (by
      name) the document, its posts, mentions and claims (by offset).
    - ``nquads``: every quad with its graph, lines sorted.
    - ``trig``: every quad, graph by graph (by IRI), triples sorted within each, with the prefixes.
    - ``jsonld``: every quad, named graphs kept, keys shortened by the shipped ``context.jsonld``.
    - ``turtle``: the union of all graphs as distinct triples, sorted. Turtle has no graph names, so
      it loses which document (or the ontology or build graph) each triple came from; use ``nquads``,
      ``trig`` or ``jsonld`` to keep that.
    - ``graphml``, ``gexf``: the claim network, one edge per (speaker, target, claim type) with its count
      and first quote (``graph.export_graph``).
    """
    if fmt == "jsonl":
        return _jsonl(store, out)
    if fmt == "nquads":
        n = 0
        for line in _sorted_lines(f"{quad} .\n".encode() for quad in store):
            out.write(line)
            n += 1
        return n
    if fmt == "trig":
        counter = Counter[str]()
        ox.serialize(_counted(_quads_by_graph(store), counter), out, ox.RdfFormat.TRIG, prefixes=prefixes())
        return counter["quads"]
    if fmt == "turtle":
        triples = sorted({q.triple for q in store}, key=str)
        ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=prefixes())
        return len(triples)
    if fmt == "jsonld":
        from graph.export_jsonld import write_jsonld

        return write_jsonld(store, out)
    if fmt in ("graphml", "gexf"):
        from graph.export_graph import write_network

        return write_network(store, fmt, out)
    if fmt == "csv":
        raise ClaimgraphError(_CSV_IS_FILES)
    raise ClaimgraphError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def export_to(store: ox.Store, fmt: str, path: str | os.PathLike[str]) -> int:
    """Export to a file (replaced atomically), to ``-`` (stdout), or for ``csv`` to a folder or a ``.zip``."""
    if fmt == "csv":
        if str(path) == "-":
            raise ClaimgraphError(_CSV_IS_FILES)
        from graph.export_csv import write_csv

        return write_csv(store, Path(path))
    if fmt not in FORMATS:
        raise ClaimgraphError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    with atomic_output(path) as out:
        return export(store, fmt, out)


def _sorted_lines(lines: Iterable[bytes], run: int | None = None) -> Iterator[bytes]:
    """``lines`` in sorted order, holding at most ``run`` of them in memory (runs merged from disk).

    >>> list(_sorted_lines([b"c", b"a", b"d", b"b", b"a"], run=2))
    [b'a', b'a', b'b', b'c', b'd']
    """
    run = run or SORT_RUN
    it = iter(lines)
    chunk = sorted(islice(it, run))
    if len(chunk) < run:
        yield from chunk
        return
    strip = not chunk[0].endswith(b"\n")
    with ExitStack() as stack:
        runs = []
        while chunk:
            spill = stack.enter_context(tempfile.TemporaryFile())
            spill.writelines(chunk if not strip else (line + b"\n" for line in chunk))
            spill.seek(0)
            runs.append(spill)
            chunk = []  # let the run go before the next is read
            chunk = sorted(islice(it, run))
        for line in heapq.merge(*runs):
            yield line[:-1] if strip else line


def _quads_by_graph(store: ox.Store) -> Iterator[ox.Quad]:
    """The default graph, then each named graph by IRI, each sorted: one graph in memory at a time."""
    yield from sorted(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), key=str)
    for graph in sorted(store.named_graphs(), key=str):
        yield from sorted(store.quads_for_pattern(None, None, None, graph), key=str)


def _counted(quads: Iterable[ox.Quad], counter: Counter[str]) -> Iterator[ox.Quad]:
    for quad in quads:
        counter["quads"] += 1
        yield quad


def _jsonl(store: ox.Store, out: BinaryIO) -> int:
    n = 0
    for record in records(store):
        out.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
        n += 1
    return n


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
            },
        )
