"""Builds at scale: worker processes, a Dask cluster and incremental updates all give the same bytes."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
import signal
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from extract.engines import chunks, extract_local
from extract.errors import InputError
from extract.ingest import Unchanged, read_documents
from extract.pipeline import extract_documents
from graph.exports.formats import export
from graph.sparql.queries import bind, shipped
from graph.store.store import open_store
from graph.store.vocab import ENTITIES
from tests.test_push import OXIGRAPH, _cases, free_port, local, oxigraph_server, remote, run

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


# ---------------------------------------------------------------- Dask builds through partition files


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    """An S3-compatible object store on loopback (moto's server), named to s3fs by ``AWS_ENDPOINT_URL``
    (botocore's own variable), set before any worker process starts."""
    server_module = pytest.importorskip("moto.server")
    port = free_port()
    moto = server_module.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    url = f"http://127.0.0.1:{port}"
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {
            "AWS_ACCESS_KEY_ID": "claimgraph",
            "AWS_SECRET_ACCESS_KEY": "claimgraph",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url,
        }.items():
            mp.setenv(name, value)
        try:
            yield url
        finally:
            moto.stop()


@pytest.fixture(scope="module")
def cluster(s3_endpoint: str) -> Iterator[Any]:
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as local:
        yield local


def dask_build(
    store: Path, source: Path | str, cluster: Any, partitions: str, *args: str, size: str | None = "2"
) -> str:
    return build(
        store,
        str(source),
        "--engine",
        "dask",
        "--scheduler",
        cluster.scheduler_address,
        "--partitions",
        partitions,
        "--batch-size",
        "2",
        *(("--partition-size", size) if size else ()),
        *args,
    )


@pytest.fixture(scope="module")
def partitioned(cluster: Any, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The seeds built on the cluster, partitions in a local folder: (store, partitions)."""
    root = tmp_path_factory.mktemp("partitioned")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
        # no --partition-size: 5 documents on 2 workers make partitions of one batch, 4 for each at most
        built = dask_build(root / "store", SEEDS, cluster, str(root / "parts"), size=None)
        assert "5 extracted, 0 unchanged" in built
    return root / "store", root / "parts"


def manifest(parts: Path) -> dict[str, Any]:
    return json.loads((parts / "manifest.json").read_text(encoding="utf-8"))


def test_partitions_in_a_folder_give_the_bytes_of_a_plain_build(
    single: bytes, partitioned: tuple[Path, Path]
) -> None:
    store, parts = partitioned
    assert nquads(store) == single
    written = manifest(parts)
    # three partitions of at most two documents, each document in one of them
    assert sorted(len(docs) for docs in written["partitions"].values()) == [1, 2, 2]
    assert sorted(n for docs in written["partitions"].values() for n, _ in docs) == sorted(
        p.name for p in SEEDS.glob("*.txt")
    )
    # the files hold the store's quads, each once: parts and derived graphs, sorted N-Quads each
    files = [(parts / name).read_bytes() for name in written["files"]]
    assert all(f.splitlines() == sorted(f.splitlines()) for f in files)
    assert sorted(line for f in files for line in f.splitlines(True)) == single.splitlines(True)
    assert sorted(p.relative_to(parts).as_posix() for p in parts.rglob("*") if p.is_file()) == sorted(
        [*written["files"], "manifest.json", *(f"parts/{k}.json" for k in written["partitions"])]
    )


def test_partitions_on_an_object_store_give_the_bytes_of_a_plain_build(
    single: bytes, cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fsspec = pytest.importorskip("fsspec")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    fsspec.filesystem("s3").mkdir("claims")
    assert "5 extracted" in dask_build(tmp_path, SEEDS, cluster, "s3://claims/seeds")
    assert nquads(tmp_path) == single
    names = fsspec.filesystem("s3", skip_instance_cache=True).find("claims/seeds")
    assert "claims/seeds/manifest.json" in names and len(names) == 1 + 1 + 3 * 2


def test_a_worker_killed_mid_build_changes_nothing(
    single: bytes, cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    distributed = pytest.importorskip("distributed")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    outcome: dict[str, str] = {}
    with distributed.Client(cluster, set_as_default=False) as client:
        pids = client.run(os.getpid)
        running = threading.Thread(
            target=lambda: outcome.update(output=dask_build(tmp_path, SEEDS, cluster, str(tmp_path / "p")))
        )
        running.start()
        killed = None
        while running.is_alive() and killed is None:
            for worker, keys in client.processing().items():
                if any(str(k).startswith("claimgraph-partition-") for k in keys):
                    os.kill(pids[worker], signal.SIGKILL)
                    killed = worker
                    break
            time.sleep(0.02)
        running.join()
    assert killed is not None, "no worker was killed: the build ended first"
    assert "5 extracted" in outcome["output"]
    assert nquads(tmp_path) == single
    documents = [n for docs in manifest(tmp_path / "p")["partitions"].values() for n, _ in docs]
    assert sorted(documents) == sorted(p.name for p in SEEDS.glob("*.txt"))


def test_an_interrupted_build_loads_the_partitions_already_written(
    single: bytes,
    partitioned: tuple[Path, Path],
    cluster: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    # what a build stopped before it published leaves: some partitions, no manifest, no store
    shutil.copytree(partitioned[1] / "parts", tmp_path / "left" / "parts")
    key, documents = sorted(manifest(partitioned[1])["partitions"].items())[0]
    (tmp_path / "left" / "parts" / f"{key}.json").unlink()
    output = dask_build(tmp_path / "store", SEEDS, cluster, str(tmp_path / "left"))
    assert f"5 extracted ({5 - len(documents)} from partitions already written)" in output
    assert nquads(tmp_path / "store") == single


def test_an_incremental_cluster_build_gives_the_bytes_of_a_fresh_build(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    corpus = tmp_path / "corpus"
    shutil.copytree(SEEDS, corpus)
    parts = str(tmp_path / "parts")
    dask_build(tmp_path / "inc", corpus, cluster, parts)
    first = manifest(tmp_path / "parts")["partitions"]
    with (corpus / "001_aca966135755c5c3.txt").open("a", encoding="utf-8") as out:
        out.write("\n美国商务部长卢特尼克表示，DeepSeek窃取了美国的技术。\n")
    (corpus / "003_a2597ad4196a2cb5.txt").unlink()
    (corpus / "005_new.txt").write_text("白宫发言人称，英伟达没有违反出口管制。\n", encoding="utf-8")
    sent = dask_build(tmp_path / "inc", corpus, cluster, parts)
    assert "2 extracted, 3 unchanged, 1 removed" in sent  # only the changed and the new document
    build(tmp_path / "full", str(corpus), "--workers", "1", "--batch-size", "2")
    assert nquads(tmp_path / "inc") == nquads(tmp_path / "full")  # the entities graph too
    second = manifest(tmp_path / "parts")
    assert sorted(n for docs in second["partitions"].values() for n, _ in docs) == sorted(
        p.name for p in corpus.glob("*.txt")
    )
    kept = [k for k in second["partitions"] if k in first]  # the partition none of whose documents changed
    assert len(kept) == 1 and len(second["partitions"]) == 4
    # the files hold the incremental store's quads, each once
    lines = sorted(
        line for n in second["files"] for line in (tmp_path / "parts" / n).read_bytes().splitlines(True)
    )
    assert lines == nquads(tmp_path / "inc").splitlines(True)


@pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="needs the oxigraph server (the test extra)")
def test_load_into_gives_an_oxigraph_server_the_answers_of_the_embedded_store(
    partitioned: tuple[Path, Path], tmp_path: Path
) -> None:
    store, parts = partitioned
    with oxigraph_server(tmp_path / "oxigraph") as server:
        _load_and_compare(store, parts, server)


def _load_and_compare(store: Path, parts: Path, server: str) -> None:
    listed = run("load-into", "--partitions", str(parts), "--list", store=store)
    assert listed.exit_code == 0 and all(Path(f).is_file() for f in listed.output.split())
    result = run(
        "load-into", "--endpoint", f"{server}/store?no_transaction", "--partitions", str(parts), store=store
    )
    assert result.exit_code == 0, result.output
    assert f"loaded {len(listed.output.split())} files" in result.output
    embedded = open_store(store)
    counted = remote(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {})
    assert counted == Counter([f'"{len(embedded)}"^^<http://www.w3.org/2001/XMLSchema#integer>'])
    for name, params in _cases(embedded):
        sparql = shipped()[name].sparql
        ours = local(embedded, sparql, params)
        assert sum(ours.values()) > 0 or "entity" in params, name
        assert remote(server, sparql, bind(embedded, sparql, params)) == ours, (name, params)


@pytest.mark.skipif(not Path(OXIGRAPH).exists(), reason="needs the oxigraph command (the test extra)")
def test_partitions_only_feed_oxigraphs_offline_loader_the_graph_of_a_store_build(
    single: bytes,
    partitioned: tuple[Path, Path],
    cluster: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import subprocess

    import pyoxigraph as ox

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    parts = tmp_path / "parts"
    output = dask_build(tmp_path / "store", SEEDS, cluster, str(parts), "--partitions-only", size=None)
    assert f"wrote the partitions at {parts}: 5 extracted, 0 unchanged, 0 skipped" in output
    assert not (tmp_path / "store").exists()  # no embedded store, not even its folder
    written, with_store = manifest(parts), manifest(partitioned[1])
    assert written["partitions"] == with_store["partitions"]
    derived = (parts / written["derived"]).read_bytes()
    assert derived == (partitioned[1] / with_store["derived"]).read_bytes()
    # Oxigraph's offline loader, on the files load-into --list names
    files = run("load-into", "--partitions", str(parts), "--list", store=tmp_path / "store").output.split()
    subprocess.run([OXIGRAPH, "load", "--location", str(tmp_path / "ox"), "--file", *files], check=True)
    loaded = ox.Store.read_only(str(tmp_path / "ox"))
    assert sorted(f"{q} .\n".encode() for q in loaded) == single.splitlines(True)


def test_partitions_only_is_for_dask_builds(tmp_path: Path) -> None:
    result = run_build(tmp_path, str(SEEDS), "--partitions-only")
    assert result.exit_code == 1
    assert "--partitions-only is for --engine dask" in result.output


def test_load_into_without_a_dask_build_says_so(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(tmp_path), "load-into", "--endpoint", "http://127.0.0.1:9/store"]
    )
    assert result.exit_code == 1
    assert "no partitions at" in result.output and "build --engine dask" in result.output


class _HeldStore:
    """A store whose first ``bulk_load`` waits until ``go`` is set, so that what is handed over meanwhile
    waits for the next load."""

    def __init__(self, store: Any) -> None:
        self.store, self.started, self.go, self.calls = store, threading.Event(), threading.Event(), 0

    def bulk_load(self, data: bytes, format: Any) -> None:
        self.calls += 1
        if self.calls == 1:
            self.started.set()
            assert self.go.wait(30)
        self.store.bulk_load(data, format=format)


def test_partitions_handed_over_during_a_load_are_loaded_after_it_each_quad_once(single: bytes) -> None:
    import pyoxigraph as ox

    from graph.store.bulk import BulkLoader

    lines = single.splitlines(True)
    graphs = sorted({line.rsplit(b" ", 2)[-2] for line in lines})
    parts = [b"".join(line for line in lines if line.rsplit(b" ", 2)[-2] == g) for g in graphs]
    held = _HeldStore(ox.Store())
    loader = BulkLoader(held)  # type: ignore[arg-type]
    loader.add(parts[0])
    assert held.started.wait(30)
    for part in parts[1:]:
        loader.add(part)
    held.go.set()
    loader.finish()
    assert held.calls == loader.calls == len(parts)  # the first part, then the others that waited
    assert sorted(f"{q} .\n".encode() for q in held.store) == lines


def test_a_failed_bulk_load_is_raised_in_the_build_and_nothing_more_is_loaded() -> None:
    import pyoxigraph as ox

    from graph.store.bulk import BulkLoader

    store = ox.Store()
    loader = BulkLoader(store, load_bytes=1)
    loader.add(b"<http://x/a> <http://x/b> <http://x/c> <http://x/g> .\n")
    loader.add(b'<http://x/a> <http://x/b> "broken <http://x/g> .\n')
    with pytest.raises(SyntaxError):
        for _ in range(50):  # raised where the build next hands a partition over, or at finish
            loader.add(b"<http://x/d> <http://x/b> <http://x/c> <http://x/g> .\n")
            time.sleep(0.01)
        loader.finish()
    loader.abandon()
    assert len(store) == 1


# ---------------------------------------------------------------- workers read their own documents


def faulty_corpus(folder: Path) -> Path:
    """The seeds with a file of rows and every kind of bad input: each caught where the workers read,
    but the one over --max-bytes, caught where the build lists."""
    shutil.copytree(SEEDS, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.txt").write_bytes(b"GIF89a\x01\x00" * 40)
    (folder / "damaged.txt").write_bytes("美国商务部称，".encode() * 30 + b"\xe7\xbe" + "。".encode() * 5)
    (folder / "huge.txt").write_text("英伟达表示，" * 20_000, encoding="utf-8")
    rows = [
        {"id": "a", "text": "白宫发言人称，英伟达没有违反出口管制。"},
        {"id": "b", "text": ""},
        {"id": "c", "text": "<p>中国外交部发言人毛宁表示，美方滥用出口管制。</p>"},
    ]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    (folder / "posts.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n", encoding="utf-8")
    return folder


def run_build(store: Path, *args: str) -> Any:
    return CliRunner().invoke(
        main, ["--store", str(store), "build", *args, "--no-progress", "--max-bytes", "100000"]
    )


def warnings(result: Any) -> list[str]:
    return sorted(line for line in result.stderr.splitlines() if line.startswith("warning: skipped"))


def test_bad_files_on_the_cluster_are_reported_as_a_local_build_reports_them(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    corpus = faulty_corpus(tmp_path / "corpus")
    local_build = run_build(tmp_path / "local", str(corpus), "--workers", "1", "--batch-size", "2")
    assert local_build.exit_code == 3, local_build.output
    assert len(warnings(local_build)) == 6
    on_cluster = run_build(tmp_path / "dask", str(corpus), *_dask(cluster, str(tmp_path / "parts")))
    assert on_cluster.exit_code == 3, on_cluster.output
    assert warnings(on_cluster) == warnings(local_build)
    assert "7 extracted, 0 unchanged, 6 skipped" in on_cluster.output
    assert nquads(tmp_path / "dask") == nquads(tmp_path / "local")
    # a build that finds the partitions written names the files they could not read, as the first did
    resumed = run_build(tmp_path / "again", str(corpus), *_dask(cluster, str(tmp_path / "parts")))
    assert resumed.exit_code == 3 and warnings(resumed) == warnings(local_build)
    assert nquads(tmp_path / "again") == nquads(tmp_path / "local")


def test_the_building_process_decodes_no_file(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Charset detection, markup and forum posts run on the workers (other processes), never here."""
    import extract.ingest
    import extract.rows

    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    corpus = faulty_corpus(tmp_path / "corpus")
    local_build = run_build(tmp_path / "local", str(corpus), "--workers", "1", "--batch-size", "2")

    def refused(*args: object, **kwargs: object) -> None:
        raise AssertionError("a document was decoded in the building process")

    for module in (extract.ingest, extract.rows):
        monkeypatch.setattr(module, "decode_bytes", refused)
        monkeypatch.setattr(module, "blank_markup", refused)
    on_cluster = run_build(
        tmp_path / "dask",
        str(corpus),
        *("--engine", "dask", "--scheduler", cluster.scheduler_address, "--batch-size", "2"),
        *("--partitions", str(tmp_path / "parts")),
    )
    assert on_cluster.exit_code == 3, on_cluster.output
    assert warnings(on_cluster) == warnings(local_build)
    assert nquads(tmp_path / "dask") == nquads(tmp_path / "local")


def test_unchanged_rows_of_a_changed_file_are_kept_on_the_cluster(
    cluster: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    corpus = faulty_corpus(tmp_path / "corpus")
    parts = str(tmp_path / "parts")
    first = run_build(tmp_path / "inc", str(corpus), *_dask(cluster, parts))
    assert first.exit_code == 3, first.output
    rows = corpus / "posts.jsonl"
    rows.write_text(rows.read_text(encoding="utf-8").replace("没有违反", "违反了"), encoding="utf-8")
    again = run_build(tmp_path / "inc", str(corpus), *_dask(cluster, parts))
    assert "1 extracted, 6 unchanged" in again.output  # the changed row only
    assert run_build(tmp_path / "full", str(corpus), "--workers", "1", "--batch-size", "2").exit_code == 3
    assert nquads(tmp_path / "inc") == nquads(tmp_path / "full")


def _dask(cluster: Any, parts: str) -> list[str]:
    return [
        *("--engine", "dask", "--scheduler", cluster.scheduler_address, "--partitions", parts),
        *("--batch-size", "2", "--partition-size", "2"),
    ]


def test_a_worker_reads_what_was_listed_or_says_why_not(tmp_path: Path) -> None:
    from extract.listing import Listed, read_listed

    path = tmp_path / "a.txt"
    path.write_text("白宫发言人称，英伟达没有违反出口管制。", encoding="utf-8")
    (document,) = read_documents([str(path)])
    listed = Listed("a.txt", str(path), str(path), document.sha256)
    assert read_listed(listed, 1000) == document
    path.write_text("白宫发言人称。", encoding="utf-8")
    assert read_listed(listed, 1000).reason == "changed while the build read it: build again"
    with pytest.raises(
        InputError, match=r"a Dask worker cannot see .*/gone/a\.txt: put the inputs on a disk"
    ):
        read_listed(Listed("a.txt", str(tmp_path / "gone" / "a.txt"), "a.txt", document.sha256), 1000)
