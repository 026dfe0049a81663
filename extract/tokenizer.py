"""A tokenizer for Chinese text with Latin names mixed in.

spaCy's ``char`` segmenter splits ``DeepSeek`` into eight tokens, so a gazetteer
entry ``Meta`` would also match inside ``Metaverse``. Here every CJK character
is a token (what a character-level NER wants) while a run of Latin letters and
digits (``DeepSeek``, ``H20``, ``S.321``, ``GPT-4o``) stays one token.
"""

from __future__ import annotations

import re

import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

_LATIN = r"0-9A-Za-z\u00C0-\u024F\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A"
_TOKEN = re.compile(rf"[{_LATIN}]+(?:[.\-_'’][{_LATIN}]+)*|\S")


class MixedScriptTokenizer:
    """CJK characters one by one, Latin/digit runs whole, whitespace as spaCy expects."""

    def __init__(self, vocab: Vocab) -> None:
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []

        def white(gap: str) -> None:
            """One space after a token is its trailing space; any other white space is a token."""
            if words and gap.startswith(" "):
                spaces[-1] = True
                gap = gap[1:]
            if gap:
                words.append(gap)
                spaces.append(False)

        pos = 0
        for match in _TOKEN.finditer(text):
            white(text[pos : match.start()])
            words.append(match.group())
            spaces.append(False)
            pos = match.end()
        white(text[pos:])
        return Doc(self.vocab, words=words, spaces=spaces)

    def to_disk(self, path, **kwargs) -> None:
        """Stateless; present so ``nlp.to_disk`` works."""

    def from_disk(self, path, **kwargs) -> MixedScriptTokenizer:
        """Stateless; present so ``spacy.load`` works."""
        return self


@spacy.registry.tokenizers("claimgraph.MixedScriptTokenizer.v1")
def create_tokenizer():
    """Registered so a pipeline config can name this tokenizer."""

    def make(nlp) -> MixedScriptTokenizer:
        return MixedScriptTokenizer(nlp.vocab)

    return make
