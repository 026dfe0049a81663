"""Reading documents' digests (``cg:digest``): a map's claims with their context, and their posts, in one
lookup a document.

A map of thousands of claims read claim by claim costs a dozen index lookups a claim (its triples, its
selectors, its post's), about 0.3 ms each claim: 9 s for the 28,000 claims of a big focus map; and each
claim's context needs its document's text and mentions. The build writes each document's digest with the
triples it restates (``graph.store.rdf``); read here, it gives the same records as
:func:`graph.store.reader.claim_records` reads from the triples, and the context
``graph.store.context`` works out from the text and mentions (``tests/test_map.py`` compares them). A
document without one (a store written before it) is read from its triples and text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import orjson
import pyoxigraph as ox

from graph.store.context import Context
from graph.store.vocab import CG, entity_id

Digest = dict[str, Any]
"""A parsed digest: ``doc`` (file name), ``document`` (its record: :func:`document_record`), ``heading``
(its first line: ``graph.store.context.heading``), ``claims`` by IRI fragment (each its speaker, targets and
type, and the rest a JSON array in a string, parsed when first read and then kept as its record and
context) and ``posts`` by floor (each a JSON array in a string)."""

_DIGEST = ox.NamedNode(str(CG.digest))

FORMAT = 6
"""The digest's layout (its ``format``); a digest of another, or none, is read as absent: the triples."""


def digests(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> dict[ox.NamedNode, Digest | None]:
    """Each document graph's parsed digest, ``None`` where it has none: one lookup a graph."""
    out: dict[ox.NamedNode, Digest | None] = {}
    for graph in graphs:
        if graph not in out:
            out[graph] = digest_of(store, graph)
    return out


def digest_of(store: ox.Store, graph: ox.NamedNode) -> Digest | None:
    """One document graph's parsed digest, ``None`` if it has none or one of another layout."""
    found = next(iter(store.quads_for_pattern(graph, _DIGEST, None, graph)), None)
    return None if found is None else parse_digest(found.object.value)


def parse_digest(text: str) -> Digest | None:
    """A digest's literal parsed, ``None`` if it is of another layout."""
    digest = orjson.loads(text)
    return digest if isinstance(digest, dict) and digest.get("format") == FORMAT else None


def claim_iris(digest: Digest, graph: ox.NamedNode) -> list[ox.NamedNode]:
    """The IRIs of the document's claims (``graph`` its IRI: ``graph.store.vocab.claim_iri``)."""
    return [ox.NamedNode(f"{graph.value}#{fragment}") for fragment in digest["claims"]]


def claim_record(digest: Digest, claim: str) -> dict[str, Any] | None:
    """The record of ``claim`` (its IRI) as ``claim_records`` gives it, ``None`` if the digest lacks it.

    Made when first asked for and kept in the digest, so a map that judges a claim and then reads it
    makes it once: the same dict each time, to read, not to change."""
    found = claim_in_context(digest, claim)
    return None if found is None else found[0]


def claim_in_context(digest: Digest, claim: str) -> tuple[dict[str, Any], Context] | None:
    """The record of ``claim`` (its IRI: :func:`claim_record`) and the context a map shows it in
    (``graph.store.context``), ``None`` if the digest lacks the claim."""
    fragment = claim.rpartition("#")[2]
    row = digest["claims"].get(fragment)
    if row is None or isinstance(row, tuple):
        return row
    speaker, targets, kind, rest = row
    start, end, cue, cue_start, cue_end, quote, floor, date, text, *at = orjson.loads(rest)
    context = Context(*at)
    record = {
        "kind": "claim",
        "doc": digest["doc"],
        "speaker": speaker,
        "cue": cue,
        "text": context.window[start - context.ws : end - context.ws] if text is None else text,
        "start": start,
        "end": end,
        "targets": targets,
        "type": kind,
        "quote": quote,
        "cue_start": cue_start,
        "cue_end": cue_end,
        "post": floor,
        "date": date,
    }
    digest["claims"][fragment] = record, context
    return record, context


def claim_head(digest: Digest, claim: str) -> dict[str, Any] | None:
    """What a map judges ``claim`` (its IRI) by: its document, speaker, targets and type, as its record
    gives them, read without the rest (half a focus map's claims are judged out: the rest of theirs is
    never parsed); ``None`` if the digest lacks the claim."""
    row = digest["claims"].get(claim.rpartition("#")[2])
    if row is None or isinstance(row, tuple):
        return None if row is None else row[0]
    speaker, targets, kind, _ = row
    return {"doc": digest["doc"], "speaker": speaker, "targets": targets, "type": kind}


def post_record(digest: Digest, floor: int) -> dict[str, Any] | None:
    """The record of the post on ``floor`` as ``claim_records`` gives it, ``None`` if there is none."""
    row = digest["posts"].get(str(floor))
    if row is None:
        return None
    author, entity, time, start, end = orjson.loads(row)
    return {
        "kind": "post",
        "doc": digest["doc"],
        "floor": floor,
        "author": author,
        "entity": entity,
        "time": time,
        "start": start,
        "end": end,
    }


class DocumentTerms:
    """The predicates of a document's own triples (its IRI their subject), as IRI strings."""

    type = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
    document = str(CG.Document)
    fileName, sha256, encoding, text, authorName, digest = (
        str(CG.fileName),
        str(CG.sha256),
        str(CG.encoding),
        str(CG.text),
        str(CG.authorName),
        str(CG.digest),
    )
    format, title, issued, publisher, language = (
        f"http://purl.org/dc/terms/{x}" for x in ("format", "title", "issued", "publisher", "language")
    )
    url = "https://schema.org/url"
    required = (fileName, sha256, encoding, format)


def document_record(props: Mapping[str, Any]) -> dict[str, Any] | None:
    """A document's record as ``graph.store.reader.records`` gives it but its ``source`` (the path it was
    read from: a later build rewrites that triple when the folder moves, and a map does not show it), from
    its own triples (``props``: each predicate's first object); ``None`` if they lack a required one. The
    build writes it into the digest from the triples it writes; a reader without a digest makes it from
    those it reads."""
    d = DocumentTerms
    if any(p not in props for p in d.required):
        return None

    def text(p: str) -> str | None:
        term = props.get(p)
        return term.value or None if term is not None else None

    outlet = props.get(d.publisher)
    return {
        "kind": "document",
        "doc": props[d.fileName].value,
        "sha256": props[d.sha256].value,
        "encoding": props[d.encoding].value,
        "media_type": props[d.format].value,
        "title": text(d.title),
        "published": text(d.issued),
        "outlet": None if outlet is None else entity_id(outlet.value) or outlet.value,
        "url": text(d.url),
        "author": text(d.authorName),
        "language": text(d.language),
    }
