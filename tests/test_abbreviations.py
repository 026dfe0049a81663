"""Joint abbreviations of countries (extract/data/abbreviations.json): 中美关系 names China and the US."""

import pytest

from extract.entity_rules import abbreviation_matches
from extract.lexicon import abbreviations, gazetteer
from tests.extraction_helpers import extract_text

RULES = abbreviations()


@pytest.mark.parametrize(("text", "want"), RULES.examples, ids=[t for t, _ in RULES.examples])
def test_examples(text: str, want: tuple[str, ...]) -> None:
    assert tuple(text[s:e] for s, e, _ in abbreviation_matches(text)) == want


@pytest.mark.parametrize("text", RULES.counter_examples)
def test_counter_examples(text: str) -> None:
    assert list(abbreviation_matches(text)) == []


def test_every_abbreviation_is_one_simplified_character_of_a_place() -> None:
    for entry in gazetteer():
        for char in entry.abbreviations:
            assert len(char) == 1 and entry.type == "GPE", entry.id
    assert set(RULES.partners) <= set(RULES.ids)


def test_each_character_is_a_mention_of_its_country() -> None:
    x = extract_text("两国外长会晤后，中美关系有所缓和，美日同盟则面临考验。")
    found = [(m.text, m.entity, m.type) for m in x.mentions]
    assert found == [
        ("中", "china", "GPE"),
        ("美", "usa", "GPE"),
        ("美", "usa", "GPE"),
        ("日", "japan", "GPE"),
    ]


def test_traditional_script() -> None:
    x = extract_text("分析師指出，美中貿易戰恐拖累日韓經貿往來。")
    assert {(m.text, m.entity) for m in x.mentions} == {
        ("美", "usa"),
        ("中", "china"),
        ("日", "japan"),
        ("韓", "south_korea"),
    }


def test_partner_decides_an_abbreviation_of_two_countries() -> None:
    x = extract_text("观察人士认为，巴以冲突和印巴关系都不容乐观。")
    assert [(m.text, m.entity) for m in x.mentions] == [
        ("巴", "palestine"),
        ("以", "israel"),
        ("印", "india"),
        ("巴", "pakistan"),
    ]


def test_without_a_partner_the_country_the_document_names_wins() -> None:
    x = extract_text("伊拉克政府发言人说，美伊谈判没有进展。")
    assert ("伊", "iraq") in {(m.text, m.entity) for m in x.mentions}


@pytest.mark.parametrize(
    "text",
    [
        "中美洲国家加强合作。",
        "美日元汇率双双走低。",
        "各国签署了巴黎协定。",
        "加沙冲突造成大量伤亡。",
        "警方打击非法贸易。",
        "本月18日中午举行会谈。",
    ],
)
def test_no_country_outside_a_joint_abbreviation(text: str) -> None:
    x = extract_text(text)
    assert all(len(m.text) > 1 for m in x.mentions), [(m.text, m.entity) for m in x.mentions]
