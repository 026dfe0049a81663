"""Shipped SPARQL queries (``graph/sparql/queries/*.rq``) and the binding of ``--param key=value`` to RDF
terms.

A query file starts with comment lines that say what it is::

    # name: claims-in-date-range
    # description: Claims made between two dates (inclusive), dated by their forum post or their document.
    # params: ?since (xsd:date; optional), ?until (xsd:date; optional, inclusive)

Parameters are SPARQL variables. They are bound through pyoxigraph ``substitutions`` (SPARQL SEP-0007):
the value becomes one RDF term in place of the variable, never text in the query, so a value cannot
change what the query does. pyoxigraph binds only variables the query selects, so each query lists its
parameters among its result columns; a parameter left unset stays a free variable and matches anything.

**How a value is typed.** A parameter's declared kind, the first words in its parentheses, decides:

- ``IRI or name``: an IRI (``https://…``, ``<…>``, or a prefixed name such as ``entity:deepseek``) is
  taken as is; any other value is a name, looked up among the entities' ``skos:prefLabel``,
  ``rdfs:label`` and ``skos:altLabel`` (and their ids) with ``extract.scripts.name_key``: case,
  spaces, width and traditional or simplified script do not matter. Preferred labels win over other
  labels; a name that still fits several entities is an error that lists them; a name that fits none is
  bound as a plain string, which matches no entity, so the query answers no rows;
- ``IRI``: an IRI as above, else an error;
- ``xsd:date`` (``2025-01-31``), ``xsd:dateTime`` (``2025-01-31T09:30:00``), ``xsd:integer``: a literal of
  that datatype; a value of another shape is an error;
- ``string``: a plain ``xsd:string`` literal, whatever it looks like.

A parameter the query does not declare (any variable of your own query) is typed by its shape: an IRI
as above, then an integer (``xsd:integer``), a decimal (``xsd:decimal``), a date (``xsd:date``), a date
and time (``xsd:dateTime``), ``true``/``false`` (``xsd:boolean``), else a plain string.

>>> header = "# name: x\\n# params: ?entity (IRI or name), ?since (xsd:date; required)\\nSELECT"
>>> [(p.name, p.kind, p.required) for p in parse_header(header)[2]]
[('entity', 'IRI or name', False), ('since', 'xsd:date', True)]
>>> [p.kind for p in parse_header("# params: ?at (xsd:dateTime), ?n (xsd:integer; optional)")[2]]
['xsd:dateTime', 'xsd:integer']
>>> term("since", "2025-01-31")
<Literal value=2025-01-31 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#date>>
>>> term("n", "12")
<Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> term("who", "entity:deepseek")
<NamedNode value=https://w3id.org/claimgraph/id/entity/deepseek>
>>> term("code", "PERSON")
<Literal value=PERSON datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#string>>
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from importlib.resources import files

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from graph.sparql.query import Answer, run_query
from graph.store.vocab import ENTITIES, entity_id, node, prefixes

KINDS = ("IRI or name", "IRI", "xsd:date", "xsd:dateTime", "xsd:integer", "string")
"""Declared kinds of a parameter: the first words in its parentheses, then ``;`` and a note."""

_XSD = "http://www.w3.org/2001/XMLSchema#"
_HEADER = re.compile(r"#\s*([A-Za-z][\w-]*)\s*:\s*(.*)")
_PARAM = re.compile(r"\?(\w+)\s*\(([^)]*)\)")
_IRI = re.compile(r"^(?:<(?P<bracketed>[^<>\s]*)>|(?P<absolute>(?:https?|urn|file|mailto):\S+))$")
_PREFIXED = re.compile(r"^(?P<prefix>[A-Za-z][\w.-]*)?:(?P<local>[^\s:/<>\"{}]*)$")
_INTEGER = re.compile(r"^[+-]?\d+$")
_DECIMAL = re.compile(r"^[+-]?\d*\.\d+$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?$")

# The entities graph's IRI is a constant of the code, not a parameter: it is written into the query.
# ?key is bound by substitution (so it is selected): both patterns are index lookups.
BY_NAME_KEY = f"""
SELECT ?entity ?preferred ?key WHERE {{
  GRAPH <{ENTITIES}> {{
    {{ ?entity cg:nameKey ?key BIND (true AS ?preferred) }}
    UNION {{ ?entity cg:labelKey ?key BIND (false AS ?preferred) }}
  }}
}}"""


@dataclass(frozen=True)
class Param:
    """A parameter a query declares: its variable name, kind (one of ``KINDS``) and what it means."""

    name: str
    kind: str
    note: str
    required: bool


@dataclass(frozen=True)
class NamedQuery:
    """A shipped query: its name, one-line description, parameters and SPARQL text."""

    name: str
    description: str
    params: tuple[Param, ...]
    sparql: str

    @property
    def form(self) -> str:
        """``SELECT``, ``CONSTRUCT``, ``ASK`` or ``DESCRIBE``: the first keyword after the header."""
        body = "\n".join(line for line in self.sparql.splitlines() if not line.lstrip().startswith("#"))
        match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", body, re.IGNORECASE)
        return match.group(1).upper() if match else ""


def header_fields(sparql: str) -> dict[str, str]:
    """``# key: value`` lines before the query; a comment line without a key continues the last value.

    >>> header_fields("# name: Top\\n# description: Who speaks,\\n#   by claims\\n# Params: ?n\\nSELECT")
    {'name': 'Top', 'description': 'Who speaks, by claims', 'params': '?n'}
    """
    found: dict[str, str] = {}
    key = None
    for line in sparql.splitlines():
        line = line.strip()
        if not line.startswith("#"):
            if line:
                break
            continue
        match = _HEADER.fullmatch(line)
        if match:
            key = match.group(1).lower()
            found[key] = match.group(2).strip()
        elif key and line.lstrip("#").strip():
            found[key] = f"{found[key]} {line.lstrip('#').strip()}".strip()
        else:
            key = None
    return found


def parse_header(sparql: str) -> tuple[str, str, tuple[Param, ...]]:
    """``(name, description, params)`` from the leading ``# key: value`` comment lines of a query.

    Any query may carry this header, a file of one's own too; a query without one declares nothing.
    """
    fields = header_fields(sparql)
    params = []
    for name, inside in _PARAM.findall(fields.get("params", "")):
        declared = inside.strip()
        kind = next(
            (
                k
                for k in sorted(KINDS, key=len, reverse=True)
                if declared.lower().startswith(k.lower()) and declared[len(k) :][:1] in ("", ";", ",")
            ),
            None,
        )
        if kind is None:
            raise ClaimgraphError(
                f"parameter ?{name} is declared as {declared!r}: start with one of {', '.join(KINDS)}"
            )
        note = declared[len(kind) :].lstrip(" ;,:")
        params.append(Param(name, kind, note, re.search(r"\brequired\b", note) is not None))
    return fields.get("name", ""), fields.get("description", ""), tuple(params)


@cache
def shipped() -> dict[str, NamedQuery]:
    """The queries shipped in ``graph/sparql/queries/``, by name."""
    out = {}
    for path in sorted(files(__package__).joinpath("queries").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".rq"):
            continue
        text = path.read_text(encoding="utf-8")
        name, description, params = parse_header(text)
        if name != path.name.removesuffix(".rq"):
            raise ClaimgraphError(
                f"graph/sparql/queries/{path.name} says '# name: {name}': it must be its file name"
            )
        out[name] = NamedQuery(name, description, params, text)
    return out


def named(name: str) -> NamedQuery:
    """The shipped query ``name``; an unknown name is an error that suggests the closest ones."""
    queries = shipped()
    if name in queries:
        return queries[name]
    close = difflib.get_close_matches(name, queries, n=3, cutoff=0.5)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise ClaimgraphError(f"no shipped query is named {name!r}: {hint}`claimgraph query --list` shows them")


def _xsd(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=node(_XSD + datatype))


def iri(value: str) -> ox.NamedNode | None:
    """The IRI ``value`` stands for (absolute, ``<…>`` or a known prefix such as ``entity:``), else None."""
    match = _IRI.match(value)
    if match:
        text = match.group("bracketed") if match.group("bracketed") is not None else match.group("absolute")
    else:
        prefixed = _PREFIXED.match(value)
        namespace = prefixes().get(prefixed.group("prefix") or "") if prefixed else None
        if prefixed is None or namespace is None:
            return None
        text = namespace + prefixed.group("local")
    try:
        return ox.NamedNode(text)
    except ValueError:
        raise ClaimgraphError(f"{value!r} is not a valid IRI") from None


def term(name: str, value: str, kind: str | None = None) -> ox.NamedNode | ox.Literal:
    """The RDF term of ``--param name=value`` by the declared ``kind``, or by its shape when undeclared.

    ``IRI or name`` values that are not IRIs are returned as plain strings: ``bind`` resolves them.
    """
    if kind in ("IRI", "IRI or name") or kind is None:
        found = iri(value)
        if found is not None:
            return found
        if kind == "IRI":
            raise ClaimgraphError(
                f"--param {name}={value}: expected an IRI (https://…, <…> or a prefixed name like entity:…)"
            )
    if kind == "xsd:date" or (kind is None and _DATE.match(value)):
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ClaimgraphError(f"--param {name}={value}: expected a date like 2025-01-31") from None
        return _xsd(value, "date")
    if kind == "xsd:dateTime" or (kind is None and _DATETIME.match(value)):
        try:
            dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ClaimgraphError(
                f"--param {name}={value}: expected a time like 2025-01-31T09:30:00"
            ) from None
        return _xsd(value, "dateTime")
    if kind == "xsd:integer" or (kind is None and _INTEGER.match(value)):
        if not _INTEGER.match(value):
            raise ClaimgraphError(f"--param {name}={value}: expected an integer")
        return _xsd(str(int(value)), "integer")
    if kind is None and _DECIMAL.match(value):
        try:
            return _xsd(str(Decimal(value)), "decimal")
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    if kind is None and value in ("true", "false"):
        return _xsd(value, "boolean")
    return ox.Literal(value)


def resolve_entity(store: ox.Store, name: str) -> list[ox.NamedNode]:
    """The entities called ``name`` (by ``name_key``): those whose preferred label fits, else any label.

    >>> resolve_entity(ox.Store(), "Howard Lutnick")
    []
    """
    from extract.scripts import name_key  # OpenCC: loaded only when a name is looked up

    key = name_key(name)
    preferred: set[str] = set()
    other: set[str] = set()
    bound = {ox.Variable("key"): ox.Literal(key)}
    answer = store.query(BY_NAME_KEY, prefixes=prefixes(), substitutions=bound)
    assert isinstance(answer, ox.QuerySolutions)
    for row in answer:
        (preferred if row["preferred"].value == "true" else other).add(row["entity"].value)
    if not preferred and not other:
        other = {
            row["entity"].value
            for row in store.query(
                f"SELECT DISTINCT ?entity WHERE {{ GRAPH <{ENTITIES}> {{ ?entity cg:entityType ?type }} }}",
                prefixes=prefixes(),
            )
            if name_key(entity_id(row["entity"].value) or "") == key
        }
    return [ox.NamedNode(iri) for iri in sorted(preferred or other)]


def bind(
    store: ox.Store,
    sparql: str,
    values: Mapping[str, str],
    *,
    warn: Callable[[str], None] | None = None,
) -> dict[str, ox.NamedNode | ox.Literal]:
    """``--param`` values → RDF terms for the variables of ``sparql``, by its header's declarations.

    A query that declares parameters accepts only those, and needs its required ones. ``warn`` hears
    about a name that fits no entity (it is bound as a plain string and matches nothing).
    """
    _, _, params = parse_header(sparql)
    declared = {p.name: p for p in params}
    if declared:
        unknown = sorted(set(values) - set(declared))
        if unknown:
            raise ClaimgraphError(
                f"the query has no parameter ?{unknown[0]}: its parameters are "
                + ", ".join(f"?{p.name} ({p.kind})" for p in params)
            )
        missing = [p for p in params if p.required and p.name not in values]
        if missing:
            raise ClaimgraphError(
                f"the query needs ?{missing[0].name} ({missing[0].kind}): add --param {missing[0].name}=…"
            )
    bound: dict[str, ox.NamedNode | ox.Literal] = {}
    for name, value in values.items():
        param = declared.get(name)
        value_term = term(name, value, param.kind if param else None)
        if param is not None and param.kind == "IRI or name" and isinstance(value_term, ox.Literal):
            entities = resolve_entity(store, value)
            if len(entities) > 1:
                raise ClaimgraphError(
                    f"--param {name}={value}: the name fits {len(entities)} entities "
                    f"({', '.join(e.value for e in entities)}): pass one of these IRIs instead"
                )
            if entities:
                value_term = entities[0]
            elif warn is not None:
                warn(f"no entity is named {value!r}: ?{name} is bound to that string and matches nothing")
        bound[name] = value_term
    return bound


def execute(
    store: ox.Store,
    sparql: str,
    values: Mapping[str, str] | None = None,
    *,
    warn: Callable[[str], None] | None = None,
) -> Answer:
    """Bind ``values`` (``bind``) and run ``sparql`` over the store (``graph.sparql.query.run_query``)."""
    params = bind(store, sparql, values or {}, warn=warn)
    try:
        return run_query(store, sparql, params)
    except RuntimeError as e:
        if "projection" in str(e):
            raise ClaimgraphError(
                f"{e}: pyoxigraph binds only variables the query selects; add them to the SELECT clause"
            ) from e
        raise ClaimgraphError(f"the query failed: {e}") from e


def parse_params(pairs: tuple[str, ...] | list[str]) -> dict[str, str]:
    """``("entity=Howard Lutnick", "?since=2025-01-01")`` → a dict; a leading ``?`` is optional.

    >>> parse_params(["entity=Howard Lutnick", "?since=2025-01-01"])
    {'entity': 'Howard Lutnick', 'since': '2025-01-01'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip().lstrip("?$")
        if not sep or not re.fullmatch(r"\w+", key):
            raise ClaimgraphError(f"--param {pair!r}: write it as NAME=VALUE, e.g. --param entity=DeepSeek")
        if key in out:
            raise ClaimgraphError(f"--param {key} is given twice: a parameter has one value")
        out[key] = value
    return out
