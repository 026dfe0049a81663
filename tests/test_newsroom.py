"""Documents as newsrooms have them, end to end: rows, pages and texts with metadata, built by the CLI; each
field lands in the graph and in every export, and a rebuild gives the same IRIs."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph.store.store import open_store
from graph.store.vocab import doc_iri, prefixes

ROWS = [
    {
        "id": "a1",
        "title": "卢特尼克：DeepSeek窃取了美国技术",
        "url": "https://news.example.org/a1",
        "published_at": "2025-01-29T18:30:00+08:00",
        "source": "新华社",
        "author": "王小明",
        "content": "美国商务部长卢特尼克周三说，DeepSeek窃取了美国的技术。英伟达否认向中国出售H20芯片。",
    },
    {"id": "a2", "title": "没有正文"},
]
CSV_ROWS = [
    ["编号", "标题", "正文", "发布时间", "媒体"],
    ["b1", "商務部回應", "中國商務部發言人何亞東說，美方的出口管制違反世貿規則。", "2025-02-03", "中央社"],
]
PAGE = """<!doctype html><html lang="zh-Hant"><head>
<title>外交部：美方應停止打壓華為</title>
<link rel="canonical" href="https://news.example.org/c1">
<meta property="og:site_name" content="香港01">
<meta property="article:published_time" content="2025-03-04T09:00:00+08:00">
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "外交部：美方應停止打壓華為",
 "author": {"@type": "Person", "name": "陳記者"}}</script>
</head><body><p>中國外交部發言人林劍表示，美方應停止打壓華為。</p></body></html>"""
TEXT = "来源：人民网\n2025年3月8日\n商务部新闻发言人何亚东表示，美国的关税违反世贸组织规则。\n"


def run(*args: str, store: Path):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    corpus = tmp_path_factory.mktemp("corpus")
    (corpus / "feed.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS) + "\n", encoding="utf-8"
    )
    table = io.StringIO(newline="")
    csv.writer(table).writerows(CSV_ROWS)
    (corpus / "wire.csv").write_text(table.getvalue(), encoding="utf-8")
    (corpus / "page.html").write_text(PAGE, encoding="utf-8")
    (corpus / "text.txt").write_text(TEXT, encoding="utf-8")
    store = tmp_path_factory.mktemp("store") / "s"
    result = run("build", str(corpus), "--no-progress", "--workers", "1", store=store)
    return store, corpus, result.output


def test_a_row_without_text_is_reported_by_file_and_line_and_the_rest_builds(built) -> None:
    _, _, output = built
    assert "feed.jsonl: line 2: no text" in output
    assert "4 extracted" in output


def test_each_documents_metadata_is_in_the_graph(built) -> None:
    store, _, _ = built
    rows = open_store(store).query(
        """SELECT ?name ?title ?issued ?outlet ?url ?author ?lang WHERE {
             ?d a cg:Document ; cg:fileName ?name .
             OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d dcterms:issued ?issued }
             OPTIONAL { ?d dcterms:publisher/skos:prefLabel ?outlet } OPTIONAL { ?d schema:url ?url }
             OPTIONAL { ?d cg:authorName ?author } OPTIONAL { ?d dcterms:language ?lang } }""",
        prefixes=prefixes(),
        use_default_graph_as_union=True,
    )
    keys = ("title", "issued", "outlet", "url", "author", "lang")
    docs = {r["name"].value: {k: (r[k].value if r[k] is not None else None) for k in keys} for r in rows}
    assert set(docs) == {"feed.jsonl#a1", "wire.csv#b1", "page.html", "text.txt"}
    feed = docs["feed.jsonl#a1"]
    assert feed["title"] == ROWS[0]["title"] and feed["url"] == ROWS[0]["url"] and feed["author"] == "王小明"
    assert feed["issued"].startswith("2025-01-29T18:30:00") and feed["outlet"] in ("Xinhua", "新华社")
    assert docs["wire.csv#b1"]["issued"] == "2025-02-03" and docs["wire.csv#b1"]["lang"] == "zh-Hant"
    page = docs["page.html"]
    assert page["title"] == "外交部：美方應停止打壓華為" and page["url"] == "https://news.example.org/c1"
    assert page["issued"].startswith("2025-03-04T09:00:00") and page["author"] == "陳記者"
    assert docs["text.txt"]["issued"] == "2025-03-08" and docs["text.txt"]["lang"] == "zh-Hans"


def test_every_claim_is_dated_by_its_document(built) -> None:
    store, _, _ = built
    out = run("export", "--format", "jsonl", "-o", "-", store=store).output
    records = [json.loads(line) for line in out.splitlines()]
    published = {r["doc"]: r["published"] for r in records if r["kind"] == "document"}
    claims = [r for r in records if r["kind"] == "claim"]
    assert {c["doc"] for c in claims} == set(published)  # every document speaks
    assert all(c["date"] == published[c["doc"]] for c in claims)
    dated = run(
        "query",
        "--name",
        "claims-in-date-range",
        "--param",
        "since=2025-02-01",
        "--format",
        "json",
        store=store,
    ).output
    found = {b["doc"]["value"] for b in json.loads(dated)["results"]["bindings"]}
    assert found == {"wire.csv#b1", "page.html", "text.txt"}


def test_the_metadata_reaches_the_csv_tables_and_the_network_exports(built, tmp_path: Path) -> None:
    store, _, _ = built
    run("export", "--format", "csv", "-o", str(tmp_path / "t.zip"), store=store)
    with zipfile.ZipFile(tmp_path / "t.zip") as zf:
        documents = list(csv.DictReader(io.StringIO(zf.read("documents.csv").decode("utf-8"))))
        publishers = list(csv.DictReader(io.StringIO(zf.read("publishers.csv").decode("utf-8"))))
    by_id = {d["id:ID(Document)"]: d for d in documents}
    assert (
        by_id["feed.jsonl#a1"]["url"] == ROWS[0]["url"] and by_id["wire.csv#b1"]["published"] == "2025-02-03"
    )
    assert {p[":START_ID(Document)"] for p in publishers} == {d for d, r in by_id.items() if r["outlet"]}
    run("export", "--format", "graphml", "-o", str(tmp_path / "n.graphml"), store=store)
    edges = [d for *_, d in nx.read_graphml(tmp_path / "n.graphml").edges(data=True)]
    assert edges and all(e["date"] == by_id[e["doc"]]["published"] for e in edges)
    assert all(e["title"] == by_id[e["doc"]]["title"] and e["url"] == by_id[e["doc"]]["url"] for e in edges)
    assert {e["doc"] for e in edges if e["title"]} >= {"feed.jsonl#a1", "page.html"}


def test_a_rebuild_gives_the_same_iris(built, tmp_path: Path) -> None:
    store, corpus, _ = built
    again = tmp_path / "again"
    run("build", str(corpus), "--no-progress", "--workers", "1", store=again)
    query = "SELECT ?d WHERE { ?d a cg:Document } ORDER BY ?d"

    def documents(path: Path) -> list[str]:
        rows = open_store(path).query(query, prefixes=prefixes(), use_default_graph_as_union=True)
        return [r["d"].value for r in rows]

    assert documents(again) == documents(store)
    assert str(doc_iri("feed.jsonl#a1")) in documents(store)
