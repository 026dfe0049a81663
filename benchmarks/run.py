"""The benchmark: every figure of ``benchmarks/README.md`` from one run of this script.

    .venv/bin/python benchmarks/run.py          # N = 100, 1,000, 10,000: about 30 minutes on 2 cores
    .venv/bin/python benchmarks/run.py --sizes 20,50 --no-write   # a quick look

1. **Throughput** of extraction in this process, on the same text (the first documents of the corpus),
   against two baselines run in the same process: bare ``spacy.blank("zh")`` tokenisation (the floor)
   and ``jieba.posseg`` tagging (what one would otherwise run).
2. **Build** of N documents for each size, each ``claimgraph build`` in a child process, timed, with its
   peak memory polled (psutil): the whole process tree (main process and extraction workers) and the
   main process alone.
3. **Incremental** rebuild of the largest corpus: nothing changed, then one document changed.
   **One long document** (``--long-chars``, 1,000,000 characters: the corpus run together) built alone,
   timed with its peak memory: long documents go through extraction in bounded pieces.
4. **SPARQL** latency, median and p95 over repeated runs, of every shipped query on the largest store;
   and on a smaller store (``--baseline-docs``) the same queries on pyoxigraph and on rdflib's in-memory
   ``Dataset`` loaded from the same N-Quads, as the baseline ratio.

Results go to ``benchmarks/results.json`` and the table between the markers of ``benchmarks/README.md``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpus import CORPORA, change_one, load_material, make_corpus  # noqa: E402

BEGIN, END = "<!-- BEGIN RESULTS (benchmarks/run.py writes this part) -->", "<!-- END RESULTS -->"
EPOCH = "1700000000"
"""SOURCE_DATE_EPOCH of every build: reproducible stores."""
SAMPLE_ENTITY = "DeepSeek"
"""The entity bound in the "one entity" variant of the queries that take ``?entity``."""


@dataclass
class Build:
    documents: int
    characters: int
    seconds: float
    peak_tree_mb: float
    peak_main_mb: float
    quads: int = 0
    store_mb: float = 0.0
    output: str = ""


@dataclass
class Latency:
    query: str
    params: dict[str, str]
    rows: int
    runs: int
    median_ms: float
    p95_ms: float
    rdflib_median_ms: float | None = None
    oxigraph_small_median_ms: float | None = None
    oxigraph_small_rows: int | None = None
    rdflib_rows: int | None = None
    note: str = ""


@dataclass
class Results:
    machine: dict[str, Any] = field(default_factory=dict)
    throughput: dict[str, Any] = field(default_factory=dict)
    builds: list[Build] = field(default_factory=list)
    incremental: dict[str, Any] = field(default_factory=dict)
    long_document: Build | None = None
    sparql: list[Latency] = field(default_factory=list)
    baseline: dict[str, Any] = field(default_factory=dict)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- 1. throughput ----------------------------------------------------------------------------------


def throughput(corpus: Path, docs: int) -> dict[str, Any]:
    """Characters per second of our pipeline, bare tokenisation and jieba.posseg on the same documents."""
    import jieba
    import jieba.posseg as pseg
    import spacy

    from extract.ingest import read_documents
    from extract.pipeline import extract_documents, load_pipeline

    documents = [d for d in read_documents([str(corpus)]) if hasattr(d, "plain")][:docs]
    texts = [d.plain for d in documents]
    chars = sum(map(len, texts))

    blank = spacy.blank("zh")  # the default Chinese segmenter: characters
    for _ in blank.pipe(texts[:3]):
        pass
    jieba.setLogLevel(60)
    jieba.initialize()
    list(pseg.cut(texts[0][:200]))
    nlp = load_pipeline()
    list(extract_documents(documents[:2], nlp=nlp))

    def timed(run: Callable[[], None]) -> float:
        started = time.perf_counter()
        run()
        return time.perf_counter() - started

    t_blank = timed(lambda: [None for _ in blank.pipe(texts, batch_size=32)])
    t_jieba = timed(lambda: [list(pseg.cut(t)) for t in texts])
    t_ours = timed(lambda: list(extract_documents(documents, nlp=nlp)))
    rate = {name: chars / t for name, t in (("blank", t_blank), ("jieba", t_jieba), ("claimgraph", t_ours))}
    return {
        "documents": len(documents),
        "characters": chars,
        "seconds": {"blank": t_blank, "jieba": t_jieba, "claimgraph": t_ours},
        "chars_per_s": rate,
        "ratio_to_blank": rate["claimgraph"] / rate["blank"],
        "ratio_to_jieba": rate["claimgraph"] / rate["jieba"],
    }


# --- 2. and 3. builds, measured in a child process --------------------------------------------------------


class _Peak:
    """Polls the resident memory of a process and its descendants until stopped."""

    def __init__(self, pid: int, every: float = 0.1) -> None:
        self.process = psutil.Process(pid)
        self.every = every
        self.tree = 0
        self.main = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            with contextlib.suppress(psutil.Error):
                main = self.process.memory_info().rss
                total = main
                for child in self.process.children(recursive=True):
                    with contextlib.suppress(psutil.Error):
                        total += child.memory_info().rss
                self.main = max(self.main, main)
                self.tree = max(self.tree, total)
            self._stop.wait(self.every)

    def __enter__(self) -> _Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def claimgraph(*args: str) -> list[str]:
    return [sys.executable, "-c", "from cli import main; main()", *args]


def run_build(corpus: Path, store: Path, extra: tuple[str, ...] = ()) -> Build:
    """``claimgraph build`` in a child process: wall time and peak memory of its process tree."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    started = time.perf_counter()
    child = subprocess.Popen(
        claimgraph("--store", str(store), "build", str(corpus), "--no-progress", *extra),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    with _Peak(child.pid) as peak:
        output, _ = child.communicate()
    seconds = time.perf_counter() - started
    if child.returncode != 0:
        raise RuntimeError(f"build of {corpus} failed:\n{output.decode()}")
    files = sorted(corpus.glob("*.txt"))
    return Build(
        documents=len(files),
        characters=sum(len(p.read_text(encoding="utf-8")) for p in files),
        seconds=seconds,
        peak_tree_mb=peak.tree / 2**20,
        peak_main_mb=peak.main / 2**20,
        output=output.decode().strip(),
    )


def long_document(corpus: Path, folder: Path, chars: int) -> Path:
    """A folder holding one document of ``chars`` characters: the corpus's documents run together."""
    parts, size = [], 0
    while size < chars:
        for path in sorted(corpus.glob("*.txt")):
            parts.append(path.read_text(encoding="utf-8"))
            size += len(parts[-1]) + 2
            if size >= chars:
                break
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "long.txt").write_text("\n\n".join(parts)[:chars], encoding="utf-8")
    return folder


def store_size(store: Path) -> tuple[int, float]:
    import pyoxigraph as ox

    current = (store / "current").resolve()
    size = sum(p.stat().st_size for p in current.rglob("*") if p.is_file())
    return len(ox.Store.read_only(str(current))), size / 2**20


# --- 4. SPARQL --------------------------------------------------------------------------------------------


def query_cases(store: Any) -> list[tuple[str, dict[str, str]]]:
    """Each shipped query as shipped (its first page), with no optional parameter, and with ``entity``
    bound where it has one (``SAMPLE_ENTITY``, by name, as ``--param entity=DeepSeek`` would).

    A required ``?claim`` is a claim of the first document with claims, chosen by IRI.
    """
    from graph.sparql.queries import shipped
    from graph.store.vocab import prefixes

    claim = next(
        iter(store.query("SELECT ?c { GRAPH ?g { ?c a cg:Claim } } ORDER BY ?c LIMIT 1", prefixes=prefixes()))
    )["c"].value
    cases = []
    for name, q in shipped().items():
        required = {
            p.name: SAMPLE_ENTITY if p.name == "entity" else f"<{claim}>" for p in q.params if p.required
        }
        cases.append((name, required))
        if any(p.name == "entity" and not p.required for p in q.params):
            cases.append((name, {**required, "entity": SAMPLE_ENTITY}))
    return cases


def _percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile.

    >>> _percentile([float(i) for i in range(1, 21)], 0.95)
    19.0
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def time_oxigraph(
    store: Any, name: str, params: dict[str, str], runs: int, budget: float
) -> tuple[int, list[float]]:
    """Rows and per-run seconds of one shipped query: bound, evaluated, every row read."""
    from graph.sparql.queries import execute, named

    sparql = named(name).sparql

    def once() -> int:
        answer = execute(store, sparql, params)
        return sum(1 for _ in answer)

    rows = once()  # warm-up
    times: list[float] = []
    spent = 0.0
    while len(times) < runs and (len(times) < 3 or spent < budget):
        started = time.perf_counter()
        once()
        times.append(time.perf_counter() - started)
        spent += times[-1]
    return rows, times


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def _alarm(seconds: int) -> Iterator[None]:
    def ring(signum: int, frame: object) -> None:
        raise _Timeout

    previous = signal.signal(signal.SIGALRM, ring)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def rdflib_baseline(
    store_dir: Path, cases: list[tuple[str, dict[str, str]]], runs: int, timeout: int
) -> tuple[dict[str, Any], dict[tuple[str, str], tuple[int | None, float | None, float, int, str]]]:
    """The same queries on rdflib's in-memory ``Dataset`` (union default graph) and pyoxigraph, same quads."""
    import io

    import pyoxigraph as ox
    from rdflib import Dataset, Literal, URIRef

    from graph.exports.formats import export
    from graph.sparql.queries import bind, named
    from graph.store.vocab import prefixes

    warnings.simplefilter("ignore", DeprecationWarning)  # rdflib's Dataset warns about its own internals
    store = ox.Store.read_only(str((store_dir / "current").resolve()))
    buffer = io.BytesIO()
    quads = export(store, "nquads", buffer)
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(data=buffer.getvalue(), format="nquads")
    load = time.perf_counter() - started
    del buffer

    def rdflib_term(term: Any) -> Any:
        if isinstance(term, ox.NamedNode):
            return URIRef(term.value)
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))

    out = {}
    for name, params in cases:
        sparql = named(name).sparql
        bindings = {k: rdflib_term(v) for k, v in bind(store, sparql, params).items()}
        ox_rows, ox_times = time_oxigraph(store, name, params, max(runs, 5), budget=10)
        times: list[float] = []
        rows: int | None = None
        note = ""
        for _ in range(runs):
            started = time.perf_counter()
            try:
                with _alarm(timeout):
                    rows = sum(1 for _ in dataset.query(sparql, initNs=prefixes(), initBindings=bindings))
            except _Timeout:
                note = f"rdflib > {timeout} s"
                times = []
                rows = None
                break
            times.append(time.perf_counter() - started)
        out[name, json.dumps(params, sort_keys=True)] = (
            rows,
            statistics.median(times) if times else None,
            statistics.median(ox_times),
            ox_rows,
            note,
        )
        log(f"  rdflib {name} {params}: {out[name, json.dumps(params, sort_keys=True)]}")
    return {"documents_store": str(store_dir), "quads": quads, "rdflib_load_s": load}, out


# --- the report ----------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "python": platform.python_version(),
        **{p: version(p) for p in ("spacy", "pyoxigraph", "rdflib", "jieba")},
        "date": time.strftime("%Y-%m-%d"),
    }


def table(results: Results) -> str:
    r = results
    t = r.throughput
    lines = [
        f"Measured {r.machine['date']} on {r.machine['cores']} cores ({r.machine['cpu']}), "
        f"{r.machine['memory_gb']} GB, Python {r.machine['python']}, spaCy {r.machine['spacy']}, "
        f"pyoxigraph {r.machine['pyoxigraph']}, rdflib {r.machine['rdflib']}, jieba {r.machine['jieba']}.",
        "",
        f"**Extraction throughput**, one process, on the same {t['documents']} documents "
        f"({t['characters']:,} characters):",
        "",
        "| | characters/s | claimgraph as a ratio |",
        "|---|---:|---:|",
        "| claimgraph pipeline (rules, gazetteer, NER, resolver, claims) | "
        f"{t['chars_per_s']['claimgraph']:,.0f} | 1 |",
        f'| `spacy.blank("zh")` tokenisation (the floor) | {t["chars_per_s"]["blank"]:,.0f} | '
        f"{t['ratio_to_blank']:.3f} |",
        f"| `jieba.posseg` tagging | {t['chars_per_s']['jieba']:,.0f} | {t['ratio_to_jieba']:.2f} |",
        "",
        "**Build** (`claimgraph build DIR`, default `--workers` = every core; a child process per size; peak "
        "resident memory of the whole process tree, and of the main process that writes the store):",
        "",
        "| documents | characters | build time | characters/s | peak memory (tree) | peak (main) | quads "
        "| store on disk |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for b in r.builds:
        lines.append(
            f"| {b.documents:,} | {b.characters:,} | {b.seconds:,.1f} s | {b.characters / b.seconds:,.0f} | "
            f"{b.peak_tree_mb:,.0f} MB | {b.peak_main_mb:,.0f} MB | {b.quads:,} | {b.store_mb:,.0f} MB |"
        )
    inc = r.incremental
    if inc:
        lines += [
            "",
            f"**Incremental** rebuild of the {inc['documents']:,}-document store: nothing changed "
            f"{inc['unchanged']['seconds']:.1f} s (peak {inc['unchanged']['peak_tree_mb']:,.0f} MB); "
            f"one document changed {inc['one']['seconds']:.1f} s "
            f"(peak {inc['one']['peak_tree_mb']:,.0f} MB).",
        ]
    if r.long_document:
        d = r.long_document
        lines += [
            "",
            f"**One long document** of {d.characters:,} characters built alone: {d.seconds:,.1f} s, "
            f"peak {d.peak_tree_mb:,.0f} MB (whole process tree), {d.peak_main_mb:,.0f} MB (main process).",
        ]
    if r.sparql:
        b = r.baseline
        lines += [
            "",
            "**SPARQL** latency of the shipped queries (`graph/sparql/queries/*.rq`) through "
            "`claimgraph query`'s "
            f"code path (bind, evaluate, read every row), on the {r.builds[-1].documents:,}-document store; "
            f"rdflib baseline on the {b.get('documents', 0):,}-document store ({b.get('quads', 0):,} quads, "
            f"loaded into an rdflib `Dataset` in {b.get('rdflib_load_s', 0):.0f} s), both engines on the "
            "same quads:",
            "",
            "| query | parameters | rows | median | p95 | runs | small store: oxigraph | rdflib "
            "| rdflib / oxigraph |",
            "|---|---|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for s in r.sparql:
            params = ", ".join(
                f"{k}={v if len(v) < 30 else v[:12] + '…' + v[-14:]}" for k, v in s.params.items()
            )
            small = f"{s.oxigraph_small_median_ms:,.1f} ms" if s.oxigraph_small_median_ms is not None else ""
            if s.rdflib_median_ms is not None:
                rdf = f"{s.rdflib_median_ms:,.0f} ms"
                ratio = f"{s.rdflib_median_ms / s.oxigraph_small_median_ms:,.0f}×"
                if s.rdflib_rows != s.oxigraph_small_rows:
                    ratio += f" ({s.rdflib_rows:,} rows, not {s.oxigraph_small_rows:,}: see below)"
            else:
                rdf, ratio = s.note, ""
            lines.append(
                f"| {s.query} | {params or '(none)'} | {s.rows:,} | {s.median_ms:,.1f} ms | "
                f"{s.p95_ms:,.1f} ms | {s.runs} | {small} | {rdf} | {ratio} |"
            )
    return "\n".join(lines)


def write_readme(text: str) -> None:
    readme = HERE / "README.md"
    body = readme.read_text(encoding="utf-8")
    start, end = body.index(BEGIN) + len(BEGIN), body.index(END)
    readme.write_text(body[:start] + "\n\n" + text + "\n\n" + body[end:], encoding="utf-8")


def main(argv: list[str] | None = None) -> Results:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="documents per build, comma-separated")
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimgraph-bench"), help="scratch folder")
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=None, help="build --workers [default: every core]")
    parser.add_argument("--throughput-docs", type=int, default=50)
    parser.add_argument("--runs", type=int, default=20, help="timed runs of each query")
    parser.add_argument("--baseline-docs", type=int, default=100, help="store size of the rdflib baseline")
    parser.add_argument("--baseline-runs", type=int, default=3)
    parser.add_argument(
        "--baseline-timeout", type=int, default=60, help="seconds before an rdflib query is given up"
    )
    parser.add_argument(
        "--long-chars", type=int, default=1_000_000, help="characters of the one long document (0: none)"
    )
    parser.add_argument(
        "--no-write", action="store_true", help="print the table; leave README and results.json"
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",")})
    extra = () if args.workers is None else ("--workers", str(args.workers))
    results = Results(machine=machine())
    work = args.work
    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)

    material = load_material(args.corpora)
    corpora = {}
    for n in sizes:
        corpora[n] = work / f"corpus-{n}"
        chars = make_corpus(corpora[n], n, seed=args.seed, material=material)
        log(f"corpus of {n} documents: {chars:,} characters")

    results.throughput = throughput(corpora[sizes[-1]], args.throughput_docs)
    log(f"throughput: {results.throughput['chars_per_s']}")

    stores = {}
    for n in sizes:
        stores[n] = work / f"store-{n}"
        build = run_build(corpora[n], stores[n], extra)
        build.quads, build.store_mb = store_size(stores[n])
        results.builds.append(build)
        log(
            f"build {n}: {build.seconds:.1f} s, tree {build.peak_tree_mb:.0f} MB, "
            f"main {build.peak_main_mb:.0f} MB"
        )

    big = sizes[-1]
    unchanged = run_build(corpora[big], stores[big], extra)
    changed = change_one(corpora[big], seed=args.seed, material=material)
    one = run_build(corpora[big], stores[big], extra)
    results.incremental = {
        "documents": big,
        "changed": changed.name,
        "unchanged": asdict(unchanged),
        "one": asdict(one),
    }
    log(f"incremental: unchanged {unchanged.seconds:.1f} s, one changed {one.seconds:.1f} s ({one.output})")

    if args.long_chars:
        folder = long_document(corpora[big], work / "long", args.long_chars)
        long = results.long_document = run_build(folder, work / "store-long", extra)
        log(f"long document: {long.seconds:.1f} s, tree {long.peak_tree_mb:.0f} MB")

    import pyoxigraph as ox

    store = ox.Store.read_only(str((stores[big] / "current").resolve()))
    cases = query_cases(store)
    for name, params in cases:
        rows, times = time_oxigraph(store, name, params, args.runs, budget=30)
        ms = [t * 1000 for t in times]
        results.sparql.append(
            Latency(name, params, rows, len(ms), statistics.median(ms), _percentile(ms, 0.95))
        )
        log(
            f"  {name} {params}: {rows} rows, median {statistics.median(ms):.1f} ms, "
            f"p95 {_percentile(ms, 0.95):.1f} ms"
        )
    del store

    small = min(sizes, key=lambda n: abs(n - args.baseline_docs))
    info, baseline = rdflib_baseline(stores[small], cases, args.baseline_runs, args.baseline_timeout)
    results.baseline = {**info, "documents": small}
    for latency in results.sparql:
        rows, rdflib_s, ox_s, ox_rows, note = baseline[
            latency.query, json.dumps(latency.params, sort_keys=True)
        ]
        latency.rdflib_rows = rows
        latency.oxigraph_small_rows = ox_rows
        latency.rdflib_median_ms = rdflib_s * 1000 if rdflib_s is not None else None
        latency.oxigraph_small_median_ms = ox_s * 1000
        latency.note = note

    text = table(results)
    print(text)
    if not args.no_write:
        (HERE / "results.json").write_text(json.dumps(asdict(results), ensure_ascii=False, indent=1) + "\n")
        write_readme(text)
    return results


if __name__ == "__main__":
    main()
