"""The main job: read documents, extract what is new or changed, and publish a new store.

Data flows one way: ``extract`` reads and extracts, the store builder writes RDF.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from extract.batching import DEFAULT_BATCH_SIZE
from extract.engines import ENGINES, default_workers, extract_dask, extract_local
from extract.errors import ClaimgraphError
from extract.ingest import DEFAULT_MAX_BYTES, Skipped, Unchanged, iter_sources, read_documents
from extract.records import Document, Extraction
from extract.rows import row_format
from graph.store.store import StoreBuilder


@dataclass
class BuildReport:
    """What a build did, for the CLI to print and turn into an exit code."""

    extracted: int = 0
    kept: int = 0
    removed: int = 0
    """Documents of the previous store that are no longer among the inputs, or no longer readable."""
    skipped: list[Skipped] = field(default_factory=list)


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
) -> BuildReport:
    """Build the store at ``store_path`` from ``paths`` (files, folders, or ``-``).

    Documents whose content hash is unchanged since the last build are copied
    over, not extracted again (unless ``force``). Bad files are reported through
    ``on_skip`` and left out; the rest builds. The store is replaced atomically:
    if anything fails, the previous store stays as it was. While a writable server
    holds the store, the build waits, saying so through ``on_wait`` (without it,
    it is refused).

    Documents stream through in chunks of ``batch_size``: read here, extracted by ``engine`` (``local``:
    ``workers`` processes, default every core; ``dask``: the cluster at ``scheduler``), written here in
    bulk. Every engine gives the same store, byte for byte (``extract.engines``). ``fields`` names the
    fields of JSON Lines and CSV rows by role (``text=article_body``; ``extract.rows``).
    """
    extract = _engine(engine, workers, scheduler, batch_size)
    report = BuildReport()
    sources = list(iter_sources(paths))
    # a JSON Lines or CSV file holds an unknown number of documents: the bar then counts without a total
    total = None if any(row_format(s.name) for s in sources) else len(sources)
    with StoreBuilder(store_path, inherit=not force, on_wait=on_wait) as builder:
        previous = {} if force else builder.previous_hashes()
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
                    report.kept += 1
                    bar.update()
                else:
                    seen[item.name] = item.source
                    yield item

        for extraction in extract(fresh()):
            builder.add(extraction)
            report.extracted += 1
            bar.update()
        bar.close()
        if not seen:
            raise ClaimgraphError("no readable document in " + ", ".join(paths) + ": nothing to build")
    report.removed = builder.stats.removed
    return report


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
    if engine == "dask":
        if not scheduler:
            raise ClaimgraphError("--engine dask needs --scheduler ADDRESS (tcp://HOST:8786)")
        if workers is not None:
            raise ClaimgraphError("--workers is for --engine local: the Dask cluster has its own workers")
        return lambda documents: extract_dask(documents, scheduler=scheduler, batch_size=batch_size)
    raise ClaimgraphError(f"unknown engine {engine!r}: use one of {', '.join(ENGINES)}")


def _skip(report: BuildReport, item: Skipped, on_skip: Callable[[Skipped], None] | None) -> None:
    report.skipped.append(item)
    if on_skip is not None:
        on_skip(item)
