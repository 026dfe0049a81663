"""Documents of any length: extracted in bounded pieces, with the records of a whole extraction.

Issue 13: one document over spaCy's ``max_length`` (1,000,000 characters) stopped the whole build, and
memory grew by about 6 KB per character of a document. A document longer than ``MAX_BATCH_CHARS`` now
goes through the token components in pieces and is resolved whole.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import extract.pipeline as pipeline
from extract.ingest import read_document
from extract.pipeline import cut_points, extract_documents, load_pipeline
from extract.records import Extraction
from tests.extraction_helpers import extract_text

SEEDS = sorted((Path(__file__).resolve().parents[1] / "seeds").glob("*.txt"))

PARAGRAPHS = (
    "美国商务部长霍华德·卢特尼克周三表示，英伟达不得向中国出售最先进的芯片。",
    "卢特尼克说：“我们必须保护美国的技术。”他还指责DeepSeek规避出口管制。",
    "外交部发言人毛宁回应称，中方坚决反对美方将经贸问题政治化。",
    "华为否认了有关其使用走私芯片的报道，并称公司一直遵守法律。",
)


def records(x: Extraction) -> tuple[object, ...]:
    entities = sorted((e.id, e.type, e.name, tuple(e.aliases)) for e in x.entities)
    mentions = [(m.start, m.end, m.text, m.type, m.entity) for m in x.mentions]
    return entities, mentions, sorted(x.claims, key=lambda c: (c.start, c.end, c.speaker))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name)
def test_a_document_in_pieces_gives_the_records_of_the_whole(
    seed: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    document = read_document(seed.name, seed.read_bytes())
    (whole,) = extract_documents([document])
    monkeypatch.setattr(pipeline, "MAX_BATCH_CHARS", 1500)
    (pieces,) = extract_documents([document])
    assert len(document.text) > 1500
    assert records(pieces) == records(whole)


def test_a_document_longer_than_spacys_limit_is_extracted(monkeypatch: pytest.MonkeyPatch) -> None:
    """The reproduction of spaCy's E088 at a small scale: a lower ``max_length``, a longer document."""
    text = "\n\n".join(PARAGRAPHS * 40)
    nlp = load_pipeline()
    monkeypatch.setattr(nlp, "max_length", 2000)
    monkeypatch.setattr(pipeline, "MAX_BATCH_CHARS", 1000)
    x = extract_text(text)
    assert len(text) > 2 * nlp.max_length
    assert all(text[m.start : m.end] == m.text for m in x.mentions)
    assert all(text[c.start : c.end] == c.text for c in x.claims)
    lutnick = {c for c in x.claims if c.speaker == "howard_lutnick"}
    assert len(lutnick) >= 40  # every paragraph's claims, the last piece's as the first's
    assert max(c.start for c in lutnick) > len(text) - 1000


def test_short_documents_share_a_batch_up_to_the_character_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pipeline, "MAX_BATCH_CHARS", 100)
    sizes = [40, 40, 40, 150, 10]
    docs = [type("D", (), {"plain": "字" * n})() for n in sizes]
    batches = [[len(d.plain) for d in batch] for batch in pipeline._char_batches(docs)]
    assert batches == [[40, 40], [40], [150], [10]]


@given(st.text(alphabet="ab\n。 字", max_size=400), st.integers(min_value=2, max_value=60))
def test_cut_points_cover_the_text_in_pieces_of_at_most_the_limit(text: str, limit: int) -> None:
    cuts = cut_points(text, limit)
    assert cuts[0] == 0 and cuts[-1] == len(text)
    assert all(0 < b - a <= limit for a, b in pairwise(cuts)) or text == ""


def test_cut_points_prefer_a_paragraph_break_then_a_sentence_end_in_the_second_half() -> None:
    text = "一" * 6 + "\n\n" + "二" * 5 + "\n" + "三" * 3 + "。" + "四" * 8
    cuts = cut_points(text, 12)
    assert [text[a:b] for a, b in pairwise(cuts)] == [
        "一" * 6 + "\n\n",
        "二" * 5 + "\n" + "三" * 3 + "。",
        "四" * 8,
    ]


def test_a_piece_sees_the_quoted_posters_names_where_they_stand_in_it() -> None:
    from extract.pipeline import _shift
    from extract.records import Post, QuotedPost

    quote = QuotedPost("老王", 120, 130, 100, 131, author_start=105, author_end=107)
    post = Post(
        floor=2, author="小李", author_start=90, author_end=92, time=None, start=95, end=140, quotes=(quote,)
    )
    (moved,) = _shift(post, -100).quotes
    assert (moved.author_start, moved.author_end, moved.start, moved.block_start) == (5, 7, 20, 0)
