"""The claimgraph vocabulary and instance IRIs, each defined in one place.

``CG`` mirrors ``ontology.ttl`` term by term, like rdflib's ``PROV``: with ``_fail = True`` a typo raises
instead of minting a wrong IRI, and ``tests/test_vocab.py`` fails when code and ontology disagree.
The GUIDELINES codes (``PERSON``, ``demand``, ...) are read from the ontology, not retyped here.

>>> str(entity_iri("Howard Lutnick"))
'https://w3id.org/claimgraph/id/entity/Howard%20Lutnick'
>>> entity_id(entity_iri("卢特尼克/Lutnick"))
'卢特尼克/Lutnick'
>>> str(mention_iri("新闻/a b.txt", 3, 7))
'https://w3id.org/claimgraph/id/doc/新闻/a%20b.txt#char=3,7'
"""

from __future__ import annotations

import string
import unicodedata
from functools import cache, lru_cache
from importlib.resources import files
from urllib.parse import unquote

import pyoxigraph as ox
from rdflib import namespace as rdfns
from rdflib.term import URIRef

from extract.errors import ClaimgraphError


class CG(rdfns.DefinedNamespace):
    """claimgraph vocabulary (ontology.ttl)."""

    _NS = rdfns.Namespace("https://w3id.org/claimgraph/ns#")
    _fail = True

    # classes
    Document: URIRef
    Post: URIRef
    QuotedPost: URIRef
    Mention: URIRef
    Entity: URIRef
    Person: URIRef
    Organization: URIRef
    Place: URIRef
    Law: URIRef
    Product: URIRef
    Claim: URIRef
    ClaimType: URIRef
    Author: URIRef
    Extraction: URIRef
    Build: URIRef
    Passage: URIRef

    # claim types (individuals of ClaimType)
    Statement: URIRef
    Accusation: URIRef
    Denial: URIRef
    Warning: URIRef
    Demand: URIRef
    Question: URIRef
    Support: URIRef
    Criticism: URIRef
    Admission: URIRef

    # document
    fileName: URIRef
    sha256: URIRef
    encoding: URIRef
    text: URIRef
    authorName: URIRef
    digest: URIRef

    # post
    floor: URIRef
    posterName: URIRef
    poster: URIRef
    posterMention: URIRef
    quotes: URIRef
    blockSelector: URIRef

    # entity
    denotes: URIRef
    entityType: URIRef
    typeCode: URIRef
    code: URIRef
    nameKey: URIRef
    labelKey: URIRef

    # entity statistics
    mentionCount: URIRef
    documentCount: URIRef
    claimsMade: URIRef
    claimsReceived: URIRef
    speakerDocumentCount: URIRef
    targetCount: URIRef
    madeClaimType: URIRef

    # claim
    speaker: URIRef
    target: URIRef
    claimType: URIRef
    cue: URIRef
    cueSelector: URIRef
    content: URIRef
    claimKey: URIRef
    isDirect: URIRef
    speakerMention: URIRef
    targetMention: URIRef
    inPost: URIRef
    statement: URIRef

    # copies (graph.store.duplicates)
    repeats: URIRef


class OA(rdfns.DefinedNamespace):
    """The W3C Web Annotation terms claimgraph uses to anchor spans (rdflib ships no OA namespace)."""

    _NS = rdfns.Namespace("http://www.w3.org/ns/oa#")
    _fail = True

    SpecificResource: URIRef
    TextPositionSelector: URIRef
    TextQuoteSelector: URIRef
    hasSource: URIRef
    hasSelector: URIRef
    start: URIRef
    end: URIRef
    exact: URIRef
    prefix: URIRef
    suffix: URIRef


ONTOLOGY = URIRef(str(CG._NS).rstrip("#"))
"""The ontology's own IRI; also the name of the graph that holds it in a store."""

ID = rdfns.Namespace("https://w3id.org/claimgraph/id/")
"""Base of every instance IRI."""

BUILD = ID["build"]
"""The graph (and activity) describing the latest build; the only place that holds wall-clock time."""

ENTITIES = ID["entities"]
"""The graph describing each entity the documents refer to, once, merged over all documents."""

DUPLICATES = ID["duplicates"]
"""The graph of documents, posts and passages that repeat others (``cg:repeats``) and of the claims they
repeat (``cg:statement``): derived from the documents, recomputed by every build
(``graph.store.duplicates``)."""

_ENTITY = ID["entity/"]
_DOC = ID["doc/"]
_UNRESERVED = frozenset(string.ascii_letters + string.digits + "-._~")


def _iri_safe(ch: str) -> bool:
    """True for characters an IRI may hold verbatim (RFC 3987 ucschar), minus controls and spaces."""
    if ch in _UNRESERVED:
        return True
    cp = ord(ch)
    return (
        cp > 0x7F
        and unicodedata.category(ch)[0] not in "CZ"
        and not 0xFFF0 <= cp <= 0xFFFF
        and not 0xE0000 <= cp <= 0xE0FFF
    )


def escape(text: str, safe: str = "") -> str:
    """Percent-encode what may not stand in an IRI path; Chinese and other letters stay readable."""
    return "".join(
        ch if ch in safe or _iri_safe(ch) else "".join(f"%{b:02X}" for b in ch.encode()) for ch in text
    )


@lru_cache(maxsize=65536)  # called for every mention, speaker and target: escaping is per character
def entity_iri(entity_id: str) -> URIRef:
    """IRI of an entity, ``id/entity/<id>``: the same in every document and build."""
    return URIRef(_ENTITY + escape(entity_id))


def entity_id(iri: str) -> str | None:
    """The entity id an entity IRI was made from; ``None`` for any other IRI (e.g. an author node)."""
    return unquote(iri[len(_ENTITY) :]) if iri.startswith(_ENTITY) else None


@lru_cache(maxsize=1024)  # every IRI of a document's graph starts with it
def doc_iri(name: str) -> URIRef:
    """IRI of a document, ``id/doc/<name>``; it also names the document's graph."""
    return URIRef(_DOC + escape(name, safe="/"))


def mention_iri(doc: str, start: int, end: int) -> URIRef:
    """IRI of the mention at ``text[start:end]`` (RFC 5147 ``#char=`` fragment)."""
    return URIRef(f"{doc_iri(doc)}#char={start},{end}")


def mention_span(iri: str, fragment: str = "#char=") -> tuple[int, int] | None:
    """The offsets a mention IRI (:func:`mention_iri`) was made from, or with ``fragment="#tps="`` a
    position selector's (:func:`position_selector_iri`); ``None`` for any other IRI.

    >>> mention_span(str(mention_iri("a.txt", 3, 9)))
    (3, 9)
    >>> mention_span(str(position_selector_iri("a.txt", 0, 4)), "#tps=")
    (0, 4)
    """
    _, sep, rest = iri.rpartition(fragment)
    start, comma, end = rest.partition(",")
    if sep and comma and start.isdigit() and end.isdigit():
        return int(start), int(end)
    return None


def claim_iri(doc: str, start: int, end: int, n: int = 1) -> URIRef:
    """IRI of the ``n``-th claim whose content is ``text[start:end]``."""
    return URIRef(f"{doc_iri(doc)}#claim={start},{end}" + (f"-{n}" if n > 1 else ""))


def post_iri(doc: str, floor: int) -> URIRef:
    """IRI of a forum post by its floor."""
    return URIRef(f"{doc_iri(doc)}#post={floor}")


def quoted_post_iri(doc: str, floor: int, n: int) -> URIRef:
    """IRI of the ``n``-th (1-based) earlier post quoted in the post at ``floor``."""
    return URIRef(f"{post_iri(doc, floor)}&quote={n}")


def author_iri(doc: str) -> URIRef:
    """IRI of a document's unnamed author (speaker ``author``)."""
    return URIRef(f"{doc_iri(doc)}#author")


def position_selector_iri(doc: str, start: int, end: int) -> URIRef:
    """IRI of the ``oa:TextPositionSelector`` of a span; shared by everything at that span."""
    return URIRef(f"{doc_iri(doc)}#tps={start},{end}")


def quote_selector_iri(doc: str, start: int, end: int) -> URIRef:
    """IRI of the ``oa:TextQuoteSelector`` of a span."""
    return URIRef(f"{doc_iri(doc)}#tqs={start},{end}")


def extraction_iri(name: str, sha256: str, version: str) -> URIRef:
    """IRI of extracting one document's content with one tool version: same input, same IRI.

    The name is part of it, so two files with the same bytes are two extractions, each in its own graph.
    """
    return ID[f"extraction/{sha256}/{escape(version)}/{escape(name)}"]


def software_iri(version: str) -> URIRef:
    """IRI of a claimgraph release, the ``prov:SoftwareAgent`` of extractions and builds."""
    return ID[f"software/claimgraph/{escape(version)}"]


@cache
def node(iri: str) -> ox.NamedNode:
    """The pyoxigraph node of an IRI (cached, for the few vocabulary terms used over and over)."""
    return ox.NamedNode(iri)


def ontology_bytes() -> bytes:
    """ontology.ttl as shipped with the package."""
    return files(__package__).joinpath("ontology.ttl").read_bytes()


@cache
def _ontology() -> tuple[tuple[ox.Quad, ...], dict[str, str]]:
    parser = ox.parse(ontology_bytes(), ox.RdfFormat.TURTLE)
    quads = tuple(parser)
    return quads, dict(parser.prefixes)


def ontology_quads() -> tuple[ox.Quad, ...]:
    """The ontology's triples, in the default graph."""
    return _ontology()[0]


def prefixes() -> dict[str, str]:
    """Prefixes for queries and Turtle: the ontology's own, plus one for entity IRIs."""
    return {**_ontology()[1], "entity": str(_ENTITY)}


def _codes(predicate: URIRef) -> dict[str, URIRef]:
    return {
        q.object.value: URIRef(q.subject.value)
        for q in ontology_quads()
        if q.predicate.value == str(predicate) and isinstance(q.subject, ox.NamedNode)
    }


@cache
def entity_classes() -> dict[str, URIRef]:
    """GUIDELINES entity type code → class, e.g. ``"GPE"`` → ``cg:Place`` (from ``cg:typeCode``)."""
    return _codes(CG.typeCode)


@cache
def claim_types() -> dict[str, URIRef]:
    """GUIDELINES claim type code → individual, e.g. ``"demand"`` → ``cg:Demand`` (from ``cg:code``)."""
    return _codes(CG.code)


def entity_class(code: str) -> URIRef:
    """The class of an entity type code; an unknown code is a bug in extraction, named in the error."""
    try:
        return entity_classes()[code]
    except KeyError:
        raise ClaimgraphError(
            f"unknown entity type {code!r}: expected one of {', '.join(sorted(entity_classes()))}"
        ) from None


def claim_type(code: str) -> URIRef:
    """The individual of a claim type code; an unknown code is a bug in extraction, named in the error."""
    try:
        return claim_types()[code]
    except KeyError:
        raise ClaimgraphError(
            f"unknown claim type {code!r}: expected one of {', '.join(sorted(claim_types()))}"
        ) from None
