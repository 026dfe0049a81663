"""Turn files, folders and standard input into decoded ``Document`` records.

Decoding never guesses silently: text that is mostly UTF-8 but damaged is
refused rather than re-read as another encoding, and every refusal says what
is wrong, so a batch run can report skipped files instead of ingesting mojibake.
"""

from __future__ import annotations

import hashlib
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
from extract.records import Document

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
"""What a folder is searched for; a file named on its own is read whatever its name."""

_MEDIA_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".txt": "text/plain",
}
_HTML_SNIFF = re.compile(r"<html[\s>]|<!doctype\s+html", re.IGNORECASE)


@dataclass(frozen=True)
class Unchanged:
    """A source whose bytes hash to what the caller already has (``known``): not decoded again."""

    name: str
    sha256: str
    source: str


@dataclass(frozen=True)
class Skipped:
    """A source that was not read, with a one-line reason for the user."""

    name: str
    reason: str


def iter_sources(paths: Sequence[str]) -> Iterator[tuple[str, Path | None]]:
    """Expand arguments into ``(name, path)`` pairs; ``path`` is ``None`` for ``-`` (stdin).

    A folder gives every text file below it, sorted, named by its path relative
    to the folder. Every argument is checked here, before anything is read, so a
    typo fails the run at once instead of after an hour of extraction.
    """
    for arg in paths:
        if arg != "-" and not Path(arg).exists():
            raise InputError(f"no such file or folder: {arg!r}")
    return _expand(paths)


def _expand(paths: Sequence[str]) -> Iterator[tuple[str, Path | None]]:
    for arg in paths:
        if arg == "-":
            yield "stdin", None
            continue
        path = Path(arg)
        if not path.is_dir():
            yield path.name, path
            continue
        found = [p for p in path.rglob("*") if p.suffix.lower() in TEXT_SUFFIXES and p.is_file()]
        yield from sorted((p.relative_to(path).as_posix(), p) for p in found)


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
    )


def read_documents(
    paths: Sequence[str],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
    known: Mapping[str, str] | None = None,
) -> Iterator[Document | Skipped | Unchanged]:
    """Yield a ``Document`` or a ``Skipped`` for every source; a bad file never stops the run.

    Raises ``InputError`` at once (before yielding) only for a path that does
    not exist. File sizes are checked before reading, so a huge file costs no
    memory; ``stdin`` defaults to the process's standard input. A source whose
    name ``known`` maps to the SHA-256 of its bytes is only hashed, not decoded:
    it comes as ``Unchanged`` (an incremental build keeps it as it was).
    """
    sources = iter_sources(paths)
    return (_read_source(name, path, max_bytes, stdin, known or {}) for name, path in sources)


def _read_source(
    name: str, path: Path | None, max_bytes: int, stdin: BinaryIO | None, known: Mapping[str, str]
) -> Document | Skipped | Unchanged:
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
        size = path.stat().st_size
        if size > max_bytes:
            return Skipped(name, _too_large(size, max_bytes))
        with path.open("rb") as file:
            data = file.read(max_bytes + 1)  # the file may have grown since stat()
        if len(data) > max_bytes:
            return Skipped(name, _too_large(None, max_bytes))
        return _unchanged(name, data, str(path), known) or read_document(
            name, data, max_bytes=max_bytes, source=str(path)
        )
    except InputError as e:
        return Skipped(name, str(e))
    except OSError as e:
        return Skipped(name, f"unreadable: {e.strerror or e}")


def _unchanged(name: str, data: bytes, source: str, known: Mapping[str, str]) -> Unchanged | None:
    if name not in known:
        return None
    sha256 = hashlib.sha256(data).hexdigest()
    return Unchanged(name, sha256, source) if known[name] == sha256 else None


def _too_large(size: int | None, limit: int) -> str:
    amount = f"more than {limit:,}" if size is None else f"{size:,}"
    return f"too large: {amount} bytes > limit {limit:,} (raise --max-bytes)"
