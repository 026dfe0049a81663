"""Records → RDF quads: a graph per document, one graph of entities, and the build graph apart.

Queries read the union of all graphs, and oxigraph does not deduplicate it: a triple held by two graphs
comes back twice. So every triple lives in exactly one graph:

- a document's graph (named by its IRI) holds only what is unique to the document: the document, its
  posts, mentions, claims and extraction activity, so an incremental build can copy or replace it as a
  unit. Mentions and claims point at entity IRIs; the aliases a document uses stay readable from its
  mentions' exact text.
- the entities graph (``ENTITIES``) describes each entity once, merged over all documents
  (``EntityDescriptions``).
- the build graph (``BUILD``) holds the build, the software agents and every time.

Document and entity graphs are pure functions of the records (IRIs from names, offsets and the content
hash; no clock), so the same input always gives the same quads; wall-clock time only goes into the
build graph.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from importlib.metadata import PackageNotFoundError, version

import pyoxigraph as ox
from rdflib import namespace as rdfns
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS
from rdflib.term import URIRef

from extract.errors import ClaimgraphError
from extract.records import AUTHOR, QUOTE_KINDS, Claim, Document, Entity, Extraction, Mention, Post
from graph.store.context import claim_context, heading
from graph.store.digest import FORMAT, document_record
from graph.store.vocab import (
    BUILD,
    CG,
    ENTITIES,
    OA,
    ONTOLOGY,
    author_iri,
    claim_iri,
    claim_type,
    doc_iri,
    entity_class,
    entity_id,
    entity_iri,
    extraction_iri,
    mention_iri,
    node,
    ontology_quads,
    position_selector_iri,
    post_iri,
    quote_selector_iri,
    quoted_post_iri,
    software_iri,
)

CONTEXT = 32
"""Characters of prefix and suffix kept by a text quote selector: enough to find a span again."""

_DIRECT, _INDIRECT = QUOTE_KINDS


@cache
def tool_version() -> str:
    """The installed claimgraph version; part of every extraction IRI."""
    try:
        return version("claimgraph")
    except PackageNotFoundError:
        return "0+unknown"


def build_time() -> datetime:
    """Now, or ``SOURCE_DATE_EPOCH`` when set (reproducible-builds.org), so rebuilds can be byte-identical."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return datetime.now(UTC).replace(microsecond=0)
    try:
        return datetime.fromtimestamp(int(epoch), UTC)
    except (ValueError, OverflowError, OSError):
        raise ClaimgraphError(
            f"SOURCE_DATE_EPOCH={epoch!r} is not a Unix time in seconds: set it to an integer or unset it"
        ) from None


def time_literal(t: datetime) -> ox.Literal:
    """An ``xsd:dateTime`` in UTC, second precision."""
    return ox.Literal(t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), datatype=node(rdfns.XSD.dateTime))


def post_time_literal(text: str) -> ox.Literal:
    """A post's time as ``xsd:dateTime`` (``xsd:date`` for a day alone), so SPARQL sorts and compares it
    as a time; naive, as the forum wrote it. A text that is no ISO time stays a plain string.

    >>> post_time_literal("2025-02-01T09:30").value
    '2025-02-01T09:30:00'
    >>> post_time_literal("2025-02-01").datatype.value
    'http://www.w3.org/2001/XMLSchema#date'
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return ox.Literal(text)
    if len(text) == len("YYYY-MM-DD"):
        return ox.Literal(text, datatype=node(rdfns.XSD.date))
    return ox.Literal(moment.isoformat(timespec="seconds"), datatype=node(rdfns.XSD.dateTime))


class _Graph:
    """Quads of one named graph, deduplicated in insertion order (spans share their selectors)."""

    def __init__(self, name: str) -> None:
        self.name = ox.NamedNode(name)
        self.quads: dict[ox.Quad, None] = {}

    def add(self, s: str, p: str, o: str | ox.Literal) -> None:
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        self.quads[ox.Quad(ox.NamedNode(s), node(p), obj, self.name)] = None


def extraction_quads(x: Extraction) -> Iterator[ox.Quad]:
    """What is unique to one document, in the graph named by the document IRI.

    Entities are only referred to by IRI: their descriptions go to the entities graph
    (``EntityDescriptions``), the software agent's to the build graph.
    """
    doc = x.document
    g = _Graph(doc_iri(doc.name))
    _document(g, doc)
    if x.outlet is not None:
        g.add(doc_iri(doc.name), DCTERMS.publisher, entity_iri(x.outlet))
    for mention in x.mentions:
        _mention(g, doc, mention)
    at_span = {(m.start, m.end): m.entity for m in x.mentions}
    for post in doc.posts:
        _post(g, doc, post, at_span)
    activity = extraction_iri(doc.name, doc.sha256, tool_version())
    _activity(g, doc, activity)
    seen: Counter[tuple[int, int]] = Counter()
    named = []
    for claim in x.claims:
        seen[claim.start, claim.end] += 1
        iri = claim_iri(doc.name, claim.start, claim.end, seen[claim.start, claim.end])
        _claim(g, doc, claim, iri, activity, x.mentions)
        named.append((iri, claim))
    own: dict[str, ox.Term] = {}  # the document's own triples: its record
    for q in g.quads:
        if q.subject == g.name:
            own.setdefault(q.predicate.value, q.object)
    g.add(doc_iri(doc.name), CG.digest, _digest(x, document_record(own), named, at_span))
    return iter(g.quads)


def _digest(
    x: Extraction,
    record: dict[str, object] | None,
    claims: list[tuple[str, Claim]],
    at_span: Mapping[tuple[int, int], str],
) -> ox.Literal:
    """``cg:digest``: the document's record (made from its triples, ``record``), its claims with their
    context (``graph.store.context``), the posts they are in, and its first line, as the store gives them
    back (``graph.store.digest``), in one JSON literal (each post, and each claim but its speaker, targets
    and type, a JSON string in it): what a map reads in one lookup a document instead of a dozen a claim
    and the document's text. Written with the triples it restates, from the same extraction, so the two
    cannot disagree."""
    doc = x.document

    def entity(eid: str) -> str:
        iri = str(entity_iri(eid))
        return entity_id(iri) or iri

    spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for start, end, eid in sorted({(m.start, m.end, m.entity) for m in x.mentions}):
        spans[entity(eid)].append((start, end))
    floors = {p.floor for p in doc.posts}
    rows = {}
    for iri, c in claims:
        when = claim_date(doc, c)
        cue = c.cue_start is not None and c.cue_end is not None
        speaker = AUTHOR if c.speaker == AUTHOR else entity(c.speaker)
        targets = sorted(entity(t) for t in c.targets)
        shown = [e for e in (speaker, *targets) if e != AUTHOR]
        at = claim_context(
            doc.text, (c.start, c.end, c.text), (c.cue_start, c.cue_end) if cue else None, spans, shown
        )
        rest = [
            c.start,
            c.end,
            c.cue or "",
            c.cue_start if cue else None,
            c.cue_end if cue else None,
            c.quote,
            c.post if c.post in floors else None,
            None if when is None else post_time_literal(when).value,
            None if at.window[c.start - at.ws : c.end - at.ws] == c.text else c.text,  # else in the window
            at.ws,
            at.window,
            at.clipped,
            at.marks,
        ]
        rows[iri.rpartition("#")[2]] = [speaker, targets, c.type, _compact(rest)]
    posts = {
        str(p.floor): _compact(
            [
                p.author,
                entity(at_span[p.author_start, p.author_end])
                if (p.author_start, p.author_end) in at_span
                else None,
                post_time_literal(p.time).value if p.time else None,
                p.start,
                p.end,
            ]
        )
        for p in doc.posts
    }
    body = {"format": FORMAT, "doc": doc.name, "document": record, "heading": heading(doc.text)}
    body |= {"claims": rows, "posts": posts}
    return ox.Literal(_compact(body), datatype=node(RDF.JSON))


def _compact(value: object) -> str:
    """JSON without spaces; a record is a string inside the digest, parsed only when read (a map judges a
    document's claims by their speakers and targets, and reads the rest of those it keeps)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _document(g: _Graph, doc: Document) -> None:
    iri = doc_iri(doc.name)
    g.add(iri, RDF.type, CG.Document)
    g.add(iri, CG.fileName, ox.Literal(doc.name))
    g.add(iri, CG.sha256, ox.Literal(doc.sha256))
    g.add(iri, CG.encoding, ox.Literal(doc.encoding))
    g.add(iri, DCTERMS.format, ox.Literal(doc.media_type))
    g.add(iri, CG.text, ox.Literal(doc.text))
    if doc.source:
        g.add(iri, DCTERMS.source, ox.Literal(doc.source))
    meta = doc.meta
    if meta.title:
        g.add(iri, DCTERMS.title, ox.Literal(meta.title))
    if meta.published:
        g.add(iri, DCTERMS.issued, post_time_literal(meta.published))
    if meta.url:
        g.add(iri, SDO.url, ox.Literal(meta.url, datatype=node(rdfns.XSD.anyURI)))
    if meta.author:
        g.add(iri, CG.authorName, ox.Literal(meta.author))
    if meta.language:
        tag = f"{meta.language}-{meta.script}" if meta.script else meta.language
        g.add(iri, DCTERMS.language, ox.Literal(tag))


ENTITY_LINKS = (CG.denotes, CG.speaker, CG.target, CG.poster, DCTERMS.publisher)
"""The only properties by which a document graph refers to an entity: a mention, a speaker, a target, a
poster, an outlet. A store counts references with a query over these alone (``graph.store.store``)."""
_LINKS = frozenset(str(p) for p in ENTITY_LINKS)


def referenced_entities(quads: Iterable[ox.Quad]) -> set[str]:
    """IRIs of the entities a document graph refers to (``ENTITY_LINKS``: mentions, speakers, targets...)."""
    return {
        q.object.value
        for q in quads
        if q.predicate.value in _LINKS
        and isinstance(q.object, ox.NamedNode)
        and entity_id(q.object.value) is not None
    }


def most_common(counts: Counter[str]) -> str:
    """The most frequent value, the first in code point order among ties, so the choice is stable."""
    return min(counts.items(), key=lambda item: (-item[1], item[0]))[0] if counts else ""


@dataclass
class _Votes:
    """What the documents say about one entity: their votes for its type and name, all their labels."""

    types: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    labels: set[ox.Literal] = field(default_factory=set)
    aliases: set[str] = field(default_factory=set)


Vote = tuple[str, str, str, list[tuple[str, str]], list[str]]
"""What one document says of one entity it refers to: IRI, type code, name, (language, label) pairs,
aliases. Plain values, so a Dask worker can write them as JSON."""


def votes_of(entities: Iterable[Entity], referenced: Collection[str]) -> list[Vote]:
    """A document's votes: its ``Entity`` records that it refers to (``referenced``), in record order.

    An unknown type code is refused, referred to or not.
    """
    votes = []
    for entity in entities:
        entity_class(entity.type)
        iri = str(entity_iri(entity.id))
        if iri in referenced:
            votes.append((iri, entity.type, entity.name, sorted(entity.labels.items()), list(entity.aliases)))
    return votes


class EntityDescriptions:
    """The entities graph: each entity described once, merged over the documents that refer to it.

    Only entities some document refers to (by a mention, speaker, target or poster) are described, and
    each such document counts once for each of them:

    - ``skos:altLabel``: the union of every document's aliases, minus the chosen ``skos:prefLabel``
      (SKOS: a label is either preferred or alternative);
    - ``rdfs:label``: the union of every document's language-tagged labels; documents that disagree in
      one language all keep theirs, so a language may have several labels;
    - ``cg:entityType`` (with the ``rdf:type`` class it codes) and ``skos:prefLabel``: the value most
      documents give; among equally frequent values, the first in code point order (``most_common``);
    - ``cg:nameKey`` and ``cg:labelKey``: the ``name_key`` of the preferred label and of every label, by
      which a name given in either script finds the entity (``graph.sparql.queries.resolve_entity``).

    An extracted document counts through its ``Entity`` records (``add``); a kept one through the
    previous store's entities graph (``add_description``), whose merged type and name count as that
    document's votes. So, with the same inputs, keeping documents gives the same graph as extracting them
    all again (the previous winner only gains votes). A value that only a document since removed or
    changed gave survives as long as a kept document refers to that entity; ``claimgraph build --force``
    counts afresh. Memory: one small summary per entity, no document's quads.
    """

    def __init__(self) -> None:
        self._votes: defaultdict[str, _Votes] = defaultdict(_Votes)

    def add(self, entities: Iterable[Entity], referenced: Collection[str]) -> None:
        """One extracted document's records; entities it does not refer to (``referenced``) are left out."""
        self.add_votes(votes_of(entities, referenced))

    def add_votes(self, votes: Iterable[Vote]) -> None:
        """One document's votes (``votes_of``), wherever it was extracted."""
        for iri, code, name, labels, aliases in votes:
            entry = self._votes[iri]
            entry.types[code] += 1
            entry.names[name] += 1
            entry.labels.update(ox.Literal(label, language=lang) for lang, label in labels)
            entry.aliases.update(aliases)

    def add_description(self, entity: str, quads: Iterable[ox.Quad], documents: int = 1) -> None:
        """Kept documents' view of ``entity``: its description in a previous entities graph, counted for each
        of the ``documents`` kept documents that refer to it."""
        for q in quads:
            votes = self._votes[entity]
            predicate, value = URIRef(q.predicate.value), q.object.value
            if predicate == CG.entityType:
                votes.types[value] += documents
            elif predicate == SKOS.prefLabel:
                votes.names[value] += documents
            elif predicate == RDFS.label and isinstance(q.object, ox.Literal):
                votes.labels.add(q.object)
            elif predicate == SKOS.altLabel:
                votes.aliases.add(value)

    def described(self) -> set[str]:
        """IRIs of the entities described so far."""
        return set(self._votes)

    def quads(self) -> Iterator[ox.Quad]:
        """The merged descriptions, in the entities graph."""
        from extract.scripts import name_key  # OpenCC: loaded by a build only, not by every command

        g = _Graph(ENTITIES)
        for iri in sorted(self._votes):
            votes = self._votes[iri]
            if votes.types:
                code = most_common(votes.types)
                g.add(iri, RDF.type, entity_class(code))
                g.add(iri, CG.entityType, ox.Literal(code))
            name = most_common(votes.names) if votes.names else None
            if name is not None:
                g.add(iri, SKOS.prefLabel, ox.Literal(name))
            for label in sorted(votes.labels, key=lambda lit: (lit.language or "", lit.value)):
                g.add(iri, RDFS.label, label)
            for alias in sorted(votes.aliases - {name}):
                g.add(iri, SKOS.altLabel, ox.Literal(alias))
            if name is not None and name_key(name):
                g.add(iri, CG.nameKey, ox.Literal(name_key(name)))
            names = {name, *votes.aliases, *(label.value for label in votes.labels)} - {None}
            for key in sorted({name_key(n) for n in names if n} - {""}):
                g.add(iri, CG.labelKey, ox.Literal(key))
        return iter(g.quads)


def _span(g: _Graph, doc: Document, thing: str, start: int, end: int) -> None:
    """Anchor ``thing`` at ``doc.text[start:end]`` with a position and a quote selector (Web Annotation)."""
    g.add(thing, OA.hasSource, doc_iri(doc.name))
    position = position_selector_iri(doc.name, start, end)
    g.add(thing, OA.hasSelector, position)
    _position(g, position, start, end)
    quote = quote_selector_iri(doc.name, start, end)
    g.add(thing, OA.hasSelector, quote)
    g.add(quote, RDF.type, OA.TextQuoteSelector)
    g.add(quote, OA.exact, ox.Literal(doc.text[start:end]))
    if start > 0:
        g.add(quote, OA.prefix, ox.Literal(doc.text[max(0, start - CONTEXT) : start]))
    if end < len(doc.text):
        g.add(quote, OA.suffix, ox.Literal(doc.text[end : end + CONTEXT]))


def _position(g: _Graph, selector: str, start: int, end: int) -> None:
    g.add(selector, RDF.type, OA.TextPositionSelector)
    g.add(selector, OA.start, ox.Literal(start))
    g.add(selector, OA.end, ox.Literal(end))


def _mention(g: _Graph, doc: Document, mention: Mention) -> None:
    iri = mention_iri(doc.name, mention.start, mention.end)
    g.add(iri, RDF.type, CG.Mention)
    g.add(iri, CG.denotes, entity_iri(mention.entity))
    _span(g, doc, iri, mention.start, mention.end)


def _post(g: _Graph, doc: Document, post: Post, at_span: Mapping[tuple[int, int], str]) -> None:
    iri = post_iri(doc.name, post.floor)
    g.add(iri, RDF.type, CG.Post)
    g.add(iri, CG.floor, ox.Literal(post.floor))
    g.add(iri, CG.posterName, ox.Literal(post.author))
    if post.time:
        g.add(iri, DCTERMS.created, post_time_literal(post.time))
    _span(g, doc, iri, post.start, post.end)
    poster = at_span.get((post.author_start, post.author_end))
    if poster is not None:
        g.add(iri, CG.posterMention, mention_iri(doc.name, post.author_start, post.author_end))
        g.add(iri, CG.poster, entity_iri(poster))
    for n, quoted in enumerate(post.quotes, 1):
        quote = quoted_post_iri(doc.name, post.floor, n)
        g.add(iri, CG.quotes, quote)
        g.add(quote, RDF.type, CG.QuotedPost)
        if quoted.author:
            g.add(quote, CG.posterName, ox.Literal(quoted.author))
        _span(g, doc, quote, quoted.start, quoted.end)
        block = position_selector_iri(doc.name, quoted.block_start, quoted.block_end)
        g.add(quote, CG.blockSelector, block)
        _position(g, block, quoted.block_start, quoted.block_end)


def _agent(g: _Graph, release: str) -> str:
    agent = software_iri(release)
    g.add(agent, RDF.type, PROV.SoftwareAgent)
    g.add(agent, RDFS.label, ox.Literal(f"claimgraph {release}"))
    g.add(agent, OWL.versionInfo, ox.Literal(release))
    return agent


def _activity(g: _Graph, doc: Document, activity: str) -> None:
    g.add(activity, RDF.type, CG.Extraction)
    g.add(activity, PROV.used, doc_iri(doc.name))
    g.add(activity, PROV.wasAssociatedWith, software_iri(tool_version()))  # described in the build graph


def _claim(g: _Graph, doc: Document, claim: Claim, iri: str, activity: str, mentions: list[Mention]) -> None:
    if claim.quote not in QUOTE_KINDS:
        raise ClaimgraphError(
            f"unknown quote kind {claim.quote!r} in {doc.name}: expected {_DIRECT} or {_INDIRECT}"
        )
    g.add(iri, RDF.type, CG.Claim)
    speaker = _speaker(g, doc, claim.speaker)
    g.add(iri, CG.speaker, speaker)
    for target in claim.targets:
        g.add(iri, CG.target, entity_iri(target))
    g.add(iri, CG.claimType, claim_type(claim.type))
    key = claim_key(speaker, claim_type(claim.type), map(entity_iri, claim.targets))
    g.add(iri, CG.claimKey, ox.Literal(key))
    if claim.cue:
        g.add(iri, CG.cue, ox.Literal(claim.cue))
    if claim.cue_start is not None and claim.cue_end is not None:
        cue = position_selector_iri(doc.name, claim.cue_start, claim.cue_end)
        g.add(iri, CG.cueSelector, cue)
        _position(g, cue, claim.cue_start, claim.cue_end)
    g.add(iri, CG.content, ox.Literal(claim.text))
    g.add(iri, CG.isDirect, ox.Literal(claim.quote == _DIRECT))
    _span(g, doc, iri, claim.start, claim.end)
    g.add(iri, PROV.wasDerivedFrom, doc_iri(doc.name))
    g.add(iri, PROV.wasGeneratedBy, activity)
    for m in mentions:
        if (m.start, m.end) == (claim.speaker_start, claim.speaker_end):
            g.add(iri, CG.speakerMention, mention_iri(doc.name, m.start, m.end))
        if m.entity in claim.targets and claim.start <= m.start and m.end <= claim.end:
            g.add(iri, CG.targetMention, mention_iri(doc.name, m.start, m.end))
    if claim.post is not None:
        g.add(iri, CG.inPost, post_iri(doc.name, claim.post))
    when = claim_date(doc, claim)
    if when is not None:
        g.add(iri, DCTERMS.date, post_time_literal(when))


def claim_date(doc: Document, claim: Claim) -> str | None:
    """When a claim was made, as far as the input says: its forum post's time, else its document's
    publication date (``None`` when neither is known).

    >>> from dataclasses import replace
    >>> from extract.records import DocumentMeta, Post
    >>> doc = Document("t", "x", "x", "0", "utf-8", "text/plain", meta=DocumentMeta(published="2025-03-08"))
    >>> c = Claim("t", 0, 1, "x", "a", "说", None, None, (), "statement", "direct")
    >>> claim_date(doc, c)
    '2025-03-08'
    >>> post = Post(1, "a", 0, 1, "2025-03-09T10:00", 0, 1)
    >>> claim_date(Document("t", "x", "x", "0", "utf-8", "text/plain", posts=(post,)), replace(c, post=1))
    '2025-03-09T10:00'
    """
    if claim.post is not None:
        times = [p.time for p in doc.posts if p.floor == claim.post and p.time]
        if times and _is_iso(times[0]):
            return times[0]
    return doc.meta.published


def _is_iso(text: str) -> bool:
    try:
        datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def claim_key(speaker: str, kind: str, targets: Iterable[str]) -> str:
    """``cg:claimKey``: one digest of a claim's speaker, type and targets (in any order), all IRIs.

    >>> claim_key("e:a", "cg:Denial", ["e:b", "e:c"]) == claim_key("e:a", "cg:Denial", ["e:c", "e:b"])
    True
    """
    return hashlib.sha256("\n".join([speaker, kind, *sorted(set(targets))]).encode("utf-8")).hexdigest()


def _speaker(g: _Graph, doc: Document, speaker: str) -> str:
    if speaker != AUTHOR:
        return entity_iri(speaker)
    author = author_iri(doc.name)
    g.add(author, RDF.type, CG.Author)
    g.add(doc_iri(doc.name), DCTERMS.creator, author)
    return author


def build_quads(
    started: ox.Literal, extractions: Mapping[str, ox.Literal], releases: Iterable[str] = ()
) -> Iterator[ox.Quad]:
    """The build graph: when this build ran, when each document's extraction activity ran, and the agents.

    ``extractions`` maps an extraction activity IRI to its ``xsd:dateTime``: this build's time for added
    documents, the time carried over from the previous build for kept ones. The software agent of this
    release and of ``releases`` (those that extracted kept documents) is described here, once.
    """
    g = _Graph(BUILD)
    g.add(BUILD, RDF.type, CG.Build)
    g.add(BUILD, PROV.startedAtTime, started)
    g.add(BUILD, PROV.wasAssociatedWith, _agent(g, tool_version()))
    for release in sorted(set(releases) - {tool_version()}):
        _agent(g, release)
    for activity, t in sorted(extractions.items()):
        g.add(activity, PROV.startedAtTime, t)
    return iter(g.quads)


def ontology_graph_quads() -> Iterator[ox.Quad]:
    """ontology.ttl in the graph named by the ontology IRI, so SPARQL can read labels and codes."""
    graph = node(ONTOLOGY)
    return (ox.Quad(q.subject, q.predicate, q.object, graph) for q in ontology_quads())
