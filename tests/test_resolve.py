"""Resolution rules of extract/resolve.py, each on sentences written for the test."""

from extract.resolve import Proposal, choose, plausible_ner, slug
from tests.extraction_helpers import aliases, entity_of, extract_text


def test_apposition_joins_chinese_and_english_names() -> None:
    x = extract_text("研究员玛丽亚·科斯塔 (Maria Costa) 表示，美国应当加强管制。科斯塔还说，中国不会让步。")
    person = entity_of(x, "玛丽亚·科斯塔")
    assert aliases(x, person) == {"玛丽亚·科斯塔", "Maria Costa", "科斯塔"}
    assert next(e for e in x.entities if e.id == person).name == "Maria Costa"


def test_acronym_in_brackets_is_an_alias() -> None:
    x = extract_text("北海市交通运输委员会(BTC)昨日表示，BTC将配合美国调查。")
    org = entity_of(x, "北海市交通运输委员会")
    assert aliases(x, org) >= {"北海市交通运输委员会", "BTC"}


def test_surname_alone_is_the_person_named_in_full() -> None:
    x = extract_text("参议员 Daniel Okafor 周二表示，美国必须回应。Okafor 还批评了中国。")
    assert entity_of(x, "Okafor") == entity_of(x, "Daniel Okafor") == "daniel_okafor"


def test_shared_surname_stays_unresolved() -> None:
    x = extract_text("Anna Berg 和 Tom Berg 都在美国。Berg 说了话。")
    assert "Berg" not in {m.text for m in x.mentions}


def test_ambiguous_agency_follows_the_country_context() -> None:
    us = extract_text("美国政府宣布新规。美国商务部随后表示，商务部将严格执法。美国官员称美国不会让步。")
    cn = extract_text("中国政府回应称，中国商务部将采取反制措施。商务部发言人表示中国坚决反对。")
    assert {m.entity for m in us.mentions if m.text == "商务部"} != {
        m.entity for m in cn.mentions if m.text == "商务部"
    }


def test_traditional_and_simplified_are_one_entity_across_documents() -> None:
    simplified = extract_text("英伟达表示将遵守美国的规定。", "a.txt")
    traditional = extract_text("英偉達表示將遵守美國的規定。", "b.txt")
    assert entity_of(simplified, "英伟达") == entity_of(traditional, "英偉達")
    assert entity_of(simplified, "美国") == entity_of(traditional, "美國")


def test_longest_proposal_wins_and_source_breaks_ties() -> None:
    kept = choose(
        [
            Proposal(0, 3, "PERSON", "gazetteer"),
            Proposal(0, 5, "ORG", "patterns"),
            Proposal(6, 9, "PERSON", "patterns"),
            Proposal(6, 9, "ORG", "gazetteer"),
        ]
    )
    assert [(p.start, p.label) for p in kept] == [(0, "ORG"), (6, "ORG")]


def test_slugs_are_stable() -> None:
    assert slug("Daniel Okafor") == slug("daniel  okafor") == "daniel_okafor"
    assert slug("國會") == slug("国会")


def test_nested_gazetteer_name_keeps_its_own_mention_but_not_in_claims() -> None:
    x = extract_text("拜登政府时期，美国商务部说，中国必须遵守规定。")
    assert {"拜登政府", "拜登"} <= {m.text for m in x.mentions}
    assert entity_of(x, "拜登") != entity_of(x, "拜登政府")
    assert all(entity_of(x, "拜登") not in c.targets for c in x.claims)


def test_a_name_inside_a_longer_name_of_the_same_entity_is_not_a_second_mention() -> None:
    for text in ("台積電今天表示，營收成長。", "美国商务部今天表示，出口管制继续。"):
        x = extract_text(text)
        spans = [(m.start, m.end, m.entity) for m in x.mentions]
        assert not [
            inner
            for inner in spans
            for outer in spans
            if inner != outer and inner[2] == outer[2] and outer[0] <= inner[0] and inner[1] <= outer[1]
        ], text


def test_institute_after_its_university_is_one_organisation() -> None:
    x = extract_text("北京大学人工智能伦理研究院的学者表示，美国的限制会失败。")
    assert "北京大学人工智能伦理研究院" in {m.text for m in x.mentions}


def test_lowercase_acronyms_in_forum_style_text() -> None:
    x = extract_text("irs 会查吗，还是交给 fbi")
    assert {m.text for m in x.mentions} >= {"irs", "fbi"}


def test_longer_variant_of_a_gazetteer_name_takes_its_id() -> None:
    x = extract_text("国会通过了《美国芯片与科学法案》。")
    law = next(m for m in x.mentions if m.type == "LAW")
    assert law.text == "《美国芯片与科学法案》" and law.entity == entity_of(
        extract_text("芯片与科学法案生效"), "芯片与科学法案"
    )
    assert len({m.entity for m in x.mentions if m.type == "LAW"}) == 1


def test_compound_across_one_space() -> None:
    x = extract_text("Google 人工智能伦理研究院的报告称，美国落后了。")
    assert "Google 人工智能伦理研究院" in {m.text for m in x.mentions}


def test_a_name_found_once_is_found_everywhere() -> None:
    x = extract_text("清华大学教授王建华告诉记者，美国不会成功。王建华还说，中国有办法。")
    assert [m.text for m in x.mentions if m.type == "PERSON"] == ["王建华", "王建华"]
    assert len({m.entity for m in x.mentions if m.text == "王建华"}) == 1


def test_statistical_names_must_look_like_names() -> None:
    assert plausible_ner("王小明", "PERSON") and plausible_ner("北海市", "GPE")
    assert not plausible_ner("问题", "PERSON") and not plausible_ner("中国公司", "ORG")
    assert not plausible_ner("确保美国领。", "ORG")


def test_a_word_that_begins_with_a_surname_is_no_name_of_the_model() -> None:
    """查/申/尚/武 are surnames, but 查詢, 申请, 尚未, 武术 are words: their characters are not names'."""
    for word in ["查詢", "查询", "申请", "申請", "尚未", "武术", "管理", "安全", "高度"]:
        assert not plausible_ner(word, "PERSON"), word
    for name in ["查良鏞", "申紀蘭", "尚慧玲", "武大伟", "管仲", "何立峰", "郑万通"]:
        assert plausible_ner(name, "PERSON"), name


def test_a_name_of_the_model_that_ends_in_a_role_is_no_name() -> None:
    """國安顧問蘇利文: 安顧問 is the end of a title, not a person before 蘇利文."""
    for words in ["安顧問", "安顾问", "林主席", "王部長"]:
        assert not plausible_ner(words, "PERSON"), words
    x = extract_text("白宮國安顧問蘇利文此前曾表示，美國將對關鍵技術維持優勢。")
    assert [m.text for m in x.mentions if m.type == "PERSON"] == ["蘇利文"]


def test_country_context_counts_the_countrys_bodies() -> None:
    x = extract_text("中国公司和中国市场很重要。白宫和美国国会都在讨论。商务部表示会审查。")
    assert entity_of(x, "商务部") == entity_of(extract_text("美国商务部发布新规"), "美国商务部")


def test_a_qualified_name_in_the_document_decides_the_bare_one() -> None:
    x = extract_text("美国商务部周二宣布新规。中国、中方、中国外交部都表示反对。商务部长随后说明。")
    assert entity_of(x, "商务部") == entity_of(x, "美国商务部")


def test_a_title_in_book_title_marks_is_named_with_them_and_also_bare() -> None:
    x = extract_text("委员会依照《產品安全條約》审议。產品安全條約自明年生效，另有《消费者权益保护法》。")
    title = entity_of(x, "《產品安全條約》")
    assert title == "产品安全条约"
    assert aliases(x, title) == {"《產品安全條約》", "產品安全條約"}
    assert entity_of(x, "《消费者权益保护法》") == "消费者权益保护法"
    assert next(e.name for e in x.entities if e.id == title) == "产品安全条约"


def test_a_government_named_by_its_country_person_or_party_is_an_organisation() -> None:
    x = extract_text("挪威政府和民進黨當局都回应了，內塔尼亞胡政府则沉默。")
    found = {(m.text, m.type) for m in x.mentions}
    assert {("挪威政府", "ORG"), ("民進黨當局", "ORG"), ("內塔尼亞胡政府", "ORG")} <= found
    assert {("挪威", "GPE"), ("民進黨", "ORG")} <= found
    assert entity_of(x, "民進黨") != entity_of(x, "民進黨當局")


def test_government_is_no_name_after_a_common_word() -> None:
    x = extract_text("有关当局和该国政府都表示支持。")
    assert [m.text for m in x.mentions] == []


def test_a_place_followed_by_zu_is_a_people_not_the_place() -> None:
    x = extract_text("警察同阿尔巴尼亚族武装发生冲突，阿尔巴尼亚政府呼吁克制。")
    assert [m.text for m in x.mentions if m.type == "GPE"] == ["阿尔巴尼亚"]
    assert next(m.start for m in x.mentions if m.type == "GPE") == 16


def test_well_known_places_and_bodies_in_either_script() -> None:
    x = extract_text("立法會議員在喀布爾和貝爾格萊德考察後，滙豐和瑞信發表報告。")
    found = {(m.text, m.entity) for m in x.mentions}
    assert {("立法會", "hk_legco"), ("喀布爾", "kabul"), ("滙豐", "hsbc"), ("瑞信", "credit_suisse")} <= found


def test_short_place_names_do_not_match_inside_common_words() -> None:
    x = extract_text("沿海地区增加纳米材料，这里加上新的规定。")
    assert x.mentions == []


def test_a_capital_speaks_for_its_country_when_an_office_name_is_shared() -> None:
    from tests.extraction_helpers import extract_text

    x = extract_text("華府官員游說盟友。商務部去信輝達，華府認為中國市場將受影響，中國企業不滿，華府無評論。")
    assert {m.entity for m in x.mentions if m.text == "商務部"} == {"us_commerce_department"}


def test_a_model_name_that_cuts_a_listed_name_in_two_is_dropped() -> None:
    from extract.pipeline import load_pipeline
    from extract.resolve import proposals_of

    text = "賴清德上禮拜才說台灣很安全。"
    doc = load_pipeline().make_doc(text)
    doc.spans["gazetteer"] = [doc.char_span(0, 3, label="PERSON", kb_id="lai_ching_te")]
    doc.ents = [doc.char_span(1, 7, label="ORG")]  # 清德上禮拜才, as the model once proposed
    assert [(p.start, p.end, p.source) for p in proposals_of(doc)] == [(0, 3, "gazetteer")]


def test_a_model_name_that_ends_inside_a_word_is_dropped() -> None:
    from extract.pipeline import load_pipeline
    from extract.resolve import proposals_of

    text = "企业需要申请许可证才能出口。"
    doc = load_pipeline().make_doc(text)
    doc.ents = [doc.char_span(4, 7, label="PERSON")]  # 申请许|可, as the model proposed it
    assert proposals_of(doc) == []


def test_a_products_maker_and_a_generic_head_are_not_part_of_its_name() -> None:
    """英伟达H100: the maker is a mention of its own and the product is H100; 麒麟芯片 is 麒麟."""
    for text, product, maker in [
        ("走私的英伟达H100芯片被查获。", "H100", "英伟达"),
        ("華為昇騰晶片開始出貨。", "昇騰", "華為"),
        ("微软Azure云暂停了服务。", "Azure", "微软"),
    ]:
        x = extract_text(text)
        assert [m.text for m in x.mentions if m.type == "PRODUCT"] == [product], text
        assert maker in [m.text for m in x.mentions if m.type == "ORG"], text
    x = extract_text("华为昇腾910C开始出货。")  # a model's full name stays whole
    products = [m.text for m in x.mentions if m.type == "PRODUCT"]
    assert "昇腾910C" in products and "华为昇腾" not in products


def test_a_latin_name_in_brackets_after_a_quoted_name_is_its_alias() -> None:
    x = extract_text("駭客組織「鹽颱風」（Salt Typhoon）入侵了電信業者。她說，鹽颱風仍在網路中。")
    assert entity_of(x, "Salt Typhoon") == entity_of(x, "鹽颱風")
    assert {m.type for m in x.mentions if m.entity == entity_of(x, "鹽颱風")} == {"ORG"}


def test_telegram_is_not_found_inside_a_wire_report() -> None:
    """電報 is Telegram to some writers, but 外電報導 (a report from foreign wires) opens many dispatches."""
    x = extract_text("（中央社綜合外電報導）美國政府今天宣布新規。他在Telegram上發文。")
    assert [m.text for m in x.mentions if m.type == "PRODUCT"] == ["Telegram"]


def test_government_affairs_of_a_company_is_no_administration() -> None:
    """輝達政府事務副總裁: 政府事務 (government affairs) is a department's word, not 輝達's government;
    川普政府官員 are the administration's officials."""
    for text in ["輝達政府事務副總裁表示會配合。", "英伟达政府关系主管表示会配合。"]:
        assert not [m for m in extract_text(text).mentions if m.text.endswith("政府")], text
    x = extract_text("川普政府官員表示會配合。")
    assert "川普政府" in [m.text for m in x.mentions if m.type == "ORG"]


def test_a_generic_description_of_a_body_is_no_organisation() -> None:
    """監管部門, 国际组织, 有關當局 describe bodies and name none (GUIDELINES); 世界贸易组织 names one."""
    for text in [
        "去年立案以来，监管部门首次披露调查进展。",
        "美國行政部門支持台灣參與國際組織。",
        "有關當局表示會跟進。",
    ]:
        assert not [m for m in extract_text(text).mentions if m.type == "ORG"], text
    x = extract_text("世界贸易组织表示，争端仍在审理。")
    assert [m.text for m in x.mentions if m.type == "ORG"] == ["世界贸易组织"]


def test_a_place_that_ends_another_places_name_is_not_named_there() -> None:
    """南亞 ends 東南亞 but is another region: it is no nested mention (拜登 in 拜登政府 still is)."""
    x = extract_text("大量晶片經東南亞轉運到中國。")
    assert sorted(m.text for m in x.mentions if m.type == "GPE") == ["中國", "東南亞"]
    x = extract_text("拜登政府宣布新规。")
    assert "拜登" in [m.text for m in x.mentions if m.type == "PERSON"]


def test_the_mainland_is_china() -> None:
    """大陸, 中國大陸, 內地: in Taiwan and Hong Kong reports the mainland is China (the PRC), one entity."""
    x = extract_text("中國商務部昨天回應。他在大陸和中國大陸以外都有工廠，內地市場仍是重點。")
    assert len({entity_of(x, n) for n in ("中國", "大陸", "中國大陸", "內地")}) == 1


def test_the_model_may_not_cut_a_word_at_a_names_edge() -> None:
    """任何安全 is no 何安, 毛利率 no 毛利: the model's name began inside 任何 or ended inside 利率."""
    for text in ["TP-Link會配合美國任何安全評估。", "成熟製程為主的公司，去年毛利率都明顯下滑。"]:
        assert not [m for m in extract_text(text).mentions if m.type == "PERSON"], text


def test_a_company_in_its_registered_form_is_that_company() -> None:
    """Trade words and a legal form after a known company's name (英伟达半导体科技有限公司) make its
    registered name, in either script; another word between (美洲) makes another company."""
    nvidia = entity_of(extract_text("英伟达表示，出货正常。"), "英伟达")
    for sentence, name in [
        ("监管机构调查英伟达半导体科技有限公司的交易。", "英伟达半导体科技有限公司"),
        ("檢方指輝達科技股份有限公司並未回應。", "輝達科技股份有限公司"),
    ]:
        assert entity_of(extract_text(sentence), name) == nvidia, sentence
    x = extract_text("中国电信美洲有限公司起诉了联邦通信委员会。")
    assert entity_of(x, "中国电信美洲有限公司") != entity_of(extract_text("中国电信表示反对。"), "中国电信")


def test_a_surname_with_a_title_is_the_person_of_that_surname() -> None:
    """李主席 after 国家主席李瑞明, 李特首 after 行政長官李家朗: the one person of that surname named in full;
    with two of them (李瑞明, 李大同) the title says nothing of which."""
    for text, full, titled in [
        ("国家主席李瑞明昨天抵达巴黎。李主席在会见时说，中法合作前景广阔。", "李瑞明", "李主席"),
        ("行政長官李家朗昨日表示，香港會繼續發展。李特首又說，政府會加大投資。", "李家朗", "李特首"),
    ]:
        x = extract_text(text)
        assert entity_of(x, titled) == entity_of(x, full), text
    x = extract_text("李瑞明和李大同出席会议。李主席说，合作前景广阔。")
    assert entity_of(x, "李主席") not in {entity_of(x, "李瑞明"), entity_of(x, "李大同")}


def test_a_name_read_one_character_short_is_the_name_read_more_often() -> None:
    """A person's name proposed once a character short (司徒家明雖非: 司徒家) where the document names the
    person more often in full is that person, at that name."""
    x = extract_text(
        "被告司徒家明承認控罪。律師稱司徒家明只負責物流。法官判刑時指，司徒家明雖非主腦，但角色吃重。"
        "他又指，司徒家明有悔意。"
    )
    assert {m.text for m in x.mentions if m.type == "PERSON"} == {"司徒家明"}


def test_a_place_and_the_modal_hui_is_no_parliament() -> None:
    """美国会 abbreviates 美国国会, but in 美国会继续收紧管制 it is 美国 and 会 (will), in either script;
    before a preposition (美国会在上周通过) it stays the parliament."""
    for text in ["美国会继续收紧出口管制。", "美國會否採取行動仍未可知。", "他说美国会尽快公布新规。"]:
        x = extract_text(text)
        assert "us_congress" not in {m.entity for m in x.mentions}, text
        assert "usa" in {m.entity for m in x.mentions}, text
    for text in ["美国会两党议员联名致函商务部。", "美國會的報告指出，晶片走私嚴重。"]:
        assert "us_congress" in {m.entity for m in extract_text(text).mentions}, text
    assert "us_congress" in {m.entity for m in extract_text("美国会在上周通过了法案。").mentions}
