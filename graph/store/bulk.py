"""Bulk loads that run beside the build, in a thread of their own.

``Store.bulk_load`` is Rust and releases the GIL; on fewer than four cores it parses on one thread
(Oxigraph splits the input between parsing threads from four cores on: half the cores, at least two).
A Dask build hands over a partition at a time, and also reads the partitions' JSON, merges votes and
counts and lists inputs. So a thread loads what has been handed over as soon as it is idle, while the
build goes on: the build takes the longer of the loads and the rest, not their sum, and what is left to
load when the last partition arrives is that partition, not a batch gathered behind it. What arrived
during a load is loaded next, a ``bulk_load`` call a partition: one call over the joined N-Quads gives
the same store quad for quad but was slower (90,000 against 110,000 quads/s on 982,392 quads:
``benchmarks/cluster.py``). At most ``load_bytes`` wait: a build that hands over
faster than the thread loads waits, so memory stays bounded. A failed load (a full disk) is raised
where the build next hands one over, or at ``finish``.
"""

from __future__ import annotations

import threading

import pyoxigraph as ox

LOAD_BYTES = 64 * 1024 * 1024
"""N-Quads waiting for the loader past which the build waits for it: about 450,000 quads."""


class BulkLoader:
    """Load N-Quads into ``store`` in a background thread, as soon as it is free."""

    def __init__(self, store: ox.Store, load_bytes: int = LOAD_BYTES) -> None:
        self.store = store
        self.load_bytes = load_bytes
        self.calls = 0
        """``bulk_load`` calls made: one a partition handed over."""
        self._waiting: list[bytes] = []
        self._size = 0
        self._stop = False
        self._error: BaseException | None = None
        self._changed = threading.Condition()
        self._thread: threading.Thread | None = None

    def add(self, nquads: bytes) -> None:
        """Load ``nquads`` (whole lines) as soon as the loader is free; wait while ``load_bytes`` wait."""
        with self._changed:
            self._raise()
            while self._size >= self.load_bytes and self._error is None:
                self._changed.wait()
            self._raise()
            self._waiting.append(nquads)
            self._size += len(nquads)
            if self._thread is None:
                self._stop = False
                self._thread = threading.Thread(target=self._run, name="bulk-load", daemon=True)
                self._thread.start()
            self._changed.notify_all()

    def finish(self) -> None:
        """Load everything handed over and stop the thread (it holds the store); raise a failed load's
        error. ``add`` after it starts the thread again."""
        self._join()
        with self._changed:
            self._raise()

    def abandon(self) -> None:
        """Drop what waits and stop after a load under way, its error ignored (the build failed)."""
        with self._changed:
            self._waiting, self._size = [], 0
        self._join()
        self._error = None

    def _join(self) -> None:
        with self._changed:
            self._stop = True
            self._changed.notify_all()
            thread, self._thread = self._thread, None
        if thread is not None:
            thread.join()

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._waiting and not self._stop:
                    self._changed.wait()
                if not self._waiting:
                    return
                files, self._waiting, self._size = self._waiting, [], 0
                self._changed.notify_all()  # a build waiting for room goes on
            try:
                while files:
                    self.store.bulk_load(files.pop(0), format=ox.RdfFormat.N_QUADS)
                    self.calls += 1
            except BaseException as e:  # raised in the build's thread by add or finish
                with self._changed:
                    self._error = e
                    self._waiting, self._size = [], 0
                    self._changed.notify_all()
                return

    def _raise(self) -> None:
        if self._error is not None:
            error, self._error = self._error, None
            raise error
