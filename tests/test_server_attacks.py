"""``claimgraph serve`` under attack and load (issue 14): one regression test per defect.

Every server here runs on a copy of the seeds store of its own, so that its worker processes (children
of this process, found through ``/proc``) can be told apart by their store.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from SPARQLWrapper import CSV, JSON, JSONLD, N3, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper import POST as SW_POST

from graph.sparql import sandbox
from graph.sparql.server import Settings, exposure_warnings, running
from graph.store.vocab import doc_iri

ROOT = Path(__file__).resolve().parents[1]
FORM = "application/x-www-form-urlencoded"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
HUNGRY = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"
"""A sort of the seeds' cross product: hundreds of millions of rows, in memory."""


class Listener:
    """A loopback TCP listener that records every connection made to it (and answers nothing useful)."""

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/sparql"
        self.connections: list[bytes] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    self.connections.append(conn.recv(65536))
                    conn.sendall(b"HTTP/1.1 500 No\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                except OSError:
                    self.connections.append(b"")

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    found = Listener()
    yield found
    found.close()


def copy_of(seeds_store: Path, folder: Path) -> Path:
    shutil.copytree(seeds_store, folder, symlinks=True)
    return folder


def worker_pids(store: Path) -> set[int]:
    """The worker processes of the server on ``store``: children of this process running ``_worker_entry``."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent == os.getpid() and b"_worker_entry" in command and str(store).encode() in command:
            found.add(int(entry))
    return found


def wait_until(condition, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture(scope="module")
def readonly(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    store = copy_of(seeds_store, tmp_path_factory.mktemp("readonly") / "store")
    settings = Settings(store, port=0, timeout=20, max_rows=5000, max_memory=400)
    with running(settings) as url:
        yield f"{url}/sparql", store


@pytest.fixture(scope="module")
def writable(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    store = copy_of(seeds_store, tmp_path_factory.mktemp("writable") / "store")
    with running(Settings(store, port=0, timeout=10, allow_update=True)) as url:
        yield f"{url}/sparql"


def ask(endpoint: str, query: str = "ASK {}", **params: str) -> requests.Response:
    return requests.get(endpoint, params={"query": query, **params}, timeout=60)


# --- 1. SSRF: SERVICE and LOAD reach no listener -----------------------------------------------------

QUERY_VARIANTS = [
    # the reported bypass: `\#` is an escape in a prefixed name, not a comment
    "SELECT ?x {{ BIND(entity:o\\# AS ?v) SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "SELECT ?x {{ ?x ?y entity:o\\# . SERVICE <{url}> {{ ?x ?y ?z }} }}",
    "SELECT * {{ # a comment\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ ?s ?p '#' . SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "SELECT * {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "select * {{ service silent <{url}> {{ ?s ?p ?o }} }}",
    "ASK {{ FILTER EXISTS {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "ASK {{ FILTER NOT EXISTS {{ {{ SELECT * {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }} }}",
    "SELECT * {{ VALUES ?where {{ <{url}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
    "SELECT * {{ BIND(IRI('{url}') AS ?where) SERVICE ?where {{ ?s ?p ?o }} }}",
    "CONSTRUCT {{ ?s ?p ?o }} WHERE {{ OPTIONAL {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }}",
    "SELECT * {{ {{ ?s ?p ?o }} UNION {{ GRAPH ?g {{ SERVICE <{url}> {{ ?s ?p ?o }} }} }} }}",
    "PREFIX e: <{url}#>\nSELECT * {{ SERVICE e: {{ ?s ?p ?o }} }}",
]


@pytest.mark.parametrize("template", QUERY_VARIANTS)
@pytest.mark.parametrize("method", ["GET", "form", "direct"])
def test_service_reaches_no_listener(
    readonly: tuple[str, Path], listener: Listener, template: str, method: str
) -> None:
    endpoint, _ = readonly
    query = template.format(url=listener.url)
    if method == "GET":
        response = ask(endpoint, query)
    elif method == "form":
        response = requests.post(endpoint, data={"query": query}, headers={"Origin": "http://evil.example"})
    else:
        response = requests.post(
            endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query"}, timeout=60
        )
    assert response.status_code in (400, 403), response.text
    assert listener.connections == []


UPDATE_VARIANTS = [
    "INSERT DATA {{ entity:a entity:b entity:o\\# }} ; LOAD SILENT <{url}>",
    "LOAD <{url}> INTO GRAPH <urn:x:g>",
    "# LOAD\nLOAD SILENT <{url}>",
    "INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "DELETE {{ ?s ?p ?o }} WHERE {{ FILTER EXISTS {{ SERVICE ?x {{ ?s ?p ?o }} }} VALUES ?x {{ <{url}> }} }}",
]


@pytest.mark.parametrize("template", UPDATE_VARIANTS)
def test_load_and_service_in_updates_reach_no_listener(
    writable: str, listener: Listener, template: str
) -> None:
    update = template.format(url=listener.url)
    response = requests.post(
        writable, data=update.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=60
    )
    assert response.status_code in (400, 403), response.text
    assert listener.connections == []


def test_allow_service_does_reach_the_listener(seeds_store: Path, tmp_path: Path, listener: Listener) -> None:
    """The control: the listener does record a SERVICE call when the server is told to allow them."""
    store = copy_of(seeds_store, tmp_path / "store")
    with running(Settings(store, port=0, timeout=10, allow_service=True)) as url:
        response = ask(f"{url}/sparql", f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}")
    assert response.status_code == 500  # the listener's answer is no SPARQL
    assert len(listener.connections) == 1 and listener.connections[0].startswith(b"POST /sparql")


SANDBOXED = """
import socket, sys
import pyoxigraph as ox
from graph.sparql import sandbox
print(sandbox.deny_network(tuple(sys.argv[2:])))
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])), timeout=2)
    print("connected")
except OSError as e:
    print("refused", e.errno)
try:
    ox.Store().query("ASK { SERVICE <http://127.0.0.1:%s/> { ?s ?p ?o } }" % sys.argv[1])
    print("service ran")
except OSError as e:
    print("service failed", type(e).__name__)
"""


@pytest.mark.parametrize("method", ["seccomp", "netns"])
def test_a_confined_process_opens_no_connection(listener: Listener, method: str) -> None:
    """The second layer alone: with the guard out of the way, a confined process reaches nothing."""
    run = subprocess.run(
        [sys.executable, "-c", SANDBOXED, str(listener.port), method],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    if "Unconfined" in run.stderr:
        pytest.skip(f"{method} is not available here: {run.stderr.strip().splitlines()[-1]}")
    lines = run.stdout.splitlines()
    assert lines[0] == method, run.stderr
    assert lines[1].startswith("refused") and lines[2].startswith("service failed"), run.stdout
    assert listener.connections == []


def test_the_servers_workers_are_confined(readonly: tuple[str, Path]) -> None:
    _, store = readonly
    pids = worker_pids(store)
    assert len(pids) == 4  # --workers 4: two for long queries at most
    for pid in pids:
        status = Path(f"/proc/{pid}/status").read_text()
        assert "Seccomp:\t2" in status  # a filter is loaded
        assert "NoNewPrivs:\t1" in status


def test_query_command_refuses_service(seeds_store: Path, listener: Listener) -> None:
    from click.testing import CliRunner

    from cli import main

    query = f"SELECT * {{ BIND(entity:o\\# AS ?v) SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    refused = CliRunner().invoke(main, ["--store", str(seeds_store), "query", query])
    assert refused.exit_code == 1 and refused.output.count("\n") == 1, refused.output
    assert "not valid SPARQL" in refused.output
    plain = f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"
    refused = CliRunner().invoke(main, ["--store", str(seeds_store), "query", plain])
    assert (
        refused.exit_code == 1
        and "SERVICE is disabled" in refused.output
        and "--allow-service" in refused.output
    )
    assert listener.connections == []
    allowed = CliRunner().invoke(main, ["--store", str(seeds_store), "query", "--allow-service", plain])
    assert allowed.exit_code == 1 and len(listener.connections) == 1  # it went out, and got no SPARQL


# --- 2. SPARQLWrapper's default requests ---------------------------------------------------------------

SW_CASES = [("SELECT ?c WHERE { ?c a cg:Claim } LIMIT 3", fmt) for fmt in (JSON, XML, CSV, TSV)] + [
    ("ASK { ?c a cg:Claim }", fmt) for fmt in (JSON, XML)
]
SW_GRAPH_CASES = [
    (query, fmt)
    for query in ("CONSTRUCT WHERE { ?c a cg:Claim } LIMIT 3", "DESCRIBE <urn:x:nothing>")
    for fmt in (XML, RDFXML, TURTLE, N3, JSONLD)
]
PREFIX = "PREFIX cg: <https://w3id.org/claimgraph/ns#>\n"


@pytest.mark.parametrize(("query", "fmt"), SW_CASES + SW_GRAPH_CASES)
@pytest.mark.parametrize("only_conneg", [False, True])
@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_every_format(
    readonly: tuple[str, Path], query: str, fmt: str, only_conneg: bool, method: str
) -> None:
    client = SPARQLWrapper(readonly[0])
    client.setQuery(PREFIX + query)
    client.setReturnFormat(fmt)
    client.setOnlyConneg(only_conneg)
    if method == "POST":
        client.setMethod(SW_POST)
    answer = client.query()
    converted = answer.convert()
    if (query, fmt) in SW_GRAPH_CASES:
        graph = converted if isinstance(converted, rdflib.Graph) else rdflib.Graph().parse(data=converted)
        assert len(graph) == (3 if query.startswith("CONSTRUCT") else 0)
    elif fmt == JSON:
        assert "boolean" in converted or len(converted["results"]["bindings"]) == 3
    elif fmt == XML:
        assert converted.documentElement.tagName == "sparql"
    else:
        assert len(converted.decode().strip().splitlines()) == 4


# --- 3. memory: a cap per worker, and workers replaced after a large query --------------------------


def test_a_query_past_the_memory_cap_is_413_and_the_worker_is_replaced(readonly: tuple[str, Path]) -> None:
    endpoint, store = readonly
    before = worker_pids(store)
    response = ask(endpoint, HUNGRY)
    assert response.status_code == 413, response.text
    assert "--max-memory" in response.text and "400 MB" in response.text
    assert wait_until(lambda: len(worker_pids(store)) == 4 and worker_pids(store) != before)
    assert ask(endpoint).json()["boolean"] is True


def test_a_worker_whose_memory_stays_high_is_replaced(seeds_store: Path, tmp_path: Path) -> None:
    """400 MB cap: a worker still resident over 100 MB after its query is replaced."""
    store = copy_of(seeds_store, tmp_path / "store")
    with running(Settings(store, port=0, timeout=300, max_memory=400)) as url:
        before = worker_pids(store)
        replaced = _a_large_query(f"{url}/sparql", store, before)
    assert replaced


def _a_large_query(endpoint: str, store: Path, before: set[int]) -> bool:
    values = " ".join(f'"{"x" * 100}{i}"' for i in range(50_000))  # 5 MB of query: 140 MB stay resident
    big = requests.post(
        endpoint, data={"query": f"SELECT (COUNT(*) AS ?n) {{ VALUES ?v {{ {values} }} }}"}, timeout=600
    )
    assert big.status_code == 200, big.text
    assert big.json()["results"]["bindings"][0]["n"]["value"] == "50000"
    return wait_until(lambda: len(worker_pids(store) - before) >= 1)


# --- 4. starvation: a client that goes stops its query; short queries keep a worker ----------------


def test_a_query_whose_client_disconnects_is_stopped(readonly: tuple[str, Path]) -> None:
    endpoint, store = readonly
    before = worker_pids(store)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(endpoint, params={"query": SLOW}, timeout=1.5)  # the client gives up, and closes
    # the server's timeout is 20 s: a worker replaced before then was stopped for the disconnection
    assert wait_until(lambda: worker_pids(store) - before, seconds=15)
    assert ask(endpoint).json()["boolean"] is True


def test_short_queries_are_answered_while_every_long_slot_is_busy(readonly: tuple[str, Path]) -> None:
    endpoint, _ = readonly
    answers: list[int] = []

    def slow() -> None:
        answers.append(requests.get(endpoint, params={"query": SLOW}, timeout=60).status_code)

    slow_clients = [threading.Thread(target=slow) for _ in range(3)]  # two slots, and one too many
    for thread in slow_clients:
        thread.start()
    time.sleep(2)  # every slow query has passed the half second after which it is long
    short = [ask(endpoint).status_code for _ in range(5)]
    still_running = sum(thread.is_alive() for thread in slow_clients)
    for thread in slow_clients:
        thread.join()
    assert short == [200] * 5
    assert still_running == 3  # the short queries did not wait for the slow ones
    assert sorted(answers) == [503, 503, 503]  # each stopped at the 20 s timeout


# --- 5. default-graph-uri alone leaves no named graph ------------------------------------------------


def test_default_graph_uri_alone_hides_the_named_graphs(readonly: tuple[str, Path]) -> None:
    endpoint, _ = readonly
    named = "SELECT (COUNT(DISTINCT ?g) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
    graph = str(doc_iri("001_aca966135755c5c3.txt"))

    def count(response: requests.Response) -> int:
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert count(ask(endpoint, named)) > 1
    assert count(ask(endpoint, named, **{"default-graph-uri": graph})) == 0
    assert count(ask(endpoint, named, **{"named-graph-uri": graph})) == 1
    mine = "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }"
    assert count(ask(endpoint, mine, **{"default-graph-uri": graph})) > 0


# --- 6. using-graph-uri and using-named-graph-uri ------------------------------------------------------


def test_using_graph_uri(writable: str) -> None:
    def update(text: str, **params: str) -> requests.Response:
        return requests.post(
            writable,
            params=params,
            data=text.encode(),
            headers={"Content-Type": "application/sparql-update"},
            timeout=60,
        )

    setup = (
        "INSERT DATA { GRAPH <urn:x:a> { <urn:x:s> <urn:x:p> 1 } GRAPH <urn:x:b> { <urn:x:t> <urn:x:p> 2 } }"
    )
    assert update(setup).status_code == 204
    copy = "INSERT { GRAPH <urn:x:out> { ?s <urn:x:copied> ?o } } WHERE { ?s <urn:x:p> ?o }"
    assert update(copy, **{"using-graph-uri": "urn:x:a"}).status_code == 204
    rows = ask(writable, "SELECT ?s { GRAPH <urn:x:out> { ?s <urn:x:copied> ?o } }").json()
    assert [r["s"]["value"] for r in rows["results"]["bindings"]] == ["urn:x:s"]
    gone = update("DELETE WHERE { GRAPH ?g { ?s <urn:x:p> ?o } }", **{"using-named-graph-uri": "urn:x:b"})
    assert gone.status_code == 204, gone.text
    assert ask(writable, "ASK { GRAPH <urn:x:a> { <urn:x:s> <urn:x:p> 1 } }").json()["boolean"] is True
    assert ask(writable, "ASK { GRAPH <urn:x:b> { ?s ?p ?o } }").json()["boolean"] is False
    with_clause = "WITH <urn:x:a> INSERT { ?s <urn:x:copied> ?o } WHERE { ?s <urn:x:p> ?o }"
    conflict = update(with_clause, **{"using-graph-uri": "urn:x:b"})
    assert conflict.status_code == 400 and "USING or WITH" in conflict.text


# --- 7. deep nesting is refused before evaluation ------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 10_000])
def test_deep_nesting_is_a_400(readonly: tuple[str, Path], depth: int) -> None:
    endpoint, store = readonly
    before = worker_pids(store)
    response = requests.post(
        endpoint,
        data={"query": "SELECT * " + "{" * depth + "?s ?p ?o" + "}" * depth + " LIMIT 1"},
        timeout=60,
    )
    assert response.status_code == 400 and "nests more than 64 levels" in response.text
    assert worker_pids(store) == before


def test_nesting_at_the_limit_runs(readonly: tuple[str, Path]) -> None:
    for query in (
        "SELECT * " + "{" * 64 + "?s ?p ?o" + "}" * 64 + " LIMIT 1",
        "ASK { FILTER(" + "(" * 62 + "true" + ")" * 62 + ") }",
    ):
        response = requests.post(readonly[0], data={"query": query}, timeout=60)
        assert response.status_code == 200, response.text


def test_a_crashed_worker_is_named_and_replaced(readonly: tuple[str, Path]) -> None:
    endpoint, store = readonly
    assert wait_until(lambda: len(worker_pids(store)) == 4)
    answer: list[requests.Response] = []
    thread = threading.Thread(target=lambda: answer.append(ask(endpoint, SLOW)))
    thread.start()
    time.sleep(1)
    before = {pid: cpu_ticks(pid) for pid in worker_pids(store)}
    time.sleep(0.5)
    busy = max(before, key=lambda pid: cpu_ticks(pid) - before[pid])  # the one counting the cross product
    os.kill(busy, signal.SIGSEGV)
    thread.join()
    assert answer[0].status_code == 500 and "killed by SIGSEGV" in answer[0].text
    assert wait_until(lambda: len(worker_pids(store)) == 4 and busy not in worker_pids(store))


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


# --- 8. the smaller defects ------------------------------------------------------------------------------


def raw_request(endpoint: str, head: bytes, body: bytes = b"") -> tuple[int, bytes]:
    """Send bytes as they are (and close); the status and the body of the answer."""
    host, port = endpoint.split("//")[1].split("/")[0].split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(head.replace(b"\r\n\r\n", b"\r\nConnection: close\r\n\r\n", 1) + body)
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    status = int(data.split(b" ", 2)[1])
    return status, data.split(b"\r\n\r\n", 1)[1]


def test_invalid_utf8_in_the_query_string_is_a_400(readonly: tuple[str, Path]) -> None:
    endpoint, _ = readonly
    by_get = raw_request(endpoint, b"GET /sparql?query=ASK%20%7B%7D%FF HTTP/1.1\r\nHost: x\r\n\r\n")
    by_post = requests.post(
        endpoint, data=b"query=ASK%20%7B%7D%FF", headers={"Content-Type": FORM}, timeout=30
    )
    assert by_get[0] == by_post.status_code == 400
    assert b"not percent-encoded UTF-8" in by_get[1] and "not percent-encoded UTF-8" in by_post.text
    raw = raw_request(endpoint, b"GET /sparql?query=ASK%20%7B%7D\xff HTTP/1.1\r\nHost: x\r\n\r\n")
    assert raw[0] == 400  # a byte that is not even allowed in a URL: the HTTP parser refuses it


@pytest.mark.parametrize("size", [70_000, 200_000, 1_000_000])
def test_long_urls_and_headers_get_414_and_431(readonly: tuple[str, Path], size: int) -> None:
    endpoint, _ = readonly
    query = "ASK%20%7B%7D%20" + "%20" * (size // 3)
    status, body = raw_request(endpoint, f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    assert status == 414 and b"POST" in body
    header = f"X-Long: {'a' * size}\r\n"
    status, body = raw_request(
        endpoint,
        f"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n{header}\r\n".encode(),
    )
    assert status == 431


def test_a_query_of_60_kib_by_get_is_answered(readonly: tuple[str, Path]) -> None:
    response = ask(readonly[0], "ASK {}" + " " * 60_000)
    assert response.status_code == 200


def test_accept_text_star_gets_a_text_type(readonly: tuple[str, Path]) -> None:
    endpoint, _ = readonly
    for query in ("SELECT ?s { ?s ?p ?o } LIMIT 1", "ASK {}", "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1"):
        response = requests.get(endpoint, params={"query": query}, headers={"Accept": "text/*"}, timeout=30)
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/")


def test_an_unknown_function_is_a_400(readonly: tuple[str, Path]) -> None:
    response = ask(readonly[0], "SELECT (<urn:x:f>(1) AS ?x) {}")
    assert response.status_code == 400 and "urn:x:f" in response.text


def test_204_has_no_content_type(writable: str, readonly: tuple[str, Path]) -> None:
    done = requests.post(
        writable,
        data=b"INSERT DATA { GRAPH <urn:x:h> { <urn:x:s> <urn:x:p> 3 } }",
        headers={"Content-Type": "application/sparql-update"},
        timeout=30,
    )
    assert done.status_code == 204 and "content-type" not in done.headers
    base = readonly[0].removesuffix("/sparql")
    icon = requests.get(f"{base}/favicon.ico", timeout=30)
    assert icon.status_code == 204 and "content-type" not in icon.headers


def test_static_files_carry_the_pages_csp(readonly: tuple[str, Path]) -> None:
    base = readonly[0].removesuffix("/sparql")
    for name in ("index.html", "app.js", "style.css"):
        response = requests.get(f"{base}/static/{name}", timeout=30)
        assert response.status_code == 200
        assert "default-src 'none'" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"


def test_updates_on_every_address_are_warned_about() -> None:
    open_update = exposure_warnings(Settings(Path("s"), host="0.0.0.0", allow_update=True))
    assert len(open_update) == 1 and "no authentication" in open_update[0]
    assert exposure_warnings(Settings(Path("s"), host="::1", allow_update=True)) == []
    assert exposure_warnings(Settings(Path("s"), host="0.0.0.0")) == []


def test_serve_prints_the_warning(seeds_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line says it before serving (the server itself is not started here)."""
    from click.testing import CliRunner

    import cli

    seen: list[Settings] = []

    def fake_serve(settings: Settings, *, on_start, on_warning) -> None:
        seen.append(settings)
        for warning in exposure_warnings(settings):
            on_warning(warning)

    import graph.sparql.server

    monkeypatch.setattr(graph.sparql.server, "serve", fake_serve)  # serve imports it when it runs
    result = CliRunner().invoke(
        cli.main, ["--store", str(seeds_store), "serve", "--host", "0.0.0.0", "--allow-update"]
    )
    assert result.exit_code == 0 and "warning: --allow-update on 0.0.0.0" in result.output
    assert seen[0].max_memory == 2048 and seen[0].allow_service is False


def test_sandbox_reports_memory() -> None:
    assert sandbox.resident_bytes() > 1024 * 1024
