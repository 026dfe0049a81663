"""End to end through the ``claimgraph`` command: build, export, eval, bad input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import EXIT_SKIPPED, main
from graph.store.vocab import doc_iri

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHARED = ROOT.parent / "shared"
BAD_INPUT = Path(__file__).parent / "data" / "bad_input"


def run(*args: str, store: Path, input: bytes | None = None):
    result = CliRunner().invoke(main, ["--store", str(store), *args], input=input, catch_exceptions=False)
    return result


@pytest.fixture(scope="module")
def seeds_export(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("export") / "out.jsonl"
    assert run("export", "--format", "jsonl", "-o", str(out), store=seeds_store).exit_code == 0
    return out


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_offset_of_every_seed_is_exact(seeds_export: Path) -> None:
    texts = {p.name: p.read_text(encoding="utf-8") for p in SEEDS.iterdir()}
    recs = records(seeds_export)
    mentions = [r for r in recs if r["kind"] == "mention"]
    claims = [r for r in recs if r["kind"] == "claim"]
    assert {r["doc"] for r in mentions} == set(texts)
    assert claims
    for r in mentions + claims:
        assert r["text"] == texts[r["doc"]][r["start"] : r["end"]]
    for r in claims:
        if r["cue"]:
            assert texts[r["doc"]][r["cue_start"] : r["cue_end"]] == r["cue"]


def test_entities_are_listed_once_and_typed(seeds_export: Path) -> None:
    recs = records(seeds_export)
    ids = [r["id"] for r in recs if r["kind"] == "entity"]
    assert len(ids) == len(set(ids))
    assert {r["type"] for r in recs if r["kind"] == "entity"} <= {"PERSON", "ORG", "GPE", "LAW", "PRODUCT"}
    used = {r["entity"] for r in recs if r["kind"] == "mention"}
    assert used <= set(ids)


@pytest.mark.skipif(not (SHARED / "eval" / "score.py").exists(), reason="needs ../shared/eval")
def test_eval_prints_the_shared_scorers_figures(seeds_store: Path, seeds_export: Path) -> None:
    shared = subprocess.run(
        [
            sys.executable,
            str(SHARED / "eval" / "score.py"),
            str(seeds_export),
            str(SHARED / "eval" / "seeds-gold"),
            str(SEEDS),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    theirs = json.loads(shared.stdout)
    result = run("eval", "--gold", str(SHARED / "eval" / "seeds-gold"), "--format", "json", store=seeds_store)
    ours = json.loads(result.output)
    for key in ("entity", "entity_untyped", "claim", "claim_span_only", "target"):
        assert ours[key] == pytest.approx(theirs[key]), key
    assert ours["totals"] == {k: v for k, v in theirs["totals"].items()}
    table = run("eval", "--gold", str(SHARED / "eval" / "seeds-gold"), store=seeds_store).output
    assert f"{theirs['entity'][2]:6.3f}" in table


def test_rebuild_is_byte_identical_and_skips_unchanged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    dumps = []
    for name in ("a", "b"):
        store = tmp_path / name
        assert run("build", str(SEEDS), "--no-progress", store=store).exit_code == 0
        out = tmp_path / f"{name}.nq"
        assert run("export", "--format", "nquads", "-o", str(out), store=store).exit_code == 0
        dumps.append(out.read_bytes())
    assert dumps[0] == dumps[1]
    again = run("build", str(SEEDS), "--no-progress", store=tmp_path / "a")
    assert "0 extracted, 5 unchanged" in again.output
    out = tmp_path / "again.nq"
    run("export", "--format", "nquads", "-o", str(out), store=tmp_path / "a")
    assert out.read_bytes() == dumps[0]


def test_bad_input_is_named_and_the_rest_builds(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    shutil.copytree(BAD_INPUT, folder)
    result = run("build", str(folder), "--no-progress", "--max-bytes", "4096", store=tmp_path / "s")
    assert result.exit_code == EXIT_SKIPPED
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: skipped")]
    good = {p.name for p in folder.iterdir()} - {w.split()[2].rstrip(":") for w in warnings}
    assert len(warnings) >= 4 and good
    out = tmp_path / "out.jsonl"
    assert run("export", "-o", str(out), store=tmp_path / "s").exit_code == 0
    built = {r["doc"] for r in records(out) if r["kind"] == "document"}
    assert built == good


def test_failed_build_keeps_the_previous_store(tmp_path: Path) -> None:
    store = tmp_path / "s"
    assert run("build", str(SEEDS / "004_5b8d7d2dda9938c6.txt"), "--no-progress", store=store).exit_code == 0
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "blank.txt").write_text("   \n")
    result = run("build", str(empty), "--no-progress", store=store)
    assert result.exit_code == 1 and "nothing to build" in result.output
    out = tmp_path / "out.jsonl"
    assert run("export", "-o", str(out), store=store).exit_code == 0
    assert {r["doc"] for r in records(out) if r["kind"] == "document"} == {"004_5b8d7d2dda9938c6.txt"}


def test_stdin_builds_a_document(tmp_path: Path) -> None:
    text = "Daniel Okafor 说，美国必须停止向中国出售芯片。"
    result = run("build", "-", "--no-progress", store=tmp_path / "s", input=text.encode("gb18030"))
    assert result.exit_code == 0, result.output
    out = tmp_path / "out.jsonl"
    run("export", "-o", str(out), store=tmp_path / "s")
    claims = [r for r in records(out) if r["kind"] == "claim"]
    assert claims and claims[0]["doc"] == "stdin" and claims[0]["text"] in text


def test_export_to_stdout_and_missing_store(tmp_path: Path, seeds_store: Path) -> None:
    turtle = run("export", "--format", "turtle", store=seeds_store)
    assert turtle.exit_code == 0 and "@prefix" in turtle.output
    missing = run("export", store=tmp_path / "nowhere")
    assert missing.exit_code == 1 and "claimgraph build" in missing.output


def test_every_command_is_documented_with_an_example() -> None:
    for name, command in main.commands.items():
        assert command.help and "Example:" in command.help, name


def test_html_offsets_point_into_the_decoded_file(tmp_path: Path) -> None:
    page = (
        "<html><head><title>芯片</title><script>var s = '美国表示';</script></head><body>"
        "<p>Anna Berg 周二<b>表示</b>，美国将限制英伟达的芯片出口。</p>"
        "<p>她说：“<img src=x onerror=alert(1)>中国必须回应。”</p></body></html>"
    )
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "page.html").write_text(page, encoding="utf-8")
    assert run("build", str(folder), "--no-progress", store=tmp_path / "s").exit_code == 0
    out = tmp_path / "out.jsonl"
    run("export", "-o", str(out), store=tmp_path / "s")
    recs = records(out)
    mentions = [r for r in recs if r["kind"] == "mention"]
    assert {"Anna Berg", "美国", "英伟达"} <= {m["text"] for m in mentions}
    assert all(page[m["start"] : m["end"]] == m["text"] for m in mentions)
    script = (page.index("<script>"), page.index("</script>"))
    assert not [m for m in mentions if script[0] <= m["start"] < script[1]]
    claims = [r for r in recs if r["kind"] == "claim"]
    assert claims and all(page[c["start"] : c["end"]] == c["text"] for c in claims)


def test_query_from_a_document_graph_reads_only_that_graph(seeds_store: Path) -> None:
    count = "SELECT (COUNT(?c) AS ?n) {} WHERE {{ ?c a cg:Claim }}"
    union = run("query", "--format", "csv", count.format(""), store=seeds_store)
    doc = doc_iri("004_5b8d7d2dda9938c6.txt")
    one = run("query", "--format", "csv", count.format(f"FROM <{doc}>"), store=seeds_store)
    total, only = int(union.output.split()[-1]), int(one.output.split()[-1])
    assert 0 < only < total


def test_eval_builds_documents_apart_and_scores_each_claim_class(tmp_path: Path) -> None:
    docs, gold = tmp_path / "docs", tmp_path / "gold"
    docs.mkdir()
    gold.mkdir()
    text = "卢特尼克：英伟达要守规矩\n美国商务部长卢特尼克说，英伟达必须停止向中国出售芯片。\n"
    (docs / "a.txt").write_text(text, encoding="utf-8")
    entities = [
        {"id": "lutnick", "type": "PERSON", "name": "Howard Lutnick", "aliases": ["卢特尼克"]},
        {"id": "nvidia", "type": "ORG", "name": "Nvidia", "aliases": ["英伟达"]},
        {"id": "china", "type": "GPE", "name": "China", "aliases": ["中国"]},
    ]
    said = {"speaker": "lutnick", "type": "demand", "quote": "indirect"}
    claims = [
        {**said, "cue": "说", "text": "英伟达必须停止向中国出售芯片", "class": "named"},
        {**said, "cue": "", "text": "英伟达要守规矩", "class": "headline"},
    ]
    claims[0]["targets"], claims[1]["targets"] = ["nvidia", "china"], ["nvidia"]
    record = {"doc": "a.txt", "entities": entities, "claims": claims}
    (gold / "a.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    store = tmp_path / "untouched"
    result = run("eval", "--docs", str(docs), "--gold", str(gold), "--format", "json", store=store)
    assert result.exit_code == 0, result.output
    classes = json.loads(result.output)["claim_classes"]
    assert classes["named"] == {"gold": 1, "tp": 1, "pred": 1}
    assert classes["headline"]["gold"] == 1
    assert not store.exists()
    table = run("eval", "--docs", str(docs), "--gold", str(gold), store=store).output
    assert "claim class" in table and "headline" in table
