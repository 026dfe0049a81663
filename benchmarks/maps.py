"""The map benchmark (issue 18): how long ``claimgraph map`` takes on big stores, and how the whole map of
1,000 documents behaves in a browser.

    .venv/bin/python benchmarks/maps.py          # builds the two stores first if --work lacks them
    .venv/bin/python benchmarks/maps.py --store-1000 DIR --store-10000 DIR --no-write

1. **Focused and filtered maps**: ``claimgraph map --focus 卢特尼克 --type accusation,denial`` (the
   issue's example), ``--focus 卢特尼克``, a map of five documents (``--doc``) and maps filtered by claim
   type or date alone (``--type denial``, ``--since``/``--until`` one day, ``--type accusation,denial``)
   on the 1,000- and 10,000-document stores: wall time of the command (a child process: start-up,
   reading, payload, page, writing), median of ``--runs``, and the time of ``graph.views.maps.map_html``
   alone in this process; entities, claims and the file's size.
2. **The whole map** of 1,000 documents: the same, once.
3. **In the browser** (Debian's Chromium, headless, driven by Playwright with every request aborted, as
   in ``tests/test_map_browser.py``): from navigation to a drawn, settled map; frames per second while
   the map is dragged (pointer events dispatched on its canvas at every animation frame for 2 s), and
   with everything redrawn at every animation frame; the script's time of one full redraw and of one
   look for the line under a resting pointer (its tooltip).

The stores are built by ``claimgraph build`` from ``benchmarks/corpus.py`` corpora (the 10,000
documents take about 9 minutes on 2 cores) unless given. Results go to ``benchmarks/map-results.json``
and between the map markers of ``benchmarks/README.md``; the whole map's picture to ``docs/map-1000.png``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))

from corpus import make_corpus  # noqa: E402
from run import EPOCH, claimgraph, machine  # noqa: E402

from tests.test_map_browser import ARGS, CHROMIUM  # noqa: E402  (the browser tests' Chromium, as they run it)

BEGIN, END = "<!-- BEGIN MAP RESULTS (benchmarks/maps.py writes this part) -->", "<!-- END MAP RESULTS -->"
FOCUS = "卢特尼克"
CASES = {
    "focus, accusation and denial": ["--focus", FOCUS, "--type", "accusation,denial"],
    "focus, every type": ["--focus", FOCUS],
    "five documents": [
        x for n in (1, 2, 3, 4, 6) for x in ("--doc", f"{n:06d}_{'thread' if n == 1 else 'news'}.txt")
    ],
    "denials, no focus": ["--type", "denial"],
    "one day, no focus": ["--since", "2025-02-02", "--until", "2025-02-02"],
    "accusations and denials, no focus": ["--type", "accusation,denial"],
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_store(store: Path | None, n: int, work: Path, corpus: Path | None) -> Path:
    """The store of ``n`` documents: ``store`` if given, else ``work/store-N``, built if absent."""
    if store is not None:
        return store
    path = work / f"store-{n}"
    if (path / "current").exists():
        return path
    folder = corpus or work / f"corpus-{n}"
    if corpus is None and not folder.exists():
        log(f"writing a corpus of {n} documents to {folder}")
        make_corpus(folder, n)
    log(f"building {path} from {folder}")
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    subprocess.run(
        claimgraph("--store", str(path), "build", str(folder), "--no-progress"), env=env, cwd=ROOT, check=True
    )
    return path


def cli_map(store: Path, args: list[str], out: Path) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        claimgraph("--store", str(store), "map", *args, "-o", str(out)),
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return time.perf_counter() - started, done.stderr.strip()


def in_process(store: Path, args: list[str]) -> float:
    from graph.store.store import open_store
    from graph.views.maps import MapFilter, map_html

    def value(option: str) -> str | None:
        return args[args.index(option) + 1] if option in args else None

    flt = MapFilter(
        focus=value("--focus"),
        types=tuple((value("--type") or "").split(",")) if "--type" in args else (),
        docs=tuple(args[i + 1] for i, a in enumerate(args) if a == "--doc"),
        since=value("--since"),
        until=value("--until"),
    )
    opened = open_store(store)
    started = time.perf_counter()
    map_html(opened, flt)
    return time.perf_counter() - started


def time_maps(stores: dict[int, Path], work: Path, runs: int) -> list[dict[str, Any]]:
    rows = []
    cases = [(n, name, args) for n in sorted(stores) for name, args in CASES.items()]
    cases.insert(len(CASES), (min(stores), "whole map", []))
    for n, name, args in cases:
        out = work / f"map-{n}-{len(rows)}.html"
        runs_here = runs if args else 1
        walls, said = [], ""
        for _ in range(runs_here):
            wall, said = cli_map(stores[n], args, out)
            walls.append(wall)
        inner = statistics.median(in_process(stores[n], args) for _ in range(runs_here))
        rows.append(
            {
                "documents": n,
                "map": name,
                "args": " ".join(args),
                "cli_seconds": round(statistics.median(walls), 2),
                "map_html_seconds": round(inner, 2),
                "runs": runs_here,
                "output": said,
                "bytes": out.stat().st_size,
                "file": str(out),
            }
        )
        log(f"{n} documents, {name}: {rows[-1]['cli_seconds']} s ({said})")
    return rows


def browser(path: Path, screenshot: Path | None = None) -> dict[str, Any]:
    """Settle time and frame rates of one map in headless Chromium, every request but the file aborted."""
    from playwright.sync_api import sync_playwright

    chromium = CHROMIUM or shutil.which("chromium") or "/usr/bin/chromium"
    url = path.as_uri()
    requests: list[str] = []
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=chromium, args=ARGS)
        page = b.new_context(viewport={"width": 1400, "height": 900}).new_page()

        def route(r: Any) -> None:
            requests.append(r.request.url)
            (r.continue_ if r.request.url == url and requests.count(url) == 1 else r.abort)()

        page.route("**/*", route)
        started = time.perf_counter()
        page.goto(url, timeout=120_000)
        while not page.evaluate("document.documentElement.dataset.settled === 'true'"):
            page.wait_for_timeout(20)
        wall = time.perf_counter() - started
        nav = page.evaluate("claimMap.settledAt")
        page.wait_for_timeout(500)
        # Panning: pointer events dispatched on the canvas at every animation frame for 2 s, as a hand
        # dragging the map would (Playwright's mouse moves arrive slower than frames).
        drag = page.evaluate(
            """() => new Promise(done => {
                const canvas = document.querySelector('#map canvas'), box = canvas.getBoundingClientRect();
                const x0 = box.left + box.width / 2, y0 = box.top + box.height / 2;
                const fire = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {bubbles: true,
                    cancelable: true, clientX: x, clientY: y, pointerId: 1, pointerType: 'mouse',
                    isPrimary: true, buttons: type === 'pointerup' ? 0 : 1, button: 0}));
                const start = claimMap.network.getViewPosition();
                fire('pointerdown', x0, y0);
                const f0 = claimMap.frames, t0 = performance.now();
                function step(now) {
                    const k = (now - t0) / 300;
                    fire('pointermove', x0 + 200 * Math.sin(k), y0 + 10 * Math.cos(k));
                    if (now - t0 < 2000) { requestAnimationFrame(step); return; }
                    fire('pointerup', x0, y0);
                    const end = claimMap.network.getViewPosition();
                    done({frames: claimMap.frames - f0, ms: now - t0,
                          moved: Math.abs(end.x - start.x) + Math.abs(end.y - start.y)});
                }
                requestAnimationFrame(step);
            })"""
        )
        page.wait_for_timeout(300)
        # Everything drawn at every animation frame (the view moving, lines and all).
        moved = page.evaluate(
            """() => new Promise(done => {
                const net = claimMap.network, f0 = claimMap.frames, t0 = performance.now();
                function step(now) {
                    net.renderer._redraw();
                    if (now - t0 < 2000) requestAnimationFrame(step);
                    else done({frames: claimMap.frames - f0, ms: now - t0});
                }
                requestAnimationFrame(step);
            })"""
        )
        redraw = page.evaluate(
            """() => { const t = performance.now();
                       for (let i = 0; i < 10; i++) claimMap.network.renderer._redraw();
                       return (performance.now() - t) / 10; }"""
        )
        # A line's tooltip: the look for the line under a resting pointer, at five places of the map.
        looks = page.evaluate(
            """() => {
                const net = claimMap.network, box = document.getElementById('map').getBoundingClientRect();
                return [[0.5, 0.5], [0.4, 0.45], [0.6, 0.55], [0.3, 0.6], [0.7, 0.4]].map(([fx, fy]) => {
                    const at = net.DOMtoCanvas({x: box.width * fx, y: box.height * fy});
                    const t = performance.now();
                    claimMap.nearestEdge(at);
                    return performance.now() - t;
                });
            }"""
        )
        counts = page.evaluate("[claimMap.nodes.length, claimMap.edges.length]")
        if screenshot is not None:  # a smaller window: a smaller picture for the README
            page.set_viewport_size({"width": 1100, "height": 720})
            page.wait_for_timeout(300)
            page.evaluate("claimMap.network.fit({animation: false})")
            page.mouse.move(5, 5)
            page.wait_for_timeout(500)
            page.screenshot(path=str(screenshot))
        b.close()
    return {
        "nodes": counts[0],
        "edges": counts[1],
        "settle_wall_seconds": round(wall, 2),
        "settled_after_navigation_ms": nav,
        "drag_fps": round(drag["frames"] / drag["ms"] * 1000, 1),
        "drag_moved_px": round(drag["moved"]),
        "move_fps": round(moved["frames"] / moved["ms"] * 1000, 1),
        "redraw_ms": round(redraw, 1),
        "line_look_ms": [round(x, 1) for x in looks],
        "requests": requests,
    }


def table(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        BEGIN,
        f"Measured {m['date']} on {m['cores']} cores ({m['cpu']}), Python {m['python']}, "
        f"pyoxigraph {m['pyoxigraph']}; Chromium headless (software rendering), 1400×900.",
        "",
        "| store | map | `claimgraph map` | `map_html` | entities · links · claims | file |",
        "|---:|---|---:|---:|---|---:|",
    ]
    for r in results["maps"]:
        said = r["output"].split(": ", 1)[-1]
        lines.append(
            f"| {r['documents']:,} documents | {r['map']} | {r['cli_seconds']:.2f} s | "
            f"{r['map_html_seconds']:.2f} s | {said} | {r['bytes'] / 1e6:.1f} MB |"
        )
    b = results["browser"]
    lines += [
        "",
        f"The whole map of {results['browser_documents']:,} documents ({b['nodes']:,} entities, "
        f"{b['edges']:,} links) in headless Chromium: drawn and settled "
        f"{b['settled_after_navigation_ms'] / 1000:.1f} s after navigation began "
        f"({b['settle_wall_seconds']:.1f} s as the test driver saw it); "
        f"{b['drag_fps']:.0f} frames/s while dragged (pointer events at every animation frame; the lines "
        f"wait until the drag ends, as vis-network's hideEdgesOnDrag does), {b['move_fps']:.0f} frames/s "
        f"with everything redrawn at every frame (its script {b['redraw_ms']:.0f} ms a frame, the rest is "
        f"Chromium rasterising without a GPU); finding the line under a resting pointer for its tooltip: "
        f"{min(b['line_look_ms']):.0f}–{max(b['line_look_ms']):.0f} ms, once a rest; requests other than "
        f"the file: {len(b['requests']) - 1}.",
        END,
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=Path("/tmp/claimgraph-mapbench"))
    parser.add_argument("--store-1000", type=Path, help="a store of 1,000 documents [default: built]")
    parser.add_argument("--store-10000", type=Path, help="a store of 10,000 documents [default: built]")
    parser.add_argument("--corpus-10000", type=Path, help="a corpus of 10,000 documents to build from")
    parser.add_argument("--runs", type=int, default=3, help="runs of each focus map (median)")
    parser.add_argument("--no-write", action="store_true", help="print, do not write the README")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    stores = {
        1000: ensure_store(args.store_1000, 1000, args.work, None),
        10000: ensure_store(args.store_10000, 10000, args.work, args.corpus_10000),
    }
    results: dict[str, Any] = {"machine": machine(), "maps": time_maps(stores, args.work, args.runs)}
    whole = next(r for r in results["maps"] if r["map"] == "whole map")
    log("the whole map in Chromium")
    results["browser"] = browser(
        Path(whole["file"]), None if args.no_write else ROOT / "docs" / "map-1000.png"
    )
    results["browser_documents"] = whole["documents"]
    text = table(results)
    print(text)
    if not args.no_write:
        (HERE / "map-results.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
        )
        write_readme_section(text)
    return results


def write_readme_section(text: str) -> None:
    readme = HERE / "README.md"
    old = readme.read_text(encoding="utf-8")
    if BEGIN in old:
        head, rest = old.split(BEGIN, 1)
        new = head + text + rest.split(END, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n## Maps (issue 18)\n\n" + text + "\n"
    readme.write_text(new, encoding="utf-8")


if __name__ == "__main__":
    main()
