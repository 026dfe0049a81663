"""Where extraction runs: in this process, in worker processes on this machine, or on a Dask cluster.

Every engine takes documents as a stream and gives back one ``Extraction`` per document, **in input
order**, so a build writes the same quads whichever engine ran it. Documents are cut into chunks of
``batch_size``; each chunk is one ``nlp.pipe`` call with that batch size, the same batches the
single-process path makes, so even the statistical NER sees the same batches and the bytes cannot differ.
At most ``prefetch`` chunks per worker are in flight, so memory does not grow with the number of
documents: reading waits for extraction, and extraction for the writer.

- ``extract_local`` (``--workers N``): a ``ProcessPoolExecutor`` of N processes started with ``spawn``
  (the parent holds RocksDB threads, which ``fork`` must not copy); each loads the pipeline once. Workers
  die with the build: the kernel kills them when their parent dies (``PR_SET_PDEATHSIG``), Ctrl-C is the
  parent's to handle (they ignore ``SIGINT``), and a build that stops for any reason terminates them.
  A worker that dies (the kernel's out-of-memory killer) fails the build with the documents it held.
- ``extract_chunk`` is also what a Dask task runs (``--engine dask``, ``graph.store.cluster``): there
  each worker process loads the pipeline once (``load_pipeline`` is cached), and the task writes the
  chunk's graph where it ran instead of sending records back.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from typing import Any

from extract.errors import ClaimgraphError
from extract.records import Document, Extraction

ENGINES = ("local", "dask")
PREFETCH = 2
"""Chunks in flight per worker: one extracted, one waiting, so no worker idles while the writer works."""


def default_workers() -> int:
    """Processes a local build uses by default: every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def chunks(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    """``documents`` in lists of ``size`` (the last one shorter), read lazily.

    >>> [len(c) for c in chunks(range(5), 2)]
    [2, 2, 1]
    """
    it = iter(documents)
    while chunk := list(islice(it, size)):
        yield chunk


def extract_chunk(documents: list[Document], batch_size: int) -> list[Extraction]:
    """Extract one chunk in this process with the cached pipeline: what a worker or a Dask task runs."""
    from extract.pipeline import extract_documents

    return list(extract_documents(documents, batch_size=batch_size))


_PR_SET_PDEATHSIG = 1


def _load(parent: int) -> None:
    """Worker initializer: die with the parent, leave Ctrl-C to it, load the pipeline once.

    The worker started with ``SIGINT`` blocked (``_spawning``), so a Ctrl-C while it was starting up is
    dropped here rather than raised as a traceback.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)
    from extract.pipeline import load_pipeline

    load_pipeline()


def _in_order(
    submit: Callable[[list[Document]], Future[Any]], work: Iterable[list[Document]], in_flight: int
) -> Iterator[Extraction]:
    """Submit chunks while fewer than ``in_flight`` are pending; yield their results in submission order."""
    pending: deque[tuple[Future[Any], list[Document]]] = deque()
    for chunk in work:
        pending.append((submit(chunk), chunk))
        if len(pending) >= in_flight:
            yield from _result(*pending.popleft())
    while pending:
        yield from _result(*pending.popleft())


def _result(future: Future[Any], chunk: list[Document]) -> list[Extraction]:
    try:
        return future.result()
    except BrokenProcessPool:
        names = ", ".join(d.name for d in chunk[:3]) + (
            f" and {len(chunk) - 3} more" if len(chunk) > 3 else ""
        )
        raise ClaimgraphError(
            f"an extraction worker died while extracting {names} (killed by the system, likely out of "
            "memory): nothing was published; try fewer --workers or a smaller --batch-size"
        ) from None


def extract_local(
    documents: Iterable[Document], *, workers: int, batch_size: int, prefetch: int = PREFETCH
) -> Iterator[Extraction]:
    """Extract in ``workers`` processes of this machine; one worker (or one chunk) runs in this process."""
    from extract.pipeline import extract_documents

    work = chunks(documents, batch_size)
    first = next(work, None)
    if first is None:
        return
    second = next(work, None)
    if workers <= 1 or second is None:
        rest = (doc for chunk in ([first] if second is None else [first, second]) for doc in chunk)
        yield from extract_documents(_chain(rest, work), batch_size=batch_size)
        return
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=_load, initargs=(os.getpid(),)
    )
    try:
        yield from _in_order(
            lambda chunk: _spawning(pool.submit, extract_chunk, chunk, batch_size),
            _prepend([first, second], work),
            workers * prefetch,
        )
    except BaseException:
        _terminate(pool)
        raise
    pool.shutdown(wait=True)


def _spawning(submit: Callable[..., Future[Any]], *args: Any) -> Future[Any]:
    """``submit(*args)`` with ``SIGINT`` blocked: a worker it starts inherits the mask (see ``_load``)."""
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        return submit(*args)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _terminate(pool: ProcessPoolExecutor) -> None:
    """Stop at once: drop what is queued, kill the workers (their work is lost anyway), reap them.

    The executor has no public way to stop a running task, hence its ``_processes``.
    """
    workers = list((pool._processes or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for worker in workers:
        worker.kill()
    for worker in workers:
        worker.join()


def _prepend(first: list[list[Document]], rest: Iterator[list[Document]]) -> Iterator[list[Document]]:
    yield from first
    yield from rest


def _chain(first: Iterable[Document], rest: Iterator[list[Document]]) -> Iterator[Document]:
    yield from first
    for chunk in rest:
        yield from chunk
