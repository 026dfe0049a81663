"""``claimgraph show DOC``: a document's text with its claims marked, for a reader without a browser."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main
from tests.graph_sample import LATER, LATER_META, LATER_NAME, NEWS, NEWS_NAME, build_samples, later, news

MARK = re.compile(r"\[(\d+) (.*?) \1\]", re.DOTALL)
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("show") / "store"
    build_samples(path, [news(), later()])
    return path


def show(store: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(store), "show", *args])


def test_each_claim_is_marked_where_it_stands_and_listed_after(store: Path) -> None:
    result = show(store, NEWS_NAME)
    assert result.exit_code == 0, result.output
    body = result.output.split("\n\n")[1]
    assert MARK.sub(r"\2", body) == NEWS.rstrip("\n")  # the marks only add, never change the text
    marked = {m.group(2) for m in MARK.finditer(body)}
    claims = {c.text for c in news().claims}
    assert marked == claims
    listed = re.findall(r"^\[(\d+)\] (.+) → (.+) · (\w+)", result.output, re.MULTILINE)
    first = min(news().claims, key=lambda c: c.start)
    assert len(listed) == len(claims) and listed[0][1] == first.speaker  # the sample's ids are its names


def test_the_header_says_title_outlet_date_and_address(store: Path) -> None:
    result = show(store, LATER_NAME, "--no-colour")
    head = result.output.splitlines()[:3]
    assert head[0] == LATER_NAME
    assert LATER_META.title in head[1] and "Xinhua" in head[1] and LATER_META.published in head[1]
    assert head[2] == LATER_META.url
    assert LATER.split("，")[1].rstrip("。") in result.output


def test_colour_only_when_asked_or_on_a_terminal(store: Path) -> None:
    assert not ANSI.search(show(store, LATER_NAME).output)  # not a terminal
    coloured = show(store, LATER_NAME, "--colour").output
    assert ANSI.search(coloured) and ANSI.sub("", coloured) == show(store, LATER_NAME).output


def test_a_base_name_finds_its_document_and_a_wrong_name_lists_some(store: Path) -> None:
    assert show(store, f"some/folder/{LATER_NAME}").exit_code == 0
    wrong = show(store, "nope.txt")
    assert wrong.exit_code == 1 and "no document is named so" in wrong.output and NEWS_NAME in wrong.output
