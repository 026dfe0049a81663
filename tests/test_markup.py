"""Blanking markup: same length, same offsets, text untouched."""

from __future__ import annotations

import random
import signal
import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from extract.markup import blank_markup

SEEDS = Path(__file__).parent.parent / "seeds"


def test_forum_quote_line_keeps_words_and_breaks_lines():
    link = '<a href="x?a=1&amp;b=2" target="_blank">'
    text = f"<blockquote>{link}yangkaim4 发表于 2025-1-31 09:19</a>\n词</blockquote>无非是"
    plain = blank_markup(text, html_document=False)
    assert len(plain) == len(text)
    assert plain.split() == ["yangkaim4", "发表于", "2025-1-31", "09:19", "词", "无非是"]
    assert plain.startswith("\n")
    assert plain[text.index("</blockquote>")] == "\n"


def test_html_document():
    text = (
        "<!DOCTYPE html><html><head><title>制裁 &amp; 关税</title>"
        "<style>p { color: red }</style><script>if (a<b) x = '</p>';</script></head>"
        "<body><!-- note --><p>第一段&#39;</p><noscript>请启用脚本</noscript><svg><text>图</text></svg>"
        "<template><p>模板</p></template><div>第二段<br/>下一行</div><?php echo 1 ?></body></html>"
    )
    plain = blank_markup(text, html_document=True)
    assert len(plain) == len(text)
    assert plain.split() == ["制裁", "&amp;", "关税", "第一段&#39;", "第二段", "下一行"]
    assert plain[text.index("<br/>")] == "\n"
    assert plain[text.index("<title>")] == "\n"


def test_unclosed_script_hides_the_rest_of_an_html_document():
    assert blank_markup("a<script>var x = 1; <p>b", html_document=True) == "a" + " " * 23


def test_unknown_tags_are_markup_only_in_html():
    text = "<o:p>词</o:p><foo bar>词</foo>"
    assert blank_markup(text, html_document=False) == text
    assert blank_markup(text, html_document=True).split() == ["词", "词"]


@pytest.mark.parametrize(
    "text",
    [
        "a<b",
        "a < b and b > c",
        "<<书名>>与《书名》",
        "a<b and <<书名>>",
        "3<5>2",
        "<https://example.com/a?b=1>",
        "<foo>not html</foo>",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
        "<!bogus>",
        "&amp; &#39; &nbsp",
        "<b",
        "</",
        "<!-- unterminated",
    ],
)
def test_plain_text_keeps_what_is_not_a_known_tag(text):
    assert blank_markup(text, html_document=False) == text


def test_plain_text_blanks_known_tags_and_comments():
    image, comment = '<img src="a.png" referrerpolicy="no-referrer">', "<!-- c -->"
    text = f"见<b>此</b>文<br>完{image}{comment}止"
    expected = "见   此    文\n   完" + " " * len(image + comment) + "止"
    assert blank_markup(text, html_document=False) == expected


def test_plain_text_hides_script_only_when_closed():
    mention = "beware of <script> tags, they run <b>code</b>"
    assert blank_markup(mention, html_document=False) == mention.replace("<script>", " " * 8).replace(
        "<b>", "   "
    ).replace("</b>", "    ")
    closed = "x<script>alert(1)</script>y"
    assert blank_markup(closed, html_document=False) == "x" + " " * 25 + "y"


@pytest.mark.parametrize(
    "text", ["<![foo[ x ]]><p>a</p>", "<!DOCTYPE x [ <!ELEMENT a> ]><p>a</p>", "<![if x]>"]
)
def test_declarations_the_parser_rejects_do_not_raise(text):
    for html_document in (True, False):
        assert len(blank_markup(text, html_document=html_document)) == len(text)


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_seeds_keep_length_and_lose_their_tags(seed):
    text = seed.read_text(encoding="utf-8")
    plain = blank_markup(text, html_document=False)
    assert len(plain) == len(text)
    assert "<blockquote" not in plain and "<img" not in plain and "</a>" not in plain
    assert [c for c in plain if not c.isspace()] == [
        c for c in blank_markup(text, html_document=True) if not c.isspace()
    ]


TEXT_PIECES = ["关税", "Lutnick said", " ", "\n", "\r\n", "a < b", "<<书名>>", "3<5", "&amp;", "x & y", "\t"]
MARKUP_PIECES = [
    ("<p>", True),
    ("</p>", True),
    ("<br/>", True),
    ('<a href="http://x/?a=1&amp;b=2" target="_blank">', False),
    ("</a>", False),
    ("<img src='x.png'>", False),
    ("<!-- 注释 -->", False),
    ("<span\nclass=x>", False),
    ("<BlockQuote>", True),
]


@pytest.mark.parametrize("html_document", [True, False])
def test_generated_documents_blank_exactly_the_tags(html_document):
    rng = random.Random(20250131)
    for _ in range(300):
        text, expected = _generated(rng, MARKUP_PIECES, TEXT_PIECES)
        assert blank_markup(text, html_document=html_document) == expected, text


def _generated(rng: random.Random, markup_pieces, text_pieces) -> tuple[str, str]:
    """A document of random markup and text pieces, and what blanking it must give."""
    text, expected = "", ""
    for _ in range(rng.randrange(1, 25)):
        if rng.random() < 0.4:
            tag, block = rng.choice(markup_pieces)
            text += tag
            expected += ("\n" + " " * (len(tag) - 1)) if block else " " * len(tag)
        else:
            piece = rng.choice(text_pieces)
            text += piece
            expected += piece
    return text, expected


FUZZ_ALPHABET = "<>/!-?&#;=\"' \n\r\tabpsvgciptrlyde[]CDATA文字《》0123456789"


@pytest.mark.parametrize("html_document", [True, False])
def test_fuzz_never_raises_and_only_blanks(html_document):
    rng = random.Random(7)
    fragments = ["<script>", "</script>", "<!--", "-->", "<![CDATA[", "]]>", "<svg>", "</svg>", "<!DOCTYPE"]
    for _ in range(2000):
        pieces = [rng.choice(FUZZ_ALPHABET) for _ in range(rng.randrange(0, 40))]
        pieces += rng.sample(fragments, rng.randrange(0, 3))
        rng.shuffle(pieces)
        text = "".join(pieces)
        plain = blank_markup(text, html_document=html_document)
        assert len(plain) == len(text), text
        assert all(p == t or p in " \n" for p, t in zip(plain, text, strict=True)), text
        assert plain.count("\n") - text.count("\n") <= text.count("<"), text
        if "<" not in text:
            assert plain == text


# Issue 13: on Python 3.11.7 the standard library's HTMLParser rescans to the end of the text for every
# "<" it cannot close (CVE-2025-6069), so "<a " * 33000 (99 KB) took 100 s and 1 MB hours, in .txt too.
PATHOLOGICAL = [
    "<a ",
    '<a href="',
    "<a x='",
    "<!--",
    "<!-- >",
    "</",
    "</a",
    "<!",
    "<![foo[",
    "<![CDATA[",
    "<!DOCTYPE",
    "<?",
    "a<b",
    "<<",
    "<script>",
    "<svg><p>",
]


class _Overtime(BaseException):
    """Not an ``Exception``, so that no ``except Exception`` on the way can swallow it."""


@contextmanager
def _deadline(seconds):
    """Fail a call still running after ``seconds`` of CPU: a quadratic blanking fails fast, not hangs."""

    def expire(signum, frame):
        raise _Overtime(f"blank_markup took more than {seconds} s of CPU")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


WELL_FORMED = '<p>关税</p>见<b>此</b>文<br>完 Lutnick said <a href="x">链接</a><!-- c -->\n'


def _seconds(texts, html_document):
    """Seconds for each text, the best of three rounds that take turns, so that both see the same load."""
    best = [float("inf")] * len(texts)
    for _ in range(3):
        for i, text in enumerate(texts):
            with _deadline(2.0):
                start = time.perf_counter()
                blank_markup(text, html_document=html_document)
                best[i] = min(best[i], time.perf_counter() - start)
    return best


@pytest.mark.parametrize("html_document", [True, False], ids=["html", "text"])
@pytest.mark.parametrize("unit", PATHOLOGICAL)
def test_unterminated_markup_costs_about_what_well_formed_markup_does(unit, html_document):
    # Quadratic, 64 KB of these took from seconds to a minute; linear, about as long as 64 KB of good HTML.
    length = 64_000
    pathological, well_formed = (
        (piece * (length // len(piece) + 1))[:length] for piece in (unit, WELL_FORMED)
    )
    seconds, baseline = _seconds([pathological, well_formed], html_document)
    assert seconds < 10 * baseline + 0.005, (seconds, baseline)


@pytest.mark.parametrize("html_document", [True, False], ids=["html", "text"])
@pytest.mark.parametrize(
    "text",
    [
        "<a " * 33_000,
        "<a" + " b=c" * 50_000,
        '<a x="' + "字" * 200_000,
        "<!--" + "-- " * 50_000,
        "x<b and " * 20_000,
        ("<p>段落</p>" + "<a " * 10 + "<!--") * 5_000,
        '<a x="<b y=' + '" q=" y=' * 30_000,
    ],
    ids=["issue", "attributes", "open-quote", "dashes", "less-than", "mixed", "quotes-out-of-step"],
)
def test_long_unterminated_markup_takes_no_more_than_two_seconds(text, html_document):
    with _deadline(2.0):
        plain = blank_markup(text, html_document=html_document)
    assert len(plain) == len(text)


def test_offsets_hold_across_every_line_break_and_astral_characters():
    # The HTML tokenizer counts "\r\n" as one character; its positions are mapped back exactly.
    text = "😀\r\n<p\r\nclass=x>见\r<b>a</b>\n𠀀<br/>"
    expected = "😀\r\n\n" + " " * 11 + "见\r   a    \n𠀀\n    "
    assert blank_markup(text, html_document=True) == expected
    assert blank_markup(text, html_document=False) == expected


def test_unclosed_comment_hides_the_rest_of_an_html_document_only():
    text = "a<!-- b <p>c"
    assert blank_markup(text, html_document=True) == "a" + " " * 11
    assert blank_markup(text, html_document=False) == "a<!-- b \n  c"


def test_html_raw_text_elements():
    text = "<title>a<b>c</title><iframe><p>x</p></iframe>d<script/>e</script>f"
    expected = "\n      a<b>c\n       " + " " * 25 + "d" + " " * 19 + "f"
    assert blank_markup(text, html_document=True) == expected


def test_plain_text_tag_after_a_lone_less_than_is_still_a_tag():
    assert blank_markup("a<b and <i>x</i>", html_document=False) == "a<b and    x    "
    assert blank_markup("<!-- x <b>y</b>", html_document=False) == "<!-- x    y    "


@pytest.mark.parametrize("html_document", [True, False])
def test_generated_documents_with_carriage_returns_and_astral_characters(html_document):
    text_pieces = [*TEXT_PIECES, "\r", "😀", "𠀀", "\r\r\n"]
    markup_pieces = [
        *MARKUP_PIECES,
        ("<span\r\nclass=x>", False),
        ("<!--\r\n注释\r-->", False),
        ("<P\rclass='😀'>", True),
    ]
    rng = random.Random(13)
    for _ in range(300):
        text, expected = _generated(rng, markup_pieces, text_pieces)
        assert blank_markup(text, html_document=html_document) == expected, text
