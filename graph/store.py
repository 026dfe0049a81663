"""The embedded store on disk (pyoxigraph), rebuilt atomically.

Layout of a store folder (default ``./.claimgraph``)::

    current -> store-3     symlink to the store that readers open
    store-3/               a pyoxigraph (RocksDB) store, never written again once published
    .lock                  held by the one build that may run at a time

A build writes a brand-new ``store-<n+1>`` next to the current one (copying unchanged documents'
graphs from it, and merging the entities graph anew: ``graph.rdf.EntityDescriptions``), then points
``current`` at it with one ``os.replace`` of a temporary symlink and removes the old folder. Readers
therefore see either the old or the new store, never a half-built one, and a build that fails leaves
the previous store as it was.
"""

from __future__ import annotations

import fcntl
import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyoxigraph as ox

from extract.errors import ClaimgraphError
from extract.records import Extraction
from graph.rdf import (
    EntityDescriptions,
    build_quads,
    build_time,
    extraction_quads,
    ontology_graph_quads,
    referenced_entities,
    time_literal,
    tool_version,
)
from graph.vocab import BUILD, ENTITIES, doc_iri, extraction_iri, node, prefixes, software_iri

CURRENT = "current"
BATCH = 200_000
"""Quads buffered before one bulk load: few large writes instead of many small ones."""

# Variables given through `substitutions` must be projected (pyoxigraph), hence ?agent, ?g and ?build.
_PREVIOUS = """
SELECT ?name ?sha ?agent WHERE {
  GRAPH ?g {
    ?g a cg:Document ; cg:fileName ?name ; cg:sha256 ?sha .
    ?activity prov:used ?g ; prov:wasAssociatedWith ?agent .
  }
}"""

_EXTRACTION_TIME = """
SELECT ?activity ?time ?version ?g ?build WHERE {
  GRAPH ?g { ?activity a cg:Extraction ; prov:wasAssociatedWith ?agent }
  GRAPH ?build { ?activity prov:startedAtTime ?time OPTIONAL { ?agent owl:versionInfo ?version } }
}"""


def store_path_default() -> Path:
    """The store folder: ``$CLAIMGRAPH_STORE``, else ``.claimgraph`` in the working directory."""
    return Path(os.environ.get("CLAIMGRAPH_STORE") or ".claimgraph")


def open_store(path: Path, *, read_only: bool = True) -> ox.Store:
    """Open the current store under ``path``; read-only by default, so several readers can share it."""
    current = path / CURRENT
    if not current.is_dir():
        raise ClaimgraphError(f"no store at {path}: run `claimgraph build DOCS` first")
    target = str(current.resolve())
    try:
        return ox.Store.read_only(target) if read_only else ox.Store(target)
    except OSError as e:
        raise ClaimgraphError(f"cannot open the store at {path}: {e}") from e


@dataclass
class BuildStats:
    """What a build did: documents extracted anew, and documents copied unchanged."""

    added: int = 0
    kept: int = 0


class StoreBuilder:
    """Write a new store next to the current one and publish it on success.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, StoreBuilder(Path(tmp)) as builder:
    ...     builder.previous_hashes()
    {}
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stats = BuildStats()
        self._lock: int | None = None
        self._old: ox.Store | None = None
        self._new: ox.Store | None = None
        self._new_dir: Path | None = None
        self._pending: list[ox.Quad] = []
        self._extraction_times: dict[str, ox.Literal] = {}
        self._releases: set[str] = set()
        self._entities = EntityDescriptions()
        self._started = time_literal(build_time())

    def __enter__(self) -> StoreBuilder:
        self.path.mkdir(parents=True, exist_ok=True)
        self._lock = os.open(self.path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._unlock()
            raise ClaimgraphError(
                f"another build is writing the store at {self.path}: wait for it to finish"
            ) from None
        try:
            current = self._current_dir()
            self._remove_stale(current)
            if current is not None:
                self._old = ox.Store.read_only(str(current))
            self._new_dir = self.path / f"store-{_number(current) + 1}"
            self._new = ox.Store(str(self._new_dir))
        except BaseException:
            self._abort()
            raise
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc_type is not None:
            self._abort()
            return
        try:
            self._publish()
        except BaseException:
            self._abort()
            raise

    def previous_hashes(self) -> dict[str, str]:
        """Document name → sha256 in the current store, for documents extracted by this claimgraph version.

        Documents extracted by another version are left out, so that an upgrade re-extracts them; so are
        all documents of a store from before the entities graph, whose document graphs describe entities.
        """
        if not self._has_entities_graph():
            return {}
        assert self._old is not None
        rows = self._old.query(
            _PREVIOUS,
            prefixes=prefixes(),
            substitutions={ox.Variable("agent"): ox.NamedNode(software_iri(tool_version()))},
        )
        return {row["name"].value: row["sha"].value for row in rows}

    def keep(self, name: str) -> None:
        """Copy a document's graph from the current store unchanged, instead of extracting it again.

        The entities it refers to count in the new entities graph with their description in the current
        one (``EntityDescriptions``); its extraction keeps its time and software agent.
        """
        graph = ox.NamedNode(doc_iri(name))
        if self._old is None or not self._old.contains_named_graph(graph):
            raise ClaimgraphError(f"cannot keep {name!r}: it is not in the current store; extract it instead")
        if not self._has_entities_graph():
            raise ClaimgraphError(
                f"cannot keep {name!r}: the current store predates the entities graph; extract it instead"
            )
        quads = list(self._old.quads_for_pattern(None, None, None, graph))
        for entity in sorted(referenced_entities(quads)):
            description = self._old.quads_for_pattern(ox.NamedNode(entity), None, None, node(ENTITIES))
            self._entities.add_description(entity, description)
        self._write(quads)
        rows = self._old.query(
            _EXTRACTION_TIME,
            prefixes=prefixes(),
            substitutions={ox.Variable("g"): graph, ox.Variable("build"): node(BUILD)},
        )
        for row in rows:
            self._extraction_times[row["activity"].value] = row["time"]
            if row["version"] is not None:
                self._releases.add(row["version"].value)
        self.stats.kept += 1

    def add(self, x: Extraction) -> None:
        """Write one document's extraction as its own graph; its entities count in the entities graph."""
        quads = list(extraction_quads(x))
        self._entities.add(x.entities, referenced_entities(quads))
        self._write(quads)
        self._extraction_times[extraction_iri(x.document.name, x.document.sha256, tool_version())] = (
            self._started
        )
        self.stats.added += 1

    def _has_entities_graph(self) -> bool:
        return self._old is not None and self._old.contains_named_graph(node(ENTITIES))

    def _write(self, quads: Iterable[ox.Quad]) -> None:
        self._pending.extend(quads)
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        assert self._new is not None, "StoreBuilder must be used as a context manager"
        self._new.bulk_extend(self._pending)
        self._pending = []

    def _publish(self) -> None:
        """Finish the new store, close it, point ``current`` at it and drop the old one."""
        self._write(ontology_graph_quads())
        self._write(self._entities.quads())
        self._write(build_quads(self._started, self._extraction_times, self._releases))
        self._flush()
        assert self._new is not None and self._new_dir is not None
        self._new.add_graph(node(ENTITIES))  # even when empty: marks a store that has an entities graph
        self._new.flush()
        self._new.optimize()
        self._new = None  # closes the RocksDB instance before readers open it
        self._old = None
        old = self._current_dir()
        tmp = self.path / f"{CURRENT}.tmp"
        os.symlink(self._new_dir.name, tmp)
        os.replace(tmp, self.path / CURRENT)
        self._new_dir = None  # published: from here on, failing must not remove it
        _fsync_dir(self.path)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
        self._unlock()

    def _abort(self) -> None:
        """Drop the half-built store; the current one is untouched."""
        self._new = None
        self._old = None
        self._pending = []
        if self._new_dir is not None:
            shutil.rmtree(self._new_dir, ignore_errors=True)
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    def _current_dir(self) -> Path | None:
        current = self.path / CURRENT
        return current.resolve() if current.is_dir() else None

    def _remove_stale(self, current: Path | None) -> None:
        """Remove what a killed build left behind (we hold the lock, so no build is running)."""
        for leftover in self.path.glob("store-*"):
            if leftover.resolve() != current:
                shutil.rmtree(leftover, ignore_errors=True)
        (self.path / f"{CURRENT}.tmp").unlink(missing_ok=True)


def _number(store_dir: Path | None) -> int:
    """The ``n`` of ``store-<n>``; 0 when there is no store yet."""
    return int(store_dir.name.removeprefix("store-")) if store_dir is not None else 0


def _fsync_dir(path: Path) -> None:
    """Make the symlink swap durable, not only atomic."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
