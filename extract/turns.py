"""Turns: lines that begin with who speaks and a colon.

Press conferences and interviews are printed as turns (``林剑：…``, ``彭博社记者：…``, ``问：…`` /
``答：…``, ``鄺：…``), and a headline often is one (``李成钢：会谈取得实质性进展``). A line whose
label names a speaker is that speaker's words, to the end of the line:

- a name the document mentions, alone or with a role after it (``总台央视记者``: a named outlet's
  reporter asks for the outlet; ``主持人（发言人朱凤莲）``: the person in brackets);
- the first characters of a person's name mentioned elsewhere (``鄺`` for ``鄺志朗``);
- a question or answer label (``问``/``答``, ``記``): the interviewer and the interviewee, found where the
  document introduces the interview or press conference (``李成钢接受了新华社记者专访``,
  ``发言人林剑主持例行记者会``); where no person is named, the office whose spokesperson answers
  (``商务部新闻发言人就…答记者问``). An unnamed reporter's question is nobody's claim.

The labels, role words and introducing words are data (``claim_rules.json``, ``turns``).
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from .lexicon import boundaries, data_path
from .mentions import Ment

HEADLINE_GAP = re.compile(r"(?<=\S)[ \t\u3000]+(?=\S)")
LABEL = re.compile(r"[ \t\u3000]*(?P<label>[^：:\n。！？，,]{1,24}?)[ \t\u3000]*[：:]{1,2}[ \t\u3000]*(?=\S)")


@dataclass(frozen=True, slots=True)
class Turn:
    """The words of one turn (``start``/``end``, after the label) and whose they are."""

    start: int
    end: int
    speaker: str
    label_start: int
    label_end: int


@dataclass(frozen=True, slots=True)
class TurnRules:
    question_labels: frozenset[str]
    answer_labels: frozenset[str]
    roles: re.Pattern[str]
    introduction: re.Pattern[str]
    reporter: re.Pattern[str]
    spokesperson: re.Pattern[str]
    aside: re.Pattern[str]
    interviewing: re.Pattern[str]
    legend: re.Pattern[str]
    min_chars: int
    reply_words: tuple[str, ...]


@lru_cache(maxsize=1)
def turn_rules() -> TurnRules:
    """The ``turns`` block of ``claim_rules.json``, with the role words of ``boundaries.json``."""
    data = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))["turns"]
    roles = sorted({*boundaries()["ROLE"], *data["reporters"], *data["label_tails"]}, key=len, reverse=True)
    return TurnRules(
        question_labels=frozenset(data["question_labels"]),
        answer_labels=frozenset(data["answer_labels"]),
        roles=re.compile(r"[\s（(）)]*(?:" + "|".join(map(re.escape, roles)) + r")?[\s（(）)]*$"),
        introduction=re.compile(data["introduction"]),
        reporter=re.compile(r"\s?(?:" + "|".join(map(re.escape, data["reporters"])) + ")"),
        spokesperson=re.compile("|".join(map(re.escape, data["spokespeople"]))),
        aside=re.compile(
            r"\s?(?:" + "|".join(map(re.escape, roles)) + r")?\s?(?:[（(][^（()）\n]{1,20}[）)])?\s*"
        ),
        interviewing=re.compile(data["interviewing"]),
        legend=re.compile(data["legend"]),
        min_chars=int(data["min_chars"]),
        reply_words=tuple(data["reply_words"]),
    )


def find_turns(text: str, mentions: Sequence[Ment]) -> Iterator[Turn]:
    """Every line of ``text`` that opens with a speaker's label, as a ``Turn``.

    >>> from extract.mentions import Ment
    >>> text = "林剑主持例行记者会\\n路透社记者：中方对此有何回应？\\n林剑：中方坚决反对。"
    >>> ms = [Ment(0, 2, "PERSON", "lin"), Ment(10, 13, "ORG", "reuters"), Ment(27, 29, "PERSON", "lin")]
    >>> [(text[t.start:t.end], t.speaker) for t in find_turns(text, ms)]
    [('中方对此有何回应？', 'reuters'), ('中方坚决反对。', 'lin')]
    """
    r = turn_rules()
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    lines = [piece for m in re.finditer(r"[^\n]+", text) for piece in _segments(text, m.start(), m.end())]
    labelled = [(line, LABEL.match(text, line[0], line[1])) for line in lines]
    labels = {*r.question_labels, *r.answer_labels}
    asked = (line[0] for line, label in labelled if label and label.group("label").strip() in labels)
    first = next(asked, len(text))  # a headline turn may come before the introduction
    interviewer, interviewee = _parties(text[:first], ordered, r)
    for (_, line_end), label in labelled:
        if label is None:
            continue
        body_start, body_end = label.end(), len(text[:line_end].rstrip())
        if body_end - body_start < r.min_chars:
            continue
        word = label.group("label").strip()
        if word.startswith(r.reply_words):
            continue  # 回复 老王：… is the poster's reply to 老王, not 老王's words
        if word in r.question_labels:
            speaker = interviewer
        elif word in r.answer_labels:
            speaker = interviewee
        else:
            speaker = _named(text, label.span("label"), ordered, starts, r)
        if speaker is not None:
            yield Turn(body_start, body_end, speaker, *label.span("label"))


def _segments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A line, or the parts of a headline that spaces set apart (``OpenAI指DeepSeek蒸馏 外交部：中方反对…``):
    each part may open with a speaker of its own. A line with a full stop is prose, not a headline."""
    if any(ch in text[start:end] for ch in "。！!"):
        return [(start, end)]
    cuts = [m.end() for m in HEADLINE_GAP.finditer(text, start, end)]
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in pairwise(bounds) if text[a:b].strip()]


def _named(
    text: str, span: tuple[int, int], ordered: Sequence[Ment], starts: list[int], r: TurnRules
) -> str | None:
    """The entity a label names: its last mention, if only a role follows it; else a person whose name
    the label begins."""
    start, end = span
    inside = [m for m in ordered[bisect_left(starts, start) :] if m.end <= end]
    first = inside[0] if inside else None
    if first and first.start == start and first.label == "PERSON" and r.aside.fullmatch(text, first.end, end):
        return first.entity  # 奧肯菲爾議員（共和黨）: the person, whose party the brackets give
    for m in reversed(inside):
        if m.label in ("PERSON", "ORG", "GPE") and r.roles.fullmatch(text, m.end, end):
            return m.entity
    if inside:
        return None
    word = text[start:end].strip()
    if 1 <= len(word) <= 2:
        people = {m.entity for m in ordered if m.label == "PERSON" and text.startswith(word, m.start)}
        if len(people) == 1:
            return people.pop()
    return None


def _parties(intro: str, ordered: Sequence[Ment], r: TurnRules) -> tuple[str | None, str | None]:
    """Who asks and who answers, from the sentences that introduce the interview or press conference,
    or from a legend that names them (``（問：《數位時代》；答：蔡宏恩）``)."""
    interviewer = interviewee = None
    for legend in r.legend.finditer(intro):
        asker = [m for m in ordered if legend.start("asker") <= m.start < legend.end("asker")]
        answerer = [m for m in ordered if legend.start("answerer") <= m.start < legend.end("answerer")]
        if asker and answerer:
            return asker[0].entity, answerer[0].entity
    for sentence in re.finditer(r"[^。！？\n]+", intro):
        if not r.introduction.search(sentence.group()):
            continue
        for m in ordered:
            if not sentence.start() <= m.start < sentence.end():
                continue
            if m.label == "ORG" and (r.reporter.match(intro, m.end) or r.interviewing.match(intro, m.end)):
                interviewer = m.entity
            elif m.label == "PERSON" and not r.reporter.match(intro, m.end):
                interviewee = m.entity
            elif m.label == "ORG" and r.spokesperson.match(intro, m.end) and interviewee is None:
                # 商务部新闻发言人就…答记者问: the office answers, unless a person is named
                interviewee = m.entity
    return interviewer, interviewee
