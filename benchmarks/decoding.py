"""How often ``decode_bytes`` gives back exactly the text that was encoded, per encoding and length.

Test documents are made from the held-out parts of the public corpora in ``../shared/corpora``
(``HELD_OUT`` in ``extract/data/make_common_chars.py``: they are not counted in the common-character
list the decoder uses): People's Daily ``example.test``, the second half of CLUENER, the UD GSD, GSDSimp,
HK and PUD test files. Each encoding gets ``--n`` documents of 20 to 3,000 characters (log-uniform),
consecutive sentences of one part, half of them with English sentences (the PUD ``text_en`` lines),
numbers, dates and URLs mixed in; and ``--n`` short snippets of 10 to 60 characters under 30% CJK (an
English fragment with one to three Chinese words). Big5 documents are in traditional script (OpenCC
``s2t``; a sentence Big5 cannot encode is left out); the others in simplified (``t2s``), except one
in four that keeps its part's own script (UD GSD, HK and PUD are traditional, which GB18030 encodes
too). UTF-16 is written without a byte-order mark. Deterministic for a ``--seed``.

Each document is *exact* (the same text back), *refused* (``InputError``) or *mojibake* (other text).

    python benchmarks/decoding.py                              # extract.decoding.decode_bytes
    git show 2e1683f:extract/ingest.py > /tmp/before.py        # the decoder before issue 13
    python benchmarks/decoding.py --decoder /tmp/before.py
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import math
import random
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from extract.errors import InputError  # noqa: E402


def load_script(path: Path) -> ModuleType:
    """The module a Python file defines, registered under its file name (dataclasses need that)."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None
    module = sys.modules[path.stem] = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SPLIT = load_script(ROOT / "extract" / "data" / "make_common_chars.py")
ENCODINGS = ("gb18030", "big5", "utf-16-le", "utf-16-be", "utf-8")
CLASSES = ("short", "20-200", "200-1000", "1000-3000")
"""Length classes in characters; ``short`` is 10 to 60 characters, under 30% CJK."""
CHINESE_CODECS = {"gb18030", "gbk", "gb2312", "big5", "cp950", "big5hkscs", "utf-16-le", "utf-16-be"}
_WORDS = ("Reuters", "AI", "GDP", "CEO", "iPhone", "NASA", "WTO", "COVID-19", "5G", "NBA", "USB-C", "OK")


class Material:
    """Held-out sentences per corpus part, in three forms, and English sentences.

    ``forms[part]`` maps ``simplified`` (OpenCC ``t2s``), ``original`` (the corpus's own script) and
    ``traditional`` (``s2t``; only the sentences Big5 can encode) to lists of sentences.
    """

    def __init__(self, corpora: Path) -> None:
        import opencc

        parts = SPLIT.read_parts(corpora)
        to_simplified, to_traditional = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
        self.forms: dict[str, dict[str, list[str]]] = {}
        self.unencodable = self.sentences = 0
        for name in SPLIT.HELD_OUT:
            original = [s for s in parts[name] if len(s) >= 4]
            traditional = []
            for sentence in map(to_traditional.convert, original):
                try:
                    sentence.encode("big5")
                except UnicodeEncodeError:
                    self.unencodable += 1
                    continue
                traditional.append(sentence)
            simplified = list(map(to_simplified.convert, original))
            self.forms[name] = {"simplified": simplified, "original": original, "traditional": traditional}
            self.sentences += len(original)
        self.to_traditional = to_traditional
        self.english = [s for s in parts["pud-en"] if s.isascii()]
        self.words = sorted(
            {w for f in self.forms.values() for s in f["simplified"] for w in _chinese_runs(s) if len(w) <= 4}
        )


def _chinese_runs(sentence: str) -> list[str]:
    runs, run = [], []
    for c in sentence + " ":
        if _is_cjk(c):
            run.append(c)
        elif run:
            runs.append("".join(run))
            run = []
    return runs


def _is_cjk(c: str) -> bool:
    return "\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or "\U00020000" <= c <= "\U0003134f"


def _ascii_bit(rng: random.Random, m: Material) -> str:
    kind = rng.randrange(4)
    if kind == 0:
        return " " + rng.choice(m.english) + " "
    if kind == 1:
        return f"https://www.example.{rng.choice(('com', 'cn', 'com.tw'))}/news/{rng.randint(1, 99999)}.html"
    if kind == 2:
        return f"{rng.randint(1990, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f" {rng.choice(_WORDS)} {rng.randint(2, 999)}.{rng.randint(0, 9)}% "


def long_text(rng: random.Random, m: Material, script: str) -> str:
    """Consecutive sentences of one corpus part, 20 to 3,000 characters, half with ASCII mixed in."""
    pool = m.forms[rng.choice(SPLIT.HELD_OUT)][script]
    target = int(math.exp(rng.uniform(math.log(20), math.log(3000))))
    mixed = rng.random() < 0.5
    newline = rng.choice(("\n", "\r\n"))
    i = rng.randrange(len(pool))
    parts: list[str] = []
    size = 0
    while size < target:
        piece = pool[i % len(pool)]
        i += 1
        if mixed and rng.random() < 0.3:
            piece = _ascii_bit(rng, m) + piece
        if parts and rng.random() < 0.2:
            piece = newline + piece
        parts.append(piece)
        size += len(piece)
    return "".join(parts)[:target].strip() or pool[0]


def short_text(rng: random.Random, m: Material, traditional: bool) -> str:
    """10 to 60 characters, under 30% CJK: an English fragment with one to three Chinese words."""
    convert = m.to_traditional.convert if traditional else str
    while True:
        words = rng.choice(m.english).split()
        start = rng.randrange(len(words))
        fragment = words[start : start + rng.randint(2, 9)]
        for _ in range(rng.randint(1, 3)):
            fragment.insert(rng.randint(0, len(fragment)), convert(rng.choice(m.words)))
        text = " ".join(fragment)
        cjk = sum(map(_is_cjk, text))
        if 10 <= len(text) <= 60 and 0 < cjk < 0.3 * len(text):
            if traditional:
                try:
                    text.encode("big5")
                except UnicodeEncodeError:
                    continue
            return text


OTHER_LANGUAGES = {  # spaCy language -> encodings its text is commonly stored in (besides UTF-8)
    "ko": ("euc-kr", "cp949"),
    "ja": ("shift_jis", "euc-jp", "cp932"),
    "ru": ("cp1251", "koi8-r"),
    "uk": ("cp1251",),
    "bg": ("cp1251",),
    "el": ("iso8859-7",),
    "he": ("cp1255",),
    "ar": ("cp1256",),
    "fa": ("cp1256",),
    "tr": ("cp1254",),
    "vi": ("cp1258",),
    "pl": ("cp1250", "iso8859-2"),
    "cs": ("cp1250",),
    "sk": ("cp1250",),
    "hu": ("cp1250",),
    "hr": ("cp1250",),
    "ro": ("cp1250",),
    "sl": ("cp1250",),
    "lt": ("cp1257",),
    **dict.fromkeys(("fr", "de", "es", "pt", "it", "nl", "da", "sv", "nb", "fi", "ca"), ("cp1252",)),
}
"""The control set: text that is not Chinese must not be turned into Chinese."""


def other_languages() -> list[tuple[str, str]]:
    """``(encoding, text)``: spaCy's example sentences of ``OTHER_LANGUAGES``, one by one and joined."""
    docs = []
    for lang, encodings in OTHER_LANGUAGES.items():
        sentences = importlib.import_module(f"spacy.lang.{lang}.examples").sentences
        for text in [*sentences, "\n".join(sentences)]:
            for encoding in ("utf-8", *encodings):
                try:
                    data = text.encode(encoding)
                except UnicodeEncodeError:
                    continue
                if not data.isascii():
                    docs.append((f"{lang} {encoding}", text))
    return docs


def length_class(text: str) -> str:
    if len(text) <= 60 and sum(map(_is_cjk, text)) < 0.3 * len(text):
        return "short"
    return "20-200" if len(text) < 200 else "200-1000" if len(text) < 1000 else "1000-3000"


def documents(m: Material, n: int, seed: int) -> list[tuple[str, str]]:
    """``(encoding, text)``: ``n`` long documents and ``n`` short snippets per encoding."""
    docs = []
    for encoding in ENCODINGS:
        rng = random.Random(f"{seed}:{encoding}")
        traditional = encoding == "big5"
        for _ in range(n):
            script = "traditional" if traditional else "original" if rng.random() < 0.25 else "simplified"
            docs.append((encoding, long_text(rng, m, script)))
        docs += [(encoding, short_text(rng, m, traditional)) for _ in range(n)]
    return docs


def measure(decode: Callable[[bytes], tuple[str, str]], docs: list[tuple[str, str]]) -> dict:
    """Outcome counts by ``(encoding, class)``, the reasons and wrong encodings seen, and the time."""
    outcomes: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    seen: dict[str, Counter[str]] = defaultdict(Counter)
    start = time.perf_counter()
    for label, text in docs:
        encoding = label.split()[-1]
        key = (label, length_class(text))
        try:
            decoded, got = decode(text.encode(encoding))
        except InputError as e:
            outcomes[key]["refused"] += 1
            seen[label][f"refused: {e}".split(" at byte")[0]] += 1
            continue
        if decoded == text:
            outcomes[key]["exact"] += 1
        else:
            outcomes[key]["mojibake"] += 1
            seen[label][f"mojibake as {got}"] += 1
    return {"outcomes": outcomes, "seen": seen, "seconds": time.perf_counter() - start}


def table(result: dict) -> str:
    lines = [
        "| encoding | length | n | exact | refused | mojibake |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for encoding in ENCODINGS:
        total: Counter[str] = Counter()
        for cls in CLASSES:
            counts = result["outcomes"].get((encoding, cls))
            if counts:
                lines.append(_row(encoding, cls, counts))
                total += counts
        lines.append(_row(f"**{encoding}**", "all", total))
    lines.append("")
    for encoding in ENCODINGS:
        if result["seen"].get(encoding):
            common = ", ".join(f"{k} ({v})" for k, v in result["seen"][encoding].most_common(6))
            lines.append(f"- {encoding}: {common}")
    return "\n".join(lines)


def _row(encoding: str, cls: str, counts: Counter[str]) -> str:
    n = sum(counts.values())
    shares = (f"{counts[k] / n:.1%}" for k in ("exact", "refused", "mojibake"))
    return f"| {encoding} | {cls} | {n} | " + " | ".join(shares) + " |"


def load_decoder(spec: str) -> Callable[[bytes], tuple[str, str]]:
    """``module:function``, or a Python file defining ``decode_bytes``."""
    if spec.endswith(".py"):
        return load_script(Path(spec)).decode_bytes
    module, _, name = spec.partition(":")
    return getattr(importlib.import_module(module), name or "decode_bytes")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--decoder", default="extract.decoding:decode_bytes", help="module:function or file.py"
    )
    parser.add_argument("--n", type=int, default=200, help="long documents, and short ones, per encoding")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=SPLIT.CORPORA, help="the shared corpora folder")
    args = parser.parse_args()
    m = Material(args.corpora)
    docs = documents(m, args.n, args.seed)
    decode = load_decoder(args.decoder)
    result = measure(decode, docs)
    print(f"{args.decoder}: {len(docs)} documents, {result['seconds']:.1f} s")
    print(f"({m.unencodable:,} of {m.sentences:,} sentences not in Big5 after s2t, left out of Big5 ones)\n")
    print(table(result))
    control = measure(decode, other_languages())
    counts = sum(control["outcomes"].values(), Counter())
    as_chinese = Counter()
    for label, reasons in control["seen"].items():
        for reason, times in reasons.items():
            if reason.removeprefix("mojibake as ") in CHINESE_CODECS:
                as_chinese[f"{label} as {reason.removeprefix('mojibake as ')}"] += times
    print("\nOther languages (the control: spaCy's example sentences in UTF-8 and legacy encodings):\n")
    print("| documents | exact | refused | mojibake | of which read as Chinese |")
    print("|---:|---:|---:|---:|---:|")
    n = sum(counts.values())
    shares = " | ".join(f"{counts[k] / n:.1%}" for k in ("exact", "refused", "mojibake"))
    print(f"| {n} | {shares} | {sum(as_chinese.values())} |")
    if as_chinese:
        print("\n- read as Chinese: " + ", ".join(f"{k} ({v})" for k, v in sorted(as_chinese.items())))


if __name__ == "__main__":
    main()
