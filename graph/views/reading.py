"""One document as a reader sees it in a terminal: its text with its claims marked, then the claims.

For a reader without a browser (``claimgraph show DOC``): each claim's words are bracketed where they
stand, numbered ``[1 … 1]``, its cue word underlined, and a list after the text says who claims what
about whom, of which type, with the exact offsets. Colour (by claim type) only on a terminal; the marks
are the same without it, so a pipe or a file keeps them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import click

TYPE_COLOURS = {
    "accusation": "red",
    "criticism": "magenta",
    "denial": "yellow",
    "warning": "bright_red",
    "demand": "blue",
    "question": "cyan",
    "support": "green",
    "admission": "bright_yellow",
    "statement": None,
}
"""The colour of a claim's marks by its type (ANSI names of ``click.style``)."""


def render_document(
    text: str, recs: Sequence[Mapping[str, Any]], names: Mapping[str, str], *, colour: bool = False
) -> str:
    """``text`` with the claims of ``recs`` (one document's records) marked, a header from its document
    record, and the list of its claims; ``names`` gives entities' names by id.

    >>> recs = [
    ...     {"kind": "document", "doc": "a.txt", "title": "标题", "published": "2025-03-08", "outlet": "x"},
    ...     {"kind": "claim", "doc": "a.txt", "speaker": "ann", "cue": "说", "start": 3, "end": 9,
    ...      "cue_start": 1, "cue_end": 2, "targets": ["bee"], "type": "accusation", "text": "Bee偷了钱"},
    ... ]
    >>> print(render_document("安说，Bee偷了钱。", recs, {"ann": "Ann", "bee": "Bee", "x": "新华社"}))
    a.txt
    标题 · 新华社 · 2025-03-08
    <BLANKLINE>
    安说，[1 Bee偷了钱 1]。
    <BLANKLINE>
    [1] Ann → Bee · accusation · cue 说 · [3, 9)
        Bee偷了钱
    """
    claims = sorted((r for r in recs if r.get("kind") == "claim"), key=lambda c: (c["start"], -c["end"]))
    doc = next((r for r in recs if r.get("kind") == "document"), {})
    lines = [str(doc.get("doc", ""))]
    about = [doc.get("title"), names.get(doc.get("outlet") or "", doc.get("outlet")), doc.get("published")]
    if any(about):
        lines.append(" · ".join(str(x) for x in about if x))
    if doc.get("url"):
        lines.append(str(doc["url"]))
    lines += ["", _marked(text, claims, colour), ""]
    for n, c in enumerate(claims, 1):
        who = names.get(c["speaker"], c["speaker"])
        whom = "、".join(names.get(t, t) for t in c.get("targets", ()))
        cue = f" · cue {c['cue']}" if c.get("cue") else ""
        head = f"[{n}] {who} → {whom} · {c['type']}{cue} · [{c['start']}, {c['end']})"
        lines.append(_style(head, c["type"], colour))
        lines.append("    " + " ".join(str(c["text"]).split()))
    return "\n".join(lines).rstrip("\n")


def _marked(text: str, claims: Sequence[Mapping[str, Any]], colour: bool) -> str:
    """The text with ``[n `` before and `` n]`` after each claim's words, and its cue underlined."""
    inserts: list[tuple[int, int, str]] = []  # (offset, order at that offset, mark)
    for n, c in enumerate(claims, 1):
        inserts.append((c["start"], 1, _style(f"[{n} ", c["type"], colour)))
        inserts.append((c["end"], 0, _style(f" {n}]", c["type"], colour)))
        if colour and c.get("cue_start") is not None and c.get("cue_end") is not None:
            inserts.append((c["cue_start"], 2, "\x1b[4m"))
            inserts.append((c["cue_end"], -1, "\x1b[24m"))
    out, pos = [], 0
    for at, _, mark in sorted(inserts, key=lambda i: (i[0], i[1])):
        out += [text[pos:at], mark]
        pos = at
    out.append(text[pos:])
    return "".join(out)


def _style(text: str, kind: str, colour: bool) -> str:
    hue = TYPE_COLOURS.get(kind)
    return click.style(text, fg=hue, bold=True) if colour and hue else text
