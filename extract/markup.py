"""Blank out HTML markup while keeping every offset.

Extraction runs over the blanked copy and its offsets hold for the original
text, so no mapping table between "clean" and "raw" text is ever needed.
Where the markup is comes from the standard library's ``HTMLParser``; this
module only turns its event positions into offsets.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCK = (
    "p div br blockquote li ul ol h1 h2 h3 h4 h5 h6 tr td table section article header footer hr title pre"
)
BLOCK_TAGS = frozenset(_BLOCK.split())
"""Tags that end a line of text: they become a newline, so sentences do not run together."""

HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
"""Elements whose whole content is not readable text."""

_ELEMENTS = """a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br
    button canvas caption center cite code col colgroup data datalist dd del details dfn dialog dir
    div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6
    head header hgroup hr html i iframe img input ins kbd label legend li link main map mark marquee
    menu meta meter nav nobr noframes noscript object ol optgroup option output p param picture
    plaintext pre progress q rp rt ruby s samp script search section select slot small source span
    strike strong style sub summary sup svg table tbody td template textarea tfoot th thead time
    title tr track tt u ul var video wbr"""
HTML_ELEMENTS = frozenset(_ELEMENTS.split())
"""Element names recognised as markup inside plain text (where ``a<b`` is just text)."""

_MARKUP = frozenset({"start", "end", "startend", "comment", "decl", "pi"})
_WELL_FORMED_TAG = re.compile(
    r"""<[a-zA-Z][a-zA-Z0-9]*(?:\s+[^\s"'<>/=]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`]+))?)*\s*/?>"""
    r"|</[a-zA-Z][a-zA-Z0-9]*\s*>"
)
"""What a tag inside plain text must look like; the parser itself accepts ``<b and <<书名>`` too."""


def blank_markup(text: str, *, html_document: bool) -> str:
    """Return ``text`` with markup replaced by spaces, keeping its exact length.

    In an HTML document every tag, comment, doctype and processing instruction
    is blanked; in plain text or Markdown only well-formed tags with a known
    HTML element name and ``<!-- -->`` comments are, so ``a<b`` or ``<<书名>>``
    stay as written. A block-level tag starts with a newline. The content of
    script-like elements is blanked too (in plain text only when the element is
    closed). Character references keep their raw text. Never raises.

    >>> blank_markup("见<b>此</b>文<br>完", html_document=False)
    '见   此    文\\n   完'
    >>> blank_markup("a<b and <<书名>>", html_document=False)
    'a<b and <<书名>>'
    """
    spans = _markup_spans(_events(text, html_document), text, html_document)
    parts: list[str] = []
    done = 0
    for start, end, newline in spans:
        parts.append(text[done:start])
        parts.append(("\n" + " " * (end - start - 1)) if newline else " " * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)


class _Recorder(HTMLParser):
    """Records ``(offset, kind, tag, end)`` for every parser event; ``end`` is exact or ``None``."""

    def __init__(self, text: str, base: int, html_document: bool) -> None:
        super().__init__(convert_charrefs=False)
        self.events: list[tuple[int, str, str, int | None]] = []
        self._base = base
        self._html = html_document
        self._line_starts = [0]
        self._line_starts += [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self) -> int:
        line, col = self.getpos()
        return self._base + self._line_starts[line - 1] + col

    def _add(self, kind: str, tag: str = "", length: int | None = None) -> None:
        start = self.position()
        self.events.append((start, kind, tag, None if length is None else start + length))

    def set_cdata_mode(self, elem: str) -> None:
        # In plain text a "<script>" is usually words about scripts; reading on
        # as raw text to a "</script>" that never comes would hide later tags.
        if self._html:
            super().set_cdata_mode(elem)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("start", tag, len(self.get_starttag_text() or ""))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._add("startend", tag, len(self.get_starttag_text() or ""))

    def handle_endtag(self, tag: str) -> None:
        self._add("end", tag)

    def handle_comment(self, data: str) -> None:
        self._add("comment")

    def handle_decl(self, decl: str) -> None:
        self._add("decl")

    def unknown_decl(self, data: str) -> None:
        self._add("decl")

    def handle_pi(self, data: str) -> None:
        self._add("pi")

    def handle_data(self, data: str) -> None:
        self._add("data")

    def handle_entityref(self, name: str) -> None:
        self._add("data")

    def handle_charref(self, name: str) -> None:
        self._add("data")


def _events(text: str, html_document: bool) -> list[tuple[int, str, str, int]]:
    """Parse ``text`` into events with exact ``[start, end)`` spans.

    A construct the parser rejects (it raises on some malformed declarations)
    is left as text: parsing restarts just after its ``<``.
    """
    raw: list[tuple[int, str, str, int | None]] = []
    base = 0
    while base < len(text):
        parser = _Recorder(text[base:], base, html_document)
        try:
            parser.feed(text[base:])
            parser.close()
        except Exception:  # HTMLParser raises AssertionError and others on odd input
            failed = parser.position()
            raw += [e for e in parser.events if e[0] < failed]
            raw.append((failed, "data", "", None))
            base = failed + 1
            continue
        raw += parser.events
        break
    events = []
    for i, (start, kind, tag, end) in enumerate(raw):
        limit = raw[i + 1][0] if i + 1 < len(raw) else len(text)
        if end is None:
            end = limit
            # The parser skips a few characters without an event (a stray "</>",
            # a "&" at the very end); markup ends at its last ">".
            if kind in _MARKUP and not text.endswith(">", start, end):
                gt = text.rfind(">", start, end)
                end = gt + 1 if gt >= 0 else end
        events.append((start, kind, tag, min(end, limit)))
    return events


def _is_markup(text: str, event: tuple[int, str, str, int], html_document: bool) -> bool:
    start, kind, tag, end = event
    if html_document:
        return kind in _MARKUP
    if kind == "comment":
        return text.startswith("<!--", start)
    return (
        kind in ("start", "end", "startend")
        and tag in HTML_ELEMENTS
        and _WELL_FORMED_TAG.fullmatch(text, start, end) is not None
    )


def _markup_spans(
    events: list[tuple[int, str, str, int]], text: str, html_document: bool
) -> list[tuple[int, int, bool]]:
    """Spans to blank, in order and disjoint, with whether each starts a new line."""
    closes = _hidden_pairs(events)
    spans: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(events):
        start, kind, tag, end = events[i]
        if not _is_markup(text, events[i], html_document):
            i += 1
            continue
        if kind == "start" and tag in HIDDEN_TAGS and (i in closes or html_document):
            close = closes.get(i)
            spans.append((start, len(text) if close is None else events[close][3], False))
            i = len(events) if close is None else close + 1
            continue
        spans.append((start, end, tag in BLOCK_TAGS))
        i += 1
    return spans


def _hidden_pairs(events: list[tuple[int, str, str, int]]) -> dict[int, int]:
    """Map the index of each hidden element's start tag to the index of its end tag."""
    open_at: dict[str, list[int]] = {tag: [] for tag in HIDDEN_TAGS}
    pairs: dict[int, int] = {}
    for i, (_, kind, tag, _) in enumerate(events):
        if tag not in open_at:
            continue
        if kind == "start":
            open_at[tag].append(i)
        elif kind == "end" and open_at[tag]:
            pairs[open_at[tag].pop()] = i
    return pairs
