"""ontology.ttl and graph/store/vocab.py must agree term by term, and every term must be documented."""

from __future__ import annotations

import inspect

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from extract.errors import ClaimgraphError
from extract.records import CLAIM_TYPES, ENTITY_TYPES
from graph.store.vocab import (
    CG,
    author_iri,
    claim_iri,
    claim_type,
    claim_types,
    doc_iri,
    entity_class,
    entity_classes,
    entity_id,
    entity_iri,
    mention_iri,
    ontology_bytes,
    post_iri,
    quoted_post_iri,
)

ONTOLOGY = Graph().parse(data=ontology_bytes(), format="turtle")
NS = str(CG._NS)
CODE_TERMS = {URIRef(NS + name) for name in inspect.get_annotations(CG)}
DEFINED = {s for s in ONTOLOGY.subjects(RDF.type, None) if str(s).startswith(NS)}
PROPERTIES = {
    s
    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for s in ONTOLOGY.subjects(RDF.type, kind)
    if s in DEFINED
}


def test_every_term_in_code_is_defined_in_the_ontology() -> None:
    assert sorted(CODE_TERMS - DEFINED) == []


def test_every_cg_term_in_the_ontology_is_in_code() -> None:
    used = {
        term
        for triple in ONTOLOGY
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(NS)
    }
    assert sorted(used - CODE_TERMS) == []


def test_a_typo_raises_instead_of_minting_an_iri() -> None:
    with pytest.raises(AttributeError):
        CG.speeker  # noqa: B018


@pytest.mark.parametrize("term", sorted(DEFINED), ids=lambda t: t.removeprefix(NS))
def test_every_term_has_english_and_chinese_labels_and_a_comment(term: URIRef) -> None:
    langs = sorted(label.language.lower() for label in ONTOLOGY.objects(term, RDFS.label))
    assert langs == ["en", "zh-hans"]
    assert any(c.language == "en" and len(c) > 10 for c in ONTOLOGY.objects(term, RDFS.comment))


@pytest.mark.parametrize("prop", sorted(PROPERTIES), ids=lambda t: t.removeprefix(NS))
def test_every_property_has_a_domain_and_a_range(prop: URIRef) -> None:
    assert ONTOLOGY.value(prop, RDFS.domain) is not None
    assert ONTOLOGY.value(prop, RDFS.range) is not None


def test_entity_type_codes_map_to_entity_classes() -> None:
    assert set(entity_classes()) == set(ENTITY_TYPES)
    for code in ENTITY_TYPES:
        assert (entity_class(code), RDFS.subClassOf, CG.Entity) in ONTOLOGY
    assert entity_class("GPE") == CG.Place


def test_claim_type_codes_map_to_claim_type_individuals() -> None:
    assert set(claim_types()) == set(CLAIM_TYPES)
    for code in CLAIM_TYPES:
        assert (claim_type(code), RDF.type, CG.ClaimType) in ONTOLOGY


def test_unknown_codes_name_the_bad_value() -> None:
    with pytest.raises(ClaimgraphError, match="'MISC'"):
        entity_class("MISC")
    with pytest.raises(ClaimgraphError, match="'rumour'"):
        claim_type("rumour")


@pytest.mark.parametrize(
    "entity", ["usa", "Howard Lutnick", "deepseek/r1", "100%", "a#b?c", "卢特尼克", "特朗普　政府"]
)
def test_entity_iris_are_valid_and_give_back_the_id(entity: str) -> None:
    iri = entity_iri(entity)
    ox.NamedNode(iri)  # raises on an invalid IRI
    assert iri.startswith("https://w3id.org/claimgraph/id/entity/")
    assert entity_id(iri) == entity


def test_chinese_stays_readable_and_unsafe_characters_are_encoded() -> None:
    assert entity_iri("卢特尼克").endswith("/entity/卢特尼克")
    assert entity_iri("a b/c").endswith("/entity/a%20b%2Fc")
    assert doc_iri("论坛/thread#1.html").endswith("/doc/论坛/thread%231.html")
    assert entity_id(doc_iri("x")) is None


def test_fragment_iris_hang_off_the_document() -> None:
    doc = doc_iri("a.txt")
    assert mention_iri("a.txt", 3, 7) == URIRef(f"{doc}#char=3,7")
    assert claim_iri("a.txt", 3, 7) == URIRef(f"{doc}#claim=3,7")
    assert claim_iri("a.txt", 3, 7, 2) == URIRef(f"{doc}#claim=3,7-2")
    assert post_iri("a.txt", 4) == URIRef(f"{doc}#post=4")
    assert quoted_post_iri("a.txt", 4, 1) == URIRef(f"{doc}#post=4&quote=1")
    assert author_iri("a.txt") == URIRef(f"{doc}#author")
