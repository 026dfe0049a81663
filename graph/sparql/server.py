"""``claimgraph serve``: the store over the SPARQL 1.1 Protocol at ``/sparql``, and a query page at ``/``.

HTTP is Starlette served by uvicorn; content negotiation uses python-mimeparse (q-values, wildcards);
every answer is written by pyoxigraph's own serializers. What the server does, and answers:

- ``GET /sparql?query=…``, ``POST`` ``application/x-www-form-urlencoded`` (``query=…``) or ``POST``
  ``application/sparql-query`` (the query as the body, UTF-8). ``default-graph-uri`` and
  ``named-graph-uri`` choose the dataset (either alone leaves the other empty, as the protocol says);
  without them (and without ``FROM`` in the query) the default graph is the union of all graphs, as in
  ``claimgraph query``, and the ontology's prefixes are predeclared. With ``--allow-update``, updates
  by POST, with ``using-graph-uri`` and ``using-named-graph-uri``.
- The format follows the ``Accept`` header (q-values; ``*/*`` gives SPARQL JSON for SELECT/ASK and
  Turtle for CONSTRUCT/DESCRIBE), or a ``format=``, ``output=`` or ``results=`` parameter as
  SPARQLWrapper, Virtuoso and Fuseki clients send it (``json``, ``xml``, ``csv``, ``tsv``, ``turtle``,
  ``n3``, ``ntriples``, ``rdf+xml``, ``json-ld``… or a media type), which wins over the header when it
  names a format for the kind of answer; one it does not know is ignored. The answer's
  ``Content-Type`` is the media type that was asked for.
- Errors are plain text saying what to change: 400 malformed query or request (several ``query``,
  no query, an update by GET, a bad graph IRI, a query string that is not UTF-8, an unknown function,
  brackets nested deeper than 64); 403 an update without ``--allow-update``, a cross-site update, or a
  query that would fetch other URLs (``SERVICE``, ``LOAD``, found in the parsed query by
  ``graph.sparql.guard``); 405 a method other than GET/POST; 406 no acceptable format; 413 an answer of more
  than ``--max-rows`` rows (or triples), a query that needed more than ``--max-memory``, or a request
  body over 16 MiB; 414 and 431 a URL or request head over 64 KiB; 415 a POST whose media type or
  charset is not one of the above; 503 a query stopped at ``--timeout``, or every worker busy that long.

Why worker processes: a pyoxigraph query runs in native code and cannot be interrupted from another
thread, and checking a deadline between rows does not stop a query that computes for minutes before
its first row (an ORDER BY or a COUNT over a cross join). So each query is checked, evaluated *and
serialized* in one of a few worker processes, each with its own read-only handle on the store; the
server waits for the answer up to the timeout, and past it kills that worker (SIGKILL: nothing to
clean up in a read-only store, and an update is a transaction that is then never committed) and
starts a new one. The same happens when the client disconnects: its query stops with it.

A worker is confined (``graph.sparql.sandbox``): it cannot open a network socket, and its memory is capped
at ``--max-memory`` (past it, the query is answered with 413, like a too large answer: the query, not
the moment, is at fault, and sending it again will not help). A worker whose memory stays high after a
query is replaced.

Slow queries do not hold every worker: a query that has used half a second of CPU (or run two
seconds) takes one of the long-query slots, half the ``--workers``, and runs at a lower CPU priority,
so that short queries keep their share of the cores. When every slot is taken, a query that becomes
long is stopped and waits for one. A query found long by its CPU time is remembered (its text and
dataset), and next time it waits for a slot at once. Short queries therefore always have the other
half of the workers.

The row limit is counted while pyoxigraph writes the answer, never after: solutions are serialized
as TSV (one line per row) into a buffer that stops the writer as soon as there is one row too many,
so memory stays bounded; the TSV is then parsed back and written in the requested format (lossless:
TSV keeps every RDF term). An answer over the limit is refused with 413, not truncated, because a
truncated answer looks complete to a program: add ``LIMIT`` or raise ``--max-rows``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import html
import io
import ipaddress
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from importlib.resources import files
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import h11
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
from starlette.types import Scope
from uvicorn.protocols.http.h11_impl import H11Protocol

from extract.errors import ClaimgraphError
from graph.sparql import guard, sandbox
from graph.sparql.defaults import (
    DEFAULT_HOST,
    DEFAULT_MAX_MEMORY,
    DEFAULT_MAX_ROWS,
    DEFAULT_PORT,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
)
from graph.sparql.queries import header_fields
from graph.store.store import CURRENT, OpenedStore, open_store, take_write_lock
from graph.store.vocab import prefixes

FAST_TIME = 0.5
"""CPU seconds after which a query counts as long and needs one of the long-query slots. CPU time, not
time on the clock: when 20 clients share two cores, a short query can wait on the clock that long."""
LONG_CLOCK = 4
"""A query that has run ``LONG_CLOCK`` × ``FAST_TIME`` on the clock is long all the same (it may be
waiting for the disk), but it is not remembered as long."""
LONG_NICE = 10
"""The CPU niceness of a worker running a long query: short queries keep most of the cores."""
RECYCLE_FRACTION = 4
"""A worker whose resident memory stays above ``--max-memory`` / 4 after a query is replaced."""
REMEMBERED = 512
"""Query texts remembered as long, so that they wait for a long-query slot at once."""
MAX_BODY = 16 * 1024 * 1024
MAX_HEAD = 64 * 1024
"""Bytes of URL, and of headers; past them, 414 (a long URL: POST the query) or 431."""
STARTUP_TIMEOUT = 60.0
"""Seconds a new worker may take to import and open the store."""
CLIENT_GONE = 499
"""The status logged for a request whose client disconnected before its answer (nginx's usage)."""

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
    # Turtle is N3 without N3's extensions: an N3 client reads it (SPARQLWrapper's N3 asks for text/n3)
    "turtle": (
        ox.RdfFormat.TURTLE,
        (
            "text/turtle",
            "application/x-turtle",
            "application/turtle",
            "text/n3",
            "text/rdf+n3",
            "application/n3",
        ),
    ),
    "ntriples": (ox.RdfFormat.N_TRIPLES, ("application/n-triples",)),
    "rdfxml": (ox.RdfFormat.RDF_XML, ("application/rdf+xml", "application/xml", "text/xml")),
    "jsonld": (ox.RdfFormat.JSON_LD, ("application/ld+json", "application/x-json+ld", "application/json")),
}
FORMAT_PARAMS = ("format", "output", "results")
"""Where clients name a format: Virtuoso and SPARQLWrapper ``format``, Fuseki ``output``, others
``results``."""
# format names that mean one thing for solutions and another for graphs (as Virtuoso and SPARQLWrapper do)
_FORMAT_NAMES = {
    "json": ("json", "jsonld"),
    "xml": ("xml", "rdfxml"),
    "csv": ("csv", None),
    "tsv": ("tsv", None),
    "turtle": (None, "turtle"),
    "ttl": (None, "turtle"),
    "n3": (None, "turtle"),
    "ntriples": (None, "ntriples"),
    "n-triples": (None, "ntriples"),
    "nt": (None, "ntriples"),
    "rdfxml": (None, "rdfxml"),
    "rdf+xml": (None, "rdfxml"),
    "rdf/xml": (None, "rdfxml"),
    "rdf": (None, "rdfxml"),
    "jsonld": (None, "jsonld"),
    "json-ld": (None, "jsonld"),
}

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGE_HEADERS = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff"}


class ProtocolError(Exception):
    """A request the endpoint refuses: an HTTP status and a message that says what to change."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --- content negotiation ---------------------------------------------------------------------------

Choice = tuple[str, str]
"""A format's name and the media type the answer is sent as."""


@dataclass(frozen=True)
class Formats:
    """The format to write for each kind of answer; ``None`` where the client accepts none (406)."""

    solutions: Choice | None = ("json", "application/sparql-results+json")
    boolean: Choice | None = ("json", "application/sparql-results+json")
    graph: Choice | None = ("turtle", "text/turtle")


def negotiate(accept: str | None, requested: list[str] | None = None) -> Formats:
    """Choose the answer formats: for each kind, the first ``format=`` value that names one, else ``Accept``.

    >>> negotiate("*/*").solutions, negotiate("*/*").graph
    (('json', 'application/sparql-results+json'), ('turtle', 'text/turtle'))
    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml;q=0.9").solutions
    ('xml', 'application/sparql-results+xml')
    >>> negotiate("text/turtle").solutions is None
    True
    >>> negotiate("text/*").boolean
    ('xml', 'text/xml')
    >>> negotiate("application/rdf+xml", ["rdf+xml", "application/rdf+xml"]).graph
    ('rdfxml', 'application/rdf+xml')
    >>> negotiate("text/turtle", ["csv"]).graph
    ('turtle', 'text/turtle')
    """
    named = [_from_format_param(value) for value in requested or ()]
    header = (accept or "").strip() or "*/*"
    try:
        by_accept = Formats(
            _best(header, {k: v[1] for k, v in SOLUTION_FORMATS.items()}),
            _best(header, {k: SOLUTION_FORMATS[k][1] for k in BOOLEAN_FORMATS}),
            _best(header, {k: v[1] for k, v in GRAPH_FORMATS.items()}),
        )
    except (mimeparse.MimeTypeParseException, ValueError) as e:
        raise ProtocolError(400, f"cannot read the Accept header {header!r}: {e}") from e
    return Formats(
        next((n.solutions for n in named if n.solutions), by_accept.solutions),
        next((n.boolean for n in named if n.boolean), by_accept.boolean),
        next((n.graph for n in named if n.graph), by_accept.graph),
    )


def _best(header: str, offered: dict[str, tuple[str, ...]]) -> Choice | None:
    by_type = {media: name for name, medias in offered.items() for media in medias}
    # mimeparse breaks ties in favour of the last type offered, so offer the preferred ones last
    match = mimeparse.best_match(list(reversed(by_type)), header)
    return (by_type[match], match) if match else None


def _from_format_param(value: str) -> Formats:
    """What one ``format=`` value names, for each kind of answer (all ``None``: a value not known)."""
    value = value.strip().lower()
    if value in _FORMAT_NAMES:
        solutions, graph = _FORMAT_NAMES[value]
        chosen = (
            (solutions, SOLUTION_FORMATS[solutions][1][0]) if solutions else None,
            (graph, GRAPH_FORMATS[graph][1][0]) if graph else None,
        )
    else:
        media = value.split(";")[0].strip()
        solution = next((k for k, v in SOLUTION_FORMATS.items() if media in v[1]), None)
        graph = next((k for k, v in GRAPH_FORMATS.items() if media in v[1]), None)
        chosen = ((solution, media) if solution else None, (graph, media) if graph else None)
    boolean = chosen[0] if chosen[0] and chosen[0][0] in BOOLEAN_FORMATS else None
    return Formats(chosen[0], boolean, chosen[1])


# --- evaluation, in a worker process ----------------------------------------------------------------


@dataclass(frozen=True)
class Job:
    """One query or update, as a worker evaluates it (picklable: it crosses a pipe)."""

    text: str
    update: bool = False
    base_iri: str | None = None
    default_graphs: tuple[str, ...] | None = None
    """The protocol's dataset (``default-graph-uri``, or an update's ``using-graph-uri``); ``None``: none."""
    named_graphs: tuple[str, ...] | None = None
    formats: Formats = field(default_factory=Formats)
    max_rows: int = DEFAULT_MAX_ROWS
    allow_service: bool = False

    def key(self) -> str:
        """What identifies the work: the text and the dataset, not the answer's format."""
        parts = [self.text, str(self.update), repr(self.default_graphs), repr(self.named_graphs)]
        return hashlib.sha256("\0".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class Reply:
    """What a worker answers: an HTTP status, a media type (none for 204) and the body."""

    status: int
    body: bytes
    media_type: str | None = "text/plain; charset=utf-8"
    resident: int = 0
    """The worker's resident memory after writing this reply, in bytes."""
    recycle: bool = False
    """The worker should be replaced (it ran out of memory)."""

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


def _out_of_memory(max_memory: int | None) -> Reply:
    limit = f"{max_memory} MB" if max_memory else "the memory it may use"
    return replace(
        Reply.error(
            413,
            f"the query needed more than {limit} (--max-memory): make it more selective (fewer rows "
            "to sort or group, no cross product), or start the server with a larger --max-memory",
        ),
        recycle=True,
    )


_UNKNOWN_FUNCTION = "The custom function "


def evaluate(store: ox.Store, job: Job) -> Reply:
    """Check one query or update with the guard, run it and write its answer; every failure is a reply.

    >>> store = ox.Store()
    >>> reply = evaluate(store, Job("SELECT (1 AS ?one) {}", formats=Formats(solutions=("csv", "text/csv"))))
    >>> reply.status, reply.media_type, reply.body
    (200, 'text/csv; charset=utf-8', b'one\\r\\n1\\r\\n')
    >>> evaluate(store, Job("SELECT ?s { VALUES ?s { 1 2 3 } }", max_rows=2)).status
    413
    >>> evaluate(store, Job("SELEC ?s")).status
    400
    >>> evaluate(store, Job("SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")).status
    403
    >>> evaluate(store, Job("SELECT (<x:f>(1) AS ?x) {}")).status
    400
    """
    what = "update" if job.update else "query"
    try:
        checked = guard.check(job.text, update=job.update, allow_service=job.allow_service)
        text = job.text
        if job.update and (job.default_graphs or job.named_graphs):
            text = guard.with_using(text, job.default_graphs or (), job.named_graphs or ())
    except guard.Refused as e:
        return Reply.error(e.status, str(e))
    try:
        if job.update:
            store.update(text, base_iri=job.base_iri, prefixes=prefixes())
            return Reply(204, b"", None)
        answer = store.query(text, base_iri=job.base_iri, prefixes=prefixes(), **_dataset(job, checked))
    except SyntaxError as e:
        return Reply.error(400, f"the {what} is not valid SPARQL: {e}")
    except RuntimeError as e:
        if str(e).startswith(_UNKNOWN_FUNCTION):  # found while planning, before anything ran
            return Reply.error(400, f"{e}: this endpoint has the SPARQL 1.1 functions and the XSD casts")
        return Reply.error(500, f"the store could not evaluate the {what}: {e}")
    except (OSError, ValueError) as e:
        return Reply.error(500, f"the store could not evaluate the {what}: {e}")
    try:
        if isinstance(answer, ox.QueryBoolean):
            return _write_boolean(answer, job.formats.boolean)
        if isinstance(answer, ox.QueryTriples):
            return _write_graph(answer, job.formats.graph, job.max_rows)
        return _write_solutions(answer, job.formats.solutions, job.max_rows)
    except (OSError, ValueError, RuntimeError) as e:
        return Reply.error(500, f"the store could not evaluate the query: {e}")


def _dataset(job: Job, checked: guard.Checked) -> dict[str, Any]:
    """pyoxigraph's dataset arguments: the protocol's graphs, the query's FROM, else the union.

    The protocol's dataset replaces the query's: ``default-graph-uri`` alone leaves no named graph,
    ``named-graph-uri`` alone an empty default graph (SPARQL 1.1 Protocol §2.1.4, Query §13.2).
    """
    if job.default_graphs is not None or job.named_graphs is not None:
        return {
            "default_graph": [ox.NamedNode(g) for g in job.default_graphs or ()],
            "named_graphs": [ox.NamedNode(g) for g in job.named_graphs or ()],
        }
    if checked.dataset:
        return {}
    return {"use_default_graph_as_union": True}


def _not_acceptable(kind: str, offered: list[str]) -> Reply:
    medias = ", ".join(m for name in offered for m in _media_types(name)[:1])
    return Reply.error(406, f"no acceptable format for {kind}: send Accept with one of {medias}")


def _media_types(name: str) -> tuple[str, ...]:
    return SOLUTION_FORMATS[name][1] if name in SOLUTION_FORMATS else GRAPH_FORMATS[name][1]


def _write_boolean(answer: ox.QueryBoolean, choice: Choice | None) -> Reply:
    if choice is None:
        return _not_acceptable("an ASK answer", list(BOOLEAN_FORMATS))
    fmt = SOLUTION_FORMATS[choice[0]][0]
    return Reply(200, answer.serialize(format=fmt), _with_charset(choice[1]))


def _write_graph(answer: ox.QueryTriples, choice: Choice | None, max_rows: int) -> Reply:
    if choice is None:
        return _not_acceptable("a CONSTRUCT or DESCRIBE answer", list(GRAPH_FORMATS))
    triples = list(itertools.islice(answer, max_rows + 1))
    if len(triples) > max_rows:
        return _too_many("triples", max_rows)
    fmt = GRAPH_FORMATS[choice[0]][0]
    extra = {"prefixes": prefixes()} if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else {}
    return Reply(200, ox.serialize(triples, format=fmt, **extra), _with_charset(choice[1]))


def _write_solutions(answer: ox.QuerySolutions, choice: Choice | None, max_rows: int) -> Reply:
    if choice is None:
        return _not_acceptable("a SELECT answer", list(SOLUTION_FORMATS))
    sink = _RowLimitedBuffer(max_rows)
    try:
        answer.serialize(sink, ox.QueryResultsFormat.TSV)
    except Exception:
        if sink.exceeded:
            return _too_many("rows", max_rows)
        raise
    fmt = SOLUTION_FORMATS[choice[0]][0]
    tsv = sink.getvalue()
    body = tsv if fmt is ox.QueryResultsFormat.TSV else _convert(tsv, fmt)
    return Reply(200, body, _with_charset(choice[1]))


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


@dataclass(frozen=True)
class WorkerOptions:
    """How a worker process starts: its store, and how it is confined."""

    store: str
    writable: bool = False
    max_memory: int | None = DEFAULT_MAX_MEMORY
    """Megabytes of private memory (``RLIMIT_DATA``); ``None``: no cap."""
    allow_network: bool = False


def _worker_main(conn: Connection, options: WorkerOptions) -> None:
    """A worker process: confine itself, open the store, say so, then answer jobs until the connection closes.

    Its first message is ``("ready", how it is confined)`` or ``("error", message)``.
    """
    confinement = "network allowed (--allow-service)"
    if not options.allow_network:
        try:
            confinement = sandbox.deny_network()
        except sandbox.Unconfined as e:
            confinement = f"unconfined: {e}"
    try:
        if options.max_memory:
            sandbox.limit_memory(options.max_memory * 1024 * 1024)
        opened = _OpenedStore(Path(options.store), options.writable)
        prefixes()
    except ClaimgraphError as e:
        conn.send(("error", str(e)))
        return
    except MemoryError:
        conn.send(
            ("error", f"a query worker cannot open the store within --max-memory {options.max_memory} MB")
        )
        return
    conn.send(("ready", confinement))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        try:
            reply = evaluate(opened.get(), job)
        except MemoryError:
            reply = _out_of_memory(options.max_memory)
        except Exception as e:  # a worker answers every job; an error here is a bug or a lost store
            reply = Reply.error(
                500, f"{type(e).__name__}: {e}" if not isinstance(e, ClaimgraphError) else str(e)
            )
        conn.send(replace(reply, resident=_resident_after(options)))


def _resident_after(options: WorkerOptions) -> int:
    """The worker's resident memory after a job; over the recycling bound, after giving back what it can
    (``malloc_trim`` costs a few milliseconds, and pages given back are faulted in again: not every job)."""
    resident = sandbox.resident_bytes()
    if resident > _recycle_bytes(options.max_memory):
        sandbox.give_back_memory()
        resident = sandbox.resident_bytes()
    return resident


def _recycle_bytes(max_memory: int | None) -> int:
    """The resident memory past which a worker is replaced after its job."""
    return (max_memory or DEFAULT_MAX_MEMORY) * 1024 * 1024 // RECYCLE_FRACTION


def _worker_entry() -> None:
    """``python -c`` entry of a worker: ``argv`` is the socket's descriptor and the options as JSON."""
    fd, options = sys.argv[1:3]
    _worker_main(Connection(int(fd)), WorkerOptions(**json.loads(options)))


# --- the pool of workers, in the server process ----------------------------------------------------


class _WorkerFailed(Exception):
    """A worker that could not start: the message says why."""


class _Worker:
    """One worker process, started with ``subprocess`` (no fork: the server process has threads).

    Not ``multiprocessing``: its spawn re-imports the ``__main__`` module in every worker, which for the
    ``claimgraph`` script means the whole CLI and spaCy. The worker runs ``graph.sparql.server`` only, with
    the server's ``sys.path``, in its own session (Ctrl-C stops the server, which stops the workers),
    and talks over a socket pair with ``multiprocessing.connection`` (pickled jobs and replies).
    Its blocking methods run in a thread of the server; the pool kills the process to unblock them.
    """

    def __init__(self, options: WorkerOptions) -> None:
        self.options = options
        self.confinement = ""
        self.long = False
        self.niced = False
        self._start()

    def _start(self) -> None:
        ours, theirs = socket.socketpair()
        code = (
            "import sys, json; sys.path[:] = json.loads(sys.argv.pop(1)); "
            "from graph.sparql.server import _worker_entry; _worker_entry()"
        )
        argv = [json.dumps(sys.path), str(theirs.fileno()), json.dumps(self.options.__dict__)]
        with theirs:
            self.process = subprocess.Popen(
                [sys.executable, "-c", code, *argv],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        self.conn = Connection(ours.detach())
        self.ready = False
        self.failed: str | None = None
        self.niced = False

    def wait_ready(self) -> None:
        """Block until the worker said it is ready; raise ``_WorkerFailed`` if it could not start."""
        if self.failed is not None:
            raise _WorkerFailed(self.failed)
        if self.ready:
            return
        try:
            if not self.conn.poll(STARTUP_TIMEOUT):
                raise _WorkerFailed(f"a query worker did not start within {STARTUP_TIMEOUT:.0f} s")
            kind, message = self.conn.recv()
        except (EOFError, OSError):
            kind, message = "error", f"a query worker exited at start ({self.exit_status()})"
        except _WorkerFailed as e:
            kind, message = "error", str(e)
        if kind != "ready":
            self.failed = message
            raise _WorkerFailed(message)
        self.confinement = message
        self.ready = True

    def exchange(self, job: Job) -> Reply:
        """Send ``job`` and wait for its reply (blocking; ``EOFError`` if the process dies)."""
        self.wait_ready()
        self.conn.send(job)
        return self.conn.recv()

    def cpu_seconds(self) -> float:
        """The CPU seconds the worker process has used (all its threads), from ``/proc``; 0 if none."""
        try:
            fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, ValueError, IndexError):
            return 0.0

    def exit_status(self) -> str:
        try:
            code = self.process.wait(5)
        except subprocess.TimeoutExpired:
            return "still running"
        if code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            self.process.kill()

    def restart(self) -> None:
        """Replace the process (blocking: call it when nothing else reads its connection)."""
        self.stop(kill=True)
        self._start()

    def set_nice(self, nice: int) -> bool:
        """Set the worker's CPU niceness; False where the system refuses (lowering it needs privilege).

        Niceness is per thread, so every thread's; and where the kernel groups processes by session
        (``sched_autogroup``, the default on most distributions) niceness counts only inside a group,
        and the worker is a session of its own: so its group's niceness too.
        """
        try:
            for task in os.listdir(f"/proc/{self.process.pid}/task"):
                os.setpriority(os.PRIO_PROCESS, int(task), nice)
            with contextlib.suppress(FileNotFoundError):  # a kernel without autogroups
                Path(f"/proc/{self.process.pid}/autogroup").write_text(str(nice))
        except (OSError, ValueError):
            return False
        self.niced = nice > 0
        return True

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.kill()
        self.conn.close()  # a waiting worker reads EOF and exits
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class QueryPool:
    """Worker processes that evaluate queries, each killed and replaced when it runs past the timeout.

    Read-only by default, each worker with its own handle on the store; at most half of them (at
    least one) run long queries, so that a query that finishes within ``FAST_TIME`` always finds one.
    Writable (``--allow-update``) means one worker, the only process that opens the store, holding the
    build lock so that no build replaces the store under it.
    """

    def __init__(
        self,
        store: Path,
        *,
        workers: int,
        timeout: float,
        writable: bool = False,
        max_memory: int | None = DEFAULT_MAX_MEMORY,
        allow_service: bool = False,
        fast_time: float = FAST_TIME,
    ) -> None:
        self.store = store
        self.size = 1 if writable else workers
        self.long_slots = 1 if writable else max(1, workers // 2)
        self.timeout = timeout
        self.writable = writable
        self.max_memory = max_memory
        self.allow_service = allow_service
        self.fast_time = fast_time
        self.confinement = ""
        self._options = WorkerOptions(str(store), writable, max_memory, allow_service)
        self._workers: list[_Worker] = []
        self._idle: list[_Worker] = []
        self._long_running = 0
        self._waiting: list[asyncio.Future[None]] = []
        self._remembered: OrderedDict[str, None] = OrderedDict()
        self._lock: int | None = None
        self._background: set[asyncio.Task[Any]] = set()

    def __enter__(self) -> QueryPool:
        if self.writable:
            self._take_build_lock()
        try:
            self._workers = [_Worker(self._options) for _ in range(self.size)]
            for worker in self._workers:
                worker.wait_ready()
        except _WorkerFailed as e:
            self.close()
            raise ClaimgraphError(str(e)) from None
        except BaseException:
            self.close()
            raise
        self.confinement = self._workers[0].confinement
        self._idle = list(self._workers)
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

    async def run(self, job: Job, disconnected: asyncio.Future[Any] | None = None) -> Reply | None:
        """Evaluate ``job`` on a worker; ``None`` if ``disconnected`` completed first (the work stops)."""
        deadline = asyncio.get_running_loop().time() + self.timeout
        long = job.key() in self._remembered
        while True:
            worker = await self._acquire(long, deadline, disconnected)
            if worker is None:
                return None
            outcome = await self._evaluate(worker, job, deadline, disconnected)
            if not isinstance(outcome, _NoSlot):
                return outcome
            long = True  # it became long with every long-query slot taken: it waits for one

    def _remember(self, job: Job) -> None:
        """Note ``job`` as long: next time it waits for a long-query slot at once."""
        self._remembered[job.key()] = None
        self._remembered.move_to_end(job.key())
        while len(self._remembered) > REMEMBERED:
            self._remembered.popitem(last=False)

    async def _acquire(
        self, long: bool, deadline: float, disconnected: asyncio.Future[Any] | None
    ) -> _Worker | None:
        """An idle worker (and a long-query slot for a ``long`` job); ``None`` if the client went away."""
        loop = asyncio.get_running_loop()
        while True:
            if self._idle and (not long or self._long_running < self.long_slots):
                worker = self._idle.pop()
                if long:
                    self._take_slot(worker)
                return worker
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise ProtocolError(
                    503,
                    f"all {self.size} query workers stayed busy for {self.timeout:g} s: try again later",
                )
            woken: asyncio.Future[None] = loop.create_future()
            self._waiting.append(woken)
            try:
                await asyncio.wait(
                    {woken, *([disconnected] if disconnected else [])},
                    timeout=remaining,
                    return_when=asyncio.FIRST_COMPLETED,
                )
            finally:
                self._waiting.remove(woken)
            if disconnected is not None and disconnected.done():
                return None

    def _take_slot(self, worker: _Worker) -> None:
        self._long_running += 1
        worker.long = True
        worker.set_nice(LONG_NICE)

    async def _evaluate(
        self, worker: _Worker, job: Job, deadline: float, disconnected: asyncio.Future[Any] | None
    ) -> Reply | _NoSlot | None:
        loop = asyncio.get_running_loop()
        task = asyncio.ensure_future(run_in_threadpool(worker.exchange, job))
        waits: set[asyncio.Future[Any]] = {task, *([disconnected] if disconnected else [])}
        replace_worker = False
        try:
            long = "" if worker.long else await self._long(worker, waits, deadline)
            if long:
                if long == "cpu":
                    self._remember(job)
                if self._long_running >= self.long_slots:
                    replace_worker = True
                    return _NoSlot()
                self._take_slot(worker)
            if not task.done() and not (disconnected and disconnected.done()):
                remaining = max(deadline - loop.time(), 0)
                await asyncio.wait(waits, timeout=remaining, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                replace_worker = True
                if disconnected is not None and disconnected.done():
                    return None
                what = "update" if job.update else "query"
                raise ProtocolError(
                    503,
                    f"the {what} ran longer than {self.timeout:g} s and was stopped: make it more selective "
                    "or add LIMIT, or start the server with a larger --timeout",
                )
            try:
                reply: Reply = task.result()
            except _WorkerFailed as e:
                replace_worker = True
                return Reply.error(500, str(e))
            except (EOFError, OSError):
                replace_worker = True
                return await self._died(worker, job)
            replace_worker = reply.recycle or reply.resident > _recycle_bytes(self.max_memory)
            return reply
        finally:
            if replace_worker:
                worker.kill()  # now: the CPU and memory are free before the answer is sent
            self._release(worker, task, replace_worker)

    async def _long(self, worker: _Worker, waits: set[asyncio.Future[Any]], deadline: float) -> str:
        """Wait while the query is short: "" when it ends (or the deadline comes), else why it is long
        ("cpu": it has used ``fast_time`` of CPU; "clock": ``LONG_CLOCK`` times that on the clock)."""
        loop = asyncio.get_running_loop()
        started, cpu, used = loop.time(), worker.cpu_seconds(), 0.0
        while not any(w.done() for w in waits):
            now = loop.time()
            if used >= self.fast_time:
                return "cpu"
            if now - started >= LONG_CLOCK * self.fast_time:
                return "clock"
            if now >= deadline:
                break
            step = min(self.fast_time - used, deadline - now)
            await asyncio.wait(waits, timeout=max(step, 0.01), return_when=asyncio.FIRST_COMPLETED)
            used = worker.cpu_seconds() - cpu
        return ""

    async def _died(self, worker: _Worker, job: Job) -> Reply:
        status = await run_in_threadpool(worker.exit_status)
        if status in ("killed by SIGABRT", "killed by SIGKILL") and self.max_memory:
            # Rust and RocksDB abort when an allocation fails; the kernel's OOM killer sends SIGKILL
            return _out_of_memory(self.max_memory)
        what = "update" if job.update else "query"
        return Reply.error(500, f"the {what}'s worker process died ({status}); it was replaced")

    def _release(self, worker: _Worker, task: asyncio.Future[Any], replace_worker: bool) -> None:
        if worker.long:
            self._long_running -= 1
            worker.long = False
            self._wake()
        if worker.niced and not replace_worker and not worker.set_nice(0):
            replace_worker = True  # only a privileged server can give a worker its priority back
        if replace_worker:
            background = asyncio.ensure_future(self._replace(worker, task))
            self._background.add(background)
            background.add_done_callback(self._background.discard)
        else:
            self._give_back(worker)

    async def _replace(self, worker: _Worker, task: asyncio.Future[Any]) -> None:
        """Kill the worker, let its thread see it die, start another, give it back once it is ready."""
        worker.kill()
        with contextlib.suppress(BaseException):
            await task
        await run_in_threadpool(worker.restart)
        with contextlib.suppress(_WorkerFailed):  # a failed start answers its next job with the reason
            await run_in_threadpool(worker.wait_ready)
        self._give_back(worker)

    def _give_back(self, worker: _Worker) -> None:
        self._idle.append(worker)
        self._wake()

    def _wake(self) -> None:
        for woken in self._waiting:
            if not woken.done():
                woken.set_result(None)


class _NoSlot:
    """What ``_evaluate`` answers for a query stopped because it became long with every slot taken."""


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
    max_memory: int | None = DEFAULT_MAX_MEMORY
    allow_service: bool = False
    fast_time: float = FAST_TIME


def exposure_warnings(settings: Settings) -> list[str]:
    """What a person starting the server should know about who can reach what.

    >>> exposure_warnings(Settings(Path("s"), host="0.0.0.0", allow_update=True))[0][:44]
    '--allow-update on 0.0.0.0: anyone who can co'
    >>> exposure_warnings(Settings(Path("s"), allow_update=True))
    []
    """
    found = []
    if settings.allow_update and not _loopback(settings.host):
        found.append(
            f"--allow-update on {settings.host}: anyone who can connect may change or delete the store "
            "(there is no authentication); serve on 127.0.0.1 behind a reverse proxy that authenticates"
        )
    if settings.allow_service:
        found.append(
            "--allow-service: queries may make this machine fetch any URL (SERVICE, LOAD), "
            "including addresses of your local network"
        )
    return found


def _loopback(host: str) -> bool:
    host = host.strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


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
    root = Path(str(files(__package__) / "queries")) if folder is None else folder
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


class _StaticFiles(StaticFiles):
    """The page's script and style, with the page's headers (CSP): ``static/index.html`` is the page too."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update(PAGE_HEADERS)
        return response


def create_app(pool: QueryPool, settings: Settings) -> Starlette:
    """The ASGI application: ``/`` (page), ``/static`` (its script and style), ``/sparql`` (protocol)."""

    async def page(request: Request) -> Response:
        body = await run_in_threadpool(lambda: render_page(shipped_queries(settings.queries)))
        return HTMLResponse(body, headers={**PAGE_HEADERS, "Cache-Control": "no-store"})

    async def sparql(request: Request) -> Response:
        reply: Reply | None
        try:
            job = await _read_job(request, settings)
            disconnected = asyncio.ensure_future(_disconnect(request))
            try:
                reply = await pool.run(job, disconnected)
            finally:
                disconnected.cancel()
        except ProtocolError as e:
            reply = Reply.error(e.status, e.message)
        if reply is None:
            return Response(status_code=CLIENT_GONE)
        headers = {"Vary": "Accept", "X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}
        return Response(reply.body, reply.status, headers=headers, media_type=reply.media_type)

    app = Starlette(
        routes=[
            Route("/", page, methods=["GET"]),
            Route("/sparql", sparql, methods=["GET", "POST"]),
            Route("/favicon.ico", lambda request: Response(status_code=204), methods=["GET"]),
            Mount("/static", _StaticFiles(directory=STATIC), name="static"),
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
    return _HeadLimit(app)


class _HeadLimit:
    """ASGI: 414 for a URL, 431 for headers, over ``MAX_HEAD`` bytes (the HTTP parser only stops
    heads that arrive in several reads; one that arrives whole is checked here)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            url = len(scope.get("raw_path") or b"") + len(scope.get("query_string") or b"")
            headers = sum(len(k) + len(v) + 4 for k, v in scope.get("headers") or ())
            status, text = 0, ""
            if url > MAX_HEAD:
                status, text = 414, f"the URL is longer than {MAX_HEAD // 1024} KiB: send the query by POST"
            elif headers > MAX_HEAD:
                status, text = 431, f"the request's headers are larger than {MAX_HEAD // 1024} KiB"
            if status:
                await Response(text + "\n", status, media_type="text/plain; charset=utf-8")(
                    scope, receive, send
                )
                return
        await self.app(scope, receive, send)


async def _disconnect(request: Request) -> None:
    """Return when the client disconnects (once the request's body has been read)."""
    while (await request.receive())["type"] != "http.disconnect":
        pass


async def _read_job(request: Request, settings: Settings) -> Job:
    """The protocol's request, checked: one query or one update, its dataset and the answer formats."""
    params = _query_string(request.scope)
    if request.method == "POST":
        params += await _read_post(request)
    queries = [v for k, v in params if k == "query"]
    updates = [v for k, v in params if k == "update"]
    if len(queries) + len(updates) == 0:
        raise ProtocolError(400, "no query: send ?query=… (or open / for the query page)")
    if len(queries) + len(updates) > 1:
        raise ProtocolError(400, "send exactly one query or one update per request")
    base_iri = str(request.url.replace(query="", fragment=""))
    text = (updates or queries)[0]
    try:
        guard.check_nesting(text)
    except guard.Refused as e:
        raise ProtocolError(e.status, str(e)) from None
    if updates:
        _check_update(request, params, settings)
        return Job(
            text,
            update=True,
            base_iri=base_iri,
            default_graphs=_graph_iris(params, "using-graph-uri"),
            named_graphs=_graph_iris(params, "using-named-graph-uri"),
            allow_service=settings.allow_service,
        )
    if any(k in ("using-graph-uri", "using-named-graph-uri") for k, _ in params):
        raise ProtocolError(
            400, "using-graph-uri and using-named-graph-uri are for updates: a query takes default-graph-uri"
        )
    formats = negotiate(request.headers.get("accept"), [v for k, v in params if k in FORMAT_PARAMS])
    return Job(
        text,
        base_iri=base_iri,
        default_graphs=_graph_iris(params, "default-graph-uri"),
        named_graphs=_graph_iris(params, "named-graph-uri"),
        formats=formats,
        max_rows=settings.max_rows,
        allow_service=settings.allow_service,
    )


def _query_string(scope: Scope) -> list[tuple[str, str]]:
    """The URL's parameters, decoded strictly: bytes that are not UTF-8 are an error, not U+FFFD."""
    try:
        raw = scope.get("query_string", b"").decode("utf-8")
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError as e:
        raise ProtocolError(400, f"the query string is not percent-encoded UTF-8: {e}") from e


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


def _graph_iris(params: list[tuple[str, str]], name: str) -> tuple[str, ...] | None:
    """The values of the ``name`` parameter, each an absolute IRI; ``None`` when there is none."""
    iris = tuple(v for k, v in params if k == name)
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError as e:
            raise ProtocolError(400, f"{name} {iri!r} is not an absolute IRI: {e}") from e
    return iris or None


def _check_update(request: Request, params: list[tuple[str, str]], settings: Settings) -> None:
    if request.method != "POST":
        raise ProtocolError(400, f"an update must be sent by POST ({FORM} or {UPDATE_TYPE}), not GET")
    if not settings.allow_update:
        raise ProtocolError(403, "this endpoint is read-only: start it with --allow-update to accept updates")
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).hostname not in _own_hosts(settings):
        raise ProtocolError(403, f"updates from another site ({origin}) are refused")


def _own_hosts(settings: Settings) -> set[str]:
    return {"127.0.0.1", "localhost", "::1", settings.host.strip("[]")}


class _HttpProtocol(H11Protocol):
    """uvicorn's HTTP/1.1, answering a request head over ``MAX_HEAD`` with 414 or 431 instead of 400.

    uvicorn answers 400 and closes at once; the client, still sending its long head, then gets a TCP
    reset instead of the answer. This one says what is too long, and reads (and drops) the rest of
    the request for a moment before closing, so that the answer arrives.
    """

    DRAIN_SECONDS = 2.0

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._draining = False

    def data_received(self, data: bytes) -> None:
        if not self._draining:
            super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        buffered, _ = self.conn.trailing_data
        if len(buffered) <= MAX_HEAD:
            super().send_400_response(msg)
            return
        line_end = buffered.find(b"\r\n")
        if line_end == -1 or line_end > MAX_HEAD:
            status, text = 414, f"the URL is longer than {MAX_HEAD // 1024} KiB: send the query by POST"
        else:
            status, text = 431, f"the request's headers are larger than {MAX_HEAD // 1024} KiB"
        body = (text + "\n").encode("utf-8")
        headers = [
            (b"content-type", b"text/plain; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ]
        self.transport.write(self.conn.send(h11.Response(status_code=status, headers=headers)) or b"")
        self.transport.write(self.conn.send(h11.Data(data=body)) or b"")
        self.transport.write(self.conn.send(h11.EndOfMessage()) or b"")
        self._draining = True
        self.loop.call_later(self.DRAIN_SECONDS, self.transport.close)


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
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        http=_HttpProtocol,
        h11_max_incomplete_event_size=MAX_HEAD,
        **options,
    )
    return uvicorn.Server(config)


def _pool(settings: Settings) -> QueryPool:
    return QueryPool(
        settings.store,
        workers=settings.workers,
        timeout=settings.timeout,
        writable=settings.allow_update,
        max_memory=settings.max_memory,
        allow_service=settings.allow_service,
        fast_time=settings.fast_time,
    )


def _confinement_warning(pool: QueryPool) -> list[str]:
    return [pool.confinement[len("unconfined: ") :]] if pool.confinement.startswith("unconfined: ") else []


def serve(
    settings: Settings,
    *,
    on_start: Callable[[str], None] | None = None,
    on_warning: Callable[[str], None] | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C); the workers stop with the server. ``on_start`` gets the URL."""
    with _listen(settings) as sock, _pool(settings) as pool:
        for warning in exposure_warnings(settings) + _confinement_warning(pool):
            if on_warning is not None:
                on_warning(warning)
        if on_start is not None:
            on_start(_url(sock))
        _server(pool, settings).run(sockets=[sock])


@contextlib.contextmanager
def running(settings: Settings) -> Iterator[str]:
    """Serve in a background thread while the block runs, and yield the base URL (port 0: a free one)."""
    with _listen(settings) as sock, _pool(settings) as pool:
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
