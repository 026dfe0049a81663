"""The W3C SPARQL 1.1 Protocol tests against a live ``claimgraph serve`` (issue 14).

Read-only: every case passes as the manifest says, except that an update meant to succeed is refused
with 403 (and the case's later requests, which read what it wrote, are not sent). ``--allow-update``:
every case passes. Each server runs on a copy of the seeds store with the suite's three graphs added.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from graph.sparql.server import Settings, running
from tests.w3c_protocol import CASES, Endpoint, expects_success, is_update, load_data, run_case

NAMES = [case["name"] for case in CASES]
UPDATES = {
    case["name"] for case in CASES if is_update(case["requests"][0]) and expects_success(case["requests"][0])
}


def endpoint(url: str) -> Endpoint:
    return Endpoint(f"{url}/sparql", f"{url}/sparql")


@pytest.fixture(scope="module")
def readonly(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    store = tmp_path_factory.mktemp("w3c-readonly") / "store"
    shutil.copytree(seeds_store, store, symlinks=True)
    with running(Settings(store, port=0, allow_update=True)) as url:
        for case in CASES:
            load_data(endpoint(url), case)
    with running(Settings(store, port=0)) as url:
        yield endpoint(url)


@pytest.fixture(scope="module")
def writable(seeds_store: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    store = tmp_path_factory.mktemp("w3c-writable") / "store"
    shutil.copytree(seeds_store, store, symlinks=True)
    with running(Settings(store, port=0, allow_update=True)) as url:
        yield endpoint(url)


def test_the_suite_is_whole() -> None:
    assert len(CASES) == 34 and len(UPDATES) == 7


@pytest.mark.parametrize("name", NAMES)
def test_read_only(readonly: Endpoint, name: str) -> None:
    case = CASES[NAMES.index(name)]
    assert run_case(readonly, case, read_only=True) is None
    if name in UPDATES:  # refused cleanly: 403, saying how to allow it
        first = case["requests"][0]
        refused = requests.post(
            readonly.update + first["path"].removeprefix("/sparql/"),
            headers=first["headers"],
            data=first["body"].encode("utf-8"),
            timeout=60,
        )
        assert refused.status_code == 403 and "--allow-update" in refused.text


@pytest.mark.parametrize("name", NAMES)
def test_allow_update(writable: Endpoint, name: str) -> None:
    case = CASES[NAMES.index(name)]
    load_data(writable, case)
    assert run_case(writable, case) is None
