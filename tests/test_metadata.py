"""What a document says of itself: header-line patterns (data), dates, HTML meta and JSON-LD, language."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.ingest import read_document
from extract.metadata import (
    document_meta,
    fields_meta,
    html_meta,
    language_and_script,
    parse_date,
    read_date_pattern,
    read_line,
    rules,
    text_meta,
)
from extract.records import DocumentMeta

DATA = json.loads((Path(__file__).parents[1] / "extract" / "data" / "metadata.json").read_text("utf-8"))


READERS = {"lines": read_line, "dates": read_date_pattern}


def _cases(which: str) -> list:
    return [
        pytest.param(kind, p["name"], case, id=f"{p['name']}-{i}")
        for kind in READERS
        for p in DATA[kind]
        for i, case in enumerate(p[which])
    ]


@pytest.mark.parametrize(("kind", "pattern", "example"), _cases("examples"))
def test_each_pattern_reads_its_examples(kind: str, pattern: str, example: dict) -> None:
    assert READERS[kind](pattern, example["line"]) == example["read"]


@pytest.mark.parametrize(("kind", "pattern", "line"), _cases("counter_examples"))
def test_each_pattern_reads_nothing_from_its_counter_examples(kind: str, pattern: str, line: str) -> None:
    assert READERS[kind](pattern, line) is None


def test_every_pattern_has_examples_and_counter_examples() -> None:
    for p in DATA["lines"] + DATA["dates"]:
        assert p["examples"] and p["counter_examples"], p["name"]
    assert set(DATA["fields"]) == {"text", "id", "title", "url", "date", "outlet", "author", "lang"}
    assert "本报" in rules().not_outlets


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-03-08T10:30:00+08:00", ("2025-03-08T10:30:00+08:00", "time")),
        ("2025-03-08T02:30:00Z", ("2025-03-08T02:30:00+00:00", "time")),
        ("2025-03-08", ("2025-03-08", "day")),
        ("20250308", ("2025-03-08", "day")),
        ("Sat, 08 Mar 2025 10:30:00 +0800", ("2025-03-08T10:30:00+08:00", "time")),
        ("Sat, 8 Mar 2025 02:30:00 GMT", ("2025-03-08T02:30:00+00:00", "time")),
        ("2025-03-08 10:30", ("2025-03-08T10:30:00", "time")),
        ("2025-03-08 10:30 CST", ("2025-03-08T10:30:00", "time")),  # CST names two zones: none is kept
        ("March 8, 2025", ("2025-03-08", "day")),
        ("2025年3月8日", ("2025-03-08", "day")),
        ("2025年03月08日 10:30", ("2025-03-08T10:30:00", "time")),
        ("2025/3/8", ("2025-03-08", "day")),
        (1741401000, ("2025-03-08T02:30:00+00:00", "time")),
        (1741401000000, ("2025-03-08T02:30:00+00:00", "time")),
    ],
)
def test_dates_of_machine_metadata_and_chinese_text(value: object, expected: tuple[str, str]) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(
    "value",
    ["17 小时前", "昨天 10:30", "刚刚", "3月8日", "March 8", "2025", "2025-03", "3/8/2025", "01/02/03",
     "2025-02-30", "10:30", "", None, True, 12, {"date": "2025-03-08"}],
)  # fmt: skip
def test_no_year_no_day_a_relative_time_or_two_readings_is_no_date(value: object) -> None:
    assert parse_date(value) is None


NEWS_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head>
<meta charset="utf-8">
<title>美商务部长指责DeepSeek_新华网</title>
<link rel="canonical" href="http://www.news.cn/world/2025-03/08/c_1130.htm">
<meta property="og:title" content="美商务部长指责DeepSeek">
<meta property="og:site_name" content="新华网">
<meta property="article:published_time" content="2025-03-08T09:00:00+08:00">
<meta name="author" content="OG作者">
<script type="application/ld+json">{not json</script>
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "不是文章", "datePublished": "2020-01-01"},
  {"@type": ["ReportageNewsArticle"], "headline": "卢特尼克：DeepSeek &amp; 出口管制",
   "datePublished": "2025-03-08T10:30:00+08:00",
   "author": [{"@type": "Person", "name": "王小明"}, {"@type": "Person", "name": "李华"}],
   "publisher": {"@type": "Organization", "name": "新华社"},
   "mainEntityOfPage": {"@id": "http://www.news.cn/world/20250308/c_1130.htm"}}
]}
</script>
</head><body><p>新华社华盛顿3月8日电 美国商务部长说……</p></body></html>"""


def test_json_ld_comes_first_then_meta_tags_then_the_title() -> None:
    meta = html_meta(NEWS_PAGE)
    assert meta == DocumentMeta(
        title="卢特尼克：DeepSeek &amp; 出口管制",  # JSON-LD is JSON: no HTML entities in it
        published="2025-03-08T10:30:00+08:00",
        precision="time",
        outlet="新华社",
        url="http://www.news.cn/world/20250308/c_1130.htm",
        author="王小明、李华",
        language="zh-CN",
        script=None,
    )


def test_meta_tags_and_title_without_json_ld() -> None:
    page = NEWS_PAGE.split("<script")[0] + "</head><body></body></html>"
    meta = html_meta(page)
    assert (meta.title, meta.published, meta.outlet, meta.author) == (
        "美商务部长指责DeepSeek",
        "2025-03-08T09:00:00+08:00",
        "新华网",
        "OG作者",
    )
    assert meta.url == "http://www.news.cn/world/2025-03/08/c_1130.htm"  # canonical link before og:url
    bare = html_meta("<html><head><title> 只有 &amp; 标题 </title></head><body>正文</body></html>")
    assert bare == DocumentMeta(title="只有 & 标题")


@pytest.mark.parametrize("kind", ["NewsArticle", "Article", "BlogPosting", "http://schema.org/NewsArticle"])
def test_json_ld_article_types_at_top_or_in_a_list(kind: str) -> None:
    block = json.dumps(
        [{"@type": "Organization", "name": "X"}, {"@type": kind, "headline": "标题", "author": "张三"}]
    )
    page = f'<html><head><script type="application/ld+json">{block}</script></head><body>x</body></html>'
    assert (html_meta(page).title, html_meta(page).author) == ("标题", "张三")


def test_an_html_file_gets_its_meta_and_the_text_is_untouched(tmp_path: Path) -> None:
    data = NEWS_PAGE.encode("utf-8")
    doc = read_document("page.html", data)
    assert doc.text == NEWS_PAGE and len(doc.plain) == len(doc.text)
    assert doc.meta.published == "2025-03-08T10:30:00+08:00" and doc.meta.outlet == "新华社"
    assert (doc.meta.language, doc.meta.script) == ("zh-CN", "Hans")


def test_plain_text_header_lines() -> None:
    text = (
        "美商务部长指责DeepSeek违反出口管制\n"
        "2025年03月08日 10:30 来源：人民网-人民日报\n"
        "本报记者 张三 北京报道\n\n"
        "美国商务部长卢特尼克7日表示……\n"
    )
    meta = read_document("a.txt", text.encode("utf-8")).meta
    assert meta == DocumentMeta(
        published="2025-03-08T10:30:00",
        precision="time",
        outlet="人民网-人民日报",
        author="张三",
        language="zh",
        script="Hans",
    )


def test_a_dateline_takes_its_year_from_a_full_date_of_the_same_day() -> None:
    text = "新華社華盛頓3月8日電（記者 王小明 李華）美國部長說……\n2025年3月8日發言，2024年3月1日不算。"
    meta = text_meta(text)
    assert (meta.outlet, meta.author) == ("新華社", "王小明、李華")
    assert (meta.published, meta.precision) == ("2025-03-08", "day")
    assert language_and_script(text) == ("zh", "Hant")


def test_a_dateline_without_a_year_of_its_day_has_no_date() -> None:
    assert text_meta("新华社北京3月8日电 会议开幕。2024年全年……").published is None
    assert text_meta("新华社北京3月8日电 会议开幕。2025年3月9日闭幕。").published is None
    two_years = "新华社北京3月8日电 会议开幕。2025年3月8日…… 2024年3月8日……"
    assert text_meta(two_years).published is None


def test_a_dateline_takes_its_year_from_the_url_or_the_date_of_the_metadata() -> None:
    text = "中新网3月8日电 外交部发言人表示……"
    for undated in ("https://www.chinanews.com.cn/gj/1.shtml", "https://example.com/2025-03-09/1.html"):
        assert text_meta(text, given=DocumentMeta(url=undated)).published is None
    url = DocumentMeta(url="http://www.news.cn/world/2025-03/08/c_1.htm")
    assert text_meta(text, given=url).published == "2025-03-08"
    meta = document_meta(text, text, "text/plain", given=url)
    assert (meta.published, meta.outlet, meta.url) == ("2025-03-08", "中新网", url.url)


def test_ambiguous_header_lines_give_nothing() -> None:
    two_sources = "来源：新华社\n正文……\n来源：中新网\n"
    assert text_meta(two_sources).outlet is None
    assert text_meta("本报北京3月8日电（记者 赵六）正文……").outlet is None  # 本报 names no outlet
    assert text_meta("本报北京3月8日电（记者 赵六）正文……").author == "赵六"
    two_dates = "发布时间：2025-03-08\n日期：2025-03-09\n正文"
    assert text_meta(two_dates).published is None
    assert text_meta("更新于17 小时前\n来源：网友投稿\n正文").published is None


def test_header_lines_below_the_header_are_not_read() -> None:
    body = "\n".join(f"第{i}段。" for i in range(30))
    assert text_meta(body + "\n作者：张三\n" + body).author is None
    assert text_meta(body + "\n（来源：人民日报）").outlet == "人民日报"  # a footer is read


def test_fields_win_over_html_and_html_over_header_lines() -> None:
    given = fields_meta({"outlet": "路透社", "date": "not a date"})
    meta = document_meta(NEWS_PAGE, NEWS_PAGE, "text/html", given=given)
    assert meta.outlet == "路透社" and meta.published == "2025-03-08T10:30:00+08:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("美国商务部长说，这是国家安全问题。", ("zh", "Hans")),
        ("美國商務部長說，這是國家安全問題。", ("zh", "Hant")),
        ("The Commerce Secretary said DeepSeek broke export controls.", ("en", None)),
        ("DeepSeek R1 模型发布", ("zh", "Hans")),
        ("12345 !!!", (None, None)),
        ("Привет, как дела", (None, None)),
    ],
)
def test_language_and_script(text: str, expected: tuple) -> None:
    assert language_and_script(text) == expected
