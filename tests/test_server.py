"""``claimgraph serve`` over real HTTP on a free loopback port: SPARQLWrapper, rdflib and plain requests.

The seeds graph is built once; the server runs in a thread of this process (its workers are child
processes) and stops at the end of the module.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
import requests
from click.testing import CliRunner
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import JSON, XML, SPARQLWrapper

from cli import main
from extract.errors import ClaimgraphError
from graph.sparql.server import Settings, render_page, running, shipped_queries
from graph.store.store import StoreBuilder
from graph.store.vocab import doc_iri

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CLAIMS = "SELECT ?c WHERE { ?c a cg:Claim }"
COUNT = "SELECT (COUNT(?c) AS ?n) WHERE { ?c a cg:Claim }"
SPEAKERS = "SELECT ?c ?speaker WHERE { ?c a cg:Claim ; cg:speaker ?speaker } ORDER BY ?c"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
TIMEOUT = 1.5
MAX_ROWS = 5000
EVIL = "<script>alert('x')</script>"


def cli(*args: str, store: Path) -> str:
    result = CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def exported(seeds_store: Path) -> list[dict]:
    return [json.loads(line) for line in cli("export", "--format", "jsonl", store=seeds_store).splitlines()]


@pytest.fixture(scope="module")
def queries_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries")
    (folder / "claims.rq").write_text(
        f"# name: Every claim\n# description: Claims, and their speakers\n{SPEAKERS}\n", encoding="utf-8"
    )
    (folder / "evil.rq").write_text(
        f'# name: Evil "name" {EVIL}\n# description: {EVIL}\nASK {{ ?s ?p "</textarea>" }}\n',
        encoding="utf-8",
    )
    return folder


@pytest.fixture(scope="module")
def base(seeds_store: Path, queries_dir: Path) -> Iterator[str]:
    settings = Settings(seeds_store, port=0, timeout=TIMEOUT, max_rows=MAX_ROWS, queries=queries_dir)
    with running(settings) as url:
        assert url.startswith("http://127.0.0.1:")
        yield url


@pytest.fixture(scope="module")
def endpoint(base: str) -> str:
    return f"{base}/sparql"


def get(endpoint: str, query: str, accept: str = "application/sparql-results+json", **params: str):
    return requests.get(endpoint, params={"query": query, **params}, headers={"Accept": accept}, timeout=30)


def claim_records(exported: list[dict]) -> list[dict]:
    return [r for r in exported if r["kind"] == "claim"]


def test_sparqlwrapper_json_counts_every_claim_of_the_export(endpoint: str, exported: list[dict]) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(CLAIMS)
    client.setReturnFormat(JSON)
    rows = client.queryAndConvert()["results"]["bindings"]
    assert len(rows) == len(claim_records(exported)) > 0
    assert len({r["c"]["value"] for r in rows}) == len(rows)


def test_sparqlwrapper_xml(endpoint: str, exported: list[dict]) -> None:
    client = SPARQLWrapper(endpoint)
    client.setQuery(COUNT)
    client.setReturnFormat(XML)
    document = client.queryAndConvert()
    [literal] = document.getElementsByTagName("literal")
    assert int(literal.firstChild.data) == len(claim_records(exported))


def test_rdflib_sparqlstore(endpoint: str, exported: list[dict]) -> None:
    store = SPARQLStore(endpoint)
    rows = list(store.query(SPEAKERS, initNs={"cg": rdflib.Namespace("https://w3id.org/claimgraph/ns#")}))
    assert len(rows) == len(claim_records(exported))
    by_json = get(endpoint, SPEAKERS).json()["results"]["bindings"]
    assert {(str(r.c), str(r.speaker)) for r in rows} == {
        (b["c"]["value"], b["speaker"]["value"]) for b in by_json
    }


def test_construct_is_turtle_that_rdflib_reads(endpoint: str, exported: list[dict]) -> None:
    response = get(endpoint, "CONSTRUCT WHERE { ?c a cg:Claim ; cg:content ?text }", accept="*/*")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=response.text, format="turtle")
    assert len(graph) == 2 * len(claim_records(exported))
    assert {str(o) for o in graph.objects()} >= {r["text"] for r in claim_records(exported)}


@pytest.mark.parametrize(
    ("accept", "media_type"),
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        ("text/csv;q=0.2, application/sparql-results+xml;q=0.8", "application/sparql-results+xml"),
        (
            "text/html,application/xhtml+xml,text/tab-separated-values;q=0.9,*/*;q=0.8",
            "text/tab-separated-values",
        ),
    ],
)
def test_accept_chooses_the_format(endpoint: str, exported: list[dict], accept: str, media_type: str) -> None:
    response = get(endpoint, CLAIMS, accept=accept)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].split(";")[0] == media_type
    assert "Accept" in response.headers["vary"]
    assert rows(response) == len(claim_records(exported))


def rows(response: requests.Response) -> int:
    media_type = response.headers["content-type"].split(";")[0]
    if media_type.endswith("json"):
        return len(response.json()["results"]["bindings"])
    if media_type.endswith("xml"):
        ns = {"r": "http://www.w3.org/2005/sparql-results#"}
        return len(ET.fromstring(response.content).findall("r:results/r:result", ns))
    if media_type == "text/csv":
        return len(list(csv.reader(io.StringIO(response.text)))) - 1
    return len(response.text.splitlines()) - 1


def test_format_parameter_and_not_acceptable(endpoint: str) -> None:
    assert (
        get(endpoint, COUNT, accept="text/csv", format="json")
        .headers["content-type"]
        .startswith("application/sparql-results+json")
    )
    rdfxml = get(endpoint, "CONSTRUCT WHERE { ?c a cg:Claim } LIMIT 3", format="xml")
    assert rdfxml.headers["content-type"] == "application/rdf+xml"
    assert len(rdflib.Graph().parse(data=rdfxml.text, format="xml")) == 3
    ntriples = get(endpoint, "CONSTRUCT WHERE { ?c a cg:Claim } LIMIT 3", accept="application/n-triples")
    assert len(ntriples.text.splitlines()) == 3
    assert get(endpoint, COUNT, accept="image/png").status_code == 406
    assert get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o } LIMIT 1", accept="text/csv").status_code == 406
    assert get(endpoint, "ASK {}", accept="text/csv").status_code == 406
    # a format= value it does not know is ignored (issue 14): the Accept header decides
    assert get(endpoint, COUNT, format="yaml").headers["content-type"] == "application/sparql-results+json"
    assert get(endpoint, COUNT, accept="image/png", format="yaml").status_code == 406


def test_get_form_post_and_direct_post_agree(endpoint: str) -> None:
    accept = {"Accept": "application/sparql-results+json"}
    by_get = get(endpoint, SPEAKERS)
    by_form = requests.post(endpoint, data={"query": SPEAKERS}, headers=accept, timeout=30)
    by_body = requests.post(
        endpoint,
        data=SPEAKERS.encode("utf-8"),
        headers={**accept, "Content-Type": "application/sparql-query; charset=UTF-8"},
        timeout=30,
    )
    assert by_get.status_code == by_form.status_code == by_body.status_code == 200
    assert by_get.content == by_form.content == by_body.content


def test_dataset_from_the_protocol_or_the_query(endpoint: str, exported: list[dict]) -> None:
    name = claim_records(exported)[0]["doc"]
    expected = sum(r["doc"] == name for r in claim_records(exported))
    graph = str(doc_iri(name))

    def count(response: requests.Response) -> int:
        assert response.status_code == 200, response.text
        return int(response.json()["results"]["bindings"][0]["n"]["value"])

    assert count(get(endpoint, COUNT, **{"default-graph-uri": graph})) == expected
    from_clause = COUNT.replace("WHERE", f"FROM <{graph}> WHERE")
    assert count(get(endpoint, from_clause)) == expected
    named = "SELECT (COUNT(?c) AS ?n) WHERE { GRAPH ?g { ?c a cg:Claim } }"
    assert count(get(endpoint, named, **{"named-graph-uri": graph})) == expected
    assert count(get(endpoint, COUNT, **{"named-graph-uri": graph})) == 0  # the default graph is then empty
    assert get(endpoint, COUNT, **{"default-graph-uri": "not an iri"}).status_code == 400


def test_protocol_errors(endpoint: str) -> None:
    bad = get(endpoint, "SELECT ?x WHERE { ?x")
    assert bad.status_code == 400 and "not valid SPARQL" in bad.text and "(line:1, col:19)" in bad.text
    several = requests.get(endpoint, params=[("query", "ASK {}"), ("query", "ASK {}")], timeout=30)
    assert several.status_code == 400
    assert requests.get(endpoint, timeout=30).status_code == 400
    assert requests.put(endpoint, params={"query": "ASK {}"}, timeout=30).status_code == 405
    plain = requests.post(endpoint, data=b"ASK {}", headers={"Content-Type": "text/plain"}, timeout=30)
    assert plain.status_code == 415
    untyped = requests.post(endpoint, data=b"query=ASK%20%7B%7D", headers={"Content-Type": ""}, timeout=30)
    assert untyped.status_code == 415
    utf16 = requests.post(
        endpoint,
        data="ASK {}".encode("utf-16"),
        headers={"Content-Type": "application/sparql-query; charset=UTF-16"},
        timeout=30,
    )
    assert utf16.status_code == 415
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert requests.post(endpoint, data=b"query=%FF", headers=form, timeout=30).status_code == 400
    service = get(endpoint, "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }")
    assert service.status_code == 403


def test_updates_are_refused(endpoint: str) -> None:
    update = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }"
    form = requests.post(endpoint, data={"update": update}, timeout=30)
    assert form.status_code == 403 and "--allow-update" in form.text
    direct = requests.post(
        endpoint, data=update.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=30
    )
    assert direct.status_code == 403
    assert requests.get(endpoint, params={"update": update}, timeout=30).status_code == 400
    assert get(endpoint, "ASK { GRAPH <urn:x:g> { ?s ?p ?o } }").json()["boolean"] is False


def test_updates_with_allow_update_on_a_copy(seeds_store: Path, tmp_path: Path, endpoint: str) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(seeds_store, copy, symlinks=True)
    ask = "ASK { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }"
    with running(Settings(copy, port=0, timeout=TIMEOUT, allow_update=True)) as url:
        writable = f"{url}/sparql"
        update = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:s> <urn:x:p> 1 } }"
        done = requests.post(
            writable, data=update.encode(), headers={"Content-Type": "application/sparql-update"}, timeout=30
        )
        assert done.status_code == 204, done.text
        assert get(writable, ask).json()["boolean"] is True
        foreign = requests.post(
            writable, data={"update": "CLEAR ALL"}, headers={"Origin": "http://evil.example"}, timeout=30
        )
        assert foreign.status_code == 403
        assert get(writable, COUNT).json()["results"]["bindings"][0]["n"]["value"] != "0"
        bad = requests.post(writable, data={"update": "CLEAR XYZ"}, timeout=30)
        assert bad.status_code == 400
        with pytest.raises(ClaimgraphError, match="started with --allow-update"), StoreBuilder(copy):
            pass  # refused when it cannot say that it waits
        said: list[str] = []
        built: list[dict[str, str]] = []

        def build_when_free() -> None:
            with StoreBuilder(copy, on_wait=said.append) as builder:
                built.append(builder.previous_hashes())

        waiting = threading.Thread(target=build_when_free)
        waiting.start()
        time.sleep(1)
        assert said and "waiting for `claimgraph serve --allow-update`" in said[0] and not built
    waiting.join(60)
    assert len(built) == 1 and len(built[0]) == 5  # issue 13: the build waited for the server, then ran
    assert get(endpoint, ask).json()["boolean"] is False  # the seeds store itself is untouched


def test_cors(endpoint: str) -> None:
    origin = {"Origin": "http://localhost:3000"}
    simple = requests.get(endpoint, params={"query": "ASK {}"}, headers=origin, timeout=30)
    assert simple.status_code == 200
    assert simple.headers["access-control-allow-origin"] == "*"
    preflight = requests.options(
        endpoint,
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, accept",
        },
        timeout=30,
    )
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_a_slow_query_is_stopped_and_the_server_goes_on(endpoint: str, exported: list[dict]) -> None:
    started = time.monotonic()
    slow = get(endpoint, SLOW)
    elapsed = time.monotonic() - started
    assert slow.status_code == 503
    assert "ran longer than 1.5 s" in slow.text
    assert TIMEOUT <= elapsed < TIMEOUT + 5
    for _ in range(3):  # every worker, the replaced one included, answers again
        answer = get(endpoint, COUNT)
        assert answer.status_code == 200
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == len(claim_records(exported))


def test_too_many_rows(endpoint: str) -> None:
    response = get(endpoint, "SELECT * WHERE { ?s ?p ?o }")
    assert response.status_code == 413
    assert f"more than {MAX_ROWS} rows" in response.text and "LIMIT" in response.text
    assert get(endpoint, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}").status_code == 200
    graph = get(endpoint, "CONSTRUCT WHERE { ?s ?p ?o }", accept="text/turtle")
    assert graph.status_code == 413 and "triples" in graph.text


def test_page_is_offline_and_escapes_the_shipped_queries(base: str) -> None:
    page = requests.get(f"{base}/", timeout=30)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    text = page.text
    assert EVIL not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text
    assert "Every claim" in text and "Claims, and their speakers" in text
    assert "&lt;/textarea&gt;" in text
    assets = re.findall(r'(?:src|href)="([^"]*)"', text)
    assert assets and all(not re.match(r"^(?:[a-z]+:|//)", a) for a in assets)
    for asset in assets:
        body = requests.get(f"{base}/{asset}", timeout=30)
        assert body.status_code == 200
        assert not re.search(r"(?:https?:)?//[\w.-]+\.[a-z]{2,}/", body.text)
        assert "innerHTML" not in body.text


def test_shipped_queries_are_read_at_request_time(queries_dir: Path, tmp_path: Path) -> None:
    assert shipped_queries(tmp_path / "missing") == []
    assert "<li>" not in render_page([])
    found = shipped_queries(queries_dir)
    assert [q.name for q in found] == ["Every claim", f'Evil "name" {EVIL}']
    assert found[0].text.endswith(SPEAKERS + "\n")
