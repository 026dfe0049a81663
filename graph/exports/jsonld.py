"""JSON-LD with short keys: the store's quads written through the shipped context (``context.jsonld``).

pyoxigraph writes JSON-LD only in expanded form (every key a full IRI), and rdflib's writer orders nodes by
Python's set order, which changes between runs; so this module compacts by itself, with a few plain rules
that any JSON-LD 1.1 processor expands back to exactly the same quads:

- a predicate that has a term in the context is written under that term (``speaker``, ``start``...); its
  value is written in the short form the term's type allows (``"entity:deepseek"`` for an ``@id`` term,
  ``103`` for an ``xsd:integer`` term, ``"Accusation"`` for a ``@vocab`` term), else as an explicit value
  object (``{"@value": ..., "@language": ...}``);
- a value whose kind does not fit its term's type, and a predicate with no term, are written under the
  compact IRI (``cg:newThing``), which no term coerces, with explicit value objects;
- ``rdf:type`` becomes ``@type`` with class terms (``"Claim"``); IRIs are shortened with the context's
  prefixes (``doc:``, ``entity:``, ``cg:``...).

Output is streamed graph by graph (the default graph first, then named graphs by IRI), each named graph
as ``{"@id": graph, "@graph": [nodes]}``, nodes sorted by IRI, one node a line, values sorted: the same
store gives the same bytes, and memory holds one graph at a time.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib.resources import files
from typing import Any, BinaryIO

import pyoxigraph as ox

_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_XSD = "http://www.w3.org/2001/XMLSchema#"
_STRING, _INTEGER, _BOOLEAN = f"{_XSD}string", f"{_XSD}integer", f"{_XSD}boolean"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_CANONICAL_INT = re.compile(r"-?[1-9][0-9]{0,14}|0")
_GEN_DELIMS = tuple(":/?#[]@")

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@cache
def context() -> dict[str, Any]:
    """The shipped context (``graph/exports/context.jsonld``), the object under its ``@context`` key."""
    return json.loads(files(__package__).joinpath("context.jsonld").read_text(encoding="utf-8"))["@context"]


class _Compactor:
    """IRI ↔ term tables from the context, and the rules above."""

    def __init__(self, ctx: dict[str, Any]) -> None:
        raw = {k: (v if isinstance(v, str) else v["@id"]) for k, v in ctx.items() if not k.startswith("@")}
        self.prefixes = {
            k: v for k, v in ctx.items() if isinstance(v, str) and "://" in v and v.endswith(_GEN_DELIMS)
        }
        expanded = {k: self._expand(v) for k, v in raw.items()}
        self.vocab = {iri: term for term, iri in expanded.items() if term not in self.prefixes}
        self.properties: dict[str, tuple[str, str | None]] = {}
        for term, value in ctx.items():
            if term.startswith("@") or term in self.prefixes:
                continue
            coerce = value.get("@type") if isinstance(value, dict) else None
            if coerce not in (None, "@id", "@vocab"):
                coerce = self._expand(coerce)
            self.properties[expanded[term]] = (term, coerce)
        # longest namespace first, so doc: wins over cgid:
        self._by_length = sorted(self.prefixes.items(), key=lambda kv: (-len(kv[1]), kv[0]))

    def _expand(self, value: str) -> str:
        prefix, _, rest = value.partition(":")
        if rest and not rest.startswith("//") and prefix in self.prefixes:
            return self.prefixes[prefix] + rest
        return value

    def iri(self, iri: str) -> str:
        """A compact IRI (``entity:deepseek``) if a prefix fits, else the IRI itself."""
        for prefix, namespace in self._by_length:
            rest = iri[len(namespace) :]
            if iri.startswith(namespace) and rest and not rest.startswith("//"):
                return f"{prefix}:{rest}"
        return iri

    def vocab_iri(self, iri: str) -> str:
        """A term (``Claim``) if the context has one for ``iri``, else a compact IRI."""
        return self.vocab.get(iri) or self.iri(iri)

    def node_id(self, term: ox.NamedNode | ox.BlankNode) -> str:
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else self.iri(term.value)

    def value_object(self, term: Term) -> Any:
        """An explicit value, right under any key without type coercion."""
        if not isinstance(term, ox.Literal):
            return {"@id": self.node_id(term)}
        datatype = term.datatype.value
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if datatype == _STRING:
            return term.value
        return {"@value": term.value, "@type": self.vocab_iri(datatype)}

    def entry(self, predicate: str, obj: Term) -> tuple[str, Any]:
        """The key and the value under which one triple's predicate and object are written."""
        if predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode):
            return "@type", self.vocab_iri(obj.value)
        term, coerce = self.properties.get(predicate, (None, None))
        if term is None:
            return self.iri(predicate), self.value_object(obj)
        is_literal = isinstance(obj, ox.Literal)
        if coerce is None:
            return term, self.value_object(obj)
        if coerce == "@id" and not is_literal:
            return term, self.node_id(obj)
        if coerce == "@vocab" and isinstance(obj, ox.NamedNode):
            return term, self.vocab_iri(obj.value)
        if is_literal and not obj.language and obj.datatype.value == coerce:
            if coerce == _INTEGER and _CANONICAL_INT.fullmatch(obj.value):
                return term, int(obj.value)
            if coerce == _BOOLEAN and obj.value in ("true", "false"):
                return term, obj.value == "true"
            return term, obj.value
        return self.iri(predicate), self.value_object(obj)


def _nodes(quads: list[ox.Quad], compactor: _Compactor) -> list[dict[str, Any]]:
    by_subject: dict[str, tuple[ox.NamedNode | ox.BlankNode, list[ox.Quad]]] = {}
    for quad in quads:
        by_subject.setdefault(str(quad.subject), (quad.subject, []))[1].append(quad)
    nodes = []
    for key in sorted(by_subject):
        subject, own = by_subject[key]
        values: dict[str, list[tuple[str, Any]]] = {}
        for quad in own:
            name, value = compactor.entry(quad.predicate.value, quad.object)
            values.setdefault(name, []).append((str(quad.object), value))
        node: dict[str, Any] = {"@id": compactor.node_id(subject)}
        for name in sorted(values, key=lambda k: (k != "@type", k)):
            ordered = [v for _, v in sorted(values[name], key=lambda kv: kv[0])]
            node[name] = ordered[0] if len(ordered) == 1 else ordered
        nodes.append(node)
    return nodes


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_jsonld(store: ox.Store, out: BinaryIO) -> int:
    """Write every quad of ``store`` as compacted JSON-LD; return the number of quads.

    >>> import io
    >>> store = ox.Store()
    >>> g = ox.NamedNode("https://w3id.org/claimgraph/id/doc/d")
    >>> claim = ox.NamedNode("https://w3id.org/claimgraph/id/doc/d#claim=0,5")
    >>> cg = "https://w3id.org/claimgraph/ns#"
    >>> store.extend([
    ...     ox.Quad(claim, ox.NamedNode(_RDF_TYPE), ox.NamedNode(cg + "Claim"), g),
    ...     ox.Quad(claim, ox.NamedNode(cg + "speaker"),
    ...             ox.NamedNode("https://w3id.org/claimgraph/id/entity/ann"), g),
    ...     ox.Quad(claim, ox.NamedNode(cg + "claimType"), ox.NamedNode(cg + "Denial"), g),
    ...     ox.Quad(claim, ox.NamedNode("http://www.w3.org/ns/oa#start"), ox.Literal("0", datatype=
    ...             ox.NamedNode(_INTEGER)), g),
    ... ])
    >>> out = io.BytesIO()
    >>> write_jsonld(store, out)
    4
    >>> print(out.getvalue().decode().split("\\n", 2)[2])
    {"@id": "doc:d", "@graph": [
    {"@id": "doc:d#claim=0,5", "@type": "Claim", "claimType": "Denial", "speaker": "entity:ann", "start": 0}
    ]}
    ]}
    <BLANKLINE>
    """
    compactor = _Compactor(context())
    out.write(b'{"@context": ' + _dumps(context()).encode() + b',\n"@graph": [\n')
    n = 0
    first = True
    default = list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))
    for node in _nodes(default, compactor):
        out.write(("" if first else ",\n").encode() + _dumps(node).encode())
        first = False
    n += len(default)
    for graph in sorted(store.named_graphs(), key=str):
        quads = list(store.quads_for_pattern(None, None, None, graph))
        n += len(quads)
        head = ("" if first else ",\n") + '{"@id": ' + _dumps(compactor.node_id(graph)) + ', "@graph": [\n'
        out.write(head.encode())
        out.write(",\n".join(_dumps(node) for node in _nodes(quads, compactor)).encode())
        out.write(b"\n]}")
        first = False
    out.write(b"\n]}\n")
    return n
