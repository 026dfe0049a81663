"""Checks on the shape and consistency of ``extract/data/gazetteer.jsonl``."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

import opencc
import pytest

GAZETTEER = Path(__file__).resolve().parent.parent / "extract" / "data" / "gazetteer.jsonl"
TYPES = {"PERSON", "ORG", "GPE", "LAW", "PRODUCT"}
LABEL_KEYS = {"en", "zh-Hans", "zh-Hant"}
ENTRY_KEYS = {"id", "type", "name", "labels", "aliases", "country", "ambiguous", "abbreviations"}
GENERIC = {"政府", "议员", "官员", "公司", "法院", "国家", "部门", "委员会", "总统", "参议员", "众议员"}

_T2S = opencc.OpenCC("t2s")


def _norm(text: str) -> str:
    """The scorer's comparison key: NFKC, traditional to simplified, case folding."""
    return _T2S.convert(unicodedata.normalize("NFKC", text)).casefold()


def _load() -> list[dict]:
    entries = []
    with GAZETTEER.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            assert line.strip(), f"line {number} is blank"
            try:
                entry = json.loads(line)
            except json.JSONDecodeError as error:  # pragma: no cover - reported by the assert
                pytest.fail(f"line {number} is not valid JSON: {error}")
            assert isinstance(entry, dict), f"line {number} is not a JSON object"
            entries.append(entry)
    return entries


ENTRIES = _load()


def test_file_is_plain_utf8_without_escapes():
    raw = GAZETTEER.read_text(encoding="utf-8")
    assert "\\u" not in raw, "write with ensure_ascii=False"
    assert len(ENTRIES) >= 600


def test_keys_and_ids():
    seen = set()
    for entry in ENTRIES:
        assert set(entry) <= ENTRY_KEYS, entry["id"]
        assert {"id", "type", "name", "labels", "aliases", "country"} <= set(entry), entry
        assert re.fullmatch(r"[a-z0-9]+(?:_[a-z0-9]+)*", entry["id"]), entry["id"]
        assert entry["id"] not in seen, f"duplicate id {entry['id']}"
        seen.add(entry["id"])


def test_type_name_labels():
    for entry in ENTRIES:
        assert entry["type"] in TYPES, entry["id"]
        assert isinstance(entry["name"], str)
        assert entry["name"].strip() == entry["name"] != "", entry["id"]
        labels = entry["labels"]
        assert isinstance(labels, dict), entry["id"]
        assert set(labels) <= LABEL_KEYS, entry["id"]
        assert all(isinstance(v, str) and v.strip() for v in labels.values()), entry["id"]


def test_aliases_well_formed():
    for entry in ENTRIES:
        aliases = entry["aliases"]
        assert isinstance(aliases, list), entry["id"]
        assert aliases, f"{entry['id']} has no alias"
        assert len(aliases) == len(set(aliases)), f"{entry['id']} repeats an alias"
        for alias in aliases:
            assert isinstance(alias, str), entry["id"]
            assert alias == alias.strip(), f"{entry['id']}: {alias!r} has outer spaces"
            assert len(alias) > 1, f"{entry['id']}: single-character alias {alias!r}"
            assert alias not in GENERIC, f"{entry['id']}: generic alias {alias!r}"


def test_abbreviations_are_single_simplified_characters_of_places():
    for entry in ENTRIES:
        abbreviations = entry.get("abbreviations", [])
        assert isinstance(abbreviations, list), entry["id"]
        assert abbreviations or "abbreviations" not in entry, f"{entry['id']}: empty abbreviations list"
        assert not abbreviations or entry["type"] == "GPE", entry["id"]
        for char in abbreviations:
            assert len(char) == 1 and _T2S.convert(char) == char, f"{entry['id']}: {char!r}"


def test_ambiguous_lists_are_aliases():
    for entry in ENTRIES:
        ambiguous = entry.get("ambiguous", [])
        assert isinstance(ambiguous, list), entry["id"]
        assert ambiguous or "ambiguous" not in entry, f"{entry['id']}: empty ambiguous list"
        for alias in ambiguous:
            assert alias in entry["aliases"], f"{entry['id']}: ambiguous {alias!r} is not an alias"


def test_shared_aliases_are_marked_ambiguous_in_every_entry():
    owners: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    for entry in ENTRIES:
        ambiguous = {_norm(a) for a in entry.get("ambiguous", [])}
        for key in {_norm(a) for a in entry["aliases"]}:
            owners[key].append((entry["id"], key in ambiguous))
    clashes = {key: ids for key, ids in owners.items() if len(ids) > 1 and not all(flag for _, flag in ids)}
    assert not clashes, clashes


def test_country_refers_to_a_gpe():
    gpes = {entry["id"] for entry in ENTRIES if entry["type"] == "GPE"}
    for entry in ENTRIES:
        country = entry["country"]
        assert country is None or country in gpes, f"{entry['id']}: unknown country {country!r}"


def test_bare_government_names_are_country_specific():
    by_alias: dict[str, list[dict]] = defaultdict(list)
    for entry in ENTRIES:
        for alias in entry.get("ambiguous", []):
            by_alias[alias].append(entry)
    for alias in ("商务部", "国务院", "国会", "外交部", "财政部", "司法部", "最高法院", "国防部"):
        entries = by_alias[alias]
        assert len(entries) >= 2, alias
        assert all(entry["country"] for entry in entries), alias
        assert len({entry["country"] for entry in entries}) == len(entries), alias
