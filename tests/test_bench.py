"""The benchmark's machinery at a tiny size: a deterministic corpus, and every figure from one run."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import corpus
from benchmarks import run as bench

pytestmark = pytest.mark.skipif(
    not (corpus.CORPORA / "cluener" / "train.jsonl").exists(), reason="needs ../shared/corpora"
)


@pytest.fixture(scope="module")
def material() -> corpus.Material:
    return corpus.load_material()


def test_the_corpus_is_deterministic_and_grows_by_appending(tmp_path: Path, material) -> None:
    corpus.make_corpus(tmp_path / "a", 5, material=material)
    corpus.make_corpus(tmp_path / "b", 8, material=material)
    small = {p.name: p.read_bytes() for p in (tmp_path / "a").iterdir()}
    large = {p.name: p.read_bytes() for p in (tmp_path / "b").iterdir()}
    assert len(small) == 5 and len(large) == 8
    assert all(large[name] == text for name, text in small.items())
    assert any("_thread" in name for name in large) and any("_news" in name for name in large)
    other = corpus.make_corpus(tmp_path / "c", 5, seed=1, material=material)
    assert other != sum(len(t.decode()) for t in small.values())


def test_a_thread_is_read_as_posts(material) -> None:
    from extract.forum import split_posts

    _, text = next(
        corpus.document(0, n, material)
        for n in range(50)
        if corpus.document(0, n, material)[0].endswith("_thread.txt")
    )
    posts = split_posts(text, text)
    assert len(posts) >= 2 and posts[0].floor == 1


def test_change_one_edits_exactly_one_document(tmp_path: Path, material) -> None:
    corpus.make_corpus(tmp_path, 4, material=material)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    changed = corpus.change_one(tmp_path, material=material)
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert [name for name in before if before[name] != after[name]] == [changed.name]


def test_one_run_gives_every_figure(tmp_path: Path) -> None:
    results = bench.main(
        [
            "--sizes",
            "3,6",
            "--work",
            str(tmp_path / "work"),
            "--throughput-docs",
            "2",
            "--runs",
            "1",
            "--baseline-docs",
            "3",
            "--baseline-runs",
            "1",
            "--baseline-timeout",
            "5",
            "--workers",
            "2",
            "--long-chars",
            "3000",
            "--no-write",
        ]
    )
    assert set(results.throughput["chars_per_s"]) == {"blank", "jieba", "claimgraph"}
    assert [b.documents for b in results.builds] == [3, 6]
    assert all(b.seconds > 0 and b.peak_tree_mb > 0 and b.quads > 0 for b in results.builds)
    assert "1 extracted, 5 unchanged" in results.incremental["one"]["output"]
    assert results.long_document is not None and results.long_document.characters == 3000
    assert {s.query for s in results.sparql} >= {"claims-about", "denials", "top-speakers"}
    assert all(s.oxigraph_small_median_ms is not None for s in results.sparql)
    table = bench.table(results)
    assert "jieba.posseg" in table and "| 6 |" in table
