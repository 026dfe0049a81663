"""The claim network as GraphML or GEXF, for Gephi, Cytoscape, yEd, igraph and networkx.

The multigraph of ``graph.store.network`` (one edge per claim and target) is collapsed into one edge per
(speaker, target, claim type), so a tool draws "Lutnick accused China 11 times" as one weighted edge
rather than 11 parallel ones. Attributes are typed (GraphML ``attr.type``, GEXF ``attributes``), every
node and edge has all of them (empty strings rather than missing values, which tools read differently):

- node: ``label`` (the entity's name), ``type`` (PERSON, ORG, GPE, LAW, PRODUCT, AUTHOR), ``aliases``
  (all its names, ``" | "`` between), ``zh`` (a simplified Chinese name), ``mentions`` (int);
- edge: ``label`` and ``claim_type`` (accusation...), ``count`` (int: statements, the same story repeated
  in several documents counting once, ``graph.store.duplicates``), ``claims`` (int: every claim, each
  place a statement appeared), ``weight`` (float, ``count``, which Gephi uses for thickness), and the first
  claim (documents by name, then by offset):
  ``quote`` (its text), ``cue``, ``doc``, ``quote_start``, ``quote_end`` (int offsets; not ``start`` and
  ``end``, which GEXF reads as times), ``date`` (its post's time or its document's publication),
  ``title``, ``outlet`` and ``url`` of its document; and over all its claims ``first_date`` and
  ``last_date`` (ISO, empty when none is dated), for a timeline filter.

Nodes by id and edges by (speaker, target, claim type) are written in sorted order, edge ids ``e0``,
``e1``... in that order, and GEXF's ``lastmodifieddate`` is left out: the same store gives the same bytes.
"""

from __future__ import annotations

from typing import Any, BinaryIO

import networkx as nx
import pyoxigraph as ox
from networkx.readwrite.gexf import GEXFWriter

from graph.store.network import load_network

ALIAS_SEPARATOR = " | "


def collapse(G: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """One edge per (speaker, target, claim type), with ``count`` (statements), ``claims`` and the first
    claim's quote.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("a", name="Ann", type="PERSON", labels=["Ann", "安"], zh="安", mentions=2)
    >>> G.add_node("b", name="Bee", type="ORG", labels=["Bee"], zh="", mentions=1)
    >>> for start in (40, 7):
    ...     _ = G.add_edge("a", "b", type="accusation", text=f"at {start}", cue="", doc="d",
    ...                    start=start, end=start + 5)
    >>> H = collapse(G)
    >>> H.nodes["a"]
    {'label': 'Ann', 'type': 'PERSON', 'aliases': 'Ann | 安', 'zh': '安', 'mentions': 2}
    >>> [(u, v, d["claim_type"], d["count"], d["claims"], d["quote"]) for u, v, d in H.edges(data=True)]
    [('a', 'b', 'accusation', 2, 2, 'at 7')]
    """
    H = nx.MultiDiGraph()
    for node in sorted(G):
        data = G.nodes[node]
        H.add_node(
            node,
            label=str(data.get("name") or node),
            type=str(data.get("type") or ""),
            aliases=ALIAS_SEPARATOR.join(data.get("labels") or []),
            zh=str(data.get("zh") or ""),
            mentions=int(data.get("mentions") or 0),
        )
    groups: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for u, v, data in G.edges(data=True):
        groups.setdefault((u, v, data["type"]), []).append(data)
    for i, ((u, v, kind), claims) in enumerate(sorted(groups.items())):
        first = min(claims, key=lambda d: (d["doc"], d["start"], d["end"], d["text"]))
        dates = sorted(str(d["time"]) for d in claims if d.get("time"))
        statements = len({d.get("statement") or (d["doc"], d["start"], d["end"]) for d in claims})
        H.add_edge(
            u,
            v,
            key=f"e{i}",
            label=kind,
            claim_type=kind,
            count=statements,
            claims=len(claims),
            weight=float(statements),
            quote=first["text"],
            cue=first.get("cue") or "",
            doc=first["doc"],
            quote_start=int(first["start"]),
            quote_end=int(first["end"]),
            date=str(first.get("time") or ""),
            title=str(first.get("title") or ""),
            outlet=str(first.get("outlet") or ""),
            url=str(first.get("url") or ""),
            first_date=dates[0] if dates else "",
            last_date=dates[-1] if dates else "",
        )
    return H


def write_network(store: ox.Store, fmt: str, out: BinaryIO) -> int:
    """Write the collapsed claim network of ``store`` as ``graphml`` or ``gexf``; return nodes + edges."""
    H = collapse(load_network(store))
    if fmt == "graphml":
        nx.write_graphml(H, out, encoding="utf-8", prettyprint=True)
    elif fmt == "gexf":
        writer = GEXFWriter(encoding="utf-8", prettyprint=True, version="1.2draft")
        writer.add_graph(H)
        meta = writer.xml.find("meta")
        if meta is not None:
            meta.attrib.pop("lastmodifieddate", None)
        writer.write(out)
    else:
        raise ValueError(f"not a network format: {fmt!r}")
    return H.number_of_nodes() + H.number_of_edges()
