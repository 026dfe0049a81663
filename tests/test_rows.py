"""JSON Lines and CSV files (gzip too): a document a row, stable names, exact offsets, bad rows named."""

from __future__ import annotations

import csv
import gzip
import io
import json
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from cli import EXIT_SKIPPED, main
from extract.errors import InputError
from extract.ingest import Skipped, Unchanged, iter_sources, read_documents
from extract.pipeline import extract_documents
from extract.records import Document
from extract.rows import parse_fields, read_rows

SIMPLIFIED = "新华社华盛顿3月8日电（记者 王小明）美国商务部长卢特尼克指责DeepSeek违反了出口管制。2025年3月8日"
TRADITIONAL = "來源：中央社\n美國商務部長盧特尼克表示，DeepSeek竊取了美國的技術。"

ROWS = [
    {
        "id": "a1",
        "title": "美商务部长指责DeepSeek",
        "content": SIMPLIFIED,
        "url": "http://www.news.cn/2025-03/08/c_1.htm",
        "published_at": "2025-03-08T10:30:00+08:00",
    },
    {"id": 7, "content": TRADITIONAL, "Source": "中央社", "pubDate": "Sat, 08 Mar 2025 02:30:00 GMT"},
    {"id": "a3", "content": "   ", "title": "没有正文"},
    {"url": "https://example.com/news?id=9", "body": "<p>美國總統川普說，<b>關稅</b>將提高。</p>"},
    {"headline": "没有编号也没有链接", "text": "外交部发言人毛宁表示，中方坚决反对。"},
    {"id": "a1", "content": "重复的编号：这一行不算。"},
]


def write_jsonl(path: Path, rows: list, *, extra: tuple[str, ...] = ("{bad json", '"a string"')) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[3:3] = extra  # invalid JSON and a JSON value that is not an object, on lines 4 and 5
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


def items(*paths: Path, **options) -> list:
    return list(read_documents([str(p) for p in paths], **options))


def documents(found: list) -> dict[str, Document]:
    return {d.name: d for d in found if isinstance(d, Document)}


def reasons(found: list) -> list[str]:
    return [f"{s.name}: {s.reason}" for s in found if isinstance(s, Skipped)]


@pytest.mark.parametrize("name", ["news.jsonl", "news.ndjson", "news.jsonl.gz"])
def test_a_jsonl_file_gives_a_document_a_row_and_names_its_bad_rows(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, ROWS)
    found = items(path)
    docs = documents(found)
    assert list(docs) == [f"{name}#a1", f"{name}#7", f"{name}#https://example.com/news?id=9", f"{name}#row-7"]
    assert reasons(found) == [
        f"{name}: line 3: no text (field 'content' is empty)",
        f"{name}: line 4: invalid JSON (Expecting property name enclosed in double quotes, column 2)",
        f"{name}: line 5: not a JSON object but a string",
        f"{name}: line 8: {name}#a1 again (first on line 1): the first is kept",
    ]
    first = docs[f"{name}#a1"]
    assert first.text == SIMPLIFIED and first.source == f"{path}:1"
    assert (first.encoding, first.media_type) == ("utf-8", "text/plain")
    assert first.meta.title == "美商务部长指责DeepSeek"
    assert (first.meta.published, first.meta.precision) == ("2025-03-08T10:30:00+08:00", "time")
    assert (first.meta.outlet, first.meta.author) == ("新华社", "王小明")  # from its dateline
    assert (first.meta.language, first.meta.script) == ("zh", "Hans")
    second = docs[f"{name}#7"]
    assert (second.meta.outlet, second.meta.published) == ("中央社", "2025-03-08T02:30:00+00:00")
    assert second.meta.script == "Hant"
    html = docs[f"{name}#https://example.com/news?id=9"]
    assert html.media_type == "text/html" and "<b>" not in html.plain and len(html.plain) == len(html.text)
    assert docs[f"{name}#row-7"].meta.title == "没有编号也没有链接"


def write_csv(path: Path, encoding: str, rows: list[list[str]]) -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes(gzip.compress(data) if path.name.endswith(".gz") else data)
    return path


CSV_ROWS = [
    ["编号", "标题", "正文", "发布时间", "媒体"],
    ["n1", "美商务部", "美国商务部长说，\n这是国家安全问题。", "2025-03-08 10:30", "人民网"],
    ["n2", "空行", "", "2025-03-08", ""],
    ["n3", "繁體", "美國商務部長說，這是國家安全問題。", "2025年3月8日", "中央社"],
]


@pytest.mark.parametrize(
    ("name", "encoding", "reported"),
    [("a.csv", "utf-8", "utf-8"), ("b.csv", "utf-8-sig", "utf-8-sig"), ("c.csv.gz", "gb18030", "gb18030")],
)
def test_a_csv_file_in_any_encoding(tmp_path: Path, name: str, encoding: str, reported: str) -> None:
    found = items(write_csv(tmp_path / name, encoding, CSV_ROWS))
    docs = documents(found)
    assert list(docs) == [f"{name}#n1", f"{name}#n3"]
    assert reasons(found) == [f"{name}: line 4: no text (field '正文' is empty)"]  # row n1 takes two lines
    n1, n3 = docs[f"{name}#n1"], docs[f"{name}#n3"]
    assert n1.text == "美国商务部长说，\n这是国家安全问题。" and n1.encoding == reported
    assert (n1.meta.title, n1.meta.published, n1.meta.precision, n1.meta.outlet) == (
        "美商务部",
        "2025-03-08T10:30:00",
        "time",
        "人民网",
    )
    assert (n3.meta.published, n3.meta.precision, n3.meta.script) == ("2025-03-08", "day", "Hant")
    assert n3.source.endswith(f"{name}:5")


def test_offsets_of_extracted_rows_are_exact_in_their_text_field(tmp_path: Path) -> None:
    found = items(write_jsonl(tmp_path / "n.jsonl", ROWS), write_csv(tmp_path / "c.csv", "gb18030", CSV_ROWS))
    extractions = list(extract_documents(list(documents(found).values())))
    assert len(extractions) == 6
    mentions = [(x.document.text, m) for x in extractions for m in x.mentions]
    claims = [(x.document.text, c) for x in extractions for c in x.claims]
    assert {"卢特尼克", "DeepSeek", "美國"} <= {m.text for _, m in mentions}
    assert claims
    assert all(text[m.start : m.end] == m.text for text, m in mentions)
    assert all(text[c.start : c.end] == c.text for text, c in claims)


def test_a_rebuild_gives_the_same_names_and_sees_unchanged_rows(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl", ROWS)
    first = documents(items(path))
    again = documents(items(path))
    assert list(first) == list(again)
    assert {n: d.sha256 for n, d in first.items()} == {n: d.sha256 for n, d in again.items()}
    known = {n: d.sha256 for n, d in first.items()}
    changed = [dict(r) for r in ROWS]
    changed[1]["content"] = TRADITIONAL + "另一句。"
    changed.insert(0, {"id": "new", "content": "新的一行。"})  # every line moves down: names stay
    write_jsonl(path, changed)
    found = items(path, known=known)
    kept = {u.name for u in found if isinstance(u, Unchanged)}
    assert kept == set(known) - {"n.jsonl#7", "n.jsonl#row-7"}  # row-7 is now row 8: a new place
    assert set(documents(found)) == {"n.jsonl#new", "n.jsonl#7", "n.jsonl#row-8"}
    assert next(u for u in found if isinstance(u, Unchanged) and u.name == "n.jsonl#a1").source == f"{path}:2"


def test_the_field_names_are_part_of_a_rows_hash(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "n.jsonl", [{"id": "x", "text": "美国表示。", "summary": "中方回应。"}], extra=()
    )
    known = {d.name: d.sha256 for d in documents(items(path)).values()}
    found = items(path, known=known, fields={"text": "summary"})
    assert [d.text for d in documents(found).values()] == ["中方回应。"]


def test_field_override(tmp_path: Path) -> None:
    rows = [
        {"article_body": "美国商务部表示。", "pub_time": "2025-03-08 10:30", "text": "不是正文", "key": "k1"},
        {"article_body": "", "key": "k2"},
    ]
    path = write_jsonl(tmp_path / "o.jsonl", rows, extra=())
    fields = parse_fields(["text=article_body", "date=pub_time", "id=key"])
    found = items(path, fields=fields)
    (doc,) = documents(found).values()
    assert (doc.name, doc.text, doc.meta.published) == (
        "o.jsonl#k1",
        "美国商务部表示。",
        "2025-03-08T10:30:00",
    )
    assert reasons(found) == ["o.jsonl: line 2: no text (field 'article_body' is empty)"]
    outside = documents(items(path))  # common names: "text" before "article_body", pub_time
    assert [(d.name, d.text, d.meta.published) for d in outside.values()] == [
        ("o.jsonl#row-1", "不是正文", "2025-03-08T10:30:00")
    ]


def test_bad_field_options_name_the_accepted_ones() -> None:
    with pytest.raises(
        InputError, match="no field 'body'; the fields are text, id, title, url, date, outlet"
    ):
        parse_fields(["body=article_body"])
    with pytest.raises(InputError, match="write ROLE=NAME"):
        parse_fields(["text"])
    with pytest.raises(InputError, match="text is already 'a'"):
        parse_fields(["text=a", "text=b"])
    with pytest.raises(InputError, match="no field 'bogus'"):
        read_documents(["."], fields={"bogus": "x"})  # at once, before anything is read


def test_a_csv_without_the_named_or_a_text_column_is_one_reason(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", "utf-8", [["a", "b"], ["1", "2"]])
    assert reasons(items(path)) == [
        "c.csv: no text column (none of text, content, body, article, article_body, articleBody, fulltext, "
        "full_text, 正文, 内容, 內容): the columns are 'a', 'b'; name one with --field text=NAME"
    ]
    assert documents(items(path, fields={"text": "b"})) != {}
    assert reasons(items(path, fields={"text": "c"})) == [
        "c.csv: no column 'c' for --field text=c: the columns are 'a', 'b'"
    ]


def test_max_bytes_is_per_row(tmp_path: Path) -> None:
    rows = [{"id": i, "text": f"第{i}条：美国商务部表示。" + "。" * 100} for i in range(40)]
    rows[5]["text"] += "长" * 2000
    path = write_jsonl(tmp_path / "big.jsonl", rows, extra=())
    assert path.stat().st_size > 10_000
    found = items(path, max_bytes=2_000)
    assert len(documents(found)) == 39
    assert reasons(found) == [
        "big.jsonl: line 6: too large: more than 2,000 bytes > limit (raise --max-bytes)"
    ]
    csv_path = write_csv(
        tmp_path / "big.csv", "utf-8", [["id", "text"]] + [[r["id"], r["text"]] for r in rows]
    )
    found = items(csv_path, max_bytes=2_000)
    assert len(documents(found)) == 39
    assert reasons(found) == ["big.csv: line 7: too large: more than 2,000 bytes > limit (raise --max-bytes)"]


@pytest.mark.parametrize("long_line", [0, 1, 2])
def test_a_csv_record_too_large_is_skipped_to_its_end_inside_quotes(tmp_path: Path, long_line: int) -> None:
    """A quoted field of several lines, one of them (or all together) over the limit: the record is
    skipped to its closing quote, and the lines of the field are not read as rows."""
    parts = ["短行，含“引号”和,逗号", "第二行", "第三行"]
    parts[long_line] += "长" * 600
    rows = [
        ["id", "text"],
        ["1", "美国表示。"],
        ["2", "\n".join(parts) + '\n"quoted", 3,4'],
        ["3", "中方回应。"],
    ]
    found = items(write_csv(tmp_path / "q.csv", "utf-8", rows), max_bytes=500)
    assert list(documents(found)) == ["q.csv#1", "q.csv#3"]
    assert reasons(found) == ["q.csv: line 3: too large: more than 500 bytes > limit (raise --max-bytes)"]


def test_a_damaged_gzip_keeps_the_rows_before(tmp_path: Path) -> None:
    data = gzip.compress(("\n".join(json.dumps(r, ensure_ascii=False) for r in ROWS[:2]) + "\n").encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(data[: len(data) - 8])  # no end of stream
    found = items(path)
    assert list(documents(found)) == ["cut.jsonl.gz#a1", "cut.jsonl.gz#7"]
    (reason,) = reasons(found)
    assert reason.startswith("cut.jsonl.gz: line 3: damaged gzip stream") and "the rest of the file" in reason


def test_empty_and_undecodable_row_files(tmp_path: Path) -> None:
    (tmp_path / "empty.jsonl").write_bytes(b"")
    (tmp_path / "blank.csv").write_bytes(b"\n\n")
    (tmp_path / "gbk.jsonl").write_bytes('{"text": "美国"}\n'.encode("gb18030"))
    (tmp_path / "png.csv").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert sorted(reasons(items(tmp_path))) == [
        "blank.csv: empty file",
        "empty.jsonl: empty file",
        "gbk.jsonl: line 1: invalid UTF-8 at byte 10 (JSON Lines are UTF-8)",
        "png.csv: binary file (PNG image)",
    ]


def test_folders_pick_up_row_files(tmp_path: Path) -> None:
    for name in ("a.jsonl", "b.NDJSON", "c.csv", "d.jsonl.gz", "e.csv.gz", "f.json", "g.gz", "h.txt"):
        (tmp_path / name).write_bytes(b"x")
    assert [s.name for s in iter_sources([str(tmp_path)])] == [
        "a.jsonl",
        "b.NDJSON",
        "c.csv",
        "d.jsonl.gz",
        "e.csv.gz",
        "h.txt",
    ]


def test_rows_stream(tmp_path: Path) -> None:
    """A 12 MB file of rows is read in far less memory than its size."""
    line = json.dumps({"id": "", "note": "没有正文" * 100}, ensure_ascii=False) + "\n"
    path = tmp_path / "many.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as f:
        for _ in range(12_000_000 // len(line.encode())):
            f.write(line)
    tracemalloc.start()
    try:
        count = sum(
            1 for item in read_rows("many.jsonl.gz", path, max_bytes=10_000) if isinstance(item, Skipped)
        )
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 12_000_000 // len(line.encode())
    assert peak < 2_000_000


def test_build_reports_a_row_without_text_and_builds_the_rest(tmp_path: Path) -> None:
    corpus = tmp_path / "in"
    corpus.mkdir()
    write_jsonl(corpus / "n.jsonl.gz", ROWS)
    rows = [{"article_body": "美国商务部长卢特尼克说，DeepSeek违反了出口管制。", "doc": "x9"}, {"doc": "x10"}]
    write_jsonl(corpus / "o.jsonl", rows, extra=())
    store = tmp_path / "store"
    args = ["--store", str(store), "build", str(corpus), "--no-progress", "--workers", "1"]
    result = CliRunner().invoke(main, [*args, "--field", "text=article_body", "--field", "id=doc"])
    assert result.exit_code == EXIT_SKIPPED, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: skipped")]
    assert "warning: skipped o.jsonl: line 2: no text (no field 'article_body')" in warnings
    assert "warning: skipped n.jsonl.gz: line 3: no text (no field 'article_body')" in warnings
    out = tmp_path / "out.jsonl"
    assert CliRunner().invoke(main, ["--store", str(store), "export", "-o", str(out)]).exit_code == 0
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["doc"] for r in records if r["kind"] == "document"} == {"o.jsonl#x9"}
    claims = [r for r in records if r["kind"] == "claim"]
    assert claims and all(rows[0]["article_body"][c["start"] : c["end"]] == c["text"] for c in claims)

    again = CliRunner().invoke(main, [*args, "--field", "text=article_body", "--field", "id=doc"])
    assert "0 extracted, 1 unchanged" in again.output
    bad = CliRunner().invoke(main, [*args, "--field", "body=article_body"])
    assert (
        bad.exit_code == 2 and "the fields are text, id, title, url, date, outlet, author, lang" in bad.output
    )


_CELL = st.text(
    st.sampled_from(
        [*"美國商务部说，。\"',;\r\n\t \\{}[]<p>&amp;DeepSeek", "\u3000", "\u2028", "😀", "\x85"]
    ),
    max_size=30,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@given(
    texts=st.lists(_CELL, min_size=1, max_size=6), encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030"])
)
def test_any_text_field_is_the_documents_text_to_the_character(
    tmp_path: Path, texts: list[str], encoding: str
) -> None:
    """Quotes, commas, CR, LF, CRLF, U+2028, NEL, emoji in a field: the document's text is the field as it
    was, in JSON Lines and in CSV, so offsets into it are offsets into the field."""
    # A legacy encoding is told from its bytes: a few Chinese characters are too few to tell GB18030 from
    # Big5 or Shift-JIS (extract/decoding.py), so that case needs text of some length.
    assume(encoding != "gb18030" or sum("\u4e00" <= c <= "\u9fff" for t in texts for c in t) >= 12)
    rows = [{"id": f"r{i}", "text": t} for i, t in enumerate(texts)]
    jsonl = write_jsonl(tmp_path / "p.jsonl", rows, extra=())
    table = write_csv(tmp_path / "p.csv", encoding, [["id", "text"]] + [[r["id"], r["text"]] for r in rows])
    for path in (jsonl, table):
        found = items(path)
        expected = {f"{path.name}#{r['id']}": r["text"] for r in rows if r["text"].strip()}
        assert {n: d.text for n, d in documents(found).items()} == expected
        assert all(len(d.plain) == len(d.text) for d in documents(found).values())
        assert len(reasons(found)) == len(rows) - len(expected)
