"""Forum threads: posts, posters, times and quoted posts, all as exact offsets."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from extract.forum import split_posts
from extract.markup import blank_markup
from extract.records import Post, QuotedPost

SEEDS = Path(__file__).parent.parent / "seeds"
FORUM_JSON = Path(__file__).parent.parent / "extract" / "data" / "forum.json"


def _split(text: str) -> tuple[Post, ...]:
    return split_posts(text, blank_markup(text, html_document=False))


def _check_offsets(text: str, posts: tuple[Post, ...]) -> None:
    for post in posts:
        assert text[post.author_start : post.author_end] == post.author == post.author.strip()
        body = text[post.start : post.end]
        assert body == body.strip() and body
        for quote in post.quotes:
            assert post.start <= quote.start < quote.end <= post.end
            words = text[quote.start : quote.end]
            assert words == words.strip()


def _words(text: str, quote: QuotedPost) -> str:
    return text[quote.start : quote.end]


@pytest.fixture(scope="module")
def thread() -> tuple[str, tuple[Post, ...]]:
    text = (SEEDS / "002_30f14379e19f2ff5.txt").read_text(encoding="utf-8")
    return text, _split(text)


def test_seed_thread_posts(thread):
    text, posts = thread
    _check_offsets(text, posts)
    floors = [post.floor for post in posts]
    assert floors == list(range(1, 96))
    first = posts[0]
    assert (first.author, first.time) == ("i0ncube_R", "2025-01-31T08:59")
    assert text[first.start :].startswith("新任商务部长Howard Lutnick")
    assert posts[1].author == "无可奉吿"
    assert text[posts[2].start : posts[2].end] == "继续念经"
    assert posts[88].author == "i0ncube_R"  # "楼主|" before 发表于
    assert posts[-1].time == "2025-02-02T12:46"
    assert all("*****" not in text[p.start : p.end] and "#####" not in text[p.start : p.end] for p in posts)


def test_seed_thread_quote_of_floor_6(thread):
    text, posts = thread
    post = posts[5]
    assert (post.floor, post.author, post.time) == (6, "sellboy", "2025-01-31T09:20")
    (quote,) = post.quotes
    assert quote.author == "yangkaim4"
    assert _words(text, quote) == "限制模型蒸馏这种事也能限制的住？真是赢学入脑了。"
    own = text[quote.end : post.end]
    assert own.split("\n")[0] == "</blockquote>"
    assert "无非是" in own and "不允许美国AI企业开源权重" in own
    assert "无非是" not in _words(text, quote)
    assert text.index("无非是", post.start) > quote.end


def test_seed_thread_quotes(thread):
    text, posts = thread
    quotes = [quote for post in posts for quote in post.quotes]
    assert len(quotes) == text.count("<blockquote>")
    assert all(quote.author for quote in quotes)
    assert all("<" not in _words(text, q) and "发表于" not in _words(text, q) for q in quotes)
    # a quote without a link: "<blockquote>sellboy 发表于 2025-1-31 09:20\n无非是 ..."
    assert posts[11].quotes[0].author == "sellboy"
    assert _words(text, posts[11].quotes[0]).startswith("无非是\n\n美国本土服务商")
    # header and quoted words on one line, inside a link with a leading space
    assert posts[84].quotes[0].author == "七草真由美"
    assert _words(text, posts[84].quotes[0]).startswith("这些人无非是")


@pytest.mark.parametrize("seed", ["000", "001", "003", "004"])
def test_articles_have_no_posts(seed):
    (path,) = SEEDS.glob(f"{seed}_*.txt")
    assert _split(path.read_text(encoding="utf-8")) == ()


DISCUZ = "\n".join(
    [
        "*****",
        "",
        "####  老王  ",
        "##### 1#       楼主       发表于 2024-3-5 10:21",
        "",
        "美国宣布对钢铁加征关税。",
        "",
        "*****",
        "",
        "####  小李  ",
        "##### 2#       发表于 2024-3-5 10:25",
        "",
        "<blockquote>老王 发表于 2024-3-5 10:21",
        "美国宣布对钢铁加征关税。</blockquote>",
        "欧盟会反制吗？",
        "",
        "*****",
        "",
    ]
)


def test_discuz_export():
    posts = _split(DISCUZ)
    _check_offsets(DISCUZ, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "老王", "2024-03-05T10:21"),
        (2, "小李", "2024-03-05T10:25"),
    ]
    assert DISCUZ[posts[0].start : posts[0].end] == "美国宣布对钢铁加征关税。"
    assert DISCUZ[posts[1].end - 6 : posts[1].end] == "欧盟会反制吗？"[-6:]
    (quote,) = posts[1].quotes
    assert (quote.author, _words(DISCUZ, quote)) == ("老王", "美国宣布对钢铁加征关税。")


FLOORS = """\
【讨论】稀土出口管制新规

楼主 张三 发表于 2024-10-09 08:00
商务部公布了稀土出口管制的新规定。

沙发 李四 2024年10月9日 08:05
[quote]张三 发表于 2024-10-9 08:00
商务部公布了稀土出口管制的新规定。[/quote]
这对欧洲车企影响很大。

3楼 John Smith 发表于 2024/10/09 08:07:30
[quote=李四]这对欧洲车企影响很大。[/quote]
Not only Europe.

第4楼：王五 发表于 2024-10-09 08:09
[quote]
[size=2][color=#999999]原帖由 John Smith 于 2024-10-9 08:07 发表[/color][/size]
Not only Europe.
[/quote]
同意。
"""


def test_floor_lines_and_bbcode_quotes():
    posts = _split(FLOORS)
    _check_offsets(FLOORS, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "张三", "2024-10-09T08:00"),
        (2, "李四", "2024-10-09T08:05"),
        (3, "John Smith", "2024-10-09T08:07:30"),
        (4, "王五", "2024-10-09T08:09"),
    ]
    assert FLOORS[posts[0].start : posts[0].end] == "商务部公布了稀土出口管制的新规定。"
    quotes = [(q.author, _words(FLOORS, q)) for p in posts for q in p.quotes]
    assert quotes == [
        ("张三", "商务部公布了稀土出口管制的新规定。"),
        ("李四", "这对欧洲车企影响很大。"),
        ("John Smith", "Not only Europe."),
    ]
    assert FLOORS[posts[3].quotes[0].end : posts[3].end].endswith("同意。")


HASHES = """\
#1 alice 2024-03-05 10:21
Tariffs on steel go up next month.

#2 bob 发表于 2024-03-05 10:25
<blockquote>alice wrote:
Tariffs on steel go up next month.</blockquote>
Source?

3# carol 2024-03-05 10:30
<blockquote><blockquote>inner</blockquote>outer words</blockquote>
<blockquote>no header here</blockquote>
Both wrong.
"""


def test_hash_lines_nested_and_headerless_quotes():
    posts = _split(HASHES)
    _check_offsets(HASHES, posts)
    assert [(p.floor, p.author) for p in posts] == [(1, "alice"), (2, "bob"), (3, "carol")]
    assert [(q.author, _words(HASHES, q)) for q in posts[1].quotes] == [
        ("alice", "Tariffs on steel go up next month.")
    ]
    nested, headerless = posts[2].quotes
    assert nested.author is None and _words(HASHES, nested).startswith("inner")
    assert _words(HASHES, nested).endswith("outer words")
    assert (headerless.author, _words(HASHES, headerless)) == (None, "no header here")


def test_one_header_is_not_a_thread():
    assert _split("1楼 张三 发表于 2024-03-05 10:21\n只有一层。") == ()
    assert _split("普通新闻。\n\n第二段。") == ()


def test_impossible_date_gives_no_time():
    text = "1楼 甲 发表于 2024-02-30 10:00\n一\n2楼 乙 发表于 2024-03-01 25:00\n二"
    assert [p.time for p in _split(text)] == [None, None]


def test_lengths_must_match():
    with pytest.raises(ValueError, match="same length"):
        split_posts("abc", "ab")


def test_every_format_matches_its_own_example():
    data = json.loads(FORUM_JSON.read_text(encoding="utf-8"))
    fill = {"{time}": data["time"], "{floor_name}": "|".join(data["floor_names"])}

    def compiled(pattern: str) -> re.Pattern[str]:
        for key, value in fill.items():
            pattern = pattern.replace(key, value)
        return re.compile(pattern)

    for thread in data["threads"]:
        assert compiled(thread["header"]).search(thread["example"]), thread["name"]
    for header in data["quote_headers"]:
        assert compiled(header["pattern"]).match(header["example"]), header["name"]


PTT = """作者 bluecat88 (藍貓)
看板 Stock
標題 [新聞] 美國擴大晶片禁令
時間 Thu May  1 09:00:00 2025

美國商務部宣布擴大對中國的晶片出口管制。

--
推 taiwanfan: 台積電又要被點名了                          05/01 09:05
噓 abc123: 輝達才是最慘的                                05/01 09:07
→ taiwanfan: 樓上 華為會笑                                 05/01 09:08
"""

MOBILE01 = """小資工程狗 #1 2025-03-04 09:15
台積電要在美國蓋新廠，台灣還剩什麼？

科技宅阿明 #2 2025-03-04 09:32
股東會通過就好。

小資工程狗 #3 2025-03-04 09:40
引用 科技宅阿明 #2
股東會通過就好
問題是最先進製程要不要留在台灣？
"""

ANSWERS = """华为还能撑多久？

芯片老兵 的回答
赞同 1,024

短期阵痛，长期利好国产替代。

硅谷观察者 的回答
赞同 2,056

这次只是兑现承诺。
"""


def test_ptt_push_lines_are_posts_of_their_own_without_their_time():
    posts = _split(PTT)
    _check_offsets(PTT, posts)
    assert [(p.floor, p.author) for p in posts] == [
        (1, "bluecat88"),
        (2, "taiwanfan"),
        (3, "abc123"),
        (4, "taiwanfan"),
    ]
    assert PTT[posts[1].start : posts[1].end] == "台積電又要被點名了"


def test_a_poster_then_a_hash_floor_and_a_quoted_line():
    posts = _split(MOBILE01)
    _check_offsets(MOBILE01, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "小資工程狗", "2025-03-04T09:15"),
        (2, "科技宅阿明", "2025-03-04T09:32"),
        (3, "小資工程狗", "2025-03-04T09:40"),
    ]
    (quote,) = posts[2].quotes
    assert (quote.author, _words(MOBILE01, quote)) == ("科技宅阿明", "股東會通過就好")


def test_each_answer_of_a_question_site_is_a_post():
    posts = _split(ANSWERS)
    assert [(p.floor, p.author) for p in posts] == [(1, "芯片老兵"), (2, "硅谷观察者")]


WEIBO = (
    "@路人丙：美国又来这套 //@芯片观察者:这下英伟达要哭了 "
    "//@科技日报:美国商务部宣布把更多中国企业列入实体清单。\n"
)

TIEBA = """1楼 华为吧主
华为的新芯片出来了，大家怎么看？
2025-06-20 11:40

2楼 路过的网友
美国的禁令看来没用。

3楼 老张
英伟达急了。
"""


def test_each_reposter_of_a_weibo_chain_owns_the_words_after_their_name():
    posts = _split(WEIBO)
    _check_offsets(WEIBO, posts)
    assert [(p.author, WEIBO[p.start : p.end]) for p in posts] == [
        ("路人丙", "美国又来这套"),
        ("芯片观察者", "这下英伟达要哭了"),
        ("科技日报", "美国商务部宣布把更多中国企业列入实体清单。"),
    ]


def test_floors_without_a_time_on_their_line():
    posts = _split(TIEBA)
    _check_offsets(TIEBA, posts)
    assert [(p.floor, p.author) for p in posts] == [(1, "华为吧主"), (2, "路过的网友"), (3, "老张")]


def test_a_press_conference_is_not_a_weibo_chain():
    assert _split("林剑：中方坚决反对。\n彭博社记者：中方会报复吗？\n林剑：我们会采取必要措施。\n") == ()


COPIED_DISCUZ = """芯片论坛 › 行业讨论 › 查看帖子
[讨论] 光刻机禁令会不会扩大？

1#
硅片搬运工 | 楼主 | 发表于 2024-11-2 08:15
荷兰政府说下个月起要审查更多型号。

2#
老李说芯 | 发表于 2024-11-2 08:40
硅片搬运工 发表于 2024-11-2 08:15
荷兰政府说下个月起要审查更多型号。
审查归审查，阿斯麦照样出货。

3楼
晶圓廠打工仔 ｜ 發表於 2024-11-2 09:02
台積電應該不受影響。
"""


def test_a_floor_on_its_own_line_then_the_posters_line_and_a_quoted_line():
    posts = _split(COPIED_DISCUZ)
    _check_offsets(COPIED_DISCUZ, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "硅片搬运工", "2024-11-02T08:15"),
        (2, "老李说芯", "2024-11-02T08:40"),
        (3, "晶圓廠打工仔", "2024-11-02T09:02"),
    ]
    (quote,) = posts[1].quotes
    assert quote.author == "硅片搬运工"
    assert _words(COPIED_DISCUZ, quote) == "荷兰政府说下个月起要审查更多型号。"
    assert posts[0].quotes == posts[2].quotes == ()


def test_a_reply_to_a_poster_is_the_replying_posters_words() -> None:
    from tests.extraction_helpers import entity_of, extract_text

    x = extract_text(COPIED_DISCUZ.replace("台積電應該不受影響。", "回復 老李说芯：台積電應該不受美國影響。"))
    replies = [c for c in x.claims if "台積電應該" in c.text]
    assert replies and {c.speaker for c in replies} == {entity_of(x, "晶圓廠打工仔")}, x.claims


PTT_REPLY = """作者 owl_tw (貓頭鷹)
看板 Tech_Job
標題 Re: [新聞] 美光前員工涉竊密
時間 Tue Mar  4 21:10:00 2025

※ 引述《chip_fan (晶片迷)》之銘言:
: 檢方說美光的製程資料被帶去中國
: 美光聲明說公司全力配合調查

看完新聞 我覺得美光內控太鬆
中國挖角只會越來越兇 政府要有對策

--
※ 發信站: 批踢踢實業坊(ptt.cc), 來自: 1.2.3.4 (臺灣)
推 chip_fan: 美光股價今天還漲 市場根本不在意                   03/04 21:15
→ other99: 樓上 華為才是最大贏家                              03/04 21:20
"""


def test_ptt_article_lines_are_its_posters_and_a_pushers_quoted_words_are_theirs() -> None:
    from tests.extraction_helpers import entity_of, extract_text

    posts = _split(PTT_REPLY)
    assert PTT_REPLY[posts[0].start :].startswith("※ 引述")  # 看板/標題/時間 are the header's
    assert PTT_REPLY[: posts[0].end].endswith("政府要有對策")  # the signature is no one's words
    x = extract_text(PTT_REPLY)
    said = [(c.speaker, c.text) for c in x.claims]
    assert [1 for who, text in said if who == entity_of(x, "owl_tw") and "政府要有對策" in text], said
    assert [1 for who, text in said if who == entity_of(x, "chip_fan") and "製程資料" in text], said


def test_a_quoted_post_cut_short_is_still_its_posters_post_not_words_again() -> None:
    from tests.extraction_helpers import entity_of, extract_text

    cut = COPIED_DISCUZ.replace(
        "硅片搬运工 发表于 2024-11-2 08:15\n荷兰政府说下个月起要审查更多型号。",
        "硅片搬运工 发表于 2024-11-2 08:15\n荷兰政府说下个月起要审查...",
    )
    x = extract_text(cut)
    said = [c for c in x.claims if c.speaker == entity_of(x, "硅片搬运工")]
    assert len(said) == 1 and said[0].post == 1, said


ANSWERS_COPIED = """如何看待美国限制对华出口HBM芯片？

芯片老王
半导体行业从业者
1,024 人赞同了该回答
这次美国把HBM也管了，国产替代会加速。
发布于 2024-12-03 10:21

硅谷观察者
356 人赞同了该回答
英伟达的H20反而不受影响。
编辑于 2024-12-03 11:02
"""


def test_answers_copied_from_a_question_page_are_their_answerers_posts() -> None:
    posts = _split(ANSWERS_COPIED)
    _check_offsets(ANSWERS_COPIED, posts)
    assert [(p.floor, p.author) for p in posts] == [(1, "芯片老王"), (2, "硅谷观察者")]
    assert [ANSWERS_COPIED[p.start : p.end] for p in posts] == [
        "这次美国把HBM也管了，国产替代会加速。",
        "英伟达的H20反而不受影响。",
    ]


REPOSTS_WITHOUT_AT = (
    "深夜追剧人：这下英伟达也扛不住了//@芯片研究所:美国商务部又把几家中国企业列入实体清单\n"
    "摸鱼达人2025：早该自研了//@芯片研究所:美国商务部又把几家中国企业列入实体清单\n"
)


def test_a_reposters_own_words_open_the_line_before_the_chain() -> None:
    posts = _split(REPOSTS_WITHOUT_AT)
    _check_offsets(REPOSTS_WITHOUT_AT, posts)
    assert [(p.author, REPOSTS_WITHOUT_AT[p.start : p.end]) for p in posts][:2] == [
        ("深夜追剧人", "这下英伟达也扛不住了"),
        ("芯片研究所", "美国商务部又把几家中国企业列入实体清单"),
    ]
    assert posts[2].author == "摸鱼达人2025"


WEIBO_PAGE = """科技前沿观察 V
25-3-2 08:15 来自 iPhone客户端
美国商务部宣布收紧对华AI芯片出口，英伟达股价应声下跌。
转发 1,024 ｜ 评论 356 ｜ 赞 2,048

吃瓜的小王：英伟达要哭了//@科技前沿观察:美国商务部宣布收紧对华AI芯片出口
新华视点 V：美方滥用出口管制，损害全球产业链稳定。
"""


def test_a_weibo_post_its_reposts_and_a_verified_accounts_comment() -> None:
    posts = _split(WEIBO_PAGE)
    _check_offsets(WEIBO_PAGE, posts)
    assert [p.author for p in posts] == ["科技前沿观察", "吃瓜的小王", "科技前沿观察", "新华视点"]
    assert WEIBO_PAGE[posts[0].start :].startswith("美国商务部宣布")
    assert WEIBO_PAGE[posts[3].start : posts[3].end] == "美方滥用出口管制，损害全球产业链稳定。"


def test_words_passed_on_in_a_push_line_end_at_a_space_and_the_rest_is_the_pushers() -> None:
    from tests.extraction_helpers import entity_of, extract_text

    thread = PTT_REPLY.replace(
        "→ other99: 樓上 華為才是最大贏家",
        "→ other99: 黃仁勳上個月才說台灣是首選 結果新廠蓋在美國",
    )
    x = extract_text(thread)
    said = {(c.speaker, c.text) for c in x.claims}
    assert (entity_of(x, "黃仁勳"), "台灣是首選") in said, said
    assert (entity_of(x, "other99"), "結果新廠蓋在美國") in said, said


def test_a_news_story_with_lines_about_where_things_come_from_is_no_weibo_page() -> None:
    story = "美国新规出台\n据悉，这批芯片来自台湾。\n\n华为回应\n该公司称，零件来自日本供应商。\n"
    assert _split(story) == ()


NAMED_THEN_NUMBERED = """\
楼主 山城老李  发表于 2024-5-2 09:10
海关总署公布了四月的芯片进口数据。

沙发 小雨点  发表于 2024-5-2 09:15
进口又降了。

12# 码字匠  发表于 2024-5-2 10:40
引用 小雨点 发表于 2024-5-2 09:15（2#）
进口又降了。
降的是成熟制程，先进的没怎么动。
"""


def test_a_thread_whose_floors_are_named_first_then_numbered_with_a_hash() -> None:
    posts = _split(NAMED_THEN_NUMBERED)
    _check_offsets(NAMED_THEN_NUMBERED, posts)
    assert [(p.floor, p.author) for p in posts] == [(1, "山城老李"), (2, "小雨点"), (12, "码字匠")]
    quotes = [(q.author, _words(NAMED_THEN_NUMBERED, q)) for q in posts[2].quotes]
    assert quotes == [("小雨点", "进口又降了。")]


def test_an_anonymous_poster_is_no_person() -> None:
    """匿名用户 is where a name would stand, not a name: no entity, and so no claims of its own."""
    from tests.extraction_helpers import extract_text

    text = (
        "硅谷观察者 的回答\n美国商务部这次的规定会让英伟达损失一大块市场。\n\n"
        "匿名用户 的回答\n英伟达早就准备好了替代产品。\n\n"
        "芯片老兵 的回答\n华为的昇腾会受益。\n"
    )
    x = extract_text(text)
    posters = [m.text for m in x.mentions if m.type == "PERSON"]
    assert "硅谷观察者" in posters and "芯片老兵" in posters and "匿名用户" not in posters


LIHKG = """標題：美國再收緊晶片出口 大家點睇
#1 科技狗 3 小時前
美國收緊晶片出口，輝達今次真係大鑊。
#2 港島打工仔 2 小時前
中國自己整晶片只係時間問題。
#3 肥仔豪 昨天 23:10
唔好咁樂觀，台積電仲係遙遙領先。
"""

WEIBO_COMMENTS = """@科技博主小王：英伟达H20禁售，国产芯片迎来机会。
1月28日 14:03 来自 iPhone客户端
热门评论
数码老李：华为昇腾早就准备好了
1-28 14:20 来自北京
路人甲乙丙：别吹了，CUDA生态还差得远
1-28 14:35 来自上海
"""

NAME_TIME = """豆瓣用户阿飞 2025-01-28 14:03:11 上海
DeepSeek这次确实让OpenAI很被动。
小鱼儿 2025-01-28 14:20 北京
OpenAI指控DeepSeek蒸馏，我觉得是双标。
"""


def test_floors_with_a_relative_time_are_posts_without_a_time() -> None:
    """LIHKG-style floors, '#N poster 3 小時前': the time is relative, so the post has none."""
    posts = _split(LIHKG)
    _check_offsets(LIHKG, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "科技狗", None),
        (2, "港島打工仔", None),
        (3, "肥仔豪", None),
    ]
    assert LIHKG[posts[1].start : posts[1].end] == "中國自己整晶片只係時間問題。"


def test_comments_with_their_time_on_the_line_after_are_posts() -> None:
    """A Weibo page's post and comments, 'NAME：words' then 'M-D hh:mm 来自 PLACE': the time line and
    the section's title are no one's words."""
    posts = _split(WEIBO_COMMENTS)
    _check_offsets(WEIBO_COMMENTS, posts)
    assert [(p.author, WEIBO_COMMENTS[p.start : p.end]) for p in posts] == [
        ("科技博主小王", "英伟达H20禁售，国产芯片迎来机会。"),
        ("数码老李", "华为昇腾早就准备好了"),
        ("路人甲乙丙", "别吹了，CUDA生态还差得远"),
    ]


def test_a_posters_line_with_a_full_time_and_a_place_opens_a_post() -> None:
    """Douban, Bilibili and Hupu copies: 'NAME 2025-01-28 14:03:11 上海' on a line of its own."""
    posts = _split(NAME_TIME)
    _check_offsets(NAME_TIME, posts)
    assert [(p.floor, p.author, p.time) for p in posts] == [
        (1, "豆瓣用户阿飞", "2025-01-28T14:03:11"),
        (2, "小鱼儿", "2025-01-28T14:20"),
    ]


def test_a_news_pages_time_lines_are_no_posters() -> None:
    """A news page's 'published' and 'updated' lines, and a live report's timed lines, are no thread."""
    page = (
        "美商務部擬擴大晶片管制\n發布時間 2025-01-28 14:03\n更新時間 2025-01-28 16:20\n"
        "美國商務部週二表示，將擴大管制範圍。\n"
    )
    assert _split(page) == ()
    page = "1-28 14:03\n美官員：將擴大管制\n1-28 15:10\n商務部：正研議範圍\n2025-01-28 16:00 更新\n"
    assert _split(page) == ()


def test_floors_in_traditional_script() -> None:
    """'1樓 NAME DATE' and '樓主' are floors as '1楼' and '楼主' are."""
    text = (
        "樓主 科技狗 2025-06-20 11:40\n北市府發新聞稿了\n"
        "2樓 港島打工仔 2025-06-20 11:45\n市府急什麼\n"
        "沙發 肥仔豪 2025-06-20 11:50\n台積電也發聲明\n"
    )
    posts = _split(text)
    _check_offsets(text, posts)
    assert [(p.floor, p.author) for p in posts] == [(1, "科技狗"), (2, "港島打工仔"), (2, "肥仔豪")]
