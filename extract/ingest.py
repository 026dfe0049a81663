"""Turn files, folders and standard input into decoded ``Document`` records.

Decoding never guesses silently: text that is mostly UTF-8 but damaged is
refused rather than re-read as another encoding, and every refusal says what
is wrong, so a batch run can report skipped files instead of ingesting mojibake.

A JSON Lines or CSV file (``extract.rows``) gives a document a row; every document carries what its
input says of it besides the text (``extract.metadata``: a row's fields, an HTML page's meta and
JSON-LD, a news text's header lines).
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from extract.decoding import decode_bytes
from extract.errors import InputError
from extract.forum import split_posts
from extract.markup import blank_markup
from extract.metadata import document_meta
from extract.outcomes import Skipped, Unchanged
from extract.records import Document
from extract.rows import ROW_SUFFIXES, check_fields, read_rows, row_format

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", *ROW_SUFFIXES)
"""What a folder is searched for (the end of a file's name, case aside); a file named on its own is read
whatever its name, one document a row when its name ends in one of ``ROW_SUFFIXES``."""

_MEDIA_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
}
_HTML_SNIFF = re.compile(r"<html[\s>]|<!doctype\s+html", re.IGNORECASE)


@dataclass(frozen=True)
class Source:
    """One input: its name (the document's), where to read it (``None`` for stdin), or why it cannot be.

    A name is text: a file name whose bytes are not UTF-8 (GBK names from a Chinese desktop) is read as
    GB18030, else its odd bytes are shown as ``\\xNN`` (``readable_name``).
    """

    name: str
    path: Path | None
    problem: str | None = None


def iter_sources(paths: Sequence[str]) -> Iterator[Source]:
    """Expand arguments into sources; ``path`` is ``None`` for ``-`` (stdin).

    A folder gives every text file below it, sorted, named by its path relative
    to the folder; what it cannot read (a folder without permission, a broken
    link, a link to a folder, which is not followed) comes as a ``Source`` with
    its ``problem``, to be reported. Every argument is checked here, before
    anything is read, so a typo fails the run at once instead of after an hour
    of extraction.
    """
    for arg in paths:
        if arg != "-" and not Path(arg).exists():
            raise InputError(f"no such file or folder: {arg!r}")
    return _expand(paths)


def _expand(paths: Sequence[str]) -> Iterator[Source]:
    for arg in paths:
        if arg == "-":
            yield Source("stdin", None)
            continue
        path = Path(arg)
        if not path.is_dir():
            yield Source(readable_name(path.name), path)
            continue
        yield from sorted(_walk(path, path), key=lambda source: source.name)


def _walk(root: Path, folder: Path) -> Iterator[Source]:
    """Text files below ``folder``, and what could not be read there, named relative to ``root``."""
    try:
        entries = list(os.scandir(folder))
    except OSError as e:
        yield Source(_relative(root, folder) + "/", None, f"unreadable folder: {e.strerror or e}")
        return
    for entry in entries:
        path = Path(entry.path)
        text = entry.name.lower().endswith(TEXT_SUFFIXES)
        if entry.is_symlink() and not path.exists():
            if text:
                yield Source(_relative(root, path), None, "broken symbolic link")
        elif entry.is_symlink() and path.is_dir():
            why = "a symbolic link to a folder, not followed: give that folder as an argument to read it"
            yield Source(_relative(root, path) + "/", None, why)
        elif entry.is_dir():
            yield from _walk(root, path)
        elif text and path.is_file():
            yield Source(_relative(root, path), path)


def _relative(root: Path, path: Path) -> str:
    return readable_name(path.relative_to(root).as_posix())


def readable_name(name: str) -> str:
    """A file name as text. Python keeps the bytes of a name that is not UTF-8 as lone surrogates, which
    no IRI, literal or terminal takes; they are read as GB18030 (what a Chinese desktop writes), else
    shown as ``\\xNN``. The same bytes always give the same name, so rebuilds give the same IRIs.

    >>> readable_name(b"\\xd0\\xc2\\xce\\xc5.txt".decode("utf-8", "surrogateescape"))
    '新闻.txt'
    >>> readable_name(b"\\xff\\x30.txt".decode("utf-8", "surrogateescape"))
    '\\\\xff0.txt'
    """
    if name.isascii() or not any("\udc80" <= c <= "\udcff" for c in name):
        return name
    raw = os.fsencode(name)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", "backslashreplace")


def read_document(
    name: str, data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, source: str | None = None
) -> Document:
    """Decode one file into a ``Document``; raise ``InputError`` saying why it cannot be read.

    ``source`` is where it came from (a path, or ``-``); it defaults to ``name``.
    The media type follows the extension; a name without a known one (stdin)
    is HTML only if the text says ``<html`` or ``<!doctype html`` near its top.
    """
    if len(data) > max_bytes:
        raise InputError(_too_large(len(data), max_bytes))
    text, encoding = decode_bytes(data)
    media_type = _MEDIA_TYPES.get(Path(name).suffix.lower())
    if media_type is None:
        media_type = "text/html" if _HTML_SNIFF.search(text, 0, 1024) else "text/plain"
    plain = blank_markup(text, html_document=media_type == "text/html")
    return Document(
        name=name,
        text=text,
        plain=plain,
        sha256=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        media_type=media_type,
        posts=split_posts(text, plain),
        source=name if source is None else source,
        meta=document_meta(text, plain, media_type),
    )


def read_documents(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    known: Mapping[str, str] | None = None,
    fields: Mapping[str, str] | None = None,
) -> Iterator[Document | Skipped | Unchanged]:
    """Yield a ``Document`` or a ``Skipped`` for every source; a bad file never stops the run.

    Raises ``InputError`` at once (before yielding) only for a path that does
    not exist or a bad ``fields``. File sizes are checked before reading, so a huge file costs no
    memory; ``stdin`` defaults to the process's standard input. A source whose
    name ``known`` maps to the SHA-256 of its bytes is only hashed, not decoded:
    it comes as ``Unchanged`` (an incremental build keeps it as it was).

    A JSON Lines or CSV file gives one item a row, read as a stream, ``max_bytes`` applying to each
    row (``extract.rows``); ``fields`` maps a role (``text``, ``id``, ``date``…) to the field that
    holds it (roles it leaves out are found by their common names).
    """
    chosen = dict(fields or {})
    check_fields(chosen)
    sources = iter_sources(paths)
    return _read_sources(sources, max_bytes, stdin, known or {}, chosen)


def _read_sources(
    sources: Iterator[Source],
    max_bytes: int,
    stdin: BinaryIO | None,
    known: Mapping[str, str],
    fields: Mapping[str, str],
) -> Iterator[Document | Skipped | Unchanged]:
    for source in sources:
        if source.path is not None and source.problem is None and row_format(source.name):
            yield from read_rows(source.name, source.path, max_bytes=max_bytes, known=known, fields=fields)
        else:
            yield _read_source(source, max_bytes, stdin, known)


def _read_source(
    source: Source, max_bytes: int, stdin: BinaryIO | None, known: Mapping[str, str]
) -> Document | Skipped | Unchanged:
    name, path = source.name, source.path
    if source.problem is not None:
        return Skipped(name, source.problem)
    try:
        if path is None:
            stream = stdin if stdin is not None else getattr(sys.stdin, "buffer", None)
            if stream is None:
                return Skipped(name, "unreadable: no standard input")
            data = stream.read(max_bytes + 1)
            if len(data) > max_bytes:
                return Skipped(name, _too_large(None, max_bytes))
            return _unchanged(name, data, "-", known) or read_document(
                name, data, max_bytes=max_bytes, source="-"
            )
        data = read_bytes(path, max_bytes)
        where = readable_name(str(path))
        return _unchanged(name, data, where, known) or read_document(
            name, data, max_bytes=max_bytes, source=where
        )
    except InputError as e:
        return Skipped(name, str(e))
    except OSError as e:
        return Skipped(name, f"unreadable: {e.strerror or e}")


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """A file's bytes, checked against ``max_bytes`` before reading (a huge file costs no memory) and
    after (it may have grown since); ``InputError`` if too large, ``OSError`` if unreadable."""
    size = path.stat().st_size
    if size > max_bytes:
        raise InputError(_too_large(size, max_bytes))
    with path.open("rb") as file:
        data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputError(_too_large(None, max_bytes))
    return data


def _unchanged(name: str, data: bytes, source: str, known: Mapping[str, str]) -> Unchanged | None:
    if name not in known:
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    return Unchanged(name, sha256, source) if known[name] == sha256 else None


def _too_large(size: int | None, limit: int) -> str:
    amount = f"more than {limit:,}" if size is None else f"{size:,}"
    return f"too large: {amount} bytes > limit {limit:,} (raise --max-bytes)"
