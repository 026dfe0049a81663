"""Run the real pipeline on a sentence written in a test."""

from __future__ import annotations

from extract.forum import split_posts
from extract.markup import blank_markup
from extract.pipeline import extract_documents
from extract.records import Document, Extraction


def extract_text(text: str, name: str = "t.txt") -> Extraction:
    """Extract from ``text`` as if it were a UTF-8 file called ``name``."""
    plain = blank_markup(text, html_document=False)
    doc = Document(
        name=name,
        text=text,
        plain=plain,
        sha256="0" * 64,
        encoding="utf-8",
        media_type="text/plain",
        posts=split_posts(text, plain),
        source=name,
    )
    return next(extract_documents([doc]))


def entity_of(x: Extraction, surface: str) -> str:
    """The entity id of the first mention of ``surface``."""
    return next(m.entity for m in x.mentions if m.text == surface)


def aliases(x: Extraction, entity: str) -> set[str]:
    """Every surface form of ``entity`` in the extraction."""
    return {m.text for m in x.mentions if m.entity == entity}
