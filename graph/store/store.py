"""The embedded store on disk (pyoxigraph), rebuilt atomically.

Layout of a store folder (default ``./.claimgraph``)::

    current -> store-3     symlink to the store that readers open
    store-3/               a pyoxigraph (RocksDB) store, never written again once published
    .stores                the store folders claimgraph made here and has not removed yet (JSON)
    .lock                  held by the one build (or ``serve --allow-update``) that may write

A build writes a brand-new ``store-<n>`` next to the current one (``n`` above every ``store-*`` name in
the folder, so it never reuses a name), then points ``current`` at it with one ``os.replace`` of a
temporary symlink. Readers therefore see either the old or the new store, never a half-built one, and a
build that fails leaves the previous store as it was.

Nothing is removed that claimgraph cannot prove it made: a store folder's name is written to ``.stores``
before the folder is made, and only folders listed there are ever removed (the user's own ``store-photos``
is safe). A reader pins the store it opens with a shared ``flock`` on its folder for as long as it has it
open (``OpenedStore``); a build removes an old store only when it can take that lock exclusively, so a
reader is never pulled out from under, and a store still pinned is removed by a later build.

An update costs what changed. The new store starts as a RocksDB checkpoint of the current one
(``Store.backup``: hard links to its immutable files, instant whatever the size); the graphs of changed
and removed documents are dropped from it, new ones bulk-loaded, the build and ontology graphs written
anew, and in the entities graph only the entities that added, changed or removed documents refer to are
described and counted (``graph.store.statistics``) again. Unchanged documents' graphs are never read: what an
affected entity's description needs of them (how many refer to it) is one indexed query
(``ENTITY_LINKS``). A build that keeps nothing (``--force``, or no current store) starts from an empty
store.

A Dask build (``partitioned``) brings its documents as partitions (``graph.store.partitions``): their
graphs are bulk-loaded from N-Quads files, and the entities graph and the statistics are made whole from
the votes and counts every live partition carries, so the store equals a fresh build of the same
documents, whatever was kept.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import weakref
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from extract.errors import ClaimgraphError
from extract.records import Extraction
from graph.store.bulk import BulkLoader
from graph.store.duplicates import Duplicates
from graph.store.rdf import (
    ENTITY_LINKS,
    EntityDescriptions,
    build_quads,
    build_time,
    extraction_quads,
    ontology_graph_quads,
    referenced_entities,
    time_literal,
    tool_version,
)
from graph.store.statistics import COUNTS, Tally, statistics_quads, tallied_statistics_quads
from graph.store.vocab import (
    BUILD,
    CG,
    ENTITIES,
    ONTOLOGY,
    doc_iri,
    extraction_iri,
    node,
    prefixes,
    software_iri,
)

if TYPE_CHECKING:
    from graph.store.partitions import PartDocument  # fsspec: imported by Dask builds only

CURRENT = "current"
MADE = ".stores"
"""The store folders a build made here and no build has removed yet: the only ones ever removed."""
_STORE_NAME = re.compile(r"store-(\d+)")
_OPEN_ATTEMPTS = 20
BATCH = 200_000
"""Quads buffered before one bulk load: few large writes instead of many small ones."""

# Variables given through `substitutions` must be projected (pyoxigraph), hence ?agent, ?g and ?build.
_PREVIOUS = """
SELECT ?name ?sha ?source ?agent WHERE {
  GRAPH ?g {
    ?activity prov:wasAssociatedWith ?agent ; prov:used ?g .
    ?g a cg:Document ; cg:fileName ?name ; cg:sha256 ?sha .
    OPTIONAL { ?g dcterms:source ?source }
  }
}"""

_EXTRACTION_TIMES = """
SELECT ?g ?activity ?time ?version ?build WHERE {
  GRAPH ?g { ?activity a cg:Extraction ; prov:wasAssociatedWith ?agent }
  GRAPH ?build { ?activity prov:startedAtTime ?time OPTIONAL { ?agent owl:versionInfo ?version } }
}"""

_CURRENT_FORM = f"ASK {{ GRAPH <{ENTITIES}> {{ ?entity cg:nameKey ?key ; cg:mentionCount ?mentions }} }}"

_DOCUMENT_GRAPHS = "SELECT ?g WHERE { GRAPH ?g { ?g a cg:Document } }"

# How many document graphs refer to ?entity, through the only properties that do (ENTITY_LINKS).
_REFERENCES = f"""
SELECT ?entity (COUNT(DISTINCT ?g) AS ?documents) WHERE {{
  GRAPH ?g {{ ?x {"|".join(f"<{p}>" for p in ENTITY_LINKS)} ?entity }}
}}
GROUP BY ?entity"""

REWRITE_SHARE = 0.1
"""Share of inherited documents replaced or removed past which the new store is compacted (``optimize``)."""


def store_path_default() -> Path:
    """The store folder: ``$CLAIMGRAPH_STORE``, else ``.claimgraph`` in the working directory."""
    return Path(os.environ.get("CLAIMGRAPH_STORE") or ".claimgraph")


def open_store(path: Path, *, read_only: bool = True) -> OpenedStore:
    """Open the current store under ``path``; read-only by default, so several readers can share it.

    The store is pinned while the returned object lives (see the module's docstring). If a build
    publishes a new store while this opens the old one, it opens the new one instead.
    """
    current = path / CURRENT
    for _ in range(_OPEN_ATTEMPTS):
        if not current.is_dir():
            raise ClaimgraphError(f"no store at {path}: run `claimgraph build DOCS` first")
        target = current.resolve()
        pin = _pin(target)
        if pin is None or current.resolve() != target:
            if pin is not None:
                os.close(pin)
            continue  # a build published another store meanwhile: open that one
        try:
            store = ox.Store.read_only(str(target)) if read_only else ox.Store(str(target))
        except (OSError, RuntimeError) as e:
            os.close(pin)
            raise ClaimgraphError(damaged(path, e)) from e
        return OpenedStore(store, target, pin)
    raise ClaimgraphError(f"the store at {path} changed {_OPEN_ATTEMPTS} times while opening it: try again")


def damaged(path: Path, error: BaseException) -> str:
    """The message for a store that RocksDB cannot read: what it said, and how to start over."""
    said = str(error).split("  ")[0].strip() or type(error).__name__
    return (
        f"the store at {path} cannot be read ({said}): rebuild it with `claimgraph build --force DOCS`, "
        "which makes a new store without reading this one"
    )


def _pin(folder: Path) -> int | None:
    """A shared lock on ``folder`` (``None`` if it is gone): no build removes it while the lock is held."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        return None
    fcntl.flock(fd, fcntl.LOCK_SH)  # waits only while a build removes it, an instant
    if not os.path.isdir(folder):
        os.close(fd)
        return None
    return fd


class OpenedStore:
    """A ``pyoxigraph.Store`` opened through ``current``, pinned while this object lives.

    Use it as the store itself: attributes, ``len``, iteration and ``in`` are the store's. The pin (a
    shared ``flock`` on the store's folder) is released when the object is collected, or by ``close``.
    """

    __slots__ = ("__weakref__", "_release", "folder", "store")

    def __init__(self, store: ox.Store, folder: Path, pin: int) -> None:
        self.store = store
        self.folder = folder
        self._release = weakref.finalize(self, os.close, pin)

    def close(self) -> None:
        """Let builds remove this store: drop the handle and the pin now rather than when collected."""
        self.store = None  # type: ignore[assignment]  # closes RocksDB before the pin goes
        self._release()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __len__(self) -> int:
        return len(self.store)

    def __iter__(self) -> Iterator[ox.Quad]:
        return iter(self.store)

    def __contains__(self, quad: object) -> bool:
        return quad in self.store

    def __bool__(self) -> bool:
        return bool(self.store)


@dataclass
class BuildStats:
    """What a build did: documents extracted anew, copied unchanged, and dropped from the previous store."""

    added: int = 0
    kept: int = 0
    removed: int = 0


class StoreBuilder:
    """Write a new store next to the current one and publish it on success.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp, StoreBuilder(Path(tmp)) as builder:
    ...     builder.previous_hashes()
    {}
    """

    loads = True
    """A Dask build hands this builder each partition's N-Quads, to load (``add_partition``)."""

    def __init__(
        self,
        path: Path,
        *,
        inherit: bool = True,
        on_wait: Callable[[str], None] | None = None,
        partitioned: bool = False,
    ) -> None:
        self.path = path
        self.inherit = inherit
        self.on_wait = on_wait
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
        self._inherited: set[str] | None = None  # document graphs of the checkpoint; None: an empty start
        self._kept: set[str] = set()
        self._previous_sources: dict[str, ox.Literal] = {}  # document name → where it was read from last time
        self._moved: dict[str, str] = {}  # kept graph → where it was read from, when not where it was before
        self._dropped: set[str] = set()
        self._unkept: Counter[str] = Counter()  # entity → inherited documents not kept that refer to it
        self._buildable = False  # the current store has an entities graph of today's form
        self._hashes: dict[str, str] = {}  # document name → sha256 in the current store
        self._duplicates = Duplicates(path)  # the duplicates graph, recomputed at publication
        self._tally = Tally() if partitioned else None  # every live document's counts, from partitions
        self._bulk: BulkLoader | None = None  # the partitions' loads, beside the build

    def __enter__(self) -> StoreBuilder:
        self._lock = take_write_lock(self.path, "build", self.on_wait)
        try:
            current = self._current_dir()
            collect(self.path, keep=current)
            if current is not None and self.inherit:
                try:
                    self._old = ox.Store.read_only(str(current))
                    self._buildable = _can_build_on(self._old)
                except (OSError, RuntimeError) as e:
                    raise ClaimgraphError(damaged(self.path, e)) from e
            self._new_dir = self.path / _new_name(self.path)
            with self._writing():
                _record_made(self.path, add=self._new_dir.name)
                if self._buildable:
                    assert self._old is not None
                    self._old.backup(str(self._new_dir))
                    rows = self._old.query(_DOCUMENT_GRAPHS, prefixes=prefixes())
                    self._inherited = {row["g"].value for row in rows}
                self._new = ox.Store(str(self._new_dir))
                if self._tally is not None:
                    self._bulk = BulkLoader(self._new)
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
            with self._writing():
                self._publish()
        except BaseException:
            self._abort()
            raise

    def previous_hashes(self) -> dict[str, str]:
        """Document name → sha256 in the current store, for documents extracted by this claimgraph version.

        Documents extracted by another version are left out, so that an upgrade re-extracts them; so are
        all documents of a store from before the entities graph (whose document graphs describe entities)
        or before its statistics and name keys.
        """
        if not self._buildable:
            return {}
        assert self._old is not None
        rows = self._old.query(
            _PREVIOUS,
            prefixes=prefixes(),
            substitutions={ox.Variable("agent"): ox.NamedNode(software_iri(tool_version()))},
        )
        hashes = {}
        for row in rows:
            hashes[row["name"].value] = row["sha"].value
            if row["source"] is not None:
                self._previous_sources[row["name"].value] = row["source"]
        self._hashes = hashes
        return hashes

    def keep(self, name: str, source: str | None = None) -> None:
        """Keep a document's graph from the current store unchanged, instead of extracting it again.

        The entities it refers to count in the new entities graph with their description in the current
        one (``EntityDescriptions``); its extraction keeps its time and software agent. Nothing is read or
        written now: the graph is already in the checkpoint, and the rest is counted at publication. Only
        where it was read from (``source``, when given) is written anew if it moved, as a fresh build
        would write it.
        """
        graph = str(doc_iri(name))
        if self._old is None or not self._old.contains_named_graph(ox.NamedNode(graph)):
            raise ClaimgraphError(f"cannot keep {name!r}: it is not in the current store; extract it instead")
        if not self._buildable:
            raise ClaimgraphError(
                f"cannot keep {name!r}: the current store predates the entities graph; extract it instead"
            )
        if self._inherited is None:
            raise ClaimgraphError(f"cannot keep {name!r}: this build starts from an empty store (--force)")
        if graph in self._kept or graph in self._dropped:
            raise ClaimgraphError(f"{name!r} is in this build twice: rename one")
        self._kept.add(graph)
        self._duplicates.keep(name, self._hashes.get(name))
        if source is not None:
            old = self._previous_sources.get(name)
            if old is None or old.value != source:
                self._moved[graph] = source
        self.stats.kept += 1

    def add(self, x: Extraction) -> None:
        """Write one document's extraction as its own graph; its entities count in the entities graph."""
        graph = str(doc_iri(x.document.name))
        if self._inherited is not None and graph in self._inherited:
            if graph in self._kept or graph in self._dropped:
                raise ClaimgraphError(f"{x.document.name!r} is in this build twice: rename one")
            assert self._new is not None
            self._unkept.update(referenced_entities(self._graph_quads(graph)))
            self._new.remove_graph(ox.NamedNode(graph))  # before its new quads are loaded
            self._dropped.add(graph)
        quads = list(extraction_quads(x))
        self._entities.add(x.entities, referenced_entities(quads))
        self._duplicates.add(x)
        self._write(quads)
        self._extraction_times[extraction_iri(x.document.name, x.document.sha256, tool_version())] = (
            self._started
        )
        self.stats.added += 1

    def add_partition(self, documents: list[PartDocument], nquads: bytes | None) -> None:
        """Documents extracted elsewhere (a partition): their graphs bulk-loaded from ``nquads`` (with other
        partitions', beside this thread: ``graph.store.bulk``), their votes, counts and duplicate profiles
        merged."""
        assert self._new is not None and self._bulk is not None, "a partitioned StoreBuilder, entered"
        assert nquads is not None, "the partition's quads, which this builder loads"
        for d in documents:
            graph = str(doc_iri(d.name))
            if self._inherited is not None and graph in self._inherited:
                if graph in self._kept or graph in self._dropped:
                    raise ClaimgraphError(f"{d.name!r} is in this build twice: rename one")
                with self._writing():
                    self._bulk.finish()  # no graph is removed while a bulk load writes
                self._new.remove_graph(ox.NamedNode(graph))  # before its new quads are loaded
                self._dropped.add(graph)
            self.count(d)
            self._extraction_times[extraction_iri(d.name, d.sha256, tool_version())] = self._started
            self.stats.added += 1
        with self._writing():
            self._bulk.add(nquads)

    def count(self, d: PartDocument) -> None:
        """A document's votes, counts and profile, from its partition; all that a kept one adds."""
        assert self._tally is not None, "a partitioned StoreBuilder"
        self._entities.add_votes(d.votes)
        self._tally.merge(d.tally)
        self._duplicates.add_profile(d.name, d.sha256, d.profile)

    def _write(self, quads: Iterable[ox.Quad]) -> None:
        self._pending.extend(quads)
        if len(self._pending) >= BATCH:
            self._flush()

    def _flush(self) -> None:
        assert self._new is not None, "StoreBuilder must be used as a context manager"
        with self._writing():
            self._new.bulk_extend(self._pending)
        self._pending = []

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Turn a failed write (a full disk, a lost folder) into one line; the build is then rolled back."""
        try:
            yield
        except OSError as e:
            said = str(e).split(": While")[0]
            raise ClaimgraphError(
                f"cannot write the new store in {self.path} ({said}): the build was rolled back and the "
                "current store is unchanged"
            ) from e

    def _inherit_kept(self, removed: set[str]) -> set[str]:
        """What the kept documents bring: their votes in the entities graph, their extraction times.

        Only entities that an added, changed or removed document refers to can change; every other one is
        referred to by kept documents alone, each voting for its current description, which therefore
        stays as it is. So only the affected entities are counted again: how many kept documents refer to
        each (one indexed query per entity, minus the documents not kept) weighs its current description.
        Returns the affected entities, whose descriptions ``_publish`` replaces.
        """
        assert self._old is not None
        for graph in removed:
            self._unkept.update(referenced_entities(self._graph_quads(graph)))
        affected = set(self._unkept) | self._entities.described()
        for entity in sorted(affected):
            term = ox.NamedNode(entity)
            rows = self._old.query(_REFERENCES, substitutions={ox.Variable("entity"): term})
            kept = sum(int(row["documents"].value) for row in rows) - self._unkept[entity]
            if kept > 0:
                description = self._old.quads_for_pattern(term, None, None, node(ENTITIES))
                self._entities.add_description(entity, description, kept)
        self._inherit_times()
        return affected

    def _inherit_times(self) -> None:
        """The kept documents' extraction times and the releases that extracted them, from the build graph."""
        assert self._old is not None
        rows = self._old.query(
            _EXTRACTION_TIMES, prefixes=prefixes(), substitutions={ox.Variable("build"): node(BUILD)}
        )
        for row in rows:
            if row["g"].value in self._kept:
                self._extraction_times[row["activity"].value] = row["time"]
                if row["version"] is not None:
                    self._releases.add(row["version"].value)

    def _move_sources(self) -> None:
        """Kept documents read from another path than last time: their ``dcterms:source`` says the new one."""
        assert self._new is not None
        for graph, source in sorted(self._moved.items()):
            iri = ox.NamedNode(graph)
            for old in list(self._new.quads_for_pattern(iri, node(DCTERMS.source), None, iri)):
                self._new.remove(old)
            self._new.add(ox.Quad(iri, node(DCTERMS.source), ox.Literal(source), iri))

    def _graph_quads(self, graph: str) -> list[ox.Quad]:
        assert self._old is not None
        return list(self._old.quads_for_pattern(None, None, None, ox.NamedNode(graph)))

    def _publish(self) -> None:
        """Finish the new store, close it, point ``current`` at it and drop the old one."""
        assert self._new is not None
        # A fresh store filled by the bulk loader is compacted as it is written (its files go straight to
        # RocksDB's last level): compacting it again took 1.9 s of a 1,000-document build's 55.
        rewritten = self._bulk is None
        if self._bulk is not None:
            self._bulk.finish()  # every partition loaded before anything is read or removed
            self._bulk = None  # it holds the store open: closing it below must close RocksDB
        if self._inherited is not None:
            removed = self._inherited - self._kept - self._dropped
            self.stats.removed = len(removed)
            if self._tally is None:
                affected = self._inherit_kept(removed)
            else:  # every entity described anew from the partitions' votes
                self._inherit_times()
                affected = set()
                if self._new.contains_named_graph(node(ENTITIES)):
                    self._new.remove_graph(node(ENTITIES))
            for graph in sorted(removed):
                self._new.remove_graph(ox.NamedNode(graph))
            for graph in (BUILD, ONTOLOGY):
                if self._new.contains_named_graph(node(graph)):
                    self._new.remove_graph(node(graph))
            for entity in sorted(affected):
                for q in list(self._new.quads_for_pattern(ox.NamedNode(entity), None, None, node(ENTITIES))):
                    self._new.remove(q)
            rewritten = len(removed) + len(self._dropped) > REWRITE_SHARE * len(self._inherited)
            self._move_sources()
        self._write(ontology_graph_quads())
        self._write(self._entities.quads())
        self._write(build_quads(self._started, self._extraction_times, self._releases))
        self._flush()
        # copies, and claims grouped into statements: derived from every document, counted below
        with self._writing():
            regrouped = self._duplicates.publish(self._new) - self._entities.described()
        for entity in sorted(regrouped):  # kept entities whose claims changed statement: counted again
            for prop in (*COUNTS, CG.madeClaimType):
                for q in list(
                    self._new.quads_for_pattern(ox.NamedNode(entity), node(prop), None, node(ENTITIES))
                ):
                    self._new.remove(q)
        # counted over the finished store: every document that refers to a described entity is in it
        described = self._entities.described() | regrouped
        if self._tally is not None:
            self._write(tallied_statistics_quads(self._new, self._tally, described))
        else:
            self._write(statistics_quads(self._new, described, everything=self._inherited is None))
        self._flush()
        assert self._new is not None and self._new_dir is not None
        self._new.add_graph(node(ENTITIES))  # even when empty: marks a store that has an entities graph
        self._new.flush()
        if rewritten:
            self._new.optimize()
        self._new = None  # closes the RocksDB instance before readers open it
        self._old = None
        tmp = self.path / f"{CURRENT}.tmp"
        if tmp.is_symlink():
            tmp.unlink()  # what a build killed at this very step left (we hold the lock)
        os.symlink(self._new_dir.name, tmp)
        os.replace(tmp, self.path / CURRENT)
        published, self._new_dir = self._new_dir, None  # from here on, failing must not remove it
        _fsync_dir(self.path)
        collect(self.path, keep=published)
        self._unlock()

    def _abort(self) -> None:
        """Drop the half-built store; the current one is untouched."""
        if self._bulk is not None:
            self._bulk.abandon()  # no load still writes in the folder about to be removed
            self._bulk = None
        self._new = None
        self._old = None
        self._pending = []
        if self._new_dir is not None and self._lock is not None:
            collect(self.path, keep=self._current_dir())
        self._new_dir = None
        self._unlock()

    def _unlock(self) -> None:
        if self._lock is not None:
            os.close(self._lock)  # releases the flock
            self._lock = None

    def _current_dir(self) -> Path | None:
        current = self.path / CURRENT
        return current.resolve() if current.is_dir() else None


def take_write_lock(path: Path, role: str, on_wait: Callable[[str], None] | None = None) -> int:
    """Hold the store folder's write lock (``.lock``) for a build or a writable server (``role``).

    Two builds do not wait for each other: the second is refused. A build waits for a server that
    holds the lock (``serve --allow-update``) if told how to say so (``on_wait``), and is refused if not.
    """
    try:
        path.mkdir(parents=True, exist_ok=True)
        fd = os.open(path / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as e:
        raise ClaimgraphError(f"cannot use {path} as a store folder: {e.strerror or e}") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 64, 0).decode("ascii", "replace").split()
        if role == "build" and holder[:1] == ["serve"] and on_wait is not None:
            on_wait(f"waiting for `claimgraph serve --allow-update` (pid {holder[1]}) on {path} to stop")
            fcntl.flock(fd, fcntl.LOCK_EX)
        else:
            os.close(fd)
            writer = "a server started with --allow-update" if holder[:1] == ["serve"] else "another build"
            raise ClaimgraphError(f"{writer} is writing the store at {path}: wait for it to finish") from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{role} {os.getpid()}\n".encode("ascii"), 0)
    return fd


def collect(path: Path, *, keep: Path | None) -> None:
    """Remove the store folders claimgraph made under ``path``, but ``keep`` and those a reader pins.

    Call with the write lock held. Only names recorded in ``.stores`` are candidates.
    """
    remaining = []
    for name in _made(path):
        folder = path / name
        if keep is not None and folder.resolve() == keep.resolve():
            remaining.append(name)
            continue
        try:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
        except (FileNotFoundError, NotADirectoryError):
            continue  # gone already
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            remaining.append(name)  # a reader has it open: a later build removes it
        else:
            shutil.rmtree(folder, ignore_errors=True)
            if folder.exists():
                remaining.append(name)
        finally:
            os.close(fd)
    _write_made(path, remaining)


def _made(path: Path) -> list[str]:
    """Store folder names recorded in ``.stores``; a store from before that file: the current one."""
    try:
        names = json.loads((path / MADE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        current = path / CURRENT
        names = (
            [current.resolve().name]
            if current.is_dir() and current.resolve().parent == path.resolve()
            else []
        )
    except (OSError, ValueError):
        names = []  # unreadable: remove nothing
    return [n for n in names if isinstance(n, str) and _STORE_NAME.fullmatch(n)]


def _record_made(path: Path, *, add: str) -> None:
    """Record ``add`` as made here, durably, before the folder itself is made."""
    _write_made(path, [*_made(path), add])


def _write_made(path: Path, names: list[str]) -> None:
    tmp = path / f"{MADE}.tmp"
    with open(tmp, "w", encoding="utf-8") as out:
        json.dump(sorted(set(names), key=_number), out)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path / MADE)
    _fsync_dir(path)


def _new_name(path: Path) -> str:
    """``store-<n>``, ``n`` above every store name in the folder, recorded or not: never a name in use."""
    names = [p.name for p in path.iterdir()] + _made(path)
    current = path / CURRENT
    if current.is_symlink():
        names.append(Path(os.readlink(current)).name)
    return f"store-{max((_number(n) for n in names), default=0) + 1}"


def _can_build_on(store: ox.Store) -> bool:
    """Whether a build can start from ``store``: its entities graph is of today's form (with statistics
    and name keys), or empty. Stores from before either are extracted again, whole."""
    if not store.contains_named_graph(node(ENTITIES)):
        return False
    empty = next(iter(store.quads_for_pattern(None, None, None, node(ENTITIES))), None) is None
    return empty or bool(store.query(_CURRENT_FORM, prefixes=prefixes()))


def _number(name: str) -> int:
    """The ``n`` of ``store-<n>``; 0 for any other name.

    >>> _number("store-12"), _number("store-photos"), _number("current")
    (12, 0, 0)
    """
    match = _STORE_NAME.fullmatch(name)
    return int(match.group(1)) if match else 0


def _fsync_dir(path: Path) -> None:
    """Make the symlink swap durable, not only atomic."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
