"""Builds at scale: worker processes, a Dask cluster and incremental updates all give the same bytes."""

from __future__ import annotations

import io
import pickle
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from extract.engines import chunks, extract_local
from extract.ingest import Unchanged, read_documents
from extract.pipeline import extract_documents
from graph.exports.formats import export
from graph.store.store import open_store
from graph.store.vocab import ENTITIES

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EPOCH = "1700000000"


def build(store: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["--store", str(store), "build", *args, "--no-progress"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output


def nquads(store: Path) -> bytes:
    out = io.BytesIO()
    export(open_store(store), "nquads", out)
    return out.getvalue()


@pytest.fixture(scope="module")
def single(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """The seeds built in this process, one document batch after another."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        store = tmp_path_factory.mktemp("single")
        build(store, str(SEEDS), "--workers", "1", "--batch-size", "2")
    return nquads(store)


def test_extraction_records_travel_between_processes() -> None:
    (document,) = [d for d in read_documents([str(SEEDS / "004_5b8d7d2dda9938c6.txt")])]
    (x,) = extract_documents([document])
    assert pickle.loads(pickle.dumps(x)) == x


def test_worker_processes_give_the_bytes_of_a_single_process_build(
    single: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    assert "5 extracted" in build(tmp_path, str(SEEDS), "--workers", "2", "--batch-size", "2")
    assert nquads(tmp_path) == single


def test_results_come_back_in_input_order() -> None:
    documents = [d for d in read_documents([str(SEEDS)])]
    names = [x.document.name for x in extract_local(iter(documents), workers=2, batch_size=1, prefetch=1)]
    assert names == [d.name for d in documents]
    assert [len(c) for c in chunks(documents, 2)] == [2, 2, 1]


def test_dask_cluster_gives_the_bytes_of_a_single_process_build(
    single: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        output = build(
            tmp_path,
            str(SEEDS),
            "--engine",
            "dask",
            "--scheduler",
            cluster.scheduler_address,
            "--batch-size",
            "2",
        )
    assert "5 extracted" in output
    assert nquads(tmp_path) == single


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "tcp://127.0.0.1:1"], "--scheduler is for --engine dask"),
        (["--engine", "dask"], "--engine dask needs --scheduler"),
        (["--engine", "dask", "--scheduler", "tcp://127.0.0.1:1", "--workers", "2"], "--workers is for"),
    ],
)
def test_engine_options_are_checked_before_reading(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path), "build", str(SEEDS), *args])
    assert result.exit_code == 1
    assert message in result.output


def test_an_unreachable_scheduler_is_named(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    result = CliRunner().invoke(
        main,
        [
            "--store",
            str(tmp_path),
            "build",
            str(SEEDS),
            "--engine",
            "dask",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ],
    )
    assert result.exit_code == 1
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.output


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the seeds, built once into ``tmp_path / "inc"``."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    for path in corpus.iterdir():
        path.chmod(0o644)
    build(tmp_path / "inc", str(corpus), "--workers", "1")
    return corpus


def test_adding_a_document_extracts_only_it_and_gives_the_bytes_of_a_full_build(
    corpus: Path, tmp_path: Path
) -> None:
    (corpus / "005_new.txt").write_text("白宫发言人称，英伟达没有违反出口管制。\n", encoding="utf-8")
    assert "1 extracted, 5 unchanged" in build(tmp_path / "inc", str(corpus), "--workers", "1")
    assert (tmp_path / "inc" / "current").resolve().name == "store-2"
    build(tmp_path / "full", str(corpus), "--workers", "1")
    assert nquads(tmp_path / "inc") == nquads(tmp_path / "full")


def test_a_changed_and_a_removed_document_are_replaced_and_dropped(corpus: Path, tmp_path: Path) -> None:
    with (corpus / "001_aca966135755c5c3.txt").open("a", encoding="utf-8") as out:
        out.write("\n美国商务部长卢特尼克表示，DeepSeek窃取了美国的技术。\n")
    (corpus / "004_5b8d7d2dda9938c6.txt").unlink()
    assert "1 extracted, 3 unchanged" in build(tmp_path / "inc", str(corpus), "--workers", "1")
    build(tmp_path / "full", str(corpus), "--workers", "1")
    entities = f"<{ENTITIES}> .\n".encode()
    inc, full = nquads(tmp_path / "inc").splitlines(True), nquads(tmp_path / "full").splitlines(True)
    assert [q for q in inc if not q.endswith(entities)] == [q for q in full if not q.endswith(entities)]
    # Labels that only the changed or removed documents gave live on in the entities graph while a kept
    # document refers to the entity (graph.store.rdf.EntityDescriptions); --force counts afresh.
    assert {q for q in full if q.endswith(entities)} <= {q for q in inc if q.endswith(entities)}


def test_unchanged_sources_are_hashed_not_decoded(tmp_path: Path) -> None:
    path = SEEDS / "004_5b8d7d2dda9938c6.txt"
    (document,) = read_documents([str(path)])
    (item,) = read_documents([str(path)], known={document.name: document.sha256})
    assert item == Unchanged(document.name, document.sha256, str(path))
    (again,) = read_documents([str(path)], known={document.name: "0" * 64})
    assert again == document
