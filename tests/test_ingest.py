"""Reading files: encodings, refusals with reasons, folders, stdin, size limits."""

from __future__ import annotations

import codecs
import hashlib
import io
import os
import re
from pathlib import Path

import pytest

from extract.errors import InputError
from extract.ingest import (
    DEFAULT_MAX_BYTES,
    Skipped,
    Source,
    decode_bytes,
    iter_sources,
    read_document,
    read_documents,
)
from extract.records import Document
from tests.scripts import load_script

DATA = Path(__file__).parent / "data"
BAD_INPUT = DATA / "bad_input"
SEEDS = Path(__file__).parent.parent / "seeds"


fixtures = load_script(DATA / "make_bad_input.py")


def test_committed_fixtures_are_what_the_script_writes(tmp_path):
    fixtures.write(tmp_path)
    written = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    committed = {p.name: p.read_bytes() for p in BAD_INPUT.iterdir()}
    assert written == committed


def test_bad_input_folder_gives_documents_and_reasons():
    results = {r.name: r for r in read_documents([str(BAD_INPUT)], max_bytes=fixtures.LIMIT)}
    assert set(results) == set(fixtures.GOOD) | set(fixtures.BAD)
    for name, (text, encoding) in fixtures.GOOD.items():
        document = results[name]
        assert isinstance(document, Document), document
        assert (document.text, document.encoding) == (text, encoding)
        assert document.source == str(BAD_INPUT / name)
    for name, reason in fixtures.BAD.items():
        assert results[name] == Skipped(name, reason)


def test_bom_is_not_part_of_the_text_and_newlines_are_kept():
    text, encoding = decode_bytes((BAD_INPUT / "utf16_bom.txt").read_bytes())
    assert encoding == "utf-16-le"
    assert not text.startswith("\ufeff")
    assert "\r\n" in text
    assert decode_bytes(codecs.BOM_UTF16_BE + "制裁\r\n".encode("utf-16-be")) == ("制裁\r\n", "utf-16-be")
    assert decode_bytes(codecs.BOM_UTF32_LE + "制裁".encode("utf-32-le")) == ("制裁", "utf-32-le")
    assert decode_bytes(codecs.BOM_UTF8 + "制裁".encode()) == ("制裁", "utf-8-sig")


def test_plain_utf8_is_taken_as_it_is():
    assert decode_bytes("关税\r\n tariffs\u3000".encode()) == ("关税\r\n tariffs\u3000", "utf-8")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_detected(encoding):
    text = "欧盟第十四轮对俄制裁方案获得通过，涉及液化天然气转运。"
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


def test_gbk_is_read_as_its_superset_gb18030():
    text = "前总理朱镕基曾主导中国加入世界贸易组织的谈判，他在记者会上说，关税减让必须循序渐进。"
    assert decode_bytes(text.encode("gbk")) == (text, "gb18030")


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b" \n\t ", "empty file"),
        (codecs.BOM_UTF8, "empty file"),
        (codecs.BOM_UTF16_LE + "\u3000 \n".encode("utf-16-le"), "empty file"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "binary file (JPEG image)"),
        (b"GIF89a\x01\x00", "binary file (GIF image)"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "binary file (PDF document)"),
        (b"PK\x03\x04\x14\x00", "binary file (ZIP archive or Office document)"),
        (b"\x1f\x8b\x08\x00", "binary file (gzip archive)"),
        (b"abc\x00\x01\x02\x03" * 20, "binary file (contains NUL bytes)"),
        (bytes(range(128, 256)) * 3, "undecodable (no encoding fits)"),
        (codecs.BOM_UTF16_LE + b"\x00\xd8A\x00", "invalid UTF-16-LE at byte 2"),
    ],
)
def test_refusals_name_the_problem(data, reason):
    with pytest.raises(InputError) as caught:
        decode_bytes(data)
    assert str(caught.value) == reason


def test_mostly_utf8_with_bad_bytes_is_refused_not_redecoded():
    good = "美国商务部宣布新的出口管制措施，涉及先进计算芯片。".encode()
    assert_refused = pytest.raises(InputError, match=f"^invalid UTF-8 at byte {len(good)}$")
    with assert_refused:
        decode_bytes(good + b"\xff" + good)
    mixed = "naïve".encode() + " café".encode("latin-1")  # one good sequence, one bad byte
    with pytest.raises(InputError, match=r"^invalid UTF-8 at byte 10$"):
        decode_bytes(mixed)


def test_legacy_cjk_is_not_mistaken_for_damaged_utf8():
    for seed in sorted(SEEDS.glob("*.txt")):
        text = seed.read_text(encoding="utf-8")
        assert decode_bytes(text.encode("gb18030")) == (text, "gb18030"), seed.name


def test_read_document_fields():
    data = "<html><body><p>关税</p></body></html>".encode()
    document = read_document("page.html", data, source="in/page.html")
    assert document.sha256 == hashlib.sha256(data).hexdigest()
    assert document.media_type == "text/html"
    assert document.plain == " " * 12 + "\n  关税" + "\n   " + " " * 14
    assert document.source == "in/page.html"
    assert document.posts == ()
    assert read_document("a.md", b"# x").media_type == "text/markdown"
    assert read_document("a.TXT", b"<html>x").media_type == "text/plain"
    assert read_document("stdin", b"  <!DOCTYPE html><p>x").media_type == "text/html"
    assert read_document("stdin", b"a < b").media_type == "text/plain"
    assert read_document("stdin", b"x").source == "stdin"


def test_read_document_checks_size_first():
    with pytest.raises(InputError, match=r"^too large: 11 bytes > limit 10 \(raise --max-bytes\)$"):
        read_document("a.txt", b"\x00" * 11, max_bytes=10)


def test_iter_sources_expands_folders_sorted_and_relative(tmp_path):
    for rel in ["b.txt", "a.md", "sub/z.html", "sub/deeper/y.HTM", "notes.rtf", "c.markdown"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    (tmp_path / "dir.txt").mkdir()
    single = tmp_path / "sub" / "z.html"
    names = [source.name for source in iter_sources([str(tmp_path), str(single), "-"])]
    assert names == ["a.md", "b.txt", "c.markdown", "sub/deeper/y.HTM", "sub/z.html", "z.html", "stdin"]
    assert list(iter_sources(["-"])) == [Source("stdin", None)]


def test_links_and_folders_that_cannot_be_read_are_reported_not_skipped_silently(tmp_path):
    """Issue 13, defect 12: symlinked or unreadable subfolders and broken links were skipped with exit 0."""
    (tmp_path / "corpus").mkdir()
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "x.txt").write_text("制裁")
    (tmp_path / "corpus" / "a.txt").write_text("关税")
    (tmp_path / "corpus" / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "corpus" / "gone.txt").symlink_to(tmp_path / "nowhere.txt")
    (tmp_path / "corpus" / "file-link.txt").symlink_to(tmp_path / "elsewhere" / "x.txt")
    results = {r.name: r for r in read_documents([str(tmp_path / "corpus")])}
    assert sorted(results) == ["a.txt", "file-link.txt", "gone.txt", "linked/"]
    assert isinstance(results["file-link.txt"], Document)
    assert results["gone.txt"] == Skipped("gone.txt", "broken symbolic link")
    assert "not followed" in results["linked/"].reason


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_an_unreadable_subfolder_is_reported(tmp_path):
    (tmp_path / "locked").mkdir(mode=0o000)
    (tmp_path / "a.txt").write_text("关税")
    results = {r.name: r for r in read_documents([str(tmp_path)])}
    assert results["locked/"] == Skipped("locked/", "unreadable folder: Permission denied")


def test_names_that_are_not_utf8_become_text(tmp_path):
    """Issue 13, defect 4: a GBK file name stopped the whole build after extraction."""
    gbk = os.path.join(os.fsencode(tmp_path), "新闻稿.txt".encode("gbk"))
    odd = os.path.join(os.fsencode(tmp_path), b"\xff\xfe.txt")
    for path in (gbk, odd):
        with open(path, "wb") as out:
            out.write("美国商务部宣布新的出口管制。".encode())
    results = {r.name: r for r in read_documents([str(tmp_path)])}
    assert sorted(results) == ["\\xff\\xfe.txt", "新闻稿.txt"]
    assert all(isinstance(r, Document) and r.source.isprintable() for r in results.values())


def test_missing_path_fails_before_anything_is_read(tmp_path):
    with pytest.raises(InputError, match=re.escape("no such file or folder: 'nope.txt'")):
        iter_sources([str(tmp_path), "nope.txt"])
    with pytest.raises(InputError, match=r"nope\.txt"):
        read_documents(["-", "nope.txt"])


def test_stdin(tmp_path):
    (result,) = read_documents(["-"], stdin=io.BytesIO("<html><p>制裁</p>".encode()))
    assert isinstance(result, Document)
    assert (result.name, result.source, result.media_type) == ("stdin", "-", "text/html")
    (result,) = read_documents(["-"], stdin=io.BytesIO(b"x" * 11), max_bytes=10)
    assert result == Skipped("stdin", "too large: more than 10 bytes > limit 10 (raise --max-bytes)")


def test_huge_file_is_skipped_without_being_read(tmp_path, monkeypatch):
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as file:
        file.truncate(25_000_000)  # sparse: costs no disk

    def no_reading(*args, **kwargs):
        raise AssertionError("a file over the limit was opened")

    monkeypatch.setattr(Path, "open", no_reading)
    (result,) = read_documents([str(huge)])
    limit = f"{DEFAULT_MAX_BYTES:,}"
    assert result == Skipped("huge.txt", f"too large: 25,000,000 bytes > limit {limit} (raise --max-bytes)")


def test_unreadable_file_is_skipped(tmp_path, monkeypatch):
    locked = tmp_path / "locked.txt"
    locked.write_text("x")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", denied)
    assert list(read_documents([str(locked)])) == [Skipped("locked.txt", "unreadable: Permission denied")]


@pytest.mark.parametrize("seed", sorted(SEEDS.glob("*.txt")), ids=lambda p: p.name)
def test_every_seed_decodes(seed):
    (document,) = read_documents([str(seed)])
    assert isinstance(document, Document)
    assert document.encoding == "utf-8"
    assert len(document.plain) == len(document.text)
    if not seed.name.startswith("002_"):
        assert document.posts == ()
