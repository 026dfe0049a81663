"""RDF serialisations of the whole store: N-Quads, TriG and Turtle.

N-Quads is sorted in bounded memory (sorted runs spilled to temporary files and merged), TriG holds one
graph at a time, Turtle (the union of all graphs, distinct triples, sorted) is built in memory. The same
store always gives the same bytes.
"""

from __future__ import annotations

import heapq
import tempfile
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from itertools import islice
from typing import BinaryIO

import pyoxigraph as ox

from graph.store.vocab import prefixes

SORT_RUN = 200_000
"""N-Quads lines sorted in memory at once; longer exports are sorted in runs on disk and merged."""


def write_nquads(store: ox.Store, out: BinaryIO) -> int:
    """Every quad with its graph, lines sorted; return how many."""
    n = 0
    for line in _sorted_lines(f"{quad} .\n".encode() for quad in store):
        out.write(line)
        n += 1
    return n


def write_trig(store: ox.Store, out: BinaryIO) -> int:
    """Every quad, graph by graph (by IRI), triples sorted within each, with the prefixes; return how many."""
    counter = Counter[str]()
    ox.serialize(_counted(_quads_by_graph(store), counter), out, ox.RdfFormat.TRIG, prefixes=prefixes())
    return counter["quads"]


def write_turtle(store: ox.Store, out: BinaryIO) -> int:
    """The union of all graphs as distinct triples, sorted; return how many."""
    triples = sorted({q.triple for q in store}, key=str)
    ox.serialize(triples, out, ox.RdfFormat.TURTLE, prefixes=prefixes())
    return len(triples)


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
