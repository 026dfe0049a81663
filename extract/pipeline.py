"""The extraction pipeline: documents in, one ``Extraction`` (entities, mentions, claims) out per document.

Memory is bounded whatever the documents' lengths. The statistical NER holds about 9 KB for every token
of the batch it predicts, so a batch never holds more than ``MAX_BATCH_CHARS`` characters: documents are
grouped up to ``batch_size`` and up to that many characters. A longer document is cut into pieces of at
most that size at paragraph breaks (``cut_points``); the components that read tokens (gazetteer, patterns,
posters, NER) run on each piece as its own ``Doc``, and resolution and claims, which read text and
offsets only, run once over the whole document, so names and speakers still resolve across pieces.
Offsets are shifted back at once: every record's offsets are into the whole ``Document.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache
from itertools import islice, pairwise

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import claims, entity_rules, extensions, resolve, tokenizer  # noqa: F401 - register factories
from .batching import DEFAULT_BATCH_SIZE
from .claims import ClaimFinder
from .lexicon import data_path
from .mentions import Ment
from .ner import RESOLVER, add_ner
from .outlets import with_outlet
from .records import Document, Extraction, Mention, Post
from .resolve import MENTIONS, Proposal, Resolved, proposals_of

MAX_BATCH_CHARS = 50_000
"""Characters in one ``nlp.pipe`` batch at most (about 400 MB of NER state); longer documents go in pieces."""
_BREAKS = ("\n\n", "\n", "。", "！", "？", "；", ". ", " ")
"""Where a piece may end, best first: a paragraph, a line, a sentence, a word."""


@lru_cache(maxsize=2)
def load_pipeline(*, statistical: bool = True) -> Language:
    """The spaCy pipeline of ``extract/data/pipeline.cfg``, with the project's trained NER unless told not to.

    Nothing is downloaded: the rules are data files and the NER ships in ``extract/ner/model``.
    """
    config = spacy.util.load_config(data_path("pipeline.cfg"))
    nlp = spacy.util.load_model_from_config(config, auto_fill=True, validate=True)
    if statistical:
        add_ner(nlp)
    return nlp


def extract_documents(
    documents: Iterable[Document], *, nlp: Language | None = None, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[Extraction]:
    """Run the pipeline over documents in batches, in input order; offsets refer to each ``Document.text``.

    Documents are taken ``batch_size`` at a time, as the engines send them, so every engine makes the
    same batches; within those, a batch ends early at ``MAX_BATCH_CHARS``.
    """
    nlp = nlp or load_pipeline()
    it = iter(documents)
    while chunk := list(islice(it, batch_size)):
        for batch in _char_batches(chunk):
            if len(batch) == 1 and len(batch[0].plain) > MAX_BATCH_CHARS:
                yield _extract_in_pieces(batch[0], nlp)
            else:
                yield from _extract_whole(batch, nlp)


def _char_batches(documents: list[Document]) -> Iterator[list[Document]]:
    """Runs of ``documents`` of at most ``MAX_BATCH_CHARS`` characters (a longer document alone)."""
    batch: list[Document] = []
    size = 0
    for document in documents:
        if batch and size + len(document.plain) > MAX_BATCH_CHARS:
            yield batch
            batch, size = [], 0
        batch.append(document)
        size += len(document.plain)
    if batch:
        yield batch


def _extract_whole(documents: list[Document], nlp: Language) -> Iterator[Extraction]:
    def prepared() -> Iterator[tuple[Doc, Document]]:
        for document in documents:
            yield _make_doc(nlp, document.name, document.plain, document.posts), document

    for doc, document in nlp.pipe(prepared(), as_tuples=True, batch_size=len(documents)):
        text = document.text
        mentions = [
            Mention(
                document.name, e.start_char, e.end_char, text[e.start_char : e.end_char], e.label_, e.kb_id_
            )
            for e in doc.spans[MENTIONS]
        ]
        found = [replace(c, text=text[c.start : c.end]) for c in doc._.claims]
        yield with_outlet(Extraction(document, list(doc._.entities.values()), mentions, found))


def _extract_in_pieces(document: Document, nlp: Language) -> Extraction:
    """A document longer than a batch: token components piece by piece, then resolution and claims whole."""
    text, plain = document.text, document.plain
    token_stage = nlp.pipe_names[: nlp.pipe_names.index(RESOLVER)]
    proposals: list[Proposal] = []
    starts, ends = bytearray(len(plain) + 1), bytearray(len(plain) + 1)  # token boundaries
    cuts = cut_points(plain, MAX_BATCH_CHARS)
    with nlp.select_pipes(enable=token_stage):
        for start, end in pairwise(cuts):
            posts = tuple(_shift(p, -start) for p in document.posts if p.author_start < end and p.end > start)
            doc = nlp(_make_doc(nlp, document.name, plain[start:end], posts))
            proposals += [replace(p, start=p.start + start, end=p.end + start) for p in proposals_of(doc)]
            for token in doc:
                starts[start + token.idx] = ends[start + token.idx + len(token)] = 1
    entities, found = resolve.resolve(plain, proposals)
    aligned = sorted((m for m in found if starts[m.start] and ends[m.end]), key=lambda m: (m.start, m.end))
    outer = [m for m in aligned if not m.nested]
    claims_found = ClaimFinder(document.name, plain, [_ment(m) for m in outer], document.posts).run()
    mentions = [
        Mention(document.name, m.start, m.end, text[m.start : m.end], m.label, m.entity) for m in aligned
    ]
    found_claims = [replace(c, text=text[c.start : c.end]) for c in claims_found]
    return with_outlet(Extraction(document, list(entities.values()), mentions, found_claims))


def cut_points(text: str, limit: int) -> list[int]:
    """Offsets ``0 = c0 < c1 < … = len(text)`` cutting ``text`` into pieces of at most ``limit`` characters.

    Each cut falls just after the best break (``_BREAKS``) in the second half of its piece, else at the
    limit itself.

    >>> cut_points("ab\\n\\ncd。efgh", 5)
    [0, 4, 7, 11]
    >>> cut_points("abcdefg", 3)
    [0, 3, 6, 7]
    """
    cuts = [0]
    while len(text) - cuts[-1] > limit:
        start = cuts[-1]
        end = start + limit
        for mark in _BREAKS:
            found = text.rfind(mark, start + limit // 2, end)
            if found >= 0:
                end = found + len(mark)
                break
        cuts.append(end)
    cuts.append(len(text))
    return cuts


def _make_doc(nlp: Language, name: str, plain: str, posts: tuple[Post, ...]) -> Doc:
    doc = nlp.make_doc(plain)
    doc._.doc_name = name
    doc._.posts = posts
    return doc


def _shift(post: Post, by: int) -> Post:
    """``post`` with every offset moved by ``by``: the same post, as a piece of its document sees it."""
    quotes = tuple(
        replace(
            q,
            start=q.start + by,
            end=q.end + by,
            block_start=q.block_start + by,
            block_end=q.block_end + by,
            author_start=None if q.author_start is None else q.author_start + by,
            author_end=None if q.author_end is None else q.author_end + by,
        )
        for q in post.quotes
    )
    return replace(
        post,
        author_start=post.author_start + by,
        author_end=post.author_end + by,
        start=post.start + by,
        end=post.end + by,
        quotes=quotes,
    )


def _ment(m: Resolved) -> Ment:
    return Ment(m.start, m.end, m.label, m.entity)
