"""Plain typed records that flow from `extract` to `graph`.

Every offset is a Python ``str`` index into ``Document.text``, the decoded file
before any normalisation, so that ``text == document.text[start:end]`` holds for
every mention and claim.
"""

from __future__ import annotations

from dataclasses import dataclass, field

ENTITY_TYPES = ("PERSON", "ORG", "GPE", "LAW", "PRODUCT")
CLAIM_TYPES = (
    "statement",
    "accusation",
    "denial",
    "warning",
    "demand",
    "question",
    "support",
    "criticism",
    "admission",
)
QUOTE_KINDS = ("direct", "indirect")
AUTHOR = "author"
"""Speaker id of a document's unnamed author (GUIDELINES.md)."""


@dataclass(frozen=True, slots=True)
class QuotedPost:
    """An earlier post quoted inside a reply (a forum ``<blockquote>``).

    ``start``/``end`` cover the quoted words; ``block_start``/``block_end`` the
    whole quotation, with its tags and its "NAME 发表于 DATE" header.
    """

    author: str | None
    start: int
    end: int
    block_start: int
    block_end: int
    author_start: int | None = None
    """Where the quoted poster's name stands in the text, when the quotation names them."""
    author_end: int | None = None


@dataclass(frozen=True, slots=True)
class Post:
    """One post of a forum thread: who wrote it, where, and what it quotes.

    ``start``/``end`` cover the post body (after its header); the poster's own
    words are that body minus the ``quotes`` spans.
    """

    floor: int
    author: str
    author_start: int
    author_end: int
    time: str | None
    start: int
    end: int
    quotes: tuple[QuotedPost, ...] = ()


@dataclass(frozen=True, slots=True)
class DocumentMeta:
    """What a newsroom knows of a document besides its text: where and when it was published.

    Every field is optional; each comes from the input as it was given (a JSON Lines or CSV row's
    fields, an HTML page's meta and JSON-LD, a plain text's header lines), never guessed.
    ``published`` is ISO 8601, ``2025-03-08`` or ``2025-03-08T10:30:00+08:00``; ``precision`` says
    which: ``day`` or ``time`` (a date without a year is not kept). ``script`` is ``Hans`` or
    ``Hant`` when the text is Chinese in that script.
    """

    title: str | None = None
    published: str | None = None
    precision: str | None = None
    outlet: str | None = None
    url: str | None = None
    author: str | None = None
    language: str | None = None
    script: str | None = None


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded input file.

    ``text`` is the reference for all offsets. ``plain`` has the same length,
    with markup (HTML tags, comments, scripts) blanked out, so extraction can
    run over ``plain`` and its offsets hold for ``text`` unchanged.
    """

    name: str
    text: str
    plain: str
    sha256: str
    encoding: str
    media_type: str
    posts: tuple[Post, ...] = ()
    source: str = ""
    meta: DocumentMeta = DocumentMeta()


@dataclass(frozen=True, slots=True)
class Mention:
    """A surface form of an entity at an exact place in a document."""

    doc: str
    start: int
    end: int
    text: str
    type: str
    entity: str


@dataclass(slots=True)
class Entity:
    """One real thing; ``id`` is stable across documents and builds."""

    id: str
    type: str
    name: str
    labels: dict[str, str] = field(default_factory=dict)
    aliases: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Claim:
    """A proposition a speaker asserts, with the exact span of its content.

    ``speaker`` is an entity id or ``AUTHOR``; ``cue_start``/``cue_end`` are
    ``None`` when there is no cue word (a forum post, a bare quotation).
    ``speaker_start``/``speaker_end`` point at the mention the speaker was
    read from (``None`` when it was inferred: a poster, the author).
    """

    doc: str
    start: int
    end: int
    text: str
    speaker: str
    cue: str
    cue_start: int | None
    cue_end: int | None
    targets: tuple[str, ...]
    type: str
    quote: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    post: int | None = None


@dataclass(slots=True)
class Extraction:
    """Everything extracted from one document."""

    document: Document
    entities: list[Entity]
    mentions: list[Mention]
    claims: list[Claim]
    outlet: str | None = None
    """The entity id of the outlet that published the document (its ``meta.outlet``), also in ``entities``."""
