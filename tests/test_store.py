"""The on-disk store: atomic replacement, incremental copies, several readers, reproducible bytes.

Also the entities graph across builds: merged anew each time, the same whether documents are kept or
extracted again, and without the entities no document refers to any more.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib.namespace import PROV

from extract.errors import ClaimgraphError
from extract.records import Entity, Extraction
from graph.exports.formats import export
from graph.store.rdf import extraction_quads, tool_version
from graph.store.store import StoreBuilder, open_store, store_path_default
from graph.store.vocab import BUILD, ENTITIES, doc_iri, entity_iri, extraction_iri, software_iri
from tests.graph_sample import FORUM_NAME, LATER_NAME, NEWS_NAME, build_samples, forum, later, news


def _build(path: Path, epoch: int, monkeypatch: pytest.MonkeyPatch) -> StoreBuilder:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(epoch))
    with StoreBuilder(path) as builder:
        builder.add(news())
        builder.add(forum())
    return builder


def _nquads(path: Path) -> bytes:
    out = io.BytesIO()
    export(open_store(path), "nquads", out)
    return out.getvalue()


def _graph(store: ox.Store, name: str) -> list[str]:
    return sorted(str(q) for q in store.quads_for_pattern(None, None, None, ox.NamedNode(doc_iri(name))))


def _entities(path: Path) -> list[str]:
    return sorted(
        str(q) for q in open_store(path).quads_for_pattern(None, None, None, ox.NamedNode(ENTITIES))
    )


def _disagreeing() -> list[Extraction]:
    """Three documents that disagree on names, types and labels of the entities they share."""
    lutnick = later()
    lutnick.entities[0] = Entity("Howard Lutnick", "ORG", "Lutnick", {"en": "Lutnick"}, ["卢特尼克"])
    thread = forum()
    thread.entities[2] = Entity(
        "deepseek/r1", "ORG", "DeepSeek-R1", {"zh-Hans": "深度求索R1"}, ["DeepSeek R1"]
    )
    return [news(), lutnick, thread]


def _started(store: ox.Store, activity: str) -> str:
    (quad,) = store.quads_for_pattern(
        ox.NamedNode(activity), ox.NamedNode(PROV.startedAtTime), None, ox.NamedNode(BUILD)
    )
    return quad.object.value


def test_a_missing_store_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(ClaimgraphError, match=r"no store at .*claimgraph build"):
        open_store(tmp_path / "nowhere")


def test_store_path_default_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAIMGRAPH_STORE", raising=False)
    assert store_path_default() == Path(".claimgraph")
    monkeypatch.setenv("CLAIMGRAPH_STORE", "/data/kg")
    assert store_path_default() == Path("/data/kg")


def test_a_build_publishes_a_store_that_several_readers_open(tmp_path: Path, monkeypatch) -> None:
    builder = _build(tmp_path, 1_700_000_000, monkeypatch)
    assert (builder.stats.added, builder.stats.kept) == (2, 0)
    assert (tmp_path / "current").resolve() == tmp_path / "store-1"
    first, second = open_store(tmp_path), open_store(tmp_path)
    assert len(first) == len(second) > 0
    assert ox.NamedNode(doc_iri(FORUM_NAME)) in set(first.named_graphs())


def test_the_build_graph_holds_prov_times(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    store = open_store(tmp_path)
    assert _started(store, BUILD) == "2023-11-14T22:13:20Z"
    x = news()
    assert (
        _started(store, extraction_iri(x.document.name, x.document.sha256, tool_version()))
        == "2023-11-14T22:13:20Z"
    )


def test_two_builds_of_the_same_input_are_byte_identical(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path / "a", 1_700_000_000, monkeypatch)
    _build(tmp_path / "b", 1_700_000_000, monkeypatch)
    assert _nquads(tmp_path / "a") == _nquads(tmp_path / "b")


def test_previous_hashes_name_the_documents_of_the_current_store(tmp_path: Path, monkeypatch) -> None:
    with StoreBuilder(tmp_path) as builder:
        assert builder.previous_hashes() == {}
    _build(tmp_path, 1_700_000_000, monkeypatch)
    with StoreBuilder(tmp_path) as builder:
        assert builder.previous_hashes() == {
            NEWS_NAME: news().document.sha256,
            FORUM_NAME: forum().document.sha256,
        }
        builder.keep(NEWS_NAME)
        builder.keep(FORUM_NAME)


def test_documents_of_another_version_are_extracted_again(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    monkeypatch.setattr("graph.store.store.tool_version", lambda: "99.0")
    with StoreBuilder(tmp_path) as builder:
        assert builder.previous_hashes() == {}


def test_keep_copies_a_graph_unchanged_and_its_extraction_time(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_000_000_000, monkeypatch)
    before = _graph(open_store(tmp_path), NEWS_NAME)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "2000000000")
    with StoreBuilder(tmp_path) as builder:
        builder.keep(NEWS_NAME)
        builder.add(forum())
    assert (builder.stats.added, builder.stats.kept) == (1, 1)
    assert (tmp_path / "current").resolve() == tmp_path / "store-2"
    assert not (tmp_path / "store-1").exists()
    store = open_store(tmp_path)
    assert _graph(store, NEWS_NAME) == before
    kept, added = news().document, forum().document
    assert _started(store, extraction_iri(kept.name, kept.sha256, tool_version())) == "2001-09-09T01:46:40Z"
    assert _started(store, extraction_iri(added.name, added.sha256, tool_version())) == "2033-05-18T03:33:20Z"
    assert _started(store, BUILD) == "2033-05-18T03:33:20Z"


def test_keeping_an_unknown_document_is_refused(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    with pytest.raises(ClaimgraphError, match="not in the current store"), StoreBuilder(tmp_path) as builder:
        builder.keep("other.txt")


def test_a_failed_build_leaves_the_previous_store_usable_and_unchanged(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    before = _nquads(tmp_path)
    with pytest.raises(RuntimeError), StoreBuilder(tmp_path) as builder:
        builder.add(news())
        raise RuntimeError("extraction crashed")
    broken = forum()
    broken.entities[0].type = "MISC"
    with pytest.raises(ClaimgraphError), StoreBuilder(tmp_path) as builder:
        builder.keep(NEWS_NAME)
        builder.add(broken)
    assert _nquads(tmp_path) == before
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-1"]


def test_one_build_at_a_time(tmp_path: Path) -> None:
    with (
        StoreBuilder(tmp_path),
        pytest.raises(ClaimgraphError, match="another build"),
        StoreBuilder(tmp_path),
    ):
        pass


def test_a_relative_store_path_survives_rebuilds(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    _build(Path(".claimgraph"), 1_700_000_000, monkeypatch)
    _build(Path(".claimgraph"), 1_700_000_000, monkeypatch)
    assert len(open_store(Path(".claimgraph"))) > 0


def test_leftovers_of_a_killed_build_are_cleaned_up(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    killed = StoreBuilder(tmp_path).__enter__()  # a build that never gets to finish or abort
    killed._new = None
    os.close(killed._lock)  # what the system does when it dies
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-1", "store-2"]
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert [p.name for p in tmp_path.glob("store-*")] == [(tmp_path / "current").resolve().name]


def test_folders_of_the_user_named_like_stores_are_never_removed(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, defect 2: `--store` on an existing folder deleted the user's `store-*` folders."""
    for name in ("store-photos", "store-7"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "keep.txt").write_text("mine")
    _build(tmp_path, 1_700_000_000, monkeypatch)
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert (tmp_path / "current").resolve().name == "store-9"  # never a name already in the folder
    for name in ("store-photos", "store-7"):
        assert (tmp_path / name / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-7", "store-9", "store-photos"]


def test_a_build_keeps_the_store_it_made_when_current_pointed_at_a_lost_one(
    tmp_path: Path, monkeypatch
) -> None:
    """Issue 13, defect 1: with `current` pointing at a missing `store-1`, the new store took that name
    and the publication removed it as the "old" one."""
    _build(tmp_path, 1_700_000_000, monkeypatch)
    shutil.rmtree(tmp_path / "store-1")
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert len(open_store(tmp_path)) > 0
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-2"]


def test_a_store_a_reader_has_open_is_removed_only_after_it_lets_go(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, defect 8: a reader opening the old store while a build removed it got a RocksDB error."""
    _build(tmp_path, 1_700_000_000, monkeypatch)
    reader = open_store(tmp_path)
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert (tmp_path / "current").resolve().name == "store-2"
    assert (tmp_path / "store-1").is_dir() and len(reader) > 0  # still there, still readable
    reader.close()
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-3"]


def test_a_reader_collected_lets_go_of_its_store(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert len(open_store(tmp_path)) > 0  # the object is gone after this line
    _build(tmp_path, 1_700_000_000, monkeypatch)
    assert sorted(p.name for p in tmp_path.glob("store-*")) == ["store-2"]


def test_keeping_every_document_gives_the_bytes_of_a_full_build(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_samples(tmp_path, _disagreeing())
    full = _nquads(tmp_path)
    build_samples(tmp_path, _disagreeing(), keep={NEWS_NAME, LATER_NAME, FORUM_NAME})
    assert (tmp_path / "current").resolve() == tmp_path / "store-2"
    assert _nquads(tmp_path) == full


@pytest.mark.parametrize("kept", [{NEWS_NAME}, {LATER_NAME, FORUM_NAME}])
def test_keeping_some_documents_gives_the_entities_graph_of_a_full_build(
    tmp_path: Path, monkeypatch, kept: set[str]
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_samples(tmp_path / "full", _disagreeing())
    build_samples(tmp_path / "inc", _disagreeing())
    build_samples(tmp_path / "inc", _disagreeing(), keep=kept)
    assert _entities(tmp_path / "inc") == _entities(tmp_path / "full")
    assert _nquads(tmp_path / "inc") == _nquads(tmp_path / "full")
    merged = "\n".join(_entities(tmp_path / "full"))
    assert "深度求索R1" in merged and "DeepSeek-R1" not in merged  # labels: union; names: vote, then order


def test_entities_of_a_removed_document_disappear(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    build_samples(tmp_path / "inc", [news(), forum()])
    build_samples(tmp_path / "inc", [forum()], keep={FORUM_NAME})
    described = {
        q.subject.value
        for q in open_store(tmp_path / "inc").quads_for_pattern(None, None, None, ox.NamedNode(ENTITIES))
    }
    assert described == {str(entity_iri(e)) for e in ("sellboy", "laowang", "deepseek/r1", "chatgpt")}
    build_samples(tmp_path / "full", [forum()])
    assert _entities(tmp_path / "inc") == _entities(tmp_path / "full")


def test_no_triple_is_in_two_graphs(tmp_path: Path, monkeypatch) -> None:
    _build(tmp_path, 1_700_000_000, monkeypatch)
    store = open_store(tmp_path)
    assert len({q.triple for q in store}) == len(store)


def test_a_kept_document_of_another_release_keeps_its_agent(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    with monkeypatch.context() as old:
        old.setattr("graph.store.rdf.tool_version", lambda: "0.0.1")
        old.setattr("graph.store.store.tool_version", lambda: "0.0.1")
        build_samples(tmp_path, [news()])
    with StoreBuilder(tmp_path) as builder:
        assert builder.previous_hashes() == {}  # another release: build.py would extract it again
        builder.keep(NEWS_NAME)
        builder.add(forum())
    store = open_store(tmp_path)
    for release in ("0.0.1", tool_version()):
        agent = ox.NamedNode(software_iri(release))
        assert [q.graph_name for q in store.quads_for_pattern(agent, None, None)] == [ox.NamedNode(BUILD)] * 3
    assert len({q.triple for q in store}) == len(store)


def test_a_store_from_before_the_entities_graph_is_extracted_again(tmp_path: Path) -> None:
    old = ox.Store(str(tmp_path / "store-1"))
    old.bulk_extend(extraction_quads(news()))
    del old  # closes it
    (tmp_path / "current").symlink_to("store-1")
    with (
        pytest.raises(ClaimgraphError, match="predates the entities graph"),
        StoreBuilder(tmp_path) as builder,
    ):
        assert builder.previous_hashes() == {}
        builder.keep(NEWS_NAME)


READER = """
import sys, time
from pathlib import Path
from extract.errors import ClaimgraphError
from graph.store.store import open_store

store, stop = Path(sys.argv[1]), Path(sys.argv[2])
reads = errors = 0
while not stop.exists():
    try:
        query = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?c a <https://w3id.org/claimgraph/ns#Claim> } }"
        answer = open_store(store).query(query)
        assert int(next(iter(answer))["n"].value) > 0
        reads += 1
    except (ClaimgraphError, OSError, RuntimeError, AssertionError) as e:
        errors += 1
        print(type(e).__name__, e, file=sys.stderr)
print(reads, errors)
"""


def test_readers_never_fail_while_builds_publish(tmp_path: Path, monkeypatch) -> None:
    """Issue 13, defect 8: 3 of 316 queries alongside repeated builds died with a RocksDB corruption error
    (the old store was removed while they opened it). Readers in another process, builds in this one."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    store = tmp_path / "store"
    build_samples(store, [news(), forum()])
    stop = tmp_path / "stop"
    root = Path(__file__).resolve().parents[1]
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(store), str(stop)], cwd=root, stdout=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    try:
        for _ in range(25):
            build_samples(store, [news(), forum(), later()])
    finally:
        stop.touch()
    for reader in readers:
        out, _ = reader.communicate(timeout=60)
        reads, errors = map(int, out.split())
        assert errors == 0 and reads > 0
    build_samples(store, [news(), forum(), later()])
    assert [p.name for p in store.glob("store-*")] == [(store / "current").resolve().name]
