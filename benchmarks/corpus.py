"""A deterministic corpus of news articles and forum threads for the benchmark, at any size.

Text comes from the public Chinese corpora in ``../shared/corpora`` (CLUENER2020 news snippets and People's
Daily 1998 sentences) mixed with paragraphs of the shipped seeds (``seeds/``), which carry the claims, cue
words and names of the field. Each document is one of:

- a **news article** (about 7 in 10): a title, a ``来源:`` line, then paragraphs, each either a seed
  paragraph or three to six corpus sentences;
- a **forum thread**: posts with ``N楼 NAME 发表于 DATE`` headers (the ``floor-line`` format of
  ``extract/data/forum.json``), later posts sometimes quoting an earlier one with ``[quote=NAME]``.

Lengths are drawn around ``MEAN_CHARS`` (2,000 characters); the same seed always gives the same files, and
the first N documents of a larger corpus are the N documents of a smaller one.

    python benchmarks/corpus.py 1000 /tmp/corpus-1k
"""

from __future__ import annotations

import argparse
import json
import random
import re
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
CORPORA = ROOT.parent / "shared" / "corpora"
MEAN_CHARS = 2000
FORUM_SHARE = 0.3
SEED_PARAGRAPH_SHARE = 0.35
"""Share of an article's paragraphs taken from the seeds: they hold most of the claims."""

_SOURCES = ("36kr", "新华网", "澎湃新闻", "联合早报", "财新网", "中央社", "BBC中文", "观察者网", "虎嗅")
_HANDLES = (
    "i0ncube_R",
    "sellboy",
    "yangkaim4",
    "老王",
    "张三丰",
    "西门吹雪",
    "Alce79",
    "码农小李",
    "momo酱",
    "路人甲",
    "风清扬",
    "DarkKnight",
    "阿花",
    "硅谷观察",
    "小飞侠",
    "tech_fan",
)
_FORUM_HEADER = re.compile(r"(?m)^(?:#{4,5}\s.*|\d+#.*发表于.*|\*{3,}\s*)$")


@dataclass(frozen=True)
class Material:
    """What documents are made of: corpus sentences and seed paragraphs."""

    sentences: tuple[str, ...]
    paragraphs: tuple[str, ...]


def load_material(corpora: Path = CORPORA, seeds: Path = SEEDS) -> Material:
    """Sentences of CLUENER train and People's Daily (dev, test), paragraphs of the seeds, in file order."""
    sentences: list[str] = []
    with (corpora / "cluener" / "train.jsonl").open(encoding="utf-8") as lines:
        sentences.extend(json.loads(line)["text"].strip() for line in lines if line.strip())
    for split in ("example.dev", "example.test"):
        chars: list[str] = []
        for line in (corpora / "peoples_daily" / split).read_text(encoding="utf-8").splitlines():
            if line.strip():
                chars.append(line.split()[0] if line.split() else "")
            elif chars:
                sentences.append("".join(chars))
                chars = []
        if chars:
            sentences.append("".join(chars))
    paragraphs: list[str] = []
    for path in sorted(seeds.glob("*.txt")):
        text = _FORUM_HEADER.sub("", path.read_text(encoding="utf-8"))
        paragraphs.extend(p.strip() for p in re.split(r"\n\s*\n", text) if len(p.strip()) >= 40)
    return Material(tuple(s for s in sentences if len(s) >= 8), tuple(paragraphs))


def _length(rng: random.Random) -> int:
    """Characters of one document: log-normal, between 300 and 12,000; documents average ``MEAN_CHARS``."""
    return int(min(12_000, max(300, rng.lognormvariate(0, 0.5) * MEAN_CHARS / 1.4)))


def _sentences(rng: random.Random, m: Material, low: int, high: int) -> str:
    return "".join(rng.choice(m.sentences) for _ in range(rng.randint(low, high)))


def article(rng: random.Random, m: Material, n: int) -> str:
    """A news article of about ``_length`` characters."""
    target = _length(rng)
    day = rng.randint(1, 28)
    parts = [
        rng.choice(m.sentences)[:40],
        f"来源:{rng.choice(_SOURCES)}  2025-{rng.randint(1, 6):02d}-{day:02d}",
        "",
    ]
    size = 0
    while size < target:
        if rng.random() < SEED_PARAGRAPH_SHARE:
            paragraph = rng.choice(m.paragraphs)
        else:
            paragraph = _sentences(rng, m, 3, 6)
        if size and size + len(paragraph) > target + 200:
            break
        parts.extend((paragraph, ""))
        size += len(paragraph)
    return "\n".join(parts)


def thread(rng: random.Random, m: Material, n: int) -> str:
    """A forum thread of about ``_length`` characters: floors, posters, times, some quotes."""
    target = _length(rng)
    minute = rng.randint(0, 600)
    posts: list[tuple[str, str]] = []
    lines = [rng.choice(m.sentences)[:30], ""]
    size = 0
    while size < target or len(posts) < 2:
        floor = len(posts) + 1
        poster = rng.choice(_HANDLES)
        minute += rng.randint(1, 90)
        day, rest = divmod(minute, 24 * 60)
        stamp = f"2025-2-{1 + day % 28} {rest // 60:02d}:{rest % 60:02d}"
        body = rng.choice(m.paragraphs) if rng.random() < 0.4 else _sentences(rng, m, 1, 4)
        if len(posts) >= 2 and size + len(body) > target + 200:
            break
        lines.append(f"{floor}楼 {poster} 发表于 {stamp}")
        if posts and rng.random() < 0.3:
            quoted_poster, quoted = rng.choice(posts)
            lines.append(f"[quote={quoted_poster}]{quoted[:120]}[/quote]")
        lines.extend((body, ""))
        posts.append((poster, body))
        size += len(body)
    return "\n".join(lines)


def document(seed: int, n: int, m: Material) -> tuple[str, str]:
    """Document ``n`` of the corpus of ``seed``: ``(file name, text)``, independent of the others."""
    rng = random.Random(f"{seed}:{n}")
    if rng.random() < FORUM_SHARE:
        return f"{n:06d}_thread.txt", thread(rng, m, n)
    return f"{n:06d}_news.txt", article(rng, m, n)


def make_corpus(folder: Path, n: int, *, seed: int = 0, material: Material | None = None) -> int:
    """Write documents 0..n-1 of the corpus of ``seed`` into ``folder``; return their total characters."""
    m = material or load_material()
    folder.mkdir(parents=True, exist_ok=True)
    chars = 0
    for i in range(n):
        name, text = document(seed, i, m)
        (folder / name).write_text(text, encoding="utf-8")
        chars += len(text)
    return chars


def change_one(folder: Path, *, seed: int = 0, material: Material | None = None) -> Path:
    """Edit one document of a corpus (the middle one): a new paragraph at its end, as a follow-up would."""
    m = material or load_material()
    files = sorted(folder.glob("*.txt"))
    path = files[len(files) // 2]
    rng = random.Random(f"{seed}:change:{path.name}")
    with path.open("a", encoding="utf-8") as out:
        out.write("\n更新:" + _sentences(rng, m, 2, 4) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of documents")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--corpora", type=Path, default=CORPORA, help="the shared corpora folder")
    args = parser.parse_args()
    chars = make_corpus(args.folder, args.n, seed=args.seed, material=load_material(args.corpora))
    print(f"{args.n} documents, {chars:,} characters in {args.folder}")


if __name__ == "__main__":
    main()
