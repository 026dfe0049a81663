"""JSON Lines: the store's records (``shared/eval/EXPORT.md``), one JSON object a line.

Entities (by id), then per document (by name) the document, its posts, mentions and claims (by offset), as
``graph.store.reader.records`` reads them: streamed, one document at a time.
"""

from __future__ import annotations

import json
from typing import BinaryIO

import pyoxigraph as ox

from graph.store.reader import records


def write_jsonl(store: ox.Store, out: BinaryIO) -> int:
    """Write every record of ``store`` to ``out``; return how many."""
    n = 0
    for record in records(store):
        out.write(json.dumps(record, ensure_ascii=False).encode() + b"\n")
        n += 1
    return n
