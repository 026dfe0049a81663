"""Dask builds (issue 19): what one worker gives, what the one loader takes, and the build times they predict.

    .venv/bin/python benchmarks/cluster.py                       # 1,000 documents, 3 rounds: about 12 minutes
    .venv/bin/python benchmarks/cluster.py --docs 200 --rounds 1 --no-write  # a quick look

On the first ``--docs`` documents of the benchmark corpus (``benchmarks/corpus.py``, written when missing):

1. **worker**: ``write_partition`` (what a Dask task runs: reading and decoding the listed files,
   extraction, quads, votes, tallies, duplicate profiles, sorted N-Quads and JSON written) in this
   process, warm: documents and characters a second;
2. **builds**, each ``claimgraph build`` in a child process, ``--rounds`` times, alternating:
   ``--workers 2``, then ``--engine dask`` on a fresh ``LocalCluster`` of two single-threaded worker
   processes set up as ``docs/dask-workers.yaml`` says, then on one with Dask's defaults (started before
   the clock; the workers load the pipeline during the build, as ``--workers`` processes do), with the
   load average before each; medians;
3. **the building process alone**: the same Dask build into a new store with every partition already
   written, so nothing is extracted (listing the inputs, loading the partitions, merging, publishing);
   and with ``--partitions-only`` (no embedded store: listing, merging, the derived graphs);
4. **loaders**: ``Store.bulk_load`` of every partition file into an empty store, a call a file and one
   call over them all joined (with CPU time: CPU time over wall time is the cores used; the two stores
   compared quad for quad); Oxigraph's offline loader (``oxigraph load --location DIR --file …``, the
   pip ``oxigraph`` package); ``claimgraph load-into`` an Oxigraph server (``/store?no_transaction``);
5. **prediction** for 1,000,000 documents of the same kind on N cores: extraction takes D/(N·w); into
   the embedded store, the building process D/L beside it, and the build the longer of the two; with
   ``--partitions-only``, the longer of extraction and that building process, then the offline load.

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
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from statistics import median
from typing import Any

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
WORKER_CONFIG = ROOT / "docs" / "dask-workers.yaml"
"""The settings the README gives for workers; the builds run with Dask's defaults as well."""


@contextmanager
def local_cluster(config: Path | None) -> Iterator[Any]:
    """Two single-threaded worker processes, configured by the YAML file ``config`` (``None``: Dask's
    defaults), as ``DASK_CONFIG=FILE dask worker`` would be."""
    import dask.config
    from distributed import LocalCluster

    dask.config.refresh(paths=[str(config)] if config else [])
    environ = dict(os.environ)
    try:
        with LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster:
            yield cluster
    finally:
        dask.config.refresh(paths=[])
        # A nanny sets its pre-spawn variables (MALLOC_TRIM_THRESHOLD_…) in this process's environment
        # before it starts a worker: put it back, or every later build and cluster inherits them.
        os.environ.clear()
        os.environ.update(environ)


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


def _cpu(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def bulk_load_rate(parts: Path, scratch: Path) -> dict[str, object]:
    """``Store.bulk_load`` a call a partition file, then one call over them all joined."""
    manifest = read_manifest(Location(str(parts)))
    assert manifest is not None
    files = [(parts / name).read_bytes() for name in manifest.files()]
    results: dict[str, object] = {}
    stores = {}
    for how, calls in (("a_call_a_file", files), ("one_call", [b"".join(files)])):
        store = stores[how] = ox.Store(str(scratch / f"bulk-{how}"))
        cpu, started = _cpu(), time.perf_counter()
        for data in calls:
            store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        seconds = time.perf_counter() - started
        results[how] = {
            "calls": len(calls),
            "quads": len(store),
            "seconds": seconds,
            "cpu_s": _cpu() - cpu,
            "quads_per_s": len(store) / seconds,
        }
    results["same_quads"] = sorted(map(str, stores["a_call_a_file"])) == sorted(map(str, stores["one_call"]))
    return results


def offline_rate(parts: Path, scratch: Path) -> dict[str, float]:
    """Oxigraph's offline loader on the files ``load-into --list`` names (loaded in parallel, a thread a
    file, on half the cores)."""
    manifest = read_manifest(Location(str(parts)))
    assert manifest is not None
    files = [str(parts / name) for name in manifest.files()]
    cpu, started = _cpu(resource.RUSAGE_CHILDREN), time.perf_counter()
    subprocess.run(
        [str(OXIGRAPH), "load", "--location", str(scratch / "offline"), "--file", *files],
        check=True,
        capture_output=True,
    )
    seconds = time.perf_counter() - started
    cpu_s = _cpu(resource.RUSAGE_CHILDREN) - cpu
    quads = len(ox.Store.read_only(str(scratch / "offline")))
    return {"quads": quads, "seconds": seconds, "cpu_s": cpu_s, "quads_per_s": quads / seconds}


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


def predict(worker: float, building: float, files_only: float, offline_docs: float) -> dict[str, object]:
    """Hours for a million documents on each of ``CORES`` (rates in documents a second: a worker, the
    building process into the embedded store, the building process with ``--partitions-only``, the
    offline loader), and the cores from which the loading side is the limit."""
    embedded, offline = {}, {}
    for cores in CORES:
        extraction = MILLION / (cores * worker)
        loading = MILLION / building
        embedded[str(cores)] = {
            "hours": max(extraction, loading) / 3600,
            "limit": "loader" if loading > extraction else "extraction",
        }
        writing = max(extraction, MILLION / files_only)
        offline[str(cores)] = {
            "hours": (writing + MILLION / offline_docs) / 3600,
            "limit": "offline load" if MILLION / offline_docs > writing else "extraction",
        }
    return {
        "documents": MILLION,
        "core_hours": MILLION / worker / 3600,
        "embedded": {"on_cores": embedded, "loader_limit_cores": building / worker},
        "partitions_only": {
            "on_cores": offline,
            "building_process_limit_cores": files_only / worker,
            "offline_load_hours": MILLION / offline_docs / 3600,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--docs", type=int, default=1000)
    parser.add_argument("--worker-docs", type=int, default=200, help="documents for the worker measurement")
    parser.add_argument("--rounds", type=int, default=3, help="alternating pairs of builds")
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimgraph-bench"))
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
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
        rounds: dict[str, list[float]] = {
            "workers_2_s": [],
            "dask_2_workers_s": [],
            "dask_defaults_2_workers_s": [],
            "load_average": [],
        }
        parts = scratch / "parts"
        for _ in range(args.rounds):
            rounds["load_average"].append(os.getloadavg()[0])
            rounds["workers_2_s"].append(timed_build(scratch / "local", folder, "--workers", "2"))
            for name, config in (("dask_2_workers_s", WORKER_CONFIG), ("dask_defaults_2_workers_s", None)):
                shutil.rmtree(parts, ignore_errors=True)
                with local_cluster(config) as cluster:
                    rounds["load_average"].append(os.getloadavg()[0])
                    dask_args = ("--engine", "dask", "--scheduler", cluster.scheduler_address)
                    rounds[name].append(
                        timed_build(scratch / "dask", folder, *dask_args, "--partitions", str(parts))
                    )
            print("round", {k: v[-1] for k, v in rounds.items()}, flush=True)
        local, dask = median(rounds["workers_2_s"]), median(rounds["dask_2_workers_s"])
        defaults = median(rounds["dask_defaults_2_workers_s"])
        with local_cluster(WORKER_CONFIG) as cluster:
            dask_args = (
                "--engine",
                "dask",
                "--scheduler",
                cluster.scheduler_address,
                "--partitions",
                str(parts),
            )
            loader = timed_build(scratch / "loader", folder, *dask_args)  # every partition written already
            files_only = timed_build(scratch / "files", folder, *dask_args, "--partitions-only")
        results["builds"] = {
            "rounds": rounds,
            "workers_2_s": local,
            "dask_2_workers_s": dask,
            "dask_over_local": dask / local,
            "dask_defaults_2_workers_s": defaults,
            "dask_defaults_over_local": defaults / local,
            "loader_only_s": loader,
            "loader_docs_per_s": args.docs / loader,
            "partitions_only_s": files_only,
            "partitions_only_docs_per_s": args.docs / files_only,
        }
        print("builds", results["builds"], flush=True)
        results["bulk_load"] = bulk = bulk_load_rate(parts, scratch)
        print("bulk load", bulk, flush=True)
        quads = int(bulk["a_call_a_file"]["quads"])  # type: ignore[index]
        results["oxigraph_offline"] = offline = offline_rate(parts, scratch)
        print("offline", offline, flush=True)
        results["oxigraph_server"] = server_rate(parts, scratch, quads)
        print("server", results["oxigraph_server"], flush=True)
        results["prediction"] = predict(
            worker["docs_per_s"],
            args.docs / loader,
            args.docs / files_only,
            offline["quads_per_s"] / (quads / args.docs),
        )
        print(json.dumps(results["prediction"], indent=1))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_after"] = os.getloadavg()[0]
    if not args.no_write:
        RESULTS.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
