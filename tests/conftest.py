"""Fixtures shared by the test modules."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import main

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped seeds, built once by ``claimgraph build`` for every test that only reads them."""
    store = tmp_path_factory.mktemp("seeds-store")
    args = ["--store", str(store), "build", str(SEEDS), "--no-progress"]
    result = CliRunner().invoke(main, args, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return store
