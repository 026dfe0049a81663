"""``claimgraph serve``: the store over the SPARQL 1.1 Protocol at ``/sparql``, and a query page at ``/``.

HTTP is Starlette served by uvicorn; content negotiation uses python-mimeparse (q-values, wildcards);
every answer is written by pyoxigraph's own serializers. What the server does, and answers:

- ``GET /sparql?query=…``, ``POST`` ``application/x-www-form-urlencoded`` (``query=…``) or ``POST``
  ``application/sparql-query`` (the query as the body, UTF-8). ``default-graph-uri`` and
  ``named-graph-uri`` choose the dataset; without them (and without ``FROM`` in the query) the default
  graph is the union of all graphs, as in ``claimgraph query``, and the ontology's prefixes are
  predeclared.
- The format follows the ``Accept`` header (q-values; ``*/*`` gives SPARQL JSON for SELECT/ASK and
  Turtle for CONSTRUCT/DESCRIBE), or a ``format=`` parameter (``json``, ``xml``, ``csv``, ``tsv``,
  ``turtle``, ``ntriples``, ``rdfxml``, ``jsonld`` or a media type), which wins over the header.
- Errors are plain text saying what to change: 400 malformed query or request (several ``query``,
  no query, an update by GET, a bad graph IRI, an unknown ``format``); 403 an update without
  ``--allow-update``, a cross-site update, or a query that would fetch other URLs (``SERVICE``,
  ``LOAD``); 405 a method other than GET/POST; 406 no acceptable format; 413 an answer of more than
  ``--max-rows`` rows (or triples), or a request body over 16 MiB; 415 a POST whose media type or
  charset is not one of the above; 503 a query stopped at ``--timeout``, or every worker busy that long.

Why worker processes: a pyoxigraph query runs in native code and cannot be interrupted from another
thread, and checking a deadline between rows does not stop a query that computes for minutes before
its first row (an ORDER BY or a COUNT over a cross join). So each query is evaluated *and serialized*
in one of a few worker processes, each with its own read-only handle on the store; the server waits
for the answer up to the timeout, and past it kills that worker (SIGKILL: nothing to clean up in a
read-only store, and an update is a transaction that is then never committed) and starts a new one.

The row limit is counted while pyoxigraph writes the answer, never after: solutions are serialized
as TSV (one line per row) into a buffer that stops the writer as soon as there is one row too many,
so memory stays bounded; the TSV is then parsed back and written in the requested format (lossless:
TSV keeps every RDF term). An answer over the limit is refused with 413, not truncated, because a
truncated answer looks complete to a program: add ``LIMIT`` or raise ``--max-rows``.
"""

from __future__ import annotations

import asyncio
import contextlib
import html
import io
import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from importlib.resources import files
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import mimeparse
import pyoxigraph as ox
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from extract.errors import ClaimgraphError
from graph.queries import header_fields
from graph.query import keywords
from graph.store import CURRENT, OpenedStore, open_store, take_write_lock
from graph.vocab import prefixes

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
DEFAULT_TIMEOUT = 10.0
DEFAULT_MAX_ROWS = 100_000
DEFAULT_WORKERS = 2
MAX_BODY = 16 * 1024 * 1024
STARTUP_TIMEOUT = 60.0
"""Seconds a new worker may take to import and open the store."""

STATIC = Path(__file__).with_name("static")

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"

# name → (pyoxigraph format, media types it answers; the first is the one sent). Order is preference.
SOLUTION_FORMATS: dict[str, tuple[ox.QueryResultsFormat, tuple[str, ...]]] = {
    "json": (ox.QueryResultsFormat.JSON, ("application/sparql-results+json", "application/json")),
    "xml": (ox.QueryResultsFormat.XML, ("application/sparql-results+xml", "application/xml", "text/xml")),
    "csv": (ox.QueryResultsFormat.CSV, ("text/csv",)),
    "tsv": (ox.QueryResultsFormat.TSV, ("text/tab-separated-values",)),
}
BOOLEAN_FORMATS = ("json", "xml")  # CSV and TSV define no boolean answer
GRAPH_FORMATS: dict[str, tuple[ox.RdfFormat, tuple[str, ...]]] = {
    "turtle": (ox.RdfFormat.TURTLE, ("text/turtle", "application/x-turtle")),
    "ntriples": (ox.RdfFormat.N_TRIPLES, ("application/n-triples",)),
    "rdfxml": (ox.RdfFormat.RDF_XML, ("application/rdf+xml", "application/xml", "text/xml")),
    "jsonld": (ox.RdfFormat.JSON_LD, ("application/ld+json", "application/json")),
}
# format= names that mean one thing for solutions and another for graphs (as Virtuoso and SPARQLWrapper do)
_FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"),
    "jsonld": (None, "jsonld"),
}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class ProtocolError(Exception):
    """A request the endpoint refuses: an HTTP status and a message that says what to change."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- content negotiation ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Formats:
    """The format to write for each kind of answer; ``None`` where the client accepts none (406)."""

    solutions: str | None = "json"
    boolean: str | None = "json"
    graph: str | None = "turtle"


def negotiate(accept: str | None, fmt: str | None = None) -> Formats:
    """Choose the answer formats from a ``format=`` parameter, else from the ``Accept`` header.

    >>> negotiate("*/*")
    Formats(solutions='json', boolean='json', graph='turtle')
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    Formats(solutions='xml', boolean='xml', graph=None)
    >>> negotiate("text/turtle")
    Formats(solutions=None, boolean=None, graph='turtle')
    >>> negotiate("text/turtle", "xml")
    Formats(solutions='xml', boolean='xml', graph='rdfxml')
    """
    if fmt:
        return _from_format_param(fmt)
    header = accept.strip() if accept else ""
    header = header or "*/*"
    try:
        solutions = _best(header, {k: v[1] for k, v in SOLUTION_FORMATS.items()})
        boolean = _best(header, {k: SOLUTION_FORMATS[k][1] for k in BOOLEAN_FORMATS})
        graph = _best(header, {k: v[1] for k, v in GRAPH_FORMATS.items()})
    except (mimeparse.MimeTypeParseException, ValueError) as e:
        raise ProtocolError(400, f"cannot read the Accept header {header!r}: {e}") from e
    return Formats(solutions, boolean, graph)


def _best(header: str, offered: dict[str, tuple[str, ...]]) -> str | None:
    by_type = {media: name for name, medias in offered.items() for media in medias}
    # mimeparse breaks ties in favour of the last type offered, so offer the preferred ones last
    match = mimeparse.best_match(list(reversed(by_type)), header)
    return by_type.get(match) if match else None


def _from_format_param(fmt: str) -> Formats:
    value = fmt.strip().lower()
    if value in _FORMAT_NAMES:
        solutions, graph = _FORMAT_NAMES[value]
    else:
        media = value.split(";")[0].strip()
        solutions = next((k for k, v in SOLUTION_FORMATS.items() if media in v[1]), None)
        graph = next((k for k, v in GRAPH_FORMATS.items() if media in v[1]), None)
        if solutions is None and graph is None:
            raise ProtocolError(
                400, f"unknown format {fmt!r}: use one of {', '.join(_FORMAT_NAMES)} or a media type"
            )
    return Formats(solutions, solutions if solutions in BOOLEAN_FORMATS else None, graph)


# --- what a query asks for, read from its tokens ----------------------------------------------------

# --- evaluation, in a worker process ----------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One query or update, as a worker evaluates it (picklable: it crosses a pipe)."""

    text: str
    update: bool = False
    base_iri: str | None = None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: Formats = field(default_factory=Formats)
    max_rows: int = DEFAULT_MAX_ROWS


@dataclass(frozen=True)
class Reply:
    """What a worker answers: an HTTP status, a media type and the body."""

    status: int
    body: bytes
    media_type: str = "text/plain; charset=utf-8"

    @classmethod
    def error(cls, status: int, message: str) -> Reply:
        return cls(status, (message + "\n").encode("utf-8"))


class _TooManyRows(Exception):
    pass


class _RowLimitedBuffer(io.BytesIO):
    """A TSV sink that raises once it has received more than ``max_rows`` rows after the header."""

    def __init__(self, max_rows: int) -> None:
        super().__init__()
        self.lines_left = max_rows + 1  # the header line
        self.exceeded = False

    def write(self, data: Any) -> int:
        chunk = bytes(data)
        self.lines_left -= chunk.count(b"\n")
        if self.lines_left < 0:
            self.exceeded = True
            raise _TooManyRows
        return super().write(chunk)


def _too_many(kind: str, max_rows: int) -> Reply:
    return Reply.error(
        413,
        f"the answer has more than {max_rows} {kind}: add LIMIT to the query, or start the server "
        "with a larger --max-rows",
    )


def evaluate(store: ox.Store, job: Job) -> Reply:
    """Run one query or update and write its answer; every failure becomes an error reply.

    >>> store = ox.Store()
    >>> reply = evaluate(store, Job("SELECT (1 AS ?one) {}", formats=Formats(solutions="csv")))
    >>> reply.status, reply.media_type, reply.body
    (200, 'text/csv; charset=utf-8', b'one\\r\\n1\\r\\n')
    >>> evaluate(store, Job("SELECT ?s { VALUES ?s { 1 2 3 } }", max_rows=2)).status
    413
    >>> evaluate(store, Job("SELEC ?s")).status
    400
    """
    try:
        if job.update:
            store.update(job.text, base_iri=job.base_iri, prefixes=prefixes())
            return Reply(204, b"")
        answer = store.query(job.text, base_iri=job.base_iri, prefixes=prefixes(), **_dataset(job))
    except SyntaxError as e:
        what = "update" if job.update else "query"
        return Reply.error(400, f"the {what} is not valid SPARQL: {e}")
    except (OSError, ValueError, RuntimeError) as e:
        return Reply.error(
            500, f"the store could not evaluate the {'update' if job.update else 'query'}: {e}"
        )
    try:
        if isinstance(answer, ox.QueryBoolean):
            return _write_boolean(answer, job.formats.boolean)
        if isinstance(answer, ox.QueryTriples):
            return _write_graph(answer, job.formats.graph, job.max_rows)
        return _write_solutions(answer, job.formats.solutions, job.max_rows)
    except (OSError, ValueError, RuntimeError) as e:
        return Reply.error(500, f"the store could not evaluate the query: {e}")


def _dataset(job: Job) -> dict[str, Any]:
    """pyoxigraph's dataset arguments: the protocol's graphs, the query's FROM, else the union."""
    if job.default_graphs or job.named_graphs:
        return {
            "default_graph": [ox.NamedNode(g) for g in job.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in job.named_graphs] if job.named_graphs else None,
        }
    if "FROM" in keywords(job.text):
        return {}
    return {"use_default_graph_as_union": True}


def _not_acceptable(kind: str, offered: list[str]) -> Reply:
    medias = ", ".join(m for name in offered for m in _media_types(name)[:1])
    return Reply.error(406, f"no acceptable format for {kind}: send Accept with one of {medias}")


def _media_types(name: str) -> tuple[str, ...]:
    return SOLUTION_FORMATS[name][1] if name in SOLUTION_FORMATS else GRAPH_FORMATS[name][1]


def _write_boolean(answer: ox.QueryBoolean, name: str | None) -> Reply:
    if name is None:
        return _not_acceptable("an ASK answer", list(BOOLEAN_FORMATS))
    fmt = SOLUTION_FORMATS[name][0]
    return Reply(200, answer.serialize(format=fmt), fmt.media_type)


def _write_graph(answer: ox.QueryTriples, name: str | None, max_rows: int) -> Reply:
    if name is None:
        return _not_acceptable("a CONSTRUCT or DESCRIBE answer", list(GRAPH_FORMATS))
    triples = list(itertools.islice(answer, max_rows + 1))
    if len(triples) > max_rows:
        return _too_many("triples", max_rows)
    fmt = GRAPH_FORMATS[name][0]
    extra = {"prefixes": prefixes()} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
    return Reply(200, ox.serialize(triples, format=fmt, **extra), _with_charset(fmt.media_type))


def _write_solutions(answer: ox.QuerySolutions, name: str | None, max_rows: int) -> Reply:
    if name is None:
        return _not_acceptable("a SELECT answer", list(SOLUTION_FORMATS))
    sink = _RowLimitedBuffer(max_rows)
    try:
        answer.serialize(sink, ox.QueryResultsFormat.TSV)
    except Exception:
        if sink.exceeded:
            return _too_many("rows", max_rows)
        raise
    fmt = SOLUTION_FORMATS[name][0]
    tsv = sink.getvalue()
    body = tsv if fmt is ox.QueryResultsFormat.TSV else _convert(tsv, fmt)
    return Reply(200, body, _with_charset(fmt.media_type))


def _convert(tsv: bytes, fmt: ox.QueryResultsFormat) -> bytes:
    parsed = ox.parse_query_results(tsv, format=ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return parsed.serialize(format=fmt)


def _with_charset(media_type: str) -> str:
    return (
        media_type
        if "charset" in media_type or not media_type.startswith("text/")
        else f"{media_type}; charset=utf-8"
    )


class _OpenedStore:
    """The worker's store handle; a read-only one follows a new build by reopening ``current``."""

    def __init__(self, path: Path, writable: bool) -> None:
        self.path = path
        self.writable = writable
        self.target: Path | None = None
        self.store: OpenedStore | None = None
        self.get()

    def get(self) -> OpenedStore:
        target = (self.path / CURRENT).resolve()
        if self.store is None or (not self.writable and target != self.target):
            if self.store is not None:
                self.store.close()  # lets the next build remove the old store
            self.store = open_store(self.path, read_only=not self.writable)
            self.target = self.store.folder
        return self.store


def _worker_main(conn: Connection, store_path: str, writable: bool) -> None:
    """A worker process: open the store, say so, then answer jobs until the connection closes."""
    try:
        opened = _OpenedStore(Path(store_path), writable)
        prefixes()
    except ClaimgraphError as e:
        conn.send(str(e))
        return
    conn.send(None)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = evaluate(opened.get(), job)
        except Exception as e:  # a worker answers every job; an error here is a bug or a lost store
            reply = Reply.error(
                500, f"{type(e).__name__}: {e}" if not isinstance(e, ClaimgraphError) else str(e)
            )
        conn.send(reply)


def _worker_entry() -> None:
    """``python -c`` entry of a worker: ``argv`` is the socket's descriptor, the store, and 0/1 writable."""
    fd, store_path, writable = sys.argv[1:4]
    _worker_main(Connection(int(fd)), store_path, writable == "1")


# --- the pool of workers, in the server process ----------------------------------------------------


class QueryTimeout(Exception):
    pass


class _Worker:
    """One worker process, started with ``subprocess`` (no fork: the server process has threads).

    Not ``multiprocessing``: its spawn re-imports the ``__main__`` module in every worker, which for the
    ``claimgraph`` script means the whole CLI and spaCy. The worker runs ``graph.server`` only, with
    the server's ``sys.path``, in its own session (Ctrl-C stops the server, which stops the workers),
    and talks over a socket pair with ``multiprocessing.connection`` (pickled jobs and replies).
    """

    def __init__(self, store: Path, writable: bool) -> None:
        self._store = store
        self._writable = writable
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        code = (
            "import sys, json; sys.path[:] = json.loads(sys.argv.pop(1)); "
            "from graph.server import _worker_entry; _worker_entry()"
        )
        argv = [json.dumps(sys.path), str(theirs.fileno()), str(self._store), "1" if self._writable else "0"]
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, *argv],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.conn = Connection(ours.detach())
        self.ready = False

    def wait_ready(self) -> None:
        if self.ready:
            return
        if not self.conn.poll(STARTUP_TIMEOUT):
            self.stop()
            raise ClaimgraphError(f"a query worker did not start within {STARTUP_TIMEOUT:.0f} s")
        try:
            message = self.conn.recv()
        except EOFError:
            message = f"a query worker exited at start (exit code {self.process.poll()})"
        if message is not None:
            self.stop()
            raise ClaimgraphError(message)
        self.ready = True

    def call(self, job: Job, timeout: float) -> Reply:
        """Evaluate ``job``; past ``timeout`` seconds, kill this worker, start another, raise QueryTimeout."""
        try:
            self.wait_ready()
        except ClaimgraphError as e:
            self._start()
            return Reply.error(500, str(e))
        try:
            self.conn.send(job)
        except OSError:  # the worker died while idle (killed from outside): replace it, send again
            self.restart()
            return self.call(job, timeout)
        if not self.conn.poll(timeout):
            self.restart()
            raise QueryTimeout
        try:
            return self.conn.recv()
        except (EOFError, OSError):
            code = self.process.poll()
            self.restart()
            return Reply.error(500, f"the query's worker process died (exit code {code}); it was restarted")

    def restart(self) -> None:
        self.stop(kill=True)
        self._start()

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        self.conn.close()  # a waiting worker reads EOF and exits
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QueryPool:
    """Worker processes that evaluate queries, each killed and replaced when it runs past the timeout.

    Read-only by default, each worker with its own handle on the store. Writable (``--allow-update``)
    means one worker, the only process that opens the store, holding the build lock so that no build
    replaces the store under it.
    """

    def __init__(self, store: Path, *, workers: int, timeout: float, writable: bool = False) -> None:
        self.store = store
        self.size = 1 if writable else workers
        self.timeout = timeout
        self.writable = writable
        self._workers: list[_Worker] = []
        self._idle: asyncio.Queue[_Worker] | None = None
        self._lock: int | None = None

    def __enter__(self) -> QueryPool:
        if self.writable:
            self._take_build_lock()
        try:
            self._workers = [_Worker(self.store, self.writable) for _ in range(self.size)]
            for worker in self._workers:
                worker.wait_ready()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        for worker in self._workers:
            worker.stop()
        self._workers = []
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def _take_build_lock(self) -> None:
        if not (self.store / CURRENT).is_dir():
            raise ClaimgraphError(f"no store at {self.store}: run `claimgraph build DOCS` first")
        self._lock = take_write_lock(self.store, "serve")

    async def run(self, job: Job) -> Reply:
        if self._idle is None:  # created here, inside the server's event loop
            self._idle = asyncio.Queue()
            for worker in self._workers:
                self._idle.put_nowait(worker)
        try:
            worker = await asyncio.wait_for(self._idle.get(), self.timeout)
        except TimeoutError:
            raise ProtocolError(
                503, f"all {self.size} query workers stayed busy for {self.timeout:g} s: try again later"
            ) from None
        try:
            return await run_in_threadpool(worker.call, job, self.timeout)
        except QueryTimeout:
            what = "update" if job.update else "query"
            raise ProtocolError(
                503,
                f"the {what} ran longer than {self.timeout:g} s and was stopped: make it more selective "
                "or add LIMIT, or start the server with a larger --timeout",
            ) from None
        finally:
            self._idle.put_nowait(worker)


# --- HTTP ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    """How ``claimgraph serve`` runs; ``queries`` is the folder of shipped ``.rq`` files to list."""

    store: Path
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    timeout: float = DEFAULT_TIMEOUT
    max_rows: int = DEFAULT_MAX_ROWS
    workers: int = DEFAULT_WORKERS
    allow_update: bool = False
    queries: Path | None = None


@dataclass(frozen=True)
class ShippedQuery:
    name: str
    description: str
    text: str
    params: str = ""


def shipped_queries(folder: Path | None = None) -> list[ShippedQuery]:
    """The ``*.rq`` files of ``folder`` (default: the package's ``graph/queries``), read now.

    Their leading ``# name:`` and ``# description:`` comments name and describe them; a missing folder
    lists nothing.

    >>> shipped_queries(Path("/nonexistent"))
    []
    """
    root = Path(str(files("graph") / "queries")) if folder is None else folder
    if not root.is_dir():
        return []
    found = []
    for path in sorted(root.glob("*.rq")):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        header = header_fields(text)
        name = header.get("name") or path.stem
        found.append(ShippedQuery(name, header.get("description", ""), text, header.get("params", "")))
    return found


def render_page(queries: list[ShippedQuery]) -> str:
    """The query page: the static template with the shipped queries, every value HTML-escaped."""
    items = "\n".join(
        f'<li><button type="button" class="load" data-query="{html.escape(q.text)}">'
        f"{html.escape(q.name)}</button> <span>{html.escape(q.description)}</span>"
        + (f' <span class="params">Parameters: {html.escape(q.params)}</span>' if q.params else "")
        + "</li>"
        for q in queries
    )
    template = (STATIC / "index.html").read_text(encoding="utf-8")
    page = template.replace("{prefixes}", html.escape(json.dumps(prefixes(), ensure_ascii=False)))
    return page.replace("<!-- queries -->", items)


def create_app(pool: QueryPool, settings: Settings) -> Starlette:
    """The ASGI application: ``/`` (page), ``/static`` (its script and style), ``/sparql`` (protocol)."""

    async def page(request: Request) -> Response:
        body = await run_in_threadpool(lambda: render_page(shipped_queries(settings.queries)))
        return HTMLResponse(
            body,
            headers={
                "Content-Security-Policy": CSP,
                "X-Content-Type-Options": "nosniff",
                "Cache-Control": "no-store",
            },
        )

    async def sparql(request: Request) -> Response:
        try:
            job = await _read_job(request, settings)
            reply = await pool.run(job)
        except ProtocolError as e:
            reply = Reply.error(e.status, e.message)
        headers = {"Vary": "Accept", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    return Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
        ],
        middleware=[
            Middleware(
                CORSMiddleware,
                allow_origins=["*"],
                allow_methods=["GET", "POST"],
                allow_headers=["*"],
                max_age=600,
            )
        ],
    )


async def _read_job(request: Request, settings: Settings) -> Job:
    """The protocol's request, checked: one query or one update, its dataset and the answer formats."""
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        params += await _read_post(request)
    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    if len(queries) + len(updates) == 0:
        raise ProtocolError(400, "no query: send ?query=… (or open / for the query page)")
    if len(queries) + len(updates) > 1:
        raise ProtocolError(400, "send exactly one query or one update per request")
    formats = negotiate(request.headers.get("accept"), next((v for k, v in params if k == "format"), None))
    base_iri = str(request.url.replace(query="", fragment=""))
    if updates:
        _check_update(request, params, settings)
        return Job(updates[0], update=True, base_iri=base_iri)
    text = queries[0]
    if "SERVICE" in keywords(text):
        raise ProtocolError(
            403, "SERVICE (federated query) is disabled: this endpoint does not fetch other URLs"
        )
    return Job(
        text,
        base_iri=base_iri,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        formats=formats,
        max_rows=settings.max_rows,
    )


async def _read_post(request: Request) -> list[tuple[str, str]]:
    content_type = request.headers.get("content-type")
    if not content_type:
        raise ProtocolError(415, f"a POST needs Content-Type: {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}")
    try:
        main, sub, options = mimeparse.parse_mime_type(content_type)
    except (mimeparse.MimeTypeParseException, ValueError) as e:
        raise ProtocolError(415, f"cannot read Content-Type {content_type!r}: {e}") from e
    media = f"{main}/{sub}".lower()
    if media not in (FORM, QUERY_TYPE, UPDATE_TYPE):
        raise ProtocolError(
            415, f"unsupported Content-Type {media}: use {FORM}, {QUERY_TYPE} or {UPDATE_TYPE}"
        )
    charset = options.get("charset", "utf-8").strip('"').lower()
    if charset not in ("utf-8", "utf8"):
        raise ProtocolError(415, f"the body must be UTF-8, not {charset}")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY:
            raise ProtocolError(413, f"the request body is larger than {MAX_BODY // 1024 // 1024} MiB")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ProtocolError(400, f"the body is not valid UTF-8: {e}") from e
    if media == FORM:
        try:
            return parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except UnicodeDecodeError as e:
            raise ProtocolError(400, f"the form is not percent-encoded UTF-8: {e}") from e
    return [("query" if media == QUERY_TYPE else "update", text)]


def _graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...]:
    iris = tuple(v for k, v in params if k == name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise ProtocolError(400, f"{name} {iri!r} is not an absolute IRI: {e}") from e
    return iris


def _check_update(request: Request, params: list[tuple[str, str]], settings: Settings) -> None:
    if request.method != "POST":
        raise ProtocolError(400, f"an update must be sent by POST ({FORM} or {UPDATE_TYPE}), not GET")
    if not settings.allow_update:
        raise ProtocolError(403, "this endpoint is read-only: start it with --allow-update to accept updates")
    if any(k in ("using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ProtocolError(400, "using-graph-uri and using-named-graph-uri are not supported: write USING")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).hostname not in _own_hosts(settings):
        raise ProtocolError(403, f"updates from another site ({origin}) are refused")
    if keywords(next(v for k, v in params if k == "update")) & {"LOAD", "SERVICE"}:
        raise ProtocolError(403, "LOAD and SERVICE are disabled: this endpoint does not fetch other URLs")


def _own_hosts(settings: Settings) -> set[str]:
    return {"127.0.0.1", "localhost", "::1", settings.host.strip("[]")}


# --- running ---------------------------------------------------------------------------------------


def _listen(settings: Settings) -> socket.socket:
    """The listening socket, bound before anything starts, so that a busy port is a clear error."""
    host = settings.host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, settings.port), family=family)
    except OSError as e:
        reason = os.strerror(e.errno) if e.errno else str(e)
        raise ClaimgraphError(
            f"cannot listen on {settings.host}:{settings.port}: {reason}; choose another --port"
        ) from e


def _url(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://{f'[{host}]' if ':' in host else host}:{port}"


def _server(pool: QueryPool, settings: Settings, **options: Any) -> Any:
    import uvicorn

    app = create_app(pool, settings)
    return uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port, **options))


def serve(settings: Settings, *, on_start: Callable[[str], None] | None = None) -> None:
    """Serve until interrupted (Ctrl-C); the workers stop with the server. ``on_start`` gets the URL."""
    with _listen(settings) as sock:
        workers = settings.workers
        with QueryPool(
            settings.store, workers=workers, timeout=settings.timeout, writable=settings.allow_update
        ) as pool:
            if on_start is not None:
                on_start(_url(sock))
            _server(pool, settings).run(sockets=[sock])


@contextlib.contextmanager
def running(settings: Settings) -> Iterator[str]:
    """Serve in a background thread while the block runs, and yield the base URL (port 0: a free one)."""
    with _listen(settings) as sock:
        workers = settings.workers
        with QueryPool(
            settings.store, workers=workers, timeout=settings.timeout, writable=settings.allow_update
        ) as pool:
            server = _server(pool, settings, log_level="warning")
            thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
            thread.start()
            deadline = time.monotonic() + STARTUP_TIMEOUT
            while not server.started:
                if not thread.is_alive() or time.monotonic() > deadline:
                    raise ClaimgraphError(f"the server did not start on {_url(sock)}")
                time.sleep(0.02)
            try:
                yield _url(sock)
            finally:
                server.should_exit = True
                thread.join()
