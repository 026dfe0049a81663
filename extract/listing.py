"""A Dask build's reading, split in two: the building process lists the inputs, the workers read them.

Decoding a document (charset detection, markup blanking, forum posts, metadata) is a large share of what
one process spends on it besides extraction; done in the one process that builds the store, it held a
Dask build to that process's pace whatever the cluster's size. So that process only lists: each file's
name, where it is and the SHA-256 of its bytes (what an incremental build compares, and what names a
partition; hashing is cheap), and the worker that extracts a file reads and decodes it (``read_listed``)
with the checks and messages of a local build (``extract.ingest``), so a bad file is reported as there.

A JSON Lines or CSV file is listed whole (``RowFile``) and read by one worker: its rows and their hashes
are known only once it is parsed. Standard input is read and decoded here: no worker can reach it.

May import: `extract.errors`, `extract.ingest`, `extract.outcomes`, `extract.records`, `extract.rows`.
"""

from __future__ import annotations

import hashlib
import os
from bisect import bisect_left
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from extract.errors import InputError
from extract.ingest import (
    Source,
    iter_sources,
    read_bytes,
    read_document,
    read_documents,
    readable_name,
)
from extract.outcomes import Skipped, Unchanged
from extract.records import Document
from extract.rows import check_fields, row_format


@dataclass(frozen=True)
class Listed:
    """A file to extract, as listed by the building process: a worker reads ``path`` (absolute) and
    names it ``name``, read from ``source`` (as a local build says it), its bytes hashing to ``sha256``."""

    name: str
    path: str
    source: str
    sha256: str


@dataclass(frozen=True)
class RowFile:
    """A JSON Lines or CSV file, read by one worker (absolute ``path``, shown as ``shown`` in its rows'
    sources); ``known`` holds its rows' SHA-256 in the current store, so unchanged rows come back as
    ``Unchanged`` instead of being extracted."""

    name: str
    path: str
    shown: str
    known: dict[str, str]


def list_inputs(
    paths: Sequence[str],
    *,
    max_bytes: int,
    stdin: BinaryIO | None = None,
    known: Mapping[str, str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> Iterator[Listed | RowFile | Document | Skipped | Unchanged]:
    """What ``extract.ingest.read_documents`` gives, but nothing decoded: a ``Listed`` for each file to
    extract, a ``RowFile`` for each file of rows, a ``Skipped`` for what cannot be read at all (too large,
    unreadable, a broken link), an ``Unchanged`` for a file whose bytes hash to ``known``'s SHA-256;
    standard input decoded (a ``Document``). Raises ``InputError`` at once for a path that does not exist.
    """
    check_fields(dict(fields or {}))
    return _list(iter_sources(paths), max_bytes, stdin, known or {})


def _list(
    sources: Iterator[Source], max_bytes: int, stdin: BinaryIO | None, known: Mapping[str, str]
) -> Iterator[Listed | RowFile | Document | Skipped | Unchanged]:
    rows = _RowHashes(known)
    for source in sources:
        name, path = source.name, source.path
        if source.problem is not None:
            yield Skipped(name, source.problem)
        elif path is None:
            yield from read_documents(["-"], max_bytes=max_bytes, stdin=stdin, known=known)
        elif row_format(name):
            yield RowFile(name, os.path.abspath(path), str(path), rows.of(name))
        else:
            yield _list_file(name, path, max_bytes, known)


def _list_file(
    name: str, path: Path, max_bytes: int, known: Mapping[str, str]
) -> Listed | Skipped | Unchanged:
    try:
        data = read_bytes(path, max_bytes)
    except InputError as e:
        return Skipped(name, str(e))
    except OSError as e:
        return Skipped(name, f"unreadable: {e.strerror or e}")
    sha256 = hashlib.sha256(data).hexdigest()
    where = readable_name(str(path))
    if known.get(name) == sha256:
        return Unchanged(name, sha256, where)
    return Listed(name, os.path.abspath(path), where, sha256)


def read_listed(item: Listed, max_bytes: int) -> Document | Skipped:
    """Read and decode a listed file where this runs (a Dask worker), or say why not as a local build does.

    A file whose bytes no longer hash to what was listed changed while the build ran: it is skipped, as
    its partition is named by the listed hash. A file this process cannot find in a folder it cannot
    find either is a worker that does not see the inputs: ``InputError``, which fails the build.
    """
    path = Path(item.path)
    try:
        data = read_bytes(path, max_bytes)
        if hashlib.sha256(data).hexdigest() != item.sha256:
            return Skipped(item.name, "changed while the build read it: build again")
        return read_document(item.name, data, max_bytes=max_bytes, source=item.source)
    except InputError as e:
        return Skipped(item.name, str(e))
    except FileNotFoundError as e:
        if not path.parent.is_dir():
            raise InputError(
                f"a Dask worker cannot see {item.path}: put the inputs on a disk every worker mounts at "
                "the same path as the machine that builds"
            ) from e
        return Skipped(item.name, f"unreadable: {e.strerror or e}")
    except OSError as e:
        return Skipped(item.name, f"unreadable: {e.strerror or e}")


class _RowHashes:
    """The rows of each row file among ``known`` (names ``FILE#KEY``), found by bisection in one sorted
    list of names, not by a scan of a million names per file."""

    def __init__(self, known: Mapping[str, str]) -> None:
        self.known = known
        self.names: list[str] | None = None

    def of(self, name: str) -> dict[str, str]:
        if self.names is None:
            self.names = sorted(self.known)
        prefix = f"{name}#"
        found = {}
        for row in self.names[bisect_left(self.names, prefix) :]:
            if not row.startswith(prefix):
                break
            found[row] = self.known[row]
        return found
