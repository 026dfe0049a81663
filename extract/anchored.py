"""Attributions anchored on a name: what stands before and after a speaker's mention, as named patterns.

Some attributions have no cue word of their own: the words around the name do the work.
``据路透社报道，…`` and ``根據海關總署的數據，…`` make the outlet or the office the source of what
follows; ``摩根士丹利的報告顯示，…`` and ``华为发布的年报显示，…`` too; a headline ``商務部盼美方取消關稅``
is the ministry's; ``外交部对美方的做法表示强烈不满`` is the ministry's view of what stands between
``对`` and ``表示``. Each pattern (``claim_rules.json``, ``anchored``) names what must come right
before the mention (``before``, matched against the text that ends there), what must follow it
(``after``, matched from its end: the cue of the claim), and where the claim's words end (``to``: the
end of the sentence, or of the line for a headline). An ``after`` with a group ``words`` holds the
claim's words itself; one with a group ``attitude`` gives the claim's type through ``types``.
Examples and counter-examples are run by the tests.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache

from .lexicon import data_path, expand_placeholders
from .mentions import Ment

_LOOKBEHIND = 30
"""Characters before a mention that a ``before`` pattern may see."""
MAX_HEADING_CHARS = 50


CUE_TAIL = " \t\u3000，,：:"
"""What may follow the cue word inside a pattern's ``after`` and is not part of it."""


@dataclass(frozen=True, slots=True)
class AnchoredPattern:
    name: str
    before: re.Pattern[str]
    after: re.Pattern[str]
    to: str
    heading: bool
    types: frozenset[str]
    attitudes: dict[str, str]
    examples: tuple[tuple[str, str, str], ...]
    counter_examples: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Anchored:
    """A claim found by a pattern: its speaker's mention, the cue (the matched ``after``), its words."""

    mention: Ment
    cue_start: int
    cue_end: int
    start: int
    end: int
    pattern: str
    type: str = "statement"


@lru_cache(maxsize=1)
def anchored_patterns() -> tuple[AnchoredPattern, ...]:
    """The ``anchored`` patterns of ``claim_rules.json``; ``{DOC}`` and ``{SHOW}`` are shared word lists."""
    data = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))["anchored"]
    words = {key: "(?:" + "|".join(map(re.escape, data[key])) + ")" for key in ("DOC", "SHOW")}

    def compiled(pattern: str) -> re.Pattern[str]:
        for key, alternatives in words.items():
            pattern = pattern.replace("{" + key + "}", alternatives)
        return re.compile(expand_placeholders(pattern))

    return tuple(
        AnchoredPattern(
            name=row["name"],
            before=compiled(row["before"] + "$"),
            after=compiled(row["after"]),
            to=row["to"],
            heading=bool(row["heading"]),
            types=frozenset(row["types"]),
            attitudes=dict(row.get("attitudes", {})),
            examples=tuple(tuple(e) for e in row["examples"]),
            counter_examples=tuple(row["counter_examples"]),
        )
        for row in data["patterns"]
    )


def _heading(text: str, pos: int) -> bool:
    """The line around ``pos`` looks like a headline: short, without a sentence's final mark."""
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    line = text[start : len(text) if end < 0 else end].strip()
    return 0 < len(line) <= MAX_HEADING_CHARS and line[-1] not in "。！？!?；;"


def find_anchored(text: str, mentions: Sequence[Ment], ends: str) -> Iterator[Anchored]:
    """Every place where a pattern holds around a mention; ``ends`` are the sentence-final characters.

    >>> from extract.mentions import Ment
    >>> text = "据路透社报道，英伟达正在开发新芯片。"
    >>> [(text[a.start:a.end], a.pattern) for a in find_anchored(text, [Ment(1, 4, "ORG", "r")], "。")]
    [('英伟达正在开发新芯片。', 'according_to')]
    """
    for m in mentions:
        for p in anchored_patterns():
            if m.label not in p.types or not p.before.search(text, max(0, m.start - _LOOKBEHIND), m.start):
                continue
            cue = p.after.match(text, m.end)
            if cue is None or (p.heading and not _heading(text, m.start)):
                continue
            if "words" in p.after.groupindex:
                start, end = cue.span("words")
                attitude = cue.group("attitude") if "attitude" in p.after.groupindex else ""
                kind = p.attitudes.get(attitude, "statement")
                yield Anchored(m, end, cue.end(), start, end, p.name, kind)
                break
            start = cue.end()
            stop = "\n" if p.to == "line" else ends
            end = next((i + 1 for i in range(start, len(text)) if text[i] in stop), len(text))
            if text[end - 1 : end] == "\n":
                end -= 1
            if end - start >= 2:
                cue_end = len(text[: cue.end()].rstrip(CUE_TAIL))  # the cue word, not the comma after it
                yield Anchored(m, cue.start(), max(cue.start(), cue_end), start, end, p.name)
            break
