"""JSON Lines and CSV files (gzip-compressed too), one document a row, read as a stream.

A row is a ``Document`` whose ``text`` is its text field, so offsets are into that field as decoded.
Its name is stable across rebuilds: ``FILE#ID`` (the row's id), else ``FILE#URL`` (its URL, as it is
when it is short printable ASCII, else ``FILE#url-HASH``), else ``FILE#row-N`` (its place among the
rows of the file). Its ``sha256`` is that of the row's own canonical bytes (its fields as sorted JSON,
with the field names chosen for text, id…), so an incremental build sees an unchanged row as
``Unchanged`` whatever else changed in the file.

Fields are found by common names (``data/metadata.json``, ``fields``), compared case-insensitively
and without ``_``, ``-`` or spaces; ``--field ROLE=NAME`` names the field of a role instead. A row
that cannot be a document (no text, invalid JSON, not an object, a duplicate id, larger than
``--max-bytes``) is a ``Skipped`` of the file with ``line N: why``; the other rows still build. What
stops a file from being read further (a damaged gzip stream, bytes the file's encoding cannot read)
is reported the same way, and the rows before it are kept.

Nothing holds a file: lines are read one at a time, each at most ``--max-bytes`` (the limit is per
row, not per file), and only the names of the rows read so far are kept, to find duplicate ids.

May import: `extract.decoding`, `extract.errors`, `extract.forum`, `extract.markup`, `extract.metadata`,
`extract.outcomes`, `extract.records`.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
import io
import json
import re
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from extract.decoding import decode_bytes
from extract.errors import InputError
from extract.forum import split_posts
from extract.markup import HTML_ELEMENTS, blank_markup
from extract.metadata import ROLES, document_meta, fields_meta, rules
from extract.outcomes import Skipped, Unchanged
from extract.records import Document

ROW_SUFFIXES = (".jsonl", ".ndjson", ".csv", ".jsonl.gz", ".ndjson.gz", ".csv.gz")
"""Files read as one document a row."""

_SAMPLE_BYTES = 65_536
"""A CSV file's encoding is told from its first 64 KiB."""
_SAFE_KEY = re.compile(r"[!-~]{1,200}")
"""A URL kept as it is in a row's name: printable ASCII without spaces, at most 200 characters."""
_HTML_START = re.compile(r"\A\s*<(?:!doctype\s+html|([a-zA-Z][a-zA-Z0-9]*)[\s/>])", re.IGNORECASE)
_KEY_NOISE = re.compile(r"[\s_-]+")
_FIELD_OPTION = re.compile(r"([^=]+)=(.+)")


def row_format(name: str) -> str | None:
    """``"jsonl"`` or ``"csv"`` for a file read one document a row, by its name; else ``None``.

    >>> [row_format(n) for n in ("a.jsonl", "b.NDJSON.gz", "c.csv.gz", "d.txt", "e.gz")]
    ['jsonl', 'jsonl', 'csv', None, None]
    """
    lower = name.lower().removesuffix(".gz")
    if lower.endswith((".jsonl", ".ndjson")):
        return "jsonl"
    return "csv" if lower.endswith(".csv") else None


def parse_fields(options: Iterable[str]) -> dict[str, str]:
    """``ROLE=NAME`` options (``--field text=article_body``) as ``{role: name}``; ``InputError`` if bad.

    >>> parse_fields(["text=article_body", "date=pub_time"])
    {'text': 'article_body', 'date': 'pub_time'}
    >>> parse_fields(["body=x"])
    Traceback (most recent call last):
    ...
    extract.errors.InputError: --field body=x: no field 'body'; the fields are text, id, title, url, date, \
outlet, author, lang
    """
    found: dict[str, str] = {}
    for option in options:
        match = _FIELD_OPTION.fullmatch(option.strip())
        if match is None:
            raise InputError(f"--field {option}: write ROLE=NAME, e.g. --field text=article_body")
        role, name = match.group(1).strip(), match.group(2).strip()
        check_fields({role: name}, option)
        if role in found and found[role] != name:
            raise InputError(f"--field {option}: {role} is already {found[role]!r}; give it once")
        found[role] = name
    return found


def check_fields(fields: Mapping[str, str], option: str | None = None) -> None:
    """Raise ``InputError`` for a role that is not one of ``ROLES`` or a field name that is empty."""
    for role, name in fields.items():
        where = f"--field {option or f'{role}={name}'}"
        if role not in ROLES:
            raise InputError(f"{where}: no field {role!r}; the fields are {', '.join(ROLES)}")
        if not name:
            raise InputError(f"{where}: name the column or key after '='")


class _Stop(Exception):
    """What ends the reading of a file: its message is the reason, ``line`` where it happened."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(reason)
        self.line = line


@dataclass
class _File:
    """One row file being read: its name (the documents' prefix), path, limit and what it has given."""

    name: str
    path: Path
    max_bytes: int
    known: Mapping[str, str]
    fields: Mapping[str, str]
    encoding: str = "utf-8"
    rows: int = 0
    seen: dict[str, int] | None = None
    shown: str | None = None

    def where(self, line: int) -> str:
        return f"{self.shown or self.path}:{line}"


def read_rows(
    name: str,
    path: Path,
    *,
    max_bytes: int,
    known: Mapping[str, str] | None = None,
    fields: Mapping[str, str] | None = None,
    shown: str | None = None,
) -> Iterator[Document | Skipped | Unchanged]:
    """Yield a ``Document``, ``Unchanged`` or ``Skipped`` for each row of the file ``name`` at ``path``.

    ``fields`` maps a role (``ROLES``) to the field that holds it; roles it leaves out are found by
    their common names. A file that gives no row at all (empty, unreadable) is one ``Skipped``. Rows'
    sources are ``PATH:LINE``, the path as ``shown`` when given (a Dask worker reads the absolute path of
    a file the user named relative to where the build runs).
    """
    chosen = fields or {}
    check_fields(chosen)
    file = _File(name, path, max_bytes, known or {}, chosen, seen={}, shown=shown)
    read = _jsonl if row_format(name) == "jsonl" else _csv
    try:
        yield from read(file)
    except _Stop as stop:
        yield Skipped(name, f"line {stop.line}: {stop}: the rest of the file is not read")
    except OSError as e:
        yield Skipped(name, f"unreadable: {e.strerror or e}")


def _open(path: Path) -> BinaryIO:
    stream = path.open("rb")
    if path.name.lower().endswith(".gz"):
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    return stream


_DAMAGE = (gzip.BadGzipFile, EOFError, zlib.error)


def _jsonl(file: _File) -> Iterator[Document | Skipped | Unchanged]:
    line = 0
    with _open(file.path) as stream:
        while True:
            try:
                raw = stream.readline(file.max_bytes + 1)
            except _DAMAGE as e:
                raise _Stop(line + 1, f"damaged gzip stream ({e})") from None
            if not raw:
                break
            line += 1
            if line == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if len(raw) > file.max_bytes and not raw.endswith(b"\n"):
                _skip_rest_of_line(stream, line)
                file.rows += 1
                yield _too_large(file, line)
                continue
            if not raw.strip():
                continue
            file.rows += 1
            yield _json_row(file, line, raw)
    if not file.rows:
        yield Skipped(file.name, "empty file" if not line else "no rows: every line is blank")


def _skip_rest_of_line(stream: BinaryIO, line: int) -> None:
    try:
        while (chunk := stream.readline(1 << 20)) and not chunk.endswith(b"\n"):
            pass
    except _DAMAGE as e:
        raise _Stop(line, f"damaged gzip stream ({e})") from None


def _too_large(file: _File, line: int) -> Skipped:
    return Skipped(
        file.name, f"line {line}: too large: more than {file.max_bytes:,} bytes > limit (raise --max-bytes)"
    )


def _json_row(file: _File, line: int, raw: bytes) -> Document | Skipped | Unchanged:
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as e:
        return Skipped(file.name, f"line {line}: invalid UTF-8 at byte {e.start} (JSON Lines are UTF-8)")
    except ValueError as e:
        where = f" ({e.msg}, column {e.colno})" if isinstance(e, json.JSONDecodeError) else ""
        return Skipped(file.name, f"line {line}: invalid JSON{where}")
    if not isinstance(data, dict):
        return Skipped(file.name, f"line {line}: not a JSON object but {_kind(data)}")
    return _row(file, line, data)


def _kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if value is None:
        return "null"
    return "a number" if not isinstance(value, bool) else "a boolean"


def _csv(file: _File) -> Iterator[Document | Skipped | Unchanged]:
    try:
        with _open(file.path) as stream:
            sample = stream.read(_SAMPLE_BYTES)
            more = bool(stream.read(1))
    except _DAMAGE as e:
        raise _Stop(1, f"damaged gzip stream ({e})") from None
    try:
        codec, file.encoding = _csv_encoding(sample, more)
    except InputError as e:
        yield Skipped(file.name, str(e))
        return
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, file.max_bytes))
    try:
        with _open(file.path) as stream:
            text = io.TextIOWrapper(stream, encoding=codec, errors="strict", newline="")
            lines = _Lines(text, file.max_bytes)
            reader = csv.reader(lines)
            yield from _csv_rows(file, reader, lines)
    finally:
        csv.field_size_limit(limit)


def _csv_encoding(sample: bytes, more: bool) -> tuple[str, str]:
    """``(codec to read the file with, encoding to report)``, told from its first bytes."""
    error: InputError | None = None
    for cut in range(4 if more else 1):  # a sample may end inside a character
        try:
            _, encoding = decode_bytes(sample[: len(sample) - cut] if cut else sample)
            break
        except InputError as e:
            error = error or e
    else:
        assert error is not None
        raise error
    if encoding.startswith(("utf-16", "utf-32")) and sample[:4] in (
        codecs.BOM_UTF16_LE + sample[2:4],
        codecs.BOM_UTF16_BE + sample[2:4],
        codecs.BOM_UTF32_LE,
        codecs.BOM_UTF32_BE,
    ):
        return encoding[:6], encoding  # the codec that reads and drops the byte-order mark
    return encoding, encoding


class _TooLong(Exception):
    """A CSV record with a line longer than ``--max-bytes``: skipped up to its end, the rest still read."""


class _Lines:
    """The physical lines of a CSV text stream for ``csv.reader``, each at most ``max_bytes`` characters.

    It counts them, and knows whether a line ends inside a quoted field (an odd number of ``"`` since
    the record began), so that a record can be skipped to its real end: ``skip_record``.
    """

    def __init__(self, text: io.TextIOWrapper, max_bytes: int) -> None:
        self.text, self.max_bytes, self.count, self.open_quote = text, max_bytes, 0, False

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self._read(self.max_bytes + 1)
        if not line:
            raise StopIteration
        if len(line) > self.max_bytes and not line.endswith(("\n", "\r")):
            self.open_quote ^= line.count('"') % 2 == 1
            self.skip_record()
            raise _TooLong
        self.open_quote ^= line.count('"') % 2 == 1
        return line

    def skip_record(self) -> None:
        """Read on to the end of the record under way: the first line end outside quotes."""
        while True:
            piece = self._read(1 << 20)
            if not piece:
                return
            self.open_quote ^= piece.count('"') % 2 == 1
            if piece.endswith(("\n", "\r")) and not self.open_quote:
                return

    def _read(self, size: int) -> str:
        try:
            piece = self.text.readline(size)
        except UnicodeDecodeError as e:
            raise _Stop(self.count + 1, f"invalid {e.encoding.upper()} ({e.reason})") from None
        except _DAMAGE as e:
            raise _Stop(self.count + 1, f"damaged gzip stream ({e})") from None
        self.count += piece.endswith(("\n", "\r"))
        return piece


def _csv_rows(
    file: _File, reader: Iterator[list[str]], lines: _Lines
) -> Iterator[Document | Skipped | Unchanged]:
    header: list[str] | None = None
    start = 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            break
        except _TooLong:
            file.rows += header is not None
            yield _too_large(file, start)
            start = lines.count + 1
            continue
        except csv.Error as e:
            if lines.open_quote:
                lines.skip_record()
            file.rows += header is not None
            yield Skipped(file.name, f"line {start}: not CSV ({e})")
            start = lines.count + 1
            continue
        line, start = start, lines.count + 1
        if not any(v.strip() for v in values):
            continue
        if header is None:
            header = [v.strip() for v in values]
            problem = _header_problem(file, header)
            if problem:
                yield Skipped(file.name, problem)
                return
            continue
        file.rows += 1
        if len(values) > len(header):
            yield Skipped(file.name, f"line {line}: {len(values)} fields, but the header names {len(header)}")
            continue
        row: dict[str, str] = {}
        for key, value in zip(header, values, strict=False):
            row.setdefault(key, value)
        yield _row(file, line, row)
    if header is None:
        yield Skipped(file.name, "empty file")
    elif not file.rows:
        yield Skipped(file.name, "no rows: the file has only its header")


def _header_problem(file: _File, header: list[str]) -> str | None:
    """Why no row of a CSV file can be read with this header: a named column missing, no text column."""
    columns = ", ".join(repr(h) for h in header)
    for role, name in file.fields.items():
        if name not in header:
            return f"no column {name!r} for --field {role}={name}: the columns are {columns}"
    if _keys(file.fields, tuple(header)).get("text") is None:
        names = ", ".join(rules().fields["text"])
        return f"no text column (none of {names}): the columns are {columns}; name one with --field text=NAME"
    return None


def _normal(key: str) -> str:
    return _KEY_NOISE.sub("", key).casefold()


def _keys(fields: Mapping[str, str], keys: tuple[str, ...]) -> dict[str, str | None]:
    """The key of ``keys`` that holds each role: the one ``fields`` names, else the first common name."""
    by_normal: dict[str, str] = {}
    for key in keys:
        by_normal.setdefault(_normal(key), key)
    found: dict[str, str | None] = {}
    for role in ROLES:
        if role in fields:
            name = fields[role]
            found[role] = name if name in keys else by_normal.get(_normal(name))
        else:
            found[role] = next(
                (by_normal[n] for n in map(_normal, rules().fields[role]) if n in by_normal), None
            )
    return found


def _row(file: _File, line: int, row: dict[str, object]) -> Document | Skipped | Unchanged:
    """One row, as a document or why it is not one."""
    keys = _keys(file.fields, tuple(row))
    text_key = keys["text"]
    text = row.get(text_key) if text_key is not None else None
    if text_key is None:
        if "text" in file.fields:
            return Skipped(file.name, f"line {line}: no text (no field {file.fields['text']!r})")
        names = ", ".join(rules().fields["text"])
        return Skipped(file.name, f"line {line}: no text (none of {names}; name one with --field text=NAME)")
    if not isinstance(text, str):
        return Skipped(file.name, f"line {line}: no text (field {text_key!r} is {_kind(text)})")
    if not text.strip():
        return Skipped(file.name, f"line {line}: no text (field {text_key!r} is empty)")
    name = f"{file.name}#{_key(row, keys, file.rows)}"
    assert file.seen is not None
    if name in file.seen:
        return Skipped(
            file.name, f"line {line}: {name} again (first on line {file.seen[name]}): the first is kept"
        )
    file.seen[name] = line
    chosen = {role: key for role, key in keys.items() if key is not None}
    try:
        canonical = json.dumps(
            {"fields": chosen, "row": row}, ensure_ascii=False, sort_keys=True, separators=(",", ":")
        ).encode("utf-8")
    except UnicodeEncodeError as e:
        return Skipped(file.name, f"line {line}: a lone surrogate {e.object[e.start]!r} is no text")
    if len(canonical) > file.max_bytes:
        return _too_large(file, line)
    sha256 = hashlib.sha256(canonical).hexdigest()
    if file.known.get(name) == sha256:
        return Unchanged(name, sha256, file.where(line))
    media_type = "text/html" if _is_html(text) else "text/plain"
    plain = blank_markup(text, html_document=media_type == "text/html")
    given = fields_meta({role: row[key] for role, key in chosen.items() if role not in ("text", "id")})
    return Document(
        name=name,
        text=text,
        plain=plain,
        sha256=sha256,
        encoding=file.encoding,
        media_type=media_type,
        posts=split_posts(text, plain),
        source=file.where(line),
        meta=document_meta(text, plain, media_type, given=given),
    )


def _key(row: Mapping[str, object], keys: Mapping[str, str | None], n: int) -> str:
    """What names a row within its file: its id, else its URL, else its place ``row-N``."""
    for role in ("id", "url"):
        key = keys[role]
        value = row.get(key) if key is not None else None
        if isinstance(value, bool) or not isinstance(value, str | int):
            continue
        value = str(value).strip()
        if not value:
            continue
        if role == "id" and value.isprintable() and len(value) <= 200:
            return value
        if _SAFE_KEY.fullmatch(value):
            return value
        return f"{role}-{hashlib.sha256(value.encode('utf-8', 'surrogatepass')).hexdigest()[:16]}"
    return f"row-{n}"


def _is_html(text: str) -> bool:
    """A row's text is HTML when it opens with a doctype or a tag of a known element.

    >>> _is_html("<p>美国商务部说</p>"), _is_html("<<芯片法案>>生效"), _is_html("美国<b>商务部</b>")
    (True, False, False)
    """
    match = _HTML_START.match(text)
    return match is not None and (match.group(1) is None or match.group(1).lower() in HTML_ELEMENTS)
