"""Choose among proposed mentions and resolve them to entities, within one document.

Rules, in order (each is general, none names a particular entity):

0. **Statistical proposals** (the trained NER) are kept only where they have the
   shape of a name of their type (``ner_filters`` in ``boundaries.json``: a
   surname first for a person, an organisation or place suffix) and where no
   rule or gazetteer proposal overlaps them: the NER fills gaps, it never
   overrides.
1. **Choice**: overlapping proposals are settled longest first; at equal length
   the source ranks ``posters`` > ``gazetteer`` > ``patterns`` > ``ner``.
2. **Gazetteer ids**: an alias shared by several gazetteer entries (``商务部``)
   goes to the entry the document also names unambiguously (``美国商务部``),
   else to the one whose country it mentions most (the country itself or its
   unambiguous bodies: ``美国国会``, ``白宫``).
3. **Apposition**: ``霍华德·卢特尼克 (Howard Lutnick)``, ``电子前沿基金会(EFF)``,
   ``（简称ENFORCE法案）``, ``「鹽颱風」（Salt Typhoon）``: the name in brackets is an alias of the one
   before.
4. **Short names and repeats**: the last part of a multi-part person name
   (``Lutnick``, ``沃伦``) found alone elsewhere is that person, unless two
   people share it; a surname and a title (``李主席``) is the one person of
   that surname named in full; a name proposed only where the text reads
   another person's name a character longer (``司徒家`` of ``司徒家明``) is that name; a
   name found once by shape or by the model is the same entity wherever else
   it occurs in the document.
5. **Containment**: an organisation or law not in the gazetteer whose name ends
   another one's (``参议院商务委员会`` / ``美国国会参议院商务委员会``) is the same.
6. **Type conflicts**: a gazetteer entity keeps its gazetteer type; otherwise the
   type proposed most often wins, ties going to the better-ranked source.
7. **Nested names**: a gazetteer name inside a longer chosen name (``拜登`` in
   ``拜登政府``, ``参议院`` in ``参议院商务委员会``) is an entity in its own right
   and keeps its mention (GUIDELINES: nested names count when both are entities);
   claims read only the outer names. But when the nested name has the outer one's
   type and covers most of it (``将美国…脱钩法案`` around ``美国…脱钩法案``), the
   outer one is a variant of the same name and takes its gazetteer id.
8. **Compounds**: an organisation found by its suffix right after another
   organisation or place (``清华大学`` + ``人工智能国际治理研究院``) is one name;
   a place, person or organisation followed by a word for its government
   (``日本政府``, ``民进党当局``) is that government, and its head keeps its mention.
   A law's title in book-title marks (``《基本法》``) is the same entity as the bare
   title (``基本法``), found wherever that stands.

Ids are stable across documents and builds: the gazetteer id, else a slug of
the canonical name (English where the text gives one, else simplified Chinese).
"""

from __future__ import annotations

import math
import re
from bisect import bisect_right, insort
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from . import extensions  # noqa: F401 - registers Doc._ attributes
from .lexicon import (
    administration_words,
    boundaries,
    common_words,
    company_form,
    cue_word_inside,
    gazetteer_by_id,
    gazetteer_by_key,
    generic_bodies,
    name_likelihood,
    ner_filters,
    not_a_name_in_slot,
    not_a_place_before,
    object_verbs,
    occasion_openers,
    speaker_slot,
)
from .records import Entity
from .scripts import is_traditional, name_key, to_simplified

SOURCES = ("posters", "gazetteer", "patterns", "slot", "ner")
"""Where a proposal comes from, best first; ``slot`` is a statistical name in a speaker's slot (rule 0)."""
MENTIONS = "mentions"
"""Span group of every resolved mention, nested ones included (``doc.ents`` holds the outer ones)."""
_NAME_SEPARATORS = "·•‧・"
_SLOT_LONGEST = 8
"""A longer statistical name in a speaker's slot needs a name's shape (an organisation's suffix): a clause
before a cue (``美国恶意封锁打压中国半导体产业表明``) is no name."""
_SLOT_LONGEST_PERSON = 4
"""The same for a person: longer, only a foreign name's shape (``清德上禮拜才說``: a name and a time)."""
_SLOT_NAME_SCORE = -2.0
"""A person's name in a speaker's slot has characters not unlike a name's (``嚴厲批評``: an adverb)."""
_TITLE_MARK = re.compile("[《》〈〉]")
_DEMONSTRATIVES = frozenset("该該此这這其本")
_CLAUSE_BREAK = re.compile("[，,。！？；;?!：:\n“”「」]")
_APPOSITION = re.compile(
    r"[」”』\"]?\s?[(（]\s?(?:简称|簡稱|以下简称|以下簡稱|下称|下稱|英文名|英文简称)?\s?[“\"「]?"
    r"(?P<alias>[A-Za-z][A-Za-z0-9.&'\- ]{0,40}?|[^()（）“”\"「」，,。\s]{2,20}?)"
    r"[”\"」]?\s?[)）,，;；]"
)
_SHORT_FORM = re.compile(r"^(?:[A-Z][A-Z0-9&.\-]{1,9}|[A-Z][a-z]+(?:\s[A-Z][a-z]+){1,3})$")


@dataclass(slots=True)
class Proposal:
    """A mention proposed by one source, before resolution."""

    start: int
    end: int
    label: str
    source: str
    ids: tuple[str, ...] = ()

    nested: bool = False
    compound: bool = False
    """Made of two names that are entities in their own right (``日本政府``): never a variant of its head."""

    @property
    def rank(self) -> tuple[int, int, int]:
        return (-(self.end - self.start), SOURCES.index(self.source), self.start)


@dataclass(slots=True)
class Group:
    """Mentions believed to denote one entity."""

    gazetteer_id: str | None
    proposals: list[Proposal] = field(default_factory=list)


class Spans:
    """Disjoint, non-empty ``[start, end)`` spans: whether another one is free, in logarithmic time.

    Resolution asks this for every proposal and every repeat of a name; asked of a plain list, a
    book-length document (thousands of names) would cost quadratic time.

    >>> taken = Spans([(2, 4)])
    >>> taken.free(0, 2), taken.free(3, 5), taken.free(4, 6)
    (True, False, True)
    >>> taken.add(4, 6); taken.containing(4, 5)
    (4, 6)
    """

    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self._spans: list[tuple[int, int]] = sorted(spans or [])

    def _before(self, start: int) -> int:
        """Index of the last span that starts at or before ``start``, -1 if none."""
        return bisect_right(self._spans, (start, float("inf"))) - 1

    def free(self, start: int, end: int) -> bool:
        i = self._before(start)
        if i >= 0 and self._spans[i][1] > start:
            return False
        return i + 1 >= len(self._spans) or self._spans[i + 1][0] >= end

    def add(self, start: int, end: int) -> None:
        insort(self._spans, (start, end))

    def containing(self, start: int, end: int) -> tuple[int, int] | None:
        """The span that covers ``[start, end)``, if any."""
        i = self._before(start)
        return self._spans[i] if i >= 0 and self._spans[i][1] >= end else None


def choose(proposals: list[Proposal]) -> list[Proposal]:
    """Non-overlapping proposals, longest first, then by source rank (rule 1).

    >>> kept = choose([Proposal(0, 3, "PERSON", "gazetteer"), Proposal(0, 5, "ORG", "patterns")])
    >>> [(p.start, p.end, p.label) for p in kept]
    [(0, 5, 'ORG')]
    """
    taken = Spans()
    kept = []
    rules = [p for p in proposals if p.source != "ner"]
    statistical = [p for p in proposals if p.source == "ner"]
    for group in (rules, statistical):
        for p in sorted(group, key=lambda p: p.rank):
            if taken.free(p.start, p.end):
                taken.add(p.start, p.end)
                kept.append(p)
    return sorted(kept, key=lambda p: p.start)


def plausible_ner(name: str, label: str) -> bool:
    """Rule 0: whether a statistical proposal looks like a name of its type.

    >>> plausible_ner("李依栩", "PERSON"), plausible_ner("问题", "GPE"), plausible_ner("美国公司", "ORG")
    (True, False, False)
    >>> plausible_ner("中国信息化百人会", "ORG"), plausible_ner("content", "PERSON")
    (True, False)
    >>> plausible_ner("费尔南德斯", "PERSON"), plausible_ner("伊丽莎白·沃伦", "PERSON")
    (True, True)
    """
    rule = ner_filters().get(label)
    if rule is None or name.isascii() or any(not ch.isalnum() and ch not in _NAME_SEPARATORS for ch in name):
        return False
    if "or_pattern" in rule and rule["or_pattern"].fullmatch(name):
        return True  # the shape of a foreign name (费尔南德斯, 伊丽莎白·沃伦), whatever its length
    if not rule["min_len"] <= len(name) <= rule["max_len"]:
        return False
    if "first" in rule and name[0] not in rule["first"]:
        return False
    if "min_name_score" in rule and name_likelihood(name) < rule["min_name_score"]:
        return False
    if rule.get("not_common_words") and to_simplified(name) in common_words():
        return False
    if any(name.endswith(word) for word in rule.get("not_ending_in", ()) if len(word) < len(name)):
        return False  # 國安顧問蘇利文: 安顧問 ends a title
    if "suffixes" in rule:
        suffix = next((s for s in rule["suffixes"] if name.endswith(s)), None)
        if suffix is None:
            return False
        stem = name[: -len(suffix)]
        if len(stem) < 2 or any(e.type == "GPE" for e in gazetteer_by_key().get(name_key(stem), ())):
            return False
    return True


def in_speaker_slot(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` stands where a speaker does: a cue word follows (``speaker_slot``), and
    it does not end in a word that links a speaker to the cue (``王晨都表示``: 都 is not part of a name).

    >>> text = "萨默斯说，七国集团将继续支持援助。王晨都表示，要加快改革。"
    >>> in_speaker_slot(text, 0, 3), in_speaker_slot(text, 5, 9), in_speaker_slot(text, 17, 20)
    (True, False, False)

    A demonstrative phrase (``該公司補充說``) refers back to a name; it is none.

    >>> in_speaker_slot("該公司補充說，收入下跌。", 0, 3)
    False

    Nor does a preposition begin one (``发言人向媒体确认``: ``slot_not_first`` of ``boundaries.json``).

    >>> in_speaker_slot("发言人向媒体确认了消息。", 3, 6)
    False

    Nor does one that holds a cue word (``美国恶意封锁打压中国半导体产业表明``: a clause, not a name).

    >>> in_speaker_slot("中方就美国打压中国产业表明立场。", 2, 10)
    False

    Nor does a place before a title in marks make one name with it (``美国《华尔街日报》报道``).

    >>> in_speaker_slot("美国《华尔街日报》报道，美方官员警告。", 0, 9)
    False
    """
    name = text[start:end]
    return (
        len(name) >= 2
        and not name.isdigit()
        and name[0] not in _DEMONSTRATIVES
        and name[0] not in boundaries()["slot_not_first"]
        and not _TITLE_MARK.search(name, 1, len(name) - 1)
        and not_a_name_in_slot().search(name) is None
        and cue_word_inside().search(name) is None
        and not object_of_verb(text, start)
        and speaker_slot().match(text, end) is not None
        and speaker_slot().match(text, end - 1) is None
        and speaker_slot().match(text, start) is None  # 官员曾私下警告: link words, no name
        and not _inside_occasion(text, start, end)
    )


def _inside_occasion(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` closes an occasion its clause opened (``回應本報查詢時表示``,
    ``会见布林肯时表示``): the speaker stands before the occasion, what the occasion holds does not speak.

    >>> _inside_occasion("发言人回應本報查詢時表示，草案明年提交。", 7, 9)
    True
    >>> _inside_occasion("李乐成在开幕式上表示，算力规模跃居前列。", 0, 3)
    False
    """
    if text[end : end + 1] not in ("时", "時"):
        return False
    clause = _CLAUSE_BREAK.split(text[max(0, start - 30) : start])[-1]
    return occasion_openers().search(clause) is not None


def object_of_verb(text: str, start: int) -> bool:
    """Whether a verb that takes an object (``遵守美國出口管制規定``: the ``stop_words`` of
    ``boundaries.json``) or a demonstrative (``该委员会``) stands right before ``start``: what follows is
    that object, or a word referring back, not a speaker's name.

    >>> object_of_verb("公司遵守美國出口管制規定", 4), object_of_verb("萨默斯说", 0)
    (True, False)
    >>> object_of_verb("该委员会建议", 1)
    True
    """
    return (
        text[start - 1 : start] in _DEMONSTRATIVES
        or object_verbs().search(text, max(0, start - 4), start) is not None
    )


def nested_in(kept: list[Proposal], proposals: list[Proposal]) -> list[Proposal]:
    """Gazetteer proposals strictly inside a kept proposal, non-overlapping among themselves, and any
    name that opens a kept compound (``民进党`` in ``民进党当局``) (rule 7); not a place that ends a
    place's name (``南亚`` in ``东南亚``).

    >>> outer = Proposal(0, 4, "ORG", "gazetteer", ("biden_administration",))
    >>> inner = Proposal(0, 2, "PERSON", "gazetteer", ("joe_biden",))
    >>> [(p.start, p.end, p.nested) for p in nested_in([outer], [outer, inner])]
    [(0, 2, True)]
    """
    outer = Spans([(k.start, k.end) for k in kept])
    labels = {(k.start, k.end): k.label for k in kept}
    compound_end = {k.start: k.end for k in kept if k.compound}
    inside = []
    for p in proposals:
        around = outer.containing(p.start, p.end)
        if around in (None, (p.start, p.end)):
            continue
        if not (p.source == "gazetteer" or p.end < compound_end.get(p.start, p.start)):
            continue
        if p.label == labels[around] == "GPE" and p.end == around[1]:
            continue  # 南亞 ends 東南亞: another place, not named there
        inside.append(Proposal(p.start, p.end, p.label, p.source, p.ids, nested=True))
    return choose(inside)


def compounds(text: str, proposals: list[Proposal]) -> list[Proposal]:
    """An organisation found by its suffix, right after an organisation or place, joined to it; a place,
    person or organisation followed by a word for its government (``administration_words``), that
    government (rule 8). A title in marks stands alone (``美国《华尔街日报》``: a place, then a paper).

    >>> text = "日本政府和民进党当局"
    >>> found = compounds(text, [Proposal(0, 2, "GPE", "gazetteer"), Proposal(5, 8, "ORG", "gazetteer")])
    >>> [(text[p.start : p.end], p.label) for p in found]
    [('日本政府', 'ORG'), ('民进党当局', 'ORG')]
    """
    ends: dict[int, list[Proposal]] = {}
    for p in proposals:
        if p.label in ("ORG", "GPE"):
            ends.setdefault(p.end, []).append(p)
    joined = [
        Proposal(head.start, p.end, "ORG", "patterns")
        for p in proposals
        if p.source == "patterns" and p.label == "ORG" and not _TITLE_MARK.match(text, p.start)
        for head in ends.get(p.start, [])
        + (ends.get(p.start - 1, []) if text[p.start - 1 : p.start] == " " else [])
    ]
    words = administration_words()
    for p in proposals:
        if p.label in ("GPE", "PERSON", "ORG") and p.end - p.start >= 2:
            word = words.match(text, p.end)
            if word:
                joined.append(Proposal(p.start, word.end(), "ORG", "patterns", compound=True))
    return joined


def _country_counts(kept: list[Proposal]) -> Counter[str]:
    """How often the document speaks of each country: the country itself, its capital (``华府``: the
    United States' government), or one of its bodies."""
    entries = gazetteer_by_id()
    counts: Counter[str] = Counter()
    for p in kept:
        if len(p.ids) == 1:
            entry = entries[p.ids[0]]
            country = (entry.country or entry.id) if p.label == "GPE" else entry.country
            if country:
                counts[country] += 1
    return counts


def _pick_gazetteer_id(ids: tuple[str, ...], countries: Counter[str], named: set[str]) -> str:
    """Rule 2: the candidate the document also names unambiguously (美国商务部 … 商务部), else the one
    whose country it mentions most."""
    if len(ids) == 1:
        return ids[0]
    entries = gazetteer_by_id()
    return max(ids, key=lambda i: (i in named, countries.get(entries[i].country or "", 0), -ids.index(i)))


def bare_title(surface: str) -> str:
    """A title without its book-title marks (``《基本法》``: ``基本法``); other names unchanged.

    >>> bare_title("《基本法》"), bare_title("基本法"), bare_title("《》")
    ('基本法', '基本法', '《》')
    """
    if len(surface) > 2 and surface[0] == "《" and surface[-1] == "》":
        return surface[1:-1]
    return surface


def title_key(surface: str) -> str:
    """:func:`name_key` of a name, with or without book-title marks: ``《基本法》`` is ``基本法``."""
    return name_key(bare_title(surface))


def slug(name: str) -> str:
    """Stable id from a canonical name: ASCII names in snake case, Chinese as simplified text.

    >>> slug("Howard Lutnick"), slug("S.321"), slug("參議院能源和商務委員會")
    ('howard_lutnick', 's_321', '参议院能源和商务委员会')
    """
    simple = to_simplified(name).strip()
    if simple.isascii():
        return re.sub(r"[^0-9a-z]+", "_", simple.casefold()).strip("_") or "entity"
    return re.sub(r"\s+", "", simple)


class Resolver:
    """Groups proposals into entities for one document (see the module docstring)."""

    def __init__(self, text: str, proposals: list[Proposal]) -> None:
        self.text = text
        proposals = proposals + compounds(text, proposals)
        self.kept = choose(proposals)
        self.taken = Spans([(p.start, p.end) for p in self.kept])
        self.nested = self._variants(nested_in(self.kept, proposals))
        self.countries = _country_counts(self.kept)
        self.named = {p.ids[0] for p in self.kept + self.nested if len(p.ids) == 1}
        self.groups: list[Group] = []
        self.group_of: dict[int, Group] = {}

    def _variants(self, nested: list[Proposal]) -> list[Proposal]:
        """Rule 7, second half: an outer name takes the id of a same-type gazetteer name inside most of it,
        or of a company's name that only its registered form follows (``邁絡思科技有限公司``)."""
        remaining = []
        kept = {(k.start, k.end): k for k in self.kept}
        for inner in nested:
            span = self.taken.containing(inner.start, inner.end)
            assert span is not None, "nested_in gives only proposals inside a kept one"
            outer = kept[span]
            if (
                not outer.ids
                and not outer.compound
                and outer.label == inner.label
                and (
                    2 * (inner.end - inner.start) > outer.end - outer.start
                    or self._registered_form(outer, inner)
                )
            ):
                outer.ids = inner.ids
            else:
                remaining.append(inner)
        return remaining

    def _registered_form(self, outer: Proposal, inner: Proposal) -> bool:
        """Whether ``outer`` is the company ``inner`` in its registered form: trade words and a legal form
        after its name (``華為技術有限公司``), nothing else (``中國電信美洲公司`` is another company)."""
        return (
            inner.label == "ORG"
            and inner.start == outer.start
            and company_form().fullmatch(self.text, inner.end, outer.end) is not None
        )

    def run(self) -> list[Group]:
        by_key: dict[object, Group] = {}
        for p in self.kept + self.nested:
            gid = _pick_gazetteer_id(p.ids, self.countries, self.named) if p.ids else None
            key: object = gid or (p.label, title_key(self.text[p.start : p.end]))
            group = by_key.get(key)
            if group is None:
                group = by_key[key] = Group(gid)
                self.groups.append(group)
            self._add(group, p)
        self._appositions()
        self._short_names()
        self._titled_surnames()
        self._cut_short()
        self._repeats()
        self._containment()
        return [g for g in self.groups if g.proposals]

    def _add(self, group: Group, p: Proposal) -> None:
        group.proposals.append(p)
        self.group_of[id(p)] = group

    def _merge(self, keep: Group, gone: Group) -> None:
        if keep is gone:
            return
        if gone.gazetteer_id and not keep.gazetteer_id:
            keep, gone = gone, keep
        elif gone.gazetteer_id and keep.gazetteer_id:
            return
        for p in gone.proposals:
            self._add(keep, p)
        gone.proposals = []

    def _keep(self, group: Group, p: Proposal) -> None:
        """A proposal found by a rule after the choice, where no kept one overlaps it."""
        self.kept.append(p)
        self.taken.add(p.start, p.end)
        self._add(group, p)

    def _appositions(self) -> None:
        """Rule 3."""
        starts = {p.start: p for p in self.kept}
        for p in list(self.kept):
            m = _APPOSITION.match(self.text, p.end)
            if not m:
                continue
            a_start, a_end = m.span("alias")
            other = starts.get(a_start)
            if other is not None and other.end == a_end:
                if other.label == p.label or not self.group_of[id(other)].gazetteer_id:
                    self._merge(self.group_of[id(p)], self.group_of[id(other)])
            elif _SHORT_FORM.match(m.group("alias")) and self.taken.free(a_start, a_end):
                self._keep(self.group_of[id(p)], Proposal(a_start, a_end, p.label, "patterns"))
        self.kept.sort(key=lambda p: p.start)

    def _short_names(self) -> None:
        """Rule 4."""
        owners: dict[str, set[int]] = {}
        for group in self.groups:
            for p in group.proposals:
                if p.label != "PERSON":
                    continue
                surface = self.text[p.start : p.end]
                parts = re.split(rf"[\s{_NAME_SEPARATORS}]+", surface.strip())
                if len(parts) >= 2 and len(parts[-1]) >= 2:
                    owners.setdefault(parts[-1], set()).add(id(group))
        groups = {id(g): g for g in self.groups}
        for short, owner_ids in owners.items():
            if len(owner_ids) != 1:
                continue
            owner = groups[next(iter(owner_ids))]
            for other in self.groups:
                if (
                    other is not owner
                    and all(
                        self.text[p.start : p.end] == short and p.label == "PERSON" for p in other.proposals
                    )
                    and other.proposals
                ):
                    self._merge(owner, other)
            boundary = r"(?<![A-Za-z])" if short.isascii() else ""
            tail = r"(?![A-Za-z])" if short.isascii() else ""
            for m in re.finditer(boundary + re.escape(short) + tail, self.text):
                if self.taken.free(m.start(), m.end()):
                    self._keep(owner, Proposal(m.start(), m.end(), "PERSON", "patterns"))
        self.kept.sort(key=lambda p: p.start)

    def _titled_surnames(self) -> None:
        """Rule 4, third part: a surname and a title (``李主席``, ``唐外長``) is the one person of that
        surname the document names in full; with several of them, none."""
        full: dict[str, set[int]] = {}
        titled: list[Group] = []
        for group in self.groups:
            surfaces = [self.text[p.start : p.end] for p in group.proposals]
            if not surfaces or any(p.label != "PERSON" for p in group.proposals):
                continue
            if all(_titled_surname(s) for s in surfaces):
                titled.append(group)
                continue
            for surface in surfaces:
                if 2 <= len(surface) <= 3 and _is_surname(surface[0]):
                    full.setdefault(to_simplified(surface[0]), set()).add(id(group))
        groups = {id(g): g for g in self.groups}
        for group in titled:
            owners = full.get(to_simplified(self.text[group.proposals[0].start]), set())
            if len(owners) == 1:
                self._merge(groups[next(iter(owners))], group)

    def _cut_short(self) -> None:
        """Rule 4, fourth part: a person's name proposed only where the text reads, one character longer,
        another person's name (``司徒家`` of ``司徒家明雖非``) is that name. One lookup a proposal: a
        book-length document names thousands of people."""
        people = [g for g in self.groups if g.proposals and all(p.label == "PERSON" for p in g.proposals)]
        owner: dict[str, Group] = {}
        for group in people:
            for p in group.proposals:
                owner.setdefault(self.text[p.start : p.end], group)
        for minor in people:
            if minor.gazetteer_id or not minor.proposals:
                continue
            longer = {id(owner.get(self.text[p.start : p.end + 1])) for p in minor.proposals}
            major = owner.get(self.text[minor.proposals[0].start : minor.proposals[0].end + 1])
            if (
                major is None
                or major is minor
                or longer != {id(major)}
                or not all(self.taken.free(p.end, p.end + 1) for p in minor.proposals)
            ):
                continue
            for p in minor.proposals:
                self.taken.add(p.end, p.end + 1)
                p.end += 1
            self._merge(major, minor)

    def _repeats(self) -> None:
        """Rule 4, second half: every free occurrence of a name found by shape or model (a title found in
        book-title marks also where it stands without them)."""
        for group in [g for g in self.groups if g.proposals and not g.gazetteer_id]:
            label = group.proposals[0].label
            surfaces = {self.text[p.start : p.end] for p in group.proposals}
            for surface in surfaces | {bare_title(s) for s in surfaces}:
                if len(surface) < 2:
                    continue
                bounds = (r"(?<![A-Za-z0-9])", r"(?![A-Za-z0-9])") if surface.isascii() else ("", "")
                for m in re.finditer(bounds[0] + re.escape(surface) + bounds[1], self.text):
                    if self.taken.free(m.start(), m.end()):
                        self._keep(group, Proposal(m.start(), m.end(), label, "patterns"))
        self.kept.sort(key=lambda p: p.start)

    def _containment(self) -> None:
        """Rule 5. Groups are found through the endings of their names, not by comparing every pair."""
        loose = [g for g in self.groups if g.proposals and not g.gazetteer_id]
        keys = [{title_key(self.text[p.start : p.end]) for p in g.proposals} for g in loose]
        ending: dict[str, set[int]] = {}  # a name's ending of 4 characters or more → groups with that name

        def index(i: int, names: set[str]) -> None:
            for name in names:
                for cut in range(len(name) - 3):
                    ending.setdefault(name[cut:], set()).add(i)

        for i, names in enumerate(keys):
            index(i, names)
        for i, group in enumerate(loose):
            label = group.proposals[0].label
            if label not in ("ORG", "LAW"):
                continue
            longer = (
                j
                for k in keys[i]
                for j in ending.get(k, ())
                if any(o != k and o.endswith(k) for o in keys[j])
            )
            for j in sorted(set(longer)):
                other = loose[j]
                if j != i and other.proposals and other.proposals[0].label == label:
                    self._merge(other, group)
                    keys[j] |= keys[i]
                    index(j, keys[i])
                    break


def _is_surname(char: str) -> bool:
    return char in boundaries()["SURNAME"]


def _titled_surname(surface: str) -> bool:
    """Whether ``surface`` is a surname and a title of ``ROLE`` (``李主席``, ``唐外長``).

    >>> _titled_surname("李主席"), _titled_surname("李瑞明"), _titled_surname("主席")
    (True, False, False)
    """
    return len(surface) >= 3 and _is_surname(surface[0]) and surface[1:] in _roles()


@lru_cache(maxsize=1)
def _roles() -> frozenset[str]:
    return frozenset(boundaries()["ROLE"])


def _entity_type(group: Group) -> str:
    """Rule 6."""
    if group.gazetteer_id:
        return gazetteer_by_id()[group.gazetteer_id].type
    votes = Counter(p.label for p in group.proposals)
    best = min(SOURCES.index(p.source) for p in group.proposals)
    return max(
        votes,
        key=lambda lab: (
            votes[lab],
            any(p.label == lab and SOURCES.index(p.source) == best for p in group.proposals),
        ),
    )


def _canonical(surfaces: list[str], type_: str) -> str:
    latin = [s for s in surfaces if s.isascii()]
    if latin and (type_ != "PERSON" or any(" " in s for s in latin)):
        return max(latin, key=lambda s: (len(s.split()), len(s)))
    return to_simplified(max(surfaces, key=len))


def build_entity(group: Group, text: str) -> Entity:
    """The entity record of a group: id, type, canonical name, labels and aliases."""
    surfaces = list(dict.fromkeys(text[p.start : p.end] for p in group.proposals))
    names = list(dict.fromkeys(bare_title(s) for s in surfaces))
    type_ = _entity_type(group)
    if group.gazetteer_id:
        entry = gazetteer_by_id()[group.gazetteer_id]
        labels = dict(entry.labels)
        name, id_ = entry.name, entry.id
    else:
        name = _canonical(names, type_)
        id_ = slug(name)
        labels = {}
        english = [s for s in names if s.isascii()]
        chinese = [s for s in names if not s.isascii()]
        if english:
            labels["en"] = max(english, key=len)
        if chinese:
            labels["zh-Hans"] = to_simplified(max(chinese, key=len))
    traditional = [s for s in names if is_traditional(s)]
    if traditional and "zh-Hant" not in labels:
        labels["zh-Hant"] = max(traditional, key=len)
    return Entity(id=id_, type=type_, name=name, labels=labels, aliases=surfaces)


def proposals_of(doc: Doc) -> list[Proposal]:
    """Every proposal the rule (and model) components left on ``doc``."""
    out = []
    listed: list[tuple[int, int]] = []
    text = doc.text
    for source in SOURCES:
        if source == "slot":
            continue  # the statistical proposals that stand in a speaker's slot, made below
        spans = doc.spans.get(source, []) if source != "ner" else doc.ents
        for span in spans:
            start, end, kind = span.start_char, span.end_char, source
            if source == "ner":
                end = _without_link(text, start, end)
                if span.label_ == "ORG" and generic_bodies().match(to_simplified(text[start:end])):
                    continue  # 监管部门, 国际组织: a body described, none named
                if (
                    text[end - 1 : end + 1] in _cut_words("split_words")
                    or text[start - 1 : start + 1] in _cut_words("split_before_words")
                    or _starts_inside_a_cue(text, start)
                ):
                    continue  # 國際社|會, 任|何安全, 表|明嚴正: the model cut a word in two
                if any(
                    g_start < start < g_end < end or start < g_start < end < g_end
                    for g_start, g_end in listed
                ):
                    continue  # 賴|清德上禮拜才: the model cut a listed name in two
                longest = _SLOT_LONGEST_PERSON if span.label_ == "PERSON" else _SLOT_LONGEST
                if (
                    in_speaker_slot(text, start, end)
                    and (end - start <= longest or plausible_ner(text[start:end], span.label_))
                    and (span.label_ != "PERSON" or name_likelihood(text[start:end]) >= _SLOT_NAME_SCORE)
                ):
                    kind = "slot"  # strong evidence: it competes with the rules, longest first
                elif not plausible_ner(text[start:end], span.label_):
                    continue
            if span.label_ == "GPE" and not_a_place_before().match(text, end):
                continue  # 阿尔巴尼亚族: a people, not the place
            if source == "gazetteer" and text[start - 1 : start] == "《" and text[end : end + 1] == "》":
                start, end = start - 1, end + 1  # 《华尔街日报》: a title is named with its marks
            ids = tuple(span.kb_id_.split("|")) if span.kb_id_ and source == "gazetteer" else ()
            out.append(Proposal(start, end, span.label_, kind, ids))
            if source == "gazetteer":
                listed.append((start, end))
    return out


@lru_cache(maxsize=2)
def _cut_words(key: str) -> frozenset[str]:
    """The words of ``boundaries.json``'s ``key``, both scripts, that a model's name may not cut:
    ``split_words`` may not hold its end (``國際社會``: no 國際社), ``split_before_words`` its start
    (``任何安全``: no 何安)."""
    return frozenset(w for word in boundaries()[key] for w in (word, to_simplified(word)))


def _starts_inside_a_cue(text: str, start: int) -> bool:
    """Whether the characters before ``start`` and the first one after it make a cue word (``表|明``)."""
    match = cue_word_inside().search(text, max(0, start - 3), start + 1)
    return match is not None and match.start() < start < match.end()


def _without_link(text: str, start: int, end: int) -> int:
    """The end of a statistical proposal without the word that links it to a cue (``王晨都表示``: ``王晨``).

    >>> _without_link("王晨都表示，要改革。", 0, 3)
    2
    """
    while end - start > 2 and speaker_slot().match(text, end - 1) is not None:
        end -= 1
    return end


@dataclass(frozen=True, slots=True)
class Resolved:
    """A mention after resolution: its span, its entity's type and id, and whether it is nested (rule 7)."""

    start: int
    end: int
    label: str
    entity: str
    nested: bool


def resolve(text: str, proposals: list[Proposal]) -> tuple[dict[str, Entity], list[Resolved]]:
    """The entities of one document and every mention of them, from the proposals on its ``text``.

    Text in, records out: the component below applies it to a spaCy ``Doc``, and a document too long
    for one ``Doc`` is resolved whole from its pieces' proposals (``extract.pipeline``).
    """
    entities: dict[str, Entity] = {}
    found: list[Resolved] = []
    for group in Resolver(text, proposals).run():
        entity = build_entity(group, text)
        known = entities.get(entity.id)
        if known is None:
            entities[entity.id] = entity
        else:
            known.aliases.extend(a for a in entity.aliases if a not in known.aliases)
        label = entities[entity.id].type
        found += [Resolved(p.start, p.end, label, entity.id, p.nested) for p in group.proposals]
    found = _without_repeats(found)
    titled = [m for m in found if not m.nested and bare_title(text[m.start : m.end]) != text[m.start : m.end]]
    spans = {(m.start, m.end) for m in found}
    found += [  # 《华尔街日报》 names 华尔街日报 too: the title within its marks is a mention of its own
        Resolved(m.start + 1, m.end - 1, m.label, m.entity, True)
        for m in titled
        if (m.start + 1, m.end - 1) not in spans
    ]
    return entities, found


def _without_repeats(found: list[Resolved]) -> list[Resolved]:
    """Drop a nested name inside an outer name of the same entity (台積 in 台積電, 商务部 in 美国商务部 when
    both are the US department): one name, one mention, or the entity's mentions count it twice."""
    outer: dict[str, list[tuple[int, int]]] = {}
    for m in sorted(found, key=lambda m: m.start):
        if not m.nested:
            outer.setdefault(m.entity, []).append((m.start, m.end))  # the outer names never overlap

    def repeats(m: Resolved) -> bool:
        spans = outer.get(m.entity, [])
        k = bisect_right(spans, (m.start, math.inf)) - 1
        return k >= 0 and spans[k][0] <= m.start and m.end <= spans[k][1]

    return [m for m in found if not m.nested or not repeats(m)]


class ResolverComponent:
    """Sets ``doc.ents`` (label = type, ``kb_id`` = entity id) and ``doc._.entities``."""

    def __call__(self, doc: Doc) -> Doc:
        entities, found = resolve(doc.text, proposals_of(doc))
        spans, nested = [], []
        for m in found:
            span = doc.char_span(m.start, m.end, label=m.label, kb_id=m.entity)
            if span is not None:
                (nested if m.nested else spans).append(span)
        doc.ents = sorted(spans, key=lambda s: s.start)
        doc.spans[MENTIONS] = sorted(spans + nested, key=lambda s: (s.start, s.end))
        doc._.entities = entities
        return doc


@Language.factory("claimgraph_resolver", assigns=["doc.ents", "doc.spans", "doc._.entities"])
def make_resolver(nlp: Language, name: str) -> ResolverComponent:
    """Registered factory: resolution rules are described in this module's docstring."""
    return ResolverComponent()
