"""Records → quads: one graph per document, entities merged in one graph, every fact in one graph only."""

from __future__ import annotations

import dataclasses
from collections import Counter
from datetime import UTC, datetime

import pyoxigraph as ox
import pytest
from rdflib import URIRef
from rdflib import namespace as rdfns
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SDO, SKOS

from extract.errors import ClaimgraphError
from extract.records import AUTHOR, DocumentMeta, Entity, Extraction
from graph.store.rdf import (
    EntityDescriptions,
    build_quads,
    build_time,
    extraction_quads,
    most_common,
    referenced_entities,
    time_literal,
    tool_version,
)
from graph.store.vocab import (
    BUILD,
    CG,
    ENTITIES,
    OA,
    author_iri,
    claim_iri,
    doc_iri,
    entity_id,
    entity_iri,
    extraction_iri,
    mention_iri,
    post_iri,
    quote_selector_iri,
    quoted_post_iri,
    software_iri,
)
from tests.graph_sample import (
    FORUM,
    FORUM_NAME,
    LATER_META,
    NEWS,
    NEWS_NAME,
    QUOTE_BLOCK,
    QUOTED_WORDS,
    forum,
    later,
    news,
    span,
)


def _store(x: Extraction) -> ox.Store:
    store = ox.Store()
    store.extend(extraction_quads(x))
    return store


def _entities(*xs: Extraction) -> ox.Store:
    """The entities graph of extracting ``xs``."""
    descriptions = EntityDescriptions()
    for x in xs:
        descriptions.add(x.entities, referenced_entities(extraction_quads(x)))
    store = ox.Store()
    store.extend(descriptions.quads())
    return store


def _labels(store: ox.Store, s: str) -> set[tuple[str, str | None]]:
    return {
        (q.object.value, q.object.language)
        for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(RDFS.label), None)
    }


def _objects(store: ox.Store, s: str, p: str) -> set[str]:
    """Objects of ``s p``: IRIs as URIRef (rdflib compares them only with URIRef), literals as str."""
    return {
        URIRef(o.value) if isinstance(o, ox.NamedNode) else o.value
        for o in (q.object for q in store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None))
    }


def _one(store: ox.Store, s: str, p: str) -> str:
    (value,) = _objects(store, s, p)
    return value


@pytest.mark.parametrize("sample", [news, forum])
def test_everything_of_a_document_is_in_its_own_graph(sample) -> None:
    x = sample()
    graphs = {URIRef(q.graph_name.value) for q in extraction_quads(x)}
    assert graphs == {doc_iri(x.document.name)}


@pytest.mark.parametrize("sample", [news, forum])
def test_the_same_input_gives_the_same_quads_and_no_time(sample) -> None:
    first = sorted(str(q) for q in extraction_quads(sample()))
    assert first == sorted(str(q) for q in extraction_quads(sample()))
    # no wall-clock time (only the build graph has one); a post's time, and a claim's date read from it,
    # are content
    content_times = ("/terms/created>", "/terms/date>")
    assert not any(
        "XMLSchema#dateTime" in line and not any(t in line for t in content_times) for line in first
    )


def test_the_document_holds_its_metadata_and_text() -> None:
    store = _store(news())
    doc = doc_iri(NEWS_NAME)
    assert _one(store, doc, RDF.type) == CG.Document
    assert _one(store, doc, CG.fileName) == NEWS_NAME
    assert _one(store, doc, CG.text) == NEWS
    assert _one(store, doc, DCTERMS.format) == "text/plain"
    assert len(_one(store, doc, CG.sha256)) == 64


def test_a_documents_metadata_and_its_outlet_are_in_its_graph() -> None:
    x = later()
    store = _store(x)
    doc = doc_iri(x.document.name)
    assert _one(store, doc, DCTERMS.title) == LATER_META.title
    issued = next(iter(store.quads_for_pattern(ox.NamedNode(doc), ox.NamedNode(DCTERMS.issued), None))).object
    assert issued.datatype.value.endswith("#dateTime") and issued.value.startswith("2025-02-14T09:30:00")
    assert _one(store, doc, DCTERMS.publisher) == entity_iri("xinhua")
    assert _one(store, doc, SDO.url) == LATER_META.url
    assert _one(store, doc, CG.authorName) == "王小明"
    assert _one(store, doc, DCTERMS.language) == "zh-Hans"
    (claim,) = {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(CG.speaker), None)}
    assert _one(store, claim, DCTERMS.date) == issued.value
    assert "xinhua" in {entity_id(e) for e in referenced_entities(extraction_quads(x))}


def test_a_day_alone_is_an_xsd_date_and_no_date_is_none() -> None:
    x = later()
    day = dataclasses.replace(
        x, document=dataclasses.replace(x.document, meta=DocumentMeta(published="2025-02-14"))
    )
    quads = list(extraction_quads(day))
    dates = [q.object for q in quads if q.predicate.value in (str(DCTERMS.issued), str(DCTERMS.date))]
    assert len(dates) == 2 and all(d.datatype.value.endswith("#date") for d in dates)
    none = dataclasses.replace(x, document=dataclasses.replace(x.document, meta=DocumentMeta()), outlet=None)
    assert not [
        q
        for q in extraction_quads(none)
        if "purl.org/dc/terms/" in q.predicate.value
        and q.predicate.value.rsplit("/", 1)[1] in ("issued", "date", "title", "publisher")
    ]


@pytest.mark.parametrize("sample", [news, forum])
def test_a_document_graph_refers_to_entities_but_describes_none(sample) -> None:
    x = sample()
    quads = list(extraction_quads(x))
    assert referenced_entities(quads) == {
        str(entity_iri(e)) for e in {m.entity for m in x.mentions} | {c.speaker for c in x.claims} - {AUTHOR}
    }
    subjects = {q.subject.value for q in quads}
    assert not {str(entity_iri(e.id)) for e in x.entities} & subjects
    assert str(software_iri(tool_version())) not in subjects  # the agent is described in the build graph


def test_entities_carry_class_code_and_labels_in_the_entities_graph() -> None:
    store = _entities(news())
    assert {URIRef(q.graph_name.value) for q in store} == {ENTITIES}
    lutnick = entity_iri("Howard Lutnick")
    assert _one(store, lutnick, RDF.type) == CG.Person
    assert _one(store, lutnick, CG.entityType) == "PERSON"
    assert _one(store, lutnick, SKOS.prefLabel) == "Howard Lutnick"
    assert _objects(store, lutnick, SKOS.altLabel) == {"卢特尼克"}  # the name itself is the prefLabel
    assert _labels(store, lutnick) == {("Howard Lutnick", "en"), ("卢特尼克", "zh-hans")}
    assert _one(store, entity_iri("usa"), RDF.type) == CG.Place


def test_an_entity_described_by_several_documents_is_described_once() -> None:
    store = _entities(news(), later(), forum())
    lutnick = entity_iri("Howard Lutnick")
    assert _one(store, lutnick, SKOS.prefLabel) == "Howard Lutnick"
    assert _labels(store, lutnick) == {("Howard Lutnick", "en"), ("卢特尼克", "zh-hans")}
    deepseek = list(store.quads_for_pattern(ox.NamedNode(entity_iri("deepseek/r1")), None, None))
    # class, type code, name and its lookup key (the only label): once, though two documents describe it
    assert sorted(q.predicate.value for q in deepseek) == sorted(
        map(str, (RDF.type, CG.entityType, SKOS.prefLabel, CG.nameKey, CG.labelKey))
    )
    assert len(store) == len({q.triple for q in store})


def _disagreeing(name: str, type_: str, labels: dict[str, str], aliases: list[str]) -> Extraction:
    x = later()
    x.entities[0] = Entity("Howard Lutnick", type_, name, labels, aliases)
    return x


def test_disagreements_merge_by_vote_and_union() -> None:
    """Type and name: most documents, then code point order; labels and aliases: union of all."""
    a = _disagreeing("Lutnick", "PERSON", {"zh-Hans": "卢特尼克", "en": "Lutnick"}, ["卢特尼克", "Lutnick"])
    b = _disagreeing("Howard Lutnick", "ORG", {"zh-Hans": "卢特尼克"}, ["卢特尼克"])
    c = _disagreeing("H. Lutnick", "ORG", {"zh-Hans": "卢德尼克"}, ["卢德尼克"])
    lutnick = entity_iri("Howard Lutnick")
    store = _entities(a, b, c)
    assert _one(store, lutnick, CG.entityType) == "ORG"  # two documents to one
    assert _one(store, lutnick, RDF.type) == CG.Organization  # the class of the chosen code
    assert _one(store, lutnick, SKOS.prefLabel) == "H. Lutnick"  # one each: the first in code point order
    assert _objects(store, lutnick, SKOS.altLabel) == {"卢特尼克", "卢德尼克", "Lutnick"}
    assert _labels(store, lutnick) == {("Lutnick", "en"), ("卢特尼克", "zh-hans"), ("卢德尼克", "zh-hans")}
    assert sorted(str(q) for q in _entities(c, b, a)) == sorted(str(q) for q in store)  # order-free


def test_a_stored_description_counts_as_one_documents_vote() -> None:
    merged = _entities(_disagreeing("Lutnick", "PERSON", {}, ["Lutnick"]))
    lutnick = entity_iri("Howard Lutnick")
    descriptions = EntityDescriptions()
    descriptions.add_description(str(lutnick), merged.quads_for_pattern(ox.NamedNode(lutnick), None, None))
    descriptions.add_description(str(lutnick), merged.quads_for_pattern(ox.NamedNode(lutnick), None, None))
    x = _disagreeing("Howard Lutnick", "ORG", {"zh-Hans": "卢特尼克"}, ["卢特尼克"])
    descriptions.add(x.entities, referenced_entities(extraction_quads(x)))
    store = ox.Store()
    store.extend(descriptions.quads())
    assert _one(store, lutnick, SKOS.prefLabel) == "Lutnick"
    assert _one(store, lutnick, CG.entityType) == "PERSON"
    assert _objects(store, lutnick, SKOS.altLabel) == {"卢特尼克"}
    assert _labels(store, lutnick) == {("卢特尼克", "zh-hans")}


def test_entities_no_document_refers_to_are_left_out() -> None:
    x = later()
    x.entities.append(Entity("nobody", "PERSON", "Nobody", {}, []))
    store = _entities(x)
    described = {URIRef(q.subject.value) for q in store}
    assert described == {entity_iri("Howard Lutnick"), entity_iri("usa"), entity_iri(x.outlet)}


def test_most_common_breaks_ties_by_code_point_order() -> None:
    assert most_common(Counter({"b": 2, "a": 1})) == "b"
    assert most_common(Counter({"b": 1, "a": 1, "卢": 1})) == "a"
    assert most_common(Counter()) == ""


def test_mentions_are_anchored_with_position_and_quote_selectors() -> None:
    x = news()
    store = _store(x)
    for m in x.mentions:
        iri = mention_iri(NEWS_NAME, m.start, m.end)
        assert _one(store, iri, CG.denotes) == entity_iri(m.entity)
        assert _one(store, iri, OA.hasSource) == doc_iri(NEWS_NAME)
        selectors = _objects(store, iri, OA.hasSelector)
        kinds = {_one(store, s, RDF.type): s for s in selectors}
        position, quote = kinds[OA.TextPositionSelector], kinds[OA.TextQuoteSelector]
        assert (int(_one(store, position, OA.start)), int(_one(store, position, OA.end))) == (m.start, m.end)
        assert _one(store, quote, OA.exact) == NEWS[m.start : m.end] == m.text
    start, end = span(NEWS, "英伟达")
    quote = quote_selector_iri(NEWS_NAME, start, end)
    assert NEWS[:start].endswith(_one(store, quote, OA.prefix))
    assert NEWS[end:].startswith(_one(store, quote, OA.suffix))


def test_a_claim_links_speaker_targets_type_cue_and_source() -> None:
    x = news()
    claim = x.claims[0]
    store = _store(x)
    iri = claim_iri(NEWS_NAME, claim.start, claim.end)
    assert _one(store, iri, RDF.type) == CG.Claim
    assert _one(store, iri, CG.speaker) == entity_iri("Howard Lutnick")
    assert _objects(store, iri, CG.target) == {entity_iri("usa"), entity_iri("china")}
    assert _one(store, iri, CG.claimType) == CG.Demand
    assert _one(store, iri, CG.cue) == "说"
    cue = _one(store, iri, CG.cueSelector)
    assert NEWS[int(_one(store, cue, OA.start)) : int(_one(store, cue, OA.end))] == "说"
    assert _one(store, iri, CG.content) == claim.text == NEWS[claim.start : claim.end]
    assert _one(store, iri, CG.isDirect) == "false"
    assert _one(store, iri, PROV.wasDerivedFrom) == doc_iri(NEWS_NAME)
    assert _one(store, iri, PROV.wasGeneratedBy) == extraction_iri(
        x.document.name, x.document.sha256, tool_version()
    )
    assert _one(store, iri, CG.speakerMention) == mention_iri(NEWS_NAME, *span(NEWS, "卢特尼克"))
    inside = {
        mention_iri(NEWS_NAME, m.start, m.end)
        for m in x.mentions
        if m.entity in claim.targets and claim.start <= m.start and m.end <= claim.end
    }
    assert _objects(store, iri, CG.targetMention) == inside
    assert (
        mention_iri(NEWS_NAME, *span(NEWS, "美国")) not in inside
    )  # 美国 before the claim is not a target mention


def test_the_unnamed_author_is_a_node_of_the_document() -> None:
    x = news()
    claim = next(c for c in x.claims if c.speaker == AUTHOR)
    store = _store(x)
    author = author_iri(NEWS_NAME)
    assert _one(store, claim_iri(NEWS_NAME, claim.start, claim.end), CG.speaker) == author
    assert _one(store, author, RDF.type) == CG.Author
    assert _one(store, doc_iri(NEWS_NAME), DCTERMS.creator) == author
    assert not _objects(store, claim_iri(NEWS_NAME, claim.start, claim.end), CG.speakerMention)


def test_claims_on_the_same_span_get_numbered_iris() -> None:
    x = news()
    first = x.claims[0]
    x.claims.append(dataclasses.replace(first, type="warning"))
    store = _store(x)
    assert _one(store, claim_iri(NEWS_NAME, first.start, first.end), CG.claimType) == CG.Demand
    assert _one(store, claim_iri(NEWS_NAME, first.start, first.end, 2), CG.claimType) == CG.Warning


def test_posts_have_floor_poster_time_body_and_quotes() -> None:
    x = forum()
    store = _store(x)
    first, second = post_iri(FORUM_NAME, 1), post_iri(FORUM_NAME, 2)
    assert _one(store, first, RDF.type) == CG.Post
    assert _one(store, first, CG.floor) == "1"
    assert _one(store, first, CG.posterName) == "sellboy"
    assert _one(store, first, CG.poster) == entity_iri("sellboy")
    assert _one(store, first, CG.posterMention) == mention_iri(FORUM_NAME, *span(FORUM, "sellboy"))
    assert _one(store, first, DCTERMS.created) == "2025-01-28T10:00:00"  # the forum wrote "2025-01-28 10:00"
    (created,) = store.quads_for_pattern(ox.NamedNode(first), ox.NamedNode(DCTERMS.created), None, None)
    assert created.object.datatype == ox.NamedNode(rdfns.XSD.dateTime)  # sorted and compared as a time
    quoted = _one(store, second, CG.quotes)
    assert quoted == quoted_post_iri(FORUM_NAME, 2, 1)
    assert _one(store, quoted, RDF.type) == CG.QuotedPost
    assert _one(store, quoted, CG.posterName) == "sellboy"
    block = span(FORUM, QUOTE_BLOCK)
    words = quote_selector_iri(FORUM_NAME, *span(FORUM, QUOTED_WORDS, block[0]))
    assert words in _objects(store, quoted, OA.hasSelector)
    assert _one(store, words, OA.exact) == QUOTED_WORDS
    selector = _one(store, quoted, CG.blockSelector)
    assert (int(_one(store, selector, OA.start)), int(_one(store, selector, OA.end))) == block
    reply = x.claims[1]
    assert _one(store, claim_iri(FORUM_NAME, reply.start, reply.end), CG.inPost) == second
    assert not _objects(store, claim_iri(FORUM_NAME, reply.start, reply.end), CG.cue)


def test_unknown_codes_are_refused() -> None:
    x = news()
    x.entities[0].type = "MISC"
    with pytest.raises(ClaimgraphError, match="MISC"):
        EntityDescriptions().add(x.entities, referenced_entities(extraction_quads(x)))
    x = news()
    x.claims[0] = dataclasses.replace(x.claims[0], quote="reported")
    with pytest.raises(ClaimgraphError, match="reported"):
        list(extraction_quads(x))


def test_build_time_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    assert build_time() == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert time_literal(build_time()).value == "2023-11-14T22:13:20Z"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ClaimgraphError, match="SOURCE_DATE_EPOCH"):
        build_time()
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert abs((build_time() - datetime.now(UTC)).total_seconds()) < 5


def test_the_build_graph_holds_the_times_and_the_agents() -> None:
    started = time_literal(datetime(2024, 1, 1, tzinfo=UTC))
    earlier = time_literal(datetime(2023, 1, 1, tzinfo=UTC))
    activity = extraction_iri("a.txt", "ab" * 32, tool_version())
    store = ox.Store()
    store.extend(build_quads(started, {activity: earlier}, ["0.0.1", tool_version()]))
    assert {URIRef(q.graph_name.value) for q in store} == {BUILD}
    assert _one(store, BUILD, RDF.type) == CG.Build
    assert _one(store, BUILD, PROV.startedAtTime) == "2024-01-01T00:00:00Z"
    assert _one(store, activity, PROV.startedAtTime) == "2023-01-01T00:00:00Z"
    assert _one(store, BUILD, PROV.wasAssociatedWith) == software_iri(tool_version())
    for release in ("0.0.1", tool_version()):
        assert _one(store, software_iri(release), RDF.type) == PROV.SoftwareAgent
        assert _one(store, software_iri(release), OWL.versionInfo) == release
