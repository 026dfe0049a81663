"""Write ``common_words.json``: words of running text that begin with a surname's character.

The statistical NER, trained on general news, sometimes takes such a word for a person (``安全`` in
``國家安全副顧問``, ``尚未``, ``武术``): its first character is a common surname, so the shape of a Chinese
name does not rule it out. The Universal Dependencies treebanks segment real sentences into words with
gold tags; a two- or three-character word they tag as an ordinary word (noun, verb, adverb…) and never as
a proper noun is no one's name. Deterministic; run

    python extract/data/make_common_words.py [CORPORA]

and commit the output (``CORPORA`` defaults to ``../shared/corpora``). Sentences that the development
set's held-out half holds are skipped, so that half does not shape the rule it is scored on.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
HELD_OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "devset" / "test" / "docs"
OUTPUT = Path(__file__).with_name("common_words.json")
SOURCE = (
    "Counted from the Universal Dependencies Chinese treebanks in ../shared/corpora/ud (GSD, GSDSimp: "
    "CC BY-SA 4.0; HK: CC BY-SA 4.0; PUD: CC BY-SA 3.0): words of two or three Chinese characters whose "
    "first is a common surname (boundaries.json SURNAME), tagged as ordinary words and never PROPN, in "
    "simplified script; sentences of the development set's held-out half skipped. "
    "Regenerate: python extract/data/make_common_words.py"
)


def _sentences(conllu: Path) -> list[tuple[str, list[tuple[str, str]]]]:
    """Each sentence's text and its (word, UPOS) pairs."""
    sentences: list[tuple[str, list[tuple[str, str]]]] = []
    text, words = "", []
    for line in [*conllu.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("# text = "):
            text = line[len("# text = ") :]
        elif not line.strip():
            if words:
                sentences.append((text, words))
            text, words = "", []
        elif not line.startswith("#"):
            cells = line.split("\t")
            if cells[0].isdigit():
                words.append((cells[1], cells[3]))
    return sentences


def common_words(corpora: Path = CORPORA, held_out: Path = HELD_OUT) -> list[str]:
    """The words, sorted; see the module's docstring."""
    import opencc  # only the generator needs it

    simplified = opencc.OpenCC("t2s").convert
    surnames = set(
        json.loads(Path(__file__).with_name("boundaries.json").read_text(encoding="utf-8"))["SURNAME"]
    )
    held = "".join(p.read_text(encoding="utf-8") for p in held_out.glob("*.txt")).replace(" ", "")
    ordinary: Counter[str] = Counter()
    proper: Counter[str] = Counter()
    for conllu in sorted((corpora / "ud").glob("*.conllu")):
        for text, words in _sentences(conllu):
            if text and text.replace(" ", "") in held:
                continue
            for word, tag in words:
                (proper if tag == "PROPN" else ordinary)[simplified(word)] += 1
    return sorted(
        w
        for w in ordinary
        if 2 <= len(w) <= 3
        and w[0] in surnames
        and not proper[w]
        and all("\u4e00" <= c <= "\u9fff" for c in w)
    )


def write(corpora: Path = CORPORA, output: Path = OUTPUT) -> None:
    words = common_words(corpora)
    data = {"source": SOURCE, "words": words}
    output.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {output}")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPORA)
