"""Turn files, folders and standard input into decoded ``Document`` records.

Decoding never guesses silently: text that is mostly UTF-8 but damaged is
refused rather than re-read as another encoding, and every refusal says what
is wrong, so a batch run can report skipped files instead of ingesting mojibake.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from charset_normalizer import from_bytes

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

_BOMS = (  # (mark, codec for the rest, reported name); UTF-32 first: its LE mark begins with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8", "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
)
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"%PDF-", "PDF document"),
    (b"PK\x03\x04", "ZIP archive or Office document"),
    (b"PK\x05\x06", "ZIP archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh91AY&SY", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x28\xb5\x2f\xfd", "zstd archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Office document"),
    (b"\x7fELF", "ELF executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"OggS", "Ogg media"),
)
_CN_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030"}
"""GB18030 decodes everything GBK and GB2312 do, and more (rare names, ethnic scripts)."""
_WIDE = ("utf-16", "utf-32")


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


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode a file's bytes exactly, returning ``(text, encoding)``; raise ``InputError`` if unfit.

    In order: empty or whitespace-only data is refused; known binary formats
    are refused by their magic number; a byte-order mark decides the encoding
    (and is not part of the text); data with NUL bytes is text only if
    charset-normalizer reads it as UTF-16/UTF-32; then strict UTF-8.

    Damaged UTF-8 is refused, not re-read as another encoding. Let V be the
    number of well-formed multi-byte UTF-8 sequences and I the number of bytes
    that belong to none. If V >= I > 0 the data is UTF-8 with damage and the
    error names the first bad byte. Legacy CJK text scores far lower by chance
    (V/I is about 0.2 for GB18030, 0.15 for Big5, under 0.1 for UTF-16).

    Anything else goes to charset-normalizer; GBK and GB2312 are read as their
    superset GB18030; data it finds too chaotic for every encoding is refused.
    The text is not normalised in any way: it is the reference for offsets.
    """
    if not data.strip():
        raise InputError("empty file")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise InputError(f"binary file ({kind})")
    for bom, codec, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(_strict(data, codec, skip=len(bom)), encoding)
    if b"\x00" in data:
        encoding = _detect(data)
        if encoding is None or not encoding.startswith(_WIDE):
            raise InputError("binary file (contains NUL bytes)")
        return _checked(_strict(data, encoding), encoding)
    try:
        return _checked(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    _refuse_damaged_utf8(data)
    encoding = _detect(data)
    if encoding is None:
        raise InputError("undecodable (no encoding fits)")
    return _checked(_strict(data, encoding), encoding)


def _strict(data: bytes, encoding: str, *, skip: int = 0) -> str:
    try:
        return data[skip:].decode(encoding)
    except UnicodeDecodeError as e:
        raise InputError(f"invalid {encoding.upper()} at byte {skip + e.start}") from None


def _checked(text: str, encoding: str) -> tuple[str, str]:
    if not text.strip():
        raise InputError("empty file")
    return text, encoding


def _refuse_damaged_utf8(data: bytes) -> None:
    """Raise if ``data`` is mostly UTF-8 with some bad bytes (the rule in ``decode_bytes``)."""
    text = data.decode("utf-8", "surrogateescape")  # each bad byte becomes one U+DC80..U+DCFF
    invalid = sum(1 for c in text if "\udc80" <= c <= "\udcff")
    valid = sum(1 for c in text if c > "\x7f") - invalid
    if valid >= invalid:
        first = next(i for i, c in enumerate(text) if "\udc80" <= c <= "\udcff")
        offset = len(text[:first].encode("utf-8", "surrogateescape"))
        raise InputError(f"invalid UTF-8 at byte {offset}")


def _detect(data: bytes) -> str | None:
    """The encoding charset-normalizer finds, as a Python codec name, or ``None`` if none fits."""
    match = from_bytes(data).best()
    if match is None:
        return None
    name = codecs.lookup(match.encoding).name
    return _CN_SUPERSETS.get(name, name)


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
