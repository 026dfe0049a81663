"""What a newsroom knows of a document besides its text: ``DocumentMeta`` from fields, HTML and header lines.

Three sources, in this order of trust, each filling only what the ones before left empty:

* the fields of a JSON Lines or CSV row (``fields_meta``: ``extract.rows`` finds them by name);
* an HTML page's schema.org JSON-LD (``NewsArticle``, ``Article``, ``BlogPosting``…, also inside
  ``@graph``), its ``<meta>`` tags (Open Graph, ``article:published_time``…), ``<title>`` and
  ``<link rel=canonical>`` (``html_meta``), read with the tokenizer ``extract.markup`` uses (turbohtml)
  and ``json``;
* the header lines of a news text (``text_meta``): ``来源：X``, ``X记者 Y 北京报道``, a dateline
  ``新华社北京3月8日电`` whose year is a full date elsewhere in the text or the metadata with the
  same month and day, a date line. Each is read only when the text has one reading of it.

Nothing is guessed: a date needs a year, a month and a day (``2025-03-08``, precision ``day``) and
has a time only when it says one (precision ``time``); a relative time (``17 小时前``, ``昨天``) is
no date, nor is ``3/8/2025``, which reads two ways. Machine formats (ISO 8601, RFC 2822, ``2025-03-08
10:30``) are read by python-dateutil; Chinese dates and every header line by the named patterns of
``data/metadata.json``, whose examples and counter-examples ``tests/test_metadata.py`` runs.

May import: `extract.lexicon`, `extract.records`, `extract.scripts`.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, fields, replace
from datetime import UTC, date, datetime
from functools import cache, lru_cache
from typing import Any

import turbohtml
from dateutil import parser as dateparser

from extract.lexicon import data_path
from extract.records import DocumentMeta
from extract.scripts import to_simplified, traditional_variants

NOTHING = DocumentMeta()
"""The metadata of a document nothing is known of."""
ROLES = ("text", "id", "title", "url", "date", "outlet", "author", "lang")
"""The parts of a row ``extract.rows`` looks for by name (``data/metadata.json``, ``fields``)."""

_SAMPLE = 5000
"""Characters of a text that language and script are judged on."""
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")
_LATIN = re.compile("[A-Za-z\u00c0-\u024f]+")
_WORD = re.compile(r"[^\W\d_]+")
_SCRIPT_TAG = re.compile(r"(?i)(?:^|-)(hans|hant)(?:-|$)")
_SEPARATORS = re.compile(r"[ \u3000、,，]+")
_BLANK_LINE = re.compile(r"\S")
_YEAR_FIRST = re.compile(r"\d{4}[-/.]")


@dataclass(frozen=True)
class Rules:
    """``data/metadata.json``, parsed and compiled."""

    fields: dict[str, tuple[str, ...]]
    header_lines: int
    footer_lines: int
    script_margin: float
    not_outlets: frozenset[str]
    not_authors: re.Pattern[str]
    lines: dict[str, re.Pattern[str]]
    dates: dict[str, re.Pattern[str]]
    json_ld_types: frozenset[str]
    html_meta: dict[str, tuple[str, ...]]
    languages: dict[str, float]
    raw: dict[str, Any]


@cache
def rules() -> Rules:
    """The rules of ``data/metadata.json``, read once per process."""
    raw = json.loads(data_path("metadata.json").read_text(encoding="utf-8"))
    html = {role: tuple(keys) for role, keys in raw["html_meta"].items() if role != "about"}
    return Rules(
        fields={role: tuple(names) for role, names in raw["fields"].items()},
        header_lines=raw["header_lines"],
        footer_lines=raw["footer_lines"],
        script_margin=raw["script_margin"],
        not_outlets=frozenset(raw["not_outlets"]),
        not_authors=re.compile(raw["not_authors"]),
        lines={p["name"]: re.compile(p["regex"]) for p in raw["lines"]},
        dates={p["name"]: re.compile(p["regex"]) for p in raw["dates"]},
        json_ld_types=frozenset(raw["json_ld_types"]),
        html_meta=html,
        languages={k: v for k, v in raw["languages"].items() if k != "about"},
        raw=raw,
    )


def read_line(pattern: str, line: str) -> dict[str, str] | None:
    """What the named header-line pattern reads from one line, or ``None`` when it does not apply.

    An outlet of ``not_outlets`` (本报) is dropped; a name that ``not_authors`` refuses (记者了解到)
    makes the line no byline at all.

    >>> read_line("source_line", "（来源：人民日报）")
    {'outlet': '人民日报'}
    >>> read_line("byline", "本报记者 张三")
    {'author': '张三'}
    >>> read_line("byline", "记者了解到") is None
    True
    """
    r = rules()
    match = r.lines[pattern].match(line.strip())
    if match is None:
        return None
    read = {k: v for k, v in match.groupdict().items() if v}
    if read.get("author") and r.not_authors.match(read["author"]):
        return None
    if read.get("outlet") in r.not_outlets:
        del read["outlet"]
    return read


def read_date_pattern(pattern: str, text: str) -> dict[str, str] | None:
    """The groups the named date pattern reads at its first match in ``text``.

    >>> read_date_pattern("zh_date", "于2025年3月8日在北京")
    {'year': '2025', 'month': '3', 'day': '8'}
    """
    match = rules().dates[pattern].search(text)
    return None if match is None else _date_groups(match)


def _date_groups(match: re.Match[str]) -> dict[str, str]:
    found = {k: v for k, v in match.groupdict().items() if v and k != "sep"}
    for numbered in ("month", "day"):
        if numbered + "2" in found:
            found[numbered] = found.pop(numbered + "2")
    return found


# Dates


def parse_date(value: object) -> tuple[str, str] | None:
    """``(ISO 8601, precision)`` of a date as metadata gives it, or ``None`` when it gives no full date.

    >>> parse_date("2025-03-08T10:30:00+08:00")
    ('2025-03-08T10:30:00+08:00', 'time')
    >>> parse_date("Sat, 08 Mar 2025 02:30:00 GMT")
    ('2025-03-08T02:30:00+00:00', 'time')
    >>> parse_date("2025年3月8日")
    ('2025-03-08', 'day')
    >>> parse_date("2025-03-08 10:30")
    ('2025-03-08T10:30:00', 'time')
    >>> [parse_date(v) for v in ("17 小时前", "3月8日", "2025-03", "3/8/2025", "昨天 10:30")]
    [None, None, None, None, None]

    An integer (or a string of 10 or 13 digits) is a Unix time in seconds or milliseconds, in UTC.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return _epoch(float(value))
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"\d{10}|\d{13}", text):
        return _epoch(float(text))
    zh = rules().dates["zh_date"].fullmatch(text)
    if zh is not None:
        return _from_groups(_date_groups(zh))
    if re.match(r"\d{4}-?\d{2}-?\d{2}(?:$|[T ]\d)", text):
        try:
            parsed = dateparser.isoparse(text)
        except (ValueError, OverflowError):
            parsed = None
        if parsed is not None:
            has_time = len(text) > 10 and not re.fullmatch(r"\d{8}", text)
            return _iso(parsed, "time" if has_time else "day")
    return _parse_free(text)


def _parse_free(text: str) -> tuple[str, str] | None:
    """dateutil's reading of ``text``, kept only when every way of reading it gives the same day.

    Read with two different defaults (what dateutil fills in for a missing part), and month first, day
    first and year first unless it opens with a year of four digits: a part that changes was not
    given, or is ambiguous (``01/02/03``, ``3/8/2025``).
    """
    readings = []
    orders = ((False, False),) if _YEAR_FIRST.match(text) else ((False, False), (True, False), (False, True))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown zone name (CST) is left out, not guessed
        for default in (datetime(2001, 1, 1, 0, 0, 0), datetime(2002, 2, 2, 1, 1, 1)):
            for dayfirst, yearfirst in orders:
                try:
                    readings.append(
                        dateparser.parse(text, default=default, dayfirst=dayfirst, yearfirst=yearfirst)
                    )
                except (ValueError, OverflowError):
                    return None
    days = {(d.year, d.month, d.day) for d in readings}
    if len(days) != 1:
        return None
    times = {(d.hour, d.minute) for d in readings}
    return _iso(readings[0], "time" if len(times) == 1 else "day")


def _epoch(value: float) -> tuple[str, str] | None:
    if 1e12 <= value < 4.2e12:
        value /= 1000
    if not 1e8 <= value < 4.2e9:
        return None
    return _iso(datetime.fromtimestamp(value, tz=UTC), "time")


def _from_groups(found: Mapping[str, str]) -> tuple[str, str] | None:
    try:
        day = date(int(found["year"]), int(found["month"]), int(found["day"]))
        if "hour" not in found:
            return day.isoformat(), "day"
        clock = int(found["hour"]), int(found["minute"]), int(found.get("second", 0))
        moment = datetime(day.year, day.month, day.day, *clock)
    except (KeyError, ValueError):
        return None
    return _iso(moment, "time")


def _iso(moment: datetime, precision: str) -> tuple[str, str]:
    if precision == "day":
        return moment.date().isoformat(), "day"
    return moment.isoformat(), "time"


# Row fields


def fields_meta(values: Mapping[str, object]) -> DocumentMeta:
    """The ``DocumentMeta`` of a row's values by role (``title``, ``url``, ``date``, ``outlet``…).

    A name given as an object takes its ``name``; a list of names is joined with ``、``.

    >>> fields_meta({"date": "2025-03-08 10:30", "author": [{"name": "张三"}, "李四"], "lang": "zh_CN"})
    DocumentMeta(title=None, published='2025-03-08T10:30:00', precision='time', outlet=None, url=None, \
author='张三、李四', language='zh-CN', script=None)
    """
    published = parse_date(values.get("date"))
    language = _language_tag(values.get("lang"))
    return DocumentMeta(
        title=_one_line(values.get("title")),
        published=published[0] if published else None,
        precision=published[1] if published else None,
        outlet=_name(values.get("outlet")),
        url=_url(values.get("url")),
        author=_names(values.get("author")),
        language=language,
        script=_script_of_tag(language),
    )


def _one_line(value: object) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    text = " ".join(value.split())
    return text or None


def _name(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("name")
    name = _one_line(value)
    if name is None or re.match(r"(?i)https?://", name) or name in rules().not_outlets:
        return None
    return name


def _names(value: object) -> str | None:
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        name = _name(item)
        if name and name not in names:
            names.append(name)
    return "、".join(names) or None


def _url(value: object) -> str | None:
    if isinstance(value, Mapping):
        value = value.get("@id") or value.get("url")
    url = _one_line(value)
    return url if url and re.match(r"(?i)https?://\S+$", url) else None


def _language_tag(value: object) -> str | None:
    tag = _one_line(value)
    if tag is None or not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", tag):
        return None
    head, *rest = tag.replace("_", "-").split("-")
    return "-".join([head.lower(), *rest])


def _script_of_tag(tag: str | None) -> str | None:
    match = _SCRIPT_TAG.search(tag or "")
    return match.group(1).title() if match else None


# HTML


def html_meta(text: str) -> DocumentMeta:
    """What an HTML page says of itself: JSON-LD first, then ``<meta>`` tags, then ``<title>``.

    >>> page = '<html lang="zh-CN"><head><title>标题_新华网</title>'
    >>> page += '<meta property="article:published_time" content="2025-03-08T10:30:00+08:00">'
    >>> page += '<meta property="og:site_name" content="新华网"></head><body></body></html>'
    >>> m = html_meta(page)
    >>> (m.title, m.published, m.outlet, m.language)
    ('标题_新华网', '2025-03-08T10:30:00+08:00', '新华网', 'zh-CN')
    """
    page = _read_page(text)
    r = rules()
    tags: dict[str, object] = {}
    for role, keys in r.html_meta.items():
        tags[role] = next((page.meta[k] for k in keys if page.meta.get(k)), None)
    from_tags = fields_meta(tags)
    from_page = fields_meta({"title": page.title, "url": page.canonical, "lang": page.lang})
    return merge(_json_ld_meta(page.json_ld), from_tags, from_page)


@dataclass
class _Page:
    title: str | None = None
    canonical: str | None = None
    lang: str | None = None
    meta: dict[str, str] | None = None
    json_ld: list[str] | None = None


def _read_page(text: str) -> _Page:
    """The parts of a page its metadata lives in, from one pass of the tokenizer."""
    page = _Page(meta={}, json_ld=[])
    assert page.meta is not None and page.json_ld is not None
    inside: str | None = None  # "title" or "ld"
    collected: list[str] = []
    for token in turbohtml.tokenize(text):
        kind = token.type
        if kind == turbohtml.TokenType.START_TAG:
            attrs = {k.lower(): v for k, v in token.attrs or ()}
            tag = token.tag
            if tag == "html" and page.lang is None:
                page.lang = attrs.get("lang") or attrs.get("xml:lang")
            elif tag == "meta":
                key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
                key = key or (attrs.get("http-equiv") or "").lower()
                if key and attrs.get("content") and key not in page.meta:
                    page.meta[key] = attrs["content"]
            elif tag == "link" and "canonical" in (attrs.get("rel") or "").lower().split():
                page.canonical = page.canonical or attrs.get("href")
            elif tag == "title" and page.title is None:
                inside, collected = "title", []
            elif tag == "script" and (attrs.get("type") or "").strip().lower() == "application/ld+json":
                inside, collected = "ld", []
        elif kind in (turbohtml.TokenType.TEXT, turbohtml.TokenType.CHARACTER_REFERENCE):
            if inside is not None:
                collected.append(token.data or "")
        elif kind == turbohtml.TokenType.END_TAG and inside is not None:
            if inside == "title" and token.tag == "title":
                page.title = "".join(collected)
                inside = None
            elif inside == "ld" and token.tag == "script":
                page.json_ld.append("".join(collected))
                inside = None
    return page


def _json_ld_meta(blocks: Iterable[str]) -> DocumentMeta:
    """The first article node of the page's JSON-LD blocks, as ``DocumentMeta``."""
    for block in blocks:
        try:
            data = json.loads(block)
        except ValueError:
            continue
        for node in _nodes(data):
            if _is_article(node):
                return fields_meta(
                    {
                        "title": node.get("headline") or node.get("name"),
                        "date": node.get("datePublished"),
                        "author": node.get("author"),
                        "outlet": node.get("publisher"),
                        "url": node.get("url") or node.get("mainEntityOfPage"),
                        "lang": node.get("inLanguage"),
                    }
                )
    return NOTHING


def _nodes(data: object) -> Iterator[Mapping[str, Any]]:
    """Every object at the top of a JSON-LD block: itself, the items of a list, those of ``@graph``."""
    if isinstance(data, list):
        for item in data:
            yield from _nodes(item)
    elif isinstance(data, Mapping):
        yield data
        graph = data.get("@graph")
        if isinstance(graph, list | Mapping):
            yield from _nodes(graph)


def _is_article(node: Mapping[str, Any]) -> bool:
    types = node.get("@type")
    names = types if isinstance(types, list) else [types]
    return any(isinstance(t, str) and t.rsplit("/", 1)[-1] in rules().json_ld_types for t in names)


# Plain text


def text_meta(text: str, *, given: DocumentMeta = NOTHING) -> DocumentMeta:
    """What the header (and footer) lines of a news text say: outlet, author, publication date.

    Each is kept only when the lines give one reading of it: one outlet among the 来源 lines (else
    among datelines and bylines), one author, one date among the date lines (else one dateline whose
    year is that of a full date with its month and day elsewhere in ``text``, in ``given.published``
    or in ``given.url``).

    >>> m = text_meta("新华社北京3月8日电（记者 张三）……\\n2025年3月8日，会议开幕。")
    >>> (m.outlet, m.author, m.published, m.precision)
    ('新华社', '张三', '2025-03-08', 'day')
    >>> text_meta("新华社北京3月8日电 会议开幕。").published is None  # no year anywhere
    True
    """
    r = rules()
    lines = [line.strip() for line in text.splitlines() if _BLANK_LINE.search(line)]
    head = lines[: r.header_lines]
    region = head + lines[max(r.header_lines, len(lines) - r.footer_lines) :]

    sources = {read["outlet"] for read in _reads("source_line", region) if "outlet" in read}
    datelines = list(_reads("dateline", head))
    bylines = list(_reads("byline", head)) + list(_reads("author_line", head))
    other_outlets = {read["outlet"] for read in datelines + bylines if "outlet" in read}
    authors = {_authors(read["author"]) for read in datelines + bylines if "author" in read}
    dates = {p for read in _reads("date_line", head) if (p := parse_date(read["date"]))}

    published = _single(dates)
    if published is None and len({(int(d["month"]), int(d["day"])) for d in datelines}) == 1:
        published = _dateline_date(int(datelines[0]["month"]), int(datelines[0]["day"]), text, given)
    return DocumentMeta(
        published=published[0] if published else None,
        precision=published[1] if published else None,
        outlet=_single(sources) if sources else _single(other_outlets),
        author=_single(authors),
    )


def _reads(pattern: str, lines: Iterable[str]) -> Iterator[dict[str, str]]:
    for line in lines:
        read = read_line(pattern, line)
        if read is not None:
            yield read


def _authors(names: str) -> str:
    return "、".join(_SEPARATORS.split(names.strip()))


def _single(values: set[Any]) -> Any:
    return next(iter(values)) if len(values) == 1 else None


def _dateline_date(month: int, day: int, text: str, given: DocumentMeta) -> tuple[str, str] | None:
    """The dateline's day with the one year that a full date of the same month and day gives."""
    r = rules()
    full = [_date_groups(m) for m in r.dates["zh_date"].finditer(text)]
    if given.url:
        full += [_date_groups(m) for m in r.dates["url_date"].finditer(given.url)]
    if given.published:
        year, m, d = given.published[:10].split("-")
        full.append({"year": year, "month": m, "day": d})
    years = {int(f["year"]) for f in full if (int(f["month"]), int(f["day"])) == (month, day)}
    if len(years) != 1:
        return None
    return _from_groups({"year": str(years.pop()), "month": str(month), "day": str(day)})


# Language and script


def language_and_script(text: str) -> tuple[str | None, str | None]:
    """``("zh", "Hans"|"Hant"|None)`` for Chinese, ``("en", None)`` for Latin text, else ``(None, None)``.

    Judged on the first 5,000 characters, counting each CJK ideograph and each word of other letters
    as one: Chinese when at least half are ideographs (English names in Chinese text are words, not
    letters), English when nearly all are Latin words (``languages`` of ``data/metadata.json``). Hant
    when the characters only traditional script writes outnumber those only simplified writes
    ``script_margin`` times, Hans the other way round, else no script.

    >>> language_and_script("美國商務部長說，這是國家安全問題。"), language_and_script("美国商务部长说")
    (('zh', 'Hant'), ('zh', 'Hans'))
    >>> language_and_script("The minister said the chips were smuggled.")
    ('en', None)
    """
    sample = text[:_SAMPLE]
    han = _CJK.findall(sample)
    words = _WORD.findall(_CJK.sub(" ", sample))
    units = len(han) + len(words)
    if not units:
        return None, None
    r = rules()
    if len(han) >= r.languages["zh"] * units:
        return "zh", _script(han)
    if sum(1 for w in words if _LATIN.fullmatch(w)) >= r.languages["en"] * units:
        return "en", None
    return None, None


def _script(han: Iterable[str]) -> str | None:
    traditional = simplified = 0
    for c in han:
        kind = _char_script(c)
        traditional += kind == "Hant"
        simplified += kind == "Hans"
    margin = rules().script_margin
    if traditional and traditional >= margin * simplified:
        return "Hant"
    if simplified and simplified >= margin * traditional:
        return "Hans"
    return None


@lru_cache(maxsize=65536)
def _char_script(c: str) -> str | None:
    """``Hant`` for a character only traditional script writes, ``Hans`` for one only simplified does."""
    if to_simplified(c) != c:
        return "Hant"
    if traditional_variants(c):
        return "Hans"
    return None


# Putting them together


def merge(*metas: DocumentMeta) -> DocumentMeta:
    """Each field from the first of ``metas`` that has it (``published`` with its ``precision``)."""
    values: dict[str, Any] = {}
    for f in fields(DocumentMeta):
        if f.name == "precision":
            continue
        for meta in metas:
            value = getattr(meta, f.name)
            if value is not None:
                values[f.name] = value
                if f.name == "published":
                    values["precision"] = meta.precision
                break
    return DocumentMeta(**values)


def document_meta(text: str, plain: str, media_type: str, *, given: DocumentMeta = NOTHING) -> DocumentMeta:
    """The ``DocumentMeta`` of a decoded document: ``given`` (a row's fields), then its HTML, then its
    header lines (read in ``plain``, markup blanked), then its language and script from ``plain``."""
    found = merge(given, html_meta(text)) if media_type == "text/html" else given
    found = merge(found, text_meta(plain, given=found))
    language, script = language_and_script(plain)
    if found.language is None:
        found = replace(found, language=language)
    if found.script is None and (found.language or "").split("-")[0] == "zh":
        found = replace(found, script=script)
    return found
