"""Write an analysis' rows (a list of dicts) as a terminal table, CSV or JSON.

Rendering only: the analyses (``graph.views.analyses``) return plain rows and know nothing of formats.
"""

from __future__ import annotations

import csv
import io
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any, BinaryIO

FORMATS = ("table", "csv", "json")
MAX_CELL = 60
LIST_SEPARATOR = ", "


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return LIST_SEPARATOR.join(map(str, value))
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value).replace("\n", " ")


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, limit: int = MAX_CELL) -> str:
    while _width(text) > limit:
        text = text[: len(text) - max(1, (_width(text) - limit) // 2) - 1] + "…"
    return text


def table(rows: Sequence[Mapping[str, Any]]) -> str:
    """A plain-text table, CJK-aware in its column widths; long cells are cut with an ellipsis.

    >>> print(table([{"entity": "china", "name": "中国", "claims": 18}, {"entity": "usa", "name": "美国",
    ...               "claims": 9}]), end="")
    entity  name  claims
    ------  ----  ------
    china   中国  18
    usa     美国  9
    (2 rows)
    """
    if not rows:
        return "(0 rows)\n"
    header = list(rows[0])
    cells = [[_fit(_text(row.get(k))) for k in header] for row in rows]
    widths = [max([_width(h), *(_width(r[i]) for r in cells)]) for i, h in enumerate(header)]

    def line(items: list[str]) -> str:
        return "  ".join(c + " " * (w - _width(c)) for c, w in zip(items, widths, strict=True)).rstrip()

    out = [line(header), line(["-" * w for w in widths]), *(line(r) for r in cells)]
    return "\n".join(out) + f"\n({len(rows)} row{'s' if len(rows) != 1 else ''})\n"


def write_rows(rows: Sequence[Mapping[str, Any]], fmt: str, out: BinaryIO) -> None:
    """Write ``rows`` as ``table``, ``csv`` (lists joined by ``", "``; floats in full) or ``json`` (an array).

    >>> out = io.BytesIO()
    >>> write_rows([{"a": "deepseek", "b": ["usa", "中国"], "n": 0.5}], "csv", out)
    >>> print(out.getvalue().decode(), end="")
    a,b,n
    deepseek,"usa, 中国",0.5
    """
    if fmt == "table":
        out.write(table(rows).encode("utf-8"))
    elif fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text, lineterminator="\n")
        if rows:
            writer.writerow(list(rows[0]))
        for row in rows:
            writer.writerow(
                [LIST_SEPARATOR.join(map(str, v)) if isinstance(v, list | tuple) else v for v in row.values()]
            )
        out.write(text.getvalue().encode("utf-8"))
    elif fmt == "json":
        out.write(json.dumps(list(rows), ensure_ascii=False, indent=1).encode("utf-8") + b"\n")
    else:
        raise ValueError(f"unknown rows format {fmt!r}: use one of {', '.join(FORMATS)}")
