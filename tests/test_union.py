"""Queries read the union of all graphs, which oxigraph does not deduplicate: each fact must be in one graph.

An entity described in several documents (Howard Lutnick speaks in two news items) must still come back
once per claim, and no triple may be held by two graphs (the ontology graph holds only the vocabulary).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest

from extract.records import AUTHOR
from graph.sparql.query import run_query
from graph.store.store import StoreBuilder, open_store
from graph.store.vocab import ONTOLOGY
from tests.graph_sample import forum, later, news

SAMPLES = (news, later, forum)

# HAVING must repeat the aggregate: oxigraph evaluates it before the projection binds ?n, so a
# `HAVING (?n > 1)` never holds and would hide every duplicate.
DUPLICATES = f"""
SELECT ?s ?p ?o (COUNT(?g) AS ?n) WHERE {{
  GRAPH ?g {{ ?s ?p ?o }}
  FILTER (?g != <{ONTOLOGY}>)
}} GROUP BY ?s ?p ?o HAVING (COUNT(?g) > 1)
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    path: Path = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        with StoreBuilder(path) as builder:
            for sample in SAMPLES:
                builder.add(sample())
    return open_store(path)


def _rows(store: ox.Store, sparql: str, **params: ox.NamedNode | ox.Literal) -> list[tuple[str, ...]]:
    answer = run_query(store, sparql, params)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [tuple(row[n].value if row[n] is not None else "" for n in names) for row in answer]


def test_each_claim_comes_back_once_with_its_speakers_name(store: ox.Store) -> None:
    claims = [c for sample in SAMPLES for c in sample().claims if c.speaker != AUTHOR]
    rows = _rows(store, "SELECT ?c ?name WHERE { ?c a cg:Claim ; cg:speaker/skos:prefLabel ?name }")
    assert len(rows) == len(claims) == len(set(rows))
    lutnick = [c for c, name in rows if name == "Howard Lutnick"]
    assert len(lutnick) == 2  # described by both news items, yet once per claim


def test_every_claim_and_entity_comes_back_once(store: ox.Store) -> None:
    claims = sum(len(sample().claims) for sample in SAMPLES)
    assert len(_rows(store, "SELECT ?c WHERE { ?c a cg:Claim }")) == claims
    entities = {e.id for sample in SAMPLES for e in sample().entities}
    rows = _rows(store, "SELECT ?e ?type ?name WHERE { ?e cg:entityType ?type ; skos:prefLabel ?name }")
    assert len(rows) == len(entities) == len(set(rows))
    labels = _rows(store, "SELECT ?label WHERE { entity:usa rdfs:label|skos:altLabel ?label }")
    assert sorted(labels) == [("美国",), ("美国",)]  # one rdfs:label@zh-Hans, one skos:altLabel


def test_no_triple_is_in_two_graphs(store: ox.Store) -> None:
    assert _rows(store, DUPLICATES) == []
    assert len({q.triple for q in store}) == len(store)  # the ontology graph included


def test_the_duplicate_query_finds_duplicates() -> None:
    store = ox.Store()
    triple = (ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"), ox.Literal("o"))
    for graph in ("http://example.org/a", "http://example.org/b"):
        store.add(ox.Quad(*triple, ox.NamedNode(graph)))
    assert len(_rows(store, DUPLICATES)) == 1


def test_two_files_with_the_same_bytes_share_no_triple(tmp_path: Path) -> None:
    twin = news()
    twin = replace(twin, document=replace(twin.document, name="copy of news.txt"))
    with StoreBuilder(tmp_path) as builder:
        builder.add(news())
        builder.add(twin)
    assert list(run_query(open_store(tmp_path), DUPLICATES)) == []
