"""The project's NER: corpus conversion (label mapping, alignment, split) and the shipped model."""

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import DocBin

from extract.ner import MODEL_DIR, add_ner, load_model
from extract.ner.corpora import (
    DEV,
    HELDOUT,
    TRAIN,
    blank_nlp,
    convert,
    is_place_name,
    map_cluener,
    read_cluener,
    read_peoples_daily,
)

CLUENER_ROWS = [
    {
        "text": "张小明在杭州市创办了蓝鲸科技公司。",
        "label": {
            "name": {"张小明": [[0, 2]]},
            "address": {"杭州市": [[4, 6]]},
            "company": {"蓝鲸科技公司": [[10, 15]]},
        },
    },
    {
        "text": "市教育局局长读完《海边的灯塔》后去了人民路12号。",
        "label": {
            "government": {"市教育局": [[0, 3]]},
            "position": {"局长": [[4, 5]]},
            "book": {"《海边的灯塔》": [[8, 14]]},
            "address": {"人民路12号": [[18, 23]]},
        },
    },
    {
        "text": "OpenAI与英国队比赛",
        "label": {"company": {"OpenAI": [[0, 5]]}, "organization": {"英国队": [[7, 9]]}},
    },
]
PEOPLES_DAILY = (
    "李 B-PER\n华 I-PER\n访 O\n问 O\n南 B-LOC\n京 I-LOC\n\n新 B-ORG\n华 I-ORG\n社 I-ORG\n报 O\n道 O\n\n"
)


def ents(doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def missing(doc) -> list[str]:
    return [t.text for t in doc if t.ent_iob == 0]


@pytest.fixture
def corpora_dir(tmp_path: Path) -> Path:
    (tmp_path / "cluener").mkdir()
    (tmp_path / "cluener" / "train.jsonl").write_text(
        "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in CLUENER_ROWS), "utf-8"
    )
    (tmp_path / "peoples_daily").mkdir()
    (tmp_path / "peoples_daily" / "example.dev").write_text(PEOPLES_DAILY, "utf-8")
    (tmp_path / "peoples_daily" / "example.test").write_text(PEOPLES_DAILY.split("\n\n")[1] + "\n\n", "utf-8")
    return tmp_path


def test_cluener_mapping(corpora_dir: Path) -> None:
    records = [record for record, _ in read_cluener(corpora_dir / "cluener" / "train.jsonl")]
    assert records[0][1] == [(0, 3, "PERSON"), (4, 7, "GPE"), (10, 16, "ORG")]
    # government -> ORG; position and book dropped (O); a street address is left unannotated
    assert records[1][1] == [(0, 4, "ORG"), (18, 24, "-")]
    assert map_cluener("scene", "西湖") == "-"
    assert [is_place_name(m) for m in ("美国", "江西省余干县", "新德里", "三里屯", "人民路12号")] == [
        True,
        True,
        True,
        False,
        False,
    ]


def test_peoples_daily_mapping(corpora_dir: Path) -> None:
    assert list(read_peoples_daily(corpora_dir / "peoples_daily" / "example.dev")) == [
        ("李华访问南京", [(0, 2, "PERSON"), (4, 6, "GPE")]),
        ("新华社报道", [(0, 3, "ORG")]),
    ]


def test_convert_writes_docbins(corpora_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    report = convert(corpora_dir, out, seed=0, heldout_fraction=0.34, dev_fraction=0.0)
    nlp = blank_nlp()

    def docs(name: str) -> dict[str, spacy.tokens.Doc]:
        return {d.text: d for d in DocBin().from_disk(out / name).get_docs(nlp.vocab)}

    train, heldout_cluener = docs(TRAIN), docs(HELDOUT["cluener"])
    assert docs(DEV) == {}
    assert len(heldout_cluener) == 1 and not set(heldout_cluener) & set(train)
    assert set(docs(HELDOUT["peoples_daily"])) == {"新华社报道"}
    everything = {**train, **heldout_cluener}
    assert ents(everything["张小明在杭州市创办了蓝鲸科技公司。"]) == [
        ("张小明", "PERSON"),
        ("杭州市", "GPE"),
        ("蓝鲸科技公司", "ORG"),
    ]
    street = everything["市教育局局长读完《海边的灯塔》后去了人民路12号。"]
    assert ents(street) == [("市教育局", "ORG")]
    assert missing(street) == ["人", "民", "路", "12", "号"]
    assert ents(everything["OpenAI与英国队比赛"]) == [("OpenAI", "ORG"), ("英国队", "ORG")]
    assert ents(train["李华访问南京"]) == [("李华", "PERSON"), ("南京", "GPE")]
    assert report["cluener_dropped_types"] == {"position": 1, "book": 1}
    assert report[HELDOUT["peoples_daily"]]["entities"] == {"ORG": 1}


def test_char_span_expands_to_project_tokens(tmp_path: Path) -> None:
    row = {"text": "用GPT-4o的人", "label": {"company": {"GPT": [[1, 3]]}}}
    (tmp_path / "cluener").mkdir()
    (tmp_path / "cluener" / "train.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    (tmp_path / "peoples_daily").mkdir()
    for name in ("example.dev", "example.test"):
        (tmp_path / "peoples_daily" / name).write_text("", "utf-8")
    convert(tmp_path, tmp_path / "out", heldout_fraction=0.0, dev_fraction=0.0)
    (doc,) = DocBin().from_disk(tmp_path / "out" / TRAIN).get_docs(blank_nlp().vocab)
    assert ents(doc) == [("GPT-4o", "ORG")]


@pytest.fixture(scope="module")
def model() -> spacy.language.Language:
    return load_model()


def test_shipped_model_is_small_and_documented() -> None:
    size = sum(f.stat().st_size for f in MODEL_DIR.rglob("*") if f.is_file())
    assert size < 10_000_000
    meta = json.loads((MODEL_DIR / "meta.json").read_text("utf-8"))
    assert meta["labels"]["ner"] == ["GPE", "ORG", "PERSON"]
    assert "research use" in meta["license"]
    scores = json.loads((MODEL_DIR / "scores.json").read_text("utf-8"))
    assert set(scores["heldout"]) == {"cluener", "peoples_daily"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "据新华社报道，华为公司总裁任正非昨天在深圳会见了来访的法国客人。",
            {("新华社", "ORG"), ("任正非", "PERSON"), ("深圳", "GPE"), ("法国", "GPE")},
        ),
        (
            "北京大学教授李明华今天在上海表示，人工智能发展需要更多投入。",
            {("北京大学", "ORG"), ("李明华", "PERSON"), ("上海", "GPE")},
        ),
        (
            "腾讯公司董事会主席马化腾与美国商务部官员在华盛顿举行了会谈。",
            {("腾讯公司", "ORG"), ("马化腾", "PERSON"), ("华盛顿", "GPE")},
        ),
        (
            "王小红说，她将前往成都参加四川大学的活动。",
            {("王小红", "PERSON"), ("成都", "GPE"), ("四川大学", "ORG")},
        ),
    ],
)
def test_shipped_model_finds_entities(model, text: str, expected: set[tuple[str, str]]) -> None:
    (doc,) = model.pipe([text])
    assert expected <= set(ents(doc))


def test_add_ner_before_resolver() -> None:
    from extract.pipeline import load_pipeline

    bare = load_pipeline.__wrapped__(statistical=False)  # a fresh pipeline, not the cached one
    assert "ner" not in bare.pipe_names
    add_ner(bare)
    nlp = load_pipeline()
    assert bare.pipe_names == nlp.pipe_names
    names = nlp.pipe_names
    assert names.index("ner") == names.index("claimgraph_resolver") - 1
    doc = nlp("北京大学教授李明华今天在上海表示，人工智能发展需要更多投入。")
    assert ("李明华", "PERSON") in ents(doc)
    assert "李明华" in {e.name for e in doc._.entities.values()}
