"""The same story counted once: documents and passages that repeat others, and their claims grouped.

A news item travels: the same article in the other script, a repost on another site, an article pasted
whole into a forum post, a paragraph quoted in a reply. Each copy is extracted like any document, so
each gives the same claims again. This module finds the copies and records, in a graph of its own
(``DUPLICATES``, derived like the statistics and recomputed by every build):

- ``X cg:repeats Y``: the document, forum post or passage ``X`` repeats ``Y``. A document and a post are
  named by their own IRIs; a passage (a paragraph) is a ``cg:Passage``, an ``oa:SpecificResource`` with
  its ``oa:TextPositionSelector`` (``doc#passage=START,END``);
- ``C cg:statement S``: claim ``C``, in a place that repeats another, says what claim ``S`` of the
  original says. ``S`` (the original's claim) is the statement's key and carries no ``cg:statement``, so
  a statement is ``COALESCE(?statement, ?claim)`` and counting statements counts each story once;
  nothing is deleted, every claim keeps its document graph.

**Finding copies.** Each document, each forum post (its poster's own words, quotations left out) and each
paragraph of at least ``MIN_CHARS`` characters is a *unit*. Its text is normalised the same way whatever
the script (OpenCC to simplified, letters and digits only, case-folded) and cut into character
``SHINGLE``-grams, whose MinHash (datasketch, ``NUM_PERM`` permutations) goes into a MinHash LSH index
(datasketch) tuned to ``THRESHOLD``; a candidate the index returns counts only if the estimated Jaccard
similarity of the two units reaches ``THRESHOLD``. Units are taken whole documents first, then posts,
then paragraphs, and only a unit that repeats nothing goes into the index: every copy is compared to the
first of its kind, so a paragraph repeated in 2,000 documents costs 2,000 look-ups, not 2,000².

**Which is the original** of a group of copies: the earlier published, when both say when (a document's
``dcterms:issued``, a post's ``dcterms:created``); else a whole document over a passage inside another;
else the first by document name and offset. A copy inside a copy already recorded (the paragraphs of a
post that repeats an article) is not recorded again; when a thread and its post both repeat an article,
the post is recorded.

**Grouping claims.** For each recorded copy, a claim inside it and a claim inside its original are one
statement when they have the same speaker (an entity: a document's unnamed author is not the same
speaker in another document) and the same type, and their contents, normalised as above, are equal or
share at least ``CLAIM_OVERLAP`` of the longer one (difflib's matching blocks). Each claim joins at most
one claim of the original; groups are closed over chains (a repost of a repost).

**Cost.** A document's units and signatures depend only on its bytes (and this code): they are cached by
the document's SHA-256 in the store folder (``CACHE``, replaced atomically), so a build hashes only
the documents it extracted; the index and the grouping then run over every cached signature.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox
from rdflib.namespace import RDF

from extract.records import AUTHOR, Claim, Document, Extraction, Post, QuotedPost
from graph.store.atomic import atomic_output
from graph.store.digest import Digest, claim_record
from graph.store.rdf import post_time_literal
from graph.store.vocab import (
    CG,
    DUPLICATES,
    OA,
    claim_iri,
    claim_types,
    doc_iri,
    entity_id,
    mention_span,
    node,
    post_iri,
    prefixes,
)

if TYPE_CHECKING:  # NumPy: loaded by what hashes, reads or writes signatures, not by every command
    import numpy as np

SHINGLE = 5
"""Characters per shingle. Five normalised characters are about two Chinese words: short enough that a
copy with a changed word here and there keeps most of its shingles, long enough that two articles on the
same subject share few (the seeds' unrelated articles about DeepSeek: Jaccard 0.01 at most)."""

NUM_PERM = 64
"""MinHash permutations: the Jaccard estimate's standard error is about 1/8 of √(J(1−J)), 0.06 at 0.5,
well inside the gap between copies (0.8 and more, the seeds' pasted article 0.83) and unrelated texts."""

THRESHOLD = 0.5
"""Estimated Jaccard similarity of two units' shingles from which one repeats the other. A repost with
its own headline and a few edited sentences stays above it; texts that only quote each other, or
share a subject and its names, stay far below (0.1 at most on the seeds)."""

MIN_CHARS = 150
"""Normalised characters (letters and digits, about 200 as written) a unit needs, a Latin letter or digit
counting a third (an English word says about what two Chinese characters do): below that, a short post
or a stock sentence (转载请注明出处, a platform's English disclaimer under every article) is the same
text by chance, not a repeated story."""

CLAIM_OVERLAP = 0.5
"""Share of the longer of two claims' normalised contents that must match for them to be one statement
(the same sentence, cut a little differently by the extraction of each script)."""

CACHE = ".minhash"
"""The signature cache, in the store folder beside ``.stores``: document SHA-256 → units and claims."""

_SEED = 1
_SCHEME = "affine32"
_FORMAT = 1


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The MinHash permutations, generated once (datasketch generates them for every new MinHash)."""
    from datasketch import MinHash  # imports SciPy: only a build that hashes pays for it

    return MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def _settings() -> dict[str, object]:
    """What cached signatures depend on besides a document's bytes: a change invalidates the cache."""
    return {
        "format": _FORMAT,
        "claimgraph": _version("claimgraph"),
        "datasketch": _version("datasketch"),
        "shingle": SHINGLE,
        "num_perm": NUM_PERM,
        "min_chars": MIN_CHARS,
        "seed": _SEED,
        "scheme": _SCHEME,
    }


def _version(package: str) -> str:
    try:
        return version(package)
    except Exception:  # an uninstalled checkout
        return "0+unknown"


def normalise(text: str) -> str:
    """The form units and claims are compared in: simplified script, letters and digits only, case-folded.

    >>> normalise("DeepSeek買了大量的英偉達芯片，并…") == normalise("deepseek 买了大量的英伟达芯片,并")
    True
    """
    from extract.scripts import to_simplified

    # to_simplified caches its answers, made for names: a whole document would fill that cache
    simplified = to_simplified.__wrapped__(text)
    return "".join(ch for ch in simplified if unicodedata.category(ch)[0] in "LN").casefold()


def _size(norm: str) -> float:
    """The length ``MIN_CHARS`` is measured in: a CJK character counts 1, a Latin letter or digit 1/3."""
    latin = sum(1 for ch in norm if ch < "\u2e80")
    return len(norm) - latin + latin / 3


def signature(norm: str) -> np.ndarray:
    """The MinHash values of the ``SHINGLE``-grams of a normalised text (``uint32``, ``NUM_PERM`` of them)."""
    import numpy as np
    from datasketch import MinHash

    m = MinHash(num_perm=NUM_PERM, seed=_SEED, permutations=_permutations(), scheme=_SCHEME)
    m.update_batch(
        [s.encode("utf-8") for s in {norm[i : i + SHINGLE] for i in range(len(norm) - SHINGLE + 1)}]
    )
    return np.asarray(m.hashvalues, dtype=np.uint32)


@dataclass(frozen=True, slots=True)
class Unit:
    """A document, a post or a paragraph: where it is, when it was published, and its signature."""

    kind: str
    """``document``, ``post`` or ``passage``."""
    start: int
    end: int
    floor: int | None
    time: str | None
    hashes: np.ndarray


@dataclass(frozen=True, slots=True)
class ClaimNote:
    """What grouping needs of a claim: IRI fragment, span, speaker (``None``: an author), type, content."""

    fragment: str
    start: int
    end: int
    speaker: str | None
    type: str
    key: str


@dataclass(frozen=True, slots=True)
class Profile:
    """A document's units and claims: a function of its bytes, cached by its SHA-256."""

    units: tuple[Unit, ...]
    claims: tuple[ClaimNote, ...]


_LEVEL = {"document": 0, "post": 1, "passage": 2}


def profile_to_json(p: Profile) -> list[list[list[object]]]:
    """A profile as plain JSON values, for a partition of a Dask build (``graph.store.partitions``)."""
    units = [[u.kind, u.start, u.end, u.floor, u.time, u.hashes.tolist()] for u in p.units]
    return [units, [[c.fragment, c.start, c.end, c.speaker, c.type, c.key] for c in p.claims]]


def profile_from_json(value: list[list[list[object]]]) -> Profile:
    """The profile ``profile_to_json`` wrote.

    >>> import numpy as np
    >>> p = Profile((Unit("document", 0, 9, None, None, np.arange(3, dtype=np.uint32)),), ())
    >>> profile_from_json(profile_to_json(p)).units[0].hashes.tolist()
    [0, 1, 2]
    """
    import numpy as np

    units, claims = value
    return Profile(
        tuple(
            Unit(kind, start, end, floor, time, np.asarray(hashes, dtype=np.uint32))  # type: ignore[arg-type]
            for kind, start, end, floor, time, hashes in units
        ),
        tuple(ClaimNote(*note) for note in claims),  # type: ignore[arg-type]
    )


def profile(doc: Document, claims: Iterable[Claim]) -> Profile:
    """The units and claim notes of one extracted document."""
    plain = doc.plain
    units: list[Unit] = []
    whole = normalise(plain)
    seen = {whole}
    if _size(whole) >= MIN_CHARS:
        units.append(Unit("document", 0, len(plain), None, _time(doc.meta.published), signature(whole)))
    pieces: list[tuple[int, int, str | None]] = []  # (start, end, time) of the text outside posts' quotes
    covered = 0
    for post in sorted(doc.posts, key=lambda p: p.start):
        own = _own_words(plain, post)
        norm = normalise(own)
        if _size(norm) >= MIN_CHARS and norm not in seen:
            seen.add(norm)
            units.append(Unit("post", post.start, post.end, post.floor, _time(post.time), signature(norm)))
        if post.start > covered:
            pieces.append((covered, post.start, _time(doc.meta.published)))
        pieces.extend(_between_quotes(post))
        covered = max(covered, post.end)
    pieces.append((covered, len(plain), _time(doc.meta.published)))
    for start, end, time in pieces:
        for s, e in _paragraphs(plain, start, end):
            norm = normalise(plain[s:e])
            if _size(norm) >= MIN_CHARS and norm not in seen:
                seen.add(norm)
                units.append(Unit("passage", s, e, None, time, signature(norm)))
    notes = []
    ordinal: dict[tuple[int, int], int] = defaultdict(int)
    prefix = len(str(doc_iri(doc.name)))
    for c in claims:
        ordinal[c.start, c.end] += 1
        fragment = str(claim_iri(doc.name, c.start, c.end, ordinal[c.start, c.end]))[prefix:]
        speaker = None if c.speaker == AUTHOR else c.speaker
        notes.append(ClaimNote(fragment, c.start, c.end, speaker, c.type, normalise(c.text)))
    return Profile(tuple(units), tuple(notes))


def _time(text: str | None) -> str | None:
    """A time as the store writes it (``dcterms:created``, ``dcterms:issued``), so both paths agree."""
    return post_time_literal(text).value if text else None


def _own_words(text: str, post: Post) -> str:
    """A post's body with its quotations of earlier posts blanked (the same document holds those)."""
    body = text[post.start : post.end]
    for q in post.quotes:
        s, e = max(q.block_start, post.start) - post.start, min(q.block_end, post.end) - post.start
        if s < e:
            body = body[:s] + " " * (e - s) + body[e:]
    return body


def _between_quotes(post: Post) -> Iterator[tuple[int, int, str | None]]:
    at = post.start
    for q in sorted(post.quotes, key=lambda q: q.block_start):
        if q.block_start > at:
            yield at, q.block_start, _time(post.time)
        at = max(at, q.block_end)
    if post.end > at:
        yield at, post.end, _time(post.time)


def _paragraphs(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """The lines of ``text[start:end]`` (paragraphs: news text puts one a line), trimmed of blanks."""
    at = start
    while at < end:
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        s, e = at, stop
        while s < e and text[s].isspace():
            s += 1
        while e > s and text[e - 1].isspace():
            e -= 1
        if s < e:
            yield s, e
        at = stop + 1


# ---------------------------------------------------------------- finding copies


@dataclass(frozen=True, slots=True)
class Copy:
    """``doc``'s unit ``unit`` repeats ``original_doc``'s unit ``original``, with this estimated Jaccard."""

    doc: str
    unit: Unit
    original_doc: str
    original: Unit
    similarity: float


def _before(a: tuple[str, Unit], b: tuple[str, Unit]) -> bool:
    """Whether ``a`` is the original rather than ``b``: published earlier, else a whole document, else
    the first by name and offset."""
    (an, au), (bn, bu) = a, b
    if au.time and bu.time:
        n = min(len(au.time), len(bu.time), 19)
        ta, tb = au.time.replace(" ", "T")[:n], bu.time.replace(" ", "T")[:n]
        if ta != tb:
            return ta < tb
    if (au.kind == "document") != (bu.kind == "document"):
        return au.kind == "document"
    return (an, au.start, au.end) < (bn, bu.start, bu.end)


def find_copies(profiles: Mapping[str, Profile]) -> list[Copy]:
    """Every unit that repeats another document's unit, with the original it repeats (see the module).

    >>> text = "美国商务部长卢特尼克说，DeepSeek窃取了美国的技术。" * 12
    >>> a = Document("a.txt", text, text, "0", "utf-8", "text/plain")
    >>> b = Document("b.txt", "转载：" + text, "转载：" + text, "1", "utf-8", "text/plain")
    >>> copies = find_copies({"a.txt": profile(a, []), "b.txt": profile(b, [])})
    >>> [(c.doc, c.unit.kind, c.original_doc) for c in copies]
    [('b.txt', 'document', 'a.txt')]
    """
    units = sorted(
        ((name, u) for name, p in profiles.items() for u in p.units),
        key=lambda x: (_LEVEL[x[1].kind], x[0], x[1].start, x[1].end),
    )
    from datasketch import LeanMinHash, MinHashLSH

    lsh = MinHashLSH(threshold=THRESHOLD, num_perm=NUM_PERM)
    sketches: dict[int, LeanMinHash] = {}
    groups: dict[int, list[tuple[int, float]]] = {}
    for i, (name, unit) in enumerate(units):
        sketch = LeanMinHash(seed=_SEED, hashvalues=unit.hashes, scheme=_SCHEME)
        best: tuple[float, int] | None = None
        for j in lsh.query(sketch):
            if units[j][0] == name:
                continue  # a document does not repeat itself
            similarity = sketch.jaccard(sketches[j])
            if similarity >= THRESHOLD and (best is None or (similarity, -j) > (best[0], -best[1])):
                best = (similarity, j)
        if best is None:
            lsh.insert(i, sketch, check_duplication=False)
            sketches[i] = sketch
            groups[i] = []
        else:
            groups[best[1]].append((i, best[0]))
    copies = []
    for root, members in groups.items():
        if not members:
            continue
        everyone = [root, *(i for i, _ in members)]
        similar = {i: s for i, s in members} | {root: 1.0}
        original = everyone[0]
        for i in everyone[1:]:
            if _before(units[i], units[original]):
                original = i
        for i in everyone:
            if i != original and units[i][0] != units[original][0]:
                # against the group's first unit; the original's own estimate stands for the pair
                similarity = min(similar[i], similar[original])
                copies.append(Copy(*units[i], *units[original], round(similarity, 3)))
    return _uncovered(copies)


def _uncovered(copies: list[Copy]) -> list[Copy]:
    """The copies not inside a larger copy between the same two documents (in either direction); of a
    document and a post in it that both repeat the same original, the post (where the copy is)."""
    narrower: dict[tuple[str, str, int, int], list[Unit]] = defaultdict(list)
    for c in copies:
        narrower[c.doc, c.original_doc, c.original.start, c.original.end].append(c.unit)
    copies = [
        c
        for c in copies
        if not any(
            u != c.unit and _within(u, c.unit)
            for u in narrower[c.doc, c.original_doc, c.original.start, c.original.end]
        )
    ]
    recorded: dict[tuple[str, str], list[tuple[Unit, Unit]]] = defaultdict(list)
    kept = []
    order = sorted(
        copies,
        key=lambda c: (
            _LEVEL[c.unit.kind] + _LEVEL[c.original.kind],
            c.doc,
            c.unit.start,
            c.original_doc,
            c.original.start,
        ),
    )
    for c in order:
        inside = any(
            _within(c.unit, a) and _within(c.original, b) for a, b in recorded[c.doc, c.original_doc]
        )
        inside = inside or any(
            _within(c.unit, b) and _within(c.original, a) for a, b in recorded[c.original_doc, c.doc]
        )
        if not inside:
            recorded[c.doc, c.original_doc].append((c.unit, c.original))
            kept.append(c)
    return sorted(kept, key=lambda c: (c.doc, c.unit.start, c.unit.end, c.original_doc, c.original.start))


def _within(inner: Unit, outer: Unit) -> bool:
    return outer.start <= inner.start and inner.end <= outer.end


# ---------------------------------------------------------------- grouping claims


def _overlap(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks()) / max(len(a), len(b))


def group_claims(profiles: Mapping[str, Profile], copies: Iterable[Copy]) -> dict[str, str]:
    """Claim IRI → the IRI of its statement's key claim, for every claim that repeats another."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    repeating: set[str] = set()
    place: dict[str, tuple[str, int, int, str]] = {}
    for c in copies:
        inside = [n for n in profiles[c.doc].claims if _within_span(n, c.unit) and n.speaker]
        originals = [n for n in profiles[c.original_doc].claims if _within_span(n, c.original) and n.speaker]
        by_fragment = {o.fragment: o for o in originals}
        taken: set[str] = set()
        for n in inside:
            best: tuple[float, str] | None = None
            for o in originals:
                if o.fragment in taken or o.speaker != n.speaker or o.type != n.type:
                    continue
                share = _overlap(n.key, o.key)
                if share >= CLAIM_OVERLAP and (best is None or share > best[0]):
                    best = (share, o.fragment)
            if best is None:
                continue
            taken.add(best[1])
            x = str(doc_iri(c.doc)) + n.fragment
            y = str(doc_iri(c.original_doc)) + best[1]
            o = by_fragment[best[1]]
            place[x] = (c.doc, n.start, n.end, x)
            place[y] = (c.original_doc, o.start, o.end, y)
            repeating.add(x)
            rx, ry = find(x), find(y)
            if rx != ry:
                parent[max(rx, ry)] = min(rx, ry)
    members: dict[str, list[str]] = defaultdict(list)
    for x in place:
        members[find(x)].append(x)
    statements = {}
    for group in members.values():
        keys = [x for x in group if x not in repeating] or group
        key = min(keys, key=lambda x: place[x])
        for x in group:
            if x != key:
                statements[x] = key
    return dict(sorted(statements.items()))


def _within_span(n: ClaimNote, unit: Unit) -> bool:
    return unit.start <= n.start and n.end <= unit.end


# ---------------------------------------------------------------- the graph


def passage_iri(doc: str, start: int, end: int) -> str:
    """IRI of a passage (a paragraph) of a document that repeats or is repeated: ``#passage=START,END``."""
    return f"{doc_iri(doc)}#passage={start},{end}"


def _unit_iri(doc: str, unit: Unit) -> str:
    if unit.kind == "document":
        return str(doc_iri(doc))
    if unit.kind == "post":
        assert unit.floor is not None
        return str(post_iri(doc, unit.floor))
    return passage_iri(doc, unit.start, unit.end)


def duplicate_quads(copies: Iterable[Copy], statements: Mapping[str, str]) -> Iterator[ox.Quad]:
    """The duplicates graph: ``cg:repeats`` between places, passages described, ``cg:statement`` of claims."""
    graph = node(DUPLICATES)
    out: dict[ox.Quad, None] = {}

    def add(s: str, p: str, o: str | ox.Literal) -> None:
        obj = o if isinstance(o, ox.Literal) else ox.NamedNode(o)
        out[ox.Quad(ox.NamedNode(s), node(p), obj, graph)] = None

    for c in copies:
        for doc, unit in ((c.doc, c.unit), (c.original_doc, c.original)):
            if unit.kind == "passage":
                iri = passage_iri(doc, unit.start, unit.end)
                selector = f"{iri}&tps"
                add(iri, RDF.type, CG.Passage)
                add(iri, OA.hasSource, str(doc_iri(doc)))
                add(iri, OA.hasSelector, selector)
                add(selector, RDF.type, OA.TextPositionSelector)
                add(selector, OA.start, ox.Literal(unit.start))
                add(selector, OA.end, ox.Literal(unit.end))
        add(_unit_iri(c.doc, c.unit), CG.repeats, _unit_iri(c.original_doc, c.original))
    for claim, key in statements.items():
        add(claim, CG.statement, key)
    return iter(out)


# ---------------------------------------------------------------- during a build


class Duplicates:
    """A build's duplicate pass: profiles of extracted documents, cached ones of kept documents, then the
    graph recomputed over all of them (``publish``)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._cache = _read_cache(folder / CACHE)
        self._profiles: dict[str, tuple[str, Profile | None]] = {}  # name → (sha256, profile or None)
        self.copies: list[Copy] = []
        self.statements: dict[str, str] = {}

    def add(self, x: Extraction) -> None:
        """An extracted document: its profile is computed now."""
        self._profiles[x.document.name] = (x.document.sha256, profile(x.document, x.claims))

    def add_profile(self, name: str, sha256: str, p: Profile) -> None:
        """A document whose profile was computed where it was extracted (a partition of a Dask build)."""
        self._profiles[name] = (sha256, p)

    def keep(self, name: str, sha256: str | None) -> None:
        """A document kept from the previous store: its cached profile, else read at publication."""
        cached = self._cache.get(sha256) if sha256 else None
        self._profiles[name] = (sha256 or "", cached)

    def publish(self, store: ox.Store) -> set[str]:
        """Replace the duplicates graph of ``store`` (which holds every document of the build) and save the
        cache. Returns the entities whose claims changed statement: their statistics are to be recounted."""
        before = _statements(store)
        profiles: dict[str, Profile] = {}
        for name, (sha, p) in sorted(self._profiles.items()):
            if p is None:
                p = profile_from_store(store, name)
            profiles[name] = p
            if sha:
                self._cache[sha] = p
        self.copies = find_copies(profiles)
        self.statements = group_claims(profiles, self.copies)
        if store.contains_named_graph(node(DUPLICATES)):
            store.remove_graph(node(DUPLICATES))
        store.bulk_extend(list(duplicate_quads(self.copies, self.statements)))
        current = {sha for sha, _ in self._profiles.values() if sha}
        _write_cache(self.folder / CACHE, {sha: p for sha, p in self._cache.items() if sha in current})
        changed = {
            c for c in before.keys() | self.statements.keys() if before.get(c) != self.statements.get(c)
        }
        changed |= {before[c] for c in changed if c in before} | {
            self.statements[c] for c in changed if c in self.statements
        }
        return _claim_entities(store, changed)


def _read_cache(path: Path) -> dict[str, Profile]:
    """The cached profiles, or none when the file is missing, damaged or made with other settings.

    The cache is data only (a NumPy archive of one JSON description and one array of signatures, read
    without pickle): a store folder from elsewhere cannot run code through it.
    """
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            described = json.loads(archive["meta"].tobytes().decode("utf-8"))
            hashes = archive["hashes"]
        if described["settings"] != _settings():
            return {}
        return {
            sha: Profile(
                tuple(
                    Unit(kind, start, end, floor, time, hashes[row])
                    for kind, start, end, floor, time, row in p[0]
                ),
                tuple(ClaimNote(*note) for note in p[1]),
            )
            for sha, p in described["profiles"].items()
        }
    except (OSError, ValueError, KeyError, TypeError, IndexError, zipfile.BadZipFile):
        return {}


def _write_cache(path: Path, profiles: dict[str, Profile]) -> None:
    import numpy as np

    rows: list[np.ndarray] = []
    described: dict[str, object] = {}
    for sha, p in sorted(profiles.items()):
        units = []
        for u in p.units:
            units.append([u.kind, u.start, u.end, u.floor, u.time, len(rows)])
            rows.append(np.asarray(u.hashes, dtype=np.uint32))
        claims = [[c.fragment, c.start, c.end, c.speaker, c.type, c.key] for c in p.claims]
        described[sha] = [units, claims]
    meta = json.dumps({"settings": _settings(), "profiles": described}, ensure_ascii=False)
    hashes = np.stack(rows) if rows else np.zeros((0, NUM_PERM), dtype=np.uint32)
    with atomic_output(path) as out:
        np.savez(out, meta=np.frombuffer(meta.encode("utf-8"), dtype=np.uint8), hashes=hashes)


def _statements(store: ox.Store) -> dict[str, str]:
    return {
        q.subject.value: q.object.value
        for q in store.quads_for_pattern(None, node(CG.statement), None, node(DUPLICATES))
    }


def _claim_entities(store: ox.Store, claims: Iterable[str]) -> set[str]:
    """The speakers and targets of ``claims`` (those still in ``store``)."""
    out = set()
    for claim in claims:
        term = ox.NamedNode(claim)
        for p in (CG.speaker, CG.target):
            for q in store.quads_for_pattern(term, node(p), None, None):
                if entity_id(q.object.value) is not None:
                    out.add(q.object.value)
    return out


# ---------------------------------------------------------------- a kept document not in the cache

_DOC = """
SELECT ?name ?text ?media ?issued WHERE {
  GRAPH ?g {
    ?g cg:fileName ?name ; cg:text ?text ; dcterms:format ?media OPTIONAL { ?g dcterms:issued ?issued }
  }
}"""
_POSTS = """
SELECT ?post ?floor ?start ?end ?time WHERE {
  GRAPH ?g { ?post a cg:Post ; cg:floor ?floor ; oa:hasSelector ?at .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end . OPTIONAL { ?post dcterms:created ?time } }
}"""
_QUOTES = """
SELECT ?post ?start ?end WHERE {
  GRAPH ?g { ?post cg:quotes/cg:blockSelector ?at . ?at oa:start ?start ; oa:end ?end }
}"""
_CLAIMS = """
SELECT ?claim ?start ?end ?speaker ?type ?text WHERE {
  GRAPH ?g {
    ?claim a cg:Claim ; cg:speaker ?speaker ; cg:claimType ?type ; cg:content ?text ; oa:hasSelector ?at .
    ?at a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end
  }
}"""


def profile_from_store(store: ox.Store, name: str) -> Profile:
    """The profile of a document as the store holds it (a kept document whose profile was not cached)."""
    from extract.markup import blank_markup

    graph = ox.NamedNode(str(doc_iri(name)))

    def rows(query: str) -> ox.QuerySolutions:
        answer = store.query(query, prefixes=prefixes(), named_graphs=[graph])
        assert isinstance(answer, ox.QuerySolutions)
        return answer

    codes = {str(iri): code for code, iri in claim_types().items()}
    row = next(iter(rows(_DOC)))
    text, media = row["text"].value, row["media"].value
    issued = row["issued"].value if row["issued"] is not None else None
    plain = blank_markup(text, html_document=media == "text/html")
    quotes: dict[str, list[QuotedPost]] = defaultdict(list)
    for q in rows(_QUOTES):
        s, e = int(q["start"].value), int(q["end"].value)
        quotes[q["post"].value].append(QuotedPost(None, s, e, s, e))
    posts = tuple(
        Post(
            int(p["floor"].value),
            "",
            0,
            0,
            p["time"].value if p["time"] is not None else None,
            int(p["start"].value),
            int(p["end"].value),
            tuple(quotes[p["post"].value]),
        )
        for p in rows(_POSTS)
    )
    claims = sorted(
        (
            (int(c["start"].value), int(c["end"].value), c["claim"].value),
            Claim(
                name,
                int(c["start"].value),
                int(c["end"].value),
                c["text"].value,
                entity_id(c["speaker"].value) or AUTHOR,
                "",
                None,
                None,
                (),
                codes[c["type"].value],
                "indirect",
            ),
        )
        for c in rows(_CLAIMS)
    )
    from extract.records import DocumentMeta

    doc = Document(name, text, plain, "", "", media, posts, meta=DocumentMeta(published=issued))
    notes = profile(doc, [c for _, c in claims]).claims
    # the IRIs as stored (their ordinals), not as recounted
    prefix = len(str(doc_iri(name)))
    fixed = tuple(
        ClaimNote(iri[prefix:], n.start, n.end, n.speaker, n.type, n.key)
        for ((_, _, iri), _), n in zip(claims, notes, strict=True)
    )
    return Profile(profile(doc, []).units, fixed)


def statement_keys(
    store: ox.Store,
    claims: Iterable[ox.NamedNode] | None = None,
    known: Mapping[ox.NamedNode, Digest | None] | None = None,
) -> dict[tuple[str, str], str]:
    """For the claim network: (``doc#start,end``, speaker id) of each repeating claim → its statement's
    key claim as ``doc#start,end``; with ``claims`` (IRIs the store gave), of these claims only.

    Read by index lookups (the ``cg:statement`` links, then each claim's speaker, document and position
    selector, once a claim however many repeat it): a SPARQL join read every claim's selectors first,
    1.7 s on 1,000 documents that repeat nothing. A claim whose document's digest is ``known`` (by its
    graph, read already: ``graph.store.digest``) is read from it instead, no lookup at all."""
    statement, duplicates = node(CG.statement), node(DUPLICATES)
    links: Iterable[ox.Quad] = store.quads_for_pattern(None, statement, None, duplicates)
    if claims is not None:
        links = _links_of(store, dict.fromkeys(claims), links)
    pairs = [
        (q.subject, q.object)
        for q in links
        if isinstance(q.subject, ox.NamedNode) and isinstance(q.object, ox.NamedNode)
    ]
    names: dict[ox.NamedNode, str | None] = {}
    found: dict[ox.NamedNode, tuple[str, str] | None] = {}

    def at(selector: ox.Term, graph: ox.NamedNode) -> str | None:
        """``start,end`` of a position selector: from its IRI (``graph.store.vocab.position_selector_iri``)
        when it says them, else from its ``oa:start`` and ``oa:end``."""
        named = mention_span(selector.value, "#tps=") if isinstance(selector, ox.NamedNode) else None
        if named is not None:
            return f"{named[0]},{named[1]}"
        start = next(iter(store.quads_for_pattern(selector, node(OA.start), None, graph)), None)
        end = next(iter(store.quads_for_pattern(selector, node(OA.end), None, graph)), None)
        return None if start is None or end is None else f"{start.object.value},{end.object.value}"

    def where(claim: ox.NamedNode) -> tuple[str, str] | None:
        if claim in found:
            return found[claim]
        document, hashed, _ = claim.value.rpartition("#")  # a claim's IRI is its document's, and a fragment
        digest = known.get(ox.NamedNode(document)) if known and hashed else None
        rec = None if digest is None else claim_record(digest, claim.value)
        found[claim] = None if rec is None else (f"{rec['doc']}#{rec['start']},{rec['end']}", rec["speaker"])
        if rec is not None:
            return found[claim]
        for q in store.quads_for_pattern(claim, node(CG.speaker), None, None):
            graph = q.graph_name
            if graph not in names:
                named = next(iter(store.quads_for_pattern(graph, node(CG.fileName), None, graph)), None)
                names[graph] = named.object.value if named is not None else None
            for selector in store.quads_for_pattern(claim, node(OA.hasSelector), None, graph):
                span = at(selector.object, graph)
                if span is not None and names[graph] is not None:
                    speaker = entity_id(q.object.value) if isinstance(q.object, ox.NamedNode) else None
                    found[claim] = f"{names[graph]}#{span}", speaker or AUTHOR
                    return found[claim]
        return None

    out = {}
    for claim, key in pairs:
        this, original = where(claim), where(key)
        if this is None or original is None:
            continue
        out[this] = original[0]
    return out


def _links_of(store: ox.Store, claims: dict[ox.NamedNode, None], links: Iterable[ox.Quad]) -> list[ox.Quad]:
    """The ``cg:statement`` links (``links``: all of them) of ``claims``: all read and sifted when they are
    fewer than the claims (a store repeats few: 3,801 links, read in 0.06 s, where looking up the 28,791
    claims of a map took 0.3 s), else one lookup a claim, however many the store holds."""
    read = []
    for q in links:
        read.append(q)
        if len(read) > len(claims):
            break
    else:
        return [q for q in read if q.subject in claims]
    statement, duplicates = node(CG.statement), node(DUPLICATES)
    return [q for claim in claims for q in store.quads_for_pattern(claim, statement, None, duplicates)]
