"""The same story counted once: copies found across scripts and forums, recorded, and their claims grouped.

Documents written here: an article in simplified script, its repost in traditional script, a forum thread
with the article pasted into its first post, and an unrelated article on the same subject (the same
people, the same company, other words) that must not be grouped. Counts are computed from the store's
own records, never written down.
"""

from __future__ import annotations

from pathlib import Path

import opencc
import pyoxigraph as ox
import pytest

from extract.records import Document
from graph.store.build import build
from graph.store.duplicates import CACHE, find_copies, profile, profile_from_store
from graph.store.network import load_network
from graph.store.store import open_store
from graph.store.vocab import CG, DUPLICATES, ENTITIES, entity_iri, node, prefixes
from graph.views import analyses as A
from graph.views.maps import MapSource, map_payload

ARTICLE = (
    "美国商务部长提名人霍华德·卢特尼克（Howard Lutnick）周三在参议院商务委员会的确认听证会上说，"
    "DeepSeek窃取了美国的技术，并且利用了Meta的开源模型。\n"
    "卢特尼克指责DeepSeek买了大量的英伟达芯片，并找到了规避出口管制的方法，才实现了今天的发展。"
    "他说，美国公司必须停止帮助中国，如果他获得确认，一定会严格执行出口管制措施，确保美国在人工智能领域的领先地位。\n"
    "参议员玛丽亚·坎特韦尔在开场发言中表示，DeepSeek的出现凸显了美国出口管制的漏洞，"
    "她希望商务部加强对中国的技术限制，改善工业和安全局的执法工作，防止先进芯片继续流入中国。\n"
    "英伟达在一份声明中表示，该公司愿意配合政府实施自己的人工智能政策，并遵守所有适用的出口规定。"
    "分析人士认为，新的限制措施可能会影响英伟达在中国市场的销售，H20芯片去年在中国的出货量约为七十万枚。\n"
)

OTHER = (
    "白宫人工智能顾问大卫·萨克斯周二接受福克斯新闻采访时表示，有大量证据显示DeepSeek对OpenAI的模型进行了蒸馏。"
    "萨克斯说，美国领先的人工智能公司会在未来几个月采取措施，防止自己的模型被别人蒸馏。\n"
    "卢特尼克则在另一场活动中警告说，中国企业正在千方百计获取美国的先进技术，政府将对违规行为追究责任。"
    "他表示，出口管制必须与关税政策配合，否则就会变成打地鼠的游戏，美国必须保持在芯片领域的优势。\n"
    "DeepSeek没有回应置评请求。该公司此前发布的R1模型在多项测试中表现接近OpenAI的o1模型，训练成本却低得多。"
    "业内人士指出，模型蒸馏在行业内十分普遍，是否构成侵权仍有很大争议，相关法律问题短期内难以厘清。\n"
)


def _thread(article: str) -> str:
    return (
        "1楼 科技观察 发表于 2025-01-30 09:00\n"
        f"{article}\n"
        "2楼 路人甲 发表于 2025-01-30 09:10\n"
        "又来了，这种听证会每次都是一样的说法。说到底还是技术上被人追上了，心里不舒服。"
        "我们这边的工程师加班加点做出来的东西，到了他们嘴里就成了偷来的，真是没办法讲道理。"
        "再说开源模型本来就是公开的，谁都可以下载研究，这也能算到别人头上？"
        "我看以后各家公司都会更谨慎，开源的东西会越来越少，最后吃亏的还是整个行业。\n"
        "3楼 老王 发表于 2025-01-30 09:30\n"
        "芯片的事情谁也说不清楚，等着看吧。去年就说要限制，结果该卖的还是卖了，厂商自己也不想丢掉市场。"
        "真要全面禁止，国内的替代方案也在慢慢跟上，短期会难受一阵子，长期看未必是坏事。"
        "倒是那些做云服务的公司要头疼了，算力价格肯定还要涨，小团队的日子更不好过。"
        "我身边做大模型创业的朋友已经开始囤卡了，能买多少买多少，谁也不知道明年是什么情况。\n"
    )


DOCS = {
    "a_article.txt": ARTICLE,
    "b_repost.txt": "转载自网络\n" + opencc.OpenCC("s2t").convert(ARTICLE) + "（完）\n",
    "c_thread.txt": _thread(ARTICLE),
    "d_other.txt": OTHER,
}


def _write(folder: Path, names: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name in names:
        (folder / name).write_text(DOCS[name], encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("dup")
    build([str(_write(tmp / "docs", list(DOCS)))], tmp / "store", workers=1, progress=False)
    return tmp / "store"


def _select(store: ox.Store, query: str) -> list[dict[str, str]]:
    answer = store.query(query, prefixes=prefixes(), use_default_graph_as_union=True)
    assert isinstance(answer, ox.QuerySolutions)
    names = [v.value for v in answer.variables]
    return [{n: (row[n].value if row[n] is not None else "") for n in names} for row in answer]


def _repeats(store: ox.Store) -> set[tuple[str, str]]:
    graph = node(DUPLICATES)
    return {
        (q.subject.value.rsplit("/", 1)[1], q.object.value.rsplit("/", 1)[1])
        for q in store.quads_for_pattern(None, node(CG.repeats), None, graph)
    }


_CLAIMS = """
SELECT ?claim ?doc ?speaker ?type ?statement WHERE {
  GRAPH ?g { ?claim a cg:Claim ; cg:speaker ?speaker ; cg:claimType ?kind . ?g cg:fileName ?doc }
  ?kind cg:code ?type
  OPTIONAL { ?claim cg:statement ?statement }
}"""


def test_a_repost_in_the_other_script_and_a_pasted_article_repeat_the_article(built: Path) -> None:
    store = open_store(built)
    assert _repeats(store) == {
        ("b_repost.txt", "a_article.txt"),  # both undated whole documents: the first by name
        ("c_thread.txt#post=1", "a_article.txt"),  # a whole document over a post inside a thread
    }


def test_an_article_on_the_same_subject_is_no_copy(built: Path) -> None:
    store = open_store(built)
    assert not any("d_other" in s or "d_other" in o for s, o in _repeats(store))
    rows = _select(store, _CLAIMS)
    assert any(r["doc"] == "d_other.txt" for r in rows)
    assert not any("d_other" in r["claim"] + r["statement"] for r in rows if r["statement"])


def test_claims_of_the_copies_are_the_article_s_statements(built: Path) -> None:
    store = open_store(built)
    rows = _select(store, _CLAIMS)
    by_iri = {r["claim"]: r for r in rows}
    grouped = [r for r in rows if r["statement"]]
    assert {r["doc"] for r in grouped} == {"b_repost.txt", "c_thread.txt"}
    for r in grouped:
        key = by_iri[r["statement"]]
        assert key["doc"] == "a_article.txt" and not key["statement"]  # the key is the original's, no chain
        assert (key["speaker"], key["type"]) == (r["speaker"], r["type"])
    lutnick = str(entity_iri("howard_lutnick"))
    in_article = [r for r in rows if r["doc"] == "a_article.txt" and r["speaker"] == lutnick]
    assert in_article
    for doc in ("b_repost.txt", "c_thread.txt"):  # each of the article's Lutnick claims is found again
        repeated = {r["statement"] for r in grouped if r["doc"] == doc and r["speaker"] == lutnick}
        assert repeated == {r["claim"] for r in in_article}, doc


def test_statistics_count_statements(built: Path) -> None:
    store = open_store(built)
    rows = _select(store, _CLAIMS)
    for entity in ("howard_lutnick", "nvidia"):
        iri = str(entity_iri(entity))
        claims = [r for r in rows if r["speaker"] == iri]
        statements = {r["statement"] or r["claim"] for r in claims}
        (made,) = store.quads_for_pattern(ox.NamedNode(iri), node(CG.claimsMade), None, node(ENTITIES))
        assert int(made.object.value) == len(statements)
        if entity == "howard_lutnick":
            assert len(statements) < len(claims)
    targets = _select(
        store,
        """SELECT ?claim ?statement WHERE { ?claim cg:target entity:deepseek
           OPTIONAL { ?claim cg:statement ?statement } }""",
    )
    (received,) = store.quads_for_pattern(
        ox.NamedNode(str(entity_iri("deepseek"))), node(CG.claimsReceived), None, node(ENTITIES)
    )
    assert int(received.object.value) == len({r["statement"] or r["claim"] for r in targets}) < len(targets)


def test_the_network_the_analyses_and_the_map_count_each_story_once(built: Path) -> None:
    store = open_store(built)
    G = load_network(store)
    edges = [
        (k, d)
        for u, v, k, d in G.edges(keys=True, data=True)
        if (u, v, d["type"]) == ("howard_lutnick", "deepseek", "accusation")
    ]
    statements = {d["statement"] for _, d in edges}
    assert len(statements) < len(edges)
    accusing = {r["entity"]: r for r in A.most_accusing(G)}
    mine = {d["statement"] for u, _, d in G.out_edges("howard_lutnick", data=True) if d["type"] in A.ATTACK}
    assert accusing["howard_lutnick"]["claims"] == len(mine)
    payload = map_payload(MapSource.from_store(store))
    (link,) = [
        link
        for link in payload["links"]
        if (link["from"], link["to"], link["type"]) == ("howard_lutnick", "deepseek", "accusation")
    ]
    assert link["count"] == len(statements)
    listed = {payload["claims"][i]["key"] for i in link["claims"]}
    assert listed == {k for k, _ in edges}  # every place it appeared is listed
    assert {payload["claims"][i]["doc"] for i in link["claims"]} == {
        "a_article.txt",
        "b_repost.txt",
        "c_thread.txt",
    }


def test_who_accused_whom_counts_statements(built: Path) -> None:
    from graph.sparql.queries import named

    store = open_store(built)
    rows = _select(store, named("who-accused-whom").sparql)
    (row,) = [
        r for r in rows if r["accuser"].endswith("/howard_lutnick") and r["accused"].endswith("/deepseek")
    ]
    claims = _select(
        store,
        """SELECT ?claim ?statement WHERE {
             ?claim cg:speaker entity:howard_lutnick ; cg:claimType cg:Accusation ; cg:target entity:deepseek
             OPTIONAL { ?claim cg:statement ?statement }
           }""",
    )
    assert int(row["accusations"]) == len({r["statement"] or r["claim"] for r in claims}) < len(claims)


def test_an_update_finds_what_a_new_document_repeats_and_counts_again(tmp_path: Path) -> None:
    """Adding the copies to a store of the article, then removing one, gives what a fresh build gives."""
    docs, store = tmp_path / "docs", tmp_path / "store"

    def snapshot(path: Path) -> tuple[set[str], set[str]]:
        s = open_store(path)
        dup = {str(q) for q in s.quads_for_pattern(None, None, None, node(DUPLICATES))}
        stats = {
            str(q)
            for p in (CG.claimsMade, CG.claimsReceived)
            for q in s.quads_for_pattern(None, node(p), None)
        }
        return dup, stats

    build([str(_write(docs, ["a_article.txt", "d_other.txt"]))], store, workers=1, progress=False)
    assert (store / CACHE).is_file()
    for names in (list(DOCS), ["a_article.txt", "c_thread.txt", "d_other.txt"], ["a_article.txt"]):
        report = build([str(_write(docs, names))], store, workers=1, progress=False)
        assert report.kept >= 1
        fresh = tmp_path / f"fresh-{len(names)}"
        build([str(docs)], fresh, workers=1, progress=False, force=True)
        assert snapshot(store) == snapshot(fresh), names


def test_a_kept_document_s_profile_read_from_the_store_is_the_extracted_one(built: Path) -> None:
    from extract.ingest import read_documents
    from extract.pipeline import extract_documents

    store = open_store(built)
    folder = built.parent / "docs"
    documents = [d for d in read_documents([str(folder)]) if d.name == "c_thread.txt"]
    (x,) = extract_documents(documents)
    extracted = profile(x.document, x.claims)
    stored = profile_from_store(store, "c_thread.txt")
    assert [(u.kind, u.start, u.end, u.floor, u.time) for u in stored.units] == [
        (u.kind, u.start, u.end, u.floor, u.time) for u in extracted.units
    ]
    assert all((a.hashes == b.hashes).all() for a, b in zip(stored.units, extracted.units, strict=True))
    assert stored.claims == extracted.claims


def test_the_seeds_article_is_repeated_in_the_forum_thread(seeds_store: Path) -> None:
    store = open_store(seeds_store)
    assert ("002_30f14379e19f2ff5.txt#post=1", "000_8e1a6d06941d07ba.txt") in _repeats(store)
    G = load_network(store)
    edges = [
        d
        for u, v, d in G.edges(data=True)
        if (u, v, d["type"]) == ("howard_lutnick", "deepseek", "accusation")
    ]
    assert {d["doc"] for d in edges} >= {"000_8e1a6d06941d07ba.txt", "002_30f14379e19f2ff5.txt"}
    payload = map_payload(MapSource.from_store(store))
    (link,) = [
        link
        for link in payload["links"]
        if (link["from"], link["to"], link["type"]) == ("howard_lutnick", "deepseek", "accusation")
    ]
    assert link["count"] == len({d["statement"] for d in edges}) < len(link["claims"]) == len(edges)


def test_find_copies_needs_enough_text() -> None:
    from extract.records import Document

    short = "卢特尼克说DeepSeek窃取了美国的技术。"
    a = Document("a", short, short, "0", "utf-8", "text/plain")
    b = Document("b", short, short, "1", "utf-8", "text/plain")
    assert find_copies({"a": profile(a, []), "b": profile(b, [])}) == []


def test_the_signature_cache_round_trips_as_data_and_ignores_what_it_cannot_read(tmp_path: Path) -> None:
    import pickle

    from graph.store.duplicates import _read_cache, _write_cache

    a = Document("a.txt", ARTICLE, ARTICLE, "a", "utf-8", "text/plain")
    profiles = {"a" * 64: profile(a, [])}
    _write_cache(tmp_path / CACHE, profiles)
    (read,) = _read_cache(tmp_path / CACHE).values()
    (unit,) = [u for u in read.units if u.kind == "document"]
    (original,) = [u for u in profiles["a" * 64].units if u.kind == "document"]
    assert (unit.start, unit.end, unit.hashes.tolist()) == (
        original.start,
        original.end,
        original.hashes.tolist(),
    )
    # a pickle (what an older build or a stranger's store could hold) is never loaded, only ignored
    (tmp_path / CACHE).write_bytes(pickle.dumps(profiles))
    assert _read_cache(tmp_path / CACHE) == {}
    (tmp_path / CACHE).write_bytes(b"\x00garbage")
    assert _read_cache(tmp_path / CACHE) == {}


def test_the_network_exports_count_each_statement_once_and_keep_every_claim(built: Path) -> None:
    import io

    import networkx as nx

    from graph.exports.formats import export

    network = load_network(open_store(built))
    out = io.BytesIO()
    export(open_store(built), "graphml", out)
    G = nx.read_graphml(io.BytesIO(out.getvalue()))
    repeated = 0
    for u, v, d in G.edges(data=True):
        claims = [e for e in network.get_edge_data(u, v).values() if e["type"] == d["claim_type"]]
        assert d["claims"] == len(claims) and d["count"] == len({e["statement"] for e in claims})
        repeated += d["claims"] > d["count"]
    assert repeated  # the repost and the pasted article say some things twice
