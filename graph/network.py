"""The claim network: entities as nodes, claims as edges from speaker to target, for analyses and maps.

Built from the export records (``graph.export.records``), so it shows exactly what the store holds; each
edge keeps the claim's document, offsets and text, so any edge leads back to its source span.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import pyoxigraph as ox

from extract.records import AUTHOR
from extract.scripts import is_traditional
from graph.export import records


def claim_network(recs: Iterable[Mapping[str, Any]]) -> nx.MultiDiGraph:
    """A multigraph with one node per entity and one edge per (claim, target).

    Node attributes: ``type``, ``name``, ``labels`` (all names), ``zh`` (a simplified Chinese name if
    any), ``mentions`` (count). Edge attributes: ``claim`` (a stable key), ``type``, ``cue``, ``text``,
    ``quote``, ``doc``, ``start``, ``end``, ``post``, ``time`` (the post's time, if any).
    A document's unnamed author becomes a node ``author:<doc>`` of type ``AUTHOR``.

    >>> recs = [
    ...     {"kind": "entity", "id": "a", "type": "PERSON", "name": "Ann", "labels": ["Ann", "安"]},
    ...     {"kind": "entity", "id": "b", "type": "ORG", "name": "Bee", "labels": ["Bee"]},
    ...     {"kind": "mention", "doc": "d", "entity": "a", "type": "PERSON", "text": "安",
    ...      "start": 0, "end": 1},
    ...     {"kind": "claim", "doc": "d", "speaker": "a", "cue": "说", "text": "Bee 偷了", "start": 3,
    ...      "end": 9, "targets": ["b"], "type": "accusation", "quote": "indirect", "post": None},
    ... ]
    >>> g = claim_network(recs)
    >>> (g.nodes["a"]["zh"], g.nodes["a"]["mentions"], list(g.edges(data="type")))
    ('安', 1, [('a', 'b', 'accusation')])
    """
    graph = nx.MultiDiGraph()
    mentions: Counter[str] = Counter()
    times: dict[tuple[str, int], str] = {}
    claims = []
    for rec in recs:
        kind = rec.get("kind")
        if kind == "entity":
            labels = list(rec.get("labels", []))
            graph.add_node(rec["id"], type=rec["type"], name=rec["name"], labels=labels, zh=_chinese(labels))
        elif kind == "mention":
            mentions[rec["entity"]] += 1
        elif kind == "post" and rec.get("time"):
            times[(rec["doc"], rec["floor"])] = rec["time"]
        elif kind == "claim":
            claims.append(rec)
    for node in graph:
        graph.nodes[node]["mentions"] = mentions[node]
    for claim in claims:
        speaker = claim["speaker"]
        if speaker == AUTHOR:
            speaker = f"{AUTHOR}:{claim['doc']}"
            name = f"author of {claim['doc']}"
            graph.add_node(speaker, type="AUTHOR", name=name, labels=[], zh="", mentions=0)
        key = f"{claim['doc']}#{claim['start']},{claim['end']}"
        for target in claim.get("targets", []):
            graph.add_edge(
                speaker,
                target,
                key=key,
                claim=key,
                type=claim["type"],
                cue=claim.get("cue", ""),
                text=claim["text"],
                quote=claim["quote"],
                doc=claim["doc"],
                start=claim["start"],
                end=claim["end"],
                post=claim.get("post"),
                time=times.get((claim["doc"], claim.get("post"))),
            )
    return graph


def load_network(store: ox.Store) -> nx.MultiDiGraph:
    """The claim network of everything in ``store``."""
    return claim_network(records(store))


def _chinese(labels: list[str]) -> str:
    """A simplified-script Chinese name among ``labels`` (the shortest, for a compact map label)."""
    chinese = [x for x in labels if not x.isascii() and not is_traditional(x)]
    return min(chinese, key=lambda x: (len(x), x)) if chinese else ""
