"""The W3C SPARQL 1.1 Protocol tests against ``claimgraph serve`` and Oxigraph's server, side by side.

    .venv/bin/python benchmarks/protocol_suite.py [--store DIR]

Both servers run on loopback, read-only (the suite's three graphs loaded beforehand) and read-write
(each case's graphs loaded through the endpoint before it runs). claimgraph serves the store given
(default ``./.claimgraph``, copied first); Oxigraph an empty store of its own. Prints one line per
case and the totals, as Markdown.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from graph.sparql.server import Settings, running  # noqa: E402
from tests.w3c_protocol import CASES, DATA, Endpoint, load_data, run_case  # noqa: E402

OXIGRAPH = Path(sys.executable).with_name("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def oxigraph(location: Path, read_only: bool) -> Iterator[Endpoint]:
    port = free_port()
    command = "serve-read-only" if read_only else "serve"
    process = subprocess.Popen(
        [str(OXIGRAPH), command, "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/query", params={"query": "ASK {}"}, timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.05)
        yield Endpoint(f"{base}/query", f"{base}/update")
    finally:
        process.terminate()
        process.wait(10)


def run_all(endpoint: Endpoint, *, read_only: bool, load: bool) -> dict[str, str | None]:
    results = {}
    for case in CASES:
        if load:
            load_data(endpoint, case)
        results[case["name"]] = run_case(endpoint, case, read_only=read_only)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=ROOT / ".claimgraph")
    args = parser.parse_args()
    columns: dict[str, dict[str, str | None]] = {}
    with tempfile.TemporaryDirectory() as work:
        work_dir = Path(work)
        for mode in ("read-only", "allow-update"):
            store = work_dir / f"claimgraph-{mode}"
            shutil.copytree(args.store, store, symlinks=True)
            if mode == "read-only":
                with running(Settings(store, port=0, allow_update=True)) as url:
                    for case in CASES:
                        load_data(Endpoint(f"{url}/sparql", f"{url}/sparql"), case)
            settings = Settings(store, port=0, allow_update=mode == "allow-update")
            with running(settings) as url:
                endpoint = Endpoint(f"{url}/sparql", f"{url}/sparql")
                columns[f"claimgraph {mode}"] = run_all(
                    endpoint, read_only=mode == "read-only", load=mode != "read-only"
                )
            location = work_dir / f"oxigraph-{mode}"
            if mode == "read-only":
                for name, graph in sorted({(d["file"], d["graph"]) for c in CASES for d in c["data"]}):
                    load = ["load", "--location", str(location), "--file", str(DATA / name), "--graph", graph]
                    subprocess.run(
                        [str(OXIGRAPH), *load],
                        check=True,
                        capture_output=True,
                    )
            else:
                location.mkdir()
            with oxigraph(location, read_only=mode == "read-only") as endpoint:
                columns[f"Oxigraph {mode}"] = run_all(
                    endpoint, read_only=mode == "read-only", load=mode != "read-only"
                )
    names = list(columns)
    print("| case | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for case in CASES:
        cells = [
            "pass" if columns[n][case["name"]] is None else f"FAIL: {columns[n][case['name']]}" for n in names
        ]
        print(f"| {case['name']} | " + " | ".join(cells) + " |")
    totals = [f"{sum(r is None for r in columns[n].values())} of {len(CASES)}" for n in names]
    print("| **passed** | " + " | ".join(totals) + " |")


if __name__ == "__main__":
    main()
