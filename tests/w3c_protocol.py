"""The W3C SPARQL 1.1 Protocol tests (``tests/data/w3c_protocol/cases.json``), run against an endpoint.

Used by ``tests/test_w3c_protocol.py`` (claimgraph, read-only and ``--allow-update``) and by
``benchmarks/protocol_suite.py`` (the same cases against Oxigraph's server as well). Each request is
sent as the manifest writes it (method, headers, body; the path after ``/sparql/``); an endpoint may
take updates at another URL (Oxigraph: ``/update``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import rdflib
import requests

DATA = Path(__file__).resolve().parent / "data" / "w3c_protocol"
CASES: list[dict] = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
TABULAR = (
    "application/sparql-results+json",
    "application/sparql-results+xml",
    "text/csv",
    "text/tab-separated-values",
)
RDF = {
    "application/rdf+xml": "xml",
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/ld+json": "json-ld",
}


@dataclass(frozen=True)
class Endpoint:
    query: str
    update: str


def is_update(request: dict) -> bool:
    """A request that carries an update (by its media type, or an ``update=`` parameter)."""
    if request["headers"].get("content-type", "").startswith("application/sparql-update"):
        return True
    params = parse_qsl(urlsplit(request["path"]).query) + parse_qsl(request["body"] or "")
    return any(k == "update" for k, _ in params)


def expects_success(request: dict) -> bool:
    return "2xx" in request["status"]


def load_data(endpoint: Endpoint, case: dict) -> None:
    """Put the case's graphs in the store, through the endpoint (it must accept updates)."""
    for data in case["data"]:
        triples = (DATA / data["file"]).read_text(encoding="utf-8")
        update = (
            f"DROP SILENT GRAPH <{data['graph']}> ; INSERT DATA {{ GRAPH <{data['graph']}> {{ {triples} }} }}"
        )
        response = requests.post(
            endpoint.update,
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update"},
            timeout=60,
        )
        response.raise_for_status()


def run_case(endpoint: Endpoint, case: dict, *, read_only: bool = False) -> str | None:
    """Send the case's requests in order; ``None`` if every answer is as expected, else what was not.

    ``read_only``: an update that should succeed must be refused instead (4xx), and the case ends there.
    """
    for number, request in enumerate(case["requests"], 1):
        update = is_update(request)
        url = (endpoint.update if update else endpoint.query) + request["path"].removeprefix("/sparql/")
        response = requests.request(
            request["method"], url, headers=request["headers"], data=_body(request), timeout=60
        )
        where = f"request {number} ({request['method']} {request['path'][:60]})"
        if read_only and update and expects_success(request):
            if response.status_code // 100 != 4:
                return f"{where}: an update on a read-only endpoint answered {response.status_code}"
            return None
        if f"{response.status_code // 100}xx" not in request["status"]:
            return (
                f"{where}: status {response.status_code}, expected {request['status']}: {response.text[:200]}"
            )
        problem = _check_body(response, request)
        if problem:
            return f"{where}: {problem}"
    return None


def _body(request: dict) -> bytes | None:
    if request["body"] is None:
        return None
    match = re.search(r"charset=([\w-]+)", request["headers"].get("content-type", ""), re.IGNORECASE)
    return request["body"].encode(match.group(1) if match else "utf-8")


def _check_body(response: requests.Response, request: dict) -> str | None:
    media = response.headers.get("content-type", "").split(";")[0].strip()
    fmt = request["format"]
    if fmt == "boolean":
        if media == "application/sparql-results+json":
            value = response.json().get("boolean")
        elif media == "application/sparql-results+xml":
            found = re.search(rb"<boolean>\s*(true|false)\s*</boolean>", response.content)
            value = found is not None and found.group(1) == b"true" if found else None
        else:
            return f"a boolean answer as {media!r}"
        if value is None:
            return "no boolean in the answer"
        if request["boolean"] is not None and value != request["boolean"]:
            return f"the answer is {value}, expected {request['boolean']}"
    elif fmt == "tabular":
        if media not in TABULAR:
            return f"a SELECT answer as {media!r}"
    elif fmt == "RDF":
        if media not in RDF:
            return f"a graph answer as {media!r}"
        try:
            rdflib.Graph().parse(data=response.content, format=RDF[media])
        except Exception as e:
            return f"the {media} answer does not parse: {e}"
    return None
