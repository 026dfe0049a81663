"""Issue 13: the build, the store and the commands under faults and careless use.

One regression test per defect found (a reproduction first, then the fix), in the spirit of pySHACL's
one test per fixed bug. Each asserts the promise: the command finishes or refuses with one clear line,
and nothing already built is lost.
"""

from __future__ import annotations

import io
import os
import resource
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from cli import EXIT_BROKEN_PIPE, main
from graph.exports.formats import export
from graph.store.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SMALL = SEEDS / "004_5b8d7d2dda9938c6.txt"
CLAIMGRAPH = [sys.executable, "-c", "import sys, cli; sys.argv[0] = 'claimgraph'; cli.main()"]


def run(*args: str, store: Path, env: dict[str, str] | None = None):
    return CliRunner(env=env).invoke(main, ["--store", str(store), *args], catch_exceptions=False)


def one_error_line(output: str) -> str:
    """The command's output is one ``Error:`` line (notes aside), never a traceback."""
    lines = [line for line in output.splitlines() if not line.startswith("note:")]
    assert len(lines) == 1 and lines[0].startswith("Error: "), output
    return lines[0]


def nquads(store: Path) -> bytes:
    out = io.BytesIO()
    export(open_store(store), "nquads", out)
    return out.getvalue()


@pytest.fixture
def small_store(tmp_path: Path) -> Path:
    store = tmp_path / "store"
    assert run("build", str(SMALL), "--no-progress", store=store).exit_code == 0
    return store


def test_a_damaged_store_is_reported_in_one_line_and_rebuilt_with_force(small_store: Path) -> None:
    """Defect 10: after losing one .sst file, query, validate and build --force gave tracebacks."""
    folder = (small_store / "current").resolve()
    next(folder.glob("*.sst")).unlink()
    result = run("query", "ASK {}", store=small_store)
    assert result.exit_code == 1 and "cannot be read" in one_error_line(result.output)
    assert "build --force" in result.output
    assert run("validate", store=small_store).exit_code == 2  # could not validate, not "does not conform"
    result = run("build", str(SMALL), "--no-progress", store=small_store)
    assert result.exit_code == 1 and "--force" in one_error_line(result.output)
    assert run("build", str(SMALL), "--force", "--no-progress", store=small_store).exit_code == 0
    assert run("query", "ASK { ?c a cg:Claim }", "--format", "json", store=small_store).output.strip()
    assert not folder.exists()  # the damaged store went once a good one was published


@pytest.mark.parametrize("command", [["export"], ["query", "ASK {}"], ["map"], ["analyze", "most-accused"]])
@pytest.mark.parametrize("where", ["", "folder", "missing/out.txt"])
def test_an_output_path_that_cannot_be_written_is_one_line(
    small_store: Path, tmp_path: Path, command: list[str], where: str
) -> None:
    """Defect 11: `-o` into a missing folder, onto a folder, or `''` gave tracebacks."""
    (tmp_path / "folder").mkdir()
    target = where and str(tmp_path / where)
    result = run(*command, "-o", target, store=small_store)
    assert result.exit_code == 1
    one_error_line(result.output)
    assert list((tmp_path / "folder").iterdir()) == []


def test_csv_export_checks_its_output_before_any_work(small_store: Path, tmp_path: Path) -> None:
    for target in ("", str(tmp_path / "missing" / "tables.zip")):
        result = run("export", "--format", "csv", "-o", target, store=small_store)
        assert result.exit_code == 1
        one_error_line(result.output)


def test_a_store_path_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    """Defect 11: `CLAIMGRAPH_STORE` pointing at a file."""
    file = tmp_path / "not-a-folder"
    file.write_text("x")
    env = {"CLAIMGRAPH_STORE": str(file)}
    build = CliRunner(env=env).invoke(main, ["build", str(SMALL), "--no-progress"], catch_exceptions=False)
    assert build.exit_code == 1 and "cannot use" in one_error_line(build.output)
    query = CliRunner(env=env).invoke(main, ["query", "ASK {}"], catch_exceptions=False)
    assert query.exit_code == 1 and "no store" in one_error_line(query.output)
    assert file.read_text() == "x"


def test_a_query_that_fails_while_it_runs_is_one_line(small_store: Path) -> None:
    """Defect 11: a SERVICE query in `claimgraph query` gave a traceback (port 9 is refused locally)."""
    result = run(
        "query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", store=small_store
    )
    assert result.exit_code == 1
    one_error_line(result.output)


def _limited(limit: int) -> None:
    """In the child: files may not grow past ``limit`` bytes, and writing more fails with EFBIG."""
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)


def test_a_full_disk_during_a_build_rolls_it_back_in_one_line(small_store: Path, tmp_path: Path) -> None:
    """Defect 11: a full disk during a build gave a traceback. A file size limit fails writes the same way."""
    before = nquads(small_store)
    done = subprocess.run(
        [*CLAIMGRAPH, "--store", str(small_store), "build", str(SEEDS), "--no-progress", "--workers", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=lambda: _limited(32 * 1024),
    )
    assert done.returncode == 1, done.stderr
    assert "cannot write the new store" in one_error_line(done.stderr)
    assert nquads(small_store) == before
    assert [p.name for p in small_store.glob("store-*")] == [(small_store / "current").resolve().name]


def test_a_full_disk_during_an_export_leaves_the_old_file(small_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "graph.nq"
    out.write_text("the previous export\n")
    done = subprocess.run(
        [*CLAIMGRAPH, "--store", str(small_store), "export", "--format", "nquads", "-o", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: _limited(16 * 1024),
    )
    assert done.returncode == 1
    assert "cannot write" in one_error_line(done.stderr)
    assert out.read_text() == "the previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nq", "store"]


def test_sigterm_during_an_export_removes_the_half_written_file(small_store: Path, tmp_path: Path) -> None:
    """Defect 12: a killed export left `.NAME.*.tmp` beside its target."""
    stop_midway = (
        "import os, signal, sys, cli, graph.exports.formats as e\n"
        "write = e.export\n"
        "def stopped(store, fmt, out):\n"
        "    out.write(b'<urn:x:a> <urn:x:b> <urn:x:c> .\\n')\n"
        "    os.kill(os.getpid(), signal.SIGTERM)\n"
        "    return write(store, fmt, out)\n"
        "e.export = stopped\n"
        "sys.argv[0] = 'claimgraph'\n"
        "cli.main()\n"
    )
    out = tmp_path / "graph.nq"
    args = ["--store", str(small_store), "export", "--format", "nquads", "-o", str(out)]
    done = subprocess.run(
        [sys.executable, "-c", stop_midway, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 128 + signal.SIGTERM, done.stderr
    assert "Traceback" not in done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["store"]


def test_a_closed_pipe_ends_an_export_quietly_with_a_failure_code(small_store: Path) -> None:
    """Defect 12: exit 0 on a broken pipe (`claimgraph export | head -1`)."""
    with subprocess.Popen(
        [*CLAIMGRAPH, "--store", str(small_store), "export", "--format", "nquads"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline()
        process.stdout.close()
        stderr = process.stderr.read()
        assert process.wait(timeout=120) == EXIT_BROKEN_PIPE
    assert stderr == b""


def test_file_names_are_printed_escaped_in_warnings(tmp_path: Path) -> None:
    """Defect 12: a newline in a file name forged a warning line."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SMALL, docs / "good.txt")
    (docs / "x.txt\nwarning: skipped all.txt").write_bytes(b"")
    result = run("build", str(docs), "--no-progress", store=tmp_path / "store")
    assert result.exit_code == 3
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == ["warning: skipped 'x.txt\\nwarning: skipped all.txt': empty file"]


def test_a_document_that_became_unreadable_is_counted_as_removed(tmp_path: Path) -> None:
    """Defect 12: a file that became empty had its graph removed, and the summary did not say so."""
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SMALL, docs / "a.txt")
    shutil.copy(SEEDS / "000_8e1a6d06941d07ba.txt", docs / "b.txt")
    assert run("build", str(docs), "--no-progress", store=tmp_path / "store").exit_code == 0
    (docs / "b.txt").write_bytes(b"")
    result = run("build", str(docs), "--no-progress", store=tmp_path / "store")
    assert result.exit_code == 3
    assert "0 extracted, 1 unchanged, 1 removed, 1 skipped" in result.output


def test_an_incremental_build_of_a_moved_folder_is_a_fresh_build(tmp_path: Path, monkeypatch) -> None:
    """Defect 12: `dcterms:source` kept the old path of unchanged documents after the folder moved."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = tmp_path / "first"
    first.mkdir()
    shutil.copy(SMALL, first / "a.txt")
    assert run("build", str(first), "--no-progress", store=tmp_path / "inc").exit_code == 0
    moved = first.rename(tmp_path / "moved")
    assert (
        "0 extracted, 1 unchanged" in run("build", str(moved), "--no-progress", store=tmp_path / "inc").output
    )
    assert run("build", str(moved), "--no-progress", store=tmp_path / "fresh").exit_code == 0
    assert nquads(tmp_path / "inc") == nquads(tmp_path / "fresh")
    assert str(moved).encode() in nquads(tmp_path / "inc")


def test_an_empty_focus_is_a_usage_error(small_store: Path, tmp_path: Path) -> None:
    """Defect 12: `map --focus ''` drew the whole map."""
    result = run("map", "--focus", "", "-o", str(tmp_path / "m.html"), store=small_store)
    assert result.exit_code == 2 and "--focus" in result.output
    assert not (tmp_path / "m.html").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes every folder")
def test_a_store_folder_without_write_permission_is_one_line(tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    result = run("build", str(SMALL), "--no-progress", store=locked / "store")
    assert result.exit_code == 1 and "cannot use" in one_error_line(result.output)
