"""Export the store: the one interface to every format, each family in its own module.

JSON Lines (``graph.exports.jsonl``, shared/eval/EXPORT.md), RDF (``graph.exports.rdf``: Turtle, N-Quads,
TriG; ``graph.exports.jsonld``: JSON-LD), network files for Gephi and Cytoscape (``graph.exports.graphml``:
GraphML, GEXF) and CSV tables for spreadsheets and ``neo4j-admin import`` (``graph.exports.tables``).

Every format is read from the store, so an export shows what users query, and is written in a fixed
order, so the same store always gives the same bytes. The line formats stream: JSON Lines is written one
document at a time, N-Quads is sorted in bounded memory (sorted runs spilled to temporary files and merged),
TriG and JSON-LD hold one graph at a time. Turtle (the union of all graphs, sorted), GraphML and GEXF (the
network) are built in memory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from graph.exports.jsonl import write_jsonl
from graph.exports.rdf import write_nquads, write_trig, write_turtle
from graph.store.atomic import atomic_output

FORMATS = ("jsonl", "turtle", "nquads", "trig", "jsonld", "graphml", "gexf", "csv")
"""Every export format; all but ``csv`` (several files: a folder or a zip) are one stream."""

_CSV_IS_FILES = "csv writes several files, not one stream: give -o FOLDER or -o FILE.zip"


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
      and first quote (``graph.exports.graphml``).
    """
    if fmt == "jsonl":
        return write_jsonl(store, out)
    if fmt == "nquads":
        return write_nquads(store, out)
    if fmt == "trig":
        return write_trig(store, out)
    if fmt == "turtle":
        return write_turtle(store, out)
    if fmt == "jsonld":
        from graph.exports.jsonld import write_jsonld

        return write_jsonld(store, out)
    if fmt in ("graphml", "gexf"):
        from graph.exports.graphml import write_network  # networkx: loaded only for these formats

        return write_network(store, fmt, out)
    if fmt == "csv":
        raise ClaimgraphError(_CSV_IS_FILES)
    raise ClaimgraphError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")


def export_to(store: ox.Store, fmt: str, path: str | os.PathLike[str]) -> int:
    """Export to a file (replaced atomically), to ``-`` (stdout), or for ``csv`` to a folder or a ``.zip``."""
    if fmt == "csv":
        if str(path) == "-":
            raise ClaimgraphError(_CSV_IS_FILES)
        from graph.exports.tables import write_csv

        return write_csv(store, Path(path))
    if fmt not in FORMATS:
        raise ClaimgraphError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    with atomic_output(path) as out:
        return export(store, fmt, out)
