"""Bytes to text: ``decode_bytes(data) -> (text, encoding)``, or an ``InputError`` saying why not.

charset-normalizer guesses the encoding; the guess is then judged against the Chinese readings of
the same bytes (GB18030, Big5, UTF-16 without a byte-order mark) by how common in Chinese news text
the characters of each reading are (``data/common_chars.json``, counted from the public corpora by
``data/make_common_chars.py``, read on first use; see ``decode_bytes`` for the rule).

Why it was needed. charset-normalizer scores how chaotic a reading looks, not whether it means
anything, and two Chinese characters in GB18030 are also two Hangul syllables in cp949 or two rare
characters in Big5: short or mostly-ASCII GB18030 and Big5 came back as cp949, Big5, johab,
shift_jis, iso8859-10... mojibake. And real GB18030 was refused as "undecodable (no encoding fits)"
when its mess detector found the *right* reading chaotic too, which happens to text dense in
full-width punctuation (dialogue: "真的嗎？不會吧！", lists of 《titles》、) or with Latin glued to
Chinese ("玩dota，你会发现"): it then returns no guess at all.

Measured with ``benchmarks/decoding.py`` (documents made from the held-out parts of the corpora,
which the table does not count; "short" is 10-60 characters under 30% CJK): share exact / refused /
mojibake, with charset-normalizer's guess alone (the code before) and now:

=========  =========  ===  ======================  =====================
encoding   length     n    before                  now
=========  =========  ===  ======================  =====================
GB18030    short      204  22.5% / 4.4% / 73.0%    93.6% / 0% / 6.4%
GB18030    20-200      95  96.8% / 2.1% / 1.1%     100% / 0% / 0%
GB18030    200-3000   101  100% / 0% / 0%          100% / 0% / 0%
Big5       short      204  70.6% / 1.5% / 27.9%    96.6% / 0% / 3.4%
Big5       20-200      75  96.0% / 1.3% / 2.7%     100% / 0% / 0%
Big5       200-3000   121  98.3% / 1.7% / 0%       100% / 0% / 0%
UTF-16LE   all        400  99.2% / 0.8% / 0%       100% / 0% / 0%
UTF-16BE   all        400  100% / 0% / 0%          100% / 0% / 0%
UTF-8      all        400  100% / 0% / 0%          100% / 0% / 0%
=========  =========  ===  ======================  =====================

What is left is snippets of one or two Chinese words: too little evidence to overrule a wrong guess,
or bytes that are also valid UTF-8 (always read as UTF-8). Of 472 texts in other languages (spaCy's
example sentences in UTF-8 and legacy encodings) none more is read as Chinese than before (5, all
already guessed Big5 by charset-normalizer).
"""

from __future__ import annotations

import codecs
import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from charset_normalizer import from_bytes

from extract.errors import InputError

COMMON_CHARS = Path(__file__).with_name("data") / "common_chars.json"
"""The commonest non-ASCII characters of Chinese news text, with counts (``data/make_common_chars.py``)."""
BASE = -10.0
"""Log-frequency (natural log of a share of the counted characters) at which a character speaks
neither for nor against Chinese: about the 2,000th commonest. Characters of Chinese text average about
-6.8; random characters of the GB2312 and Big5 ranges, like Korean or Japanese bytes read as Chinese,
average -10.5 to -11; accented Latin read as Chinese -10 to -11; characters outside the list -14.1.
"""
MIN_EVIDENCE = 6.0
"""Evidence (sum of log-frequency less ``BASE``) a reading needs to overrule the detector as Chinese:
two characters of average frequency, or five about the 1,000th commonest (-8.6). A space between two
Han characters costs 4.1, a character outside the list 4.1 too."""

_BOMS = (  # (mark, codec for the rest, reported name); UTF-32 first: its LE mark begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh91AY&SY", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
)
_GB = ("gb18030",)
"""GB18030 decodes everything GBK and GB2312 do, and more (rare names, ethnic scripts)."""
_BIG5 = ("big5", "cp950", "big5hkscs")
"""Plain Big5 first; Microsoft's and Hong Kong's extensions only for bytes plain Big5 refuses."""
_UTF16 = (("utf-16-le",), ("utf-16-be",))
_LEGACY = {"gb2312": _GB, "gbk": _GB, "gb18030": _GB, "big5": _BIG5, "cp950": _BIG5, "big5hkscs": _BIG5}
"""A Chinese codec charset-normalizer may name -> the codecs read in its place."""
_WIDE = ("utf-16", "utf-32")
_HAN = "\u3400-\u9fff\uf900-\ufaff"
_SPACE_BETWEEN_HAN = re.compile(f"(?<=[{_HAN}])[ \u3000]+(?=[{_HAN}])")
_SAMPLE_BYTES = 65_536
"""Plausibility is judged on the first 64 KiB: enough for any text, cheap for a 20 MB file."""
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""ASCII control characters other than tab, newlines and form feed: text has none."""
_ASCII = math.log(1 / 95)
"""Log-likelihood of an ASCII character in ``_Reading.score``: one of 95 printable, as if all alike."""


@dataclass(frozen=True)
class _Reading:
    """``data`` decoded strictly as ``encoding``, and how plausible the text is as Chinese.

    ``odd`` counts what is not ASCII text: non-ASCII characters, ASCII control characters, and
    spaces between two CJK ideographs. ``evidence`` is the sum over them of their log-frequency in
    ``common_chars.json`` less ``BASE``; ``score`` is the log-likelihood of the sample (an ASCII
    character counting as ``_ASCII``): it compares readings of the same bytes.
    """

    encoding: str
    text: str
    odd: int
    evidence: float
    score: float


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes exactly, returning ``(text, encoding)``; raise ``InputError`` if unfit.

    >>> decode_bytes("Apple 发布 iPhone 16，售价 799 美元。".encode("gb18030"))
    ('Apple 发布 iPhone 16，售价 799 美元。', 'gb18030')

    In order: empty or whitespace-only data is refused; known binary formats are refused by their
    magic number; a byte-order mark decides the encoding (and is not part of the text). Data with
    NUL bytes is text only as UTF-16 (the byte order that reads better, when charset-normalizer
    finds UTF-16 or when one reads as plausible Chinese or plain ASCII) or as the UTF-32 the detector
    finds; otherwise it is refused as binary.

    Valid UTF-8 without control characters is UTF-8 (pure ASCII too, unless it reads as plausible
    Chinese in UTF-16: CJK characters in UTF-16 need no NUL byte, nor any byte over 0x7F).

    Anything else is read strictly as GB18030, Big5 (then Microsoft's and Hong Kong's extensions) and
    UTF-16 LE and BE, and charset-normalizer names its guess. Each reading is judged by its
    *evidence*: the sum, over its non-ASCII characters, of their log-frequency in Chinese news text
    less ``BASE``. Common characters count for it; rare ones, characters outside the list, control
    characters and spaces between two Han characters (Korean spaces its words, Chinese does not)
    count against. A reading with evidence of at least ``MIN_EVIDENCE`` is plausible Chinese: it
    overrules a guess of another kind (cp949, shift_jis, iso8859-10...) or no guess at all. When the
    guess is itself GB18030/GBK/GB2312, Big5 or UTF-16 the detector has told Chinese but not which,
    and every Chinese reading competes, plausible or not. Among competing readings the likeliest
    (the sum of log-frequencies, an ASCII character counting as one of 95) wins: of GB18030 and Big5,
    which often both decode the same bytes, the one that gives the commoner characters.

    Damaged UTF-8 is refused, not re-read as another encoding, unless a Chinese reading has positive
    evidence. Let V be the number of well-formed multi-byte UTF-8 sequences and I the number of bytes
    that belong to none. If V >= I > 0 the data is UTF-8 with damage and the error names the first
    bad byte. Legacy CJK text scores far lower by chance (V/I is about 0.2 for GB18030, 0.15 for
    Big5, under 0.1 for UTF-16), but a short snippet may not.

    Data no encoding fits is refused. The text is not normalised in any way: it is the reference
    for offsets.
    """
    if not data.strip():
        raise InputError("empty file")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary file ({kind})")
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec, skip=len(bom)), encoding)
    if b"\x00" in data:
        return _checked(*_wide(data))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None and not _CONTROL.search(text):
        if not text.isascii():
            return _checked(text, "utf-8")
        best = _best([_judge(data, text, "utf-8")], _readings(data, _UTF16))
        return _checked(*_text(best))
    readings = _readings(data, (_GB, _BIG5, *_UTF16))
    damage = _damaged_utf8(data)
    if damage is not None:
        likely = [r for r in readings if r.evidence > 0]
        if not likely:
            raise InputError(f"invalid UTF-8 at byte {damage}")
        return _checked(*_text(max(likely, key=_score)))
    name, guess, error = _guess(data)
    chinese = name in _LEGACY or name.startswith("utf-16")  # then GB18030, Big5 and UTF-16 compete
    best = _best(readings if chinese else [guess] if guess else [], readings)
    if best is None:
        raise error or InputError("undecodable (no encoding fits)")
    return _checked(*_text(best))


def _wide(data: bytes) -> tuple[str, str]:
    """Data with NUL bytes: UTF-16 or UTF-32 without a byte-order mark, or a refusal as binary."""
    readings = _readings(data, _UTF16)
    name, guess, error = _guess(data)
    if name.startswith("utf-16"):
        best = _best(readings, readings)  # either byte order, whichever reads better
    else:
        best = _best([guess] if guess and name.startswith("utf-32") else [], readings)
    if best is None:
        raise (error if name.startswith(_WIDE) and error else InputError("binary file (contains NUL bytes)"))
    return _text(best)


def _best(given: list[_Reading], readings: list[_Reading]) -> _Reading | None:
    """The best-scoring of ``given`` and the plausible ``readings``; of ``given`` alone if none is."""
    plausible = [r for r in readings if r.evidence >= MIN_EVIDENCE or r.odd == 0]
    return max([*given, *plausible], key=_score, default=None)


def _guess(data: bytes) -> tuple[str, _Reading | None, InputError | None]:
    """charset-normalizer's guess: its codec name (``""`` for none), its reading, or why it has none.

    A GB or Big5 guess is read as GB18030, or as Big5 (or its extensions), like the other readings.
    """
    match = from_bytes(data).best()
    if match is None:
        return "", None, None
    name = codecs.lookup(match.encoding).name
    if name in _LEGACY:
        readings = _readings(data, (_LEGACY[name],))
        if readings:
            return name, readings[0], None
    try:
        return name, _judge(data, _strict(data, name), name), None
    except InputError as e:
        return name, None, e


def _score(reading: _Reading) -> float:
    return reading.score


def _text(reading: _Reading) -> tuple[str, str]:
    return reading.text, reading.encoding


def _readings(data: bytes, families: tuple[tuple[str, ...], ...]) -> list[_Reading]:
    """Strict readings of ``data``: per family, the first codec that decodes it all."""
    readings = []
    for family in families:
        if family[0].startswith("utf-16") and len(data) % 2:
            continue
        for encoding in family:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            readings.append(_judge(data, text, encoding))
            break
    return readings


def _judge(data: bytes, text: str, encoding: str) -> _Reading:
    frequencies, other, space = _log_frequencies()
    sample = text if len(data) <= _SAMPLE_BYTES else data[:_SAMPLE_BYTES].decode(encoding, "ignore")
    odd = [frequencies.get(c, other) for c in sample if _odd(c)]
    score = sum(odd) + (len(sample) - len(odd)) * _ASCII
    odd += [space] * len(_SPACE_BETWEEN_HAN.findall(sample))
    return _Reading(encoding, text, len(odd), sum(odd) - BASE * len(odd), score)


def _odd(c: str) -> bool:
    """Not ASCII text: a non-ASCII character other than a space, or an ASCII control character."""
    return not c.isspace() if c > "\x7f" else _CONTROL.match(c) is not None


@cache
def _log_frequencies() -> tuple[dict[str, float], float, float]:
    """Log-frequency of each listed character, of any other, and of a space between two Han characters.

    Loaded once, when first needed. A count of zero (a character not in the list, or the spaces
    between Han characters the corpora never show) is taken as half a count.
    """
    table = json.loads(COMMON_CHARS.read_text(encoding="utf-8"))
    total = table["total"]
    frequencies = {c: math.log(n / total) for c, n in table["counts"].items()}
    return frequencies, math.log(0.5 / total), math.log(max(table["spaces_between_han"], 0.5) / total)


def _strict(data: bytes, encoding: str, *, skip: int = 0) -> str:
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(f"invalid {encoding.upper()} at byte {skip + e.start}") from None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if not text.strip():
        raise InputError("empty file")
    return text, encoding


def _damaged_utf8(data: bytes) -> int | None:
    """The offset of the first bad byte if ``data`` is mostly UTF-8 with some bad bytes, else ``None``."""
    text = data.decode("utf-8", "surrogateescape")  # each bad byte becomes one U+DC80..U+DCFF
    invalid = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    valid = sum(1 for c in text if c > "\x7f") - invalid
    if not invalid or valid < invalid:
        return None
    first = next(i for i, c in enumerate(text) if "\udc80" <= c <= "\udcff")
    return len(text[:first].encode("utf-8", "surrogateescape"))
