"""Network analyses: each on a small graph whose answer is worked out by hand, then on the seeds."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

from cli import main
from graph.store.network import (
    claim_network,
    comention_network,
    dated_between,
    involving,
    load_comentions,
    load_network,
)
from graph.store.store import open_store
from graph.views import analyses as A

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def entity(id_: str, type_: str = "PERSON") -> dict[str, Any]:
    return {"kind": "entity", "id": id_, "type": type_, "name": id_.title(), "labels": [id_.title()]}


def claim(doc: str, start: int, speaker: str, type_: str, targets: list[str], post: int | None = None):
    return {
        "kind": "claim",
        "doc": doc,
        "speaker": speaker,
        "cue": "",
        "text": f"{speaker} {type_} {start}",
        "start": start,
        "end": start + 10,
        "targets": targets,
        "type": type_,
        "quote": "indirect",
        "post": post,
    }


def post(doc: str, floor: int, time: str) -> dict[str, Any]:
    return {"kind": "post", "doc": doc, "floor": floor, "time": time, "start": 0, "end": 0}


# news.txt (no dates): Lutnick accuses DeepSeek and China, then China alone, criticises Nvidia;
#   DeepSeek denies about China (answers the first), states about OpenAI (answers nothing).
# thread.html (posts dated): Ann states to Bob (floor 1), Bob criticises Ann (floor 2), Ann denies to
#   Bob (floor 3, answers), Ann supports DeepSeek (floor 3).
# reply.txt (no dates): China denies about Lutnick (answers both accusations, order unknown).
# early.html / late.html: Ann answers Bob before (not an answer) and after (an answer) his post.
RECORDS = [
    entity("lutnick"),
    entity("ann"),
    entity("bob"),
    entity("deepseek", "ORG"),
    entity("nvidia", "ORG"),
    entity("openai", "ORG"),
    entity("china", "GPE"),
    claim("news.txt", 0, "lutnick", "accusation", ["deepseek", "china"]),
    claim("news.txt", 20, "lutnick", "accusation", ["china"]),
    claim("news.txt", 40, "lutnick", "criticism", ["nvidia"]),
    claim("news.txt", 60, "deepseek", "denial", ["china"]),
    claim("news.txt", 80, "deepseek", "statement", ["openai"]),
    post("thread.html", 1, "2025-01-01T10:00"),
    post("thread.html", 2, "2025-01-01T11:00"),
    post("thread.html", 3, "2025-01-01T12:00"),
    claim("thread.html", 100, "ann", "statement", ["bob"], post=1),
    claim("thread.html", 200, "bob", "criticism", ["ann"], post=2),
    claim("thread.html", 300, "ann", "denial", ["bob"], post=3),
    claim("thread.html", 320, "ann", "support", ["deepseek"], post=3),
    claim("reply.txt", 0, "china", "denial", ["lutnick"]),
    post("early.html", 1, "2024-12-31T09:00"),
    claim("early.html", 0, "ann", "denial", ["bob"], post=1),
    post("late.html", 1, "2025-01-02T09:00"),
    claim("late.html", 0, "ann", "statement", ["bob"], post=1),
]


@pytest.fixture(scope="module")
def small() -> nx.MultiDiGraph:
    return claim_network(RECORDS)


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("seeds")
    result = CliRunner().invoke(main, ["--store", str(store), "build", str(SEEDS), "--no-progress"])
    assert result.exit_code == 0, result.output
    return store


@pytest.fixture(scope="module")
def seeds_graph(seeds: Path) -> nx.MultiDiGraph:
    return load_network(open_store(seeds))


def test_most_accused_counts_claims_and_speakers(small: nx.MultiDiGraph) -> None:
    rows = A.most_accused(small)
    assert [(r["entity"], r["claims"], r["accusation"], r["criticism"], r["speakers"]) for r in rows] == [
        ("china", 2, 2, 0, 1),
        ("ann", 1, 0, 1, 1),
        ("deepseek", 1, 1, 0, 1),
        ("nvidia", 1, 0, 1, 1),
    ]
    assert rows[0]["name"] == "China" and rows[0]["type"] == "GPE"
    assert [r["entity"] for r in A.most_accused(small, types=["denial"])][:1] == ["bob"]


def test_most_accusing_counts_each_claim_once(small: nx.MultiDiGraph) -> None:
    rows = A.most_accusing(small)
    # Lutnick's first accusation has two targets: one claim, two entities attacked
    assert [(r["entity"], r["claims"], r["accusation"], r["criticism"], r["targets"]) for r in rows] == [
        ("lutnick", 3, 2, 1, 3),
        ("bob", 1, 0, 1, 1),
    ]


def test_speaker_centrality_ranks_by_claims_made(small: nx.MultiDiGraph) -> None:
    rows = A.speaker_centrality(small)
    assert [(r["entity"], r["claims"], r["targets"]) for r in rows] == [
        ("ann", 5, 2),
        ("lutnick", 3, 3),
        ("deepseek", 2, 2),
        ("bob", 1, 1),
        ("china", 1, 1),
    ]
    # 7 entities are in some claim: Lutnick speaks about 3 of the 6 others
    assert rows[1]["degree"] == 0.5
    assert sum(r["pagerank"] for r in rows) <= 1


def test_target_centrality_puts_the_hub_of_a_star_first() -> None:
    star = nx.MultiDiGraph([("b", "a"), ("c", "a"), ("d", "a"), ("a", "b")])
    rows = A.target_centrality(star)
    assert [(r["entity"], r["claims"], r["speakers"], r["degree"]) for r in rows] == [
        ("a", 3, 3, 1.0),
        ("b", 1, 1, pytest.approx(1 / 3, abs=1e-6)),
    ]
    assert rows[0]["pagerank"] > rows[1]["pagerank"]


def test_stance_nets_support_against_attacks(small: nx.MultiDiGraph) -> None:
    S = A.stance_graph(small)
    assert S.edges["lutnick", "china"] == {"support": 0, "against": 2, "net": -2}
    assert S.edges["ann", "deepseek"] == {"support": 1, "against": 0, "net": 1}
    assert not S.has_edge("deepseek", "china")  # a denial is neither
    rows = A.stance(small)
    assert (rows[0]["speaker"], rows[0]["target"], rows[0]["net"]) == ("lutnick", "china", -2)
    assert (rows[-1]["speaker"], rows[-1]["target"]) == ("ann", "deepseek")


def test_communities_split_two_groups_joined_by_one_claim() -> None:
    G = nx.MultiDiGraph()
    for group in (["a", "b", "c"], ["x", "y", "z"]):
        for u in group:
            for v in group:
                if u != v:
                    G.add_edge(u, v)
    G.add_edge("c", "x")
    rows = A.communities(G)
    assert [(r["community"], r["size"], sorted(r["members"])) for r in rows] == [
        (1, 3, ["a", "b", "c"]),
        (2, 3, ["x", "y", "z"]),
    ]
    assert rows[0]["members"][0] == "c"  # the most connected first
    assert A.communities(G) == rows  # seeded: the same answer each run


def test_claim_responses_pair_attacks_with_later_replies(small: nx.MultiDiGraph) -> None:
    got = {
        (r["accuser"], r["attack_at"], r["accused"], r["response_at"], r["order"])
        for r in A.claim_responses(small)
    }
    assert got == {
        # DeepSeek denies about China after being accused with China: same document, later
        ("lutnick", "news.txt#0,10", "deepseek", "news.txt#60,70", "same document"),
        # China answers Lutnick in an undated document: kept, order unknown
        ("lutnick", "news.txt#0,10", "china", "reply.txt#0,10", "other document"),
        ("lutnick", "news.txt#20,30", "china", "reply.txt#0,10", "other document"),
        # Ann answers Bob on a later floor, and in a later-dated post elsewhere
        ("bob", "thread.html#200,210", "ann", "thread.html#300,310", "same document"),
        ("bob", "thread.html#200,210", "ann", "late.html#0,10", "later post"),
    }
    # not: DeepSeek's statement on OpenAI (nothing shared), Ann's floor 1 and early.html (before)
    row = next(r for r in A.claim_responses(small) if r["response_at"] == "news.txt#60,70")
    assert row["shared"] == ["china"] and row["attack"] == "accusation" and row["response"] == "denial"


def test_comentions_count_pairs_within_the_window() -> None:
    recs = [
        entity("a"),
        entity("b"),
        entity("c"),
        {"kind": "post", "doc": "t", "floor": 1, "time": None, "start": 0, "end": 30},
        {"kind": "post", "doc": "t", "floor": 2, "time": None, "start": 30, "end": 60},
        {"kind": "mention", "doc": "t", "entity": "a", "start": 0, "end": 2},
        {"kind": "mention", "doc": "t", "entity": "b", "start": 5, "end": 7},
        {"kind": "mention", "doc": "t", "entity": "a", "start": 10, "end": 12},
        {"kind": "mention", "doc": "t", "entity": "c", "start": 31, "end": 33},  # next post: not with b
        {"kind": "mention", "doc": "u", "entity": "b", "start": 0, "end": 5},
        {"kind": "mention", "doc": "u", "entity": "c", "start": 2, "end": 4},  # inside b: not a pair
        {"kind": "mention", "doc": "u", "entity": "a", "start": 6, "end": 7},
        {"kind": "mention", "doc": "u", "entity": "c", "start": 500, "end": 501},  # too far
    ]
    C = comention_network(recs)
    assert [(r["a"], r["b"], r["count"], r["docs"]) for r in A.comentions(C)] == [
        ("a", "b", 3, 2),
        ("a", "c", 1, 1),
    ]
    assert C.nodes["c"]["mentions"] == 3


def test_claims_over_time_counts_each_pair_per_period_and_type(small: nx.MultiDiGraph) -> None:
    rows = A.claims_over_time(small, period="day")
    expected: Counter[tuple[str, str, str, str]] = Counter()
    times = {(r["doc"], r["floor"]): r["time"] for r in RECORDS if r["kind"] == "post"}
    for r in RECORDS:
        if r["kind"] == "claim":
            day = times.get((r["doc"], r["post"]), "undated")[:10]
            for t in r["targets"]:
                expected[(r["speaker"], t, "undated" if day == "undated" else day, r["type"])] += 1
    assert {(r["speaker"], r["target"], r["period"], r["type"]): r["claims"] for r in rows} == expected
    ann_bob = [r["period"] for r in rows if (r["speaker"], r["target"]) == ("ann", "bob")]
    assert ann_bob == sorted(ann_bob)  # a time series, earliest first
    assert {r["period"] for r in A.claims_over_time(small, period="year")} == {"2024", "2025", "undated"}


def test_dates_and_entities_select_the_claims_an_analysis_reads(small: nx.MultiDiGraph) -> None:
    january = dated_between(small, "2025-01-01", "2025-01-01")
    assert {(u, v) for u, v in january.edges()} == {("ann", "bob"), ("bob", "ann"), ("ann", "deepseek")}
    assert dated_between(small, None, None) is small
    pair = involving(small, ["ann", "bob"])
    assert {(u, v) for u, v in pair.edges()} == {("ann", "bob"), ("bob", "ann")}
    assert all(d["doc"] != "news.txt" for *_, d in involving(small, ["ann"]).edges(data=True))


def test_every_analysis_is_registered_with_a_description() -> None:
    assert set(A.ANALYSES) == {
        "speaker-centrality",
        "target-centrality",
        "most-accused",
        "most-accusing",
        "stance",
        "communities",
        "claim-responses",
        "claims-over-time",
        "comentions",
    }
    for analysis in A.ANALYSES.values():
        assert analysis.description and analysis.network in ("claims", "comentions")


# --- the seeds -----------------------------------------------------------------------------------


def test_seeds_most_accused_is_china_usa_or_deepseek(seeds_graph: nx.MultiDiGraph) -> None:
    rows = A.most_accused(seeds_graph)
    assert rows[0]["entity"] in {"china", "usa", "deepseek"}
    assert "deepseek" in [r["entity"] for r in rows[:3]]


def test_seeds_howard_lutnick_accuses_most_and_speaks_among_the_most(seeds_graph: nx.MultiDiGraph) -> None:
    assert A.most_accusing(seeds_graph)[0]["entity"] == "howard_lutnick"
    assert "howard_lutnick" in [r["entity"] for r in A.speaker_centrality(seeds_graph)[:3]]
    hostile = A.stance(seeds_graph)[0]
    assert hostile["speaker"] == "howard_lutnick" and hostile["net"] < 0


def test_seeds_targets_and_camps(seeds_graph: nx.MultiDiGraph) -> None:
    top = [r["entity"] for r in A.target_centrality(seeds_graph)[:5]]
    assert {"china", "usa", "deepseek"} <= set(top)
    camp = {n: r["community"] for r in A.communities(seeds_graph) for n in r["members"]}
    assert camp["howard_lutnick"] == camp["deepseek"]  # the hearing
    assert camp["sellboy"] == camp["alce79"] != camp["howard_lutnick"]  # the forum quarrel


def test_seeds_alce79_answers_sellboys_criticism(seeds_graph: nx.MultiDiGraph) -> None:
    rows = A.claim_responses(seeds_graph)
    assert any(
        r["accuser"] == "sellboy"
        and r["accused"] == "alce79"
        and r["response"] == "denial"
        and r["order"] == "same document"
        for r in rows
    )


def test_seeds_comentions_are_led_by_the_main_actors(seeds: Path) -> None:
    rows = A.comentions(load_comentions(open_store(seeds)))
    assert {rows[0]["a"], rows[0]["b"]} <= {"china", "usa", "deepseek"}


def test_analyze_command_lists_prints_and_limits(seeds: Path) -> None:
    def run(*args: str):
        return CliRunner().invoke(main, ["--store", str(seeds), "analyze", *args], catch_exceptions=False)

    listed = run("--list").output
    assert all(name in listed for name in A.ANALYSES)
    rows = json.loads(run("most-accused", "--format", "json", "--top", "3").output)
    assert len(rows) == 3 and rows[0]["entity"] in {"china", "usa", "deepseek"}
    table = run("most-accusing", "--top", "1").output
    assert "Howard Lutnick" in table and "(1 row)" in table
    csv_out = run("comentions", "--format", "csv", "--top", "2").output.splitlines()
    assert csv_out[0] == "a,b,count,docs" and len(csv_out) == 3
    series = json.loads(run("claims-over-time", "--entity", "卢特尼克", "--format", "json").output)
    assert series and all("howard_lutnick" in (r["speaker"], r["target"]) for r in series)
    every = json.loads(run("most-accused", "--format", "json").output)
    dated = json.loads(run("most-accused", "--since", "2025-01-01", "--format", "json").output)
    totals = {r["entity"]: r["claims"] for r in every}
    assert dated and all(r["claims"] <= totals[r["entity"]] for r in dated)
    misuse = CliRunner().invoke(
        main, ["--store", str(seeds), "analyze", "comentions", "--since", "2025-01-01"]
    )
    assert misuse.exit_code == 2 and "comentions counts mentions" in misuse.output
    bad = CliRunner().invoke(main, ["--store", str(seeds), "analyze", "nope"])
    assert bad.exit_code == 2 and "most-accused" in bad.output
