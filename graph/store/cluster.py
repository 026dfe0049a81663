"""``--engine dask``: extraction where the workers are, partitions at a shared location, a bulk-loaded store.

Each Dask task extracts a partition of documents and writes it where every worker and the build can
reach (``graph.store.partitions``); the build only bulk-loads the partitions' N-Quads and merges their
votes and counts (``StoreBuilder.add_partition``), in whatever order they finish. No record comes back
to this process, so the cluster is not held to the pace of one writer.

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

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extract.engines import PREFETCH, chunks
from extract.errors import ClaimgraphError
from extract.records import Document
from graph.store.partitions import (
    Location,
    Manifest,
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
)
from graph.store.store import StoreBuilder, open_store
from graph.store.vocab import BUILD, DUPLICATES, ENTITIES, ONTOLOGY, node

DERIVED = (ENTITIES, DUPLICATES, BUILD, ONTOLOGY)
"""The graphs a build derives from all documents: in the derived file, not in any partition."""
RETRIES = 2
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
        self, scheduler: str, url: str, *, batch_size: int, partition_size: int, force: bool
    ) -> None:
        if partition_size < 1 or partition_size % batch_size:
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

    def extract(self, documents: Iterable[Document], builder: StoreBuilder) -> Iterator[int]:
        """Extract ``documents`` on the cluster, partition by partition, each loaded into ``builder`` as it
        is written; yield the number of documents of each."""
        workers = max(1, sum(self.client.nthreads().values()))
        pending = self._as_completed()
        for chunk in chunks(documents, self.partition_size):
            key = partition_key(((d.name, d.sha256) for d in chunk), self.batch_size)
            if not self.force and self.location.exists(json_name(key)):
                self.report.resumed += len(chunk)
                yield self._load(key, builder)
                continue
            pending.add(
                self.client.submit(
                    write_partition,
                    self.url,
                    chunk,
                    self.batch_size,
                    self.force,
                    key=f"claimgraph-partition-{key}",
                    retries=RETRIES,
                )
            )
            while pending.count() >= workers * PREFETCH:
                yield self._load(_result(next(pending)), builder)
        for future in pending:
            yield self._load(_result(future), builder)

    def carry_over(self, builder: StoreBuilder) -> None:
        """The last build's partitions: kept whole, rewritten without the documents that changed or went,
        or dropped; the kept documents' votes and counts counted in ``builder``."""
        if self.previous is None:
            return
        futures = []
        for key, documents in sorted(self.previous.partitions.items()):
            keep = {name: self._kept[name] for name, _ in documents if name in self._kept}
            if len(keep) == len(documents):
                parts = read_partition(self.location, key)
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
            self._count(key, read_partition(self.location, key), builder)

    def publish(self, store_path: Path) -> None:
        """Write the derived graphs of the store just published and the manifest naming every live file."""
        store = open_store(store_path)
        derived = sorted_nquads(
            q for g in DERIVED for q in store.quads_for_pattern(None, None, None, node(g))
        )
        store.close()
        manifest = Manifest(self.report.partitions, derived_name(derived))
        write_manifest(self.location, manifest, derived)

    def _load(self, key: str, builder: StoreBuilder) -> int:
        parts = read_partition(self.location, key)
        with self.location.open(nq_name(key)) as nquads:
            builder.add_partition(parts, nquads)
        self.report.partitions[key] = [(p.name, p.sha256) for p in parts]
        return len(parts)

    def _count(self, key: str, parts: list[Any], builder: StoreBuilder) -> None:
        for part in parts:
            builder.count(part)
        self.report.partitions[key] = [(p.name, p.sha256) for p in parts]

    def _as_completed(self, futures: list[Any] | None = None) -> Any:
        from distributed import as_completed

        return as_completed(futures or [], loop=self.client.loop)


def _result(future: Any) -> str:
    """A task's key, or one line saying why the cluster could not run it."""
    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as e:
        raise ClaimgraphError(
            f"Dask workers died running a partition ({e}): likely out of memory; nothing was published, and "
            "the partitions already written are reused by the next build"
        ) from None
