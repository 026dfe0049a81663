"""The query guard: what a SPARQL query or update may do, judged on its parse tree before it runs.

pyoxigraph runs ``SERVICE`` (a federated query) and ``LOAD`` by fetching the URL they name, from the
machine the store is on: through an endpoint open to any web page (CORS), that is a request forgery
(SSRF) against the local network. So nothing runs before the guard has read it, and the guard reads
the *parsed* query, never its text: rdflib's SPARQL 1.1 parser (pyoxigraph exposes no parse tree)
turns it into a tree, and a ``SERVICE`` or ``LOAD`` anywhere in that tree (inside ``EXISTS``, a
sub-SELECT, an update's ``WHERE``) refuses it. Escapes, comments and ``\\u`` sequences are the parser's
business, as they are pyoxigraph's. A keyword scanner was fooled by ``ex:o\\#``, a legal escape whose
``#`` it took for the start of a comment (issue 14).

When the two parsers disagree, the guard decides, and it fails closed: a query rdflib cannot parse is
refused (400), even if pyoxigraph would run it (SPARQL 1.2 syntax, or an rdflib bug: rdflib rejects
``ex:o\\# . SERVICE …``). The other disagreement, a query that both parse but read differently, is
what the query workers' sandbox is for (``graph.sparql.sandbox``): they cannot open a network socket at all.

The parse tree also says whether a query names its dataset (``FROM``), and where an update's
``WHERE`` clauses are, for the protocol's ``using-graph-uri`` (:func:`with_using`).
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from extract.errors import ClaimgraphError
from graph.sparql.query import _LEXEMES

MAX_NESTING = 64
"""Deepest nesting of ``{``, ``(`` and ``[`` accepted. pyoxigraph's parser is recursive and overflows
its stack on deeply nested input (10,000 groups killed a worker), rdflib's needs about 40 Python frames
a level; no written query comes near 64."""
_RECURSION_LIMIT = 6000
"""Python frames the parse may use: rdflib needs 2,400 for 64 nested parentheses, its worst case."""

CACHED_LENGTH = 65_536
"""Longer texts are not kept in the cache of checked queries (at most 1,024 of them, 64 MiB)."""

FETCHING = ("ServiceGraphPattern", "Load")
"""The parse tree nodes that make the engine fetch a URL. (rdflib's ``CompValue.get`` answers a
missing key with the key itself: test membership with ``in``.)"""

_NESTING = re.compile(_LEXEMES + r"|(?P<open>[{(\[])|(?P<close>[})\]])", re.DOTALL)


class Refused(ClaimgraphError):
    """A query or update that is not run: an HTTP status (400 malformed, 403 forbidden) and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Checked:
    """What the parse tree of an allowed query or update says."""

    fetches: tuple[str, ...] = ()
    """``SERVICE`` and ``LOAD``, as they occur (empty unless the caller allows them)."""
    dataset: bool = False
    """A query's ``FROM``/``FROM NAMED``; an update's ``WITH`` or ``USING``."""
    operations: tuple[str, ...] = ()
    """An update's operations, by the parser's names (``Modify``, ``DeleteWhere``, ``InsertData``…)."""


def nesting(text: str, stop: int | None = None) -> int:
    """The deepest nesting of brackets outside strings, IRIs and comments (or ``stop``, once reached).

    >>> nesting('SELECT * { { ?s ?p "{{{" } FILTER((1)) }')
    3
    """
    depth = deepest = 0
    for match in _NESTING.finditer(text):
        if match.group("open"):
            depth += 1
            deepest = max(deepest, depth)
            if deepest == stop:
                break
        elif match.group("close"):
            depth -= 1
    return deepest


def check_nesting(text: str, limit: int = MAX_NESTING) -> None:
    """Refuse (400) a query nested deeper than ``limit``, before any parser recurses into it.

    >>> check_nesting("ASK " + "{" * 65 + "}" * 65)
    Traceback (most recent call last):
    ...
    graph.sparql.guard.Refused: the query nests more than 64 levels of brackets, the most accepted: flatten it
    """
    if sum(text.count(c) for c in "{([") <= limit:
        return
    if nesting(text, stop=limit + 1) > limit:
        raise Refused(
            400, f"the query nests more than {limit} levels of brackets, the most accepted: flatten it"
        )


def check(text: str, *, update: bool = False, allow_service: bool = False) -> Checked:
    """Parse ``text``; refuse it if it is not SPARQL 1.1 (400) or fetches a URL that is not allowed (403).

    >>> check("SELECT * FROM <x:g> { ?s ?p ?o }").dataset
    True
    >>> check("SELECT * { FILTER EXISTS { SERVICE ?where { ?s ?p ?o } } }")
    Traceback (most recent call last):
    ...
    graph.sparql.guard.Refused: SERVICE is disabled: this endpoint does not fetch other URLs
    >>> check("INSERT DATA { <x:a> <x:b> 1 } ; LOAD <http://x/>", update=True, allow_service=True).fetches
    ('LOAD',)
    """
    check_nesting(text)
    checked = _read_cached(text, update) if len(text) <= CACHED_LENGTH else _read(text, update)
    if checked.fetches and not allow_service:
        what = " and ".join(sorted(set(checked.fetches)))
        raise Refused(403, f"{what} is disabled: this endpoint does not fetch other URLs")
    return checked


@lru_cache(maxsize=1024)
def _read_cached(text: str, update: bool) -> Checked:
    """The parse, cached by text: rdflib takes 1 to 60 ms a query, and clients repeat theirs."""
    return _read(text, update)


def _read(text: str, update: bool) -> Checked:
    tree = _parse(text, update)
    fetches = tuple(
        "SERVICE" if n.name == "ServiceGraphPattern" else "LOAD" for n in _nodes(tree) if n.name in FETCHING
    )
    if update:
        operations = tuple(op.name for op in tree.request)
        dataset = any("withClause" in op or "using" in op for op in tree.request)
        return Checked(fetches, dataset, operations)
    return Checked(fetches, "datasetClause" in tree[1])


def _parse(text: str, update: bool) -> Any:
    from rdflib.plugins.sparql import parser  # pyparsing grammar: built on first use

    what = "update" if update else "query"
    try:
        with _deep_recursion():
            return parser.parseUpdate(text) if update else parser.parseQuery(text)
    except RecursionError:
        raise Refused(400, f"the {what} is nested too deeply to be read: flatten it") from None
    except Exception as e:  # pyparsing's ParseException, or rdflib's own errors on what it parsed
        raise Refused(400, f"the {what} is not valid SPARQL 1.1: {_one_line(e)}") from None


def _one_line(error: Exception) -> str:
    return " ".join(str(error).split())


@contextlib.contextmanager
def _deep_recursion() -> Iterator[None]:
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(max(before, _RECURSION_LIMIT))
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def _nodes(node: Any) -> Iterator[Any]:
    """Every rdflib ``CompValue`` in a parse tree (its values are nodes, lists of nodes, or terms)."""
    from pyparsing import ParseResults
    from rdflib.plugins.sparql.parserutils import CompValue

    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, CompValue):
            yield item
            stack.extend(item.values())
        elif isinstance(item, list | tuple | ParseResults):
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.values())


# --- using-graph-uri and using-named-graph-uri ------------------------------------------------------

_UPDATE_TOKENS = re.compile(
    _LEXEMES + r"|(?P<brace>[{}])|(?<![\w:?$.\-])(?P<keyword>INSERT|DELETE|WHERE|DATA)(?![\w:\-])",
    re.IGNORECASE | re.DOTALL,
)


def with_using(update: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """``update`` with the protocol's dataset written as ``USING`` clauses before each operation's WHERE.

    ``DELETE WHERE { P }`` becomes its long form ``DELETE { P } USING … WHERE { P }``. An update that
    names its own dataset (``USING``, ``WITH``) is refused (400), as the protocol says; the result is
    parsed again and compared, so a rewrite that went wrong is refused rather than run.

    >>> with_using("INSERT { ?s a <x:T> } WHERE { ?s ?p ?o }", ["x:g"], [])
    'INSERT { ?s a <x:T> } USING <x:g> WHERE { ?s ?p ?o }'
    >>> with_using("CLEAR ALL; DELETE WHERE { ?s <x:where> ?o }", [], ["x:n"])
    'CLEAR ALL; DELETE { ?s <x:where> ?o } USING NAMED <x:n> WHERE { ?s <x:where> ?o }'
    """
    checked = check(update, update=True, allow_service=True)
    if checked.dataset:
        raise Refused(
            400,
            "the update names its dataset (USING or WITH) and the request does too "
            "(using-graph-uri, using-named-graph-uri): give it in one place",
        )
    clause = " ".join(
        [*(f"USING <{iri}>" for iri in default_graphs), *(f"USING NAMED <{iri}>" for iri in named_graphs)]
    )
    edits: list[tuple[int, int, str]] = []
    depth, previous, previous_start = 0, "", 0
    delete_where: int | None = None  # where a ``DELETE WHERE`` starts, while its pattern is read
    pattern_start = 0
    for match in _UPDATE_TOKENS.finditer(update):
        brace, keyword = match.group("brace"), (match.group("keyword") or "").upper()
        if brace == "{":
            if depth == 0:
                pattern_start = match.start()
            depth += 1
        elif brace == "}":
            depth -= 1
            if depth == 0 and delete_where is not None:
                pattern = update[pattern_start : match.end()]
                edits.append((delete_where, match.end(), f"DELETE {pattern} {clause} WHERE {pattern}"))
                delete_where = None
        elif keyword and depth == 0:
            if keyword == "WHERE" and previous == "DELETE":
                delete_where = previous_start
            elif keyword == "WHERE":
                edits.append((match.start(), match.start(), f"{clause} "))
            previous, previous_start = keyword, match.start()
    rewritten = update
    for start, end, text in sorted(edits, reverse=True):
        rewritten = rewritten[:start] + text + rewritten[end:]
    _verify(checked, rewritten, len(default_graphs) + len(named_graphs))
    return rewritten


def _verify(original: Checked, rewritten: str, clauses: int) -> None:
    """Refuse a rewrite whose operations are not the original's, each WHERE with its USING clauses."""
    tree = _parse(rewritten, True)
    operations = tuple(op.name for op in tree.request)
    expected = tuple("Modify" if op == "DeleteWhere" else op for op in original.operations)
    usings = [len(dict.get(op, "using", ())) for op in tree.request if op.name == "Modify"]
    if operations != expected or any(n != clauses for n in usings):
        raise Refused(
            400, "using-graph-uri could not be applied to this update: write USING clauses in it instead"
        )
