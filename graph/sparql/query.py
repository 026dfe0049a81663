"""Run SPARQL over the store and write the answers in the W3C result formats or as a terminal table.

Parameters are bound as RDF terms, never formatted into the query text by us: each value is one
pyoxigraph term, written by pyoxigraph's own escaping serialiser into a ``VALUES`` block at the head of
the query's WHERE clause. There the optimiser sees it and starts from the bound pattern, where
pyoxigraph's ``substitutions`` apply after planning, scanning every candidate first (on 10,000
documents, ``claims-by-speaker`` for one entity takes 3 ms instead of 380). A query whose WHERE clause
cannot be found is bound through ``substitutions``.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Mapping
from typing import BinaryIO

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from graph.store.vocab import prefixes

RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON,
    "xml": ox.QueryResultsFormat.XML,
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
}
GRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES}
FORMATS = ("table", *RESULT_FORMATS, *GRAPH_FORMATS)
MAX_CELL = 60

Answer = ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_LEXEMES = (
    # strings, IRIs and comments, which may hold any word without it being a keyword; and the escapes of
    # a prefixed name's local part (``ex:a\\#b``), whose ``#`` does not start a comment
    r"\\[_~.\-!$&'()*+,;=/?#@%]"
    r'|"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*"
)
_TOKENS = re.compile(
    _LEXEMES + r"|(?<![\w:?$.\-])(FROM|SERVICE|LOAD)(?![\w:\-])",
    re.IGNORECASE | re.DOTALL,
)


_SCAN = re.compile(
    _LEXEMES + r"|(?P<brace>[{}])" r"|(?<![\w:?$.\-])(?P<keyword>WHERE|CONSTRUCT|SELECT|UNION)(?![\w:\-])",
    re.IGNORECASE | re.DOTALL,
)


def where_clause(sparql: str) -> int | None:
    """The offset just inside the opening brace of the query's WHERE clause, if it can be found.

    >>> q = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o }'
    >>> q[where_clause(q):]
    ' ?s ?p ?o }'
    >>> q = 'SELECT ?x { { SELECT ?x { ?x ?p ?o } } }'
    >>> q[where_clause(q):]
    ' { SELECT ?x { ?x ?p ?o } } }'
    """
    depth, where, construct = 0, False, False
    for match in _SCAN.finditer(sparql):
        keyword, brace = (match.group("keyword") or "").upper(), match.group("brace")
        if keyword and depth == 0:
            where, construct = where or keyword == "WHERE", construct or keyword == "CONSTRUCT"
        elif brace == "{":
            if depth == 0 and (where or not construct):
                return match.end()
            depth += 1
        elif brace == "}":
            depth -= 1
    return None


def with_values(sparql: str, params: Mapping[str, ox.NamedNode | ox.Literal]) -> str | None:
    """``sparql`` with ``params`` in a VALUES block first in its WHERE clause.

    None when there is no WHERE clause to find, when a parameter is not a variable of the query, or when
    the WHERE clause holds a sub-SELECT or a UNION: Oxigraph plans those worse with VALUES than with
    substitutions (on 10,000 documents, ``laws`` takes 8 s instead of 0.3, ``claim-provenance`` 27 s
    instead of 0.14).

    >>> with_values("SELECT ?n WHERE { ?e cg:name ?n }", {"e": ox.NamedNode("http://x/a")})
    'SELECT ?n WHERE { VALUES (?e) { (<http://x/a>) } ?e cg:name ?n }'
    >>> with_values("SELECT ?n WHERE { { SELECT ?e { ?e cg:name ?n } } }", {"e": ox.NamedNode("http://x/a")})
    >>> with_values("SELECT ?n WHERE { { ?e cg:a ?n } UNION { ?e cg:b ?n } }", {"e": ox.NamedNode("http://x/a")})
    """
    at = where_clause(sparql)
    if at is None or any(m.group("keyword") for m in _SCAN.finditer(sparql, at)):
        return None
    if any(re.search(rf"[?$]{re.escape(name)}(?!\w)", sparql) is None for name in params):
        return None
    names = sorted(params)
    row = " ".join(str(params[name]) for name in names)  # pyoxigraph's escaped N-Triples form of each term
    return f"{sparql[:at]} VALUES ({' '.join('?' + name for name in names)}) {{ ({row}) }}{sparql[at:]}"


_PAGE = re.compile(
    _LEXEMES + r"|(?<![\w:?$.\-])(?P<clause>LIMIT|OFFSET)\s+(?P<number>\d+)",
    re.IGNORECASE | re.DOTALL,
)


def paged(sparql: str, limit: int | None = None, offset: int | None = None) -> str:
    r"""``sparql`` with its page set: the numbers of its LIMIT and OFFSET changed, or the clauses added.

    A shipped query that lists a large graph pages in one place (often an inner SELECT, so that only
    the page's rows are looked up and sorted); that is the clause this changes. The numbers are Python
    integers, not text from the user.

    >>> paged("SELECT * { { SELECT ?d { ?d a ?t } ORDER BY ?d LIMIT 20 } ?d ?p ?o }", 10, 40)
    'SELECT * { { SELECT ?d { ?d a ?t } ORDER BY ?d LIMIT 10 OFFSET 40 } ?d ?p ?o }'
    >>> paged('SELECT ?s { ?s ?p "LIMIT 5" }', 3)
    'SELECT ?s { ?s ?p "LIMIT 5" }\nLIMIT 3'
    """
    if limit is None and offset is None:
        return sparql
    if any(n is not None and n < 0 for n in (limit, offset)):
        raise ClaimgraphError("a page's limit and offset are whole numbers (0 or more)")
    found: dict[str, list[re.Match[str]]] = {"LIMIT": [], "OFFSET": []}
    for match in _PAGE.finditer(sparql):
        if match.group("clause"):
            found[match.group("clause").upper()].append(match)
    if len(found["LIMIT"]) > 1 or len(found["OFFSET"]) > 1:
        raise ClaimgraphError("the query has several LIMIT or OFFSET clauses: set its page in its text")
    edits: list[tuple[int, int, str]] = []
    for clause, value in (("LIMIT", limit), ("OFFSET", offset)):
        if value is None:
            continue
        if found[clause]:
            match = found[clause][0]
            edits.append((match.start("number"), match.end("number"), str(value)))
        elif found["LIMIT"] and clause == "OFFSET":
            at = found["LIMIT"][0].end("number")
            edits.append((at, at, f" OFFSET {value}"))
        elif found["OFFSET"] and clause == "LIMIT":
            at = found["OFFSET"][0].start()
            edits.append((at, at, f"LIMIT {value} "))
        else:
            edits.append((len(sparql), len(sparql), f"\n{clause} {value}"))
    for start, end, text in sorted(edits, key=lambda e: e[0], reverse=True):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


_SELECTS = re.compile(
    _LEXEMES + r"|(?P<brace>\{)|(?<![\w:?$.\-])(?P<select>SELECT)(?![\w:\-])",
    re.IGNORECASE | re.DOTALL,
)
_ALIAS = re.compile(r"\bAS\s+[?$]\w+", re.IGNORECASE)


def standalone(sparql: str, params: Mapping[str, ox.NamedNode | ox.Literal]) -> str:
    r"""``sparql`` with ``params`` bound in standard SPARQL 1.1, for any endpoint: a ``VALUES`` block at the
    head of each WHERE clause that the variable is in scope of (the query's, and each sub-SELECT's that
    selects it). That is what pyoxigraph's substitution does, where one final VALUES clause would only
    filter the rows after a sub-SELECT had picked its page among all entities.

    >>> e = {"e": ox.NamedNode("x:e")}
    >>> print(standalone("SELECT ?e { { SELECT ?e ?d { ?d cg:on ?e } LIMIT 2 } }", e))
    SELECT ?e { VALUES (?e) { (<x:e>) } { SELECT ?e ?d { VALUES (?e) { (<x:e>) } ?d cg:on ?e } LIMIT 2 } }
    >>> print(standalone("SELECT ?e { { SELECT ?d { ?d cg:on ?e } } ?d cg:to ?e }", e))
    SELECT ?e { VALUES (?e) { (<x:e>) } { SELECT ?d { ?d cg:on ?e } } ?d cg:to ?e }
    >>> standalone("CONSTRUCT { ?e ?p ?o } WHERE { ?e ?p ?o }", e)
    'CONSTRUCT { ?e ?p ?o } WHERE { VALUES (?e) { (<x:e>) } ?e ?p ?o }'
    """
    if not params:
        return sparql
    heads: dict[int, list[str]] = {}
    select: int | None = None
    for match in _SELECTS.finditer(sparql):
        if match.group("select"):
            select = match.end()
        elif match.group("brace") and select is not None:
            projection = _ALIAS.sub("", sparql[select : match.start()])
            chosen = set(re.findall(r"[?$](\w+)", projection))
            heads[match.end()] = [n for n in params if "*" in projection or n in chosen]
            select = None
    top = where_clause(sparql)
    if top is not None and top not in heads:  # CONSTRUCT, ASK, DESCRIBE
        heads[top] = list(params)
    for at in sorted(heads, reverse=True):
        names = sorted(heads[at])
        if names:
            row = " ".join(str(params[name]) for name in names)  # pyoxigraph's escaped N-Triples form
            sparql = f"{sparql[:at]} VALUES ({' '.join('?' + n for n in names)}) {{ ({row}) }}{sparql[at:]}"
    return sparql


def keywords(sparql: str) -> set[str]:
    """The keywords among FROM, SERVICE and LOAD that ``sparql`` uses, outside strings, IRIs and comments.

    SPARQL resolves ``\\u`` escapes before parsing, so this does too.

    >>> sorted(keywords('SELECT ?from FROM <g#x> WHERE { ?s ex:service "FROM" } # SERVICE'))
    ['FROM']
    >>> keywords('SELECT * { \\\\u0053ERVICE <http://x/> { ?s ?p ?o } }')
    {'SERVICE'}
    >>> keywords('SELECT * { BIND(ex:o\\\\# AS ?v) SERVICE <http://x/> { ?s ?p ?o } }')
    {'SERVICE'}
    """
    text = _ESCAPE.sub(_unescape, sparql)
    return {m.group(1).upper() for m in _TOKENS.finditer(text) if m.group(1)}


def _unescape(match: re.Match[str]) -> str:
    code = int(match.group(1) or match.group(2), 16)
    return chr(code) if code <= sys.maxunicode else match.group(0)


def run_query(
    store: ox.Store, sparql: str, params: Mapping[str, ox.NamedNode | ox.Literal] | None = None
) -> Answer:
    """Evaluate ``sparql`` over all document graphs (their union is the default graph, unless it says FROM).

    The ontology's prefixes (``cg:``, ``entity:``, ``prov:``, ``oa:``…) are predeclared.
    """
    union = "FROM" not in keywords(sparql)
    bound = with_values(sparql, params) if params else None
    try:
        if bound is not None:
            return store.query(bound, prefixes=prefixes(), use_default_graph_as_union=union)
        return store.query(
            sparql,
            prefixes=prefixes(),
            use_default_graph_as_union=union,
            substitutions={ox.Variable(k): v for k, v in (params or {}).items()},
        )
    except SyntaxError as e:
        raise ClaimgraphError(f"the query is not valid SPARQL: {e}") from e


def write_answer(answer: Answer, fmt: str, out: BinaryIO) -> None:
    """Write a query's answer: a W3C result format, a table, or Turtle/N-Triples for CONSTRUCT/DESCRIBE."""
    if isinstance(answer, ox.QueryTriples):
        rdf = GRAPH_FORMATS.get(fmt, ox.RdfFormat.TURTLE)
        ox.serialize(answer, out, rdf, **({"prefixes": prefixes()} if rdf is ox.RdfFormat.TURTLE else {}))
    elif fmt == "table":
        out.write(_table(answer).encode("utf-8"))
    elif fmt in RESULT_FORMATS:
        answer.serialize(out, RESULT_FORMATS[fmt])
    else:
        raise ClaimgraphError(f"{fmt} is for CONSTRUCT and DESCRIBE; use one of {', '.join(RESULT_FORMATS)}")


def _short(term: ox.NamedNode | ox.BlankNode | ox.Literal | None, names: list[tuple[str, str]]) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        for prefix, iri in names:
            if term.value.startswith(iri):
                return f"{prefix}:{term.value[len(iri) :]}"
        return f"<{term.value}>"
    return term.value.replace("\n", " ")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str) -> str:
    while _width(text) > MAX_CELL:
        text = text[: len(text) - max(1, (_width(text) - MAX_CELL) // 2) - 1] + "…"
    return text


def _table(answer: ox.QuerySolutions | ox.QueryBoolean) -> str:
    """A plain-text table, CJK-aware in its column widths; long cells are cut with an ellipsis."""
    if isinstance(answer, ox.QueryBoolean):
        return f"{bool(answer)}\n"
    names = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))
    header = [v.value for v in answer.variables]
    rows = [[_fit(_short(row[i], names)) for i in range(len(header))] for row in answer]
    widths = [max([_width(h), *(_width(r[i]) for r in rows)]) for i, h in enumerate(header)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"
