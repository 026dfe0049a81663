"""The main job: read documents, extract what is new or changed, and publish a new store.

Data flows one way: ``extract`` reads and extracts, the store builder writes RDF.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tqdm import tqdm

from extract.batching import DEFAULT_BATCH_SIZE
from extract.engines import ENGINES, default_workers, extract_local
from extract.errors import ClaimgraphError
from extract.ingest import DEFAULT_MAX_BYTES, Skipped, Unchanged, iter_sources, read_documents
from extract.listing import Listed, RowFile, list_inputs
from extract.records import Document, Extraction
from extract.rows import row_format
from graph.store.store import StoreBuilder

if TYPE_CHECKING:
    from graph.store.cluster import ClusterBuild  # Dask and fsspec: imported by Dask builds only
    from graph.store.derived import DerivedGraphs

_Read = Document | Listed | RowFile | Skipped | Unchanged
"""What reading or listing gives, or a Dask worker sends back."""


@dataclass
class BuildReport:
    """What a build did, for the CLI to print and turn into an exit code."""

    extracted: int = 0
    kept: int = 0
    removed: int = 0
    """Documents of the previous store that are no longer among the inputs, or no longer readable."""
    skipped: list[Skipped] = field(default_factory=list)
    resumed: int = 0
    """Of the extracted documents, those read from partitions an interrupted build had written."""


def build(
    paths: Sequence[str],
    store_path: Path,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    batch_size: int = DEFAULT_BATCH_SIZE,
    force: bool = False,
    stdin: BinaryIO | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    on_wait: Callable[[str], None] | None = None,
    progress: bool | None = None,
    workers: int | None = None,
    engine: str = "local",
    scheduler: str | None = None,
    fields: Mapping[str, str] | None = None,
    partitions: str | None = None,
    partition_size: int | None = None,
    partitions_only: bool = False,
) -> BuildReport:
    """Build the store at ``store_path`` from ``paths`` (files, folders, or ``-``).

    Documents whose content hash is unchanged since the last build are copied
    over, not extracted again (unless ``force``). Bad files are reported through
    ``on_skip`` and left out; the rest builds. The store is replaced atomically:
    if anything fails, the previous store stays as it was. While a writable server
    holds the store, the build waits, saying so through ``on_wait`` (without it,
    it is refused).

    Documents stream through in chunks of ``batch_size``: read here, extracted by ``engine`` (``local``:
    ``workers`` processes, default every core, written here in bulk; ``dask``: the cluster at
    ``scheduler``, which writes partitions of ``partition_size`` documents (default: enough partitions
    for each worker to get several, ``graph.store.cluster.default_partition_size``) at the URL ``partitions``
    (default: the store folder's ``partitions``) that are bulk-loaded here, ``graph.store.cluster``).
    Every engine gives the same store, byte for byte. ``fields`` names the fields of JSON Lines and CSV
    rows by role (``text=article_body``; ``extract.rows``). ``partitions_only`` (``dask``): write the
    partitions and the derived graphs for an external store's loader, no embedded store
    (``graph.store.derived``); every document is extracted, but for those in partitions already written.
    """
    if partitions_only and engine != "dask":
        raise ClaimgraphError("--partitions-only is for --engine dask: add it, or drop --partitions-only")
    cluster = _cluster(
        engine,
        scheduler,
        workers,
        partitions,
        partition_size,
        store_path,
        batch_size,
        force,
        max_bytes,
        fields,
    )
    try:
        if partitions_only:
            assert cluster is not None
            return _build_files(paths, cluster, max_bytes, stdin, on_skip, progress, fields)
        return _build(
            paths,
            store_path,
            cluster,
            max_bytes,
            batch_size,
            force,
            stdin,
            on_skip,
            on_wait,
            progress,
            None if cluster else _engine(engine, workers, scheduler, batch_size),
            fields,
        )
    finally:
        if cluster is not None:
            cluster.close()


def _build(
    paths: Sequence[str],
    store_path: Path,
    cluster: ClusterBuild | None,
    max_bytes: int,
    batch_size: int,
    force: bool,
    stdin: BinaryIO | None,
    on_skip: Callable[[Skipped], None] | None,
    on_wait: Callable[[str], None] | None,
    progress: bool | None,
    extract: Callable[[Iterator[Document]], Iterator[Extraction]] | None,
    fields: Mapping[str, str] | None,
) -> BuildReport:
    report = BuildReport()
    total = _total(paths)
    with StoreBuilder(
        store_path, inherit=not force, on_wait=on_wait, partitioned=cluster is not None
    ) as builder:
        previous = {} if force else builder.previous_hashes()
        if cluster is not None:
            previous = cluster.known(previous)
        bar = _bar(total, progress)
        intake = _Intake(report, builder, cluster, bar, on_skip)
        if cluster is not None:
            listed = list_inputs(paths, max_bytes=max_bytes, stdin=stdin, known=previous, fields=fields)
            _on_cluster(cluster, intake.fresh(listed), builder, intake, total)
        else:
            assert extract is not None
            items = read_documents(paths, max_bytes=max_bytes, stdin=stdin, known=previous, fields=fields)
            for extraction in extract(intake.fresh(items)):
                builder.add(extraction)
                report.extracted += 1
                bar.update()
        bar.close()
        if not report.extracted and not report.kept:
            raise ClaimgraphError("no readable document in " + ", ".join(paths) + ": nothing to build")
    report.removed = builder.stats.removed
    if cluster is not None:
        cluster.publish(store_path)
        report.resumed = cluster.report.resumed
    return report


def _build_files(
    paths: Sequence[str],
    cluster: ClusterBuild,
    max_bytes: int,
    stdin: BinaryIO | None,
    on_skip: Callable[[Skipped], None] | None,
    progress: bool | None,
    fields: Mapping[str, str] | None,
) -> BuildReport:
    """A Dask build's partitions and derived graphs, no store (``partitions_only``)."""
    from graph.store.derived import DerivedGraphs

    report = BuildReport()
    total = _total(paths)
    derived = DerivedGraphs()
    bar = _bar(total, progress)
    intake = _Intake(report, derived, cluster, bar, on_skip)
    listed = list_inputs(paths, max_bytes=max_bytes, stdin=stdin, fields=fields)
    _on_cluster(cluster, intake.fresh(listed), derived, intake, total)
    bar.close()
    if not report.extracted:
        raise ClaimgraphError("no readable document in " + ", ".join(paths) + ": nothing to build")
    cluster.publish(None, derived)
    report.resumed = cluster.report.resumed
    return report


def _total(paths: Sequence[str]) -> int | None:
    """The inputs ``paths`` name, for the progress bar and the partitions' size; ``None`` when a JSON
    Lines or CSV file holds an unknown number of documents."""
    sources = list(iter_sources(paths))
    return None if any(row_format(s.name) for s in sources) else len(sources)


def _bar(total: int | None, progress: bool | None) -> tqdm:
    return tqdm(
        total=total,
        unit="doc",
        desc="build",
        disable=None if progress is None else not progress,
        file=sys.stderr,
    )


def _on_cluster(
    cluster: ClusterBuild,
    items: Iterator[Document | Listed | RowFile],
    builder: StoreBuilder | DerivedGraphs,
    intake: _Intake,
    total: int | None,
) -> None:
    """Extract ``items`` on the cluster into ``builder``, then take the last build's partitions over (a
    builder without a store keeps none of them)."""
    for event in cluster.extract(items, builder, documents=total):
        if isinstance(event, int):
            intake.report.extracted += event
            intake.bar.update(event)
        else:
            intake.take(event)
    cluster.carry_over(builder)


def _cluster(
    engine: str,
    scheduler: str | None,
    workers: int | None,
    partitions: str | None,
    partition_size: int | None,
    store_path: Path,
    batch_size: int,
    force: bool,
    max_bytes: int,
    fields: Mapping[str, str] | None,
) -> ClusterBuild | None:
    """The Dask cluster of an ``--engine dask`` build (``None`` for another engine), its options checked."""
    if engine != "dask":
        if partitions is not None or partition_size is not None:
            raise ClaimgraphError(
                "--partitions and --partition-size are for --engine dask: add it, or drop them"
            )
        return None
    if not scheduler:
        raise ClaimgraphError("--engine dask needs --scheduler ADDRESS (tcp://HOST:8786)")
    if workers is not None:
        raise ClaimgraphError("--workers is for --engine local: the Dask cluster has its own workers")
    from graph.store.cluster import ClusterBuild

    return ClusterBuild(
        scheduler,
        partitions or str((store_path / "partitions").resolve()),
        batch_size=batch_size,
        partition_size=partition_size,
        force=force,
        max_bytes=max_bytes,
        fields=fields or {},
    )


def _engine(
    engine: str, workers: int | None, scheduler: str | None, batch_size: int
) -> Callable[[Iterator[Document]], Iterator[Extraction]]:
    """The extraction function of ``engine``, its options checked before anything is read."""
    if engine == "local":
        if scheduler is not None:
            raise ClaimgraphError("--scheduler is for --engine dask: drop it, or add --engine dask")
        n = default_workers() if workers is None else workers
        if n < 1:
            raise ClaimgraphError(f"--workers {n}: give at least 1")
        return lambda documents: extract_local(documents, workers=n, batch_size=batch_size)
    raise ClaimgraphError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")


class _Intake:
    """Sorts what reading gives: bad inputs reported, unchanged ones kept, a second input of a name
    refused, the rest (``fresh``) to extract. A Dask build's workers send theirs here too."""

    def __init__(
        self,
        report: BuildReport,
        builder: StoreBuilder | DerivedGraphs,
        cluster: ClusterBuild | None,
        bar: tqdm,
        on_skip: Callable[[Skipped], None] | None,
    ) -> None:
        self.report, self.builder, self.cluster, self.bar, self.on_skip = (
            report,
            builder,
            cluster,
            bar,
            on_skip,
        )
        self.seen: dict[str, str] = {}

    def fresh(self, items: Iterable[_Read]) -> Iterator[Document | Listed | RowFile]:
        """The items to extract, the others taken in on the way."""
        for item in items:
            if isinstance(item, Skipped | Unchanged) or item.name in self.seen:
                self.take(item)
            else:
                self.seen[item.name] = item.shown if isinstance(item, RowFile) else item.source
                yield item

    def take(self, item: _Read) -> None:
        """Report a bad or doubled input, or keep an unchanged one."""
        if isinstance(item, Skipped):
            self._skip(item)
        elif item.name in self.seen:
            self._skip(Skipped(item.name, f"same name as {self.seen[item.name]}: rename one"))
        elif isinstance(item, Unchanged):
            assert isinstance(self.builder, StoreBuilder), "without a store, no document is unchanged"
            self.seen[item.name] = item.source
            self.builder.keep(item.name, item.source)
            if self.cluster is not None:
                self.cluster.keep(item.name, item.source)
            self.report.kept += 1
            self.bar.update()

    def _skip(self, item: Skipped) -> None:
        self.report.skipped.append(item)
        if self.on_skip is not None:
            self.on_skip(item)
        self.bar.update()
