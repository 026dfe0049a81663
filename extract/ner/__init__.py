"""The project's own statistical NER: a spaCy ``ner`` on the project's character tokens.

No Chinese model can be downloaded here, so one is trained from the public corpora in
``../shared/corpora`` (CLUENER2020 train, People's Daily 1998) by :func:`extract.ner.train.train_ner`,
and the result ships in ``extract/ner/model`` (labels ``PERSON``, ``ORG``, ``GPE``; label mapping and
split in :mod:`extract.ner.corpora`). The ``ner`` component carries its own small CNN ``tok2vec``, so
it is the only component to source. It writes ``doc.ents``, which the resolver reads as the ``ner``
source of proposals (ranked below gazetteer and patterns).
"""

from __future__ import annotations

from pathlib import Path

import spacy
from spacy.language import Language

from .. import tokenizer  # noqa: F401 - the model's config names claimgraph.MixedScriptTokenizer.v1

MODEL_DIR = Path(__file__).with_name("model")
COMPONENT = "ner"
RESOLVER = "claimgraph_resolver"


def load_model(model_dir: Path = MODEL_DIR) -> Language:
    """The trained NER pipeline (tokenizer + ``ner``), from disk, without network."""
    return spacy.load(model_dir)


def add_ner(nlp: Language, *, model_dir: Path = MODEL_DIR, name: str = COMPONENT) -> None:
    """Add the trained ``ner`` to ``nlp`` just before ``claimgraph_resolver`` (last if there is none).

    ``nlp`` must tokenise like the model (the project tokenizer): the model was trained on its tokens.
    """
    source = load_model(model_dir)
    where = {"before": RESOLVER} if RESOLVER in nlp.pipe_names else {}
    nlp.add_pipe(COMPONENT, name=name, source=source, **where)
