"""Copy the store to any SPARQL 1.1 Graph Store Protocol server, one named graph at a time.

Every graph of the store (each document's, the entities, build and ontology graphs) is sent with
``PUT ENDPOINT?graph=IRI`` as N-Triples, which replaces that graph on the server: pushing twice leaves
the server as pushing once, and a document rebuilt since the last push replaces its old graph. With a
SPARQL query endpoint (``sparql``), document graphs that the server has and the store no longer has are
deleted too (``DELETE ENDPOINT?graph=IRI``), so the server mirrors the store.

Any server of the protocol will do: Oxigraph (``/store``), Apache Jena Fuseki (``/DATASET/data``),
GraphDB (``/repositories/ID/rdf-graphs/service``), Virtuoso, Stardog… Queries on the server see what
``claimgraph query`` sees when its default graph is the union of the named graphs (Oxigraph:
``--union-default-graph``; Fuseki: ``tdb2:unionDefaultGraph true``).

One graph is in memory at a time; graphs go out on ``jobs`` connections at once (HTTP keep-alive).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests

from extract.errors import ClaimgraphError
from graph.store.vocab import doc_iri, prefixes

N_TRIPLES = "application/n-triples"
DEFAULT_JOBS = 4
DEFAULT_TIMEOUT = 60.0

_SERVER_DOCUMENTS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?g a cg:Document } }"


@dataclass
class PushReport:
    """What a push did: graphs replaced on the server, their triples, and stale graphs deleted."""

    graphs: int = 0
    triples: int = 0
    deleted: list[str] = field(default_factory=list)


def push(
    store: ox.Store,
    endpoint: str,
    *,
    sparql: str | None = None,
    jobs: int = DEFAULT_JOBS,
    timeout: float = DEFAULT_TIMEOUT,
    auth: tuple[str, str] | None = None,
    on_graph: Callable[[str], None] | None = None,
) -> PushReport:
    """PUT every named graph of ``store`` to the Graph Store Protocol ``endpoint``; see the module text.

    ``sparql`` is the server's query endpoint: given, the document graphs it lists that the store does
    not hold are deleted. ``on_graph`` hears each graph's IRI once it is on the server.
    """
    if any(True for _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph())):
        raise ClaimgraphError("the store has triples in its default graph: claimgraph never writes there")
    graphs = sorted(g.value for g in store.named_graphs() if isinstance(g, ox.NamedNode))
    local = threading.local()
    report = PushReport()
    lock = threading.Lock()

    def session() -> requests.Session:
        if not hasattr(local, "session"):
            local.session = requests.Session()
            local.session.auth = auth
        return local.session

    def put(graph: str) -> None:
        body = ox.serialize(
            (q.triple for q in store.quads_for_pattern(None, None, None, ox.NamedNode(graph))),
            format=ox.RdfFormat.N_TRIPLES,
        )
        _send(session(), "PUT", endpoint, graph, timeout, data=body, headers={"Content-Type": N_TRIPLES})
        with lock:
            report.graphs += 1
            report.triples += body.count(b"\n")
        if on_graph is not None:
            on_graph(graph)

    stale: list[str] = []
    if sparql is not None:
        ours = str(doc_iri(""))
        stale = sorted(
            g
            for g in server_graphs(session(), sparql, timeout)
            if g.startswith(ours) and g not in set(graphs)
        )
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for _ in pool.map(put, graphs):
            pass
    for graph in stale:
        _send(session(), "DELETE", endpoint, graph, timeout)
        report.deleted.append(graph)
    return report


def server_graphs(session: requests.Session, sparql: str, timeout: float) -> Iterator[str]:
    """The document graphs the server at the query endpoint ``sparql`` holds."""
    answer = _request(
        session,
        "POST",
        sparql,
        timeout,
        data={"query": with_prefixes(_SERVER_DOCUMENTS)},
        headers={"Accept": "application/sparql-results+json"},
    )
    for row in ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON):
        yield row["g"].value


def with_prefixes(sparql: str) -> str:
    """``sparql`` with the PREFIX lines ``claimgraph query`` predeclares, for a server that has none."""
    return "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in sorted(prefixes().items())) + sparql


def _send(
    session: requests.Session, method: str, endpoint: str, graph: str, timeout: float, **kwargs: object
) -> None:
    _request(session, method, endpoint, timeout, params={"graph": graph}, what=f" graph <{graph}>", **kwargs)


def _request(
    session: requests.Session, method: str, url: str, timeout: float, what: str = "", **kwargs: object
) -> requests.Response:
    try:
        response = session.request(method, url, timeout=timeout, **kwargs)  # type: ignore[arg-type]
    except requests.ConnectionError as e:
        raise ClaimgraphError(
            f"cannot reach {url}: is the server running, and is the URL right? ({e})"
        ) from e
    except requests.Timeout:
        raise ClaimgraphError(f"{url} did not answer within {timeout:g} s: raise --timeout") from None
    except requests.RequestException as e:
        raise ClaimgraphError(f"{method} {url} failed: {e}") from e
    if response.status_code == 404 and method != "DELETE":
        raise ClaimgraphError(
            f"{url} answered 404 Not Found to {method}{what}: is it the Graph Store Protocol endpoint "
            "(Oxigraph: …/store, Fuseki: …/DATASET/data)?"
        )
    if response.status_code in (401, 403):
        raise ClaimgraphError(
            f"{url} refused {method}{what} ({response.status_code}): give --user NAME:PASSWORD, "
            "or check that the server accepts writes"
        )
    if response.status_code >= 400 and not (method == "DELETE" and response.status_code == 404):
        detail = response.text.strip().splitlines()[0][:200] if response.text.strip() else response.reason
        raise ClaimgraphError(f"{url} answered {response.status_code} to {method}{what}: {detail}")
    return response
