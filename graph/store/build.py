"""The main job: read documents, extract what is new or changed, and publish a new store.

Data flows one way: ``extract`` reads and extracts, the store builder writes RDF.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from tqdm import tqdm

from extract.batching import DEFAULT_BATCH_SIZE
from extract.engines import ENGINES, default_workers, extract_local
from extract.errors import ClaimgraphError
from extract.ingest import DEFAULT_MAX_BYTES, Skipped, Unchanged, iter_sources, read_documents
from extract.records import Document, Extraction
from extract.rows import row_format
from graph.store.store import StoreBuilder

if TYPE_CHECKING:
    from graph.store.cluster import ClusterBuild  # Dask and fsspec: imported by Dask builds only

PARTITION_BATCHES = 8
"""Batches per partition of a Dask build by default: 256 documents, about 130,000 quads and 10 s of a core."""


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
    ``scheduler``, which writes partitions of ``partition_size`` documents at the URL ``partitions``
    (default: the store folder's ``partitions``) that are bulk-loaded here, ``graph.store.cluster``).
    Every engine gives the same store, byte for byte. ``fields`` names the fields of JSON Lines and CSV
    rows by role (``text=article_body``; ``extract.rows``).
    """
    cluster = _cluster(engine, scheduler, workers, partitions, partition_size, store_path, batch_size, force)
    try:
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
    sources = list(iter_sources(paths))
    # a JSON Lines or CSV file holds an unknown number of documents: the bar then counts without a total
    total = None if any(row_format(s.name) for s in sources) else len(sources)
    with StoreBuilder(
        store_path, inherit=not force, on_wait=on_wait, partitioned=cluster is not None
    ) as builder:
        previous = {} if force else builder.previous_hashes()
        if cluster is not None:
            previous = cluster.known(previous)
        seen: dict[str, str] = {}
        bar = tqdm(
            total=total,
            unit="doc",
            desc="build",
            disable=None if progress is None else not progress,
            file=sys.stderr,
        )

        def fresh() -> Iterator[Document]:
            items = read_documents(paths, max_bytes=max_bytes, stdin=stdin, known=previous, fields=fields)
            for item in items:
                if isinstance(item, Skipped):
                    _skip(report, item, on_skip)
                    bar.update()
                elif item.name in seen:
                    _skip(report, Skipped(item.name, f"same name as {seen[item.name]}: rename one"), on_skip)
                    bar.update()
                elif isinstance(item, Unchanged):
                    seen[item.name] = item.source
                    builder.keep(item.name, item.source)
                    if cluster is not None:
                        cluster.keep(item.name, item.source)
                    report.kept += 1
                    bar.update()
                else:
                    seen[item.name] = item.source
                    yield item

        if cluster is not None:
            for n in cluster.extract(fresh(), builder):
                report.extracted += n
                bar.update(n)
            cluster.carry_over(builder)
        else:
            assert extract is not None
            for extraction in extract(fresh()):
                builder.add(extraction)
                report.extracted += 1
                bar.update()
        bar.close()
        if not seen:
            raise ClaimgraphError("no readable document in " + ", ".join(paths) + ": nothing to build")
    report.removed = builder.stats.removed
    if cluster is not None:
        cluster.publish(store_path)
        report.resumed = cluster.report.resumed
    return report


def _cluster(
    engine: str,
    scheduler: str | None,
    workers: int | None,
    partitions: str | None,
    partition_size: int | None,
    store_path: Path,
    batch_size: int,
    force: bool,
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
        partition_size=partition_size or PARTITION_BATCHES * batch_size,
        force=force,
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


def _skip(report: BuildReport, item: Skipped, on_skip: Callable[[Skipped], None] | None) -> None:
    report.skipped.append(item)
    if on_skip is not None:
        on_skip(item)
