"""Words in a claim's text that refer back to an entity named before it (``公司``, ``新规``, ``该协会``).

A claim that names no entity is not annotated (GUIDELINES), but a company's statement that speaks of
``公司`` speaks of itself, and a demand that ``公司核实相关传闻`` is about the company named just before.
The rules are data (``anaphors`` in ``claim_rules.json``): each names a pattern, the type of the entity it
refers to, and, with a ``head`` group, the noun the entity's own name must end with (``该协会`` → the last
``…协会`` named). The antecedent is the nearest earlier mention that fits, within the distance pronouns
may reach.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from .mentions import Ment
from .scripts import to_simplified


@dataclass(frozen=True, slots=True)
class Anaphor:
    """A word that refers back to an entity of ``label`` (``claim_rules.json``: ``anaphors``)."""

    name: str
    label: str
    regex: re.Pattern[str]


def anaphors(rules: Sequence[dict]) -> tuple[Anaphor, ...]:
    """The rules of ``claim_rules.json``'s ``anaphors``, compiled."""
    return tuple(Anaphor(r["name"], r["label"], re.compile(r["pattern"])) for r in rules)


def anaphor_target(
    text: str,
    start: int,
    end: int,
    mentions: Sequence[Ment],
    starts: Sequence[int],
    rules: Sequence[Anaphor],
    max_distance: int,
) -> str | None:
    """The entity that the first anaphor in ``text[start:end]`` refers to, if any fits.

    >>> text = "上交所要求寒武纪说明。寒武纪称，公司不存在应披露而未披露的信息。"
    >>> ms = [Ment(0, 3, "ORG", "sse"), Ment(5, 8, "ORG", "cambricon"), Ment(11, 14, "ORG", "cambricon")]
    >>> rule = Anaphor("company", "ORG", re.compile("公司"))
    >>> anaphor_target(text, 16, 32, ms, [m.start for m in ms], [rule], 200)
    'cambricon'
    """
    for rule in rules:
        for hit in rule.regex.finditer(text, start, end):
            head = hit.groupdict().get("head")
            found = _nearest(text, hit.start(), mentions, starts, rule.label, head, max_distance)
            if found is not None:
                return found
    return None


def _nearest(
    text: str,
    pos: int,
    mentions: Sequence[Ment],
    starts: Sequence[int],
    label: str,
    head: str | None,
    max_distance: int,
) -> str | None:
    k = bisect_left(starts, pos) - 1
    while k >= 0:
        m = mentions[k]
        if pos - m.end > max_distance:
            return None
        if m.label == label and m.end <= pos and (head is None or _ends_with(text[m.start : m.end], head)):
            return m.entity
        k -= 1
    return None


def _ends_with(name: str, head: str) -> bool:
    return to_simplified(name).endswith(to_simplified(head))
