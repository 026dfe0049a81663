"""Exports read back by independent readers: rdflib for RDF, networkx for GraphML/GEXF, csv and zipfile."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

import graph.exports.rdf as rdf_export
import graph.exports.tables as export_csv
from cli import main
from graph.exports.formats import FORMATS, export, export_to
from graph.exports.graphml import collapse
from graph.exports.jsonld import context
from graph.store.network import load_network
from graph.store.reader import records
from graph.store.store import StoreBuilder, open_store
from graph.store.vocab import CG
from tests.graph_sample import forum, later, news

SAMPLES = (news, forum, later)
STREAMS = [f for f in FORMATS if f != "csv"]

pytestmark = [  # inside rdflib's parsers
    pytest.mark.filterwarnings("ignore:Dataset.default_context:DeprecationWarning"),
    pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning"),
]


def _build(path: Path) -> Path:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", "1700000000")
        with StoreBuilder(path) as builder:
            for sample in SAMPLES:
                builder.add(sample())
    return path


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _build(tmp_path_factory.mktemp("store"))


@pytest.fixture(scope="module")
def store(store_path: Path) -> ox.Store:
    return open_store(store_path)


def _export(store: ox.Store, fmt: str) -> bytes:
    out = io.BytesIO()
    export(store, fmt, out)
    return out.getvalue()


def _quads(data: bytes, fmt: str) -> set:
    dataset = Dataset()
    dataset.parse(data=data, format=fmt)
    quads = list(dataset.quads())
    assert len(quads) == len(set(quads))
    return set(quads)


def _claims_in(store: ox.Store) -> int:
    (row,) = store.query(
        "SELECT (COUNT(?c) AS ?n) { GRAPH ?g { ?c a <https://w3id.org/claimgraph/ns#Claim> } }"
    )
    return int(row["n"].value)


def test_turtle_is_isomorphic_to_the_union_of_the_store(store: ox.Store) -> None:
    distinct = {q.triple for q in store}
    parsed = Graph().parse(data=_export(store, "turtle"), format="turtle")
    assert len(parsed) == len(distinct)
    expected = Graph().parse(data=ox.serialize(distinct, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(parsed, expected)


def test_nquads_trig_and_jsonld_hold_every_quad_with_its_graph(store: ox.Store) -> None:
    reference = _quads(_export(store, "nquads"), "nquads")
    assert len(reference) == len(store)
    for fmt, rdflib_format in (("trig", "trig"), ("jsonld", "json-ld")):
        assert _quads(_export(store, fmt), rdflib_format) == reference, fmt
    graphs = {str(q[3]) for q in reference}
    assert len(graphs) == sum(1 for _ in store.named_graphs())


def test_jsonld_uses_the_shipped_context_and_short_keys(store: ox.Store) -> None:
    doc = json.loads(_export(store, "jsonld"))
    assert doc["@context"] == context()
    keys = {k for graph in doc["@graph"] for node in graph["@graph"] for k in node}
    assert {"@id", "@type", "speaker", "target", "claimType", "start", "exact", "prefLabel"} <= keys
    assert not [k for k in keys if ":" in k], "every predicate of the store has a term in context.jsonld"
    claim = next(n for g in doc["@graph"] for n in g["@graph"] if n.get("@type") == "Claim")
    assert claim["speaker"].startswith("entity:") and isinstance(claim["isDirect"], bool)
    # pyoxigraph reads it back too
    assert len(list(ox.parse(_export(store, "jsonld"), format=ox.RdfFormat.JSON_LD))) == len(store)


def test_the_context_names_every_property_and_class_of_the_ontology() -> None:
    terms = {k: (v if isinstance(v, str) else v["@id"]) for k, v in context().items()}
    for name in CG.__annotations__:
        assert terms.get(name) == f"cg:{name}", name


def test_nquads_sorted_in_runs_on_disk_are_the_same_bytes(store: ox.Store, monkeypatch) -> None:
    whole = _export(store, "nquads")
    assert whole.splitlines() == sorted(whole.splitlines())
    monkeypatch.setattr(rdf_export, "SORT_RUN", 100)  # a few dozen runs merged from temporary files
    assert _export(store, "nquads") == whole


def test_graphml_and_gexf_load_in_networkx_with_typed_attributes(store: ox.Store) -> None:
    network = load_network(store)
    collapsed = collapse(network)
    assert collapsed.number_of_edges() < network.number_of_edges()  # Lutnick's two claims, one edge
    for fmt, read in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        G = read(io.BytesIO(_export(store, fmt)))
        assert (G.number_of_nodes(), G.number_of_edges()) == (
            network.number_of_nodes(),
            collapsed.number_of_edges(),
        ), fmt
        node = G.nodes["Howard Lutnick"]
        assert node["label"] == "Howard Lutnick" and node["type"] == "PERSON" and node["mentions"] == 3
        assert "卢特尼克" in node["aliases"].split(" | ")
        edges = [d for u, v, d in G.edges(data=True) if (u, v) == ("Howard Lutnick", "usa")]
        assert sorted((d["claim_type"], d["count"]) for d in edges) == [("demand", 2)], fmt
        d = edges[0]
        assert isinstance(d["count"], int) and isinstance(d["quote_start"], int) and d["weight"] == 2.0
        assert d["quote"] == "美国公司必须停止帮助中国" and d["doc"] == "news 1.txt"
        # the first claim is undated (news 1 has no metadata); its later repeat is dated by its document
        published = {r["doc"]: r for r in records(store) if r["kind"] == "document" and r["published"]}
        (later,) = published.values()
        assert (d["date"], d["title"], d["first_date"]) == ("", "", later["published"]), fmt
        assert d["last_date"] == later["published"]


def test_csv_tables_load_with_the_csv_module_and_hold_every_claim(store: ox.Store, tmp_path: Path) -> None:
    folder = tmp_path / "tables"
    assert export_to(store, "csv", folder) == _claims_in(store)
    tables = {}
    for name, header in export_csv.HEADERS.items():
        with open(folder / name, encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == header, name
        tables[name] = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    claims = tables["claims.csv"]
    assert len(claims) == _claims_in(store)
    assert len({c["id:ID(Claim)"] for c in claims}) == len(claims)
    assert len(tables["claim_speakers.csv"]) == len(claims)
    assert len(tables["claim_targets.csv"]) == sum(len(c["targets:string[]"].split(";")) for c in claims)
    # every relationship ends at a node of the right file, as neo4j-admin import requires
    ids = {
        "Document": {r["id:ID(Document)"] for r in tables["documents.csv"]},
        "Entity": {r["id:ID(Entity)"] for r in tables["entities.csv"]},
        "Claim": {r["id:ID(Claim)"] for r in claims},
    }
    for name in ("claim_speakers.csv", "claim_targets.csv", "mentions.csv", "publishers.csv"):
        for row in tables[name]:
            for column, value in row.items():
                if column.startswith((":START_ID(", ":END_ID(")):
                    assert value in ids[column.split("(")[1].rstrip(")")], (name, value)
    lutnick = next(r for r in tables["entities.csv"] if r["id:ID(Entity)"] == "Howard Lutnick")
    assert lutnick[":LABEL"] == "Entity;Person" and lutnick["mentions:int"] == "3"
    author = next(r for r in tables["entities.csv"] if r["type"] == "AUTHOR")
    assert author[":LABEL"] == "Entity;Author"
    floor2 = next(c for c in claims if c["post:int"] == "2")
    assert floor2["date"] == "2025-01-28T10:05:00" and floor2[":LABEL"].startswith("Claim;")
    # a document's metadata, its outlet as a relationship, and its date on each of its claims
    published = [d for d in tables["documents.csv"] if d["published"]]
    assert published and all(d["title"] and d["outlet"] in ids["Entity"] for d in published)
    assert {(r[":START_ID(Document)"], r[":END_ID(Entity)"]) for r in tables["publishers.csv"]} == {
        (d["id:ID(Document)"], d["outlet"]) for d in tables["documents.csv"] if d["outlet"]
    }
    for d in published:
        assert {c["date"] for c in claims if c["doc"] == d["id:ID(Document)"]} == {d["published"]}


def test_csv_zip_holds_the_same_tables_and_is_deterministic(store: ox.Store, tmp_path: Path) -> None:
    export_to(store, "csv", tmp_path / "tables")
    export_to(store, "csv", tmp_path / "a.zip")
    export_to(store, "csv", tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(tmp_path / "a.zip") as zf:
        assert zf.namelist() == list(export_csv.HEADERS)
        for name in zf.namelist():
            assert zf.read(name) == (tmp_path / "tables" / name).read_bytes(), name


def test_a_failed_csv_export_keeps_the_previous_folder(store: ox.Store, tmp_path: Path, monkeypatch) -> None:
    folder = tmp_path / "tables"
    export_to(store, "csv", folder)
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def half(recs, out: Path) -> int:
        (out / "claims.csv").write_text("id:ID(Claim)\n")
        raise OSError("disk full")

    monkeypatch.setattr(export_csv, "write_tables", half)
    with pytest.raises(OSError, match="disk full"):
        export_to(store, "csv", folder)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["tables"]  # no temporary folder left


def test_every_export_is_the_same_bytes_from_another_store_of_the_same_input(
    store: ox.Store, tmp_path: Path
) -> None:
    other = open_store(_build(tmp_path / "again"))
    for fmt in STREAMS:
        assert _export(store, fmt) == _export(other, fmt), fmt


def test_the_command_writes_each_format_and_refuses_csv_on_stdout(store_path: Path, tmp_path: Path) -> None:
    def run(*args: str):
        return CliRunner().invoke(main, ["--store", str(store_path), "export", *args])

    for fmt in STREAMS:
        out = tmp_path / f"out.{fmt}"
        result = run("--format", fmt, "-o", str(out))
        assert result.exit_code == 0 and out.stat().st_size > 0, (fmt, result.output)
    stdout = run("--format", "trig")
    assert stdout.exit_code == 0 and "@prefix" in stdout.output
    refused = run("--format", "csv", "-o", "-")
    assert refused.exit_code == 1 and "-o FOLDER or -o FILE.zip" in refused.output
    assert run("--format", "csv", "-o", str(tmp_path / "t.zip")).exit_code == 0
    assert zipfile.is_zipfile(tmp_path / "t.zip")
