"""Loads the rule data shipped in ``extract/data``: gazetteer, entity patterns, boundaries.

The data files are the rules; this module only parses them, once per process.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from .scripts import name_key, to_simplified, traditional_variants


def data_path(name: str) -> Path:
    """Path of a file in ``extract/data`` (shipped as package data)."""
    return Path(str(resources.files("extract") / "data" / name))


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSON Lines file, skipping blank lines."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@dataclass(frozen=True, slots=True)
class GazetteerEntry:
    """A well-known entity: its stable id, type, canonical name, labels and aliases."""

    id: str
    type: str
    name: str
    labels: dict[str, str]
    aliases: tuple[str, ...]
    country: str | None = None
    abbreviations: tuple[str, ...] = ()
    """One-character forms in simplified script, found only in joint abbreviations (``中美关系``)."""

    def surface_forms(self) -> set[str]:
        """Every alias, name and label in simplified script; one-character forms are too ambiguous."""
        forms = {to_simplified(f) for f in (*self.aliases, self.name, *self.labels.values())}
        return {f for f in forms if len(f) >= 2}


@dataclass(frozen=True, slots=True)
class EntityPattern:
    """A regular expression that finds names by their shape (``patterns.jsonl``)."""

    name: str
    label: str
    regex: re.Pattern[str]
    trim_left: bool = False
    year_prefix: bool = False
    min_stem: int = 0
    generic_prefix: str = ""
    exclude: frozenset[str] = frozenset()
    generic_stems: frozenset[str] = frozenset()
    last_word_labels: dict[str, str] = field(default_factory=dict)
    not_link_words: bool = False
    """When set, a match that is only the link words before a cue (``官员曾私下警告``: 曾私下) is none."""
    not_around_known: bool = False
    """When set, a match holding a gazetteer name of its own type and more (``如何看待美国商务部``) is none:
    the gazetteer's name is the one meant."""
    no_place_stem: frozenset[str] = frozenset()
    """Suffixes after which a stem that is a place the gazetteer knows (``美国公司``) makes no name."""
    name_score: float | None = None
    """When set, a match is kept only if its characters are this likely to make a name
    (:func:`name_likelihood`)."""
    examples: tuple[tuple[str, str | None], ...] = ()
    counter_examples: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def boundaries() -> dict[str, str]:
    """Stop characters, transliteration characters and surnames (``boundaries.json``)."""
    return json.loads(data_path("boundaries.json").read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def gazetteer() -> tuple[GazetteerEntry, ...]:
    """All gazetteer entries (``gazetteer.jsonl``)."""
    return tuple(
        GazetteerEntry(
            id=row["id"],
            type=row["type"],
            name=row["name"],
            labels=dict(row.get("labels") or {}),
            aliases=tuple(row.get("aliases") or ()),
            country=row.get("country"),
            abbreviations=tuple(row.get("abbreviations") or ()),
        )
        for row in read_jsonl(data_path("gazetteer.jsonl"))
    )


@lru_cache(maxsize=1)
def gazetteer_by_id() -> dict[str, GazetteerEntry]:
    """Gazetteer entries keyed by id."""
    return {entry.id: entry for entry in gazetteer()}


@lru_cache(maxsize=1)
def gazetteer_by_key() -> dict[str, tuple[GazetteerEntry, ...]]:
    """Gazetteer entries keyed by :func:`name_key` of each alias (several when ambiguous)."""
    index: dict[str, list[GazetteerEntry]] = {}
    for entry in gazetteer():
        for form in entry.surface_forms():
            bucket = index.setdefault(name_key(form), [])
            if entry not in bucket:
                bucket.append(entry)
    return {key: tuple(entries) for key, entries in index.items()}


@dataclass(frozen=True, slots=True)
class Abbreviations:
    """Joint abbreviations of countries (``abbreviations.json`` and the gazetteer's one-character forms)."""

    ids: dict[str, tuple[str, ...]]
    relation: re.Pattern[str]
    not_first: re.Pattern[str]
    function_first: str
    not_runs: frozenset[str]
    partners: dict[str, dict[str, str]]
    """For an abbreviation of several countries, the one a partner in the run decides (巴以: palestine)."""
    names: re.Pattern[str]
    """Gazetteer names that hold an abbreviation (巴黎, 加沙): a run inside one is part of that name."""
    longest_name: int
    examples: tuple[tuple[str, tuple[str, ...]], ...] = ()
    counter_examples: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def abbreviations() -> Abbreviations:
    """Who each one-character abbreviation may stand for, and where a run of them is a mention."""
    data = json.loads(data_path("abbreviations.json").read_text(encoding="utf-8"))
    ids: dict[str, list[str]] = {}
    for entry in gazetteer():
        for char in entry.abbreviations:
            ids.setdefault(char, []).append(entry.id)
    words = sorted(data["relation_words"], key=len, reverse=True)
    names = sorted(
        {
            form
            for entry in gazetteer()
            for form in entry.surface_forms()
            if not form.isascii() and any(char in ids for char in form)
        },
        key=len,
        reverse=True,
    )
    return Abbreviations(
        ids={char: tuple(owners) for char, owners in ids.items()},
        relation=re.compile("|".join(map(re.escape, words))),
        not_first=re.compile(data["not_first"]),
        function_first=data["function_first"],
        not_runs=frozenset(data["not_runs"]),
        partners={char: dict(by) for char, by in data["partners"].items()},
        names=re.compile("|".join(map(re.escape, names))),
        longest_name=max(map(len, names)),
        examples=tuple((text, tuple(chars)) for text, chars in data["examples"]),
        counter_examples=tuple(data["counter_examples"]),
    )


@lru_cache(maxsize=1)
def brand_names() -> tuple[str, ...]:
    """Latin names of gazetteer makers and product lines, longest first (for ``[BRAND]``)."""
    names = {
        form
        for entry in gazetteer()
        if entry.type in ("ORG", "PRODUCT")
        for form in (entry.name, *entry.aliases)
        if form.isascii() and len(form) >= 3 and form[0].isalpha()
    }
    return tuple(sorted(names, key=lambda n: (-len(n), n)))


@lru_cache(maxsize=1)
def _cue_pattern() -> str:
    """A cue word that neither begins nor ends a word that is no cue (``說明``, ``稱為``, ``顧問``:
    ``not_cues`` of ``claim_rules.json``)."""
    not_cues = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))["not_cues"]
    blocked = "|".join(map(re.escape, sorted(not_cues, key=len, reverse=True)))

    def cue(word: str) -> str:
        """The cue, unless it ends a word that is no cue (``顧問``: 問 after 顧)."""
        heads = sorted({n[: -len(word)] for n in not_cues if n.endswith(word) and len(n) > len(word)})
        return "".join(f"(?<!{re.escape(head)})" for head in heads) + re.escape(word)

    return f"(?!{blocked})(?:" + "|".join(map(cue, cue_words())) + ")"


def expand_placeholders(pattern: str) -> str:
    """Patterns name shared word lists: ``[TRANSLIT]`` and ``[SURNAME]`` (characters, both scripts),
    ``[ROLE]`` (titles), ``[LINK]`` (words between a speaker and the cue), ``[CUE]`` (``cues.jsonl``),
    ``[TO_CUE]`` (links, an occasion and an addressee, then a cue: a name pattern's lookahead),
    ``[RESPONDING]`` (verbs of an occasion that 时 closes: 回应…时, 质询时),
    ``[BRAND]`` (Latin names of the gazetteer's companies and products)."""
    data = boundaries()
    pattern = pattern.replace("[TO_CUE]", data["TO_CUE"]).replace("[RESPONDING]", data["RESPONDING"])
    pattern = pattern.replace("[TRANSLIT]", f"[{_both_scripts(data['TRANSLIT'])}]").replace(
        "[SURNAME]", f"[{data['SURNAME']}]"
    )
    pattern = pattern.replace("[ROLE]", "(?:" + "|".join(map(re.escape, data["ROLE"])) + ")")
    pattern = pattern.replace("[LINK]", data["LINK"])
    if "[CUE]" in pattern:
        pattern = pattern.replace("[CUE]", _cue_pattern())
    if "[BRAND]" in pattern:
        pattern = pattern.replace("[BRAND]", "(?:" + "|".join(re.escape(n) for n in brand_names()) + ")")
    return pattern


def _both_scripts(chars: str) -> str:
    """``chars`` with the traditional variant of each (transliterations are written in either script)."""
    return "".join(dict.fromkeys(chars + "".join(v for c in chars for v in traditional_variants(c))))


@lru_cache(maxsize=1)
def cue_words() -> tuple[str, ...]:
    """The attribution words of ``cues.jsonl``, longest first."""
    return tuple(
        sorted({row["cue"] for row in read_jsonl(data_path("cues.jsonl"))}, key=lambda w: (-len(w), w))
    )


@lru_cache(maxsize=1)
def speaker_slot() -> re.Pattern[str]:
    """What may follow a speaker's name: a place or occasion (在…上), link words, a cue word.

    A name right before this is in a speaker's slot (``extract.resolve``).
    """
    return re.compile(
        expand_placeholders(
            r"\s?(?:在[^，,。！？；\n“”「」]{1,25}?(?:上|中|时|時|后|後|期间|期間)?)?[LINK]\s?[CUE]"
        )
    )


@lru_cache(maxsize=1)
def cue_word_inside() -> re.Pattern[str]:
    """Cue words of two characters or more: a name holds none (``打压``, ``表示``)."""
    return re.compile("|".join(map(re.escape, (w for w in cue_words() if len(w) > 1))))


@lru_cache(maxsize=1)
def object_verbs() -> re.Pattern[str]:
    """The verbs of ``stop_words`` (both scripts), ending where a name would begin."""
    words = {w for word in boundaries()["stop_words"] for w in (word, *traditional_variants(word))}
    return re.compile("(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")$")


@lru_cache(maxsize=1)
def not_a_name_in_slot() -> re.Pattern[str]:
    """What a statistical proposal before a cue word must not hold to be a speaker (``boundaries.json``)."""
    return re.compile(boundaries()["slot_not_name"])


@lru_cache(maxsize=1)
def occasion_openers() -> re.Pattern[str]:
    """Verbs opening an occasion that 时 closes (``回应…时``, ``会见…时``): ``boundaries.json``."""
    return re.compile(boundaries()["occasion_openers"])


@lru_cache(maxsize=1)
def entity_patterns() -> tuple[EntityPattern, ...]:
    """The shape patterns of ``patterns.jsonl``, compiled."""
    return tuple(
        EntityPattern(
            name=row["name"],
            label=row["label"],
            regex=re.compile(expand_placeholders(row["pattern"])),
            trim_left=bool(row.get("trim_left")),
            year_prefix=bool(row.get("year_prefix")),
            min_stem=int(row.get("min_stem", 0)),
            generic_prefix=row.get("generic_prefix", ""),
            exclude=frozenset(x.casefold() for x in row.get("exclude", [])),
            generic_stems=frozenset(row.get("generic_stems", [])),
            last_word_labels={
                word: label for label, words in row.get("last_word_labels", {}).items() for word in words
            },
            examples=tuple((text, match) for text, match in row.get("examples", [])),
            not_link_words=bool(row.get("not_link_words")),
            not_around_known=bool(row.get("not_around_known")),
            no_place_stem=frozenset(row.get("no_place_stem", [])),
            name_score=row.get("name_score"),
            counter_examples=tuple(row.get("counter_examples", [])),
        )
        for row in read_jsonl(data_path("patterns.jsonl"))
    )


_SMOOTHING = 0.5
"""Added to every character's counts (``name_chars.json`` leaves out the rarest)."""


@lru_cache(maxsize=1)
def _name_chars() -> tuple[dict[str, int], dict[str, int], float, float]:
    data = json.loads(data_path("name_chars.json").read_text(encoding="utf-8"))
    vocabulary = len(data["in_text"]) + 1
    return (
        data["in_names"],
        data["in_text"],
        math.log(data["names_total"] + _SMOOTHING * vocabulary),
        math.log(data["text_total"] + _SMOOTHING * vocabulary),
    )


def name_likelihood(candidate: str) -> float:
    """Mean log ratio of how likely each character is inside a person's name to how likely in running text.

    Counted from the public corpora (``data/make_name_chars.py``): what stands between a role and a cue
    is a name when its characters are name characters, whatever the name (``派特爾``, ``韋斯特曼``), and
    not when they are adverbs or times (``會後``, ``最近``).

    >>> name_likelihood("韋斯特曼") > 1 > 0 > name_likelihood("會後")
    True
    """
    in_names, in_text, names_total, text_total = _name_chars()
    chars = [c for c in candidate if not c.isspace()]
    if not chars:
        return -math.inf
    ratio = sum(
        (math.log(in_names.get(c, 0) + _SMOOTHING) - names_total)
        - (math.log(in_text.get(c, 0) + _SMOOTHING) - text_total)
        for c in chars
    )
    return ratio / len(chars)


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Ordinary words that begin with a surname's character (``安全``, ``尚未``), in simplified script.

    Counted from the treebanks' gold words (``data/make_common_words.py``): no one's name.

    >>> "安全" in common_words(), "王毅" in common_words()
    (True, False)
    """
    return frozenset(json.loads(data_path("common_words.json").read_text(encoding="utf-8"))["words"])


@lru_cache(maxsize=1)
def administration_words() -> re.Pattern[str]:
    """Words that, right after a place, person or organisation, name its government (``boundaries.json``),
    unless they begin a longer word (``政府事務``: a company's government affairs)."""
    words = sorted(boundaries()["administration_words"], key=len, reverse=True)
    compounds = "|".join(map(re.escape, boundaries()["administration_not_before"]))
    return re.compile(f"(?:{'|'.join(map(re.escape, words))})(?!{compounds})")


@lru_cache(maxsize=1)
def modal_after_place() -> tuple[frozenset[str], re.Pattern[str]]:
    """The words that, after a place's name, may be a parliament's short name's last character or the
    modal verb (会), and what follows the modal (``boundaries.json``), in simplified script.

    >>> modal, starts = modal_after_place()
    >>> "会" in modal, bool(starts.match("继续收紧")), bool(starts.match("众议院"))
    (True, True, False)
    """
    rule = boundaries()["modal_after_place"]
    starts = sorted(rule["starts"], key=len, reverse=True)
    return frozenset(rule["modal"]), re.compile("|".join(map(re.escape, starts)))


@lru_cache(maxsize=1)
def company_form() -> re.Pattern[str]:
    """What may follow a company's name in its registered form, trade words then a legal form, either
    script (``boundaries.json``): ``技術有限公司`` after 華為.

    >>> bool(company_form().fullmatch("技術有限公司")), bool(company_form().fullmatch("美洲公司"))
    (True, False)
    """
    rule = boundaries()["company_form"]

    def either(words: list[str]) -> str:
        forms = {v for w in words for v in (w, *traditional_variants(w))}
        return "|".join(map(re.escape, sorted(forms, key=len, reverse=True)))

    return re.compile(f"(?:{either(rule['trades'])}){{0,2}}(?:{either(rule['legal_forms'])})")


@lru_cache(maxsize=1)
def generic_bodies() -> re.Pattern[str]:
    """What describes a body without naming one (``监管部门``, ``国际组织``), in simplified script
    (``boundaries.json``); GUIDELINES: generic descriptions are not entities."""
    return re.compile(boundaries()["generic_bodies"])


@lru_cache(maxsize=1)
def not_a_place_before() -> re.Pattern[str]:
    """What, right after a place's name, makes it another thing (``boundaries.json``: 阿尔巴尼亚族)."""
    return re.compile(boundaries()["not_a_place_before"])


@lru_cache(maxsize=1)
def ner_filters() -> dict[str, dict]:
    """Per type, the shape a statistical NER proposal must have to be kept (``boundaries.json``)."""
    filters = {k: dict(v) for k, v in boundaries()["ner_filters"].items() if k != "comment"}
    for rule in filters.values():
        if "first" in rule:
            rule["first"] = boundaries()[rule["first"]]
        if "not_ending_in" in rule:
            rule["not_ending_in"] = tuple(boundaries()[rule["not_ending_in"]])
        if "or_pattern" in rule:
            rule["or_pattern"] = re.compile(expand_placeholders(rule["or_pattern"]))
        if "suffixes" in rule:
            rule["suffixes"] = tuple(sorted(rule["suffixes"], key=len, reverse=True))
    return filters
