"""Every shipped query, run through ``claimgraph query --name`` on the seeds, answers what it says.

Expected figures are computed from the JSON Lines export of the same store, never typed in, so the
tests hold while extraction improves; docs/model.md's worked example must be this build's answer.
"""

from __future__ import annotations

import json
import statistics
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, PROV, RDF, SKOS

from cli import main
from extract.errors import ClaimgraphError
from extract.records import AUTHOR, Entity
from graph.sparql import queries
from graph.sparql.query import paged
from graph.store.duplicates import statement_keys
from graph.store.rdf import EntityDescriptions
from graph.store.store import open_store
from graph.store.vocab import CG, ONTOLOGY, author_iri, entity_id, entity_iri
from tests.scripts import load_script

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
INJECTION = 'x" } ; DROP ALL ; #'


DOCS = load_script(ROOT / "docs" / "model.py")


def run(*args: str, store: Path):
    return CliRunner().invoke(main, ["--store", str(store), *args], catch_exceptions=False)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds, built as docs/model.md shows them: relative paths and a fixed build time."""
    path = tmp_path_factory.mktemp("store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SOURCE_DATE_EPOCH", DOCS.SOURCE_DATE_EPOCH)
        mp.chdir(ROOT)
        result = run("build", "seeds", "--no-progress", store=path)
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture(scope="module")
def records(store: Path) -> list[dict]:
    result = run("export", "--format", "jsonl", store=store)
    return [json.loads(line) for line in result.stdout.splitlines()]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in SEEDS.iterdir()}


def ask(store: Path, name: str, *params: str, page: tuple[int, int] | None = None) -> list[dict[str, str]]:
    """Rows of a shipped SELECT query through the CLI (W3C JSON results), each variable → its value;
    ``page`` is (--limit, --offset)."""
    args = ["query", "--name", name, "--format", "json"]
    for p in params:
        args += ["--param", p]
    if page is not None:
        args += ["--limit", str(page[0]), "--offset", str(page[1])]
    result = run(*args, store=store)
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    return [{k: v["value"] for k, v in row.items()} for row in answer["results"]["bindings"]]


def kinds(records: list[dict], kind: str) -> list[dict]:
    return [r for r in records if r["kind"] == kind]


def names(records: list[dict]) -> dict[str, str]:
    return {r["id"]: r["name"] for r in kinds(records, "entity")}


def iri(entity: str) -> str:
    return str(entity_iri(entity))


@cache
def _statement_keys(store: Path) -> dict[tuple[str, str], str]:
    opened = open_store(store)
    try:
        return statement_keys(opened)
    finally:
        opened.close()


def c_key(c: dict) -> str:
    return f"{c['doc']}#{c['start']},{c['end']}"


def statement(store: Path, c: dict) -> str:
    """The statement of a claim record: the key of the claim it repeats (``graph.store.duplicates``), else
    its own ``doc#start,end``; counted once however many documents repeat it."""
    key = f"{c['doc']}#{c['start']},{c['end']}"
    return _statement_keys(store).get((key, c["speaker"]), key)


# ---------------------------------------------------------------- one check per shipped query


def check_claims_by_speaker(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    claims = kinds(records, "claim")
    lutnick = [c for c in claims if c["speaker"] == "howard_lutnick"]
    rows = ask(store, "claims-by-speaker", "entity=Howard Lutnick")
    assert len(rows) == len(lutnick) >= 5
    assert {r["speaker"] for r in rows} == {"Howard Lutnick"}
    assert {r["entity"] for r in rows} == {iri("howard_lutnick")}
    assert sorted((r["doc"], int(r["start"]), int(r["end"])) for r in rows) == sorted(
        (c["doc"], c["start"], c["end"]) for c in lutnick
    )
    for r in rows:
        assert texts[r["doc"]][int(r["start"]) : int(r["end"])] == r["content"]
    # the same person by another name, script, case, or by IRI
    for value in ("howard lutnick", "卢特尼克", "盧特尼克", "entity:howard_lutnick", iri("howard_lutnick")):
        assert len(ask(store, "claims-by-speaker", f"entity={value}")) == len(rows), value
    # a document's unnamed author, by IRI
    doc = next(c["doc"] for c in claims if c["speaker"] == AUTHOR)
    authored = ask(store, "claims-by-speaker", f"entity={author_iri(doc)}")
    assert {r["speaker"] for r in authored} == {f"(author of {doc})"}
    assert len(authored) == sum(c["speaker"] == AUTHOR and c["doc"] == doc for c in claims)
    # a page is some documents with all their claims; the pages together are every claim, once
    pages = [ask(store, "claims-by-speaker", "entity=Howard Lutnick", page=(1, n)) for n in range(6)]
    assert all(len({r["doc"] for r in page}) == 1 for page in pages if page)
    assert sorted(r["claim"] for page in pages for r in page) == sorted(r["claim"] for r in rows)
    assert [page[0]["doc"] for page in pages if page] == sorted({r["doc"] for r in rows})


def check_claims_about(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    about = [c for c in kinds(records, "claim") if "deepseek" in c["targets"]]
    rows = ask(store, "claims-about", "entity=DeepSeek")
    assert len(rows) == len(about) >= 5
    assert {r["target"] for r in rows} == {"DeepSeek"}
    assert sorted((r["doc"], int(r["start"])) for r in rows) == [(r["doc"], int(r["start"])) for r in rows]
    first = ask(store, "claims-about", "entity=DeepSeek", page=(2, 0))
    assert len({r["doc"] for r in first}) == 2 and set(map(str, first[0].values())) <= {
        v for r in rows for v in r.values()
    }


def check_who_accused_whom(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "who-accused-whom")
    assert any(r["speaker"] == "Howard Lutnick" and r["target"] == "DeepSeek" for r in rows)
    accusations = [c for c in kinds(records, "claim") if c["type"] == "accusation"]
    statements: dict[tuple[str, str], set[str]] = {}
    documents: dict[tuple[str, str], set[str]] = {}
    for c in accusations:
        accuser = str(author_iri(c["doc"])) if c["speaker"] == AUTHOR else iri(c["speaker"])
        for target in c["targets"]:
            statements.setdefault((accuser, iri(target)), set()).add(statement(store, c))
            documents.setdefault((accuser, iri(target)), set()).add(c["doc"])
    pairs = {pair: len(s) for pair, s in statements.items()}  # a story repeated elsewhere counts once
    assert {(r["accuser"], r["accused"]): int(r["accusations"]) for r in rows} == pairs
    lutnick = (iri("howard_lutnick"), iri("deepseek"))
    assert pairs[lutnick] < sum(
        1 for c in accusations if c["speaker"] == "howard_lutnick" and "deepseek" in c["targets"]
    )
    assert {(r["accuser"], r["accused"]): int(r["documents"]) for r in rows} == {
        pair: len(docs) for pair, docs in documents.items()
    }
    counts = [int(r["accusations"]) for r in rows]
    assert counts == sorted(counts, reverse=True)
    both = ask(store, "who-accused-whom", "accuser=Howard Lutnick", "accused=deepseek")
    assert [(r["accuser"], r["accused"], int(r["accusations"])) for r in both] == [
        (iri("howard_lutnick"), iri("deepseek"), pairs[iri("howard_lutnick"), iri("deepseek")])
    ]
    assert len(ask(store, "who-accused-whom", page=(3, 1))) == 3


def check_denials(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "denials")
    denials = [c for c in kinds(records, "claim") if c["type"] == "denial"]
    assert len({r["claim"] for r in rows}) == len(denials) >= 2
    # each denial once on its own row (no answer), then once per claim it answers
    own = Counter(r["claim"] for r in rows if not r["how"])
    assert len(own) == len(denials) and set(own.values()) == {1}
    assert all("answers" not in r for r in rows if not r["how"])
    # Nvidia denies what Alexandr Wang accused DeepSeek of, earlier in the same article
    assert any(
        r["speaker"] == "Nvidia"
        and r.get("answeredSpeaker") == "Alexandr Wang"
        and r["answeredType"] == "accusation"
        for r in rows
    )
    # a forum reply denies the post it quotes
    quoted = [r for r in rows if r.get("how") == "quoted in the reply"]
    assert quoted and all(r["answeredSpeaker"] == "sellboy" for r in quoted)
    assert any(r["answered"] == "欧盟跟随立法呀" for r in quoted)
    for r in rows:
        assert r.get("answers") != r["claim"]


def check_top_speakers(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "top-speakers")
    per_speaker = Counter(
        c["speaker"]
        for c in kinds(records, "claim")
        if c["speaker"] != AUTHOR and statement(store, c) == c_key(c)
    )
    top = rows[0]
    assert entity_id(top["entity"]) in names(records)
    assert top["speaker"] == names(records)[entity_id(top["entity"])]
    assert int(top["claims"]) == max(per_speaker.values()) == per_speaker[entity_id(top["entity"])]
    assert {entity_id(r["entity"]): int(r["claims"]) for r in rows} == dict(per_speaker)
    people = ask(store, "top-speakers", "type=PERSON")
    assert people and {r["type"] for r in people} == {"PERSON"}


def check_entities_by_type(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "entities-by-type", page=(10_000, 0))
    assert len(ask(store, "entities-by-type")) == 100 < len(rows)  # the first page: the most mentioned
    assert ask(store, "entities-by-type")[0] == rows[0]
    mentions = Counter(m["entity"] for m in kinds(records, "mention"))
    entities = kinds(records, "entity")
    assert {entity_id(r["entity"]): int(r["mentions"]) for r in rows} == {
        e["id"]: mentions[e["id"]] for e in entities
    }
    documents = {
        e["id"]: len({m["doc"] for m in kinds(records, "mention") if m["entity"] == e["id"]})
        for e in entities
    }
    assert {entity_id(r["entity"]): int(r["documents"]) for r in rows} == documents
    laws = ask(store, "entities-by-type", "type=LAW", page=(10_000, 0))
    assert len(laws) == sum(e["type"] == "LAW" for e in entities) > 0
    assert {r["type"] for r in laws} == {"LAW"}


def check_claim_sources(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "claim-sources", f"claim={DOCS.EXAMPLE_CLAIM}")
    assert rows[0]["same"] == "true" and rows[0]["other"] == DOCS.EXAMPLE_CLAIM
    assert len({r["doc"] for r in rows}) >= 2  # the article, and its repost in the forum thread
    for r in rows:
        text, start, end = texts[r["doc"]], int(r["start"]), int(r["end"])
        assert text[start:end] == r["exact"]
        assert text[:start].endswith(r.get("prefix", "")) and text[end:].startswith(r.get("suffix", ""))
    claim = next(
        c for c in kinds(records, "claim") if DOCS.EXAMPLE_CLAIM.endswith(f"#claim={c['start']},{c['end']}")
    )
    same = [
        c
        for c in kinds(records, "claim")
        if (c["speaker"], c["type"], sorted(c["targets"]))
        == (claim["speaker"], claim["type"], sorted(claim["targets"]))
    ]
    assert len(rows) == len(same)


def check_claims_in_date_range(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    times = {(p["doc"], p["floor"]): p["time"] for p in kinds(records, "post") if p["time"]}
    dated = [(c["date"][:10], c) for c in kinds(records, "claim") if c["date"]]
    assert dated
    assert all(c["date"] == times[c["doc"], c["post"]] for _, c in dated if (c["doc"], c["post"]) in times)
    everything = ask(store, "claims-in-date-range", page=(10_000, 0))
    assert len(everything) == len(dated)
    first = ask(store, "claims-in-date-range")  # the 200 earliest dated claims
    assert first == everything[: len(first)] and len(first) <= 200
    since = ask(store, "claims-in-date-range", "since=2025-02-01", page=(10_000, 0))
    assert since and all(r["day"] >= "2025-02-01" for r in since)
    assert len(since) == sum(day >= "2025-02-01" for day, _ in dated)
    window = ask(store, "claims-in-date-range", "since=2025-01-31", "until=2025-01-31", page=(10_000, 0))
    assert window and {r["day"] for r in window} == {"2025-01-31"}
    assert len(window) == sum(day == "2025-01-31" for day, _ in dated)
    assert ask(store, "claims-in-date-range", "until=1999-12-31") == []


def check_co_mentions(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "co-mentions", "entity=DeepSeek")
    together: dict[str, set[str]] = {}
    for c in kinds(records, "claim"):
        if "deepseek" in c["targets"]:
            for other in set(c["targets"]) - {"deepseek"}:
                together.setdefault(other, set()).add(statement(store, c))
    assert {entity_id(r["other"]): int(r["claims"]) for r in rows} == {e: len(s) for e, s in together.items()}
    assert any(r["with"] == "United States" for r in rows)
    assert int(rows[0]["claims"]) == max(map(len, together.values()))


def check_laws(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    rows = ask(store, "laws")
    laws = {e["id"] for e in kinds(records, "entity") if e["type"] == "LAW"}
    assert {entity_id(r["entity"]) for r in rows} == laws
    stances = {
        "demand": "proposed",
        "support": "supported",
        "criticism": "criticised",
        "accusation": "criticised",
    }
    expected: dict[str, Counter[str]] = {law: Counter() for law in laws}
    for c in kinds(records, "claim"):
        for law in laws & set(c["targets"]):
            expected[law][stances.get(c["type"], "other")] += 1
    for r in rows:
        counts = expected[entity_id(r["entity"])]
        assert {k: int(r[k]) for k in ("proposed", "supported", "criticised", "other")} == {
            k: counts[k] for k in ("proposed", "supported", "criticised", "other")
        }, r["law"]
        assert int(r["claims"]) == sum(counts.values())
    hawley = "Decoupling America's Artificial Intelligence Capabilities from China Act"  # S.321
    assert any(r["law"] == hawley and int(r["proposed"]) >= 1 for r in rows)
    mentions = Counter(m["entity"] for m in kinds(records, "mention"))
    assert all(int(r["mentions"]) == mentions[entity_id(r["entity"])] for r in rows)
    one = ask(store, "laws", "entity=S.321")
    assert one and {r["law"] for r in one} == {hawley}


def check_claim_provenance(store: Path, records: list[dict], texts: dict[str, str]) -> None:
    result = run("query", "--name", "claim-provenance", "--param", f"claim={DOCS.EXAMPLE_CLAIM}", store=store)
    assert result.exit_code == 0, result.output
    g = Graph().parse(data=result.stdout, format="turtle")
    claim = URIRef(DOCS.EXAMPLE_CLAIM)
    assert (claim, RDF.type, CG.Claim) in g
    assert (claim, CG.claimType, CG.Accusation) in g
    speaker = g.value(claim, CG.speaker)
    assert g.value(speaker, SKOS.prefLabel) == Literal("Howard Lutnick")
    assert {g.value(t, SKOS.prefLabel) for t in g.objects(claim, CG.target)} >= {Literal("DeepSeek")}
    extraction = g.value(claim, PROV.wasGeneratedBy)
    assert g.value(extraction, PROV.used) == g.value(claim, PROV.wasDerivedFrom)
    agent = g.value(extraction, PROV.wasAssociatedWith)
    assert g.value(agent, OWL.versionInfo) is not None
    assert g.value(extraction, PROV.startedAtTime).toPython() == datetime(2025, 1, 31, tzinfo=UTC)
    nt = run(
        "query",
        "--name",
        "claim-provenance",
        "--param",
        f"claim={DOCS.EXAMPLE_CLAIM}",
        "--format",
        "ntriples",
        store=store,
    )
    assert len(Graph().parse(data=nt.stdout, format="nt")) == len(g)


CHECKS: dict[str, Callable[[Path, list[dict], dict[str, str]], None]] = {
    "claims-by-speaker": check_claims_by_speaker,
    "claims-about": check_claims_about,
    "who-accused-whom": check_who_accused_whom,
    "denials": check_denials,
    "top-speakers": check_top_speakers,
    "entities-by-type": check_entities_by_type,
    "claim-sources": check_claim_sources,
    "claims-in-date-range": check_claims_in_date_range,
    "co-mentions": check_co_mentions,
    "laws": check_laws,
    "claim-provenance": check_claim_provenance,
}


def test_every_shipped_query_has_a_check() -> None:
    assert sorted(queries.shipped()) == sorted(CHECKS)
    assert len(CHECKS) >= 10


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_shipped_query(name: str, store: Path, records: list[dict], texts: dict[str, str]) -> None:
    CHECKS[name](store, records, texts)


# ---------------------------------------------------------------- headers, binding, formats, safety


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_header_is_complete_and_every_parameter_binds(name: str, store: Path) -> None:
    q = queries.named(name)
    assert q.name == name and q.description and "\n" not in q.description
    assert q.form in ("SELECT", "CONSTRUCT")
    sample = {
        "IRI": "entity:deepseek",
        "IRI or name": "DeepSeek",
        "xsd:date": "2025-01-31",
        "xsd:dateTime": "2025-01-31T09:30:00",
        "xsd:integer": "3",
        "string": "ORG",
    }
    values = {p.name: sample[p.kind] for p in q.params}
    queries.execute(open_store(store), q.sparql, values)  # pyoxigraph refuses a variable it cannot bind


@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json", "xml"])
def test_every_select_query_writes_every_result_format(fmt: str, store: Path) -> None:
    for q in queries.shipped().values():
        if q.form != "SELECT" or any(p.required for p in q.params):
            continue
        result = run("query", "--name", q.name, "--format", fmt, store=store)
        assert result.exit_code == 0 and result.stdout, (q.name, result.output)


def test_the_worked_example_of_the_model_is_this_builds_answer(store: Path) -> None:
    documented = DOCS.section(DOCS.MODEL.read_text(encoding="utf-8"), "example")
    assert documented == DOCS.example_turtle(open_store(store)), "run: .venv/bin/python docs/model.py"


def test_the_query_list_of_the_docs_is_current() -> None:
    documented = DOCS.section(DOCS.QUERIES.read_text(encoding="utf-8"), "queries")
    assert documented == DOCS.queries_markdown(), "run: .venv/bin/python docs/model.py"
    timings = DOCS.section(DOCS.QUERIES.read_text(encoding="utf-8"), "timings")
    assert all(f"`{name}`" in timings for name in queries.shipped()), (
        "run: .venv/bin/python docs/model.py --time"
    )


def test_every_term_the_seeds_use_is_documented(store: Path) -> None:
    """Each predicate and class of the data (the ontology graph aside) is named in docs/model.md."""
    model = DOCS.MODEL.read_text(encoding="utf-8")
    data = [q for q in open_store(store) if q.graph_name.value != str(ONTOLOGY)]
    used = {q.predicate.value for q in data} | {
        q.object.value for q in data if q.predicate.value == str(RDF.type)
    }
    assert sorted(DOCS.curie(t) for t in used - {str(RDF.type)} if f"`{DOCS.curie(t)}`" not in model) == []


def test_parameters_are_bound_as_terms_not_pasted_into_the_query(store: Path, records: list[dict]) -> None:
    before = len(open_store(store))
    result = run(
        "query",
        "--name",
        "claims-by-speaker",
        "--param",
        f"entity={INJECTION}",
        "--format",
        "json",
        store=store,
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["results"]["bindings"] == []
    assert "no entity is named" in result.stderr
    own = "SELECT ?claim ?text WHERE { ?claim cg:content ?text }"
    result = run("query", own, "--param", f"text={INJECTION}", "--format", "json", store=store)
    assert result.exit_code == 0 and json.loads(result.stdout)["results"]["bindings"] == []
    result = run(
        "query", "--name", "entities-by-type", "--param", f"type={INJECTION}", "--format", "json", store=store
    )
    assert result.exit_code == 0 and json.loads(result.stdout)["results"]["bindings"] == []
    assert len(open_store(store)) == before
    assert len(ask(store, "claims-by-speaker", "entity=Howard Lutnick")) > 0


def test_list_shows_every_query_with_its_description(store: Path) -> None:
    result = run("query", "--list", store=store)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert len(lines) == len(queries.shipped())
    for line, q in zip(lines, queries.shipped().values(), strict=True):
        assert line.startswith(q.name) and q.description in line


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "claims-by-speakr"], "did you mean claims-by-speaker"),
        (["--name", "claims-by-speaker", "--param", "speaker=x"], "no parameter ?speaker"),
        (["--name", "claim-sources"], "needs ?claim"),
        (["--name", "claims-in-date-range", "--param", "since=31/01/2025"], "expected a date"),
        (["--name", "claim-sources", "--param", "claim=not an iri"], "expected an IRI"),
        (["--name", "laws", "--param", "entity"], "NAME=VALUE"),
        (["SELECT ?c WHERE { ?c a cg:Claim }", "--param", "x=1"], "add them to the SELECT clause"),
    ],
)
def test_mistakes_are_named_with_their_fix(args: list[str], message: str, store: Path) -> None:
    result = run("query", *args, store=store)
    assert result.exit_code == 1 and message in result.output, result.output


def test_query_needs_exactly_one_query(store: Path) -> None:
    assert run("query", store=store).exit_code == 2
    assert run("query", "ASK {}", "--name", "laws", store=store).exit_code == 2


def test_shipped_queries_answer_well_under_a_second(store: Path) -> None:
    graph = open_store(store)
    for q in queries.shipped().values():
        values = queries.parse_params(DOCS.SAMPLE_PARAMS[q.name])
        runs = []
        for _ in range(3):
            start = time.perf_counter()
            list(queries.execute(graph, q.sparql, values))
            runs.append(time.perf_counter() - start)
        assert statistics.median(runs) < 0.5, q.name


# ---------------------------------------------------------------- typing of values


@pytest.mark.parametrize(
    ("value", "kind", "expected"),
    [
        (
            "2025-01-31",
            "xsd:date",
            ox.Literal("2025-01-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        (
            "2025-01-31",
            None,
            ox.Literal("2025-01-31", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
        ),
        ("12", None, ox.Literal("12", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        ("12", "string", ox.Literal("12")),
        ("1.5", None, ox.Literal("1.5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))),
        ("true", None, ox.Literal("true", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))),
        ("https://example.org/x", None, ox.NamedNode("https://example.org/x")),
        ("<https://example.org/x>", "IRI", ox.NamedNode("https://example.org/x")),
        ("cg:Accusation", None, ox.NamedNode(str(CG.Accusation))),
        ("Re: hello", None, ox.Literal("Re: hello")),
        ("Howard Lutnick", "IRI or name", ox.Literal("Howard Lutnick")),
        (INJECTION, None, ox.Literal(INJECTION)),
    ],
)
def test_values_are_typed_by_kind_or_shape(value: str, kind: str | None, expected: object) -> None:
    assert queries.term("v", value, kind) == expected


def test_a_name_of_several_entities_is_refused() -> None:
    """Two entities share an alias; each is found alone by its own name, in either script."""
    descriptions = EntityDescriptions()
    entities = [Entity(e, "ORG", e.upper(), aliases=["商务部"]) for e in ("a", "b")]
    descriptions.add(entities, {iri("a"), iri("b")})
    store = ox.Store()
    store.extend(descriptions.quads())
    assert queries.resolve_entity(store, "a") == [ox.NamedNode(iri("a"))]
    assert queries.resolve_entity(store, "商務部") == [ox.NamedNode(iri("a")), ox.NamedNode(iri("b"))]
    sparql = queries.named("claims-by-speaker").sparql
    with pytest.raises(ClaimgraphError, match="fits 2 entities"):
        queries.bind(store, sparql, {"entity": "商务部"})
    assert queries.bind(store, sparql, {"entity": "B"}) == {"entity": ox.NamedNode(iri("b"))}


def test_a_page_is_set_in_the_querys_one_limit_and_offset(store: Path) -> None:
    assert paged("SELECT * { ?s ?p ?o } OFFSET 5", 2) == "SELECT * { ?s ?p ?o } LIMIT 2 OFFSET 5"
    assert paged("SELECT * { ?s ?p ?o } LIMIT 9", offset=4) == "SELECT * { ?s ?p ?o } LIMIT 9 OFFSET 4"
    with pytest.raises(ClaimgraphError, match="several LIMIT"):
        paged("SELECT * { { SELECT ?s { ?s ?p ?o } LIMIT 1 } } LIMIT 2", 3)
    own = run("query", "SELECT ?c { ?c a cg:Claim }", "--limit", "3", "--format", "csv", store=store)
    assert own.exit_code == 0 and len(own.stdout.splitlines()) == 1 + 3
    assert run("query", "--name", "laws", "--limit", "-1", store=store).exit_code == 2
