"""Chinese script conversion (OpenCC) and the normal form used to compare names.

Traditional and simplified spellings of one name must meet as one entity, so
every comparison key goes through :func:`name_key`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
_S2T = opencc.OpenCC("s2t")
_S2TW = opencc.OpenCC("s2tw")
_S2HK = opencc.OpenCC("s2hk")


@lru_cache(maxsize=65536)
def to_simplified(text: str) -> str:
    """Simplified-script form of ``text`` (Latin and punctuation unchanged)."""
    return _T2S.convert(text)


def traditional_variants(text: str) -> set[str]:
    """The traditional spellings OpenCC gives for ``text`` (generic, Taiwan, Hong Kong)."""
    return {_S2T.convert(text), _S2TW.convert(text), _S2HK.convert(text)} - {text}


@lru_cache(maxsize=65536)
def name_key(text: str) -> str:
    """Compare names the way the guidelines do: NFKC, simplified, no spaces, case-folded.

    >>> name_key("Howard  Lutnick") == name_key("howard lutnick")
    True
    >>> name_key("英偉達") == name_key("英伟达")
    True
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(to_simplified(folded).split()).casefold()


def is_traditional(text: str) -> bool:
    """True when converting to simplified changes ``text``: it is written in traditional script."""
    return to_simplified(text) != text
