"""The map in a real browser: Debian's headless Chromium driven by Playwright, with the network blocked.

Every request the page makes is routed here, counted and aborted (only the map's own file:// URL
loads), so "no request leaves the page" is measured, not assumed. Skipped when there is no
``chromium`` binary; ``.ci/run`` installs it.

``CLAIMGRAPH_SCREENSHOTS=1`` also writes ``docs/map-seeds.png`` and ``docs/map-focus.png``.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli import main
from graph.store.reader import document_texts
from graph.store.store import open_store
from graph.views.maps import MapFilter, MapSource, map_payload, render_html

CHROMIUM = shutil.which("chromium") or next(
    (p for p in ("/usr/bin/chromium", "/usr/bin/chromium-browser") if Path(p).exists()), None
)
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="no chromium binary: apt-get install -y chromium (.ci/run does)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="needs the playwright package (test extra)")

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
DOCS = ROOT / "docs"
INJECT_NAME = "inject.txt"
INJECT = (
    "美国商务部长卢特尼克（Howard Lutnick）周三说：“DeepSeek窃取了😡美国的技术<script>alert(1)</script>，"
    "还偷了英伟达的芯片<img src=x onerror=alert(1)>。”\n"
    "英伟达否认向DeepSeek出售H20芯片，称“<script>alert(2)</script>这是谣言”。\n"
)
# As the machine notes say: headless, no sandbox as root, and none of Chromium's own background traffic.
ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--disable-extensions",
]
SETTLE_LIMIT = 60.0


@dataclass
class Loaded:
    page: Any
    url: str
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)


def build(store: Path, *paths: Path) -> None:
    result = CliRunner().invoke(
        main, ["--store", str(store), "build", *map(str, paths), "--no-progress"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inject")
    (folder / INJECT_NAME).write_text(INJECT, encoding="utf-8")
    path = tmp_path_factory.mktemp("store")
    build(path, SEEDS, folder / INJECT_NAME)
    return path


@pytest.fixture(scope="module")
def texts(store: Path) -> dict[str, str]:
    return document_texts(open_store(store))


@pytest.fixture(scope="module")
def map_file(store: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    payload = map_payload(MapSource.from_store(open_store(store)))
    path = tmp_path_factory.mktemp("map") / "map.html"
    path.write_text(render_html(payload), encoding="utf-8")
    return path, payload


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def wait(page: Any, expression: str, seconds: float = SETTLE_LIMIT) -> None:
    """Poll ``expression``: the page's CSP forbids the string evaluation ``wait_for_function`` uses."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}")
        page.wait_for_timeout(50)


def open_map(
    browser: Any, path: Path, size: tuple[int, int] = (1400, 900), scale: float = 1, fragment: str = ""
) -> Loaded:
    context = browser.new_context(viewport={"width": size[0], "height": size[1]}, device_scale_factor=scale)
    page = context.new_page()
    loaded = Loaded(page, path.as_uri())

    def route(r: Any) -> None:
        loaded.requests.append(r.request.url)
        if r.request.url == loaded.url and loaded.requests.count(loaded.url) == 1:
            r.continue_()
        else:
            r.abort()

    page.route("**/*", route)
    page.on("dialog", lambda d: (loaded.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: loaded.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: loaded.console.append(f"pageerror: {e}"))
    page.goto(loaded.url + fragment)
    wait(page, "document.documentElement.dataset.settled === 'true'")
    return loaded


@pytest.fixture
def seeds_map(browser: Any, map_file: tuple[Path, dict]) -> Iterator[Loaded]:
    loaded = open_map(browser, map_file[0])
    yield loaded
    loaded.page.context.close()


def link_id(payload: dict, speaker: str, target: str, kind: str) -> str:
    return next(
        link["id"]
        for link in payload["links"]
        if (link["from"], link["to"], link["type"]) == (speaker, target, kind)
    )


def click_edge(page: Any, edge: str) -> None:
    """A real mouse click on the edge: zoom to it, find a point of it no node or other edge covers."""
    page.mouse.click(*edge_point(page, edge))


def edge_point(page: Any, edge: str) -> tuple[float, float]:
    """Where on the page the edge can be pointed at: zoomed to it, a point no node or other edge covers."""
    point = None
    for scale in (2.5, 4, 6):
        point = page.evaluate(
            """([id, scale]) => {
                const net = claimMap.network;
                const edge = net.body.edges[id];
                net.moveTo({position: edge.edgeType.getPoint(0.5), scale: scale});
                // Drawn at that zoom now: the nodes' outlines, labels too, are measured as they draw.
                net.renderer._redraw();
                const box = document.getElementById('map').getBoundingClientRect();
                for (let k = 0; k <= 16; k++) {
                    const t = 0.5 + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * 0.05;
                    const at = edge.edgeType.getPoint(t), dom = net.canvasToDOM(at);
                    if (dom.x < 5 || dom.y < 5 || dom.x > box.width - 5 || dom.y > box.height - 5) continue;
                    if (net.getNodeAt(dom) === undefined && claimMap.nearestEdge(at) === id) return dom;
                }
                return null;
            }""",
            [edge, scale],
        )
        if point is not None:
            break
    assert point is not None, f"no clickable point on edge {edge}"
    box = page.locator("#map").bounding_box()
    return box["x"] + point["x"], box["y"] + point["y"]


def test_no_request_leaves_the_page(seeds_map: Loaded) -> None:
    assert seeds_map.requests == [seeds_map.url]
    assert not [m for m in seeds_map.console if "error" in m.lower() or "security policy" in m.lower()]


def test_the_graph_draws_and_physics_stops(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    assert page.evaluate("claimMap.nodes.length") == len(payload["entities"])
    assert page.evaluate("claimMap.edges.length") == len(payload["links"])
    assert page.evaluate("claimMap.nodes.get('howard_lutnick').label") == "霍华德·卢特尼克\nHoward Lutnick"
    positions = page.evaluate("claimMap.network.getPositions()")
    assert set(positions) == set(payload["entities"])
    assert len({(round(p["x"]), round(p["y"])) for p in positions.values()}) > len(positions) * 0.9
    assert page.evaluate("claimMap.network.physics.physicsEnabled") is False
    box = page.locator("#map canvas").bounding_box()
    assert box["width"] > 500 and box["height"] > 400
    assert page.locator("#loading").is_hidden()


def test_clicking_an_edge_shows_its_quotes_exactly(
    seeds_map: Loaded, map_file: tuple[Path, dict], texts: dict[str, str]
) -> None:
    _, payload = map_file
    page = seeds_map.page
    # The arrow to DeepSeek that carries the hostile quote, whoever the extractor says spoke it.
    hostile = next(
        i for i, c in enumerate(payload["claims"]) if c["doc"] == INJECT_NAME and "alert(1)" in c["text"]
    )
    link = next(link for link in payload["links"] if hostile in link["claims"] and link["to"] == "deepseek")
    click_edge(page, link["id"])
    wait(page, "!document.getElementById('panel').hidden", 5)
    assert page.evaluate("document.getElementById('panel-body').dataset.edge") == link["id"]
    speaker = payload["entities"][link["from"]]["label"].split("\n")[0]
    assert speaker in page.inner_text("#panel-title") and "DeepSeek" in page.inner_text("#panel-title")
    quotes = page.evaluate(
        """() => Array.from(document.querySelectorAll('#panel-body article')).map(a => {
            const q = a.querySelector('.quote');
            return {doc: a.dataset.doc, start: +q.dataset.start, end: +q.dataset.end, text: q.textContent,
                    marks: Array.from(q.querySelectorAll('mark.target')).map(m => m.textContent)};
        })"""
    )
    assert len(quotes) == len(link["claims"])  # every claim, each place the story appeared
    for q in quotes:
        assert q["text"] == texts[q["doc"]][q["start"] : q["end"]]
        assert {m.casefold() for m in q["marks"]} <= {"deepseek", "深度求索"}
    injected = next(q for q in quotes if q["doc"] == INJECT_NAME)
    assert "<script>alert(1)</script>" in injected["text"] and "😡" in injected["text"]
    assert injected["marks"] == ["DeepSeek"]
    claim = payload["claims"][hostile]
    panel = page.inner_text("#panel-body")
    assert (
        INJECT_NAME in panel
        and f"[{claim['start']}, {claim['end']})" in panel
        and f"cue {claim['cue']}" in panel
    )
    assert seeds_map.dialogs == []


def test_the_injected_document_cannot_run_code(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    for entity in ("deepseek", "nvidia", "howard_lutnick", "nvidia_h20"):
        page.evaluate("(id) => claimMap.showNode(id)", entity)
    page.evaluate("(id) => claimMap.showEdge(id)", link_id(payload, "nvidia", "deepseek", "denial"))
    page.wait_for_timeout(300)
    assert page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    assert page.evaluate("document.querySelectorAll('script').length") == 6
    assert page.evaluate("document.querySelectorAll('#panel script, #panel [onerror]').length") == 0
    page.evaluate("(id) => claimMap.showNode(id)", "deepseek")
    text = page.inner_text("#panel-body")
    assert "<script>alert(1)</script>" in text and "<img src=x onerror=alert(1)>" in text
    assert seeds_map.dialogs == []
    assert seeds_map.requests == [seeds_map.url]


def test_filters_switch_claim_types_without_reloading(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    total = len(payload["links"])
    accusations = sum(link["type"] == "accusation" for link in payload["links"])
    page.evaluate("window.__sameDocument = true")
    page.click("#claim-types input[data-type='accusation']")
    assert len(page.evaluate("claimMap.shownEdges()")) == total - accusations
    shown = page.evaluate("claimMap.shownEdges()")
    assert not {link["id"] for link in payload["links"] if link["type"] == "accusation"} & set(shown)
    page.click("#types-none")
    assert page.evaluate("[claimMap.shownEdges().length, claimMap.shownNodes().length]") == [0, 0]
    page.click("#types-all")
    assert len(page.evaluate("claimMap.shownEdges()")) == total
    assert len(page.evaluate("claimMap.shownNodes()")) == len(payload["entities"])
    assert page.evaluate("window.__sameDocument") is True


def legend(page: Any) -> dict[str, int]:
    return page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('#claim-types .count'))
                 .map(c => [c.dataset.type, +c.textContent]))"""
    )


def header(page: Any) -> dict[str, int]:
    text = page.inner_text("#summary")
    found = dict(
        (w, int(n.replace(",", ""))) for n, w in re.findall(r"([\d,]+) (entit|link|claim|document)", text)
    )
    return found


def test_counts_add_up_and_follow_the_filters(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    by_type = Counter(c["type"] for c in payload["claims"])
    assert legend(page) == dict(by_type)
    assert sum(legend(page).values()) == header(page)["claim"] == len(payload["claims"])
    assert header(page)["entit"] == len(payload["entities"]) and header(page)["link"] == len(payload["links"])
    page.click("#claim-types input[data-type='statement']")
    claims = [c for c in payload["claims"] if c["type"] != "statement"]
    counts = header(page)
    assert counts["claim"] == len(claims) == sum(n for t, n in legend(page).items() if t != "statement")
    assert counts["link"] == sum(link["type"] != "statement" for link in payload["links"])
    ends = {e for link in payload["links"] if link["type"] != "statement" for e in (link["from"], link["to"])}
    assert counts["entit"] == len(ends) == len(page.evaluate("claimMap.shownNodes()"))
    kinds = page.evaluate(
        """() => Object.fromEntries(Array.from(document.querySelectorAll('#entity-types .count'))
                 .map(c => [c.dataset.entityType, +c.textContent]))"""
    )
    assert sum(kinds.values()) == counts["entit"]
    assert kinds == {
        t["code"]: sum(payload["entities"][e]["type"] == t["code"] for e in ends)
        for t in payload["entityTypes"]
    }
    assert counts["document"] == len({c["doc"] for c in claims})


def test_a_focus_maps_legend_counts_claims(browser: Any, store: Path, tmp_path: Path) -> None:
    payload = map_payload(
        MapSource.from_store(open_store(store)), MapFilter(focus="卢特尼克", types=("accusation", "denial"))
    )
    path = tmp_path / "focus.html"
    path.write_text(render_html(payload), encoding="utf-8")
    loaded = open_map(browser, path)
    assert legend(loaded.page) == dict(Counter(c["type"] for c in payload["claims"]))
    assert sum(legend(loaded.page).values()) == header(loaded.page)["claim"] == len(payload["claims"])
    loaded.page.context.close()


def test_a_filter_round_trip_moves_nothing(seeds_map: Loaded) -> None:
    page = seeds_map.page
    before = page.evaluate("claimMap.network.getPositions()")
    page.click("#claim-types input[data-type='accusation']")
    page.click("#claim-types input[data-type='accusation']")
    page.click("#types-none")
    page.click("#types-all")
    page.wait_for_timeout(300)
    after = page.evaluate("claimMap.network.getPositions()")
    assert after.keys() == before.keys()
    moved = [
        n for n in before if abs(before[n]["x"] - after[n]["x"]) + abs(before[n]["y"] - after[n]["y"]) > 0.5
    ]
    assert not moved
    # And nothing piled up: the positions are as spread out as before.
    assert len({(round(p["x"]), round(p["y"])) for p in after.values()}) == len(
        {(round(p["x"]), round(p["y"])) for p in before.values()}
    )


def test_an_edge_clicked_at_its_midpoint_is_that_edge(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    """Each edge between two entities that have several (one per claim type), clicked at its middle."""
    _, payload = map_file
    page = seeds_map.page
    pairs = Counter(frozenset((link["from"], link["to"])) for link in payload["links"])
    parallel = [link["id"] for link in payload["links"] if pairs[frozenset((link["from"], link["to"]))] > 1]
    assert len(parallel) >= 20
    page.evaluate("(id) => claimMap.showEdge(id)", parallel[0])  # the panel open: the map keeps its size
    page.wait_for_timeout(300)
    box = page.locator("#map").bounding_box()
    wrong = []
    for i, edge in enumerate(parallel):
        # Two clicks at one place in quick succession are a double click: alternate the places.
        page.wait_for_timeout(100)
        page.wait_for_timeout(100)
        point = page.evaluate(
            """([id, dx]) => { const net = claimMap.network, e = net.body.edges[id];
                net.moveTo({position: e.edgeType.getPoint(0.5), scale: 2.5, offset: {x: dx, y: 0}});
                net.renderer._redraw();  // the nodes' outlines measured at this zoom
                return net.getNodeAt(net.canvasToDOM(e.edgeType.getPoint(0.5))) === undefined ?
                    net.canvasToDOM(e.edgeType.getPoint(0.5)) : null; }""",
            [edge, 90 * (i % 3 - 1)],
        )
        if point is None:
            continue  # a node lies on it
        page.mouse.click(box["x"] + point["x"], box["y"] + point["y"])
        if page.evaluate("document.getElementById('panel-body').dataset.edge") != edge:
            wrong.append(edge)
        page.mouse.move(
            box["x"] + 3, box["y"] + box["height"] - 3
        )  # its tooltip must not catch the next click
    assert not wrong


def test_no_tooltip_stays_after_a_click(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    edge = link_id(payload, "howard_lutnick", "deepseek", "accusation")
    point = page.evaluate(
        """(id) => { const net = claimMap.network, e = net.body.edges[id];
            net.moveTo({position: e.edgeType.getPoint(0.5), scale: 2.5});
            return net.canvasToDOM(e.edgeType.getPoint(0.5)); }""",
        edge,
    )
    box = page.locator("#map").bounding_box()
    x, y = box["x"] + point["x"], box["y"] + point["y"]
    page.mouse.move(x - 3, y)
    page.mouse.move(x, y)
    wait(
        page,
        "!!document.querySelector('div.vis-tooltip') && "
        "getComputedStyle(document.querySelector('div.vis-tooltip')).visibility === 'visible'",
        5,
    )
    page.mouse.click(x, y)
    wait(page, "!document.getElementById('panel').hidden", 5)
    page.wait_for_timeout(300)
    assert page.evaluate("getComputedStyle(document.querySelector('div.vis-tooltip')).visibility") == "hidden"


def test_search_finds_an_entity_by_any_alias(seeds_map: Loaded) -> None:
    page = seeds_map.page
    page.fill("#search", "英偉達")  # traditional script; the node's label is simplified
    wait(page, "document.querySelectorAll('#matches li').length > 0", 5)
    assert page.evaluate("document.querySelector('#matches li').dataset.node") == "nvidia"
    page.press("#search", "Enter")
    wait(page, "!document.getElementById('panel').hidden", 5)
    assert page.inner_text("#panel-title").startswith("英伟达")
    assert page.evaluate("claimMap.network.getSelectedNodes()") == ["nvidia"]
    page.fill("#search", "howard lutnick")
    assert page.evaluate("document.querySelector('#matches li').dataset.node") == "howard_lutnick"


def test_search_filters_the_map_and_its_counts(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    """Words in the search box hide what is neither by nor about an entity they name, as the other filters
    do: the header, the legend and the timeline count what stays, and nothing moves."""
    _, payload = map_file
    page = seeds_map.page
    before = page.evaluate("claimMap.network.getPositions()")
    page.fill("#search", "英偉達")
    named = {e for e, d in payload["entities"].items() if any("英偉達" in k for k in d["keys"])}
    assert "nvidia" in named
    claims = [i for i, c in enumerate(payload["claims"]) if {c["speaker"], *c["targets"]} & named]
    links = [link for link in payload["links"] if {link["from"], link["to"]} & named]
    ends = {e for link in links for e in (link["from"], link["to"])}
    assert 0 < len(claims) < len(payload["claims"]) and 0 < len(links) < len(payload["links"])
    assert page.evaluate("claimMap.shownClaims()") == claims
    assert set(page.evaluate("claimMap.shownEdges()")) == {link["id"] for link in links}
    assert set(page.evaluate("claimMap.shownNodes()")) == ends
    counts = header(page)
    assert (counts["claim"], counts["link"], counts["entit"]) == (len(claims), len(links), len(ends))
    assert counts["document"] == len({payload["claims"][i]["doc"] for i in claims})
    by_type = Counter(payload["claims"][i]["type"] for i in claims)
    assert legend(page) == {t["code"]: by_type[t["code"]] for t in payload["claimTypes"]}
    dated = sum(1 for i in claims if payload["claims"][i]["time"])
    assert sum(b["total"] for b in page.evaluate("claimMap.buckets()")) == dated
    assert "英偉達" in page.inner_text("#summary") and "q=" in page.url
    assert page.evaluate("document.querySelector('#matches li').dataset.node") == "nvidia"
    # With a claim type off too: both filters at once, the legend still counting the type switched off.
    page.click("#claim-types input[data-type='statement']")
    kept = [i for i in claims if payload["claims"][i]["type"] != "statement"]
    assert page.evaluate("claimMap.shownClaims()") == kept and header(page)["claim"] == len(kept)
    assert legend(page)["statement"] == by_type["statement"]
    page.fill("#search", "")
    page.click("#claim-types input[data-type='statement']")
    assert len(page.evaluate("claimMap.shownClaims()")) == len(payload["claims"])
    assert header(page)["entit"] == len(payload["entities"]) and "q=" not in page.url
    assert page.evaluate("claimMap.network.getPositions()") == before


def synthetic(
    n_entities: int = 700, n_claims: int = 2000, seed: int = 1
) -> tuple[list[dict], dict[str, str]]:
    """Records of a random claim network with a few hubs, and the texts the claims come from."""
    rng = random.Random(seed)
    kinds = ["PERSON", "ORG", "GPE", "LAW", "PRODUCT"]
    types = ["statement", "accusation", "criticism", "question", "demand", "warning", "support", "denial"]
    recs: list[dict] = [
        {"kind": "entity", "id": f"e{i}", "type": kinds[i % 5], "name": f"Entity {i}", "labels": [f"实体{i}"]}
        for i in range(n_entities)
    ]
    weights = [1 / (i + 1) ** 0.8 for i in range(n_entities)]
    texts = {}
    for d in range(20):
        doc, parts, pos = f"doc{d}.txt", [], 0
        for j in range(n_claims // 20):
            s, t = rng.choices(range(n_entities), weights, k=2)
            t = t if t != s else (s + 1) % n_entities
            sentence = f"实体{s}说实体{t}做了第{j}件事。"
            start = pos + sentence.index(f"说实体{t}") + 1
            end = pos + len(sentence) - 1
            recs.append(
                {
                    "kind": "claim",
                    "doc": doc,
                    "speaker": f"e{s}",
                    "cue": "说",
                    "text": sentence[start - pos : end - pos],
                    "start": start,
                    "end": end,
                    "targets": [f"e{t}"],
                    "type": rng.choice(types),
                    "quote": "indirect",
                    "post": None,
                }
            )
            parts.append(sentence)
            pos += len(sentence)
        texts[doc] = "".join(parts)
    return recs, texts


def test_a_map_of_2000_edges_settles_and_stays_responsive(browser: Any, tmp_path: Path) -> None:
    recs, texts = synthetic()
    payload = map_payload(MapSource.from_records(recs, texts))
    assert payload["counts"]["claims"] == 2000 and payload["counts"]["links"] > 1900
    path = tmp_path / "big.html"
    path.write_text(render_html(payload), encoding="utf-8")
    loaded = open_map(browser, path)
    page = loaded.page
    settle = page.evaluate("claimMap.settleMs")
    toggle = page.evaluate(
        """() => {
            const t = performance.now();
            claimMap.setTypes(['accusation']);
            claimMap.setTypes(claimMap.data.claimTypes.map(x => x.code));
            return performance.now() - t;
        }"""
    )
    redraw = page.evaluate(
        """() => { const t = performance.now(); for (let i = 0; i < 5; i++) claimMap.network.redraw();
                   return (performance.now() - t) / 5; }"""
    )
    print(
        f"\n2,000-edge map: settled in {settle} ms; filter off and on {toggle:.0f} ms; redraw {redraw:.0f} ms"
    )
    assert page.evaluate("claimMap.network.physics.physicsEnabled") is False
    # Laid out in Python and its lines drawn in batches: at once, and a redraw well inside a frame.
    assert settle < 5000 and toggle < 3000 and redraw < 50
    busiest = max(payload["links"], key=lambda link: link["count"])
    # Its lines hidden from vis-network, the page gives them a tooltip of its own when the pointer rests.
    x, y = edge_point(page, busiest["id"])
    page.mouse.move(x - 2, y)
    page.mouse.move(x, y)
    wait(page, "!document.getElementById('line-tip').hidden", 5)
    assert page.evaluate("document.getElementById('line-tip').dataset.edge") == busiest["id"]
    names = [payload["entities"][busiest[end]]["label"].split("\n")[0] for end in ("from", "to")]
    assert page.inner_text("#line-tip").startswith(f"{names[0]} → {names[1]}")
    page.mouse.down()
    page.mouse.move(x + 40, y + 20, steps=4)  # dragging: no tooltip
    page.wait_for_timeout(400)
    assert page.evaluate("document.getElementById('line-tip').hidden")
    page.mouse.up()
    click_edge(page, busiest["id"])
    wait(page, "!document.getElementById('panel').hidden", 5)
    assert page.evaluate("document.getElementById('panel-body').dataset.edge") == busiest["id"]
    assert loaded.requests == [loaded.url]
    loaded.page.context.close()


@pytest.mark.skipif(
    not os.environ.get("CLAIMGRAPH_SCREENSHOTS"), reason="set CLAIMGRAPH_SCREENSHOTS=1 to redraw"
)
def test_screenshots_for_the_readme(browser: Any, tmp_path: Path) -> None:
    """docs/map-seeds.png (the whole map, its timeline brushed), docs/map-focus.png (an ego map with the
    claims between two entities in the panel); benchmarks/maps.py draws docs/map-1000.png."""
    store = tmp_path / "store"
    build(store, SEEDS)
    source = MapSource.from_store(open_store(store))
    for name, flt in (("seeds", MapFilter()), ("focus", MapFilter(focus="卢特尼克"))):
        payload = map_payload(source, flt)
        path = tmp_path / f"{name}.html"
        path.write_text(render_html(payload), encoding="utf-8")
        loaded = open_map(browser, path, size=(1400, 860))
        page = loaded.page
        if name == "seeds":
            box = page.locator("#tl-chart").bounding_box()
            width = box["width"] / len(page.evaluate("claimMap.buckets()"))
            page.mouse.move(box["x"] + width * 0.3, box["y"] + box["height"] / 2)
            page.mouse.down()
            page.mouse.move(box["x"] + width * 0.7, box["y"] + box["height"] / 2, steps=3)
            page.mouse.up()
        else:
            page.evaluate("claimMap.showPair('howard_lutnick', 'deepseek')")
            page.evaluate("claimMap.network.fit()")
        page.mouse.move(700, 80)  # no tooltip in the picture
        page.wait_for_timeout(500)
        page.screenshot(path=str(DOCS / f"map-{name}.png"))
        assert loaded.requests == [loaded.url]
        page.context.close()


def test_the_cue_is_marked_in_its_own_context(
    seeds_map: Loaded, map_file: tuple[Path, dict], texts: dict[str, str]
) -> None:
    """Every claim's cue word, shown where it stands, with its offsets (it was outside 32 of 184)."""
    _, payload = map_file
    page = seeds_map.page
    seen: dict[int, dict] = {}
    for speaker in sorted({c["speaker"] for c in payload["claims"]}):
        page.evaluate("(id) => claimMap.showNode(id)", speaker)
        for art in page.evaluate(
            """() => Array.from(document.querySelectorAll('#panel-body section.said article')).map(a => ({
                i: +a.dataset.claim,
                cue: Array.from(a.querySelectorAll('.ctx .cue-word')).map(c => c.textContent),
                head: a.querySelector('.claim-head').textContent}))"""
        ):
            seen[art["i"]] = art
    cued = [i for i, c in enumerate(payload["claims"]) if c["cueStart"] is not None]
    assert (
        len(seen) == len(payload["claims"])
        and len(cued) == sum(bool(c["cue"]) for c in payload["claims"]) > 80
    )
    for i in cued:
        claim = payload["claims"][i]
        word = texts[claim["doc"]][claim["cueStart"] : claim["cueEnd"]]
        assert seen[i]["cue"] == [word], (claim["key"], seen[i])
        assert f"[{claim['cueStart']}, {claim['cueEnd']})" in seen[i]["head"]


def test_all_claims_between_two_entities_in_one_list(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    a, b = "howard_lutnick", "deepseek"
    both = [
        i
        for i, c in enumerate(payload["claims"])
        if (c["speaker"] == a and b in c["targets"]) or (c["speaker"] == b and a in c["targets"])
    ]
    edge = link_id(payload, a, b, "accusation")
    page.evaluate("(id) => claimMap.showEdge(id)", edge)
    page.click("#panel-body button.pair")
    assert page.evaluate("document.getElementById('panel-body').dataset.pair") == f"{a}|{b}"
    groups = page.evaluate(
        """() => Array.from(document.querySelectorAll('#panel-body section.pair-group')).map(s =>
            [s.dataset.type, Array.from(s.querySelectorAll('article')).map(x => +x.dataset.claim)])"""
    )
    assert sorted(i for _, ids in groups for i in ids) == sorted(both)
    for kind, ids in groups:
        assert {payload["claims"][i]["type"] for i in ids} == {kind}
    assert len(groups) == len({payload["claims"][i]["type"] for i in both})


def test_a_quote_is_copied_with_its_citation(browser: Any, map_file: tuple[Path, dict]) -> None:
    path, payload = map_file
    loaded = open_map(browser, path)
    page = loaded.page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    edge = link_id(payload, "howard_lutnick", "deepseek", "accusation")
    page.evaluate("(id) => claimMap.showEdge(id)", edge)
    first = page.locator("#panel-body article").first
    claim = payload["claims"][int(first.get_attribute("data-claim"))]
    first.locator("button.copy").click()
    wait(page, "document.querySelector('#panel-body article button.copy').textContent === 'copied ✓'", 5)
    copied = page.evaluate("navigator.clipboard.readText()")
    doc = payload["documents"][claim["doc"]]
    speaker = payload["entities"][claim["speaker"]]["label"].replace("\n", " · ")
    assert copied.startswith(f"“{claim['text']}” — {speaker}")
    assert f"{claim['doc']}" in copied and f"characters [{claim['start']}, {claim['end']})" in copied
    assert doc["title"] in copied
    assert copied == page.evaluate("claimMap.copied")
    assert loaded.requests == [loaded.url]
    page.context.close()


def test_the_claims_in_view_export_as_csv(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    import csv
    import io

    _, payload = map_file
    page = seeds_map.page
    page.click("#claim-types input[data-type='statement']")
    with page.expect_download() as info:
        page.click("#export-csv")
    download = info.value
    assert download.suggested_filename == "claims.csv"
    rows = list(csv.DictReader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    expected = [c for c in payload["claims"] if c["type"] != "statement"]
    assert len(rows) == len(expected)
    assert [(r["document"], int(r["start"]), int(r["end"]), r["quote"]) for r in rows] == [
        (c["doc"], c["start"], c["end"], c["text"]) for c in expected
    ]
    assert seeds_map.requests == [seeds_map.url]


VIEW = """() => [claimMap.shownEdges().sort(), claimMap.range(), claimMap.counts,
    document.getElementById('panel-body').dataset.pair, document.getElementById('summary').textContent,
    claimMap.network.getScale(), claimMap.network.getViewPosition()]"""


def test_a_view_saved_in_the_url_reopens(browser: Any, map_file: tuple[Path, dict]) -> None:
    """Filters (types, dates, undated, search), the selection and the camera, from a link to the same file."""
    path, _ = map_file
    first = open_map(browser, path)
    page = first.page
    page.click("#claim-types input[data-type='statement']")
    page.click("#claim-types input[data-type='support']")
    page.evaluate("claimMap.setRange('2025-01-01', '2025-01-31', false)")
    page.evaluate("claimMap.showPair('howard_lutnick', 'deepseek')")
    page.fill("#search", "卢特尼克")
    page.locator("#search").blur()  # (Escape would clear it, as search boxes do)
    box = page.locator("#map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 3, box["y"] + box["height"] / 3)
    page.mouse.wheel(0, -400)  # zoom in towards the pointer
    page.wait_for_timeout(600)
    url = page.url
    assert "#" in url and "types=" in url and "sel=pair" in url and "q=" in url
    state = page.evaluate(VIEW)
    first.page.context.close()
    second = open_map(browser, path, fragment="#" + url.split("#", 1)[1])
    again = second.page.evaluate(VIEW)
    assert again[:5] == state[:5]
    assert state[3] == "howard_lutnick|deepseek" and state[1] == {
        "from": "2025-01-01",
        "to": "2025-01-31",
        "undated": False,
    }
    assert "卢特尼克" in state[4] and second.page.input_value("#search") == "卢特尼克"
    assert abs(again[5] - state[5]) < 0.01 and abs(again[6]["x"] - state[6]["x"]) < 2
    assert abs(again[6]["y"] - state[6]["y"]) < 2
    assert second.requests == [second.url]
    second.page.context.close()


def test_a_brushed_time_range_filters_the_map(seeds_map: Loaded, map_file: tuple[Path, dict]) -> None:
    _, payload = map_file
    page = seeds_map.page
    buckets = page.evaluate("claimMap.buckets()")
    dated = [c for c in payload["claims"] if c["time"]]
    assert len(buckets) >= 2 and sum(b["total"] for b in buckets) == len(dated)
    undated = len(payload["claims"]) - len(dated)
    assert undated and page.inner_text("#tl-undated").split()[-1] == str(undated)
    before = page.evaluate("claimMap.network.getPositions()")
    box = page.locator("#tl-chart").bounding_box()
    width = box["width"] / len(buckets)
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + width * 0.5, y)
    page.mouse.down()
    page.mouse.move(box["x"] + width * 0.9, y, steps=4)
    page.mouse.up()
    first = buckets[0]
    assert page.evaluate("claimMap.range()") == {"from": first["start"], "to": first["end"], "undated": True}

    def expected(with_undated: bool) -> list[int]:
        return [
            i
            for i, c in enumerate(payload["claims"])
            if (c["time"] and first["start"] <= c["time"][:10] <= first["end"])
            or (not c["time"] and with_undated)
        ]

    assert page.evaluate("claimMap.shownClaims()") == expected(True)
    page.click("#tl-undated input")  # undated claims hidden
    assert page.evaluate("claimMap.shownClaims()") == expected(False)
    counts = header(page)
    assert counts["claim"] == len(expected(False)) == sum(legend(page).values())
    shown_links = {link["id"] for link in payload["links"] if set(link["claims"]) & set(expected(False))}
    assert set(page.evaluate("claimMap.shownEdges()")) == shown_links and counts["link"] == len(shown_links)
    page.click("#tl-clear")
    page.click("#tl-undated input")
    assert len(page.evaluate("claimMap.shownClaims()")) == len(payload["claims"])
    after = page.evaluate("claimMap.network.getPositions()")
    assert after == before  # dates filter without moving anything
