"""What a map shows of a claim's document: the context around the claim and its cue, where the claim's
speaker and targets are mentioned in it, and the document's first line (its title when the metadata gives
none).

The build writes these into each document's digest (``graph.store.digest``), so a map of thousands of
claims reads no document's text (4,548 texts, 12 MB, on a focus map of 10,000 documents); a map of a store
without digests works them out from the texts with the same functions, so the two cannot differ
(``tests/test_map.py`` compares them).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

CONTEXT_CHARS = 30
"""Characters of context shown on each side of a claim and its cue."""


class Context(NamedTuple):
    """A claim's context: ``window`` is its document's text from offset ``ws``; ``clipped`` when the text
    goes on after it; ``marks``, by entity, the ranges of ``window`` (merged, in order) where the entity
    is mentioned."""

    ws: int
    window: str
    clipped: bool
    marks: dict[str, list[list[int]]]


def claim_context(
    text: str | None,
    claim: tuple[int, int, str],
    cue: tuple[int, int] | None,
    spans: Mapping[str, Sequence[tuple[int, int]]],
    entities: Iterable[str],
) -> Context:
    """The context of a claim (``claim``: start, end and its text) in its document's ``text``, with the
    mentions (``spans``, each entity's) of ``entities``. Without the text, or where the text there is not
    the claim's (a store that disagrees with itself), the claim alone: never the wrong context.

    >>> claim_context("甲说：乙偷了技术。", (3, 8, "乙偷了技术"), (1, 2), {"乙": [(3, 4)]}, ["乙"])
    Context(ws=0, window='甲说：乙偷了技术。', clipped=False, marks={'乙': [[3, 4]]})
    """
    start, end, said = claim
    if text is None or text[start:end] != said:
        ws, window, clipped = start, said, False
    else:
        ws, we = window_of(len(text), start, end, cue)
        window, clipped = text[ws:we], we < len(text)
    return Context(ws, window, clipped, marks_in(spans, entities, ws, ws + len(window)))


def window_of(length: int, start: int, end: int, cue: tuple[int, int] | None = None) -> tuple[int, int]:
    """The window of a document of ``length`` characters that a claim at ``start``..``end`` is shown in:
    ``CONTEXT_CHARS`` each side of the claim and its ``cue``, wherever the cue is (before the speaker,
    after a long quote).

    >>> window_of(1000, 100, 120), window_of(1000, 100, 120, (10, 12)), window_of(110, 100, 105)
    ((70, 150), (0, 150), (70, 110))
    """
    left, right = (min(start, cue[0]), max(end, cue[1])) if cue else (start, end)
    return max(0, left - CONTEXT_CHARS), min(length, right + CONTEXT_CHARS)


def marks_in(
    spans: Mapping[str, Sequence[tuple[int, int]]], entities: Iterable[str], ws: int, we: int
) -> dict[str, list[list[int]]]:
    """Where each of ``entities`` is mentioned within ``ws``..``we``, relative to ``ws`` and merged: the
    mentions of ``spans`` (each entity's, in order) that lie wholly inside. Entities mentioned nowhere
    inside are left out.

    >>> marks_in({"a": [(0, 2), (5, 8), (7, 9), (20, 22)], "b": [(9, 12)]}, ["a", "b"], 4, 11)
    {'a': [[1, 5]]}
    """
    out = {}
    for entity in sorted(set(entities)):
        around = spans.get(entity, ())
        first, last = bisect_left(around, (ws, ws)), bisect_left(around, (we, ws))  # those starting inside
        found = [(s - ws, e - ws) for s, e in around[first:last] if e <= we]
        if found:
            out[entity] = merged(found)
    return out


def merged(ranges: Iterable[tuple[int, int]]) -> list[list[int]]:
    """Ranges in order, those that overlap or touch made one.

    >>> merged([(5, 8), (0, 2), (2, 3), (7, 9)])
    [[0, 3], [5, 9]]
    """
    out: list[list[int]] = []
    for s, e in sorted(ranges):
        if out and s <= out[-1][1]:
            out[-1][1] = max(out[-1][1], e)
        else:
            out.append([s, e])
    return out


def heading(text: str) -> str:
    """A document's first line with text, markup tags and runs of spaces removed, at most 80 characters.

    >>> heading("\\n  <b>美国商务部长</b>  卢特尼克\\n正文")
    '美国商务部长 卢特尼克'
    """
    for line in text.splitlines():
        line = re.sub(r"<[^>]*>", "", " ".join(line.split())).strip()
        if line:
            return line[:80]
    return ""
