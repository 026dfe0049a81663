"""The mixed-script tokenizer keeps Latin names whole and the text intact."""

import random

import pytest

from extract.pipeline import load_pipeline


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("英伟达的H20芯片", ["英", "伟", "达", "的", "H20", "芯", "片"]),
        ("Sam Altman说", ["Sam", "Altman", "说"]),
        ("依照S.1234和GPT-4o", ["依", "照", "S.1234", "和", "GPT-4o"]),
    ],
)
def test_tokens(text: str, tokens: list[str]) -> None:
    assert [t.text for t in load_pipeline().make_doc(text)] == tokens


@pytest.mark.parametrize("text", ["  两个空格开头", "a\n\nb ", "Meta  和   OpenAI\t", "", "\u3000全角空格"])
def test_text_round_trips(text: str) -> None:
    assert load_pipeline().make_doc(text).text == text


def test_latin_alias_does_not_match_inside_a_word() -> None:
    doc = load_pipeline()("Metaverse 不是 Meta。")
    assert [e.text for e in doc.ents if e.kb_id_ == "meta"] == ["Meta"]


def test_any_mix_of_white_space_round_trips() -> None:
    rng = random.Random(1)
    alphabet = " \n\t\u3000ab中文。1-."
    make_doc = load_pipeline().make_doc
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 12)))
        assert make_doc(text).text == text
