"""Blank out HTML markup while keeping every offset.

Extraction runs over the blanked copy and its offsets hold for the original
text, so no mapping table between "clean" and "raw" text is ever needed.

Both readers are linear in the length of the text, however it is malformed:

* An HTML document goes through the tokenizer of turbohtml (the WHATWG
  tokenization in C), which gives each token's line, column and source text,
  so every tag, comment, doctype and processing instruction has exact offsets;
  the tokenizer also knows which elements hold raw text (script, style,
  textarea, ...). What it drops (``</>``, a tag cut off by the end of the
  document) keeps its text, as it did before.
* Plain text and Markdown go through no HTML parser at all. One scan visits
  each ``<`` once: a compiled expression tries a well-formed tag there, with
  possessive quantifiers (it never backtracks, and reads past a ``<`` or
  ``>`` only inside a quoted attribute value); a ``<!--`` looks for its end
  once, and when there is none no later comment can have one either.

Until issue 13 the standard library's ``HTMLParser`` read both. On Python
3.11.7 it rescans to the end of the text for each ``<`` it cannot close
(CVE-2025-6069): ``"<a " * 33000`` (99 KB) took 100 s and 1 MB hours. Its
fix also changed what an unclosed construct becomes, so the output depended
on the Python patch release. Of the tokenizers looked at (html5lib and its
fork html5rdf, lxml, selectolax/lexbor, justhtml, markupever/html5ever,
turbohtml), turbohtml's is the one that reports where each token is in the
source; the others build a tree or stream tokens without offsets.
"""

from __future__ import annotations

import re

import turbohtml

_BLOCK = (
    "p div br blockquote li ul ol h1 h2 h3 h4 h5 h6 tr td table section article header footer hr title pre"
)
BLOCK_TAGS = frozenset(_BLOCK.split())
"""Tags that end a line of text: they become a newline, so sentences do not run together."""

HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
"""Elements whose whole content is not readable text."""

_HIDDEN_IN_HTML = HIDDEN_TAGS | {"iframe", "noembed", "noframes"}
"""Hidden in an HTML document too: the tokenizer reads their content as raw text, never shown."""

_RAW_TEXT = frozenset(
    {"script", "style", "noscript", "xmp", "textarea", "title", "plaintext", "iframe", "noembed", "noframes"}
)
"""Elements whose content the HTML tokenizer reads as text up to their end tag; ``/>`` does not close them."""

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

_OPENING = re.compile(r"<(?:!--|/?[a-zA-Z])")
_WELL_FORMED_TAG = re.compile(
    r"""<(?:
        (?P<start>[a-zA-Z][a-zA-Z0-9]*+)
        (?:\s++[^\s"'<>/=]++(?:\s*+=\s*+(?:"[^"]*+"|'[^']*+'|[^\s"'=<>`]++))?+)*+
        \s*+(?P<slash>/?)>
      | /(?P<end>[a-zA-Z][a-zA-Z0-9]*+)\s*+>
    )""",
    re.VERBOSE,
)
"""What a tag inside plain text must look like, so that ``a<b`` and ``<<书名>>`` are text."""
_COMMENT_END = re.compile(r"--\s*>")
_LINE_BREAK = re.compile(r"\r\n?|\n")

_KINDS = {
    turbohtml.TokenType.COMMENT: "comment",
    turbohtml.TokenType.DOCTYPE: "decl",
    turbohtml.TokenType.PROCESSING_INSTRUCTION: "pi",
    turbohtml.TokenType.END_TAG: "end",
}
_READABLE = frozenset({turbohtml.TokenType.TEXT, turbohtml.TokenType.CHARACTER_REFERENCE})

_Markup = tuple[int, int, str, str]
"""``(start, end, kind, tag)``: kind is start, startend or end for a tag, else comment, decl or pi."""


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
    if html_document:
        spans = _spans(_html_markup(text), len(text), _HIDDEN_IN_HTML, hide_unclosed=True)
    else:
        spans = _spans(_text_markup(text), len(text), HIDDEN_TAGS, hide_unclosed=False)
    parts: list[str] = []
    done = 0
    for start, end, newline in spans:
        parts.append(text[done:start])
        parts.append(("\n" + " " * (end - start - 1)) if newline else " " * (end - start))
        done = end
    parts.append(text[done:])
    return "".join(parts)


def _text_markup(text: str) -> list[_Markup]:
    """Well-formed tags with a known element name, and closed comments, in plain text."""
    markup: list[_Markup] = []
    comments_can_close = True
    at = 0
    while (opening := _OPENING.search(text, at)) is not None:
        start = at = opening.start()
        if opening.group() == "<!--":
            close = _COMMENT_END.search(text, start + 4) if comments_can_close else None
            if close is None:
                comments_can_close = False  # nor can any later "<!--"
                at += 1
            else:
                markup.append((start, close.end(), "comment", ""))
                at = close.end()
            continue
        tag = _WELL_FORMED_TAG.match(text, start)
        if tag is None:
            at += 1
            continue
        # A well-formed tag of no known element is text, and so is what it quotes.
        at = tag.end()
        name = (tag["start"] or tag["end"]).lower()
        if name in HTML_ELEMENTS:
            kind = "end" if tag["end"] else "startend" if tag["slash"] else "start"
            markup.append((start, at, kind, name))
    return markup


def _html_markup(text: str) -> list[_Markup]:
    """Every tag, comment, doctype and processing instruction of an HTML document.

    The tokenizer counts a line break (``\\r\\n``, ``\\r`` or ``\\n``) as one
    character; a token's line and column, and the line breaks in its source,
    place it exactly in ``text``.
    """
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    markup: list[_Markup] = []
    for token in turbohtml.tokenize(text, capture_source=True, resolve_references=False):
        if token.type in _READABLE:
            continue
        start = line_starts[token.line - 1] + token.col
        source = token.source or ""
        breaks = source.count("\n")
        if breaks:
            end = line_starts[token.line - 1 + breaks] + len(source) - source.rfind("\n") - 1
        else:
            end = start + len(source)
        if token.type == turbohtml.TokenType.START_TAG:
            tag = token.tag or ""
            kind = "startend" if token.self_closing and tag not in _RAW_TEXT else "start"
        else:
            tag, kind = token.tag or "", _KINDS[token.type]
        markup.append((start, end, kind, tag))
    return markup


def _spans(
    markup: list[_Markup], length: int, hidden: frozenset[str], *, hide_unclosed: bool
) -> list[tuple[int, int, bool]]:
    """Spans to blank, in order and disjoint, with whether each starts a new line."""
    closes = _hidden_pairs(markup, hidden)
    spans: list[tuple[int, int, bool]] = []
    i = 0
    while i < len(markup):
        start, end, kind, tag = markup[i]
        if kind == "start" and tag in hidden and (i in closes or hide_unclosed):
            close = closes.get(i)
            spans.append((start, length if close is None else markup[close][1], False))
            i = len(markup) if close is None else close + 1
            continue
        spans.append((start, end, tag in BLOCK_TAGS))
        i += 1
    return spans


def _hidden_pairs(markup: list[_Markup], hidden: frozenset[str]) -> dict[int, int]:
    """Map the index of each hidden element's start tag to the index of its end tag."""
    open_at: dict[str, list[int]] = {tag: [] for tag in hidden}
    pairs: dict[int, int] = {}
    for i, (_, _, kind, tag) in enumerate(markup):
        if tag not in open_at:
            continue
        if kind == "start":
            open_at[tag].append(i)
        elif kind == "end" and open_at[tag]:
            pairs[open_at[tag].pop()] = i
    return pairs
