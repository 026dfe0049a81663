"""``--engine dask``: extraction where the workers are, partitions at a shared location, a bulk-loaded store.

Each Dask task extracts a partition of documents and writes it where every worker and the build can
reach (``graph.store.partitions``); the build only lists the inputs (names, paths, hashes:
``extract.listing``), bulk-loads the partitions' N-Quads and merges their votes and counts
(``StoreBuilder.add_partition``), in whatever order they finish. The tasks read and decode their own
documents (a row file is one task), and no record comes back to this process: only the names of the
inputs a worker could not read, and the unchanged rows of a row file, which the build reports and keeps.

- **Incremental**: a document whose content hash is that of the store *and* of a partition of the last
  build is kept, never sent to a worker. A partition of the last build all of whose documents are kept
  stays as it is; one with some documents changed or gone is rewritten by a task (the others copied from
  its files); the changed and new documents make new partitions. The store equals a fresh build.
- **Failures**: a task that a lost worker held is run again by Dask; its key names its documents, so it
  writes the same files, once. A build that stopped finds the partitions already written (same
  documents, same keys) and loads them instead of extracting them again (``--force`` extracts anew).
- At the end, the graphs derived from all documents and a manifest naming every live file are written
  beside the partitions: the files an external store loads (``graph.store.loading``).
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.engines import PREFETCH
from extract.errors import ClaimgraphError
from extract.listing import RowFile
from extract.outcomes import Skipped, Unchanged
from graph.store.derived import DerivedGraphs
from graph.store.partitions import (
    Input,
    Location,
    Manifest,
    RowsRead,
    derived_name,
    json_name,
    nq_name,
    partition_key,
    read_manifest,
    read_partition,
    rewrite_partition,
    sorted_nquads,
    write_manifest,
    write_partition,
    write_row_partitions,
)
from graph.store.store import StoreBuilder, open_store
from graph.store.vocab import BUILD, DUPLICATES, ENTITIES, ONTOLOGY, node

DERIVED = (ENTITIES, DUPLICATES, BUILD, ONTOLOGY)
"""The graphs a build derives from all documents: in the derived file, not in any partition."""
RETRIES = 2
Builder = StoreBuilder | DerivedGraphs
"""What takes the partitions: the embedded store's builder, or the derived graphs alone."""
PARTITION_BATCHES = 8
"""Batches in a partition at most by default: 256 documents, about 250,000 quads and 20 s of a core."""
TASKS_PER_WORKER = 8
"""Partitions a worker gets at least by default, corpus permitting: when the last ones finish, the other
workers are short of work for a fraction of one, and the last load waits for a small partition."""
"""Times a task that raised is run again (a flaky object store); a lost worker's task is rerun by Dask."""


@dataclass
class ClusterReport:
    """Documents of the build that came from partitions an earlier build had written, not extracted."""

    resumed: int = 0
    rewritten: int = 0
    partitions: dict[str, list[tuple[str, str]]] = field(default_factory=dict)


class ClusterBuild:
    """One build's use of the cluster at ``scheduler`` and of the partitions at ``url``."""

    def __init__(
        self,
        scheduler: str,
        url: str,
        *,
        batch_size: int,
        partition_size: int | None,
        force: bool,
        max_bytes: int,
        fields: Mapping[str, str],
    ) -> None:
        if partition_size is not None and (partition_size < 1 or partition_size % batch_size):
            raise ClaimgraphError(
                f"--partition-size {partition_size}: give a multiple of --batch-size ({batch_size}), so "
                "partitions are cut where a local build cuts its batches"
            )
        try:
            from distributed import Client
        except ImportError:
            raise ClaimgraphError(
                "--engine dask needs dask.distributed: pip install 'claimgraph[dask]' (on the workers too)"
            ) from None
        self.location = Location(url)
        self.url = url
        self.batch_size = batch_size
        self.partition_size = partition_size
        self.force = force
        self.max_bytes = max_bytes
        self.fields = dict(fields)
        self.previous = None if force else read_manifest(self.location)
        self.report = ClusterReport()
        self._kept: dict[str, str | None] = {}
        try:
            self.client = Client(scheduler, timeout="30s", set_as_default=False)
        except (OSError, TimeoutError) as e:
            raise ClaimgraphError(f"cannot reach the Dask scheduler at {scheduler}: {e}") from e

    def close(self) -> None:
        self.client.close()

    def known(self, hashes: dict[str, str]) -> dict[str, str]:
        """Of the store's documents (name → SHA-256), those a partition of the last build holds as well:
        only they can be kept, since only their votes and counts can be read back."""
        if self.previous is None:
            return {}
        held = {name: sha for _, name, sha in self.previous.documents()}
        return {name: sha for name, sha in hashes.items() if held.get(name) == sha}

    def keep(self, name: str, source: str | None) -> None:
        """A document kept from the store: its partition stays (or is rewritten, when others of it went)."""
        self._kept[name] = source

    def extract(
        self, inputs: Iterable[Input | RowFile], builder: Builder, *, documents: int | None = None
    ) -> Iterator[int | Skipped | Unchanged]:
        """Read and extract ``inputs`` on the cluster, partition by partition, each loaded into ``builder``
        as it is written; yield the number of documents of each, and what the workers could not read or
        found unchanged (rows of a row file), for the build to report and keep. ``documents``: how many
        inputs the build lists (``None``: not known, rows), for the partitions' default size."""
        workers = max(1, sum(self.client.nthreads().values()))
        size = self.partition_size or default_partition_size(documents, workers, self.batch_size)
        pending = self._as_completed()
        for task in self._tasks(inputs, size):
            if isinstance(task, RowFile):
                pending.add(
                    self.client.submit(
                        write_row_partitions,
                        self.url,
                        task,
                        self.batch_size,
                        size,
                        self.max_bytes,
                        self.fields,
                        self.force,
                        pure=False,
                        retries=RETRIES,
                    )
                )
            else:
                key = partition_key(((i.name, i.sha256) for i in task), self.batch_size)
                if not self.force and self.location.exists(json_name(key)):
                    self.report.resumed += yield from self._load([key], builder)
                    continue
                pending.add(
                    self.client.submit(
                        write_partition,
                        self.url,
                        task,
                        self.batch_size,
                        self.max_bytes,
                        self.force,
                        key=f"claimgraph-partition-{key}",
                        retries=RETRIES,
                    )
                )
            while pending.count() >= workers * PREFETCH:
                yield from self._finished(next(pending), builder)
        for future in pending:
            yield from self._finished(future, builder)

    def _tasks(self, inputs: Iterable[Input | RowFile], size: int) -> Iterator[list[Input] | RowFile]:
        """Files and documents in runs of ``size``, each row file a task of its own."""
        run: list[Input] = []
        for item in inputs:
            if isinstance(item, RowFile):
                yield item
                continue
            run.append(item)
            if len(run) == size:
                yield run
                run = []
        if run:
            yield run

    def _finished(self, future: Any, builder: Builder) -> Iterator[int | Skipped | Unchanged]:
        done = _result(future)
        if isinstance(done, RowsRead):
            yield from done.unchanged
            yield from done.skipped
            yield from self._load(done.keys, builder)
        else:
            yield from self._load([done], builder)

    def carry_over(self, builder: Builder) -> None:
        """The last build's partitions: kept whole, rewritten without the documents that changed or went,
        or dropped; the kept documents' votes and counts counted in ``builder``."""
        if self.previous is None:
            return
        futures = []
        for key, documents in sorted(self.previous.partitions.items()):
            keep = {name: self._kept[name] for name, _ in documents if name in self._kept}
            if len(keep) == len(documents):
                parts = read_partition(self.location, key).documents
                if all(keep[p.name] in (None, p.source) for p in parts):
                    self._count(key, parts, builder)
                    continue
            if keep:
                self.report.rewritten += 1
                futures.append(
                    self.client.submit(
                        rewrite_partition, self.url, key, keep, self.batch_size, pure=False, retries=RETRIES
                    )
                )
        for future in self._as_completed(futures):
            key = _result(future)
            self._count(key, read_partition(self.location, key).documents, builder)

    def publish(self, store_path: Path | None, derived: DerivedGraphs | None = None) -> None:
        """Write the derived graphs of the store just published (or, without a store, of ``derived``) and
        the manifest naming every live file."""
        if store_path is not None:
            store = open_store(store_path)
            nquads = sorted_nquads(
                q for g in DERIVED for q in store.quads_for_pattern(None, None, None, node(g))
            )
            store.close()
        else:
            assert derived is not None, "a build without a store derives its graphs from the partitions"
            nquads = derived.nquads(self.location, self.report.partitions)
        manifest = Manifest(self.report.partitions, derived_name(nquads))
        write_manifest(self.location, manifest, nquads)

    def _load(self, keys: list[str], builder: Builder) -> Generator[int | Skipped, None, int]:
        """Load partitions ``keys``; yield what their tasks skipped and how many documents they hold,
        and return that number."""
        loaded = 0
        for key in keys:
            partition = read_partition(self.location, key)
            nquads = self.location.read(nq_name(key)) if builder.loads else None
            builder.add_partition(partition.documents, nquads)
            self.report.partitions[key] = [(p.name, p.sha256) for p in partition.documents]
            yield from partition.skipped
            loaded += len(partition.documents)
        yield loaded
        return loaded

    def _count(self, key: str, parts: list[Any], builder: Builder) -> None:
        for part in parts:
            builder.count(part)
        self.report.partitions[key] = [(p.name, p.sha256) for p in parts]

    def _as_completed(self, futures: list[Any] | None = None) -> Any:
        from distributed import as_completed

        return as_completed(futures or [], loop=self.client.loop)


def default_partition_size(documents: int | None, workers: int, batch_size: int) -> int:
    """Documents a partition holds by default: whole batches, few enough that each of ``workers`` gets
    ``TASKS_PER_WORKER`` partitions of ``documents``, at most ``PARTITION_BATCHES`` batches (and that when
    ``documents`` is not known: a JSON Lines or CSV input). The same corpus on the same cluster gives the
    same partitions, so an interrupted build finds those it wrote.

    >>> default_partition_size(1000, 2, 32), default_partition_size(10**6, 128, 32)
    (64, 256)
    >>> default_partition_size(40, 8, 32), default_partition_size(None, 2, 32)
    (32, 256)
    """
    most = PARTITION_BATCHES * batch_size
    if documents is None:
        return most
    batches = -(-documents // (workers * TASKS_PER_WORKER * batch_size))
    return batch_size * max(1, min(PARTITION_BATCHES, batches))


def _result(future: Any) -> Any:
    """What a task returned (a partition's key, a ``RowsRead``), or one line saying why the cluster could
    not run it."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as e:
        raise ClaimgraphError(
            f"Dask workers died running a partition ({e}): likely out of memory; nothing was published, and "
            "the partitions already written are reused by the next build"
        ) from None
