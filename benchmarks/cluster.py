"""Dask builds (issue 19): what one worker gives, what the one loader takes, and the build times they predict.

    .venv/bin/python benchmarks/cluster.py                       # 1,000 documents: about 5 minutes on 2 cores
    .venv/bin/python benchmarks/cluster.py --docs 200 --no-write  # a quick look

On the first ``--docs`` documents of the benchmark corpus (``benchmarks/corpus.py``, written when missing):

1. **worker**: ``write_partition`` (what a Dask task runs: reading and decoding the listed files,
   extraction, quads, votes, tallies, duplicate profiles, sorted N-Quads and JSON written) in this
   process, warm: documents and characters a second;
2. **builds**, each ``claimgraph build`` in a child process: ``--workers 2``, and ``--engine dask`` on a
   ``LocalCluster`` of two single-threaded worker processes (started before the clock);
3. **loader**: the same Dask build into a new store with every partition already written, so nothing
   is extracted: what the process that lists the inputs and publishes the store costs alone; the
   bulk load alone (``Store.bulk_load`` of every partition file into an empty store, with its CPU time:
   CPU time over wall time is the cores it used); ``claimgraph load-into`` an Oxigraph server
   (``/store?no_transaction``);
4. **prediction** for 1,000,000 documents of the same kind on N cores: extraction takes D/(N·w), the
   loader D/L, and the build the longer of the two (they overlap); the loader is the limit from
   N = L/w cores.

Writes ``benchmarks/cluster-results.json`` (``--no-write``: print only).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402

from extract.ingest import DEFAULT_MAX_BYTES, read_documents  # noqa: E402
from extract.listing import Listed, list_inputs  # noqa: E402
from extract.pipeline import load_pipeline  # noqa: E402
from extract.records import Document  # noqa: E402
from graph.store.loading import load_into  # noqa: E402
from graph.store.partitions import Location, read_manifest, write_partition  # noqa: E402

CLAIMGRAPH = Path(sys.executable).with_name("claimgraph")
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
RESULTS = ROOT / "benchmarks" / "cluster-results.json"
MILLION = 1_000_000
CORES = (8, 32, 128)
EPOCH = {"SOURCE_DATE_EPOCH": "1700000000"}


def corpus(work: Path, n: int) -> Path:
    folder = work / f"corpus-{n}"
    if not folder.is_dir():
        subprocess.run(
            [sys.executable, str(ROOT / "benchmarks" / "corpus.py"), str(n), str(folder)], check=True
        )
    return folder


def timed_build(store: Path, folder: Path, *args: str) -> float:
    shutil.rmtree(store, ignore_errors=True)
    started = time.perf_counter()
    done = subprocess.run(
        [str(CLAIMGRAPH), "--store", str(store), "build", str(folder), "--no-progress", *args],
        env={**os.environ, **EPOCH},
        stderr=subprocess.PIPE,
        text=True,
    )
    if done.returncode:
        raise SystemExit(f"the build failed: {done.stderr}")
    return time.perf_counter() - started


def worker_rate(folder: Path, n: int, scratch: Path) -> dict[str, float]:
    documents = [d for d in read_documents([str(folder)]) if isinstance(d, Document)][:n]
    listed = [i for i in list_inputs([str(folder)], max_bytes=DEFAULT_MAX_BYTES) if isinstance(i, Listed)][:n]
    load_pipeline()
    write_partition(str(scratch / "warm"), listed[:8], 32, DEFAULT_MAX_BYTES)  # every model loaded, run
    started = time.perf_counter()
    for i in range(0, len(listed), 256):
        write_partition(str(scratch / "worker"), listed[i : i + 256], 32, DEFAULT_MAX_BYTES)
    seconds = time.perf_counter() - started
    chars = sum(len(d.text) for d in documents)
    return {
        "documents": len(documents),
        "seconds": seconds,
        "docs_per_s": len(documents) / seconds,
        "chars_per_s": chars / seconds,
    }


def bulk_load_rate(parts: Path, scratch: Path) -> dict[str, float]:
    manifest = read_manifest(Location(str(parts)))
    assert manifest is not None
    files = [parts / name for name in manifest.files()]
    store = ox.Store(str(scratch / "bulk"))
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    for path in files:
        store.bulk_load(path=str(path), format=ox.RdfFormat.N_QUADS)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_s = after.ru_utime + after.ru_stime - cpu.ru_utime - cpu.ru_stime
    return {"quads": len(store), "seconds": seconds, "cpu_s": cpu_s, "quads_per_s": len(store) / seconds}


def server_rate(parts: Path, scratch: Path, quads: int) -> dict[str, float]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    process = subprocess.Popen(
        [str(OXIGRAPH), "serve", "--location", str(scratch / "server"), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        import requests

        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/query", params={"query": "ASK {}"}, timeout=2).ok:
                    break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.1)
        started = time.perf_counter()
        load_into(Location(str(parts)), f"http://127.0.0.1:{port}/store?no_transaction")
        seconds = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {"quads": quads, "seconds": seconds, "quads_per_s": quads / seconds}


def predict(worker_docs_per_s: float, loader_docs_per_s: float) -> dict[str, object]:
    times = {}
    for cores in CORES:
        extraction = MILLION / (cores * worker_docs_per_s)
        loading = MILLION / loader_docs_per_s
        times[str(cores)] = {
            "hours": max(extraction, loading) / 3600,
            "limit": "loader" if loading > extraction else "extraction",
        }
    return {
        "documents": MILLION,
        "on_cores": times,
        "loader_limit_cores": loader_docs_per_s / worker_docs_per_s,
        "core_hours": MILLION / worker_docs_per_s / 3600,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--worker-docs", type=int, default=200, help="documents for the worker measurement")
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimgraph-bench"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    from distributed import LocalCluster

    folder = corpus(args.work, args.docs)
    scratch = Path(tempfile.mkdtemp(prefix="cluster-", dir=args.work))
    results: dict[str, object] = {
        "measured": date.today().isoformat(),
        "cores": 2,
        "documents": args.docs,
        "note": "2 cores shared with other engineers' jobs (load average given)",
        "load_average_before": os.getloadavg()[0],
    }
    try:
        results["worker"] = worker = worker_rate(folder, args.worker_docs, scratch)
        print("worker", worker, flush=True)
        local = timed_build(scratch / "local", folder, "--workers", "2")
        parts = scratch / "parts"
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            dask_args = (
                "--engine",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
                "--partitions",
                str(parts),
            )
            dask = timed_build(scratch / "dask", folder, *dask_args)
            loader = timed_build(scratch / "loader", folder, *dask_args)  # every partition written already
        results["builds"] = {
            "workers_2_s": local,
            "dask_2_workers_s": dask,
            "dask_over_local": dask / local,
            "loader_only_s": loader,
            "loader_docs_per_s": args.docs / loader,
        }
        print("builds", results["builds"], flush=True)
        results["bulk_load"] = bulk = bulk_load_rate(parts, scratch)
        print("bulk load", bulk, flush=True)
        results["oxigraph_server"] = server_rate(parts, scratch, int(bulk["quads"]))
        print("server", results["oxigraph_server"], flush=True)
        results["prediction"] = predict(worker["docs_per_s"], args.docs / loader)
        print(json.dumps(results["prediction"], indent=1))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()[0]
    if not args.no_write:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
