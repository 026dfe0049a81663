"""Turn the public Chinese NER corpora into spaCy ``DocBin`` files for the project's own NER.

Every text is tokenised with the project tokenizer (``MixedScriptTokenizer``: one token per CJK
character, Latin/digit runs whole), and each annotated character span is aligned to tokens with
``Doc.char_span(..., alignment_mode="expand")``; a span that still does not align is dropped and
counted (``misaligned``).

Label mapping (corpus label → project type):

=================================  ==========================================================
CLUENER ``name``                   ``PERSON``
CLUENER ``company``                ``ORG``
CLUENER ``government``             ``ORG``
CLUENER ``organization``           ``ORG`` (includes sports clubs and leagues, as annotated)
CLUENER ``address``                ``GPE`` when :func:`is_place_name`; otherwise *missing*
CLUENER ``scene``                  *missing* (landmarks, parks, lakes, mountains)
CLUENER ``position``, ``book``,    ``O`` (not entity types of this project)
``movie``, ``game``
People's Daily ``PER``             ``PERSON``
People's Daily ``ORG``             ``ORG``
People's Daily ``LOC``             ``GPE``
=================================  ==========================================================

*Missing* means the span's tokens carry no entity annotation at all (spaCy's ``missing``): the
model is neither taught that the span is a GPE nor that it is ``O``, and the scorer ignores
predictions over it. It is used where the corpus label mixes our types with other things: a
CLUENER ``address`` is as often a street address (``衡阳市仙姬巷28号``) as a place name (``伦敦``),
and ``scene`` holds natural features that People's Daily tags ``LOC``.

Split (deterministic for a seed): CLUENER lines are shuffled with ``random.Random(seed)``; the
first 10% are held out for evaluation. People's Daily ``example.test`` is held out whole. The
training pool is the rest of CLUENER plus People's Daily ``example.dev``; 5% of that pool (also
seeded) is the *dev* set spaCy uses to pick the best checkpoint, so the held-out parts are never
seen in training nor in model selection.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin

from .. import tokenizer  # noqa: F401 - registers claimgraph.MixedScriptTokenizer.v1

LABELS = ("PERSON", "ORG", "GPE")
MISSING = "-"
"""Pseudo-label: leave the span's tokens without entity annotation."""

CLUENER_LABELS: dict[str, str | None] = {
    "name": "PERSON",
    "company": "ORG",
    "government": "ORG",
    "organization": "ORG",
    "address": "GPE",  # only when is_place_name(), else MISSING
    "scene": MISSING,
    "position": None,
    "book": None,
    "movie": None,
    "game": None,
}
PEOPLES_DAILY_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "GPE"}

CLUENER_FILE = Path("cluener") / "train.jsonl"
PEOPLES_DAILY_TRAIN = Path("peoples_daily") / "example.dev"
PEOPLES_DAILY_HELDOUT = Path("peoples_daily") / "example.test"

TRAIN = "train.spacy"
DEV = "dev.spacy"
HELDOUT = {"cluener": "heldout_cluener.spacy", "peoples_daily": "heldout_peoples_daily.spacy"}

_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
_ADMIN_SUFFIX = (*"国省市县区州镇乡洲", "自治区", "特别行政区")
_SITE_SUFFIX = tuple("路街道巷弄号村屯苑园院城楼馆宫店寺庙场站桥门关山峰河江湖海岛湾港口滩")


def is_place_name(mention: str) -> bool:
    """Whether a CLUENER ``address`` is a country, region or city name rather than an address or site.

    All-CJK, and either two characters (``北京``, ``美国``, ``浙江``), or three to six characters ending
    in an administrative suffix (``济南市``, ``江西省余干县``), or three characters ending in no
    street/site suffix (``柬埔寨``, ``新德里``; not ``三里屯``, ``金融街``).

    >>> [m for m in ["伦敦", "济南市", "柬埔寨", "金融街", "衡阳市仙姬巷28号", "cbd"] if is_place_name(m)]
    ['伦敦', '济南市', '柬埔寨']
    """
    if not _CJK.match(mention):
        return False
    if len(mention) == 2:
        return True
    if 3 <= len(mention) <= 6 and mention.endswith(_ADMIN_SUFFIX):
        return True
    return len(mention) == 3 and not mention.endswith(_SITE_SUFFIX)


def map_cluener(label: str, mention: str) -> str | None:
    """Project type for a CLUENER mention: a label, ``MISSING``, or ``None`` (not an entity: ``O``).

    >>> map_cluener("name", "叶老桂"), map_cluener("address", "龙城大道25号"), map_cluener("game", "CSOL")
    ('PERSON', '-', None)
    """
    mapped = CLUENER_LABELS.get(label)
    if label == "address" and not is_place_name(mention):
        return MISSING
    return mapped


def blank_nlp() -> Language:
    """A blank Chinese pipeline with the project tokenizer."""
    return spacy.blank(
        "zh", config={"nlp": {"tokenizer": {"@tokenizers": "claimgraph.MixedScriptTokenizer.v1"}}}
    )


@dataclass
class Stats:
    """What a conversion kept and dropped, by project label.

    ``expanded``: spans widened to token boundaries (a span ending inside ``GPT-4o``); ``misaligned``:
    spans that could not be aligned at all; ``overlapping``: shorter spans overlapping a kept one.
    """

    sentences: int = 0
    entities: Counter = field(default_factory=Counter)
    missing: Counter = field(default_factory=Counter)
    expanded: Counter = field(default_factory=Counter)
    misaligned: Counter = field(default_factory=Counter)
    overlapping: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {
            "sentences": self.sentences,
            "entities": dict(self.entities),
            "missing": dict(self.missing),
            "expanded": dict(self.expanded),
            "misaligned": dict(self.misaligned),
            "overlapping": dict(self.overlapping),
        }


Record = tuple[str, list[tuple[int, int, str]]]
"""A text and its entity spans ``(start, end_exclusive, label)`` with project labels or ``MISSING``."""


def read_cluener(path: Path) -> Iterator[tuple[Record, Counter]]:
    """CLUENER lines as records with mapped labels, and the source types that were dropped to ``O``."""
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            row = json.loads(line)
            spans, dropped = [], Counter()
            for source_label, mentions in row.get("label", {}).items():
                for mention, offsets in mentions.items():
                    label = map_cluener(source_label, mention)
                    for start, end in offsets:
                        if label is None:
                            dropped[source_label] += 1
                        else:
                            spans.append((start, end + 1, label))
            yield (row["text"], sorted(spans)), dropped


def read_peoples_daily(path: Path) -> Iterator[Record]:
    """People's Daily char-BIO sentences as records with project labels."""
    chars: list[str] = []
    tags: list[str] = []
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            parts = line.rstrip("\r\n").rsplit(" ", 1)
            if len(parts) == 2 and parts[0]:
                chars.append(parts[0])
                tags.append(parts[1])
            elif chars:
                yield "".join(chars), bio_spans(tags)
                chars, tags = [], []
    if chars:
        yield "".join(chars), bio_spans(tags)


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """Character spans of a BIO tag sequence, mapped to project labels (an orphan ``I-`` starts a span).

    >>> bio_spans(["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "I-ORG"])
    [(0, 2, 'PERSON'), (3, 5, 'GPE'), (5, 6, 'ORG')]
    """
    spans = []
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, kind = tag.partition("-")
        if start is not None and (prefix != "I" or kind != label):
            spans.append((start, i, PEOPLES_DAILY_LABELS[label]))
            start, label = None, None
        if prefix in ("B", "I") and start is None and kind in PEOPLES_DAILY_LABELS:
            start, label = i, kind
    return spans


def make_doc(nlp: Language, record: Record, stats: Stats) -> Doc:
    """Tokenise a record and set its entities (and missing spans) on the tokens."""
    text, spans = record
    doc = nlp.make_doc(text)
    entities, missing = [], []
    taken: set[int] = set()
    for start, end, label in sorted(spans, key=lambda s: (-(s[1] - s[0]), s[0])):
        span = doc.char_span(start, end, label="" if label == MISSING else label, alignment_mode="expand")
        if span is None or not len(span):
            stats.misaligned[label] += 1
            continue
        if (span.start_char, span.end_char) != (start, end):
            stats.expanded[label] += 1
        tokens = set(range(span.start, span.end))
        if tokens & taken:
            stats.overlapping[label] += 1
            continue
        taken |= tokens
        if label == MISSING:
            missing.append(span)
            stats.missing["span"] += 1
        else:
            entities.append(span)
            stats.entities[label] += 1
    doc.set_ents(entities, missing=missing, default="outside")
    stats.sentences += 1
    return doc


def write_docbin(docs: Iterable[Doc], path: Path) -> None:
    DocBin(attrs=["ENT_IOB", "ENT_TYPE"], docs=docs, store_user_data=False).to_disk(path)


def convert(
    corpora_dir: Path,
    out_dir: Path,
    *,
    seed: int = 0,
    heldout_fraction: float = 0.1,
    dev_fraction: float = 0.05,
) -> dict[str, dict]:
    """Write ``train``, ``dev`` and the two held-out ``DocBin`` files into ``out_dir``; return their stats."""
    corpora_dir, out_dir = Path(corpora_dir), Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp = blank_nlp()
    rng = random.Random(seed)

    cluener = list(read_cluener(corpora_dir / CLUENER_FILE))
    order = list(range(len(cluener)))
    rng.shuffle(order)
    n_heldout = round(len(cluener) * heldout_fraction)
    heldout_ids = set(order[:n_heldout])
    dropped = Counter()
    for _, d in cluener:
        dropped += d

    pool = [cluener[i][0] for i in order[n_heldout:]]
    pool += list(read_peoples_daily(corpora_dir / PEOPLES_DAILY_TRAIN))
    rng.shuffle(pool)
    n_dev = round(len(pool) * dev_fraction)

    parts = {
        DEV: pool[:n_dev],
        TRAIN: pool[n_dev:],
        HELDOUT["cluener"]: [cluener[i][0] for i in sorted(heldout_ids)],
        HELDOUT["peoples_daily"]: list(read_peoples_daily(corpora_dir / PEOPLES_DAILY_HELDOUT)),
    }
    report = {}
    for name, records in parts.items():
        stats = Stats()
        write_docbin((make_doc(nlp, r, stats) for r in records), out_dir / name)
        report[name] = stats.as_dict()
    report["cluener_dropped_types"] = dict(dropped)
    return report
