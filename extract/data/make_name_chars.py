"""Write ``name_chars.json``: how often each character stands inside a person's name, in both scripts.

A role word, then a name nobody listed, then a cue (``聯邦調查局局長派特爾則表示``) is strong evidence
of a person, but what stands between the role and the cue is not always a name (``部長強烈表示``,
``主席會後表示``). ``extract.lexicon.name_likelihood`` weighs the characters of such a candidate: how much
likelier each is inside a person's name than in running text. Deterministic; run

    python extract/data/make_name_chars.py [CORPORA]

and commit the output (``CORPORA`` defaults to ``../shared/corpora``). Counted on the training parts of
``make_common_chars.py`` only: the person names of CLUENER2020's first half (``name``) and of People's
Daily's dev part (``PER``), each once in simplified script and once in traditional (OpenCC), against
every character of the same sentences. Only counts are stored, no text.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CORPORA = Path(__file__).resolve().parents[3] / "shared" / "corpora"
OUTPUT = Path(__file__).with_name("name_chars.json")
MIN_COUNT = 2
"""Characters seen fewer times (inside names, or in the text) are left to the smoothing."""
SOURCE = (
    "Counted from public corpora (see ../shared/corpora/README.md): the person names (label name) of "
    "the first half of CLUENER2020 train (no licence stated, research use; arXiv:2001.04351) and the PER "
    "spans of People's Daily January 1998 example.dev (no licence stated, research use), each in both "
    "scripts (OpenCC t2s, s2t); 'text' counts every non-space character of the same sentences. "
    "Regenerate: python extract/data/make_name_chars.py"
)


def _cluener(corpora: Path) -> list[tuple[str, list[str]]]:
    with (corpora / "cluener" / "train.jsonl").open(encoding="utf-8") as lines:
        rows = [json.loads(line) for line in lines if line.strip()]
    rows = rows[: len(rows) // 2]  # the half make_common_chars.py counts; the other half is held out
    return [(row["text"], list(row["label"].get("name", {}))) for row in rows]


def _peoples_daily(corpora: Path) -> list[tuple[str, list[str]]]:
    sentences: list[tuple[str, list[str]]] = []
    chars: list[str] = []
    names: list[str] = []
    for line in [*(corpora / "peoples_daily" / "example.dev").read_text(encoding="utf-8").splitlines(), ""]:
        parts = line.split()
        if not parts:
            if chars:
                sentences.append(("".join(chars), names))
            chars, names = [], []
            continue
        char, tag = parts[0], parts[-1]
        if tag == "B-PER":
            names.append(char)
        elif tag == "I-PER" and names:
            names[-1] += char
        chars.append(char)
    return sentences


def count(corpora: Path = CORPORA) -> tuple[Counter[str], Counter[str]]:
    """Characters inside person names, and characters of all the text, both scripts."""
    import opencc  # only the generator needs it

    converters = (opencc.OpenCC("t2s"), opencc.OpenCC("s2t"))
    in_names: Counter[str] = Counter()
    in_text: Counter[str] = Counter()
    for text, names in [*_cluener(corpora), *_peoples_daily(corpora)]:
        for convert in converters:
            in_text.update(c for c in convert.convert(text) if not c.isspace())
            for name in names:
                in_names.update(c for c in convert.convert(name) if not c.isspace() and not c.isascii())
    return in_names, in_text


def _ranked(counts: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def write(corpora: Path = CORPORA, output: Path = OUTPUT) -> None:
    in_names, in_text = count(corpora)
    kept = {c: n for c, n in _ranked(in_names) if n >= MIN_COUNT}
    data = {
        "source": SOURCE,
        "names_total": sum(in_names.values()),
        "text_total": sum(in_text.values()),
        "in_names": kept,
        "in_text": {c: n for c, n in _ranked(in_text) if n >= MIN_COUNT},
    }
    output.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"{len(kept)} characters of names, {data['names_total']:,} counted -> {output}")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPORA)
