"""``claimgraph map``: selection, aggregation and the HTML page, without a browser.

The seeds are built once together with a hostile document whose quotes hold ``<script>`` and
``<img onerror>`` (and an emoji, whose offsets count differently in JavaScript).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from extract.errors import ClaimgraphError
from graph.store.reader import document_texts
from graph.store.store import open_store
from graph.views.maps import (
    MapFilter,
    MapSource,
    centrality,
    map_html,
    map_payload,
    render_html,
    script_json,
    select,
    vis_library,
    vis_options,
)

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
INJECT_NAME = "inject.txt"
INJECT = (
    "美国商务部长卢特尼克（Howard Lutnick）周三说：“DeepSeek窃取了😡美国的技术<script>alert(1)</script>，"
    "还偷了英伟达的芯片<img src=x onerror=alert(1)>。”\n"
    "英伟达否认向DeepSeek出售H20芯片，称“<script>alert(2)</script>这是谣言”。\n"
)
DATA = re.compile(r'<script type="application/json" id="(map-[a-z]+)">(.*?)</script>', re.DOTALL)
CODE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# URLs inside vis-network's licence comments and SVG namespace strings: text, never fetched.
LIBRARY_URLS = {
    "http://almende.com",
    "http://opensource.org/licenses/MIT",
    "http://www.apache.org/licenses/LICENSE-2.0",
    "http://www.w3.org/2000/svg",
    "https://github.com/uuidjs/uuid#getrandomvalues-not-supported",
    "https://github.com/visjs",
    "https://github.com/zloirock/core-js",
    "https://github.com/zloirock/core-js/blob/v3.21.1/LICENSE",
    "https://visjs.github.io/vis-network/",
}
URL = re.compile(r"https?://[^\s\"'<>()\\]+")


def run(*args: str, store: Path):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("inject")
    (folder / INJECT_NAME).write_text(INJECT, encoding="utf-8")
    path = tmp_path_factory.mktemp("store")
    result = run("build", str(SEEDS), str(folder / INJECT_NAME), "--no-progress", store=path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def source(store: Path) -> MapSource:
    return MapSource.from_store(open_store(store))


@pytest.fixture(scope="module")
def texts(store: Path) -> dict[str, str]:
    return document_texts(open_store(store))


@pytest.fixture(scope="module")
def payload(source: MapSource) -> dict:
    return map_payload(source)


@pytest.fixture(scope="module")
def html(payload: dict) -> str:
    return render_html(payload)


def blocks(page: str) -> dict[str, str]:
    return dict(DATA.findall(page))


def test_the_page_loads_nothing_from_anywhere(html: str) -> None:
    vis_js, vis_css = vis_library()
    outside = DATA.sub("", html).replace(vis_js, "")
    assert not URL.findall(outside)
    assert set(URL.findall(vis_js)) <= LIBRARY_URLS
    markup = re.sub(r"<(script|style)>.*?</\1>", "", outside, flags=re.DOTALL)
    tags = re.findall(r"<[a-zA-Z][^>]*>", markup)
    assert tags and not [t for t in tags if re.search(r"\s(src|href|srcset|action|poster|data)\s*=", t)]
    assert not re.search(r"<(link|img|iframe|object|embed|base|form)\b", markup, re.IGNORECASE)
    assert not re.search(r"@import|url\(", vis_css + outside, re.IGNORECASE)
    app_js = CODE.findall(html)[1]
    assert not re.search(r"fetch\(|XMLHttpRequest|WebSocket|import\(|\.src\b|innerHTML|eval\(", app_js)
    # The library is inlined whole, and it is the one pyvis ships.
    assert vis_js in html and "vis-network" in vis_js[:200]


def test_content_security_policy_allows_only_our_two_scripts(html: str) -> None:
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    scripts = CODE.findall(html)
    assert len(scripts) == 2
    for script in scripts:
        assert "\r" not in script  # the browser hashes the script after the parser turns CR LF into LF
        digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    vis_js, _ = vis_library()
    tags = re.findall(r"<script\b[^>]*>", html.replace(vis_js, ""))
    assert tags == [
        '<script type="application/json" id="map-nodes">',
        '<script type="application/json" id="map-edges">',
        '<script type="application/json" id="map-options">',
        '<script type="application/json" id="map-data">',
        "<script>",
        "<script>",
    ]


def test_the_json_payload_round_trips(html: str, payload: dict) -> None:
    data = blocks(html)
    assert set(data) == {"map-nodes", "map-edges", "map-options", "map-data"}
    assert json.loads(data["map-data"]) == json.loads(json.dumps(payload))
    nodes = json.loads(data["map-nodes"])
    edges = json.loads(data["map-edges"])
    assert {n["id"] for n in nodes} == set(payload["entities"])
    assert [(e["id"], e["from"], e["to"]) for e in edges] == [
        (link["id"], link["from"], link["to"]) for link in payload["links"]
    ]
    # Laid out in Python (more than 100 entities): no physics in the browser.
    assert all("x" in n and "y" in n for n in nodes)
    assert json.loads(data["map-options"])["physics"]["enabled"] is False


def test_injected_markup_reaches_the_page_only_escaped(html: str, payload: dict) -> None:
    quotes = [c["text"] for c in payload["claims"] if c["doc"] == INJECT_NAME]
    assert any("<script>alert(1)</script>" in q and "<img src=x onerror=alert(1)>" in q for q in quotes)
    for raw in ("<script>alert", "<img src=x", "onerror=alert(1)>", "</script>，"):
        assert raw not in html
    assert "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e" in html
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in html
    for name, text in blocks(html).items():
        assert "<" not in text and ">" not in text, name


def test_script_json_escapes_what_could_end_a_script() -> None:
    text = script_json({"a": "</script><!-- & \u2028"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == {"a": "</script><!-- & \u2028"}


def test_links_are_one_per_speaker_target_and_type(source: MapSource, payload: dict) -> None:
    expected: dict[tuple[str, str, str], set[str]] = {}
    statements: dict[tuple[str, str, str], set[str]] = {}
    for u, v, d in source.graph.edges(data=True):
        if u == v:
            continue  # no arrow from an entity to itself
        expected.setdefault((u, v, d["type"]), set()).add(d["claim"])
        statements.setdefault((u, v, d["type"]), set()).add(d["statement"])
    got = {(link["from"], link["to"], link["type"]): link for link in payload["links"]}
    assert len(got) == len(payload["links"]) == len(expected)
    for key, link in got.items():
        keys = {payload["claims"][i]["key"] for i in link["claims"]}
        assert keys == expected[key]  # every claim, each place it appeared
        assert link["count"] == len(statements[key])  # a story repeated elsewhere counts once
        assert link["count"] == len({payload["claims"][i]["statement"] for i in link["claims"]})
    assert any(link["count"] < len(link["claims"]) for link in payload["links"]), "the seeds repeat a story"
    assert len({link["id"] for link in payload["links"]}) == len(payload["links"])
    # The legend counts claims, not claim × target pairs: its counts add up to the header's.
    counts = {t["code"]: t["count"] for t in payload["claimTypes"]}
    assert counts == dict(Counter(c["type"] for c in payload["claims"]))
    assert sum(counts.values()) == payload["counts"]["claims"] == len(payload["claims"])
    statements = {t["code"]: t["statements"] for t in payload["claimTypes"]}
    assert sum(statements.values()) == payload["counts"]["statements"]


def test_focus_map_legend_counts_each_claim_once(source: MapSource) -> None:
    # The case: 16 claims, where the legend said accusation 30 + denial 2.
    payload = map_payload(source, MapFilter(focus="卢特尼克", types=("accusation", "denial")))
    counts = {t["code"]: t["count"] for t in payload["claimTypes"]}
    assert sum(counts.values()) == payload["counts"]["claims"] == len(payload["claims"])
    per_link = sum(len(link["claims"]) for link in payload["links"])
    assert per_link > len(payload["claims"])  # claims with several targets: several links each


def test_no_entity_has_an_arrow_to_itself(source: MapSource, payload: dict) -> None:
    loops = [(u, d["claim"]) for u, v, d in source.graph.edges(data=True) if u == v]
    assert loops, "the seeds have a speaker among its own claim's targets"
    assert not [link for link in payload["links"] if link["from"] == link["to"]]
    for claim in payload["claims"]:
        assert claim["speaker"] not in claim["targets"]


def test_unnamed_authors_are_named_after_their_documents_title(payload: dict) -> None:
    authors = [e for e in payload["entities"].values() if e["type"] == "AUTHOR"]
    assert authors
    for author in authors:
        doc = author["id"].removeprefix("author:")
        title = payload["documents"][doc]["title"]
        assert author["label"].startswith("author of 《") and title[:10] in author["label"]
        assert doc not in author["label"] or doc in title
        assert author["made"] > 0  # only where it speaks


def test_every_quote_is_its_documents_text_with_context(
    source: MapSource, payload: dict, texts: dict[str, str]
) -> None:
    for claim in payload["claims"]:
        doc = texts[claim["doc"]]
        assert doc[claim["start"] : claim["end"]] == claim["text"]
        window, ws = claim["window"], claim["ws"]
        assert window == doc[ws : ws + len(window)]
        assert window[claim["qs"] : claim["qe"]] == claim["text"]
        cue = (claim["cueStart"], claim["cueEnd"]) if claim["cueStart"] is not None else (claim["start"],) * 2
        assert claim["qs"] <= 30 + max(0, claim["start"] - cue[0])
        assert len(window) - claim["qe"] <= 30 + max(0, cue[1] - claim["end"])
        if claim["cueStart"] is not None:  # the cue is in its context, always (the issue: 32 of 184 were not)
            s, e = claim["cueRange"]
            assert (ws + s, ws + e) == cue and window[s:e] == doc[cue[0] : cue[1]]
        for entity, ranges in claim["marks"].items():
            spans = source.mentions.get((claim["doc"], entity), [])
            keys = set(payload["entities"][entity]["keys"])
            for s, e in ranges:
                # A mention of that entity there (overlapping ones merged), or else one of its names.
                mentioned = all(any(ms <= ws + i < me for ms, me in spans) for i in range(s, e))
                assert mentioned or "".join(window[s:e].split()).casefold() in keys, (entity, window[s:e])
        if claim["cueRange"]:
            s, e = claim["cueRange"]
            assert window[s:e] == claim["cue"]


def test_the_target_is_highlighted_in_the_injected_quote(payload: dict) -> None:
    claim = next(c for c in payload["claims"] if c["doc"] == INJECT_NAME and c["type"] == "accusation")
    (s, e), *_ = claim["marks"]["deepseek"]
    assert claim["window"][s:e] == "DeepSeek"
    (s, e), *_ = claim["marks"]["nvidia"]
    assert claim["window"][s:e] == "英伟达"  # after the emoji: offsets count code points


def test_labels_are_simplified_chinese_then_english(payload: dict) -> None:
    entities = payload["entities"]
    assert entities["nvidia"]["label"] == "英伟达\nNvidia"
    assert entities["howard_lutnick"]["label"] == "霍华德·卢特尼克\nHoward Lutnick"
    assert entities["china"]["label"] == "中国\nChina"  # its own name, not the nickname 东大
    assert "英偉達" in entities["nvidia"]["keys"] and "nvidia" in entities["nvidia"]["keys"]
    assert {t["code"] for t in payload["entityTypes"]} <= {"PERSON", "ORG", "GPE", "LAW", "PRODUCT", "AUTHOR"}


@pytest.mark.parametrize("name", ["卢特尼克", "盧特尼克", "howard lutnick", "entity:howard_lutnick"])
def test_focus_takes_any_name_in_either_script_or_an_iri(source: MapSource, name: str) -> None:
    sub = select(source.graph, MapFilter(focus=name))
    assert "howard_lutnick" in sub
    neighbours = set(source.graph.successors("howard_lutnick")) | set(
        source.graph.predecessors("howard_lutnick")
    )
    assert set(sub) <= neighbours | {"howard_lutnick"}
    assert all("howard_lutnick" in (u, v) or {u, v} <= set(sub) for u, v in sub.edges())


def test_hops_widen_the_ego_map(source: MapSource) -> None:
    one = select(source.graph, MapFilter(focus="DeepSeek", hops=1))
    two = select(source.graph, MapFilter(focus="DeepSeek", hops=2))
    assert set(one) < set(two)
    payload = map_payload(source, MapFilter(focus="DeepSeek"))
    assert payload["entities"]["deepseek"]["focus"] and "DeepSeek" in payload["title"]


def test_type_doc_and_date_filters(source: MapSource) -> None:
    types = select(source.graph, MapFilter(types=("accusation", "denial")))
    assert {d for *_, d in types.edges(data="type")} == {"accusation", "denial"}
    doc = select(source.graph, MapFilter(docs=(INJECT_NAME,)))
    assert {d for *_, d in doc.edges(data="doc")} == {INJECT_NAME}
    by_path = select(source.graph, MapFilter(docs=(f"elsewhere/{INJECT_NAME}",)))
    assert set(by_path.edges(keys=True)) == set(doc.edges(keys=True))
    day = select(source.graph, MapFilter(since="2025-01-31", until="2025-01-31"))
    assert day.number_of_edges() and all(t.startswith("2025-01-31") for *_, t in day.edges(data="time"))
    later = select(source.graph, MapFilter(since="2025-01-31T12:00"))
    assert all(t >= "2025-01-31T12:00" for *_, t in later.edges(data="time"))
    whole_day_on = select(source.graph, MapFilter(since="2025-01-31"))
    assert 0 < later.number_of_edges() < whole_day_on.number_of_edges()
    undated = sum(t is None for *_, t in source.graph.edges(data="time"))
    assert undated and all(t is not None for *_, t in whole_day_on.edges(data="time"))


def test_max_nodes_keeps_the_most_central(source: MapSource) -> None:
    payload = map_payload(source, MapFilter(max_nodes=10))
    assert len(payload["entities"]) == 10 and not payload["notes"]
    for n in (2, 3, 20, 50):
        drawn = map_payload(source, MapFilter(max_nodes=n))
        assert len(drawn["entities"]) == n, n  # the issue: --max-nodes 20 drew 18 under "top 20"
        linked = {link["from"] for link in drawn["links"]} | {link["to"] for link in drawn["links"]}
        assert linked == set(drawn["entities"])
    small = map_payload(source, MapFilter(focus="Kevin Bankston", max_nodes=50))
    assert len(small["entities"]) < 50 and "only" in small["notes"][0]
    assert {"usa", "china", "deepseek", "howard_lutnick"} <= set(payload["entities"])
    focused = select(source.graph, MapFilter(focus="Kevin Bankston", hops=2, max_nodes=3))
    assert "kevin_bankston" in focused


@pytest.mark.parametrize(
    "flt",
    [MapFilter(), MapFilter(focus="卢特尼克", types=("accusation", "denial")), MapFilter(max_nodes=12)],
    ids=["whole", "focus", "top"],
)
def test_a_maps_entities_are_those_of_select_with_its_centrality(source: MapSource, flt: MapFilter) -> None:
    """The payload, made without building select's graph, shows its entities with its centrality, and each
    entity's claims made and received as graph.views.analyses counts them on it."""
    from graph.views.analyses import claims_made, claims_received

    graph = select(source.graph, flt)
    entities = map_payload(source, flt)["entities"]
    rank, made, received = centrality(graph), claims_made(graph), claims_received(graph)
    assert set(entities) == set(graph) and len({e["centrality"] for e in entities.values()}) > 2
    assert all(e["centrality"] == round(rank[n], 4) for n, e in entities.items())
    assert all((e["made"], e["received"]) == (made[n], received[n]) for n, e in entities.items())


def test_bad_filters_say_what_to_do(source: MapSource) -> None:
    with pytest.raises(ClaimgraphError, match="unknown claim type praise: use any of accusation"):
        select(source.graph, MapFilter(types=("praise",)))
    with pytest.raises(ClaimgraphError, match="no entity has this name"):
        select(source.graph, MapFilter(focus="Nobody At All"))
    with pytest.raises(ClaimgraphError, match="not a date"):
        select(source.graph, MapFilter(since="yesterday"))
    with pytest.raises(ClaimgraphError, match="no claims come from such a document"):
        select(source.graph, MapFilter(docs=("missing.txt",)))
    with pytest.raises(ClaimgraphError, match="no claims to map"):
        map_payload(source, MapFilter(since="2031-01-01"))
    with pytest.raises(ClaimgraphError, match="at least 2 entities; give --max-nodes 2 or more"):
        map_payload(source, MapFilter(max_nodes=1))


def test_cli_writes_the_map(store: Path, tmp_path: Path) -> None:
    out = tmp_path / "map.html"
    result = run("map", "-o", str(out), store=store)
    assert result.exit_code == 0, result.output
    assert re.match(r"wrote .*map\.html: \d+ entities, \d+ links, \d+ claims from 6 documents", result.output)
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "vis.Network" in page
    focus = tmp_path / "focus.html"
    args = ["map", "--focus", "英偉達", "--hops", "2", "--type", "accusation,denial", "-o", str(focus)]
    assert run(*args, store=store).exit_code == 0
    data = json.loads(blocks(focus.read_text(encoding="utf-8"))["map-data"])
    assert data["entities"]["nvidia"]["focus"]
    assert {link["type"] for link in data["links"]} <= {"accusation", "denial"}


def test_the_options_reach_the_page_as_written(html: str, payload: dict) -> None:
    """pyvis's ``Network.set_options`` removed every space of the options' JSON, font names' too
    ('Noto Sans CJK SC' became 'NotoSansCJKSC', which names no font); the page now has them as written."""
    options = json.loads(blocks(html)["map-options"])
    assert options == vis_options(len(payload["entities"]), len(payload["links"]), laid_out=True)
    assert "'Noto Sans CJK SC'" in options["nodes"]["font"]["face"]


def test_a_focus_map_loads_only_what_it_uses(store: Path, tmp_path: Path) -> None:
    """`claimgraph map --focus` imports neither pyvis's Network (and with it IPython and jsonpickle), nor
    NumPy, nor what only a build reads with (HTML, charsets): a small map needs none of them."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from cli import main\n"
        "main(sys.argv[1:], standalone_mode=False)\n"
        "heavy = ('IPython', 'jsonpickle', 'pyvis.network', 'numpy', 'scipy', 'turbohtml',\n"
        "         'charset_normalizer')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = tmp_path / "focus.html"
    args = ["--store", str(store), "map", "--focus", "英偉達", "--type", "accusation,denial", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]" and "vis.Network" in out.read_text(encoding="utf-8")


def test_cli_errors_exit_1_with_the_fix(store: Path, tmp_path: Path) -> None:
    result = run("map", "--type", "praise", "-o", str(tmp_path / "x.html"), store=store)
    assert result.exit_code == 1 and "use any of" in result.output
    result = run(
        "map", "--focus", "卢特尼克", "--type", "praise", "-o", str(tmp_path / "y.html"), store=store
    )
    assert result.exit_code == 1 and "use any of" in result.output  # was a KeyError from the SPARQL read
    result = run("map", "--since", "yesterday", "-o", str(tmp_path / "x.html"), store=store)
    assert result.exit_code == 1 and "not a date" in result.output
    assert not (tmp_path / "x.html").exists()
    result = run("map", "--focus", "Trump", "-o", str(tmp_path / "x.html"), store=store)
    assert result.exit_code == 1 and "Donald Trump" in result.output


def test_the_panel_knows_each_documents_title_outlet_date_and_web_address(tmp_path: Path) -> None:
    from dataclasses import replace

    from tests.graph_sample import LATER_META, build_samples, later, news

    unsafe = later()
    unsafe.document = replace(
        unsafe.document, name="news 3.txt", meta=replace(LATER_META, url="javascript:alert(1)")
    )
    unsafe.mentions = [replace(m, doc="news 3.txt") for m in unsafe.mentions]
    unsafe.claims = [replace(c, doc="news 3.txt") for c in unsafe.claims]
    build_samples(tmp_path / "s", [news(), later(), unsafe])
    payload = map_payload(MapSource.from_store(open_store(tmp_path / "s")))
    docs = payload["documents"]
    assert docs["news 2.txt"] == {
        "title": LATER_META.title,
        "outlet": "Xinhua",
        "published": LATER_META.published,
        "url": LATER_META.url,
    }
    assert docs["news 3.txt"]["url"] is None  # only web addresses become links
    assert docs["news 1.txt"]["outlet"] is None and docs["news 1.txt"]["title"]  # its first line
    dated = [c for c in payload["claims"] if c["doc"] == "news 2.txt"]
    assert dated and all(c["time"] == LATER_META.published for c in dated)
    page = render_html(payload)
    assert "javascript:alert" not in page.split('id="map-data"')[0]
    assert "<2>" not in blocks(page)["map-data"]  # the URL's markup is escaped in the data block


@pytest.mark.parametrize(
    "flt",
    [
        MapFilter(focus="卢特尼克"),
        MapFilter(focus="盧特尼克", types=("accusation", "denial")),
        MapFilter(focus="DeepSeek", hops=2),
        MapFilter(focus="nvidia", since="2025-01-31", max_nodes=6),
        MapFilter(focus="entity:howard_lutnick", docs=(INJECT_NAME,)),
        MapFilter(focus="Kevin Bankston", hops=3),
    ],
)
def test_a_focus_map_read_with_sparql_is_the_whole_stores(
    store: Path, source: MapSource, flt: MapFilter
) -> None:
    """The neighbourhood read with SPARQL (graph.sparql.neighbourhood) gives the map a whole read gives."""
    from graph.sparql.neighbourhood import resolve_entity

    opened = open_store(store)
    focus = resolve_entity(opened, flt.focus)
    assert focus is not None
    fast = MapSource.from_focus(opened, focus, flt.hops, flt.types)
    assert fast.graph.number_of_edges() < source.graph.number_of_edges()
    assert map_payload(fast, flt) == map_payload(source, flt)


@pytest.mark.parametrize(
    "flt",
    [
        MapFilter(types=("accusation", "denial")),
        MapFilter(since="2025-01-31"),
        MapFilter(until="2025-01-31"),
        MapFilter(since="2025-01-31T12:00", until="2025/02/02", types=("statement", "accusation")),
        MapFilter(since="2025-02-02T04:00"),
        MapFilter(since="2025-01-31", until="2025-01-31", max_nodes=6),
    ],
)
def test_a_type_or_date_map_read_with_sparql_is_the_whole_stores(
    store: Path, source: MapSource, flt: MapFilter
) -> None:
    """Claims found by type and date with SPARQL (graph.sparql.neighbourhood.filtered_claims) give the map
    a whole read gives: the store compares days, the map then the times."""
    fast = MapSource.from_claims(open_store(store), flt.types, flt.since, flt.until)
    assert 0 < fast.graph.number_of_edges() < source.graph.number_of_edges()
    assert map_payload(fast, flt) == map_payload(source, flt)


def test_a_focus_map_of_a_store_without_digests_is_the_whole_stores(store: Path, source: MapSource) -> None:
    """Documents written before digests (or with another layout) are read from their triples: their
    claims listed by type, judged by their records, and the map is the same."""
    import pyoxigraph as ox

    from graph.sparql.neighbourhood import resolve_entity
    from graph.store.vocab import CG

    bare = ox.Store()
    bare.extend(q for q in open_store(store) if q.predicate.value != str(CG.digest))
    for flt in (
        MapFilter(focus="卢特尼克", types=("accusation", "denial")),
        MapFilter(focus="Kevin Bankston", hops=3),
    ):
        focus = resolve_entity(bare, flt.focus)
        assert focus is not None
        read = MapSource.from_focus(bare, focus, flt.hops, flt.types)
        assert map_payload(read, flt) == map_payload(source, flt)


def test_a_maps_repeated_claims_are_found_by_lookups_or_by_reading_every_link(store: Path) -> None:
    """statement_keys of some claims reads the duplicates graph whole when it holds fewer links than the
    claims are many, else looks each claim up, and reads the claims from their documents' digests when
    given them: the same keys every way."""
    import pyoxigraph as ox

    from graph.store.digest import digests
    from graph.store.duplicates import statement_keys
    from graph.store.vocab import CG, DUPLICATES, node

    opened = open_store(store)
    links = list(opened.quads_for_pattern(None, node(CG.statement), None, node(DUPLICATES)))
    said = list(opened.quads_for_pattern(None, node(CG.speaker), None, None))
    claims = [q.subject for q in said]
    known = digests(opened, {q.graph_name for q in said})
    assert all(d is not None for d in known.values())
    assert 1 < len(links) < len(claims)
    every = statement_keys(opened)
    repeating = [q.subject for q in links if isinstance(q.subject, ox.NamedNode)]
    few = repeating[: len(repeating) // 2]  # fewer claims than links: a lookup each
    for some in (few, claims):
        found = statement_keys(opened, some)
        assert found and set(found.items()) <= set(every.items())
    assert statement_keys(opened, claims) == every == statement_keys(opened, claims, known)
    assert len(statement_keys(opened, few)) < len(every)


def test_a_map_leaves_the_cycle_collector_as_it_found_it(store: Path) -> None:
    import gc

    opened = open_store(store)
    was = gc.isenabled()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            map_html(opened, MapFilter(focus="卢特尼克"))
            assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()


def test_names_the_index_cannot_settle_fall_back_to_the_whole_graph(store: Path) -> None:
    from graph.sparql.neighbourhood import resolve_entity

    opened = open_store(store)
    assert resolve_entity(opened, "howard_lutnick") == "howard_lutnick"
    assert resolve_entity(opened, "英偉達") == "nvidia"
    assert resolve_entity(opened, "Nobody At All") is None
    assert resolve_entity(opened, "Trump") is None  # several: the whole graph's error lists them


def test_a_big_map_comes_laid_out_with_the_main_entities_central(payload: dict) -> None:
    import math

    entities = payload["entities"]
    assert len(entities) > 100 and all("x" in e and "y" in e for e in entities.values())
    assert len({(e["x"], e["y"]) for e in entities.values()}) == len(entities)
    cx = sum(e["x"] for e in entities.values()) / len(entities)
    cy = sum(e["y"] for e in entities.values()) / len(entities)
    far = sorted(math.dist((e["x"], e["y"]), (cx, cy)) for e in entities.values())
    top = sorted(entities.values(), key=lambda e: -e["centrality"])[:5]
    for e in top:  # the five most central within the inner half of the map
        assert math.dist((e["x"], e["y"]), (cx, cy)) < far[len(far) // 2], e["id"]
    assert payload["labelled"][0] == top[0]["id"] and len(payload["labelled"]) == 40


def test_the_layout_is_the_same_in_every_process() -> None:
    """The same map, the same picture: no set iteration (string hashes change per process) may leak in."""
    import os
    import subprocess
    import sys

    script = (
        "import networkx as nx, random, json\n"
        "from graph.views.layout import community_layout\n"
        "rng = random.Random(3)\n"
        "g = nx.MultiDiGraph()\n"
        "names = [f'实体{i}' for i in range(80)]\n"
        "g.add_edges_from((rng.choice(names), rng.choice(names)) for _ in range(240))\n"
        "rank = {n: rng.random() for n in g}\n"
        "print(json.dumps(community_layout(g, rank), sort_keys=True))\n"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).resolve().parents[1],
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2", "3")
    ]
    assert runs[0] == runs[1] == runs[2] and len(json.loads(runs[0])) > 50


def test_a_community_laid_out_by_its_spectrum_is_laid_out_the_same_every_time() -> None:
    """A community of SPECTRAL_FROM entities or more is placed by its graph's spectrum: the same graph
    must give the same picture every time (a 10,000-document map of accusations and denials moved 772 of
    its 1,127 entities from one run to the next)."""
    import networkx as nx

    from graph.views.layout import SPECTRAL_FROM, community_layout

    g = nx.MultiDiGraph(("发言人", f"实体{i}") for i in range(SPECTRAL_FROM + 20))  # one community
    rank = {n: (1.0 if n == "发言人" else 0.1) for n in g}
    first = community_layout(g, rank)
    assert community_layout(g, rank) == first and len(first) == len(g)


def test_a_document_map_read_with_sparql_is_the_whole_stores(store: Path, source: MapSource) -> None:
    opened = open_store(store)
    first = sorted({d for *_, d in source.graph.edges(data="doc")})[0]
    for flt in (
        MapFilter(docs=(INJECT_NAME,)),
        MapFilter(docs=(f"elsewhere/{INJECT_NAME}", first), types=("accusation", "statement")),
        MapFilter(docs=(first,), max_nodes=8),
    ):
        fast = MapSource.from_documents(opened, flt.docs)
        assert fast is not None and fast.graph.number_of_edges() < source.graph.number_of_edges()
        assert map_payload(fast, flt) == map_payload(source, flt)
    assert MapSource.from_documents(opened, ["missing.txt"]) is None  # the whole read explains


def test_entities_pushed_apart_leave_room_between_every_pair() -> None:
    """A crowded community (400 entities dropped near one spot) comes out with no two outlines closer
    than the gap an arrow needs, whatever their sizes, and the same every time."""
    import math
    import random

    from graph.views.layout import NODE_GAP, _apart

    rng = random.Random(5)
    pos = {f"e{i}": (rng.uniform(-60, 60), rng.uniform(-60, 60)) for i in range(400)}
    radius = {n: rng.uniform(9, 38) for n in pos}
    out = _apart(pos, radius, rounds=400)
    names = sorted(out)
    worst = min(
        math.dist(out[a], out[b]) - radius[a] - radius[b] for i, a in enumerate(names) for b in names[i + 1 :]
    )
    assert worst >= NODE_GAP - 0.5
    assert _apart(pos, radius, rounds=400) == out


def test_documents_digests_give_what_their_triples_give(store: Path) -> None:
    """Every document's, claim's, post's and mention's record read from the documents' digests
    (cg:digest) is the one read from their triples, each claim's context the one worked out from its
    document's text and mentions, each document's first line the text's; a document without a digest (a
    store written before them) is read from its triples and text."""
    import pyoxigraph as ox

    from extract.records import AUTHOR
    from graph.sparql.neighbourhood import mention_spans_of
    from graph.store.context import claim_context, heading
    from graph.store.digest import claim_head, claim_in_context, digests
    from graph.store.reader import claim_records, documents_of
    from graph.store.vocab import CG, prefixes

    opened = open_store(store)
    rows = opened.query("SELECT ?c ?g WHERE { GRAPH ?g { ?c a cg:Claim } }", prefixes=prefixes())
    claims = sorted(((row["c"], row["g"]) for row in rows), key=lambda x: x[0].value)
    graphs = {g for _, g in claims}
    known = digests(opened, graphs)
    assert claims and all(known[g] is not None for g in graphs)
    without: dict[ox.NamedNode, None] = dict.fromkeys(graphs)
    fresh = digests(opened, graphs)  # nothing parsed yet but what a map judges claims by
    heads = [claim_head(fresh[g], c.value) for c, g in claims]
    fast, slow = claim_records(opened, claims, known), claim_records(opened, claims, without)
    assert fast == slow and any(r["kind"] == "post" for r in fast)
    judged = ("doc", "speaker", "targets", "type")
    assert heads == [{k: r[k] for k in judged} for r in slow if r["kind"] == "claim"]

    bare = ox.Store()  # the same store without its digests
    bare.extend(q for q in opened if q.predicate.value != str(CG.digest))
    ordered = sorted(graphs, key=lambda g: g.value)
    records, texts, found = documents_of(opened, ordered)
    assert all(found[g] is not None for g in graphs) and len(records) == len(graphs) and not texts
    read, all_texts, _ = documents_of(bare, ordered)
    assert read == records and any(r["outlet"] for r in records) and len(all_texts) == len(graphs)

    by_name = {r["doc"]: g for r, g in zip(records, ordered, strict=True)}
    spans = mention_spans_of(opened, slow, by_name)
    marked = 0
    for (claim, graph), rec in zip(claims, [r for r in slow if r["kind"] == "claim"], strict=True):
        doc = rec["doc"]
        cue = (rec["cue_start"], rec["cue_end"]) if rec["cue_start"] is not None else None
        near = {e: spans.get((doc, e), []) for e in (rec["speaker"], *rec["targets"]) if e != AUTHOR}
        worked_out = claim_context(all_texts[doc], (rec["start"], rec["end"], rec["text"]), cue, near, near)
        assert claim_in_context(known[graph], claim.value) == (rec, worked_out), claim.value
        marked += bool(worked_out.marks)
    assert marked and all(known[by_name[doc]]["heading"] == heading(text) for doc, text in all_texts.items())


def test_a_digest_of_another_layout_is_read_as_none() -> None:
    """A store written with another digest layout is read from its triples, not misread."""
    import pyoxigraph as ox

    from graph.store.digest import FORMAT, digests
    from graph.store.vocab import CG

    graph = ox.NamedNode("https://example.org/doc")
    store = ox.Store()
    for n, body in enumerate(
        ['{"doc":"a.txt","claims":{}}', f'{{"format":{FORMAT},"doc":"a.txt","claims":{{}}}}']
    ):
        g = ox.NamedNode(f"{graph.value}{n}")
        store.add(ox.Quad(g, ox.NamedNode(str(CG.digest)), ox.Literal(body), g))
    found = digests(store, [ox.NamedNode(f"{graph.value}{n}") for n in range(2)])
    assert list(found.values()) == [None, {"format": FORMAT, "doc": "a.txt", "claims": {}}]
