"""Exports read back from the store: JSON Lines as EXPORT.md says, Turtle and N-Quads losslessly."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from extract.errors import ClaimgraphError
from extract.records import Extraction
from graph.exports.formats import export
from graph.store.atomic import atomic_output
from graph.store.store import StoreBuilder, open_store
from tests.graph_sample import forum, news

SAMPLES = (news, forum)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    path = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        with StoreBuilder(path) as builder:
            for sample in SAMPLES:
                builder.add(sample())
    return open_store(path)


def _export(store: ox.Store, fmt: str) -> bytes:
    out = io.BytesIO()
    export(store, fmt, out)
    return out.getvalue()


def _records(store: ox.Store, kind: str) -> list[dict[str, Any]]:
    lines = _export(store, "jsonl").decode().splitlines()
    return [r for r in map(json.loads, lines) if r["kind"] == kind]


def _extractions() -> dict[str, Extraction]:
    return {x.document.name: x for x in (sample() for sample in SAMPLES)}


def test_mentions_come_back_with_their_exact_text(store: ox.Store) -> None:
    xs = _extractions()
    got = {
        (r["doc"], r["entity"], r["type"], r["text"], r["start"], r["end"])
        for r in _records(store, "mention")
    }
    want = {(m.doc, m.entity, m.type, m.text, m.start, m.end) for x in xs.values() for m in x.mentions}
    assert got == want
    for doc, _, _, text, start, end in got:
        assert text == xs[doc].document.text[start:end]


def test_claims_come_back_as_extracted(store: ox.Store) -> None:
    xs = _extractions()
    records = _records(store, "claim")
    got = {
        (
            r["doc"],
            r["speaker"],
            r["cue"],
            r["text"],
            r["start"],
            r["end"],
            tuple(r["targets"]),
            r["type"],
            r["quote"],
            r["cue_start"],
            r["cue_end"],
            r["post"],
        )
        for r in records
    }
    want = {
        (
            c.doc,
            c.speaker,
            c.cue,
            c.text,
            c.start,
            c.end,
            tuple(sorted(c.targets)),
            c.type,
            c.quote,
            c.cue_start,
            c.cue_end,
            c.post,
        )
        for x in xs.values()
        for c in x.claims
    }
    assert got == want
    for r in records:
        assert r["text"] == xs[r["doc"]].document.text[r["start"] : r["end"]]
    assert "author" in {r["speaker"] for r in records}


def test_each_entity_once_with_the_labels_of_all_documents(store: ox.Store) -> None:
    records = _records(store, "entity")
    ids = [r["id"] for r in records]
    assert ids == sorted(set(ids))
    by_id = {r["id"]: r for r in records}
    assert by_id["Howard Lutnick"] == {
        "kind": "entity",
        "id": "Howard Lutnick",
        "type": "PERSON",
        "name": "Howard Lutnick",
        "labels": ["Howard Lutnick", "卢特尼克"],
    }
    assert by_id["deepseek/r1"]["labels"] == ["DeepSeek R1"]  # described by both documents, listed once
    assert by_id["英伟达"]["type"] == "ORG"


def test_documents_posts_and_order(store: ox.Store) -> None:
    lines = [json.loads(line) for line in _export(store, "jsonl").decode().splitlines()]
    docs = [r["doc"] for r in lines if r["kind"] == "document"]
    assert docs == sorted(_extractions())
    kinds = [r["kind"] for r in lines]
    assert kinds == sorted(kinds, key=lambda k: k != "entity")  # entities first
    posts = _records(store, "post")
    assert [(p["floor"], p["author"], p["entity"]) for p in posts] == [
        (1, "sellboy", "sellboy"),
        (2, "老王", "laowang"),
    ]


def test_jsonl_keeps_chinese_readable_and_is_stable(store: ox.Store) -> None:
    data = _export(store, "jsonl")
    assert "卢特尼克".encode() in data
    assert b"\\u" not in data
    assert data == _export(store, "jsonl")


@pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning")  # inside rdflib's parser
def test_nquads_hold_every_quad_in_sorted_lines(store: ox.Store) -> None:
    data = _export(store, "nquads")
    lines = data.splitlines()
    assert lines == sorted(lines)
    dataset = Dataset()
    dataset.parse(data=data, format="nquads")
    assert sum(1 for _ in dataset.quads()) == len(store)
    assert data == _export(store, "nquads")


def test_turtle_holds_the_union_of_all_graphs(store: ox.Store) -> None:
    data = _export(store, "turtle")
    distinct = {q.triple for q in store}
    assert len(distinct) == len(store)  # no triple is in two graphs: entities are described once
    assert len(Graph().parse(data=data, format="turtle")) == len(distinct)
    assert data.startswith(b"@prefix")


def test_an_unknown_format_is_named(store: ox.Store) -> None:
    with pytest.raises(ClaimgraphError, match="'xlsx'"):
        export(store, "xlsx", io.BytesIO())


def test_atomic_output_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    with atomic_output(target) as out:
        out.write(b"first\n")
    assert target.read_bytes() == b"first\n"
    with pytest.raises(RuntimeError), atomic_output(target) as out:
        out.write(b"half")
        raise RuntimeError("disk full")
    assert target.read_bytes() == b"first\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]


def test_atomic_output_dash_is_stdout(capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    with atomic_output("-") as out:
        out.write("卢特尼克\n".encode())
    assert capsysbinary.readouterr().out == "卢特尼克\n".encode()
