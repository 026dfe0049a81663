"""Rule components that propose entity mentions: gazetteer, name shapes, forum posters.

Each writes its candidates to its own span group; ``claimgraph_resolver`` then
chooses among them and resolves them to entities. Proposals carry the source in
the span group name so the resolver can rank them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from .forum import anonymous_posters
from .lexicon import (
    Abbreviations,
    EntityPattern,
    abbreviations,
    boundaries,
    entity_patterns,
    gazetteer,
    gazetteer_by_key,
    modal_after_place,
    name_likelihood,
    speaker_slot,
)
from .scripts import name_key, to_simplified, traditional_variants

_YEAR_PREFIX = re.compile(r"(?:19|20)\d\d\s?年$")
_SUFFIX_LEN = 2
_ACRONYM = re.compile(r"^[A-Z0-9.&\-]{1,2}$")


def _stop_words() -> list[str]:
    words = list(boundaries()["stop_words"])
    for word in list(words):
        words.extend(traditional_variants(word))
    return sorted(set(words), key=len, reverse=True)


def trim_left(text: str, start: int, end: int, keep_right: int = 2) -> int:
    """Move ``start`` past the last stop character or stop word before the name's suffix.

    A name found by its suffix (``…法案``) was grown leftwards greedily; what
    precedes the last function word or verb is not part of it.

    >>> s = "这次修订的是出口管制改革法案"
    >>> s[trim_left(s, 0, len(s)):]
    '出口管制改革法案'
    """
    stops = boundaries()["stop_chars"]
    head = text[start : end - keep_right]
    inside_words = _inside_name_words(text[start:end])
    cut = 0
    for i, ch in enumerate(head):
        if (ch in stops and i not in inside_words) or (
            ch.isspace() and i + 1 < len(head) and not head[i + 1].isascii()
        ):
            cut = i + 1
    for word in _stop_words():
        at = head.rfind(word)
        while at >= 0 and inside_words.intersection(range(at, at + len(word))):
            at = head.rfind(word, 0, at)  # 調查 of 聯邦調查局: part of the name
        if at >= 0:
            cut = max(cut, at + len(word))
    return start + cut


def _inside_name_words(name: str) -> set[int]:
    """The places in ``name`` covered by a word of ``name_words`` (``个人``, ``经济``, ``调查局``): not places
    to cut.

    >>> sorted(_inside_name_words("韩国个人信息保护委员会"))
    [2, 3]
    """
    places: set[int] = set()
    for word in boundaries()["name_words"]:
        at = name.find(word)
        while at >= 0:
            places.update(range(at, at + len(word)))
            at = name.find(word, at + 1)
    return places


def pattern_matches(
    text: str, patterns: tuple[EntityPattern, ...] | None = None
) -> Iterator[tuple[int, int, str, str]]:
    """Yield ``(start, end, label, rule name)`` for every shape pattern match in ``text``.

    >>> text = "国会通过了芯片安全法案。"
    >>> [(text[s:e], label) for s, e, label, _ in pattern_matches(text)]
    [('芯片安全法案', 'LAW')]
    """
    for pattern in patterns if patterns is not None else entity_patterns():
        group = "name" if "name" in pattern.regex.groupindex else 0
        for match in pattern.regex.finditer(text):
            start, end = match.span(group)
            if pattern.trim_left:
                start = trim_left(text, start, end)
            while pattern.generic_prefix and start < end and text[start] in pattern.generic_prefix:
                if any(_is_place(text[start : start + n]) for n in (2, 3, 4)):
                    break  # 新加坡, 新西兰: a place's name, not 新 before a name
                start += 1
            suffix = len(match.group("suffix")) if "suffix" in pattern.regex.groupindex else _SUFFIX_LEN
            stem = text[start : end - suffix]
            if len(stem) < pattern.min_stem or stem in pattern.generic_stems:
                continue
            if text[end - suffix : end] in pattern.no_place_stem and _is_place(stem):
                continue
            if pattern.year_prefix:
                year = _YEAR_PREFIX.search(text[max(0, start - 6) : start + 1])
                if year:
                    start = max(0, start - 6) + year.start()
            name = text[start:end]
            lead = len(name) - len(name.lstrip())
            name = name.strip()
            if len(name) < 2 or name.casefold() in pattern.exclude:
                continue
            if pattern.name_score is not None and name_likelihood(name) < pattern.name_score:
                continue
            if pattern.not_around_known and _holds_known(name, pattern.label):
                continue
            if pattern.not_link_words and speaker_slot().match(text, start + lead):
                continue
            label = pattern.last_word_labels.get(name.rsplit(None, 1)[-1], pattern.label)
            yield start + lead, start + lead + len(name), label, pattern.name


def _is_place(stem: str) -> bool:
    return any(e.type == "GPE" for e in gazetteer_by_key().get(name_key(stem), ()))


def _holds_known(name: str, label: str) -> bool:
    """Whether ``name`` holds, and is longer than, a gazetteer name of type ``label`` that names one entity.

    An alias of several (``商务部``: China's, the United States') does not count: ``新西兰商务部`` is a third.

    >>> _holds_known("拜登访", "PERSON"), _holds_known("意大利数据保护局", "ORG")
    (True, False)
    >>> _holds_known("新西兰商务部", "ORG")
    False
    """
    known = gazetteer_by_key()
    return any(
        [e.type for e in known.get(name_key(name[i:j]), ())] == [label]
        for i in range(len(name))
        for j in range(i + 2, len(name) + 1)
        if j - i < len(name)
    )


def abbreviation_matches(
    text: str, rules: Abbreviations | None = None
) -> Iterator[tuple[int, int, tuple[str, ...]]]:
    """Yield ``(start, end, candidate ids)`` for each character of a joint abbreviation of countries.

    A run of 2 to 4 distinct abbreviations (``abbreviations.json``) counts only right before a relation
    word; a first character that belongs to the word before it (``18日``, ``其中``) is not part of the run,
    and no character of the run may belong to a gazetteer name (``巴黎协定``: Paris, not two countries).
    ``text`` is read in simplified script, the offsets are those of ``text``.

    >>> text = "18日中美会谈，美日元汇率走低"
    >>> [(text[s:e], ids) for s, e, ids in abbreviation_matches(text)]
    [('中', ('china',)), ('美', ('usa',))]
    """
    rules = rules or abbreviations()
    simple = to_simplified(text)
    if len(simple) != len(text):
        simple = text
    chars = "".join(re.escape(c) for c in rules.ids)
    for run in re.finditer(f"[{chars}]+", simple):
        start, end = run.span()
        if not rules.relation.match(simple, end):
            continue
        if rules.not_first.search(simple, max(0, start - 3), start + 1):
            start += 1
        if end - start >= 3 and simple[start] in rules.function_first:
            start += 1
        letters = simple[start:end]
        if not 2 <= len(letters) <= 4 or len(set(letters)) < len(letters) or letters in rules.not_runs:
            continue
        if any(
            (name := rules.names.match(simple, at)) and name.end() > start
            for at in range(max(0, start - rules.longest_name + 1), end)
        ):
            continue  # part of a longer name the gazetteer knows: 巴黎协定, 加沙冲突
        for at in range(start, end):
            ids = rules.ids[simple[at]]
            decided = [rules.partners.get(simple[at], {}).get(other) for other in letters]
            chosen = next((i for i in decided if i in ids), None)
            yield at, at + 1, (chosen,) if chosen else ids


def _add_spans(doc: Doc, key: str, spans: list[Span]) -> None:
    doc.spans[key] = sorted(set(spans), key=lambda s: (s.start, s.end, s.label_))


class GazetteerRuler:
    """Finds gazetteer aliases in either script; ambiguous aliases keep all candidate ids.

    One-character abbreviations are found only in joint abbreviations (:func:`abbreviation_matches`).

    Matching runs on the text converted to simplified script (OpenCC ``t2s``
    keeps the length, so offsets hold), which catches every traditional and
    Taiwan spelling without listing them. Case-insensitive for Latin aliases of
    three characters or more (forum writers type ``gpt``, ``irs``); exact for
    two-letter ones (``US`` must not match ``us``).
    """

    def __init__(self, nlp: Language, spans_key: str) -> None:
        self.spans_key = spans_key
        self.make_doc = nlp.make_doc
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        self.folded = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.candidates: dict[str, list[str]] = {}
        self.types: dict[str, str] = {}
        for entry in gazetteer():
            self.types[entry.id] = entry.type
            for form in entry.surface_forms():
                key = f"{entry.type}\t{form}"
                ids = self.candidates.setdefault(key, [])
                if entry.id not in ids:
                    ids.append(entry.id)
        for key in self.candidates:
            form = key.split("\t", 1)[1]
            matcher = self.exact if _ACRONYM.match(form) or not form.isascii() else self.folded
            matcher.add(key, [nlp.make_doc(form)])

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        text = doc.text
        simple = to_simplified(text)
        target = self.make_doc(simple) if len(simple) == len(text) else doc
        for matcher in (self.exact, self.folded):
            for match_id, start, end in matcher(target):
                key = doc.vocab.strings[match_id]
                label = key.split("\t", 1)[0]
                first, last = target[start], target[end - 1]
                span = doc.char_span(
                    first.idx,
                    last.idx + len(last),
                    label=label,
                    kb_id="|".join(self.candidates[key]),
                    alignment_mode="expand",
                )
                if span is not None:
                    spans.append(span)
        for start, end, ids in abbreviation_matches(text):
            span = doc.char_span(start, end, label=self.types[ids[0]], kb_id="|".join(ids))
            if span is not None:
                spans.append(span)
        same = simple if len(simple) == len(text) else text  # the offsets of the spans
        spans = [s for s in spans if not _modal_after_place(same, s)]
        _add_spans(doc, self.spans_key, _bare_product_names(simple, spans))
        return doc


def _modal_after_place(simple: str, span: Span) -> bool:
    """Whether ``span`` is a place's name and the modal 会 with a verb after it (美国会继续…: the United
    States will), not a parliament's short name (``modal_after_place`` of ``boundaries.json``)."""
    modal, starts = modal_after_place()
    name = simple[span.start_char : span.end_char]
    return (
        len(name) > 2
        and name[-1] in modal
        and _is_place(name[:-1])
        and starts.match(simple, span.end_char) is not None
    )


def _bare_product_names(simple: str, spans: list[Span]) -> list[Span]:
    """Drop a product's alias that holds its bare name plus its maker before it or a generic head after
    it (英伟达H100, 昇腾芯片, 微软Azure云): the bare name is the product's mention, the maker one of its own.

    Only Chinese makers and heads: ``DeepSeek R1`` is how the model is named in English.
    """
    heads = set(boundaries()["product_heads"])
    makers = {(s.start_char, s.end_char) for s in spans if s.label_ == "ORG"}
    products: dict[int, list[Span]] = {}
    for span in spans:
        if span.label_ == "PRODUCT":
            products.setdefault(span.kb_id, []).append(span)

    def wrapped(outer: Span) -> bool:
        for inner in products[outer.kb_id]:
            if inner is outer:
                continue
            if not outer.start_char <= inner.start_char < inner.end_char <= outer.end_char:
                continue
            before = simple[outer.start_char : inner.start_char]
            after = simple[inner.end_char : outer.end_char]
            maker = not before or (outer.start_char, inner.start_char) in makers
            head = not after or after in heads
            if (before or after) and maker and head and not re.search("[A-Za-z]", before + after):
                return True
        return False

    return [s for s in spans if s.label_ != "PRODUCT" or not wrapped(s)]


class PatternRuler:
    """Finds names by shape: law titles, bill numbers, chip codes, model versions, Latin names."""

    def __init__(self, spans_key: str) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for start, end, label, _rule in pattern_matches(doc.text):
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                spans.append(span)
        _add_spans(doc, self.spans_key, spans)
        return doc


class PosterRuler:
    """Marks each forum post's author, and each quoted poster named in a reply, as a PERSON
    (GUIDELINES: posters are entities)."""

    def __init__(self, spans_key: str) -> None:
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        spans = []
        names = [(p.author_start, p.author_end) for p in doc._.posts]
        quoted = [q for p in doc._.posts for q in p.quotes if q.author_start is not None]
        names += [(q.author_start, q.author_end) for q in quoted]
        for start, end in names:
            if start < 0 or end > len(doc.text):
                continue  # a post of an earlier or later piece (a long document in pieces)
            if doc.text[start:end] in anonymous_posters():
                continue  # 匿名用户: no one's name
            span = doc.char_span(start, end, label="PERSON", alignment_mode="expand")
            if span is not None:
                spans.append(span)
        _add_spans(doc, self.spans_key, spans)
        return doc


@Language.factory("claimgraph_gazetteer", assigns=["doc.spans"], default_config={"spans_key": "gazetteer"})
def make_gazetteer_ruler(nlp: Language, name: str, spans_key: str) -> GazetteerRuler:
    """Registered factory: the gazetteer data lives in ``extract/data/gazetteer.jsonl``."""
    return GazetteerRuler(nlp, spans_key)


@Language.factory("claimgraph_patterns", assigns=["doc.spans"], default_config={"spans_key": "patterns"})
def make_pattern_ruler(nlp: Language, name: str, spans_key: str) -> PatternRuler:
    """Registered factory: the patterns live in ``extract/data/patterns.jsonl``."""
    return PatternRuler(spans_key)


@Language.factory("claimgraph_posters", assigns=["doc.spans"], default_config={"spans_key": "posters"})
def make_poster_ruler(nlp: Language, name: str, spans_key: str) -> PosterRuler:
    """Registered factory: posters come from the document's forum posts."""
    return PosterRuler(spans_key)
