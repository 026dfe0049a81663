"""Each shape pattern of extract/data/patterns.jsonl finds its examples and none of its counter-examples."""

import pytest

from extract.entity_rules import pattern_matches, trim_left
from extract.lexicon import entity_patterns

CASES = [(p, text, want) for p in entity_patterns() for text, want in p.examples]
COUNTER = [(p, text) for p in entity_patterns() for text in p.counter_examples]


@pytest.mark.parametrize(("pattern", "text", "want"), CASES, ids=[f"{p.name}:{t}" for p, t, _ in CASES])
def test_examples(pattern, text: str, want: str | None) -> None:
    found = [text[s:e] for s, e, _, _ in pattern_matches(text, (pattern,))]
    if want is None:
        assert all(len(f) < len(text) for f in found)
    else:
        assert want in found


@pytest.mark.parametrize(("pattern", "text"), COUNTER, ids=[f"{p.name}:{t}" for p, t in COUNTER])
def test_counter_examples(pattern, text: str) -> None:
    assert list(pattern_matches(text, (pattern,))) == []


def test_every_pattern_has_examples() -> None:
    assert all(p.examples for p in entity_patterns())


def test_trim_left_stops_at_verbs_and_function_words() -> None:
    text = "众议院表决通过了人工智能安全法案"
    assert text[trim_left(text, 0, len(text)) :] == "人工智能安全法案"


def test_labels_follow_the_last_word() -> None:
    found = {
        (t[s:e], label)
        for t in ["记者采访了 Acme Robotics 和 Jane Doe"]
        for s, e, label, _ in pattern_matches(t)
    }
    assert ("Acme Robotics", "ORG") in found
    assert ("Jane Doe", "PERSON") in found
    found = {
        (t[s:e], label)
        for t in ["刊登在聯邦公報（Federal Register）的規定", "據荷蘭報章（Het Financieele Dagblad）報導"]
        for s, e, label, _ in pattern_matches(t)
    }
    assert ("Federal Register", "ORG") in found and ("Het Financieele Dagblad", "ORG") in found


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("英国个人资料保护委员会昨日表示", "英国个人资料保护委员会"),
        ("澳洲個人資料保護協會表示", "澳洲個人資料保護協會"),
        ("他任职于美国经济政策研究所多年", "美国经济政策研究所"),
        ("台灣經濟研究院委託的調查", "台灣經濟研究院"),
        ("国家自然科学基金委员会发布指南", "国家自然科学基金委员会"),
        ("中國當代國際關係研究院指出", "中國當代國際關係研究院"),
        ("北京对外经济贸易大学的学者", "北京对外经济贸易大学"),
    ],
)
def test_a_word_that_holds_a_stop_character_stays_inside_a_name(text: str, name: str) -> None:
    assert name in [text[s:e] for s, e, _, _ in pattern_matches(text)]


@pytest.mark.parametrize(
    "text",
    [
        "美方对条例表示关注",
        "商界對條例草案有保留",
        "其中一个研究所表示",
        "此外研究院指出",
        "一个人工智能研究院",
    ],
)
def test_a_stop_character_outside_such_words_still_cuts(text: str) -> None:
    names = [text[s:e] for s, e, _, _ in pattern_matches(text)]
    assert not [n for n in names if n[0] in "其此一个" or "对" in n or "對" in n]
