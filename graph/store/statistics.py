"""Entity statistics: counts kept beside each entity's description, so rankings read one number.

On a graph of 10,000 documents, counting an entity's claims, mentions or documents at query time joins
tens of thousands of rows (seconds in Oxigraph); read from the entities graph, a ranking of every entity
takes milliseconds. Wikidata keeps ``wikibase:statements`` and ``wikibase:sitelinks`` for the same reason.

Every statistic of an entity depends only on the documents that refer to it, so a build recounts only the
entities that added, changed or removed documents refer to (``graph.store.store``), and those whose claims
changed statement (``graph.store.duplicates``), with the counting queries bound to them; a build from
scratch runs the same queries once over the whole store. Claims are counted as statements: a story
repeated in several documents counts once (``_REPEATS``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator
from typing import Any

import pyoxigraph as ox
from rdflib.term import URIRef

from graph.store.rdf import ENTITY_LINKS, referenced_entities
from graph.store.vocab import CG, DUPLICATES, ENTITIES, entity_id, node, prefixes

# a UNION, not a property path: Oxigraph keeps no set of every (x, entity) pair to deduplicate a path
_REFERS = " UNION ".join(f"{{ ?x <{p}> ?entity }}" for p in ENTITY_LINKS)

# Each query selects ?entity and one variable per statistic, named after its cg: property.
# The joins stay inside one document graph (GRAPH ?g), where Oxigraph reads them from one index.
# COUNT(*) where each row is a distinct thing already (a mention denotes one entity, a claim has one
# speaker, a claim-target pair is one triple, each in one graph): COUNT(DISTINCT) would keep a set of
# every mention in memory, hundreds of MB at 10,000 documents.
_COUNTS = (
    """SELECT ?entity (COUNT(*) AS ?mentionCount)
       WHERE { %s ?x cg:denotes ?entity } GROUP BY ?entity""",
    """SELECT ?entity (COUNT(DISTINCT ?g) AS ?documentCount)
       WHERE { %s GRAPH ?g { """
    + _REFERS
    + """ } } GROUP BY ?entity""",
    """SELECT ?entity (COUNT(*) AS ?claimsMade) (COUNT(DISTINCT ?g) AS ?speakerDocumentCount)
       WHERE { %s GRAPH ?g { ?x cg:speaker ?entity } } GROUP BY ?entity""",
    """SELECT ?entity (COUNT(*) AS ?claimsReceived)
       WHERE { %s ?x cg:target ?entity } GROUP BY ?entity""",
    """SELECT ?entity (COUNT(DISTINCT ?t) AS ?targetCount)
       WHERE { %s GRAPH ?g { ?x cg:speaker ?entity ; cg:target ?t } } GROUP BY ?entity""",
)
# Claims count as statements (graph.store.duplicates): a claim that repeats another (cg:statement, in the
# duplicates graph) is the same statement as its key claim, by the same speaker. So claimsMade is the
# claims minus the repeating ones; claimsReceived the claim-target pairs minus the repeating claims'
# pairs, plus each statement whose key claim is not about that target but a repeat of it is (counted once).
_REPEATS = (
    f"""SELECT ?entity (COUNT(*) AS ?claimsMade)
       WHERE {{ %s GRAPH <{DUPLICATES}> {{ ?x cg:statement ?key }} GRAPH ?g {{ ?x cg:speaker ?entity }} }}
       GROUP BY ?entity""",
    f"""SELECT ?entity (COUNT(*) AS ?claimsReceived)
       WHERE {{ %s GRAPH <{DUPLICATES}> {{ ?x cg:statement ?key }} GRAPH ?g {{ ?x cg:target ?entity }} }}
       GROUP BY ?entity""",
)
_REPEATED_ONLY = f"""SELECT ?entity (COUNT(DISTINCT ?key) AS ?claimsReceived)
   WHERE {{ %s GRAPH <{DUPLICATES}> {{ ?x cg:statement ?key }} GRAPH ?g {{ ?x cg:target ?entity }}
           FILTER NOT EXISTS {{ GRAPH ?h {{ ?key cg:target ?entity }} }} }}
   GROUP BY ?entity"""
_TYPES = "SELECT DISTINCT ?entity ?type WHERE { %s GRAPH ?g { ?x cg:speaker ?entity ; cg:claimType ?type } }"
COUNTS: tuple[URIRef, ...] = (
    CG.mentionCount,
    CG.documentCount,
    CG.claimsMade,
    CG.claimsReceived,
    CG.speakerDocumentCount,
    CG.targetCount,
)
"""The integer statistics every described entity has (0 included), in the order they are written."""
_MENTIONS, _DOCUMENTS, _MADE, _RECEIVED, _SPEAKER_DOCUMENTS, _TARGETS = map(str, COUNTS)
_DENOTES, _SPEAKER, _TARGET, _CLAIM_TYPE = map(str, (CG.denotes, CG.speaker, CG.target, CG.claimType))


def statistics_quads(
    store: ox.Store, entities: Collection[str], *, everything: bool = False
) -> Iterator[ox.Quad]:
    """The statistics of ``entities`` (IRIs described in the entities graph), as quads of that graph.

    ``everything`` says that ``entities`` are all the store's entities: the queries then run once over
    the whole store instead of being bound to them (faster than a ``VALUES`` block of thousands of rows).

    >>> store = ox.Store()
    >>> doc, e = ox.NamedNode("https://x/doc"), "https://w3id.org/claimgraph/id/entity/a"
    >>> store.add(ox.Quad(ox.NamedNode("https://x/doc#m"), node(CG.denotes), ox.NamedNode(e), doc))
    >>> sorted((q.predicate.value.rsplit("#")[1], q.object.value) for q in statistics_quads(store, [e]))[:3]
    [('claimsMade', '0'), ('claimsReceived', '0'), ('documentCount', '1')]
    """
    wanted = set(entities)
    if not wanted:
        return
    scope = ""
    if not everything:  # each IRI written by pyoxigraph's own N-Triples serialiser
        scope = "VALUES ?entity { " + " ".join(str(ox.NamedNode(e)) for e in sorted(wanted)) + " }"
    counts: dict[str, dict[str, int]] = {e: dict.fromkeys(map(str, COUNTS), 0) for e in wanted}
    for query in _COUNTS:
        answer = _select(store, query % scope)
        names = [v.value for v in answer.variables if v.value != "entity"]
        for row in answer:
            entity = row["entity"].value
            if entity in counts:
                for name in names:
                    counts[entity][str(CG[name])] = int(row[name].value)
    types: dict[str, set[str]] = {}
    for row in _select(store, _TYPES % scope):
        types.setdefault(row["entity"].value, set()).add(row["type"].value)
    yield from _statements_quads(store, scope, counts, types)


class Tally:
    """The statistics' partial counts over some documents, summed where the documents were extracted.

    Every count but ``cg:targetCount`` adds up over documents; that one and ``cg:madeClaimType`` are sets
    (a speaker's targets, its claim types), which unite. So a partition of a Dask build counts its own
    documents (``add_document``) and a build merges the partitions' tallies (``merge``) instead of
    counting over the whole store; ``tallied_statistics_quads`` then gives what ``statistics_quads``
    gives on the same store, the repeated claims (``_REPEATS``, a lookup from the small duplicates graph)
    taken off as there.

    >>> from graph.store.vocab import entity_iri
    >>> t = Tally()
    >>> doc, claim, e = ox.NamedNode("https://x/doc"), ox.NamedNode("https://x/doc#c"), str(entity_iri("a"))
    >>> t.add_document([ox.Quad(claim, node(CG.speaker), ox.NamedNode(e), doc)])
    >>> Tally.from_json(t.to_json()).counts[e][str(CG.claimsMade)]
    1
    """

    def __init__(self) -> None:
        self.counts: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.targets: defaultdict[str, set[str]] = defaultdict(set)
        self.types: defaultdict[str, set[str]] = defaultdict(set)

    def add_document(self, quads: Iterable[ox.Quad]) -> None:
        """Count one document graph's quads, as the queries of ``_COUNTS`` and ``_TYPES`` count them."""
        quads = list(quads)
        speakers: defaultdict[str, set[str]] = defaultdict(set)
        claim_targets: defaultdict[str, set[str]] = defaultdict(set)
        claim_types: defaultdict[str, set[str]] = defaultdict(set)
        for q in quads:
            p, o = q.predicate.value, q.object
            if not isinstance(o, ox.NamedNode):
                continue
            if p == _DENOTES and entity_id(o.value) is not None:
                self.counts[o.value][_MENTIONS] += 1
            elif p == _SPEAKER:
                speakers[q.subject.value].add(o.value)
                if entity_id(o.value) is not None:
                    self.counts[o.value][_MADE] += 1
            elif p == _TARGET:
                claim_targets[q.subject.value].add(o.value)
                if entity_id(o.value) is not None:
                    self.counts[o.value][_RECEIVED] += 1
            elif p == _CLAIM_TYPE:
                claim_types[q.subject.value].add(o.value)
        for entity in referenced_entities(quads):
            self.counts[entity][_DOCUMENTS] += 1
        for claim, who in speakers.items():
            for entity in who:
                if entity_id(entity) is not None:
                    self.targets[entity] |= claim_targets.get(claim, set())
                    self.types[entity] |= claim_types.get(claim, set())
        for entity in {e for who in speakers.values() for e in who if entity_id(e) is not None}:
            self.counts[entity][_SPEAKER_DOCUMENTS] += 1

    def merge(self, other: Tally) -> None:
        """Add another set of documents' tally to this one."""
        for entity, counts in other.counts.items():
            self.counts[entity].update(counts)
        for entity, targets in other.targets.items():
            self.targets[entity] |= targets
        for entity, types in other.types.items():
            self.types[entity] |= types

    def to_json(self) -> dict[str, Any]:
        """A JSON value (sorted, so the same documents give the same text)."""
        return {
            "counts": {e: dict(sorted(c.items())) for e, c in sorted(self.counts.items())},
            "targets": {e: sorted(t) for e, t in sorted(self.targets.items())},
            "types": {e: sorted(t) for e, t in sorted(self.types.items())},
        }

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> Tally:
        """The tally ``to_json`` wrote."""
        tally = cls()
        for entity, counts in value["counts"].items():
            tally.counts[entity].update(counts)
        for entity, targets in value["targets"].items():
            tally.targets[entity].update(targets)
        for entity, types in value["types"].items():
            tally.types[entity].update(types)
        return tally


def tallied_statistics_quads(store: ox.Store, tally: Tally, entities: Collection[str]) -> Iterator[ox.Quad]:
    """The statistics of ``entities`` from the documents' ``tally``, as ``statistics_quads`` would count
    them over the whole ``store`` (which must hold the duplicates graph already)."""
    wanted = set(entities)
    counts: dict[str, dict[str, int]] = {}
    for entity in wanted:
        counts[entity] = dict.fromkeys(map(str, COUNTS), 0)
        counts[entity].update(tally.counts.get(entity, {}))
        counts[entity][_TARGETS] = len(tally.targets.get(entity, ()))
    types = {e: tally.types[e] for e in wanted if e in tally.types}
    yield from _statements_quads(store, "", counts, types)


def _statements_quads(
    store: ox.Store, scope: str, counts: dict[str, dict[str, int]], types: dict[str, set[str]]
) -> Iterator[ox.Quad]:
    """The quads of ``counts`` and ``types``, claims counted as statements (the repeats taken off)."""
    for query, sign in ((q, -1) for q in _REPEATS):
        _adjust(counts, _select(store, query % scope), sign)
    _adjust(counts, _select(store, _REPEATED_ONLY % scope), +1)
    graph = node(ENTITIES)
    for entity in sorted(counts):
        subject = ox.NamedNode(entity)
        for prop in COUNTS:
            yield ox.Quad(subject, node(prop), ox.Literal(counts[entity][str(prop)]), graph)
        for claim_type in sorted(types.get(entity, ())):
            yield ox.Quad(subject, node(CG.madeClaimType), ox.NamedNode(claim_type), graph)


def _adjust(counts: dict[str, dict[str, int]], answer: ox.QuerySolutions, sign: int) -> None:
    names = [v.value for v in answer.variables if v.value != "entity"]
    for row in answer:
        entity = row["entity"].value
        if entity in counts:
            for name in names:
                counts[entity][str(CG[name])] += sign * int(row[name].value)


def _select(store: ox.Store, query: str) -> ox.QuerySolutions:
    answer = store.query(query, prefixes=prefixes(), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    return answer
