"""Issue 13: builds killed at random moments (SIGKILL, SIGTERM, Ctrl-C) lose nothing and leave nothing.

Each run starts a real ``claimgraph build`` of the seeds over a published store, with worker processes,
and kills it after a delay drawn from a seeded generator (``CLAIMGRAPH_KILL_SEED``; the number of runs
is ``CLAIMGRAPH_KILL_RUNS``). After every kill: no process of that build lives on (each carries a mark in
its environment), the published store answers and holds the whole graph, and a build stopped by a
catchable signal removed what it had half made. After a SIGKILL, the next build that gets to its start
removes the leftovers (one stopped while it still loads may leave them to the one after).
"""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from graph.exports.formats import export
from graph.store.duplicates import CACHE
from graph.store.store import open_store

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
EPOCH = "1700000000"
RUNS = int(os.environ.get("CLAIMGRAPH_KILL_RUNS", "6"))
SEED = int(os.environ.get("CLAIMGRAPH_KILL_SEED", "13"))
SIGNALS = (signal.SIGKILL, signal.SIGTERM, signal.SIGINT)


def claimgraph(store: Path, *args: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    run = "import sys, cli; sys.argv[0] = 'claimgraph'; cli.main()"
    return subprocess.Popen(
        [sys.executable, "-c", run, "--store", str(store), *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's job: Ctrl-C reaches the group
    )


def marked(mark: str) -> list[int]:
    """Processes whose environment carries ``mark``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and mark.encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def nquads(store: Path) -> bytes:
    out = io.BytesIO()
    export(open_store(store), "nquads", out)
    return out.getvalue()


def wait_until_gone(mark: str, seconds: float = 15) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := marked(mark)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def made(store: Path) -> set[str]:
    """What a build left in the store folder besides its lock, its list of stores and the signature cache
    of the duplicate pass (``graph.store.duplicates.CACHE``, kept on purpose between builds)."""
    return {p.name for p in store.iterdir() if p.name not in (".lock", ".stores", CACHE)}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads /proc to find processes")
def test_builds_killed_at_random_moments_lose_nothing_and_leave_nothing(tmp_path: Path) -> None:
    store = tmp_path / "store"
    temp = tmp_path / "tmp"
    temp.mkdir()
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH, "TMPDIR": str(temp)}
    build = ["build", str(SEEDS), "--force", "--workers", "2", "--batch-size", "1", "--no-progress"]
    first = claimgraph(store, *build, env=env)
    assert first.wait(timeout=300) == 0, first.stderr.read() if first.stderr else ""
    whole = nquads(store)
    rng = random.Random(SEED)
    for run in range(RUNS):
        signum = SIGNALS[run % len(SIGNALS)]
        delay = rng.uniform(0.3, 6.0)
        mark = f"CLAIMGRAPH_TEST_RUN={uuid.uuid4().hex}"
        before = made(store)  # a SIGKILLed build's leftovers stay until a later build gets to its start
        process = claimgraph(store, *build, env={**env, mark.split("=")[0]: mark.split("=")[1]})
        time.sleep(delay)
        if signum == signal.SIGINT:
            os.killpg(process.pid, signum)  # Ctrl-C: the whole job, workers included
        else:
            process.send_signal(signum)  # kill or kill -9 of the build: its workers are not told
        process.wait(timeout=120)
        stderr = process.stderr.read().decode() if process.stderr else ""
        what = f"run {run}: {signal.Signals(signum).name} after {delay:.1f} s (seed {SEED})"
        assert wait_until_gone(mark.split("=")[1]) == [], what
        assert "Traceback" not in stderr, f"{what}\n{stderr}"
        assert nquads(store) == whole, what  # the old store, or a new one as whole
        if signum != signal.SIGKILL or process.returncode == 0:
            published = {"current", (store / "current").resolve().name}
            assert published <= made(store) <= published | before, what  # nothing of its own left
        assert list(temp.iterdir()) == [] or signum == signal.SIGKILL, what
    last = claimgraph(store, *build, env=env)
    assert last.wait(timeout=300) == 0
    assert made(store) == {"current", (store / "current").resolve().name}
    validate = subprocess.run(
        [sys.executable, "-c", "import sys, cli; cli.main()", "--store", str(store), "validate"],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert validate.returncode == 0, validate.stdout
