"""Split a forum thread into posts, each with its poster and the earlier posts it quotes.

A thread has many speakers: the claims in a post belong to its poster, and the
words inside a quote belong to someone else. The formats are data
(``data/forum.json``), so a new forum export needs a regex, not new code.
Headers are matched on the markup-blanked text and every span is an offset
into the original text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from importlib import resources

from extract.records import Post, QuotedPost


@dataclass(frozen=True)
class _Thread:
    name: str
    header: re.Pattern[str]
    separator: re.Pattern[str] | None
    trailer: re.Pattern[str] | None = None
    """What ends a post's body and is not the poster's words (a push line's time: ``04/16 10:15``)."""


@dataclass(frozen=True)
class _Quote:
    open: re.Pattern[str]
    close: re.Pattern[str]


@dataclass(frozen=True)
class _Rules:
    threads: tuple[_Thread, ...]
    quotes: tuple[_Quote, ...]
    quote_headers: tuple[re.Pattern[str], ...]
    edge_markup: re.Pattern[str]
    floor_names: dict[str, int]
    min_posts: int
    anonymous: frozenset[str]


@cache
def _rules() -> _Rules:
    data = json.loads(resources.files("extract").joinpath("data/forum.json").read_text(encoding="utf-8"))
    floor_names = data["floor_names"]
    fill = {
        "{time}": data["time"],
        "{relative_time}": data["relative_time"],
        "{floor_name}": "|".join(re.escape(name) for name in floor_names),
    }

    def compile_(pattern: str) -> re.Pattern[str]:
        for key, value in fill.items():
            pattern = pattern.replace(key, value)
        return re.compile(pattern)

    return _Rules(
        threads=tuple(
            _Thread(
                t["name"],
                compile_(t["header"]),
                compile_(t["separator"]) if "separator" in t else None,
                compile_(t["trailer"] + r"\s*\Z") if "trailer" in t else None,
            )
            for t in data["threads"]
        ),
        quotes=tuple(_Quote(compile_(q["open"]), compile_(q["close"])) for q in data["quotes"]),
        quote_headers=tuple(compile_(h["pattern"]) for h in data["quote_headers"]),
        edge_markup=compile_(data["edge_markup"]),
        floor_names=floor_names,
        min_posts=data["min_posts"],
        anonymous=frozenset(data["anonymous_posters"]),
    )


def anonymous_posters() -> frozenset[str]:
    """What stands where a poster's name would (``匿名用户``, ``游客``): no one's name (``forum.json``)."""
    return _rules().anonymous


def split_posts(text: str, plain: str) -> tuple[Post, ...]:
    """Return the posts of a forum thread, or ``()`` when ``text`` is not one.

    ``plain`` is ``text`` with markup blanked (same length). The thread format
    with the most post headers wins, if it has at least ``min_posts`` of them.
    A post's body runs from its header to the next header (or to a separator
    line before it), trimmed of blanks and markup at both ends.
    """
    if len(plain) != len(text):
        raise ValueError("plain must be text with markup blanked, of the same length")
    rules = _rules()
    thread, headers = max(
        ((t, list(t.header.finditer(plain))) for t in rules.threads), key=lambda found: len(found[1])
    )
    if len(headers) < rules.min_posts:
        return ()
    posts = []
    for i, header in enumerate(headers):
        limit = headers[i + 1].start() if i + 1 < len(headers) else len(text)
        body_end = _before_separator(thread, plain, header.end(), limit)
        if thread.trailer is not None and (trailer := thread.trailer.search(plain[header.end() : body_end])):
            body_end = header.end() + trailer.start()
        start, end = _trim(plain, header.end(), body_end, rules.edge_markup)
        author_start, author_end = header.span("author")
        posts.append(
            Post(
                floor=_floor(header, rules.floor_names, i + 1),
                author=text[author_start:author_end],
                author_start=author_start,
                author_end=author_end,
                time=_iso_time(header),
                start=start,
                end=end,
                quotes=_quotes(text, plain, header.end(), body_end, rules),
            )
        )
    return tuple(posts)


def _before_separator(thread: _Thread, plain: str, start: int, end: int) -> int:
    """Where the body ends: before a separator line that only blanks follow, else ``end``."""
    if thread.separator is None:
        return end
    separators = list(thread.separator.finditer(plain, start, end))
    if separators and not plain[separators[-1].end() : end].strip():
        return separators[-1].start()
    return end


def _trim(plain: str, start: int, end: int, edge_markup: re.Pattern[str]) -> tuple[int, int]:
    """Move ``start``/``end`` inwards past whitespace, blanked tags and BBCode tags."""
    while start < end:
        if plain[start].isspace():
            start += 1
        elif tag := edge_markup.match(plain, start, end):
            start = tag.end()
        else:
            break
    while end > start:
        if plain[end - 1].isspace():
            end -= 1
        elif (
            plain[end - 1] == "]"
            and (opening := plain.rfind("[", start, end)) >= 0
            and (edge_markup.fullmatch(plain, opening, end))
        ):
            end = opening
        else:
            break
    return start, end


def _floor(header: re.Match[str], floor_names: dict[str, int], ordinal: int) -> int:
    """The floor the header gives (a number or a name such as 沙发), else the post's place in the thread."""
    groups = header.groupdict()
    if groups.get("floor"):
        return int(groups["floor"])
    if groups.get("floor_name"):
        return floor_names[groups["floor_name"]]
    return ordinal


def _iso_time(match: re.Match[str]) -> str | None:
    """``2025-1-31 09:29`` as ``2025-01-31T09:29`` (seconds only when given); ``None`` if invalid."""
    groups = match.groupdict()
    if not groups.get("time"):
        return None
    parts = [int(groups[k] or 0) for k in ("year", "month", "day", "hour", "minute", "second")]
    try:
        moment = datetime(*parts)
    except ValueError:
        return None
    return moment.isoformat(timespec="seconds" if groups["second"] else "minutes")


def _quotes(text: str, plain: str, start: int, end: int, rules: _Rules) -> tuple[QuotedPost, ...]:
    """The outermost quotes between ``start`` and ``end``: who is quoted and the quoted words."""
    pairs = sorted(
        (pair for quote in rules.quotes for pair in _pairs(quote, text, start, end)),
        key=lambda pair: pair[0].start(),
    )
    quotes = []
    covered = start
    for opening, closing in pairs:
        if opening.start() < covered:  # inside an earlier quote: part of its words
            continue
        covered = closing.end()
        named = opening.span("author") if opening.groupdict().get("author") else None
        words_start = opening.end()
        for pattern in rules.quote_headers:
            if header := pattern.match(plain, opening.end(), closing.start()):
                named = header.span("author")
                words_start = header.end()
                break
        words = _trim(plain, words_start, closing.start(), rules.edge_markup)
        if words[0] < words[1]:
            at = named and _strip(text, *named)
            author = text[at[0] : at[1]] if at else None
            quotes.append(QuotedPost(author, *words, opening.start(), closing.end(), *(at or (None, None))))
    return tuple(quotes)


def _strip(text: str, start: int, end: int) -> tuple[int, int] | None:
    """``start``/``end`` moved inwards past whitespace; None when nothing is left."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _pairs(quote: _Quote, text: str, start: int, end: int) -> list[tuple[re.Match[str], re.Match[str]]]:
    """Pair opening and closing tags like brackets; an unclosed tag pairs with nothing."""
    marks = sorted(
        [(m.start(), 1, m) for m in quote.open.finditer(text, start, end)]
        + [(m.start(), 0, m) for m in quote.close.finditer(text, start, end)],
        key=lambda mark: mark[:2],
    )
    pairs = []
    stack: list[re.Match[str]] = []
    for _, is_open, match in marks:
        if is_open:
            stack.append(match)
        elif stack and match.start() >= stack[-1].end():  # not a mark inside the opening one's own text
            pairs.append((stack.pop(), match))
    return pairs
