"""Where extraction runs: in this process, in worker processes on this machine, or on a Dask cluster.

Every engine takes documents as a stream and gives back one ``Extraction`` per document, **in input
order**, so a build writes the same quads whichever engine ran it. Documents are cut into chunks of
``batch_size``; each chunk is one ``nlp.pipe`` call with that batch size, the same batches the
single-process path makes, so even the statistical NER sees the same batches and the bytes cannot differ.
At most ``prefetch`` chunks per worker are in flight, so memory does not grow with the number of
documents: reading waits for extraction, and extraction for the writer.

- ``extract_local`` (``--workers N``): a ``ProcessPoolExecutor`` of N processes started with ``spawn``
  (the parent holds RocksDB threads, which ``fork`` must not copy); each loads the pipeline once.
- ``extract_dask`` (``--engine dask --scheduler ADDRESS``): the chunks are Dask tasks on an existing
  ``dask.distributed`` cluster; each worker process loads the pipeline once (``load_pipeline`` is cached)
  and the workers need claimgraph installed, as the client does.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from typing import Any

from extract.errors import ClaimgraphError
from extract.records import Document, Extraction

ENGINES = ("local", "dask")
DEFAULT_BATCH_SIZE = 32
"""Documents per ``nlp.pipe`` batch, and per chunk sent to a worker."""
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


def _load() -> None:
    """Worker initializer: load the pipeline once, before the first chunk arrives."""
    from extract.pipeline import load_pipeline

    load_pipeline()


def _in_order(
    submit: Callable[[list[Document]], Future[Any]], work: Iterable[list[Document]], in_flight: int
) -> Iterator[Extraction]:
    """Submit chunks while fewer than ``in_flight`` are pending; yield their results in submission order."""
    pending: deque[Future[Any]] = deque()
    for chunk in work:
        pending.append(submit(chunk))
        if len(pending) >= in_flight:
            yield from pending.popleft().result()
    while pending:
        yield from pending.popleft().result()


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
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_load) as pool:
        try:
            yield from _in_order(
                lambda chunk: pool.submit(extract_chunk, chunk, batch_size),
                _prepend([first, second], work),
                workers * prefetch,
            )
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def extract_dask(
    documents: Iterable[Document],
    *,
    scheduler: str,
    batch_size: int,
    prefetch: int = PREFETCH,
) -> Iterator[Extraction]:
    """Extract on the ``dask.distributed`` cluster whose scheduler is at ``scheduler`` (``tcp://HOST:PORT``)."""
    try:
        from distributed import Client
    except ImportError:
        raise ClaimgraphError(
            "--engine dask needs dask.distributed: pip install 'claimgraph[dask]' (on the workers too)"
        ) from None
    try:
        client = Client(scheduler, timeout="30s", set_as_default=False)
    except (OSError, TimeoutError) as e:
        raise ClaimgraphError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e
    with client:
        workers = max(1, sum(client.nthreads().values()))
        yield from _in_order(
            lambda chunk: client.submit(extract_chunk, chunk, batch_size, pure=False),
            chunks(documents, batch_size),
            workers * prefetch,
        )


def _prepend(first: list[list[Document]], rest: Iterator[list[Document]]) -> Iterator[list[Document]]:
    yield from first
    yield from rest


def _chain(first: Iterable[Document], rest: Iterator[list[Document]]) -> Iterator[Document]:
    yield from first
    for chunk in rest:
        yield from chunk
