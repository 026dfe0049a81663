"""Write ``common_chars.json``: the commonest non-ASCII characters of Chinese news text, both scripts.

``extract/decoding.py`` uses it to judge an encoding guess: bytes read as plausible Chinese are made
mostly of these characters, bytes read with the wrong codec are not. Deterministic; run

    python extract/data/make_common_chars.py [CORPORA]

and commit the output (``CORPORA`` defaults to ``../shared/corpora``, see its README for sources and
licences). Counted: every non-ASCII, non-space character of the *training* parts below, each sentence
once in simplified script and once in traditional (OpenCC ``t2s`` and ``s2t``), so the list serves
GB18030 and Big5 text alike; and the spaces between two CJK ideographs (none: Chinese does not
space its words, Korean does, and Korean read as GB18030 gives such spaces). The other parts
(``HELD_OUT``) are never counted: ``benchmarks/decoding.py`` builds its test documents from them.

Only counts are stored, no text. Sources and licences are in ``SOURCE``, written into the file.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CORPORA = ROOT.parent / "shared" / "corpora"
OUTPUT = Path(__file__).with_name("common_chars.json")
SIZE = 4000
"""Characters kept: they cover 99.7% of the non-ASCII characters of the training text."""
TRAINING = ("cluener-a", "peoples-daily-dev", "gsd-dev", "gsdsimp-dev")
HELD_OUT = ("cluener-b", "peoples-daily-test", "gsd-test", "gsdsimp-test", "hk-test", "pud-test")
SPACE_BETWEEN_HAN = re.compile(r"(?<=[\u3400-\u9fff\uf900-\ufaff])[ \u3000]+(?=[\u3400-\u9fff\uf900-\ufaff])")
"""Spaces between two CJK ideographs: Korean puts them between words, Chinese hardly ever."""
_UD = {  # part -> file in ud/
    "gsd-dev": "zh_gsd-ud-dev.conllu",
    "gsdsimp-dev": "zh_gsdsimp-ud-dev.conllu",
    "gsd-test": "zh_gsd-ud-test.conllu",
    "gsdsimp-test": "zh_gsdsimp-ud-test.conllu",
    "hk-test": "zh_hk-ud-test.conllu",
    "pud-test": "zh_pud-ud-test.conllu",
}
SOURCE = (
    "Counted from public corpora (see ../shared/corpora/README.md): CLUENER2020 train, first half of "
    "its lines (no licence stated, research use; arXiv:2001.04351); People's Daily January 1998, "
    "example.dev (no licence stated, research use); UD Chinese GSD and GSDSimp dev (CC BY-SA 4.0). "
    "Each sentence counted once in simplified and once in traditional script (OpenCC t2s, s2t). "
    "Only character counts are stored; as they include CC BY-SA treebanks, this file is shared under "
    "CC BY-SA 4.0 too. Regenerate: python extract/data/make_common_chars.py"
)


def read_parts(corpora: Path = CORPORA) -> dict[str, list[str]]:
    """Sentences of every part of the corpora, by part name (``TRAINING``, ``HELD_OUT``, ``pud-en``).

    ``pud-en`` is the English original of the PUD sentences (``# text_en``): ASCII text to mix in.
    """
    with (corpora / "cluener" / "train.jsonl").open(encoding="utf-8") as lines:
        cluener = [json.loads(line)["text"].strip() for line in lines if line.strip()]
    half = len(cluener) // 2
    parts = {"cluener-a": cluener[:half], "cluener-b": cluener[half:]}
    for split in ("dev", "test"):
        parts[f"peoples-daily-{split}"] = _char_per_line(corpora / "peoples_daily" / f"example.{split}")
    ud = corpora / "ud"
    for name, file in _UD.items():
        parts[name] = _conllu(ud / file)
    parts["pud-en"] = _conllu(ud / "zh_pud-ud-test.conllu", key="# text_en = ")
    return parts


def _char_per_line(path: Path) -> list[str]:
    sentences, chars = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.split():
            chars.append(line.split()[0])
        elif chars:
            sentences.append("".join(chars))
            chars = []
    if chars:
        sentences.append("".join(chars))
    return sentences


def _conllu(path: Path, key: str = "# text = ") -> list[str]:
    with path.open(encoding="utf-8") as lines:
        return [line[len(key) :].strip() for line in lines if line.startswith(key)]


def count(corpora: Path = CORPORA) -> tuple[Counter[str], int]:
    """Non-ASCII, non-space characters of the training parts, in both scripts; and spaces between Han."""
    import opencc  # only the generator needs it

    to_simplified, to_traditional = opencc.OpenCC("t2s"), opencc.OpenCC("s2t")
    parts = read_parts(corpora)
    counts: Counter[str] = Counter()
    spaces = 0
    for name in TRAINING:
        for sentence in parts[name]:
            for form in (to_simplified.convert(sentence), to_traditional.convert(sentence)):
                counts.update(c for c in form if c > "\x7f" and not c.isspace())
                spaces += len(SPACE_BETWEEN_HAN.findall(form))
    return counts, spaces


def table(counts: Counter[str], spaces: int, size: int = SIZE) -> dict:
    """The JSON written: the source note, the totals counted, and the ``size`` commonest with counts."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:size]
    return {
        "source": SOURCE,
        "total": sum(counts.values()),
        "spaces_between_han": spaces,
        "counts": dict(ranked),
    }


def write(corpora: Path = CORPORA, output: Path = OUTPUT) -> None:
    data = table(*count(corpora))
    text = json.dumps(data, ensure_ascii=False, indent=0)
    output.write_text(text + "\n", encoding="utf-8")
    covered = sum(data["counts"].values()) / data["total"]
    print(f"{len(data['counts'])} characters, {covered:.2%} of {data['total']:,} counted -> {output}")


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPORA)
