"""A Dask build without the embedded store (``build --partitions-only``): the derived graphs from the
partitions' JSON alone.

The embedded store's bulk loader is the one thing a Dask build cannot spread over the cluster (one
process, one store). For a graph that goes into a server with a parallel offline loader (``oxigraph
load --location DIR --file …``, Jena's ``tdb2.tdbloader``), the store is not needed: the partitions
are the documents' graphs already, and what a build derives from all documents (``DERIVED``: the
entities with their statistics, the duplicates, the build and ontology graphs) is computed here from
what each partition's JSON carries — entity votes, statistics tallies, duplicate profiles — as
``StoreBuilder`` computes it for a fresh build. Of the documents' quads only the speakers and targets of
the claims that repeat another are read (the statistics count a repeated claim once), from the
partitions that hold them, into a small store in memory.

The result is the same files a Dask build into the embedded store writes, the derived file byte for byte.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import pyoxigraph as ox

from graph.store.duplicates import Profile, duplicate_quads, find_copies, group_claims
from graph.store.partitions import Location, PartDocument, nq_name, sorted_nquads
from graph.store.rdf import (
    EntityDescriptions,
    build_quads,
    build_time,
    ontology_graph_quads,
    time_literal,
    tool_version,
)
from graph.store.statistics import Tally, tallied_statistics_quads
from graph.store.vocab import CG, extraction_iri

_LINKS = (str(CG.speaker), str(CG.target))


class DerivedGraphs:
    """Votes, tallies and profiles merged from partitions (``add_partition``, ``count``), in any order;
    ``nquads`` then gives the derived graphs a fresh build's store would hold, sorted."""

    loads = False
    """A ``ClusterBuild`` reads no partition's N-Quads for this builder."""

    def __init__(self) -> None:
        self._started = time_literal(build_time())
        self._entities = EntityDescriptions()
        self._tally = Tally()
        self._profiles: dict[str, Profile] = {}
        self._extraction_times: dict[str, ox.Literal] = {}

    def add_partition(self, documents: list[PartDocument], nquads: bytes | None = None) -> None:
        """Documents extracted elsewhere (a partition); their quads stay in its file."""
        for d in documents:
            self.count(d)
            self._extraction_times[str(extraction_iri(d.name, d.sha256, tool_version()))] = self._started

    def count(self, d: PartDocument) -> None:
        self._entities.add_votes(d.votes)
        self._tally.merge(d.tally)
        self._profiles[d.name] = d.profile

    def nquads(self, location: Location, partitions: Mapping[str, list[tuple[str, str]]]) -> bytes:
        """The derived graphs as sorted N-Quads; the repeated claims' links read from the ``partitions``
        (key → documents' names and SHA-256) at ``location`` that hold them."""
        profiles = dict(sorted(self._profiles.items()))
        copies = find_copies(profiles)
        statements = group_claims(profiles, copies)
        duplicates = list(duplicate_quads(copies, statements))
        links = ox.Store()  # the duplicates graph and the repeated claims' speakers and targets
        links.extend(duplicates)
        claims = set(statements) | set(statements.values())
        documents = {c.doc for c in copies} | {c.original_doc for c in copies}
        for key, held in sorted(partitions.items()):
            if not documents.isdisjoint(name for name, _ in held):
                links.extend(_links(location.read(nq_name(key)), claims))
        described = self._entities.described()

        def quads() -> Iterator[ox.Quad]:
            yield from ontology_graph_quads()
            yield from self._entities.quads()
            yield from build_quads(self._started, self._extraction_times)
            yield from duplicates
            yield from tallied_statistics_quads(links, self._tally, described)

        return sorted_nquads(set(quads()))


def _links(nquads: bytes, claims: set[str]) -> Iterator[ox.Quad]:
    for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        if q.predicate.value in _LINKS and q.subject.value in claims:
            yield q
