"""Blanking markup: same length, same offsets, text untouched."""

from __future__ import annotations

import random
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
        text, expected = "", ""
        for _ in range(rng.randrange(1, 25)):
            if rng.random() < 0.4:
                tag, block = rng.choice(MARKUP_PIECES)
                text += tag
                expected += ("\n" + " " * (len(tag) - 1)) if block else " " * len(tag)
            else:
                piece = rng.choice(TEXT_PIECES)
                text += piece
                expected += piece
        assert blank_markup(text, html_document=html_document) == expected, text


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
