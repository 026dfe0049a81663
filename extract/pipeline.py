"""The extraction pipeline: documents in, one ``Extraction`` (entities, mentions, claims) out per document."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import lru_cache

import spacy
from spacy.language import Language

from . import claims, entity_rules, extensions, resolve, tokenizer  # noqa: F401 - register factories
from .engines import DEFAULT_BATCH_SIZE
from .lexicon import data_path
from .ner import add_ner
from .records import Document, Extraction, Mention
from .resolve import MENTIONS


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
    """Run the pipeline over documents in batches; offsets refer to each ``Document.text``."""
    nlp = nlp or load_pipeline()

    def prepared() -> Iterator[tuple[spacy.tokens.Doc, Document]]:
        for document in documents:
            doc = nlp.make_doc(document.plain)
            doc._.doc_name = document.name
            doc._.posts = document.posts
            yield doc, document

    for doc, document in nlp.pipe(prepared(), as_tuples=True, batch_size=batch_size):
        text = document.text
        mentions = [
            Mention(
                document.name, e.start_char, e.end_char, text[e.start_char : e.end_char], e.label_, e.kb_id_
            )
            for e in doc.spans[MENTIONS]
        ]
        found = [replace(c, text=text[c.start : c.end]) for c in doc._.claims]
        yield Extraction(document, list(doc._.entities.values()), mentions, found)
