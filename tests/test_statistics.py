"""Entity statistics in the entities graph: each count equals what the documents' records say."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest

from extract.records import AUTHOR, Extraction
from graph.store.store import StoreBuilder, open_store
from graph.store.vocab import CG, ENTITIES, claim_type, entity_iri, node
from tests.graph_sample import NEWS_NAME, build_samples, forum, later, news


def _build(path: Path, xs: list[Extraction], keep: frozenset[str] = frozenset()) -> ox.Store:
    build_samples(path, xs, keep)
    return open_store(path)


def _values(store: ox.Store, prop: str) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for q in store.quads_for_pattern(None, node(prop), None, node(ENTITIES)):
        out.setdefault(q.subject.value, set()).add(q.object.value)
    return out


def _count(store: ox.Store, prop: str) -> dict[str, int]:
    values = _values(store, prop)
    assert all(len(v) == 1 for v in values.values()), f"{prop} is a functional property"
    return {entity: int(next(iter(v))) for entity, v in values.items()}


def _expected(xs: list[Extraction]) -> dict[str, Counter[str]]:
    """The statistics, counted from the records, for every entity a document refers to."""
    expected: dict[str, Counter[str]] = {}
    targets: dict[str, set[str]] = {}
    for x in xs:
        referring = {m.entity for m in x.mentions} | {c.speaker for c in x.claims} - {AUTHOR}
        referring |= {t for c in x.claims for t in c.targets}
        referring |= {x.outlet} if x.outlet else set()  # the outlet that published it
        for entity in referring:
            expected.setdefault(str(entity_iri(entity)), Counter())["documentCount"] += 1
        for m in x.mentions:
            expected[str(entity_iri(m.entity))]["mentionCount"] += 1
        speakers = set()
        for c in x.claims:
            for t in c.targets:
                expected[str(entity_iri(t))]["claimsReceived"] += 1
            if c.speaker != AUTHOR:
                iri = str(entity_iri(c.speaker))
                expected[iri]["claimsMade"] += 1
                speakers.add(iri)
                targets.setdefault(iri, set()).update(c.targets)
        for iri in speakers:
            expected[iri]["speakerDocumentCount"] += 1
    for iri, ts in targets.items():
        expected[iri]["targetCount"] = len(ts)
    return expected


@pytest.mark.parametrize(
    "prop",
    ["mentionCount", "documentCount", "claimsMade", "claimsReceived", "speakerDocumentCount", "targetCount"],
)
def test_each_count_is_what_the_records_say(prop: str, tmp_path: Path) -> None:
    xs = [news(), later(), forum()]
    store = _build(tmp_path, xs)
    expected = _expected(xs)
    assert _count(store, str(CG[prop])) == {entity: counts[prop] for entity, counts in expected.items()}
    assert any(counts[prop] > 1 for counts in expected.values()) or prop == "targetCount"


def test_claim_types_made_are_listed_per_speaker(tmp_path: Path) -> None:
    xs = [news(), later(), forum()]
    store = _build(tmp_path, xs)
    made: dict[str, set[str]] = {}
    for x in xs:
        for c in x.claims:
            if c.speaker != AUTHOR:
                made.setdefault(str(entity_iri(c.speaker)), set()).add(str(claim_type(c.type)))
    assert _values(store, str(CG.madeClaimType)) == made


def test_an_update_recounts_the_entities_it_touches(tmp_path: Path) -> None:
    _build(tmp_path, [news(), forum()])
    store = _build(tmp_path, [news(), later(), forum()], keep=frozenset({NEWS_NAME}))
    expected = _expected([news(), later(), forum()])
    assert _count(store, str(CG.claimsMade)) == {e: c["claimsMade"] for e, c in expected.items()}
    lutnick = str(entity_iri("Howard Lutnick"))
    assert _count(store, str(CG.documentCount))[lutnick] == 2  # the kept article and the later one


def test_a_store_without_statistics_is_not_built_upon(tmp_path: Path) -> None:
    """A store of an earlier claimgraph lacks them: its documents are extracted again, not kept."""
    _build(tmp_path, [news()])
    current = ox.Store(str((tmp_path / "current").resolve()))
    for prop in (CG.mentionCount, CG.nameKey):
        for q in list(current.quads_for_pattern(None, node(prop), None, node(ENTITIES))):
            current.remove(q)
    del current  # closes it
    with StoreBuilder(tmp_path) as builder:
        assert builder.previous_hashes() == {}
        builder.add(news())
    assert _count(open_store(tmp_path), str(CG.mentionCount))
