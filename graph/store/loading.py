"""A Dask build's partition files into an external SPARQL store, in bulk.

The files the last build's manifest names (``graph.store.partitions``: every partition's N-Quads, then
the derived graphs) are the whole graph, the same quads as the embedded store. Each is POSTed as
``application/n-quads`` to a dataset endpoint, which adds its quads, graphs and all:

- Oxigraph: ``http://HOST:7878/store?no_transaction`` (``no_transaction``: the server's bulk loader);
- Apache Jena Fuseki: ``http://HOST:3030/DATASET`` (the dataset's own URL takes quads).

This fills an empty store. To keep a store loaded once up to date with later builds, ``claimgraph push``
replaces graph by graph (or clear it and load again). Offline loaders read the same files:
``oxigraph load --location DIR --file FILES…`` and Jena's ``tdb2.tdbloader --loc DIR FILES…``
(``claimgraph load-into --list`` names them).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import requests

from extract.errors import ClaimgraphError
from graph.store.partitions import Location, Manifest, read_manifest

N_QUADS = "application/n-quads"


@dataclass
class LoadReport:
    """What a load sent: files and their bytes."""

    files: int = 0
    bytes: int = 0


def manifest_of(location: Location) -> Manifest:
    """The last build's manifest at ``location``, or one line saying there is none."""
    manifest = read_manifest(location)
    if manifest is None:
        raise ClaimgraphError(
            f"no partitions at {location.url}: build with `claimgraph build --engine dask --partitions "
            f"{location.url}` first"
        )
    return manifest


def file_urls(location: Location) -> list[str]:
    """The files of the last build, as URLs (local paths for a folder), in load order."""
    names = manifest_of(location).files()
    if "file" in location.fs.protocol:
        return [location.path(n) for n in names]
    return [location.fs.unstrip_protocol(location.path(n)) for n in names]


def load_into(
    location: Location,
    endpoint: str,
    *,
    timeout: float = 600.0,
    auth: tuple[str, str] | None = None,
    on_file: Callable[[str], None] | None = None,
) -> LoadReport:
    """POST every file of the last build at ``location`` to the dataset ``endpoint``; see the module text.

    Files are streamed from wherever they are (a folder, an object store), one request each.
    """
    report = LoadReport()
    with requests.Session() as session:
        session.auth = auth
        for name in manifest_of(location).files():
            with location.open(name) as body:
                try:
                    answer = session.post(
                        endpoint, data=body, headers={"Content-Type": N_QUADS}, timeout=timeout
                    )
                except requests.RequestException as e:
                    raise ClaimgraphError(f"cannot load {name} into {endpoint}: {e}") from e
                report.bytes += body.tell()
            if not answer.ok:
                said = " ".join(answer.text.split())[:200]
                raise ClaimgraphError(
                    f"{endpoint} refused {name}: HTTP {answer.status_code} {said}; the files before it are "
                    "loaded, load again into an empty store once fixed"
                )
            report.files += 1
            if on_file is not None:
                on_file(name)
    return report
