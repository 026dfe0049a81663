"""The main job: read documents, extract what is new or changed, and publish a new store.

Data flows one way: ``extract`` reads and extracts, the store builder writes RDF.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from tqdm import tqdm

from extract.errors import ClaimgraphError
from extract.ingest import DEFAULT_MAX_BYTES, Skipped, iter_sources, read_documents
from extract.pipeline import DEFAULT_BATCH_SIZE, extract_documents
from extract.records import Document
from graph.store import StoreBuilder


@dataclass
class BuildReport:
    """What a build did, for the CLI to print and turn into an exit code."""

    extracted: int = 0
    kept: int = 0
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
    progress: bool | None = None,
) -> BuildReport:
    """Build the store at ``store_path`` from ``paths`` (files, folders, or ``-``).

    Documents whose content hash is unchanged since the last build are copied
    over, not extracted again (unless ``force``). Bad files are reported through
    ``on_skip`` and left out; the rest builds. The store is replaced atomically:
    if anything fails, the previous store stays as it was.
    """
    report = BuildReport()
    total = len(list(iter_sources(paths)))
    with StoreBuilder(store_path) as builder:
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
            for item in read_documents(paths, max_bytes=max_bytes, stdin=stdin):
                if isinstance(item, Skipped):
                    _skip(report, item, on_skip)
                    bar.update()
                elif item.name in seen:
                    _skip(report, Skipped(item.name, f"same name as {seen[item.name]}: rename one"), on_skip)
                    bar.update()
                elif previous.get(item.name) == item.sha256:
                    seen[item.name] = item.source
                    builder.keep(item.name)
                    report.kept += 1
                    bar.update()
                else:
                    seen[item.name] = item.source
                    yield item

        for extraction in extract_documents(fresh(), batch_size=batch_size):
            builder.add(extraction)
            report.extracted += 1
            bar.update()
        bar.close()
        if not seen:
            raise ClaimgraphError("no readable document in " + ", ".join(paths) + ": nothing to build")
    return report


def _skip(report: BuildReport, item: Skipped, on_skip: Callable[[Skipped], None] | None) -> None:
    report.skipped.append(item)
    if on_skip is not None:
        on_skip(item)
