"""SHACL validation: every build conforms to shapes.ttl, a broken store does not, and the shapes, the
ontology and docs/model.md agree term by term."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, SH

from cli import main
from graph.store.store import open_store
from graph.store.validate import shapes_bytes, validate_store
from graph.store.vocab import CG, OA, claim_types, entity_classes, ontology_bytes
from tests.graph_sample import build_samples, forum, later, news
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SHAPES = Graph().parse(data=shapes_bytes(), format="turtle")
ONTOLOGY = Graph().parse(data=ontology_bytes(), format="turtle")


def run(*args: str, store: Path):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


def sample_store(path: Path) -> Path:
    """The three hand-made extractions of tests/graph_sample.py, built without spaCy."""
    build_samples(path, [news(), later(), forum()])
    return path


def break_store(path: Path, remove: list[ox.Quad], add: list[ox.Quad]) -> None:
    """Change a published store in place (what no build would write)."""
    store = open_store(path, read_only=False)
    for quad in remove:
        store.remove(quad)
    for quad in add:
        store.add(quad)
    store.flush()
    del store  # closes RocksDB before the next open


def first(path: Path, predicate: URIRef) -> ox.Quad:
    store = open_store(path)
    quad = next(iter(store.quads_for_pattern(None, ox.NamedNode(str(predicate)), None)))
    del store
    return quad


# ---------------------------------------------------------------- builds conform


def test_the_seeds_build_conforms(seeds_store: Path) -> None:
    result = run("validate", store=seeds_store)
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output


def test_a_build_of_html_and_legacy_encodings_conforms(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("news_big5.txt", "news_gb18030.txt", "utf16_bom.txt", "utf8_bom.md"):
        (folder / name).write_bytes((ROOT / "tests" / "data" / "bad_input" / name).read_bytes())
    (folder / "page.html").write_text(
        "<html><body><p>Anna Berg 周二<b>表示</b>，美国将限制英伟达的芯片出口。</p>"
        "<blockquote>张三 发表于 2025-01-30 10:00<br>美国不会限制。</blockquote>"
        "<p>她说：“中国必须回应。”</p></body></html>",
        encoding="utf-8",
    )
    assert run("build", str(folder), "--no-progress", store=tmp_path / "s").exit_code == 0
    assert run("validate", store=tmp_path / "s").exit_code == 0


def test_the_sample_build_conforms(tmp_path: Path) -> None:
    conforms, text, report = validate_store(open_store(sample_store(tmp_path)))
    assert conforms, text
    assert (None, SH.conforms, None) in report


# ---------------------------------------------------------------- broken stores do not


def test_a_claim_without_speaker_does_not_conform(tmp_path: Path) -> None:
    store = sample_store(tmp_path)
    speaker = first(store, CG.speaker)
    break_store(store, remove=[speaker], add=[])
    conforms, text, _ = validate_store(open_store(store))
    assert not conforms
    assert "cg:speaker" in text and speaker.subject.value in text
    result = run("validate", store=store)
    assert result.exit_code == 1
    assert "Constraint Violation" in result.output and "exactly one cg:speaker" in result.output


def test_a_span_that_ends_before_it_starts_does_not_conform(tmp_path: Path) -> None:
    store = sample_store(tmp_path)
    start = first(store, OA.start)
    end = int(
        next(
            iter(open_store(store).quads_for_pattern(start.subject, ox.NamedNode(str(OA.end)), None))
        ).object.value
    )
    moved = ox.Quad(start.subject, start.predicate, ox.Literal(end + 5), start.graph_name)
    break_store(store, remove=[start], add=[moved])
    result = run("validate", store=store)
    assert result.exit_code == 1
    assert "LessThanConstraintComponent" in result.output  # start < end
    assert "oa:exact has" in result.output  # the quote's length no longer fits the offsets


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ("exact", "is not the document's text"),
        ("type", "a cg:Person has cg:entityType PERSON"),
        ("language", "tagged @en, @zh-Hans or @zh-Hant"),
        ("claim type", "among the nine cg:ClaimType individuals"),
        ("target", "at least one cg:target"),
        ("time", "xsd:dateTime"),
    ],
)
def test_each_kind_of_damage_is_reported(change: str, expected: str, tmp_path: Path) -> None:
    store = sample_store(tmp_path)
    remove: list[ox.Quad] = []
    add: list[ox.Quad] = []
    if change == "exact":
        q = first(store, OA.exact)
        remove, add = (
            [q],
            [ox.Quad(q.subject, q.predicate, ox.Literal("x" * len(q.object.value)), q.graph_name)],
        )
    elif change == "type":
        person = ox.NamedNode(str(CG.Person))
        s = next(
            x.subject for x in open_store(store).quads_for_pattern(None, ox.NamedNode(str(RDF.type)), person)
        )
        q = next(iter(open_store(store).quads_for_pattern(s, ox.NamedNode(str(CG.entityType)), None)))
        remove, add = [q], [ox.Quad(q.subject, q.predicate, ox.Literal("ORG"), q.graph_name)]
    elif change == "language":
        q = first(store, CG.entityType)
        label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
        add = [ox.Quad(q.subject, label, ox.Literal("名前", language="ja"), q.graph_name)]
    elif change == "claim type":
        q = first(store, CG.claimType)
        remove, add = [q], [ox.Quad(q.subject, q.predicate, ox.NamedNode(str(CG.Person)), q.graph_name)]
    elif change == "target":
        q = first(store, CG.speaker)
        targets = open_store(store).quads_for_pattern(q.subject, ox.NamedNode(str(CG.target)), None)
        remove = list(targets)
    elif change == "time":
        q = first(store, URIRef("http://www.w3.org/ns/prov#startedAtTime"))
        remove, add = [q], [ox.Quad(q.subject, q.predicate, ox.Literal("yesterday"), q.graph_name)]
    break_store(store, remove, add)
    conforms, text, _ = validate_store(open_store(store))
    assert not conforms
    assert expected in text, text


def test_no_store_is_an_error_of_its_own(tmp_path: Path) -> None:
    result = run("validate", store=tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "claimgraph build" in result.output


def test_the_report_can_be_turtle(tmp_path: Path) -> None:
    store = sample_store(tmp_path)
    break_store(store, remove=[first(store, CG.speaker)], add=[])
    result = run("validate", "--format", "turtle", store=store)
    assert result.exit_code == 1
    report = Graph().parse(data=result.stdout, format="turtle")
    assert (None, SH.resultSeverity, SH.Violation) in report


# ---------------------------------------------------------------- shapes, ontology and docs agree


def _targets() -> dict[URIRef, set[URIRef]]:
    out: dict[URIRef, set[URIRef]] = {}
    for shape, cls in SHAPES.subject_objects(SH.targetClass):
        out.setdefault(cls, set()).add(shape)
    return out


def test_every_class_of_the_ontology_has_a_shape() -> None:
    classes = {c for c in ONTOLOGY.subjects(RDF.type, OWL.Class) if str(c).startswith(str(CG._NS))}
    assert sorted(classes - set(_targets())) == []


def test_each_entity_class_requires_its_own_type_code() -> None:
    targets = _targets()
    for code, cls in entity_classes().items():
        values = {
            SHAPES.value(p, SH.hasValue)
            for shape in targets[cls]
            for p in SHAPES.objects(shape, SH.property)
            if SHAPES.value(p, SH.path) == CG.entityType
        }
        assert {str(v) for v in values if v is not None} == {code}, cls
    (listed,) = [
        Collection(SHAPES, SHAPES.value(p, SH["in"]))
        for p in SHAPES.objects(next(iter(targets[CG.Entity])), SH.property)
        if SHAPES.value(p, SH.path) == CG.entityType
    ]
    assert sorted(str(v) for v in listed) == sorted(entity_classes())


def test_the_claim_types_of_the_shapes_are_the_ontologys() -> None:
    lists = [Collection(SHAPES, o) for o in SHAPES.objects(None, SH["in"])]
    claim_lists = [sorted(map(str, items)) for items in lists if CG.Accusation in list(items)]
    assert len(claim_lists) == 2  # on cg:claimType, and on the cg:ClaimType individuals
    for items in claim_lists:
        assert items == sorted(map(str, claim_types().values()))


def test_the_model_doc_lists_every_term_of_the_ontology() -> None:
    docs = load_script(ROOT / "docs" / "model.py")
    model = docs.MODEL.read_text(encoding="utf-8")
    assert docs.section(model, "terms") == docs.terms_markdown(), "run: .venv/bin/python docs/model.py"
    assert docs.section(model, "figure") == docs.figure_mermaid(), "run: .venv/bin/python docs/model.py"
    defined = {s for s in ONTOLOGY.subjects(RDF.type, None) if str(s).startswith(str(CG._NS))}
    for term in defined:
        assert f"`{docs.curie(term)}`" in docs.section(model, "terms"), term
