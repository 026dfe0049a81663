"""``claimgraph push`` to a real Oxigraph server: the server then answers every shipped query as we do."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests
from click.testing import CliRunner

from cli import main
from graph.sparql.queries import bind, execute, shipped
from graph.sparql.query import standalone
from graph.store.push import with_prefixes
from graph.store.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
OXIGRAPH = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))

pytestmark = pytest.mark.skipif(
    not Path(OXIGRAPH).exists(), reason="needs the oxigraph server (pip install oxigraph, in the test extra)"
)


def run(*args: str, store: Path):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph_server(location: Path) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, its default graph the union of the named graphs."""
    port = free_port()
    process = subprocess.Popen(
        [
            OXIGRAPH,
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"{url}/query", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"oxigraph did not start: {process.stderr.read().decode() if process.stderr else ''}"
                )
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as url:
        yield url


def remote(url: str, sparql: str, bindings: dict[str, ox.NamedNode | ox.Literal]) -> Counter[str]:
    """The server's answer, as a multiset of rows (or triples) in N-Triples syntax.

    Parameters are bound as ``claimgraph query --show-query`` binds them (``standalone``): VALUES blocks
    in each WHERE clause that has the variable in scope, which gives the rows pyoxigraph's substitution
    gives.
    """
    sparql = standalone(sparql, bindings)
    construct = "CONSTRUCT" in sparql
    response = requests.post(
        f"{url}/query",
        data={"query": with_prefixes(sparql)},
        headers={"Accept": "application/n-triples" if construct else "application/sparql-results+json"},
        timeout=60,
    )
    assert response.ok, response.text
    if construct:
        return Counter(str(t) for t in ox.parse(response.content, format=ox.RdfFormat.N_TRIPLES))
    answer = ox.parse_query_results(response.content, format=ox.QueryResultsFormat.JSON)
    return _rows(answer)


def _rows(answer: ox.QuerySolutions) -> Counter[str]:
    names = [v.value for v in answer.variables]
    return Counter(" ".join(str(row[n]) if row[n] is not None else "-" for n in names) for row in answer)


def local(store: ox.Store, sparql: str, params: dict[str, str]) -> Counter[str]:
    answer = execute(store, sparql, params)
    if isinstance(answer, ox.QueryTriples):
        return Counter(str(t) for t in answer)
    return _rows(answer)


@pytest.fixture(scope="module")
def pushed(seeds_store: Path, server: str) -> str:
    for _ in range(2):  # the second push replaces every graph with itself
        result = run("push", "--endpoint", f"{server}/store", "--no-progress", store=seeds_store)
        assert result.exit_code == 0, result.output
    # 5 documents, the entities, the build, the ontology, and the copies of the article (duplicates)
    assert "pushed 9 graphs" in result.output
    return server


def _cases(store: ox.Store) -> list[tuple[str, dict[str, str]]]:
    claim = next(
        iter(
            store.query(
                "SELECT ?c { GRAPH ?g { ?c a <https://w3id.org/claimgraph/ns#Claim> } } ORDER BY ?c LIMIT 1"
            )
        )
    )["c"]
    cases = []
    for name, query in shipped().items():
        required = {p.name: str(claim) for p in query.params if p.required}
        cases.append((name, required))
        if any(p.name == "entity" for p in query.params):
            cases.append((name, {**required, "entity": "Howard Lutnick"}))
    return cases


def test_the_server_holds_every_quad_of_the_store_once(seeds_store: Path, pushed: str) -> None:
    store = open_store(seeds_store)
    counted = remote(pushed, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {})
    assert counted == Counter([f'"{len(store)}"^^<http://www.w3.org/2001/XMLSchema#integer>'])


def test_the_server_answers_every_shipped_query_as_the_embedded_store(seeds_store: Path, pushed: str) -> None:
    store = open_store(seeds_store)
    cases = _cases(store)
    assert len({name for name, _ in cases}) == len(shipped()) == 11
    for name, params in cases:
        sparql = shipped()[name].sparql
        ours = local(store, sparql, params)
        assert sum(ours.values()) > 0 or "entity" in params, name
        assert remote(pushed, sparql, bind(store, sparql, params)) == ours, (name, params)


def test_the_query_shown_for_another_endpoint_gets_its_answer_there(seeds_store: Path, pushed: str) -> None:
    args = ["query", "--name", "claims-about", "--param", "entity=卢特尼克", "--limit", "2", "--offset", "1"]
    shown = run(*args, "--show-query", store=seeds_store)
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("PREFIX ") and "LIMIT 2 OFFSET 1" in shown.output
    answer = requests.post(
        f"{pushed}/query", data={"query": shown.output}, headers={"Accept": "application/sparql-results+json"}
    )
    assert answer.ok, answer.text
    theirs = _rows(ox.parse_query_results(answer.content, format=ox.QueryResultsFormat.JSON))
    ours = run(*args, "--format", "json", store=seeds_store)
    assert theirs == _rows(ox.parse_query_results(ours.stdout_bytes, format=ox.QueryResultsFormat.JSON))
    assert sum(theirs.values()) > 0


def test_a_document_removed_from_the_store_is_deleted_from_the_server(
    seeds_store: Path, pushed: str, tmp_path: Path
) -> None:
    fewer = tmp_path / "fewer"
    assert (
        run(
            "build", str(SEEDS / "004_5b8d7d2dda9938c6.txt"), "--no-progress", "--workers", "1", store=fewer
        ).exit_code
        == 0
    )
    result = run(
        "push", "--endpoint", f"{pushed}/store", "--sparql", f"{pushed}/query", "--no-progress", store=fewer
    )
    assert result.exit_code == 0, result.output
    assert "deleted 4 stale document graphs" in result.output
    documents = remote(pushed, "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Document } }", {})
    assert list(documents) == ["<https://w3id.org/claimgraph/id/doc/004_5b8d7d2dda9938c6.txt>"]
    # put the seeds back for the other tests
    assert run("push", "--endpoint", f"{pushed}/store", "--no-progress", store=seeds_store).exit_code == 0


def test_an_unreachable_server_is_named(seeds_store: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"
    result = CliRunner().invoke(
        main, ["--store", str(seeds_store), "push", "--endpoint", url, "--no-progress"]
    )
    assert result.exit_code == 1
    assert f"cannot reach {url}: is the server running" in result.output


def test_a_wrong_endpoint_says_which_one_to_use(seeds_store: Path, server: str) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(seeds_store), "push", "--endpoint", f"{server}/nothing", "--no-progress"]
    )
    assert result.exit_code == 1
    assert "Graph Store Protocol endpoint (Oxigraph: …/store" in result.output
