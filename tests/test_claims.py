"""Claim sieves of extract/claims.py on sentences written for the test: one per pattern."""

import json
import re

import pytest

from extract.anchored import anchored_patterns, find_anchored
from extract.lexicon import data_path, expand_placeholders
from extract.mentions import Ment
from extract.records import AUTHOR
from tests.extraction_helpers import entity_of, extract_text


def says(text: str, speaker: str, content: str):
    """The extraction of ``text``, checked to give ``speaker`` (a surface form) a claim that opens with
    ``content``."""
    x = extract_text(text)
    said = [c.text for c in x.claims if c.speaker == entity_of(x, speaker)]
    assert [t for t in said if t.startswith(content)], said
    return x


def only(x, **want):
    found = [c for c in x.claims if all(getattr(c, k) == v for k, v in want.items())]
    assert len(found) == 1, (want, x.claims)
    return found[0]


def test_speaker_colon_quote() -> None:
    x = extract_text("英伟达发言人表示：“公司将遵守美国的出口规定。”")
    c = only(x, cue="表示")
    assert c.speaker == entity_of(x, "英伟达")
    assert c.text == "公司将遵守美国的出口规定。" and c.quote == "direct"
    assert entity_of(x, "美国") in c.targets and c.speaker not in c.targets


def test_an_organisation_speaking_of_itself_is_a_target() -> None:
    x = extract_text("英伟达表示：“我们的芯片完全符合美国的规定。”")
    c = only(x, cue="表示")
    assert c.speaker in c.targets


def test_quote_before_speaker() -> None:
    x = extract_text("“这项禁令会伤害美国的芯片企业。”Daniel Okafor 在声明中警告。")
    c = only(x, cue="警告")
    assert c.speaker == "daniel_okafor" and c.quote == "direct" and c.type == "warning"
    assert c.text == "这项禁令会伤害美国的芯片企业。"


def test_speaker_comma_indirect_with_accusation_content() -> None:
    x = extract_text("Daniel Okafor 说，中国公司窃取了美国的技术。")
    c = only(x, cue="说")
    assert c.type == "accusation" and c.quote == "indirect"
    assert {entity_of(x, "中国"), entity_of(x, "美国")} <= set(c.targets)


def test_pronoun_two_sentences_back() -> None:
    x = extract_text("Daniel Okafor 周二出席了听证会。会上气氛紧张。他表示，中国必须停止补贴。")
    c = only(x, cue="表示")
    assert c.speaker == "daniel_okafor" and c.type == "demand"


def test_author_first_person_opinion() -> None:
    x = extract_text("我认为美国的出口管制很难奏效。")
    c = only(x, cue="认为")
    assert c.speaker == AUTHOR


def test_question_put_to_a_named_person() -> None:
    x = extract_text("参议员 Anna Berg 问 Daniel Okafor，美国如何防止技术流向中国？")
    c = only(x, cue="问")
    assert c.speaker == "anna_berg" and c.type == "question"
    assert "daniel_okafor" in c.targets


def test_denial_cue() -> None:
    x = extract_text("英伟达否认向中国出售受限芯片。")
    assert only(x, cue="否认").type == "denial"


def test_cue_inside_another_word_is_not_a_cue() -> None:
    x = extract_text("美国顾问团队提出了中国问题。")
    assert not [c for c in x.claims if c.cue in ("问", "说")]


def test_continuing_speech_stays_with_the_speaker() -> None:
    x = extract_text("Daniel Okafor 说，美国企业必须停止帮助中国。中国公司偷走了我们的技术。")
    claims = [c for c in x.claims if c.speaker == "daniel_okafor"]
    assert len(claims) == 2 and claims[1].type == "accusation"


def test_narration_after_reported_speech_is_not_the_speakers() -> None:
    x = extract_text("英伟达表示，美国的规定仍需要大量芯片。中国市场去年买了很多芯片。")
    assert [c.text for c in x.claims] == ["美国的规定仍需要大量芯片。"]


def test_zero_subject_cue_continues_the_sentence_speaker() -> None:
    x = extract_text("上周，Daniel Okafor 提出了新的计划，并透露美国将限制对中国的出口。")
    assert {c.cue: c.speaker for c in x.claims}.get("透露") == "daniel_okafor"


def test_forum_reply_quoting_another_poster() -> None:
    thread = (
        "####  alice\n##### 1#       楼主       发表于 2025-2-1 10:00\n\n"
        "美国会禁止英伟达卖芯片吗\n\n*****\n\n"
        "####  bob\n##### 2#       发表于 2025-2-1 10:05\n\n"
        "<blockquote>alice 发表于 2025-2-1 10:00\n美国会禁止英伟达卖芯片吗</blockquote>\n中国自己能造。\n"
    )
    x = extract_text(thread)
    alice, bob = entity_of(x, "alice"), entity_of(x, "bob")
    first = only(x, post=1)
    assert first.speaker == alice and first.type == "question"
    reply = only(x, post=2)
    assert reply.speaker == bob and reply.text == "中国自己能造。"
    assert alice in reply.targets
    quoted_start = thread.index("美国会", thread.index("<blockquote>"))
    assert not [c for c in x.claims if c.start <= quoted_start < c.end]


def test_paragraphs_after_a_colon_are_the_speakers() -> None:
    text = (
        "经济学家 Daniel Okafor 针对芯片禁令在博客上发表了看法，摘录如下：\n\n"
        "我认为美国的禁令很难阻止中国。\n\n"
        "其次，英伟达会失去市场吗？\n\n"
        "结语\n\n"
        "英伟达的股价当天下跌。\n"
    )
    x = extract_text(text)
    mine = [c for c in x.claims if c.speaker == "daniel_okafor"]
    assert [c.text for c in mine] == ["我认为美国的禁令很难阻止中国。", "其次，英伟达会失去市场吗？"]
    assert mine[1].type == "question"
    assert not [c for c in x.claims if "股价" in c.text]


def test_relative_clause_is_not_an_attribution() -> None:
    x = extract_text("Daniel Okafor 提出的问题在美国引起了讨论。")
    assert x.claims == []


def test_writers_stance_is_the_authors_claim() -> None:
    x = extract_text("美国商务部上周公布了新规。英伟达恐怕要失去中国市场了。")
    c = only(x, cue="恐怕")
    assert c.speaker == AUTHOR and c.text == "英伟达恐怕要失去中国市场了。"
    assert not [c for c in x.claims if "新规" in c.text]


def test_short_post_lines_split_where_the_type_changes() -> None:
    thread = (
        "####  carol\n##### 1#       楼主       发表于 2025-2-1 10:00\n\n"
        "英伟达还能卖芯片吗\n英伟达被美国偷走了技术\n\n"
        "—— 来自 Android 15 上的客户端\n\n*****\n\n"
        "####  dave\n##### 2#       发表于 2025-2-1 10:05\n\n中国加油\n"
    )
    x = extract_text(thread)
    carol = [c for c in x.claims if c.speaker == entity_of(x, "carol")]
    assert [c.type for c in carol] == ["question", "accusation"]
    assert not [c for c in x.claims if "来自" in c.text]


def test_question_cue_directly_followed_by_the_addressee() -> None:
    x = extract_text("参议员Anna Berg问Daniel Okafor，美国怎样防止芯片流向中国？")
    c = only(x, cue="问")
    assert c.speaker == "anna_berg" and "daniel_okafor" in c.targets


def test_subjectless_cue_takes_the_person_of_the_previous_clause() -> None:
    x = extract_text("委员会主席、共和党人Anna Berg开场就谈了芯片，强调美国必须加强出口管制。")
    assert only(x, cue="强调").speaker == "anna_berg"


def test_the_addressee_of_a_letter_is_not_the_speaker() -> None:
    x = extract_text("Anna Berg致信国务卿Daniel Okafor，敦促政府“停止向中国出口芯片”。")
    assert only(x, cue="敦促").speaker == "anna_berg"


def test_a_document_of_the_speaker_can_stand_between_speaker_and_cue() -> None:
    x = extract_text("英伟达的服务条款里明确规定：“用户不得把输出用于训练中国的模型。”")
    assert only(x, cue="规定").speaker == entity_of(x, "英伟达")


def test_time_expressions_between_speaker_and_cue() -> None:
    x = extract_text("Anna Berg 当地时间2025年3月4日表示，美国将限制芯片出口。")
    assert only(x, cue="表示").speaker == "anna_berg"


def test_according_to_a_news_agency() -> None:
    x = extract_text("据路透社报道，美国正考虑限制英伟达向中国出口芯片。")
    c = only(x, cue="报道")
    assert c.speaker == entity_of(x, "路透社") and entity_of(x, "英伟达") in c.targets


def test_corner_brackets_quote_in_traditional_script() -> None:
    x = extract_text("輝達執行長黃仁勳表示：「美國的出口管制已經失敗。」")
    c = only(x, cue="表示")
    assert c.speaker == entity_of(x, "黃仁勳") and c.quote == "direct" and c.type == "criticism"


def test_echoing_speaker_repeats_the_claim_before() -> None:
    x = extract_text("OpenAI指责DeepSeek违反了服务条款，白宫顾问Daniel Okafor也在一旁附和。")
    echo = only(x, speaker="daniel_okafor")
    original = only(x, cue="指责")
    assert (echo.start, echo.end, echo.type) == (original.start, original.end, "accusation")
    assert original.speaker in echo.targets


def test_first_person_inside_an_unnamed_speakers_words_is_not_the_author() -> None:
    x = extract_text("有议员问，中国为什么这样做？我们也希望和中国合作。")
    assert not [c for c in x.claims if c.speaker == AUTHOR]


def test_continuation_stops_where_an_unnamed_speaker_asks() -> None:
    x = extract_text("Anna Berg说，我们必须限制中国。这个议员还问，美国怎样应对？")
    assert [c.text for c in x.claims if c.speaker == "anna_berg"] == ["我们必须限制中国。"]


def test_subjectless_cue_in_a_short_post_is_the_posters() -> None:
    thread = (
        "####  erin\n##### 1#       楼主       发表于 2025-2-1 10:00\n\n"
        "DeepSeek真强，建议美国也用用\n\n*****\n\n"
        "####  frank\n##### 2#       发表于 2025-2-1 10:05\n\n"
        "[论坛助手,iPhone](https://example.com/app)\n英伟达要哭了\n"
    )
    x = extract_text(thread)
    assert {c.speaker for c in x.claims if c.post == 1} == {entity_of(x, "erin")}
    assert [c.text for c in x.claims if c.post == 2] == ["英伟达要哭了"]


def test_agency_citing_sources() -> None:
    x = extract_text("路透社援引知情人士的话报道称，英伟达正在为中国开发新芯片。")
    assert only(x, cue="报道称").speaker == entity_of(x, "路透社")


def test_a_place_after_在_is_not_the_speaker() -> None:
    x = extract_text("輝達執行長黃仁勳週三在台北表示，台積電是輝達的夥伴。")
    assert only(x, cue="表示").speaker == entity_of(x, "黃仁勳")


# --- issue 16: speakers nobody listed, found by their slot ----------------------------------------


def test_a_role_then_an_unlisted_transliterated_name_is_a_person_who_speaks() -> None:
    for text, name in [
        ("聯邦檢察官霍爾曼則表示，華為涉嫌違反美國的制裁。", "霍爾曼"),
        ("署理商务部长坎贝尔说，英伟达必须遵守美国的出口管制。", "坎贝尔"),
    ]:
        x = extract_text(text)
        speaker = entity_of(x, name)
        assert next(e for e in x.entities if e.id == speaker).type == "PERSON"
        only(x, speaker=speaker)


def test_a_name_the_model_proposes_in_a_speakers_slot_is_kept_whatever_its_shape() -> None:
    x = extract_text("卡斯滕斯说，欧盟将对中国的电动汽车征收反补贴税。")
    c = only(x, cue="说")
    assert c.speaker == entity_of(x, "卡斯滕斯") and entity_of(x, "欧盟") in c.targets


def test_a_role_word_alone_is_no_speaker() -> None:
    x = extract_text("美國總統說，中國必須開放市場。部长表示，美国将继续施压。")
    assert not any(m.type == "PERSON" for m in x.mentions)


def test_an_organisation_speaking_through_a_statement() -> None:
    for text, org in [
        ("英伟达发表声明称，公司从未向中国出售受管制的芯片。", "英伟达"),
        ("華為在聲明中表示，美國的制裁違反了世貿規則。", "華為"),
    ]:
        x = extract_text(text)
        c = only(x, speaker=entity_of(x, org))
        assert c.cue in ("发表声明称", "在聲明中表示") and c.text.endswith("。")


def test_each_piece_of_the_speaker_gap_matches_its_examples() -> None:
    data = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))
    for piece in data["speaker_gap_pieces"]:
        for example in piece["examples"]:
            assert re.search(expand_placeholders(piece["pattern"]), example), (piece["name"], example)


# --- issue 16: turns of a press conference or an interview ----------------------------------------


def test_a_press_conference_transcript_gives_each_answer_to_the_spokesperson() -> None:
    x = extract_text(
        "商务部新闻发言人何亚东主持例行新闻发布会\n"
        "彭博社记者：美国宣布对中国电动汽车加征关税，中方将如何应对？\n"
        "何亚东：美方的做法违反世贸组织规则，中方将采取一切必要措施。\n"
    )
    question = only(x, speaker=entity_of(x, "彭博社"))
    assert question.type == "question" and question.quote == "direct" and question.cue == ""
    answer = only(x, speaker=entity_of(x, "何亚东"))
    assert answer.text.startswith("美方的做法") and entity_of(x, "世贸组织") in answer.targets


def test_an_answer_is_split_where_its_kind_changes_and_its_we_is_the_one_answering() -> None:
    x = extract_text(
        "外交部发言人毛宁主持例行记者会\n"
        "路透社记者：美国宣布限制中国的人工智能芯片，有分析认为中方会反制，你对此有何评论？\n"
        "毛宁：美方泛化国家安全概念，损害中国企业的正当权益。我们敦促美方立即停止错误做法。\n"
    )
    question = only(x, speaker=entity_of(x, "路透社"))
    assert question.text.startswith("美国宣布") and question.text.endswith("有何评论？")
    answers = [c for c in x.claims if c.speaker == entity_of(x, "毛宁")]
    assert [c.type for c in answers] == ["statement", "demand"], answers
    assert not [c for c in x.claims if c.speaker == "author"], x.claims


def test_an_outlet_nobody_listed_asks_through_its_reporter() -> None:
    x = extract_text(
        "國台辦發言人陳斌華主持記者會\n"
        "香港商業電台記者：美國擴大晶片管制，大陸會否反制？\n"
        "陳斌華：美方的做法損害兩岸同胞利益。\n"
    )
    assert only(x, speaker=entity_of(x, "香港商業電台")).type == "question"


def test_question_and_answer_labels_go_to_the_interviewer_and_the_interviewee() -> None:
    x = extract_text(
        "經濟部長王美花接受中央社記者專訪。\n"
        "問：美國的晶片法案對台灣有甚麼影響？\n"
        "答：台積電在美國設廠，台灣仍然是先進製程的中心。\n"
    )
    assert only(x, speaker=entity_of(x, "中央社")).type == "question"
    assert only(x, speaker=entity_of(x, "王美花")).text.startswith("台積電")


def test_a_headline_turn_before_the_introduction_leaves_the_interview_parties_found() -> None:
    x = extract_text(
        "王美花：台灣仍然是先進製程的中心\n\n"
        "經濟部長王美花接受中央社記者專訪。\n"
        "問：美國的晶片法案對台灣有甚麼影響？\n"
        "答：台積電在美國設廠，但研發仍然留在台灣。\n"
    )
    assert only(x, speaker=entity_of(x, "中央社")).type == "question"
    assert any(c.text.startswith("台積電") for c in x.claims if c.speaker == entity_of(x, "王美花"))


def test_an_unnamed_reporters_question_is_nobodys_claim() -> None:
    x = extract_text("问：美国的出口管制对华为有什么影响？\n")
    assert x.claims == []


def test_a_short_label_is_the_person_whose_name_it_begins() -> None:
    x = extract_text(
        "本報記者專訪創辦人鄺志朗。\n記：你們會擔心美國的制裁嗎？\n鄺：會擔心，但華為的晶片已經夠用。\n"
    )
    assert only(x, speaker=entity_of(x, "鄺志朗")).text.startswith("會擔心")


def test_a_headline_that_names_its_speaker_before_a_colon() -> None:
    x = extract_text("王毅：美国应当尊重中国的发展权利\n\n正文第一段。\n")
    assert only(x, speaker=entity_of(x, "王毅")).text == "美国应当尊重中国的发展权利"


@pytest.mark.parametrize(
    "text, speaker, words",
    [
        ("英伟达称禁令损失巨大 商务部：中方反对美国的出口管制\n\n正文。", "商务部", "中方反对美国的出口管制"),
        ("美國國務院回應：台灣的安全關乎美國利益\n\n正文。", "美國國務院", "台灣的安全關乎美國利益"),
    ],
)
def test_a_headline_part_or_a_label_with_a_verb_names_its_speaker(text, speaker, words) -> None:
    x = extract_text(text)
    assert only(x, speaker=entity_of(x, speaker)).text == words


def test_no_claim_runs_on_past_the_next_speakers_label() -> None:
    x = extract_text("英伟达称禁令损失巨大 商务部：中方坚决反对美国的出口管制\n\n正文。")
    assert all("商务部" not in c.text for c in x.claims)


def test_a_byline_is_not_a_turn() -> None:
    x = extract_text("记者：王小明\n美国商务部周三宣布新的出口管制。\n")
    assert not any(c.text.startswith("王小明") for c in x.claims)


# --- issue 16: attributions anchored on a name: sources of facts, headlines -----------------------


@pytest.mark.parametrize("pattern", anchored_patterns(), ids=lambda p: p.name)
def test_each_anchored_pattern_finds_its_examples_and_not_its_counter_examples(pattern) -> None:
    for text, speaker, words in pattern.examples:
        start = text.index(speaker)
        mention = Ment(start, start + len(speaker), "ORG", "x")
        found = [a for a in find_anchored(text, [mention], "。！？\n") if a.pattern == pattern.name]
        assert [text[a.start : a.end] for a in found] == [words], text
    for text in pattern.counter_examples:
        mentions = [Ment(m.start, m.end, m.type, m.entity) for m in extract_text(text).mentions]
        assert not [a for a in find_anchored(text, mentions, "。！？\n") if a.pattern == pattern.name], text


def test_a_source_of_figures_is_the_speaker_of_what_follows() -> None:
    x = extract_text("根據國際貨幣基金組織的數據，中國經濟今年將增長4.5%。據路透社報導，美國正研究新的關稅。")
    assert entity_of(x, "中國") in only(x, speaker=entity_of(x, "國際貨幣基金組織")).targets
    assert only(x, speaker=entity_of(x, "路透社")).text == "美國正研究新的關稅。"


def test_a_headline_that_puts_its_verb_right_after_the_speaker() -> None:
    x = extract_text("外交部斥美方抹黑中国\n\n外交部发言人在记者会上回答了提问。\n")
    c = only(x, speaker=entity_of(x, "外交部"))
    assert c.text == "美方抹黑中国" and c.cue == "斥"


def test_several_speakers_of_one_cue_make_one_claim_each() -> None:
    for text, names in [
        ("美国和日本要求中国停止在南海的军事活动。", ["美国", "日本"]),
        ("英國、加拿大和澳洲發表聯合聲明，批評香港的新法例。", ["英國", "加拿大", "澳洲"]),
        ("众议员穆勒纳尔和参议员沃伦要求商务部收紧对华芯片出口。", ["穆勒纳尔", "沃伦"]),
        ("研究员孙雅、教授杜明和副总裁蒋宁均认为，美国的管制帮了国产厂商。", ["孙雅", "杜明", "蒋宁"]),
        ("董事長許文和總經理鄭凱都表示，台積電不會受影響。", ["許文", "鄭凱"]),
        ("高通、英特爾等美國晶片企業均表示，新規將打擊它們在中國的業務。", ["高通", "英特爾"]),
        ("德国、法国等欧盟成员国表示，中国电动车的补贴扭曲了市场。", ["德国", "法国"]),
    ]:
        x = extract_text(text)
        speakers = {c.speaker for c in x.claims}
        assert speakers == {entity_of(x, n) for n in names}, (text, x.claims)
        assert len({c.text for c in x.claims}) == 1


def test_a_preposition_before_a_name_still_keeps_it_from_speaking() -> None:
    x = extract_text("特朗普向日本提出，美国将对日本汽车加征关税。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "特朗普")}


# --- issue 16: speech that goes on; a spokesperson's voice -----------------------------------------


def test_a_paragraph_that_is_only_a_quotation_goes_on_in_the_speakers_voice() -> None:
    for text in [
        "聯邦檢察官韋斯頓表示，涉案公司把晶片轉運到中國。\n「這是關乎美國國家安全的案件。」\n",
        "李家超说，香港会继续依法办事。\n\n“任何制裁都不会吓倒特区政府，美国应停止干预。”\n",
    ]:
        x = extract_text(text)
        quoted = [c for c in x.claims if c.quote == "direct"]
        assert len(quoted) == 1 and quoted[0].speaker == x.claims[0].speaker, x.claims


def test_a_quotation_paragraph_after_narration_is_nobodys() -> None:
    x = extract_text("美國商務部周三公布新規則。\n「這是關乎美國國家安全的案件。」\n")
    assert not any(c.quote == "direct" for c in x.claims)


def test_he_then_points_out_continues_the_speaker() -> None:
    x = extract_text("商務部發言人何亞東表示，中方盼美方取消關稅。他又指，中方的大門始終向美國敞開。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "何亞東")} and len(x.claims) == 2


def test_inside_a_spokespersons_answer_china_opposing_is_still_the_spokesperson() -> None:
    x = extract_text("外交部发言人林剑主持例行记者会\n林剑：中方坚决反对美国的无理打压，敦促美方停止施压。\n")
    assert {c.speaker for c in x.claims} == {entity_of(x, "林剑")}
    assert entity_of(x, "中方") in x.claims[0].targets


def test_a_reported_claim_inside_a_reporters_question_keeps_its_own_speaker() -> None:
    question = "路透社记者：美国财长贝森特称，中国的报复是错误的。你对此有何评论？"
    x = extract_text(f"林剑主持例行记者会\n{question}\n")
    assert entity_of(x, "贝森特") in {c.speaker for c in x.claims}
    assert entity_of(x, "路透社") in {c.speaker for c in x.claims}


def test_an_office_in_a_speakers_slot_is_named_whole_not_by_its_country() -> None:
    x = extract_text("日本防卫省声称，朝鲜的导弹覆盖了日本全境。")
    c = only(x, cue="声称")
    assert next(m.text for m in x.mentions if m.entity == c.speaker) == "日本防卫省"


def test_generic_words_before_a_cue_are_not_names() -> None:
    x = extract_text("中国研究人员表示，美国的芯片禁令效果有限。美国贸易代表在声明中指，中国补贴造船业。")
    assert not any(m.text in ("中国研究人员", "声明中") for m in x.mentions)


def test_a_cue_word_used_as_a_noun_quotes_nobody() -> None:
    x = extract_text("外交部发言人林剑回应说，美方对中国公民进行无端指控，是政治操弄。")
    c = only(x, speaker=entity_of(x, "林剑"))
    assert c.text.startswith("美方对中国公民进行无端指控")


def test_a_one_character_cue_right_after_a_name_runs_on_into_its_words() -> None:
    for text, name in [
        ("美国财长贝森特称中国是世界上最不平衡的经济体。", "贝森特"),
        ("法新社記者追問，美方近日稱中國向俄羅斯提供軍民兩用物資。", "美方"),
    ]:
        x = extract_text(text)
        assert entity_of(x, name) in {c.speaker for c in x.claims}, text


def test_a_one_character_cue_in_a_short_subordinate_clause_is_no_attribution() -> None:
    x = extract_text("卢特尼克说，当美国说不的时候，中国就必须停止。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "卢特尼克")}


def test_the_place_where_someone_speaks_is_not_the_speaker() -> None:
    x = extract_text("美國總統特朗普周五在白宮表示，美中已就TikTok的出售達成共識。")
    assert only(x, cue="表示").speaker == entity_of(x, "特朗普")


def test_a_country_speaking_inside_a_persons_words_is_still_the_person() -> None:
    x = extract_text("克林頓說，美國支持國際貨幣基金組織向俄羅斯提供更多貸款。")
    c = only(x, cue="說")
    assert c.speaker == entity_of(x, "克林頓") and c.text.startswith("美國支持")
    assert entity_of(x, "美國") in c.targets and len(x.claims) == 1


def test_an_organisation_quoted_inside_a_persons_words_keeps_its_own_claim() -> None:
    x = extract_text("卢特尼克说，商务部表示英伟达必须遵守美国的出口管制。")
    assert entity_of(x, "商务部") in {c.speaker for c in x.claims}


def test_the_object_of_a_verb_is_not_a_speaker_before_a_cue_like_noun() -> None:
    x = extract_text("英偉達發表聲明指，公司嚴格遵守美國出口管制規定，並會配合調查。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "英偉達")}


def test_this_office_and_this_committee_refer_back_to_the_organisation() -> None:
    for text, org in [
        ("國家統計局指出，中國經濟平穩。該局並預計，中國全年經濟增長可達5%。", "國家統計局"),
        (
            "众议院中国问题特别委员会发布报告。该委员会还建议国会禁止使用DeepSeek。",
            "众议院中国问题特别委员会",
        ),
    ]:
        x = extract_text(text)
        assert entity_of(x, org) in {c.speaker for c in x.claims if c.cue in ("預計", "建议")}, x.claims


def test_an_organisation_naming_itself_speaks_of_itself() -> None:
    x = extract_text("華為發布的年報顯示，華為去年的銷售收入增長了兩成。")
    assert entity_of(x, "華為") in only(x, speaker=entity_of(x, "華為")).targets


def test_a_role_may_follow_the_name_before_the_cue() -> None:
    x = extract_text("輝達的黃仁勳執行長昨天也說，台積電最先進的製程會留在台灣。")
    assert only(x, cue="說").speaker == entity_of(x, "黃仁勳")


def test_notifying_someone_is_saying_something_to_them() -> None:
    x = extract_text("美國政府通知英偉達，H20晶片出口到中國需要申請許可證。")
    c = only(x, cue="通知")
    assert c.speaker == entity_of(x, "美國政府") and entity_of(x, "英偉達") in c.targets


def test_a_reporters_byline_attributes_nothing() -> None:
    x = extract_text("新华社巴黎6月26日电（记者刘正学、果永毅）报道：李瑞环26日在巴黎会见了法国议员。")
    assert not any(c.cue.startswith("报道") for c in x.claims)


def test_each_reposter_of_a_weibo_chain_speaks_their_own_words() -> None:
    x = extract_text("@路人丙：美国又来打压华为 //@芯片观察者:这下英伟达要哭了 //@科技日报:美国宣布禁令。")
    by = {c.speaker: c.text for c in x.claims}
    assert by[entity_of(x, "路人丙")] == "美国又来打压华为"
    assert by[entity_of(x, "芯片观察者")] == "这下英伟达要哭了"


def test_he_refers_to_who_met_not_to_who_was_met() -> None:
    x = extract_text("王毅会见了布林肯。他说，美国应当停止打压中国企业。")
    assert only(x, cue="说").speaker == entity_of(x, "王毅")


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("外交部隨即發布新聞稿表示，美國的做法違反國際法。", "外交部"),
        ("白宫发表了一份声明称，中国必须停止对钢铁行业的补贴。", "白宫"),
    ],
)
def test_a_speaker_issuing_a_document_speaks_with_the_cue_after_it(text, speaker) -> None:
    x = extract_text(text)
    assert [c.speaker for c in x.claims] == [entity_of(x, speaker)]


@pytest.mark.parametrize(
    "text, speaker, cue, words",
    [
        ("林剑表示，中方反对美国的制裁，还指日本不应跟随美国。", "林剑", "指", "日本不应跟随美国。"),
        ("國防部表示感謝，指此次軍售有助台灣維持妥善率。", "國防部", "指", "此次軍售有助台灣維持妥善率。"),
    ],
)
def test_a_one_character_cue_opening_a_clause_goes_on_with_the_sentences_speaker(
    text, speaker, cue, words
) -> None:
    x = extract_text(text)
    assert only(x, cue=cue).text == words and only(x, cue=cue).speaker == entity_of(x, speaker)


def test_a_one_character_cue_word_inside_another_word_opens_no_clause() -> None:
    x = extract_text("他說明了情況，手指着美國地圖，稱為新的戰略。")
    assert not any(c.cue in ("指", "稱") for c in x.claims)


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("素帕猜副总理说，日本不应只顾及眼前利益而忽视东南亚。", "素帕猜"),
        ("費舍爾議長昨日表示，奧地利與中國的關係很好。", "費舍爾"),
        ("何鲁丽副委员长指出，民革要为中国的统一作出贡献。", "何鲁丽"),
    ],
)
def test_a_name_nobody_listed_before_a_role_speaks(text, speaker) -> None:
    x = extract_text(text)
    assert [c.speaker for c in x.claims] == [entity_of(x, speaker)]


def test_a_quotation_that_only_opens_the_clause_is_not_the_whole_claim() -> None:
    x = extract_text("微软公司称，“视窗98”的最大特点是一体化，并不违反美国的反垄断法。")
    assert "视窗98”的最大特点是一体化，并不违反" in only(x, cue="称").text


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "美国参议院外交关系委员会发布报告，指华为构成威胁。该委员会还建议国会禁止联邦机构使用华为设备。",
            "美国参议院外交关系委员会",
        ),
        ("美國商務部發布公告，稱華為違反了出口規定。該部表示，蘋果公司不受影響。", "美國商務部"),
    ],
)
def test_a_demonstrative_with_a_head_noun_refers_to_the_name_ending_in_it(text, speaker) -> None:
    x = extract_text(text)
    second = [c for c in x.claims if c.start > text.index("該" if "該" in text else "该")]
    assert second and all(c.speaker == entity_of(x, speaker) for c in second)


@pytest.mark.parametrize(
    "text, asker, reported",
    [
        ("法新社記者追問，美方近日稱中國向俄羅斯提供物資，中方有何回應？", "法新社", "美方"),
        ("路透社记者问，日本政府称中国违反了世贸规则，中方对此有何评论？", "路透社", "日本政府"),
    ],
)
def test_what_a_question_reports_is_claimed_too(text, asker, reported) -> None:
    x = extract_text(text)
    question = only(x, speaker=entity_of(x, asker))
    assert question.type == "question" and question.text.endswith("？")
    inner = only(x, speaker=entity_of(x, reported))
    assert not inner.text.endswith("？") and question.start <= inner.start < question.end


def test_an_addressee_follows_its_cue_without_a_comma() -> None:
    x = extract_text("路透社记者追问美方是否会取消关税。")
    assert entity_of(x, "美方") in only(x, speaker=entity_of(x, "路透社")).targets
    x = extract_text("路透社记者追问，美方是否会取消对中国的关税？")
    assert only(x, speaker=entity_of(x, "路透社")).text.startswith("美方")


def test_a_cue_that_holds_a_blocked_word_whole_is_still_a_cue() -> None:
    x = extract_text("TikTok行政總裁周受資過去一年多次試圖說服國會，TikTok已把美國用戶資料存放在甲骨文。")
    assert only(x, cue="試圖說服").type == "demand"
    assert not extract_text("他說服了美國國會。").claims


@pytest.mark.parametrize(
    "text, source",
    [
        ("根據白宮公布的細節，TikTok美國業務將由甲骨文控制。", "白宮"),
        ("根据海关总署发布的数据，中国四月对美国出口下跌两成。", "海关总署"),
    ],
)
def test_a_source_that_published_its_figures_speaks_them(text, source) -> None:
    x = extract_text(text)
    assert [c.speaker for c in x.claims] == [entity_of(x, source)]


def test_a_topic_speaker_brings_the_names_joined_after_it() -> None:
    x = extract_text("美國總統拜登和國務卿布林肯分別致信國會，呼籲延長對華為的禁令。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "拜登"), entity_of(x, "布林肯")}


def test_a_pronoun_refers_to_the_subject_not_to_the_one_met() -> None:
    x = extract_text("中国外长王毅今天同美国国务卿布林肯通电话，他在通话后说，中国反对美国的制裁。")
    assert only(x, cue="说").speaker == entity_of(x, "王毅")


@pytest.mark.parametrize(
    "text", ["美国国务院发表所谓《香港政策法报告》，抹黑香港。", "美國之音發表對伊朗的講話以來"]
)
def test_publishing_a_document_is_not_a_claim_of_its_title(text) -> None:
    assert extract_text(text).claims == []


@pytest.mark.parametrize(
    "text, speaker, cue",
    [
        ("中联办发表谈话，指条例的通过是香港的重要里程碑。", "中联办", "指"),
        ("習近平發表講話指出，中國將堅定不移擴大開放。", "習近平", "指出"),
        ("英国政府发表声明，强烈反对香港国安法。", "英国政府", "反对"),
    ],
)
def test_a_statement_or_speech_gives_its_words_to_the_cue_after_it(text, speaker, cue) -> None:
    x = extract_text(text)
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, speaker), cue)]


@pytest.mark.parametrize(
    "text, outer, inner",
    [
        ("行政长官李家超在会见传媒时回应说，特区政府对美方的做法表示强烈不满。", "李家超", "特区政府"),
        ("外交部發言人毛寧說，中方堅決反對美國的制裁。", "毛寧", None),
    ],
)
def test_words_that_open_with_their_own_speaker_are_both_speakers_claims(text, outer, inner) -> None:
    x = extract_text(text)
    whole = only(x, speaker=entity_of(x, outer))
    assert whole.text.startswith(text[text.index("，") + 1 : text.index("，") + 4])
    if inner is not None:
        assert only(x, speaker=entity_of(x, inner)).start >= whole.start


def test_a_titled_name_speaks_with_any_cue_after_an_adverb_of_time() -> None:
    x = extract_text("保安局局長鄧炳強其後補充，多國都有類似的國家安全法例。")
    assert only(x, cue="補充").speaker == entity_of(x, "鄧炳強")


@pytest.mark.parametrize(
    "text, speaker, words",
    [
        ("特朗普总统称，中方很想达成协议。", "特朗普", "中方很想达成协议。"),
        ("商务部长雷蒙多去年就说过，“不会让华为拿到最先进的技术”。", "雷蒙多", "不会让华为拿到最先进的技术"),
    ],
)
def test_a_one_character_cue_after_a_role_or_with_guo_is_a_cue(text, speaker, words) -> None:
    x = extract_text(text)
    assert only(x, speaker=entity_of(x, speaker)).text == words


def test_a_word_made_with_a_cue_character_still_blocks_it() -> None:
    assert extract_text("这些国家统称为金砖国家，中国是其中之一。").claims == []


@pytest.mark.parametrize(
    "text",
    [
        "【财新网】美国参议院外交关系委员会16日发布一份报告，称华为对美国构成威胁。报告说，华为将数据传回中国。",
        "【星島網訊】美國參議院外交關係委員會發表報告，指華為對美國構成威脅。報告說，華為將數據傳回中國。",
    ],
)
def test_an_outlet_tag_is_nobodys_subject_and_a_report_speaks_for_its_author(text) -> None:
    x = extract_text(text)
    committee = entity_of(x, "美国参议院外交关系委员会" if "美国" in text else "美國參議院外交關係委員會")
    assert [c.speaker for c in x.claims] == [committee, committee]


@pytest.mark.parametrize(
    "text, speaker",
    [
        ("致公党中央主席罗豪才主持会议并讲话，强调致公党要搞好领导班子建设。", "罗豪才"),
        ("素林外长昨天在外交部对中国记者说，美国总统访华将加强中美两国的互相了解。", "素林"),
    ],
)
def test_a_titled_person_speaks_for_the_clause_and_across_an_occasion_and_addressee(text, speaker) -> None:
    x = extract_text(text)
    assert {c.speaker for c in x.claims} == {entity_of(x, speaker)}


@pytest.mark.parametrize(
    "text, organisation",
    [
        (
            "外交部发言人2日就美方加征关税答记者问。\n有记者问：中方有何回应？\n发言人说，美方的做法违反世贸规则。",
            "外交部",
        ),
        ("美國國防部發言人表示，中方拒絕了美方的請求。發言人又說，美方會繼續保持溝通。", "美國國防部"),
    ],
)
def test_a_spokesperson_named_by_the_word_alone_speaks_for_the_organisation_named_with_it(
    text, organisation
) -> None:
    x = extract_text(text)
    said = [c for c in x.claims if c.cue in ("说", "又說")]
    assert said and all(c.speaker == entity_of(x, organisation) for c in said)


def test_what_an_unnamed_reporter_asks_keeps_its_question_apart_from_the_claim_it_reports() -> None:
    x = extract_text("有记者问：美方宣布对中国商品加征关税，中方有何回应？")
    assert only(x, cue="宣布").text == "对中国商品加征关税"


@pytest.mark.parametrize(
    "text, speaker, cue",
    [
        ("國防部今（6）日表示，美國政府已向台灣提供發價書草案。", "國防部", "表示"),
        ("国民党团书记长罗智强反驳说，“卡住国防预算的就是赖清德”。", "罗智强", "反驳说"),
        ("民進黨團幹事長鍾佳濱受訪表示，樂見美方促成對台軍售。", "鍾佳濱", "表示"),
        ("外交部长王毅出席联合国大会时说，美国不应干涉中国内政。", "王毅", "说"),
    ],
)
def test_taiwan_dates_party_whips_and_occasions_before_the_cue(text, speaker, cue) -> None:
    x = extract_text(text)
    assert only(x, cue=cue).speaker == entity_of(x, speaker)


@pytest.mark.parametrize(
    "text, speaker",
    [
        (
            "「美國的軍售有助台灣自我防衛。」國防部副部長徐斯儉15日出席行政院記者會表示，軍購不只三千億元。",
            "徐斯儉",
        ),
        ("“中国不尊重美国的规则。”卢特尼克在听证会上表示，美国必须用关税支持出口管制。", "卢特尼克"),
    ],
)
def test_a_quotation_opening_the_sentence_before_the_speaker_is_theirs_too(text, speaker) -> None:
    x = extract_text(text)
    quoted = [c for c in x.claims if c.quote == "direct"]
    assert [c.speaker for c in quoted] == [entity_of(x, speaker)]
    assert quoted[0].text.strip("「」“”") == text[1 : text.index("。") + 1]


def test_a_press_conference_is_no_reporter() -> None:
    x = extract_text("國防部副部長徐斯儉出席行政院記者會表示，美國將出售更多武器給台灣。")
    assert only(x, cue="表示").speaker == entity_of(x, "徐斯儉")


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("聯邦調查局局長派特爾則表示，中國的間諜活動是美國面臨的最大威脅。", "派特爾"),
        ("英国首相施纪贤周三表示，英国会与美国合作。", "施纪贤"),
        ("財政部長貝森特在記者會上說，中國必須開放市場。", "貝森特"),
    ],
)
def test_a_name_nobody_listed_between_a_role_and_a_cue_speaks(sentence: str, speaker: str) -> None:
    x = extract_text(sentence)
    c = only(x, speaker=entity_of(x, speaker))
    assert c.text.startswith(sentence.split("，", 1)[1][:4])


@pytest.mark.parametrize("sentence", ["部長強烈表示，中國的做法違反規則。", "主席会后表示，美国不会让步。"])
def test_an_adverb_between_a_role_and_a_cue_is_no_name(sentence: str) -> None:
    x = extract_text(sentence)
    assert not [m for m in x.mentions if m.type == "PERSON"]


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        ("意大利数据保护局30日宣布，下令DeepSeek立即停止处理意大利用户的数据。", "意大利数据保护局"),
        ("荷蘭經濟事務部發表聲明指，阿斯麥須申請許可才能向中國出口。", "荷蘭經濟事務部"),
        ("星河貿易公司在聲明中表示，公司從未向中國出售英偉達晶片。", "星河貿易公司"),
    ],
)
def test_an_office_nobody_listed_speaks_from_its_slot(sentence: str, speaker: str) -> None:
    x = extract_text(sentence)
    c = only(x, speaker=entity_of(x, speaker))
    assert [m.type for m in x.mentions if m.text == speaker] == ["ORG"] and c.targets


@pytest.mark.parametrize(
    "text",
    [
        "商务部新闻发言人就美方出口管制措施答记者问\n有记者问：美方日前宣布新的出口管制措施，请问商务部有何评论？\n答：美方做法严重损害中国企业的正当权益，中方坚决反对。",
        "商務部新聞發言人就美方出口管制措施答記者問\n問：美方日前宣布新的出口管制措施，商務部有何評論？\n答：美方做法嚴重損害中國企業的正當權益，中方堅決反對。",
    ],
)
def test_an_office_whose_unnamed_spokesperson_answers_owns_the_answers(text: str) -> None:
    x = extract_text(text)
    answer = text.rsplit("答：", 1)[1]
    c = only(x, text=answer)
    assert x.entities and c.speaker == next(m.entity for m in x.mentions if m.text.startswith("商"))
    assert not [q for q in x.claims if q.type == "question" and q.speaker == c.speaker]  # nor asks


@pytest.mark.parametrize(
    "text",
    [
        "商务部新闻发言人21日就美方措施答记者问。发言人指出，中方敦促美方立即纠正错误做法，停止打压华为。",
        "商務部新聞發言人21日就美方措施答記者問。發言人指出，中方敦促美方立即糾正錯誤做法，停止打壓華為。",
    ],
)
def test_a_side_inside_an_unnamed_spokespersons_words_is_the_offices_voice(text: str) -> None:
    x = extract_text(text)
    office = entity_of(x, text[:3])
    c = only(x, speaker=office)
    assert c.text.startswith("中方") and entity_of(x, "中方") in c.targets
    assert [c.speaker for c in x.claims] == [office]


def test_a_side_inside_a_question_still_speaks() -> None:
    x = extract_text("法新社記者追問，美方近日稱中國向俄羅斯提供軍民兩用物資，中方有何回應？")
    assert only(x, speaker=entity_of(x, "美方")).text.startswith("中國向俄羅斯")


@pytest.mark.parametrize(
    ("sentence", "outlet"),
    [
        ("据美国《华尔街日报》报道，美方官员曾私下警告马来西亚。", "《华尔街日报》"),
        ("據《環球郵報》報道，加拿大政府正考慮限制華為。", "《環球郵報》"),
    ],
)
def test_an_outlet_in_title_marks_is_named_with_them_and_alone(sentence: str, outlet: str) -> None:
    x = extract_text(sentence)
    c = only(x, speaker=entity_of(x, outlet))
    assert [m.type for m in x.mentions if m.text == outlet] == ["ORG"] and c.targets
    assert not [m for m in x.mentions if m.text.endswith(outlet) and m.text != outlet]


def test_a_preposition_after_a_role_begins_no_name() -> None:
    x = extract_text("據報道，OpenAI發言人向媒體確認，公司將阻止來自中國的API流量。")
    assert not [m for m in x.mentions if m.text.startswith("向")]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("中國外交部發言人毛寧就話，美方一貫泛化國家安全概念。", "毛寧", "美方一貫"),
        ("TP-Link發言人回應話，TP-Link會配合美國嘅安全評估。", "TP-Link", "TP-Link會"),
        ("微軟上年份報告都講咗有中國黑客用路由器做跳板。", "微軟", "有中國黑客"),
    ],
)
def test_cantonese_cues(text: str, speaker: str, content: str) -> None:
    x = extract_text(text)
    assert only(x, speaker=entity_of(x, speaker)).text.startswith(content)


@pytest.mark.parametrize("text", ["佢講嘢好大聲，美國人都聽到。", "美國AI公司表示，禁令影響有限。"])
def test_no_claim_or_name_from_a_bare_cantonese_verb_or_an_acronym(text: str) -> None:
    x = extract_text(text)
    assert not x.claims and not [m for m in x.mentions if m.text in ("AI", "佢")]


PTT_REPLY = """作者 harbor_fox (港邊狐)
看板 Stock
標題 Re: [新聞] 台積電美國廠延後量產
時間 Mon Jun  2 09:12:00 2025

※ 引述《river_cat (河貓)》之銘言:
: 台積電早就說美國廠成本比台灣高五成

我覺得台積電這次還是會撐過去，美國補貼遲早會到位
--
推 kaohsiung_bear: 高雄市長陳其邁說高雄隨時歡迎台積電回來              06/02 09:20
→ blue_whale: 美國政府只會畫大餅                                06/02 09:21
"""


def test_a_quoted_post_the_thread_does_not_hold_is_its_posters() -> None:
    x = extract_text(PTT_REPLY)
    quoted = only(x, speaker=entity_of(x, "river_cat"))
    assert quoted.text.startswith("台積電早就說") and not quoted.text.startswith(":")
    assert not [c for c in x.claims if c.speaker == entity_of(x, "harbor_fox") and "五成" in c.text]


def test_words_said_in_a_push_line_end_with_the_line() -> None:
    x = extract_text(PTT_REPLY)
    said = only(x, speaker=entity_of(x, "陳其邁"))
    assert said.text.startswith("高雄隨時歡迎") and "06/02" not in said.text


def test_a_quoted_floor_is_claimed_once_where_it_was_posted() -> None:
    thread = (
        "#1 九龍城寨主  2024-12-19 08:50\n美國禁你就換？香港又唔係美國\n\n"
        "#2 唔識IT嘅IT狗  2024-12-19 09:03\n引用 #1：美國禁你就換？香港又唔係美國\n"
        "問題唔係邊度禁，係TP-Link啲舊型號有漏洞，記得更新韌體\n"
    )
    x = extract_text(thread)
    assert [c.text for c in x.claims if "香港又唔係美國" in c.text] == ["美國禁你就換？香港又唔係美國"]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("據香港電台報道，美國的制裁不會影響首批營運者。", "香港電台", "美國"),
        ("据界面新闻了解，微软在中国的服务暂不受影响。", "界面新闻", "微软"),
        ("不少开发者收到OpenAI发来的邮件。邮件称，OpenAI将阻止来自中国的API流量。", "OpenAI", "OpenAI将"),
        ("美國司法部起訴丁林葳。起訴書指出，丁林葳曾接觸北京一家公司。", "美國司法部", "丁林葳曾"),
        ("特區政府發言人反對美方的言論。發言人續指，外國政府無權干預香港事務。", "特區政府", "外國政府"),
        ("百度和阿里云随后也相继宣布，向OpenAI迁移用户提供免费服务。", "阿里云", "向OpenAI"),
        ("國民黨立委賴明宏和民進黨立委蔡佩蓉都呼籲經濟部評估新規對廣達的影響。", "賴明宏", "評估"),
    ],
)
def test_sources_documents_and_speech_going_on(text: str, speaker: str, content: str) -> None:
    says(text, speaker, content)


@pytest.mark.parametrize(
    ("turn", "name"),
    [
        ("奧肯菲爾議員（共和黨）：DeepSeek是否用了走私的晶片？", "奧肯菲爾"),
        ("米克斯（民主黨籍議員）：商務部打算如何執行新規？", "米克斯"),
    ],
)
def test_a_turn_label_with_a_role_or_an_aside_names_its_speaker(turn: str, name: str) -> None:
    x = extract_text("美國眾議院周三舉行聽證會，以下為部分問答：\n" + turn)
    c = only(x, speaker=entity_of(x, name))
    assert c.text == turn.split("：", 1)[1] and c.type == "question"


def test_quotations_joined_by_a_comma_after_a_cue_are_one_claim() -> None:
    x = extract_text("雷蒙多強調，「我們必須不斷改變，業界很難」，「事實是，中國在變化，我們必須跟上」。")
    c = only(x, speaker=entity_of(x, "雷蒙多"))
    assert c.text.startswith("我們必須") and c.text.endswith("我們必須跟上") and c.quote == "direct"


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("路透社引述多名知情人士，美國商務部計劃下月制定新規。", "路透社", "美國商務部"),
        ("彭博社援引消息人士的话称，苹果正与阿里巴巴洽谈合作。", "彭博社", "苹果"),
    ],
)
def test_an_outlet_citing_unnamed_sources_is_the_source(text: str, speaker: str, content: str) -> None:
    x = extract_text(text)
    assert only(x, speaker=entity_of(x, speaker)).text.startswith(content)


def test_an_instruction_is_a_demand() -> None:
    x = extract_text("美國商務部上月去信輝達，指示公司停止向中國出口部分晶片。")
    c = only(x, cue="指示")
    assert c.type == "demand" and c.text.startswith("公司停止")


def test_speakers_named_with_their_latin_names_in_a_letter_speak_together() -> None:
    x = extract_text(
        "委員會主席穆勒納爾（John Moolenaar）與外交事務委員會主席馬斯特（Brian Mast）在跨黨派聯名信中，"
        "呼籲對晶片製造設備實施國別限制，理由是中國正加速進口外國設備。"
    )
    speakers = {c.speaker for c in x.claims if c.cue == "呼籲"}
    assert speakers == {entity_of(x, "穆勒納爾"), entity_of(x, "馬斯特")}
    assert entity_of(x, "馬斯特") == entity_of(x, "Brian Mast")
    assert not [m for m in x.mentions if m.text.startswith("與")]


def test_a_title_in_marks_is_named_with_and_without_them() -> None:
    x = extract_text("据《证券时报》报道，OpenAI已确认这一消息。")
    outlet = entity_of(x, "《证券时报》")
    assert {m.text for m in x.mentions if m.entity == outlet} == {"《证券时报》", "证券时报"}


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("特區政府深夜發聲明，強烈譴責美國嘅「卑劣行徑」。", "特區政府", "美國"),
        ("外交部駐港公署都出咗聲明，話美方嘅制裁係粗暴干涉中國內政。", "外交部駐港公署", "美方"),
        ("林定國之前已經話過，香港唔怕美國制裁。", "林定國", "香港"),
        ("白宫国家安全委员会一名发言人在声明中称，中方的决定并非基于事实。", "白宫国家安全委员会", "中方"),
        ("美國財政部周一（28日）公布新規，限制美國人士投資中國。", "美國財政部", "新規"),
    ],
)
def test_what_stands_between_a_speaker_and_the_cue(text: str, speaker: str, content: str) -> None:
    says(text, speaker, content)


def test_forum_layouts_of_dcard_tieba_and_hkgolden() -> None:
    dcard = (
        "工程師阿哲 @azhe_eng · 2025年6月16日 14:22\n經濟部把華為列入出口管制名單，早該管了\n\n"
        "B1 竹科打工人 @hsinchu_worker · 6月16日 14:40\n華為早就透過算能繞道拿到台積電的晶片\n"
    )
    tieba = (
        "1楼 科技老韭菜 楼主 2025-02-18 11:02\n韩国下架DeepSeek了\n\n"
        "2楼 五道口扫地僧 2025-02-18 11:15\n韩国说得很清楚\n"
    )
    golden = (
        "#1 大埔孤狼 2025-04-01 09:12\n凍結資產？佢哋邊有錢喺美國\n\n"
        "#2 銅鑼灣食花生 2025-04-01 09:41\n引用 大埔孤狼：凍結資產？佢哋邊有錢喺美國\n"
        "金管局講過，香港嘅銀行唔使執行美國嘅制裁\n"
    )
    assert [p.author for p in extract_text(dcard).document.posts] == ["工程師阿哲", "竹科打工人"]
    assert [p.author for p in extract_text(tieba).document.posts] == ["科技老韭菜", "五道口扫地僧"]
    posts = extract_text(golden).document.posts
    assert [q.author for q in posts[1].quotes] == ["大埔孤狼"]


@pytest.mark.parametrize(
    ("text", "issuer"),
    [
        ("商务部发布公告，对美国芯片发起调查。贝森特称时机不佳。公告称，美国芯片挤压了国内产业。", "商务部"),
        ("开发者收到OpenAI发来的邮件。智谱推出迁移计划。邮件称，OpenAI将阻止来自中国的流量。", "OpenAI"),
    ],
)
def test_a_document_speaks_for_whoever_issued_it(text: str, issuer: str) -> None:
    x = extract_text(text)
    last = max(x.claims, key=lambda c: c.start)
    assert last.speaker == entity_of(x, issuer)


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("總統特朗普上月30日在社交平台Truth Social發文，指中國完全違反了協議。", "特朗普", "中國"),
        ("长江存储董事长陈南翔去年曾说，长江存储与中国政府没有特殊关系。", "陈南翔", "长江存储"),
        ("美國總統川普4日在國會發表演說時，點名《晶片與科學法》是可怕的東西。", "川普", "《晶片"),
        ("參議員康寧（John Cornyn）與參議員凱西（Bob Casey）聯署聲明，指財政部規則不夠。", "凱西", "財政部"),
        ("美國在台協會處長谷立言在論壇上致詞時說，美國對台灣的承諾堅若磐石。", "谷立言", "美國"),
    ],
)
def test_occasions_and_platforms_are_where_not_who(text: str, speaker: str, content: str) -> None:
    says(text, speaker, content)


@pytest.mark.parametrize(
    "intro",
    [
        "《數位時代》日前專訪政治大學教授蔡宏恩，以下為訪談摘要（問：《數位時代》；答：蔡宏恩）。",
        "《數位時代》日前專訪政治大學教授蔡宏恩，以下為訪談摘要。",
    ],
)
def test_an_outlet_that_interviews_asks_the_questions(intro: str) -> None:
    turns = "\n問：在川普的關稅壓力下，蘋果能兩邊討好嗎？\n答：很難，蘋果在中國有二百家供應商。"
    x = extract_text(intro + turns)
    asked = only(x, type="question")
    assert asked.speaker == entity_of(x, "《數位時代》") and asked.text.startswith("在川普")
    assert only(x, speaker=entity_of(x, "蔡宏恩")).text.startswith("很難")
    assert not [m for m in x.mentions if m.text.startswith("專訪")]


TAGGED = "【环球时报-环球网报道 记者 王明】据美国彭博社、英国路透社24日报道,特朗普政府正加大对中国的限制。"


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("在北京,外交部回應美國的晶片禁令,強調中方堅決反對美方濫用出口管制。", "外交部", "中方堅決反對"),
        ("外交部发言人林剑在回应外媒记者“中方有何评论”的提问时表示,中方反对美国的做法。", "林剑", "中方"),
        (TAGGED, "路透社", "特朗普"),
        (TAGGED, "彭博社", "特朗普"),
    ],
)
def test_mainland_punctuation_outlet_tags_and_lists_of_sources(text: str, speaker: str, content: str) -> None:
    says(text, speaker, content)


def test_an_outlet_tag_and_a_clause_before_a_cue_are_no_claim_and_no_name() -> None:
    x = extract_text("【环球网报道 记者 王明】林剑:中方已多次就美国恶意封锁打压中国半导体产业表明严正立场。")
    assert {c.speaker for c in x.claims} == {entity_of(x, "林剑")}
    assert not [m for m in x.mentions if len(m.text) > 8]


def test_an_unnamed_spokesperson_answers_for_the_office_the_question_was_put_to() -> None:
    x = extract_text(
        "有記者提問,美國正在制定更嚴厲的半導體限制措施。外交部對此有何評論?"
        "對此,發言人表示,中方已多次就美國惡意封鎖打壓中國的半導體產業表明嚴正的立場。"
    )
    c = only(x, cue="表示")
    assert c.speaker == entity_of(x, "外交部") and c.text.startswith("中方")
    assert not [m for m in x.mentions if m.text.startswith("明")]


@pytest.mark.parametrize(
    ("text", "speaker", "content"),
    [
        ("美國國務卿魯比奧發聲明,指控他們損害香港自治。", "魯比奧", "他們"),
        ("駐港國家安全公署發言人指,美國的制裁仍是一張廢紙。", "駐港國家安全公署", "美國"),
        ("香港特區政府嚴厲批評美國政府實施所謂的制裁。", "香港特區政府", "美國政府"),
    ],
)
def test_issuers_offices_and_manner_before_the_cue(text: str, speaker: str, content: str) -> None:
    x = says(text, speaker, content)
    assert not [m for m in x.mentions if m.text in ("嚴厲", "魯比奧發")]


def test_a_spokespersons_speech_goes_on_while_it_speaks_for_a_side() -> None:
    x = extract_text(
        "外交部发言人毛宁回应道,中国始终坚决抵制美国的这种行径。美方肆意泛化国家安全概念,对中国恶意封锁。"
        "中方必将捍卫中国企业的正当权益。"
    )
    said = [c.text for c in x.claims if c.speaker == entity_of(x, "毛宁")]
    assert any(t.startswith("美方肆意") for t in said) and any("中方必将" in t for t in said)


def test_a_reporters_question_does_not_go_on_the_words_it_reports() -> None:
    x = extract_text("法新社記者追問，美方近日稱中國向俄羅斯提供軍民兩用物資。中方有何回應？")
    said = [c.text for c in x.claims if c.speaker == entity_of(x, "美方")]
    assert said == ["中國向俄羅斯提供軍民兩用物資。"]


@pytest.mark.parametrize("law", ["依據兩岸人民關係條例規定", "根据《出口管制法》规定"])
def test_what_a_law_provides_is_not_said_by_the_law(law: str) -> None:
    x = extract_text(f"王美花表示,經濟部已啟動調查,{law},最高處罰可達2500萬元,經濟部也發函請華為說明。")
    assert [c.speaker for c in x.claims] == [entity_of(x, "王美花")]


def test_an_occasion_of_questioning_or_meeting_between_a_titled_name_and_the_cue() -> None:
    says("國民黨立委蔡文豪質詢時指出，台積電早已向美方通報。", "蔡文豪", "台積電早已")
    says("民进党立委苏雅琳质询时直言，经济部的审查流于形式。", "苏雅琳", "经济部的审查")
    says("外交部长王毅会见德国外长时表示，中方愿同德方加强合作。", "王毅", "中方愿同德方")
    says("經濟部長何俊宏答詢時坦言，經濟部事前並不知道晶片流向華為。", "何俊宏", "經濟部事前")
    says("私隱專員區敏儀接受本報訪問時坦言，公署的權力遠不及歐盟。", "區敏儀", "公署的權力")
    says("总商会会长冯启元接受本报专访时表示，欧盟的规定过于严苛。", "冯启元", "欧盟的规定")
    says("大律師彭浩然求情時稱，被告只是聽從美國客戶的指示。", "彭浩然", "被告只是")


def test_whom_an_occasion_names_is_not_its_speaker() -> None:
    for text, speaker, other in [
        ("外长王毅会见美国国务卿布林肯时表示，中方反对美国的制裁。", "王毅", "布林肯"),
        ("特首李家超接見美國國務卿布林肯時表示，香港歡迎美國企業。", "李家超", "布林肯"),
    ]:
        x = says(text, speaker, "")
        assert entity_of(x, other) not in {c.speaker for c in x.claims}, x.claims


def test_a_cue_that_is_also_a_verb_with_an_object_needs_a_break() -> None:
    says("商务部副部长盛秋平介绍，今年中国对美国的芯片出口下降了两成。", "盛秋平", "今年中国")
    says("經濟部長何俊宏回答說，台積電已暫停對中國客戶出貨。", "何俊宏", "台積電已")
    objects = ("华为介绍了新款芯片，美国官员也到场。", "李乐成回答了美国记者的问题。", "經濟部介紹美國新規。")
    for text in objects:
        assert extract_text(text).claims == [], text


def test_taiwan_and_hong_kong_words_of_attack_and_defence() -> None:
    for text, speaker, content, type_ in [
        ("國民黨立委林思妤反嗆，民進黨才是最會抹黑的政黨。", "林思妤", "民進黨才是", "criticism"),
        ("民进党团炮轰国民党，称其配合中共统战。", "民进党团", "国民党", "criticism"),
        ("議員周浩鼎批政府的規管太慢，落後於歐盟。", "周浩鼎", "政府的規管", "criticism"),
        ("美國在台協會聲援台灣，指台灣有權參與國際組織。", "美國在台協會", "台灣", "support"),
    ]:
        x = says(text, speaker, content)
        assert {c.type for c in x.claims if c.speaker == entity_of(x, speaker)} >= {type_}, x.claims
    for text in ("商务部批准了英伟达的申请。", "首批芯片已运往美国。", "這批晶片由台積電生產。"):
        assert extract_text(text).claims == [], text


def test_one_character_calls_of_headlines_and_reports() -> None:
    says("歐盟籲中國開放稀土出口", "歐盟", "中國開放")
    says("美国商会促白宫暂缓对华加征关税。", "美国商会", "暂缓")
    for text in ("中方将促进中美经贸合作。", "美國的禁令促使華為加快自研。", "商务部督促企业仓促整改。"):
        assert not [c for c in extract_text(text).claims if c.cue in ("促", "籲", "吁")], text


def test_he_after_an_unnamed_official_is_that_official_speaking_for_the_organisation() -> None:
    for text in (
        "中兴通讯有关负责人接受记者采访时表示，美国的制裁没有影响供货。他坦言，美国的制裁影响很大。",
        "台積電發言人昨日表示，公司遵守美國的出口管制規定。他強調，美國的調查不影響營運。",
    ):
        x = extract_text(text)
        assert len({c.speaker for c in x.claims}) == 1 and len(x.claims) == 2, (text, x.claims)
    says("商务部发言人表示，美国的做法违规。部长王文涛随后会见记者。他说，中国不会让步。", "王文涛", "中国")


def test_a_cue_that_ends_a_word_which_is_no_cue_does_not_cut_a_speakers_name() -> None:
    """問 is a cue, 顧問 (a consultancy) is not: the firm keeps its whole name and speaks."""
    for text, firm, cue in [
        ("恒遠顧問發表聲明稱，公司已向香港警務處報案。", "恒遠顧問", "發表聲明稱"),
        ("恒远顾问发表声明称，公司已向香港警务处报案。", "恒远顾问", "发表声明称"),
    ]:
        x = extract_text(text)
        assert next(m.text for m in x.mentions if m.type == "ORG") == firm
        assert [c.cue for c in x.claims if c.speaker == entity_of(x, firm)] == [cue]


def test_an_estimate_before_a_break_and_a_speaker_who_spoke_earlier() -> None:
    """預估/预估 before a comma is a cue (an estimate of the figure that follows); 先前 may stand between
    the speaker and the cue, like 此前."""
    x = extract_text("研究員林淑芬預估，台積電在美國的產能占比最多只會達到15%。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "林淑芬"), "預估")]
    x = extract_text("分析师王建国预估，英伟达今年的营收将增长三成。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "王建国"), "预估")]
    x = extract_text("台積電董事長魏哲家先前也說，台積電在美國的投資不是被逼的。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "魏哲家"), "說")]


def test_a_one_character_cue_after_the_occasion_of_speaking() -> None:
    """斥/批 after 在記者會上 still follow their speaker's name: the occasion stands between."""
    x = extract_text("國台辦發言人朱鳳蓮日前在記者會上斥民進黨當局「賊喊捉賊」。")
    assert [(c.speaker, c.cue, c.type) for c in x.claims] == [(entity_of(x, "朱鳳蓮"), "斥", "criticism")]
    x = extract_text("外交部发言人毛宁在例行记者会上批美方滥用出口管制。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "毛宁"), "批")]


def test_every_anaphor_rule_matches_its_examples() -> None:
    rules = json.loads(data_path("claim_rules.json").read_text(encoding="utf-8"))["anaphors"]
    for rule in rules:
        assert rule["examples"], rule["name"]
        for example in rule["examples"]:
            assert re.search(rule["pattern"], example), (rule["name"], example)


def test_a_claim_that_names_no_entity_but_refers_back_to_one_is_about_it() -> None:
    """公司 in a firm's statement is the firm; 要求公司… after naming a company is that company; 新规 is
    the rule named before; 该局 the last bureau named. A claim with no such word still names nothing."""
    x = extract_text("恒远顾问发表声明称，公司已全面检讨付款程序。")
    assert [c.targets for c in x.claims] == [(entity_of(x, "恒远顾问"),)]
    x = extract_text("上海證券交易所此前已對寒武紀發出監管工作函，要求公司核實相關傳聞。")
    assert [(c.speaker, c.targets) for c in x.claims] == [
        (entity_of(x, "上海證券交易所"), (entity_of(x, "寒武紀"),))
    ]
    x = extract_text("美国商务部公布了《出口管制条例》修订版。商务部发言人表示，新规旨在堵住长期存在的漏洞。")
    assert [c.targets for c in x.claims if c.cue == "表示"] == [(entity_of(x, "《出口管制条例》"),)]
    x = extract_text("保安局回覆查詢時表示會研究。該局又稱，本局已成立專責小組跟進個案。")
    assert [c.targets for c in x.claims if c.cue == "又稱"] == [(entity_of(x, "保安局"),)]
    assert not extract_text("王建华说，今天天气很好，大家出去走走。").claims


def test_a_body_speaks_through_a_notice_or_a_warning_it_issued() -> None:
    """发布通报称, 發出風險提示指: the document stands between the body and the cue."""
    x = extract_text("哈尔滨市公安局15日发布通报称，亚冬会期间遭到来自美国的网络攻击。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "哈尔滨市公安局"), "称")]
    x = extract_text("上海證券交易所發出風險提示，指寒武紀股價可能大幅波動。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "上海證券交易所"), "指")]


def test_a_proposal_is_a_demand() -> None:
    """提议/提議: who proposes asks for what follows (GUIDELINES: demand, calls, urges, proposes)."""
    x = extract_text("欧盟委员会今年2月已提议，取消进入欧盟的150欧元以下包裹的关税豁免。")
    assert [(c.speaker, c.cue, c.type) for c in x.claims] == [(entity_of(x, "欧盟委员会"), "提议", "demand")]
    x = extract_text("FCC主席羅森沃塞爾同日提議，電信業者每年須向FCC提交資安計畫。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "羅森沃塞爾"), "提議")]
    assert all(c.cue != "提议" for c in extract_text("这项提议遭到欧盟委员会否决，没有下文。").claims)


def test_the_next_day_and_the_same_occasion_between_a_speaker_and_the_cue() -> None:
    """隔天 (the next day), 同場 (at the same event) and 一直 stand between a speaker and the cue."""
    x = extract_text("蘋果執行長庫克同場宣布，蘋果未來4年將在美國追加投資1000億美元。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "庫克"), "宣布")]
    x = extract_text("商务部长卢特尼克隔天在白宫受访时说，前朝政府给台积电的补助太慷慨。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "卢特尼克"), "说")]
    x = extract_text("台北市長蔣萬安一直說，北市府會全力配合輝達。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "蔣萬安"), "說")]


def test_speakers_who_write_jointly_or_speak_severally_each_make_the_claim() -> None:
    """聯名致函X，要求…, 分别发表声明，呼吁…: each speaker asks, and X is whom they write to."""
    x = extract_text(
        "民主黨參議員魏登和共和黨參議員蘭金聯名致函聯邦通訊委員會，要求該會強制電信業者落實資安標準。"
    )
    assert sorted(c.speaker for c in x.claims) == sorted([entity_of(x, "魏登"), entity_of(x, "蘭金")])
    x = extract_text(
        "中国机电产品进出口商会和中国电子信息行业联合会当天也分别发表声明，呼吁美方撤销有关规则。"
    )
    speakers = {entity_of(x, "中国机电产品进出口商会"), entity_of(x, "中国电子信息行业联合会")}
    assert {c.speaker for c in x.claims} == speakers


def test_the_aspect_particle_after_a_cue_is_no_part_of_the_content() -> None:
    """說過/说过: what was said starts after 過, in either script; 过去 (the past) opens the content."""
    for text, content in [
        ("黄仁勋说过台北是辉达新总部的首选地点。", "台北是辉达新总部的首选地点。"),
        ("魏哲家說過台積電會用AI抓異常行為。", "台積電會用AI抓異常行為。"),
        ("雷蒙多说过去一年美国收紧了对华芯片管制。", "过去一年美国收紧了对华芯片管制。"),
    ]:
        claims = extract_text(text).claims
        assert [c.text for c in claims] == [content], text


def test_the_prosecution_speaks_as_the_prosecutors_office_the_report_names() -> None:
    """控方 (Hong Kong) and 檢方/检方 (Taiwan, the mainland) are the prosecutors' office the report names:
    律政司, 臺北地檢署, 人民检察院; with none named, nobody."""
    for text, office in [
        ("律政司早前起訴陳大文出口管制物品。控方指，被告多次把零件運往俄羅斯。", "律政司"),
        ("臺北地檢署今天起訴三名工程師。檢方指出，三人把台積電的製程資料帶往中國。", "臺北地檢署"),
        ("北京市人民检察院依法提起公诉。检方认为，被告向美国情报机构出售了情报。", "北京市人民检察院"),
    ]:
        x = extract_text(text)
        (claim,) = x.claims
        assert claim.speaker == entity_of(x, office), text
    assert extract_text("案件昨日開審。控方指，被告多次把零件運往俄羅斯。").claims == []


def test_a_report_speaks_for_whoever_owns_it_even_after_a_preposition() -> None:
    """根據國安局報告…。報告也提到… is the bureau's report speaking, not the person who spoke last; and a
    centre that publishes one (…应急处理中心发布的报告) is an organisation, in either script."""
    text = (
        "國安局長林志遠坦言，攻擊只是冰山一角。根據國安局報告，遭鎖定的目標包括醫院。"
        "駭客常利用思科設備的漏洞入侵。報告也提到，有中國駭客團體製作假訊息。"
    )
    x = extract_text(text)
    last = max(x.claims, key=lambda c: c.start)
    assert last.text.startswith("有中國駭客團體") and last.speaker == entity_of(x, "國安局")
    text = "国家网络应急处理中心发布的分析报告指出，攻击来自美国。报告认为，攻击针对黑龙江省的能源设施。"
    x = extract_text(text)
    assert [c.speaker for c in x.claims] == [entity_of(x, "国家网络应急处理中心")] * 2


def test_a_space_where_a_comma_would_be_opens_the_speakers_next_clause() -> None:
    """Forum posts type a space for a comma: 台積電也發聲明 說… is the company's statement; and Cantonese
    time words (頭先, 尋日) stand between a speaker and the cue like 昨天."""
    x = extract_text("台積電也發聲明 說對違反營業秘密的行為零容忍，會追究東京威力。")
    assert [(c.speaker, c.cue) for c in x.claims] == [("tsmc", "說")]
    x = extract_text("數字政策辦公室頭先出咗新聞稿，話會先喺10個部門試行DeepSeek。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "數字政策辦公室"), "話")]
    x = extract_text("李家超尋日話香港要加快發展人工智能。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "李家超"), "話")]


def test_cantonese_verbs_of_saying_and_occasions() -> None:
    """話/講 say and 喺… (at) is an occasion in Cantonese, as 說 and 在… in Mandarin; a name nobody listed
    before them is a person."""
    x = extract_text("孫大東喺記者會話，港話通會開放俾DeepSeek用戶試用。")
    assert [(c.speaker, c.cue, c.text[:3]) for c in x.claims] == [(entity_of(x, "孫大東"), "話", "港話通")]
    x = extract_text("陳大文話政府會同DeepSeek合作，唔會收費。")
    assert [(c.speaker, c.cue) for c in x.claims] == [(entity_of(x, "陳大文"), "話")]
    assert extract_text("佢打電話俾DeepSeek客服。").claims == []
