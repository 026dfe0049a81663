"""Tiny extractions (two news items and a forum thread) for the graph tests.

Some entities recur across them (Howard Lutnick speaks in both news items, DeepSeek R1 is in the first
news item and the thread), so they show how descriptions merge across documents.

Offsets are found with ``str.find`` in the text, never typed in, so they stay right when the text
changes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from dataclasses import replace
from pathlib import Path

from extract.records import (
    AUTHOR,
    Claim,
    Document,
    DocumentMeta,
    Entity,
    Extraction,
    Mention,
    Post,
    QuotedPost,
)
from graph.store.store import StoreBuilder

NEWS_NAME = "news 1.txt"
NEWS = (
    "美国商务部长卢特尼克（Howard Lutnick）周三说，美国公司必须停止帮助中国。"
    "英伟达否认向中国出售H20芯片。\n"
    "我认为DeepSeek R1很好。"
)

FORUM_NAME = "论坛/thread#1.html"
FORUM = (
    "1楼 sellboy 2025-01-28 10:00\n"
    "DeepSeek R1比ChatGPT好。\n"
    "2楼 老王 2025-01-28 10:05\n"
    "「sellboy：DeepSeek R1比ChatGPT好。」胡说，ChatGPT更强。\n"
)

LATER_NAME = "news 2.txt"
LATER = "卢特尼克周五再次表示，美国必须限制芯片出口。"
LATER_META = DocumentMeta(
    title="卢特尼克：美国必须限制芯片出口",
    published="2025-02-14T09:30:00+08:00",
    precision="time",
    outlet="新華社",
    url="https://example.org/news/2?a=1&b=<2>",
    author="王小明",
    language="zh",
    script="Hans",
)

QUOTE_BLOCK = "「sellboy：DeepSeek R1比ChatGPT好。」"
QUOTED_WORDS = "DeepSeek R1比ChatGPT好。"


def span(text: str, part: str, after: int = 0) -> tuple[int, int]:
    """Offsets of the first ``part`` at or after ``after``."""
    start = text.find(part, after)
    assert start >= 0, part
    return start, start + len(part)


def _document(name: str, text: str, media_type: str, posts: tuple[Post, ...] = ()) -> Document:
    return Document(
        name=name,
        text=text,
        plain=text,
        sha256=hashlib.sha256(text.encode()).hexdigest(),
        encoding="utf-8",
        media_type=media_type,
        posts=posts,
    )


def _mentions(doc: str, text: str, surface: dict[str, tuple[str, str]]) -> list[Mention]:
    """Every occurrence of each surface form: form → (entity id, type)."""
    out = []
    for form, (entity, type_) in surface.items():
        start = text.find(form)
        while start >= 0:
            out.append(Mention(doc, start, start + len(form), form, type_, entity))
            start = text.find(form, start + 1)
    return sorted(out, key=lambda m: (m.start, m.end))


def _claim(
    doc: str,
    text: str,
    content: str,
    speaker: str,
    cue: str,
    targets: tuple[str, ...],
    type_: str,
    *,
    speaker_form: str | None = None,
    post: int | None = None,
    after: int = 0,
) -> Claim:
    start, end = span(text, content, after)
    cue_start, cue_end = span(text, cue) if cue else (None, None)
    speaker_start, speaker_end = span(text, speaker_form) if speaker_form else (None, None)
    return Claim(
        doc=doc,
        start=start,
        end=end,
        text=content,
        speaker=speaker,
        cue=cue,
        cue_start=cue_start,
        cue_end=cue_end,
        targets=targets,
        type=type_,
        quote="indirect",
        speaker_start=speaker_start,
        speaker_end=speaker_end,
        post=post,
    )


def news() -> Extraction:
    """A news item: a named speaker, an organisation's denial, and the author's own opinion."""
    entities = [
        Entity(
            "Howard Lutnick",
            "PERSON",
            "Howard Lutnick",
            {"en": "Howard Lutnick", "zh-Hans": "卢特尼克"},
            ["卢特尼克", "Howard Lutnick"],
        ),
        Entity("usa", "GPE", "United States", {"zh-Hans": "美国"}, ["美国"]),
        Entity("china", "GPE", "China", {"zh-Hans": "中国"}, ["中国"]),
        Entity("英伟达", "ORG", "Nvidia", {}, ["英伟达"]),
        Entity("h20", "PRODUCT", "H20", {}, ["H20"]),
        Entity("deepseek/r1", "PRODUCT", "DeepSeek R1", {}, ["DeepSeek R1"]),
    ]
    surface = {
        "卢特尼克": ("Howard Lutnick", "PERSON"),
        "Howard Lutnick": ("Howard Lutnick", "PERSON"),
        "美国": ("usa", "GPE"),
        "中国": ("china", "GPE"),
        "英伟达": ("英伟达", "ORG"),
        "H20": ("h20", "PRODUCT"),
        "DeepSeek R1": ("deepseek/r1", "PRODUCT"),
    }
    claims = [
        _claim(
            NEWS_NAME,
            NEWS,
            "美国公司必须停止帮助中国",
            "Howard Lutnick",
            "说",
            ("usa", "china"),
            "demand",
            speaker_form="卢特尼克",
        ),
        _claim(
            NEWS_NAME,
            NEWS,
            "向中国出售H20芯片",
            "英伟达",
            "否认",
            ("china", "h20"),
            "denial",
            speaker_form="英伟达",
        ),
        _claim(NEWS_NAME, NEWS, "DeepSeek R1很好", AUTHOR, "认为", ("deepseek/r1",), "support"),
    ]
    return Extraction(
        _document(NEWS_NAME, NEWS, "text/plain"), entities, _mentions(NEWS_NAME, NEWS, surface), claims
    )


def forum() -> Extraction:
    """A two-post thread; the second post quotes the first."""
    body1 = span(FORUM, "DeepSeek R1比ChatGPT好。\n")
    block = span(FORUM, QUOTE_BLOCK)
    quoted = QuotedPost("sellboy", *span(FORUM, QUOTED_WORDS, block[0]), *block)
    posts = (
        Post(1, "sellboy", *span(FORUM, "sellboy"), "2025-01-28 10:00", *body1),
        Post(2, "老王", *span(FORUM, "老王"), "2025-01-28 10:05", block[0], len(FORUM) - 1, (quoted,)),
    )
    entities = [
        Entity("sellboy", "PERSON", "sellboy", {}, ["sellboy"]),
        Entity("laowang", "PERSON", "老王", {"zh-Hans": "老王"}, ["老王"]),
        Entity("deepseek/r1", "PRODUCT", "DeepSeek R1", {}, ["DeepSeek R1"]),
        Entity("chatgpt", "PRODUCT", "ChatGPT", {}, ["ChatGPT"]),
    ]
    surface = {
        "sellboy": ("sellboy", "PERSON"),
        "老王": ("laowang", "PERSON"),
        "DeepSeek R1": ("deepseek/r1", "PRODUCT"),
        "ChatGPT": ("chatgpt", "PRODUCT"),
    }
    claims = [
        _claim(
            FORUM_NAME,
            FORUM,
            "DeepSeek R1比ChatGPT好",
            "sellboy",
            "",
            ("deepseek/r1", "chatgpt"),
            "statement",
            post=1,
        ),
        _claim(FORUM_NAME, FORUM, "胡说，ChatGPT更强", "laowang", "", ("chatgpt",), "criticism", post=2),
    ]
    return Extraction(
        _document(FORUM_NAME, FORUM, "text/html", posts),
        entities,
        _mentions(FORUM_NAME, FORUM, surface),
        claims,
    )


def later() -> Extraction:
    """A later news item in which Howard Lutnick speaks again (so two documents describe him)."""
    entities = [
        Entity("Howard Lutnick", "PERSON", "Howard Lutnick", {"zh-Hans": "卢特尼克"}, ["卢特尼克"]),
        Entity("usa", "GPE", "United States", {"zh-Hans": "美国"}, ["美国"]),
    ]
    surface = {"卢特尼克": ("Howard Lutnick", "PERSON"), "美国": ("usa", "GPE")}
    claims = [
        _claim(
            LATER_NAME,
            LATER,
            "美国必须限制芯片出口",
            "Howard Lutnick",
            "表示",
            ("usa",),
            "demand",
            speaker_form="卢特尼克",
        )
    ]
    document = replace(_document(LATER_NAME, LATER, "text/plain"), meta=LATER_META)
    outlet = Entity("xinhua", "ORG", "Xinhua", {"zh-Hans": "新华社"}, ["新華社"])
    return Extraction(document, [*entities, outlet], _mentions(LATER_NAME, LATER, surface), claims, "xinhua")


def build_samples(path: Path, xs: list[Extraction], keep: Collection[str] = frozenset()) -> None:
    """Build a store of ``xs`` at ``path``, keeping from the current store the documents named in ``keep``."""
    with StoreBuilder(path) as builder:
        for x in xs:
            if x.document.name in keep:
                builder.keep(x.document.name)
            else:
                builder.add(x)
