"""Validate a store against the SHACL shapes (``shapes.ttl``) with pySHACL.

The data graph is the union of all the store's graphs (documents, entities, build, ontology): the
shapes relate nodes across them (a claim in a document graph, its speaker in the entities graph, its
extraction's time in the build graph). The ontology is also given to pySHACL as ``ont_graph``, so that
``rdfs:subClassOf`` brings a ``cg:Person`` under the ``cg:Entity`` shape even for a store without an
ontology graph; SHACL itself follows ``rdfs:subClassOf`` for ``sh:targetClass`` and ``sh:class``, so no
RDFS inference pass is needed (it would cost twice the time for the same answer here).
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import pyoxigraph as ox
import pyshacl
import rdflib

from extract.errors import ClaimgraphError
from graph.store.vocab import ontology_bytes


def shapes_bytes() -> bytes:
    """shapes.ttl as shipped with the package."""
    return files(__package__).joinpath("shapes.ttl").read_bytes()


@cache
def _shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(data=shapes_bytes(), format="turtle")


@cache
def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(data=ontology_bytes(), format="turtle")


def shapes_graph() -> rdflib.Graph:
    """The SHACL shapes graph (parsed once; do not change it)."""
    return _shapes()


def data_graph(store: ox.Store) -> rdflib.Graph:
    """The union of the store's graphs as one rdflib graph (a triple held by two graphs counts once)."""
    data = ox.serialize((quad.triple for quad in store), format=ox.RdfFormat.N_TRIPLES)
    return rdflib.Graph().parse(data=data, format="nt")


def validate_store(store: ox.Store) -> tuple[bool, str, rdflib.Graph]:
    """Check the store against ``shapes.ttl``: ``(conforms, report_text, report_graph)``.

    ``report_text`` is pySHACL's report: one block per violation, with its focus node, path, value and
    message. Warnings (``sh:Warning``) do not break conformance.

    >>> validate_store(ox.Store())[0]
    True
    """
    try:
        conforms, report_graph, report_text = pyshacl.validate(
            data_graph(store),
            shacl_graph=_shapes(),
            ont_graph=_ontology(),
            inference="none",
            allow_warnings=True,
        )
    except (
        pyshacl.errors.ReportableRuntimeError,
        pyshacl.errors.ShapeLoadError,
        pyshacl.errors.ConstraintLoadError,
    ) as e:
        raise ClaimgraphError(f"cannot validate: {e}") from e
    return bool(conforms), str(report_text), report_graph
