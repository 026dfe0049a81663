"""Write the generated parts of docs/model.md and docs/queries.md, so that they cannot drift.

- the tables of classes, properties and claim types, and the class figure, from ``ontology.ttl``;
- the worked example: the shipped query ``claim-provenance`` over a build of ``seeds/`` (with
  ``SOURCE_DATE_EPOCH`` fixed, so its times are too);
- the list of shipped queries, from their headers; with ``--time``, the time each takes from the
  command line on the seeds (median of ``--runs`` runs).

Each part sits between ``<!-- generated:NAME -->`` and ``<!-- /generated:NAME -->``; the rest of the
files is written by hand. ``tests/test_validate.py`` and ``tests/test_queries.py`` fail when a part is
out of date. Run from the repository root::

    .venv/bin/python docs/model.py            # tables, figure, example, query list
    .venv/bin/python docs/model.py --time     # and the timings
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pyoxigraph as ox  # noqa: E402
from rdflib import Graph, URIRef  # noqa: E402
from rdflib.namespace import OWL, PROV, RDF, RDFS, XSD  # noqa: E402

from graph.sparql import queries  # noqa: E402
from graph.store.store import open_store  # noqa: E402
from graph.store.vocab import CG, ontology_bytes, prefixes  # noqa: E402

MODEL = ROOT / "docs" / "model.md"
QUERIES = ROOT / "docs" / "queries.md"
SOURCE_DATE_EPOCH = "1738281600"
"""2025-01-31T00:00:00Z: the build time written into the worked example."""
EXAMPLE_CLAIM = "https://w3id.org/claimgraph/id/doc/000_8e1a6d06941d07ba.txt#claim=762,800"
"""Howard Lutnick accuses DeepSeek, in a traditional-script news item of the seeds."""

OA_POSITION = "http://www.w3.org/ns/oa#TextPositionSelector"
OA_QUOTE = "http://www.w3.org/ns/oa#TextQuoteSelector"
PROV_AGENT = str(PROV.SoftwareAgent)

_PREFIXES = sorted(prefixes().items(), key=lambda kv: -len(kv[1]))


def curie(term: object) -> str:
    """``cg:Claim`` for the IRI of cg:Claim (the ontology's prefixes), else ``<iri>``."""
    text = str(term)
    for prefix, namespace in _PREFIXES:
        if text.startswith(namespace):
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _ontology() -> Graph:
    return Graph().parse(data=ontology_bytes(), format="turtle")


def _label(g: Graph, term: URIRef, lang: str) -> str:
    return next((str(o) for o in g.objects(term, RDFS.label) if getattr(o, "language", None) == lang), "")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _ours(g: Graph, kind: URIRef) -> list[URIRef]:
    return sorted((s for s in g.subjects(RDF.type, kind) if str(s).startswith(str(CG._NS))), key=str)


def terms_markdown(g: Graph | None = None) -> str:
    """The tables of every class, property and claim type defined in ontology.ttl."""
    g = g or _ontology()
    out = [
        "### Classes",
        "",
        "| class | subclass of | label | 中文 | type code | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for c in _ours(g, OWL.Class):
        parents = ", ".join(sorted(curie(p) for p in g.objects(c, RDFS.subClassOf)))
        code = next((str(o) for o in g.objects(c, CG.typeCode)), "")
        out.append(
            f"| `{curie(c)}` | {parents} | {_label(g, c, 'en')} | {_label(g, c, 'zh-Hans')} | {code} | "
            f"{_cell(str(g.value(c, RDFS.comment) or ''))} |"
        )
    out += [
        "",
        "### Properties",
        "",
        "| property | kind | domain → range | label | 中文 | meaning |",
        "|---|---|---|---|---|---|",
    ]
    kinds = {
        OWL.ObjectProperty: "object",
        OWL.DatatypeProperty: "datatype",
        OWL.AnnotationProperty: "annotation",
    }
    for kind, name in kinds.items():
        for p in _ours(g, kind):
            functional = ", functional" if (p, RDF.type, OWL.FunctionalProperty) in g else ""
            domain = ", ".join(sorted(curie(d) for d in g.objects(p, RDFS.domain)))
            range_ = ", ".join(sorted(curie(r) for r in g.objects(p, RDFS.range)))
            out.append(
                f"| `{curie(p)}` | {name}{functional} | {domain} → {range_} | {_label(g, p, 'en')} | "
                f"{_label(g, p, 'zh-Hans')} | {_cell(str(g.value(p, RDFS.comment) or ''))} |"
            )
    out += [
        "",
        "### Claim types (individuals of `cg:ClaimType`)",
        "",
        "| individual | code | label | 中文 | meaning |",
        "|---|---|---|---|---|",
    ]
    for t in _ours(g, CG.ClaimType):
        out.append(
            f"| `{curie(t)}` | `{g.value(t, CG.code)}` | {_label(g, t, 'en')} | {_label(g, t, 'zh-Hans')} | "
            f"{_cell(str(g.value(t, RDFS.comment) or ''))} |"
        )
    return "\n".join(out) + "\n"


def _mermaid_name(term: object) -> str:
    return re.sub(r"\W", "_", curie(term).removeprefix("cg:"))


def figure_mermaid(g: Graph | None = None) -> str:
    """A mermaid class diagram: our classes with their datatype properties, subclasses, object properties."""
    g = g or _ontology()
    classes = _ours(g, OWL.Class)
    out = ["```mermaid", "classDiagram", "  direction LR"]
    for c in classes:
        fields = [
            f"    {curie(p).removeprefix('cg:')} {curie(next(iter(g.objects(p, RDFS.range)))).split(':')[-1]}"
            for p in _ours(g, OWL.DatatypeProperty)
            if c in set(g.objects(p, RDFS.domain))
        ]
        out += (
            [f"  class {_mermaid_name(c)} {{", *fields, "  }"] if fields else [f"  class {_mermaid_name(c)}"]
        )
    for c in classes:
        for parent in sorted(g.objects(c, RDFS.subClassOf), key=str):
            out.append(f"  {_mermaid_name(parent)} <|-- {_mermaid_name(c)}")
    for p in _ours(g, OWL.ObjectProperty):
        for domain in sorted(g.objects(p, RDFS.domain), key=str):
            for range_ in sorted(g.objects(p, RDFS.range), key=str):
                out.append(
                    f"  {_mermaid_name(domain)} --> {_mermaid_name(range_)} : {curie(p).removeprefix('cg:')}"
                )
    out.append("```")
    return "\n".join(out) + "\n"


def example_turtle(store: ox.Store, claim: str = EXAMPLE_CLAIM) -> str:
    """The shipped query ``claim-provenance`` for ``claim``, as Turtle with its subjects in order."""
    answer = queries.execute(store, queries.named("claim-provenance").sparql, {"claim": claim})
    triples = list(answer)
    kinds = {t.subject.value: t.object.value for t in triples if t.predicate.value == str(RDF.type)}
    order = [str(c) for c in (CG.Claim, OA_POSITION, OA_QUOTE, CG.Person, CG.Organization, CG.Place)]
    order += [str(c) for c in (CG.Law, CG.Product, CG.Author, CG.ClaimType)]
    order += [str(c) for c in (CG.Document, CG.Extraction, PROV_AGENT, CG.Build)]

    def rank(t: ox.Triple) -> tuple[int, str, str, str]:
        kind = kinds.get(t.subject.value, "")
        return (
            order.index(kind) if kind in order else len(order),
            t.subject.value,
            t.predicate.value,
            str(t),
        )

    triples.sort(key=rank)
    namespaces = {
        prefix: namespace
        for prefix, namespace in prefixes().items()
        if any(
            isinstance(x, ox.NamedNode) and x.value.startswith(namespace)
            for t in triples
            for x in (t.subject, t.predicate, t.object)
        )
    }
    text = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes={**namespaces, "xsd": str(XSD)})
    return "```turtle\n" + text.decode("utf-8").rstrip("\n") + "\n```\n"


def queries_markdown() -> str:
    """The shipped queries: name, what each does, its parameters."""
    out = ["| name | what it answers | parameters |", "|---|---|---|"]
    for q in queries.shipped().values():
        params = "<br>".join(f"`?{p.name}` ({p.kind}{'; ' + p.note if p.note else ''})" for p in q.params)
        out.append(f"| `{q.name}` | {_cell(q.description)} | {params} |")
    return "\n".join(out) + "\n"


# One plausible value per parameter, for the timings.
SAMPLE_PARAMS = {
    "claims-by-speaker": ["entity=Howard Lutnick"],
    "claims-about": ["entity=DeepSeek"],
    "who-accused-whom": [],
    "denials": [],
    "top-speakers": [],
    "entities-by-type": [],
    "claim-sources": [f"claim={EXAMPLE_CLAIM}"],
    "claims-in-date-range": ["since=2025-01-31", "until=2025-02-01"],
    "co-mentions": ["entity=DeepSeek"],
    "laws": [],
    "claim-provenance": [f"claim={EXAMPLE_CLAIM}"],
}


def timings_markdown(store: Path, runs: int = 5) -> str:
    """Median time of ``claimgraph query --name NAME`` (a new process each run), and of the query alone."""
    exe = Path(sys.executable).with_name("claimgraph")
    graph = open_store(store)
    count = {}
    for name in ("Document", "Claim", "Mention"):
        (row,) = queries.execute(graph, f"SELECT (COUNT(*) AS ?n) WHERE {{ ?x a cg:{name} }}")
        count[name] = row["n"].value
    out = [
        f"The seeds: {count['Document']} documents, {count['Claim']} claims, {count['Mention']} mentions, "
        f"{len(graph)} quads.",
        "",
        f"| name | parameters | rows | CLI, whole process (median of {runs}) "
        f"| query alone (median of {runs}) |",
        "|---|---|---|---|---|",
    ]
    for q in queries.shipped().values():
        params = SAMPLE_PARAMS.get(q.name, [])
        argv = [str(exe), "--store", str(store), "query", "--name", q.name, "--format", "tsv"]
        for p in params:
            argv += ["--param", p]
        wall = []
        for _ in range(runs):
            start = time.perf_counter()
            result = subprocess.run(argv, capture_output=True, check=True)
            wall.append(time.perf_counter() - start)
        values = queries.parse_params(params)
        alone = []
        for _ in range(runs):
            start = time.perf_counter()
            answer = queries.execute(graph, q.sparql, values)
            list(answer)
            alone.append(time.perf_counter() - start)
        lines = result.stdout.decode("utf-8").splitlines()
        rows = len(lines) - 1 if q.form == "SELECT" else f"{len(lines)} lines"
        shown = ", ".join(f"`{p}`" for p in params) if params else "—"
        out.append(
            f"| `{q.name}` | {shown} | {rows} | {statistics.median(wall):.2f} s | "
            f"{statistics.median(alone) * 1000:.1f} ms |"
        )
    return "\n".join(out) + "\n"


def replace_section(text: str, name: str, content: str) -> str:
    """``text`` with the part between the markers of ``name`` replaced by ``content``."""
    pattern = re.compile(rf"(<!-- generated:{name} -->\n).*?(<!-- /generated:{name} -->)", re.DOTALL)
    if not pattern.search(text):
        raise SystemExit(f"no <!-- generated:{name} --> section to fill")
    return pattern.sub(lambda m: m.group(1) + content + m.group(2), text)


def section(text: str, name: str) -> str:
    """The generated part ``name`` of ``text`` (empty when absent)."""
    match = re.search(rf"<!-- generated:{name} -->\n(.*?)<!-- /generated:{name} -->", text, re.DOTALL)
    return match.group(1) if match else ""


def build_seeds(store: Path) -> None:
    """Build ``seeds/`` into ``store`` as the docs show it: relative paths, fixed build time."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    exe = Path(sys.executable).with_name("claimgraph")
    subprocess.run(
        [str(exe), "--store", str(store), "build", "seeds", "--no-progress"], cwd=ROOT, env=env, check=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--time", action="store_true", help="also time every shipped query")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "store"
        build_seeds(store)
        graph = open_store(store)
        model = MODEL.read_text(encoding="utf-8")
        model = replace_section(model, "figure", figure_mermaid())
        model = replace_section(model, "terms", terms_markdown())
        model = replace_section(model, "example", example_turtle(graph))
        MODEL.write_text(model, encoding="utf-8")
        listing = QUERIES.read_text(encoding="utf-8")
        listing = replace_section(listing, "queries", queries_markdown())
        if args.time:
            listing = replace_section(listing, "timings", timings_markdown(store, args.runs))
        QUERIES.write_text(listing, encoding="utf-8")
    print(f"wrote {MODEL.relative_to(ROOT)} and {QUERIES.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
