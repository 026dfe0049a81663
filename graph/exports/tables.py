"""The graph as CSV tables: for a spreadsheet, pandas, or ``neo4j-admin database import``.

Seven files, written to a folder, or to a zip when the path ends in ``.zip``. Headers follow the
``neo4j-admin import`` format: node files have an ``id:ID(Space)`` column and ``:LABEL``, relationship
files ``:START_ID(Space)``, ``:END_ID(Space)`` and ``:TYPE``, typed columns say so (``start:int``,
``aliases:string[]`` with ``;`` between the values, empty = no value):

- ``documents.csv`` (``:Document``): file name, SHA-256, encoding, media type, source, and what its
  metadata says: title, publication date (ISO date or date and time), outlet (an entity id), URL, author,
  language;
- ``entities.csv`` (``:Entity`` and ``:Person``, ``:Organization``, ``:Place``, ``:Law``, ``:Product``
  or ``:Author`` for a document's unnamed author, ``author:<doc>``): name, type, all names, mentions;
- ``claims.csv`` (``:Claim`` and ``:Accusation``, ``:Denial``...): its id (the claim IRI after
  ``id/doc/``, e.g. ``a.txt#claim=3,20``), type, text, cue, direct or indirect quote, document,
  offsets, forum floor, date (its post's time, else its document's publication), and the speaker and
  targets' ids again for spreadsheet users;
- ``claim_speakers.csv`` (entity ``-[:SAID]->`` claim), ``claim_targets.csv`` (claim
  ``-[:TARGETS]->`` entity), ``mentions.csv`` (document ``-[:MENTIONS {text, start, end}]->`` entity),
  ``publishers.csv`` (document ``-[:PUBLISHED_BY]->`` its outlet's entity).

Load into an empty Neo4j database with::

    neo4j-admin database import full --nodes=documents.csv --nodes=entities.csv --nodes=claims.csv \\
      --relationships=claim_speakers.csv --relationships=claim_targets.csv --relationships=mentions.csv \\
      --relationships=publishers.csv

Rows come in the order of the JSON Lines export (documents by name, then offsets), written while the store
is read, one document at a time; entities are written last (they need the mention counts). A folder is
written beside the target and renamed into place, a zip through ``graph.store.atomic``; zip entries carry a
fixed date, so the same store gives the same bytes.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterable, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import AUTHOR
from graph.store.atomic import atomic_output, output_path
from graph.store.reader import records
from graph.store.vocab import claim_types, entity_classes

HEADERS: dict[str, list[str]] = {
    "documents.csv": [
        "id:ID(Document)",
        ":LABEL",
        "sha256",
        "encoding",
        "media_type",
        "source",
        "title",
        "published",
        "outlet",
        "url",
        "author",
        "language",
    ],
    "entities.csv": ["id:ID(Entity)", ":LABEL", "name", "type", "aliases:string[]", "mentions:int"],
    "claims.csv": [
        "id:ID(Claim)",
        ":LABEL",
        "type",
        "text",
        "cue",
        "quote",
        "doc",
        "start:int",
        "end:int",
        "cue_start:int",
        "cue_end:int",
        "post:int",
        "date",
        "speaker",
        "targets:string[]",
    ],
    "claim_speakers.csv": [":START_ID(Entity)", ":END_ID(Claim)", ":TYPE"],
    "claim_targets.csv": [":START_ID(Claim)", ":END_ID(Entity)", ":TYPE"],
    "mentions.csv": [":START_ID(Document)", ":END_ID(Entity)", ":TYPE", "text", "start:int", "end:int"],
    "publishers.csv": [":START_ID(Document)", ":END_ID(Entity)", ":TYPE"],
}
"""Each file and its header row, in the order the files are written to a zip."""

ARRAY_DELIMITER = ";"
"""Between the values of a ``string[]`` column (neo4j-admin's default ``--array-delimiter``)."""

_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _cell(value: Any) -> str:
    return "" if value is None else str(value)


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def write_tables(recs: Iterable[Mapping[str, Any]], folder: Path) -> int:
    """Write the six CSV files for ``recs`` (JSON Lines export records) into ``folder``; return claims.

    >>> import tempfile
    >>> recs = [
    ...     {"kind": "entity", "id": "ann", "type": "PERSON", "name": "Ann", "labels": ["Ann", "安"]},
    ...     {"kind": "document", "doc": "a.txt", "sha256": "ff", "encoding": "utf-8",
    ...      "media_type": "text/plain", "source": ""},
    ...     {"kind": "mention", "doc": "a.txt", "entity": "ann", "type": "PERSON", "text": "安",
    ...      "start": 0, "end": 1},
    ...     {"kind": "claim", "doc": "a.txt", "speaker": "author", "cue": "说", "text": "安错了",
    ...      "start": 3, "end": 6, "targets": ["ann"], "type": "criticism", "quote": "indirect",
    ...      "cue_start": 1, "cue_end": 2, "post": None},
    ... ]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     write_tables(recs, Path(tmp))
    ...     print((Path(tmp) / "entities.csv").read_text(encoding="utf-8"))
    1
    id:ID(Entity),:LABEL,name,type,aliases:string[],mentions:int
    ann,Entity;Person,Ann,PERSON,Ann;安,1
    author:a.txt,Entity;Author,author of a.txt,AUTHOR,,0
    <BLANKLINE>
    """
    classes = {code: _local(str(iri)) for code, iri in entity_classes().items()}
    claim_labels = {code: _local(str(iri)) for code, iri in claim_types().items()}
    entities: list[Mapping[str, Any]] = []
    authors: dict[str, dict[str, Any]] = {}
    mentions: Counter[str] = Counter()
    n_claims = 0
    doc: str | None = None
    times: dict[int, str] = {}
    spans: Counter[tuple[int, int]] = Counter()
    with ExitStack() as stack:
        writers = {}
        for name, header in HEADERS.items():
            f = stack.enter_context(open(folder / name, "w", encoding="utf-8", newline=""))
            writers[name] = csv.writer(f, lineterminator="\n")
            writers[name].writerow(header)
        for rec in recs:
            kind = rec.get("kind")
            if kind == "entity":
                entities.append(rec)
                continue
            if rec["doc"] != doc:
                doc, times, spans = rec["doc"], {}, Counter()
            if kind == "document":
                meta = [rec.get(k) or "" for k in HEADERS["documents.csv"][6:]]
                writers["documents.csv"].writerow(
                    [doc, "Document", rec["sha256"], rec["encoding"], rec["media_type"], rec["source"], *meta]
                )
                if rec.get("outlet"):
                    writers["publishers.csv"].writerow([doc, rec["outlet"], "PUBLISHED_BY"])
            elif kind == "post":
                if rec.get("time"):
                    times[rec["floor"]] = rec["time"]
            elif kind == "mention":
                mentions[rec["entity"]] += 1
                writers["mentions.csv"].writerow(
                    [doc, rec["entity"], "MENTIONS", rec["text"], rec["start"], rec["end"]]
                )
            elif kind == "claim":
                n_claims += 1
                spans[(rec["start"], rec["end"])] += 1
                n = spans[(rec["start"], rec["end"])]
                claim = f"{doc}#claim={rec['start']},{rec['end']}" + (f"-{n}" if n > 1 else "")
                speaker = rec["speaker"]
                if speaker == AUTHOR:
                    speaker = f"{AUTHOR}:{doc}"
                    authors[speaker] = {"id": speaker, "name": f"author of {doc}", "type": "AUTHOR"}
                label = claim_labels.get(rec["type"], rec["type"].capitalize())
                writers["claims.csv"].writerow(
                    [
                        claim,
                        f"Claim{ARRAY_DELIMITER}{label}",
                        rec["type"],
                        rec["text"],
                        rec.get("cue", ""),
                        rec["quote"],
                        doc,
                        rec["start"],
                        rec["end"],
                        _cell(rec.get("cue_start")),
                        _cell(rec.get("cue_end")),
                        _cell(rec.get("post")),
                        rec.get("date") or times.get(rec.get("post"), ""),
                        speaker,
                        ARRAY_DELIMITER.join(rec["targets"]),
                    ]
                )
                writers["claim_speakers.csv"].writerow([speaker, claim, "SAID"])
                for target in rec["targets"]:
                    writers["claim_targets.csv"].writerow([claim, target, "TARGETS"])
        rows = [
            [
                e["id"],
                f"Entity{ARRAY_DELIMITER}{classes.get(e['type'], e['type'].capitalize())}",
                e["name"],
                e["type"],
                ARRAY_DELIMITER.join(e.get("labels", [])),
                mentions[e["id"]],
            ]
            for e in entities
        ]
        rows += [
            [a["id"], f"Entity{ARRAY_DELIMITER}Author", a["name"], a["type"], "", 0]
            for _, a in sorted(authors.items())
        ]
        writers["entities.csv"].writerows(rows)
    return n_claims


def write_csv(store: ox.Store, path: Path) -> int:
    """Write the CSV tables of ``store`` to the folder ``path``, or into a zip if it ends in ``.zip``.

    The folder is replaced only when the export succeeds, and only if it holds nothing but these files.
    Returns the number of claims.
    """
    output_path(path, folder_ok=True)  # before any work
    if path.suffix.lower() == ".zip":
        with tempfile.TemporaryDirectory(prefix="claimgraph-csv-") as tmp:
            n = write_tables(records(store), Path(tmp))
            with atomic_output(path) as out:
                _zip(Path(tmp), out)
        return n
    if path.exists() and not path.is_dir():
        raise ClaimgraphError(f"{path} is a file: give a folder for the CSV files, or a path ending in .zip")
    if path.is_dir() and (other := sorted(set(os.listdir(path)) - set(HEADERS))):
        raise ClaimgraphError(
            f"{path} holds other files ({', '.join(other[:3])}): give a new or empty folder, or a .zip"
        )
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    try:
        n = write_tables(records(store), tmp)
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)  # mkdtemp makes 0700
        if path.exists():
            old = tmp.with_suffix(".old")
            os.rename(path, old)
            os.rename(tmp, path)
            shutil.rmtree(old)
        else:
            os.rename(tmp, path)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return n


def _zip(folder: Path, out: io.BufferedIOBase) -> None:
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name in HEADERS:
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with open(folder / name, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst)
