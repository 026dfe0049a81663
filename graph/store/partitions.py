"""Partitions: a Dask build's extraction, written where it ran as files any RDF store loads in bulk.

A partition is a run of documents extracted by one Dask task. The task writes, at the build's partition
location (any URL fsspec reaches: a folder, ``file://``, ``s3://``…)::

    parts/KEY.nq          the documents' graphs as N-Quads, lines sorted
    parts/KEY.json        per document: name, SHA-256, source, and what the store derives from all
                          documents: its entity votes (``rdf.votes_of``), its statistics' partial counts
                          (``statistics.Tally``) and its duplicate profile (``duplicates.profile``);
                          and the inputs the task could not read, with why (``skipped``)
    derived-DIGEST.nq     written by the build: the graphs derived from all documents (entities with
                          their statistics, duplicates, build, ontology)
    manifest.json         written last by the build: the files that make up its graph

So the process that publishes the store reads bytes and small JSON, not records: it bulk-loads the
N-Quads (Rust) and merges votes and counts, which commute, so partitions may arrive in any order. Nor
does it read documents: a task reads and decodes its own (``extract.listing``), from the paths and
hashes the build listed, or the rows of one JSON Lines or CSV file (``write_row_partitions``).

``KEY`` is a digest of the partition's inputs (names and SHA-256) and of what extraction depends on
(claimgraph's version, the batch size), so the same documents always make the same files: a task that
Dask runs twice (a worker lost) writes the same bytes again, and a build that was interrupted finds the
partitions already written and does not extract them again. Each file is written whole or not at all
(a local file by rename, an object store's put), the JSON last: a partition exists when its JSON does.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import fsspec
import pyoxigraph as ox
from rdflib.namespace import DCTERMS

from extract.engines import extract_chunk
from extract.errors import ClaimgraphError
from extract.listing import Listed, RowFile, read_listed
from extract.outcomes import Skipped, Unchanged
from extract.records import Document
from extract.rows import read_rows
from graph.store.duplicates import Profile, profile, profile_from_json, profile_to_json
from graph.store.rdf import Vote, extraction_quads, referenced_entities, tool_version, votes_of
from graph.store.statistics import Tally
from graph.store.vocab import doc_iri

FORMAT = 2
"""The partition format; part of every key, so files of another format are never read as this one."""
MANIFEST = "manifest.json"
PARTS = "parts"


Input = Listed | Document
"""What a partition task is given: a file to read where it runs, or a document read already (stdin)."""


@dataclass(frozen=True)
class PartDocument:
    """One document of a partition, with what the build merges over all documents."""

    name: str
    sha256: str
    source: str | None
    votes: list[Vote]
    tally: Tally
    profile: Profile


class Location:
    """Where partitions live: a URL (or a local path) read and written through fsspec."""

    def __init__(self, url: str) -> None:
        try:
            self.fs, self.root = fsspec.core.url_to_fs(url)
        except (ImportError, ValueError) as e:
            raise ClaimgraphError(f"cannot use {url} for partitions ({e}): for s3:// pip install s3fs") from e
        self.url = url

    def path(self, name: str) -> str:
        return posixpath.join(self.root, name)

    def exists(self, name: str) -> bool:
        return bool(self.fs.exists(self.path(name)))

    def read(self, name: str) -> bytes:
        return bytes(self.fs.cat_file(self.path(name)))

    def open(self, name: str) -> IO[bytes]:
        return self.fs.open(self.path(name), "rb")

    def write(self, name: str, data: bytes) -> None:
        """Write ``name`` whole or not at all: an object store's put is; a local file is renamed in place."""
        path = self.path(name)
        self.fs.makedirs(posixpath.dirname(path), exist_ok=True)
        if "file" not in _protocols(self.fs):
            self.fs.pipe_file(path, data)
            return
        tmp = f"{path}.{uuid.uuid4().hex}.tmp"
        self.fs.pipe_file(tmp, data)
        self.fs.mv(tmp, path)

    def remove(self, names: Iterable[str]) -> None:
        paths = [self.path(n) for n in names]
        if paths:
            self.fs.rm(paths)

    def listing(self) -> list[str]:
        """The names of the files under the location (``parts/…`` included)."""
        if not self.fs.exists(self.root):
            return []
        prefix = self.root.rstrip("/") + "/"
        return sorted(p[len(prefix) :] for p in self.fs.find(self.root) if p.startswith(prefix))


def _protocols(fs: fsspec.AbstractFileSystem) -> tuple[str, ...]:
    return (fs.protocol,) if isinstance(fs.protocol, str) else tuple(fs.protocol)


def partition_key(documents: Iterable[tuple[str, str]], batch_size: int) -> str:
    """The key of a partition of ``documents`` (name, SHA-256), in order.

    >>> partition_key([("a.txt", "00")], 32) == partition_key([("a.txt", "00")], 32)
    True
    >>> partition_key([("a.txt", "00")], 32) == partition_key([("a.txt", "01")], 32)
    False
    """
    digest = hashlib.sha256(f"{FORMAT}\n{tool_version()}\n{batch_size}\n".encode())
    for name, sha in documents:
        digest.update(f"{name}\t{sha}\n".encode())
    return digest.hexdigest()[:32]


def nq_name(key: str) -> str:
    return f"{PARTS}/{key}.nq"


def json_name(key: str) -> str:
    return f"{PARTS}/{key}.json"


def sorted_nquads(quads: Iterable[ox.Quad]) -> bytes:
    """N-Quads lines, sorted, as ``claimgraph export --format nquads`` writes them."""
    return b"".join(sorted(f"{q} .\n".encode() for q in quads))


def write_partition(
    url: str, inputs: list[Input], batch_size: int, max_bytes: int, force: bool = False
) -> str:
    """Read and extract ``inputs`` here and write their partition at ``url``; return its key. What a Dask
    task runs. An input that cannot be read is left out and named in the partition (``skipped``).

    Already there (a task run again), it is not extracted again, unless ``force``.
    """
    location = Location(url)
    key = partition_key(((i.name, i.sha256) for i in inputs), batch_size)
    if not force and location.exists(json_name(key)):
        return key
    documents: list[Document] = []
    skipped: list[Skipped] = []
    for item in inputs:
        read = read_listed(item, max_bytes) if isinstance(item, Listed) else item
        (skipped if isinstance(read, Skipped) else documents).append(read)
    _write(location, key, documents, skipped, batch_size)
    return key


@dataclass(frozen=True)
class RowsRead:
    """What a task made of a row file: the partitions it wrote, its rows kept as they were, its bad rows."""

    keys: list[str]
    unchanged: list[Unchanged]
    skipped: list[Skipped]


def write_row_partitions(
    url: str,
    rows: RowFile,
    batch_size: int,
    partition_size: int,
    max_bytes: int,
    fields: Mapping[str, str],
    force: bool = False,
) -> RowsRead:
    """Read the JSON Lines or CSV file ``rows`` here and write its new and changed rows as partitions of
    ``partition_size`` at ``url``, each named by its rows as any partition is (one written already is not
    extracted again, unless ``force``). What a Dask task runs for a row file."""
    location = Location(url)
    read = RowsRead([], [], [])
    chunk: list[Document] = []

    def flush() -> None:
        key = partition_key(((d.name, d.sha256) for d in chunk), batch_size)
        if force or not location.exists(json_name(key)):
            _write(location, key, chunk, [], batch_size)
        read.keys.append(key)
        chunk.clear()

    items = read_rows(
        rows.name, Path(rows.path), max_bytes=max_bytes, known=rows.known, fields=fields, shown=rows.shown
    )
    for item in items:
        if isinstance(item, Document):
            chunk.append(item)
            if len(chunk) == partition_size:
                flush()
        else:
            (read.unchanged if isinstance(item, Unchanged) else read.skipped).append(item)
    if chunk:
        flush()
    return read


def _write(
    location: Location, key: str, documents: list[Document], skipped: list[Skipped], batch_size: int
) -> None:
    """Extract ``documents`` and write partition ``key``: its sorted N-Quads, then its JSON."""
    quads: list[ox.Quad] = []
    parts = []
    for x in extract_chunk(documents, batch_size):
        own = list(extraction_quads(x))
        tally = Tally()
        tally.add_document(own)
        votes = votes_of(x.entities, referenced_entities(own))
        d = x.document
        parts.append(PartDocument(d.name, d.sha256, d.source, votes, tally, profile(d, x.claims)))
        quads.extend(own)
    location.write(nq_name(key), sorted_nquads(quads))
    location.write(json_name(key), _json(parts, skipped))


def rewrite_partition(url: str, key: str, keep: Mapping[str, str | None], batch_size: int) -> str:
    """The partition ``key`` with only the documents in ``keep`` (name → where it was read from this
    time), written anew at ``url``; return the new key. What a Dask task runs when some of a partition's
    documents changed or went: the others are copied, not extracted again."""
    location = Location(url)
    parts = [p for p in read_partition(location, key).documents if p.name in keep]
    new = partition_key(((p.name, p.sha256) for p in parts), batch_size)
    if location.exists(json_name(new)):
        return new
    graphs = {str(doc_iri(p.name)): p for p in parts}
    quads = []
    for q in ox.parse(location.read(nq_name(key)), format=ox.RdfFormat.N_QUADS):
        part = graphs.get(q.graph_name.value)
        if part is None:
            continue
        source = keep[part.name]
        if q.predicate.value == str(DCTERMS.source) and source is not None and q.object.value != source:
            q = ox.Quad(q.subject, q.predicate, ox.Literal(source), q.graph_name)  # the document moved
        quads.append(q)
    moved = [PartDocument(p.name, p.sha256, keep[p.name], p.votes, p.tally, p.profile) for p in parts]
    location.write(nq_name(new), sorted_nquads(quads))
    location.write(json_name(new), _json(moved, []))
    return new


@dataclass(frozen=True)
class Partition:
    """A partition as its JSON says: its documents, and the inputs its task could not read."""

    documents: list[PartDocument]
    skipped: list[Skipped]


def read_partition(location: Location, key: str) -> Partition:
    """The documents of partition ``key``, with their votes, tallies and profiles, and what it skipped."""
    try:
        value = json.loads(location.read(json_name(key)))
    except (OSError, ValueError) as e:
        raise ClaimgraphError(
            f"cannot read partition {key} at {location.url} ({e}): remove {json_name(key)} there, build again"
        ) from e
    documents = [
        PartDocument(
            d["name"],
            d["sha256"],
            d["source"],
            [
                (iri, code, name, [tuple(x) for x in labels], aliases)
                for iri, code, name, labels, aliases in d["votes"]
            ],
            Tally.from_json(d["tally"]),
            profile_from_json(d["profile"]),
        )
        for d in value["documents"]
    ]
    return Partition(documents, [Skipped(name, reason) for name, reason in value["skipped"]])


def _json(parts: list[PartDocument], skipped: list[Skipped]) -> bytes:
    documents = [
        {
            "name": p.name,
            "sha256": p.sha256,
            "source": p.source,
            "votes": p.votes,
            "tally": p.tally.to_json(),
            "profile": profile_to_json(p.profile),
        }
        for p in parts
    ]
    value = {"format": FORMAT, "documents": documents, "skipped": [[s.name, s.reason] for s in skipped]}
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


@dataclass
class Manifest:
    """What a published build's graph is made of: its partitions (key → their documents' names and
    SHA-256) and the file of the graphs derived from all of them."""

    partitions: dict[str, list[tuple[str, str]]]
    derived: str

    def files(self) -> list[str]:
        """The files to load, in order: every partition's N-Quads, then the derived graphs."""
        return [nq_name(k) for k in sorted(self.partitions)] + [self.derived]

    def documents(self) -> Iterator[tuple[str, str, str]]:
        """(partition key, document name, SHA-256) of every document."""
        for key, documents in sorted(self.partitions.items()):
            for name, sha in documents:
                yield key, name, sha


def read_manifest(location: Location) -> Manifest | None:
    """The manifest of the last build that published with these partitions; ``None`` when there is none."""
    try:
        value: dict[str, Any] = json.loads(location.read(MANIFEST))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as e:
        raise ClaimgraphError(
            f"cannot read {MANIFEST} at {location.url} ({e}): build again with --force"
        ) from e
    if value.get("format") != FORMAT:
        return None  # another format: its partitions are not this build's to reuse
    partitions = {k: [(n, s) for n, s in docs] for k, docs in value["partitions"].items()}
    return Manifest(partitions, value["derived"])


def write_manifest(location: Location, manifest: Manifest, derived: bytes) -> None:
    """Publish ``manifest`` (after its derived graphs), then remove the files no manifest names any more:
    superseded partitions, those of an interrupted build, earlier derived files, a lost worker's
    half-written ``.tmp`` (every task of the build has finished)."""
    location.write(manifest.derived, derived)
    value = {
        "format": FORMAT,
        "partitions": {k: [list(d) for d in docs] for k, docs in sorted(manifest.partitions.items())},
        "derived": manifest.derived,
        "files": manifest.files(),
    }
    location.write(MANIFEST, json.dumps(value, ensure_ascii=False, indent=1).encode("utf-8"))
    live = {MANIFEST, manifest.derived} | {f(k) for k in manifest.partitions for f in (nq_name, json_name)}
    location.remove(n for n in location.listing() if n not in live)


def derived_name(data: bytes) -> str:
    return f"derived-{hashlib.sha256(data).hexdigest()[:16]}.nq"
