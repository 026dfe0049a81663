"""The cost of the duplicate pass (``graph.store.duplicates``) on the benchmark corpus, and what it finds.

Two parts, timed apart, in one process on documents as ``read_documents`` gives them (forum threads split
into posts): the *signatures* (units, normalisation, MinHash), computed once per new document during a
build and cached by SHA-256; and *finding copies* (the MinHash LSH index over every unit), which every
build runs over the cached signatures. Claims are not extracted here, so grouping them is not timed: it
runs only over the copies found, a few thousand pairs of short strings at 10,000 documents.

    python benchmarks/corpus.py 10000 /tmp/bench10k
    python benchmarks/duplicates.py /tmp/bench10k --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path


def measure(folder: Path, n: int) -> dict[str, object]:
    from extract.ingest import read_documents
    from graph.store.duplicates import find_copies, profile

    paths = [str(p) for p in sorted(folder.iterdir())[:n]]
    documents = [d for d in read_documents(paths) if hasattr(d, "plain")]
    chars = sum(len(d.text) for d in documents)
    start = time.perf_counter()
    profiles = {d.name: profile(d, []) for d in documents}
    signatures = time.perf_counter() - start
    start = time.perf_counter()
    copies = find_copies(profiles)
    finding = time.perf_counter() - start
    return {
        "documents": len(documents),
        "characters": chars,
        "units": dict(Counter(u.kind for p in profiles.values() for u in p.units)),
        "signatures_s": round(signatures, 2),
        "characters_per_s": round(chars / signatures),
        "find_copies_s": round(finding, 2),
        "copies": dict(Counter(f"{c.unit.kind}→{c.original.kind}" for c in copies)),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help="a corpus written by benchmarks/corpus.py")
    parser.add_argument("--sizes", default="1000,10000", help="first N documents, comma-separated")
    args = parser.parse_args(argv)
    for n in (int(x) for x in args.sizes.split(",")):
        print(measure(args.folder, n), flush=True)


if __name__ == "__main__":
    main()
