"""Bulk loads that run beside the build, in a thread of their own.

``Store.bulk_load`` is Rust and releases the GIL, but works on one core (measured: CPU time equals wall
time). A Dask build loads a partition of about 240,000 quads at a time, and also reads the partitions'
JSON, merges votes and counts and lists inputs. So partitions are gathered until ``LOAD_BYTES`` and
loaded in a thread while the build goes on with the next ones: the build takes the longer of the loads
and the rest, not their sum. Each partition is still its own ``bulk_load`` call: one call over the
joined files once gave a store whose statistics differed from a local build's by one count (a test run,
not explained yet; the partitions hold no blank nodes), and separate calls never did. One load runs
at a time and one waits at most, so memory stays bounded; a failed load (a full disk) is raised where
the build next hands one over, or at ``finish``.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

LOAD_BYTES = 64 * 1024 * 1024
"""N-Quads gathered before one bulk load: about 450,000 quads."""


class BulkLoader:
    """Load N-Quads into ``store`` in a background thread, ``LOAD_BYTES`` at a time."""

    def __init__(self, store: ox.Store, load_bytes: int = LOAD_BYTES) -> None:
        self.store = store
        self.load_bytes = load_bytes
        self._gathered: list[bytes] = []
        self._size = 0
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None

    def add(self, nquads: bytes) -> None:
        """Load ``nquads`` (whole lines) with the next load; start it when enough is gathered."""
        self._gathered.append(nquads)
        self._size += len(nquads)
        if self._size >= self.load_bytes:
            self._start()

    def finish(self) -> None:
        """Load what is gathered and wait until every load is done; raise the error of a failed one."""
        if self._gathered:
            self._start()
        self._wait()

    def abandon(self) -> None:
        """Drop what is gathered and wait for a load under way, its error ignored (the build failed)."""
        self._gathered, self._size = [], 0
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        self._error = None

    def _start(self) -> None:
        self._wait()  # one load at a time: the next waits here, gathered
        files, self._gathered, self._size = self._gathered, [], 0
        self._thread = threading.Thread(target=self._load, args=(files,), name="bulk-load", daemon=True)
        self._thread.start()

    def _load(self, files: list[bytes]) -> None:
        try:
            for data in files:
                self.store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        except BaseException as e:  # raised in the build's thread by _wait
            self._error = e

    def _wait(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._error is not None:
            error, self._error = self._error, None
            raise error
