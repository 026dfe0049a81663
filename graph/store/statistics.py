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

from collections.abc import Collection, Iterator

import pyoxigraph as ox
from rdflib.term import URIRef

from graph.store.rdf import ENTITY_LINKS
from graph.store.vocab import CG, DUPLICATES, ENTITIES, node, prefixes

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
    for query, sign in ((q, -1) for q in _REPEATS):
        _adjust(counts, _select(store, query % scope), sign)
    _adjust(counts, _select(store, _REPEATED_ONLY % scope), +1)
    types: dict[str, set[str]] = {}
    for row in _select(store, _TYPES % scope):
        types.setdefault(row["entity"].value, set()).add(row["type"].value)
    graph = node(ENTITIES)
    for entity in sorted(wanted):
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
