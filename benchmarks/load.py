"""Load on ``claimgraph serve``, beside Oxigraph's server on the same data: do short queries starve?

    .venv/bin/python benchmarks/load.py                   # the seeds store, built first; ~3 minutes
    .venv/bin/python benchmarks/load.py --store DIR --duration 30 --write

Loopback only, bounded: each phase runs ``--duration`` seconds and every client stops by itself.
For each server, two phases after a warm-up: 20 clients sending the shipped queries (each as shipped,
with its required parameters bound, prefixes declared: standard SPARQL 1.1 that both servers take),
in a closed loop (the next request when the answer is in); then the same 20 clients beside 2 clients
sending expensive queries (a cross product counted, a cross product sorted) in a closed loop.

Reported per phase: the short queries' throughput and latency (median, p95, p99), their answers that
were not 200 (and how many 503), what the expensive clients got, and the resident memory of the
server's process tree before and after. The ratio that matters is each server's p95 with the
expensive clients over its p95 without them (the issue's bound: under 3×).

Oxigraph serves an N-Quads copy of the same store with ``--union-default-graph`` and its own
``--timeout-s`` equal to claimgraph's ``--timeout``. Both servers run as separate processes; the
clients are threads of this process (``requests`` sessions with keep-alive), on the same two cores.
"""

from __future__ import annotations

import argparse
import json
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path

import psutil
import pyoxigraph as ox
import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from run import query_cases  # noqa: E402  (benchmarks/run.py: the same sample parameters)

from graph.sparql.queries import bind, shipped  # noqa: E402
from graph.sparql.query import standalone  # noqa: E402
from graph.store.push import with_prefixes  # noqa: E402
from graph.store.store import open_store  # noqa: E402

CLAIMGRAPH = Path(sys.executable).with_name("claimgraph")
OXIGRAPH = Path(sys.executable).with_name("oxigraph")
SHORT_CLIENTS = 20
LONG_CLIENTS = 2
TIMEOUT = 10
EXPENSIVE = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d a ?t }",
    "SELECT ?c ?t WHERE { ?a ?b ?c . ?d a ?t } ORDER BY DESC(?c) ?t LIMIT 1",
]
RESULTS = ROOT / "benchmarks" / "load-results.json"
BEGIN, END = "<!-- BEGIN LOAD RESULTS (benchmarks/load.py writes this part) -->", "<!-- END LOAD RESULTS -->"


def short_queries(store_path: Path) -> list[tuple[str, str]]:
    """Each shipped query as shipped, its parameters bound as ``run.py`` binds them (``entity`` where it
    takes one), as standard SPARQL 1.1 text."""
    store = open_store(store_path)
    cases = dict(query_cases(store))  # the case with ``entity`` bound comes last and wins
    found = []
    for name, values in cases.items():
        q = shipped()[name]
        found.append((name, with_prefixes(standalone(q.sparql, bind(store, q.sparql, values)))))
    store.close()
    return found


@dataclass
class Phase:
    """What the clients of one phase got."""

    seconds: float
    short_latencies: list[float] = field(default_factory=list)
    short_statuses: dict[str, int] = field(default_factory=dict)
    long_statuses: dict[str, int] = field(default_factory=dict)
    memory_before_mb: float = 0.0
    memory_after_mb: float = 0.0

    def summary(self) -> dict[str, float | int | dict[str, int]]:
        ordered = sorted(self.short_latencies)
        errors = sum(n for status, n in self.short_statuses.items() if status != "200")
        return {
            "requests_per_s": round(len(ordered) / self.seconds, 1),
            "p50_ms": round(_percentile(ordered, 0.50) * 1000, 1),
            "p95_ms": round(_percentile(ordered, 0.95) * 1000, 1),
            "p99_ms": round(_percentile(ordered, 0.99) * 1000, 1),
            "short_requests": len(ordered),
            "short_not_200": errors,
            "short_503": self.short_statuses.get("503", 0),
            "long_answers": dict(sorted(self.long_statuses.items())),
            "memory_before_mb": round(self.memory_before_mb),
            "memory_after_mb": round(self.memory_after_mb),
        }


def _percentile(ordered: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted values.

    >>> _percentile([float(i) for i in range(1, 101)], 0.95)
    95.0
    """
    if not ordered:
        return float("nan")
    return ordered[max(0, min(len(ordered) - 1, round(share * len(ordered)) - 1))]


def run_phase(
    url: str, queries: list[str], seconds: float, long_clients: int, server: psutil.Process
) -> Phase:
    phase = Phase(seconds)
    lock = threading.Lock()
    stop = time.monotonic() + seconds
    phase.memory_before_mb = _tree_memory(server)

    def client(number: int, texts: list[str], short: bool) -> None:
        with requests.Session() as session:
            turn = number
            while time.monotonic() < stop:
                text = texts[turn % len(texts)]
                turn += 1
                started = time.monotonic()
                try:
                    response = session.post(
                        url,
                        data={"query": text},
                        headers={"Accept": "application/sparql-results+json, text/turtle;q=0.9"},
                        timeout=TIMEOUT * 3,
                    )
                    status = str(response.status_code)
                except requests.RequestException as e:
                    status = type(e).__name__
                elapsed = time.monotonic() - started
                with lock:
                    statuses = phase.short_statuses if short else phase.long_statuses
                    statuses[status] = statuses.get(status, 0) + 1
                    if short and started + elapsed <= stop:
                        phase.short_latencies.append(elapsed)

    threads = [threading.Thread(target=client, args=(i, queries, True)) for i in range(SHORT_CLIENTS)]
    threads += [threading.Thread(target=client, args=(i, EXPENSIVE, False)) for i in range(long_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.memory_after_mb = _tree_memory(server)
    return phase


def _tree_memory(process: psutil.Process) -> float:
    total = 0
    for p in [process, *process.children(recursive=True)]:
        with suppress(psutil.Error):
            total += p.memory_info().rss
    return total / 2**20


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def server(command: list[str], url: str) -> Iterator[psutil.Process]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            try:
                requests.get(url, params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                if process.poll() is not None:
                    raise SystemExit(f"{command[0]} exited: {process.returncode}") from None
                time.sleep(0.1)
        yield psutil.Process(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def measure(url: str, queries: list[str], seconds: float, server_process: psutil.Process) -> dict[str, dict]:
    run_phase(url, queries, 3, 0, server_process)  # warm-up: caches, the guard's parses
    alone = run_phase(url, queries, seconds, 0, server_process)
    loaded = run_phase(url, queries, seconds, LONG_CLIENTS, server_process)
    return {"alone": alone.summary(), "with_expensive": loaded.summary()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="a claimgraph store (default: the seeds, built now)")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds per phase")
    parser.add_argument("--write", action="store_true", help="write load-results.json and the README table")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="claimgraph-load-") as work:
        work_dir = Path(work)
        store = args.store
        if store is None:
            store = work_dir / "seeds-store"
            subprocess.run(
                [str(CLAIMGRAPH), "--store", str(store), "build", str(ROOT / "seeds"), "--no-progress"],
                check=True,
                capture_output=True,
            )
        named = short_queries(store)
        queries = [text for _, text in named]
        results: dict[str, dict] = {}
        port = free_port()
        command = [
            str(CLAIMGRAPH),
            "--store",
            str(store),
            "serve",
            "--port",
            str(port),
            "--timeout",
            str(TIMEOUT),
        ]
        with server(command, f"http://127.0.0.1:{port}/sparql") as process:
            results["claimgraph serve"] = measure(
                f"http://127.0.0.1:{port}/sparql", queries, args.duration, process
            )
        dump = work_dir / "store.nq"
        opened = open_store(store)
        with dump.open("wb") as out:
            ox.serialize(opened, out, ox.RdfFormat.N_QUADS)
        opened.close()
        location = work_dir / "oxigraph"
        subprocess.run([str(OXIGRAPH), "load", "--location", str(location), "--file", str(dump)], check=True)
        port = free_port()
        command = [
            str(OXIGRAPH),
            "serve-read-only",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
        ]
        command += ["--union-default-graph", "--timeout-s", str(TIMEOUT)]
        with server(command, f"http://127.0.0.1:{port}/query") as process:
            results["Oxigraph server"] = measure(
                f"http://127.0.0.1:{port}/query", queries, args.duration, process
            )
    report = {
        "measured": time.strftime("%Y-%m-%d"),
        "cores": psutil.cpu_count(),
        "seconds_per_phase": args.duration,
        "short_queries": [name for name, _ in named],
        "expensive_queries": EXPENSIVE,
        "servers": results,
    }
    table = render(report)
    print(table)
    if args.write:
        RESULTS.write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        readme = ROOT / "benchmarks" / "README.md"
        text = readme.read_text(encoding="utf-8")
        if BEGIN in text and END in text:
            head, rest = text.split(BEGIN, 1)
            text = head + BEGIN + "\n" + table + "\n" + END + rest.split(END, 1)[1]
            readme.write_text(text, encoding="utf-8")


def render(report: dict) -> str:
    lines = [
        f"Measured {report['measured']} on {report['cores']} cores, "
        f"{report['seconds_per_phase']:g} s per phase, "
        f"{SHORT_CLIENTS} clients sending the {len(report['short_queries'])} shipped queries"
        f" (+{LONG_CLIENTS} clients sending expensive queries in the second phase).",
        "",
        "| server | phase | short req/s | p50 | p95 | p99 | short not 200 (503) | expensive answers "
        "| p95 ratio | memory before → after |",
        "|---|---|---:|---:|---:|---:|---:|---|---:|---|",
    ]
    for name, phases in report["servers"].items():
        base = phases["alone"]["p95_ms"]
        for phase, label in (("alone", "20 short"), ("with_expensive", "20 short + 2 expensive")):
            s = phases[phase]
            ratio = f"{s['p95_ms'] / base:.2f}×" if phase == "with_expensive" else "1"
            longs = ", ".join(f"{k}: {v}" for k, v in s["long_answers"].items()) or "–"
            lines.append(
                f"| {name} | {label} | {s['requests_per_s']} | {s['p50_ms']} ms | {s['p95_ms']} ms | "
                f"{s['p99_ms']} ms | {s['short_not_200']} ({s['short_503']}) | {longs} | {ratio} | "
                f"{s['memory_before_mb']} → {s['memory_after_mb']} MB |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
