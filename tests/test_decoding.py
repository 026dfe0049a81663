"""Decoding: Chinese comes back as the Chinese that was written, whatever charset-normalizer guesses.

Every sentence here was written for these tests (none comes from the seeds or the corpora).
"""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import opencc
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extract import decoding
from extract.decoding import decode_bytes
from extract.errors import InputError
from tests.scripts import load_script

ROOT = Path(__file__).parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
TRADITIONAL = opencc.OpenCC("s2t")
CHINESE_CODECS = {"gb18030", "big5", "cp950", "big5hkscs", "utf-16-le", "utf-16-be"}

SENTENCES = [
    "本周三，北京市交通委员会发布通知称，自下月一日起，地铁票价将按里程分段计费，最高不超过十元。"
    "市民可以通过官方应用查询各条线路的具体票价，老年人和学生仍然享受半价优惠。",
    "周末一起去爬山吗？天气预报说明天有雨。",
    "Meeting notes: 王经理 will send the 预算表 to the 财务部 by Friday.",
    "Error 404 on /api/v2/orders: 服务器暂时无法处理您的请求，请稍后再试。",
    "Ticket #2231 closed by 李明 (duplicate of #2198), 原因: 重复提交.",
    "Download the full report at https://example.org/r/2025-q3.pdf 第三季度 报告 PDF 12 MB",
    "Q3 revenue rose 12% to $4.1bn; 公司 said 海外市场 grew fastest.",
    "回复 5#: 我觉得这个价格太贵了，等双十一再买吧。",
    'RT @newsdesk: 突发 — 台风 "海葵" 登陆 福建 沿海',
    "The committee met in Geneva on Tuesday. 中国代表团 presented a proposal on 数字贸易 rules,"
    " which the EU delegation said it would study.\r\nNext meeting: 2025-11-03.\r\n",
]
ENCODINGS = {  # how the test writes the text -> the encoding decode_bytes must report
    "gb18030": "gb18030",
    "gbk": "gb18030",
    "big5": "big5",
    "utf-16-le": "utf-16-le",
    "utf-16-be": "utf-16-be",
    "utf-8": "utf-8",
}


@pytest.mark.parametrize("written", ENCODINGS)
@pytest.mark.parametrize("text", SENTENCES, ids=lambda t: t[:12])
def test_own_sentences_come_back_exactly(text, written):
    if written == "big5":
        text = TRADITIONAL.convert(text)
    assert decode_bytes(text.encode(written)) == (text, ENCODINGS[written])


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        ("Apple 发布 iPhone 16，售价 799 美元。", "gb18030"),  # was cp949: 'Apple 랙꼈 iPhone 16，簡송 …'
        ("今天天气很好，我们去公园散步吧。", "gb18030"),  # was cp949
        ("Hello world, this is a test of 中国 text.", "gb18030"),  # was Big5: '笢弊'
        ("Update from 北京办公室: all clear", "gb18030"),  # was cp949
        ("Draft v2 — 请审阅", "gb18030"),  # was big5hkscs
        ("《人民日报》、《光明日报》、“新华社”、《参考消息》等媒体转载。", "gb18030"),  # was cp874
        ("真的嗎？不會吧！快點！走吧！…好啦好啦！你說呢？", "big5"),  # was cp932
    ],
)
def test_legacy_chinese_misread_by_the_detector(text, encoding):
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


@pytest.mark.parametrize(
    "text",
    [
        "真的嗎？不會吧！快點！走吧！⋯⋯好啦好啦！你說呢？",  # traditional script in GB18030
        "玩dota，你会发现补刀很重要；玩lol，你会发现打野更重要。",
        "香港特區政府發言人表示，將繼續密切留意市場情況。",
    ],
)
def test_gb18030_the_detector_finds_too_chaotic(text):
    """charset-normalizer finds no encoding for these (dense full-width punctuation, Latin glued to
    Chinese): they were refused as 'undecodable (no encoding fits)'."""
    assert decode_bytes(text.encode("gb18030")) == (text, "gb18030")


def test_short_big5_that_looks_like_damaged_utf8():
    data = "Contact 客服 via email".encode("big5")  # 客 is 0xAB 0xC8: one bad byte, then a valid pair
    assert decode_bytes(data) == ("Contact 客服 via email", "big5")


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text",
    [
        "關稅",  # LE bytes are valid UTF-8 with a control character: 'ܕ\x05z'
        "关税上调",
        "欧盟第十四轮对俄制裁方案获得通过，涉及液化天然气转运。",  # no NUL byte at all
        "他说：“一定要赢！”我说：“好！一起加油！”",  # 一 is 00 4E: was refused as binary
        "一！二！三！走！",  # was read in the wrong byte order
        "Name: 王小明\nAge: 30\nCity: 上海\n",
        "Plain English text in UTF-16 without a mark.",
    ],
)
def test_utf16_without_bom(text, encoding):
    assert decode_bytes(text.encode(encoding)) == (text, encoding)


KOREAN = [
    "그는 내일 부산에 간다고 말했다.",
    "한국은행은 기준금리를 동결했다.",
    "정부는 새로운 정책을 발표할 예정이다.",
    "외교부 대변인은 정례 브리핑에서 유감을 표명했다.",
    "경제 성장률이 둔화되었다",
    "제주도 관광객이 늘었다",
    "미국과 중국의 무역 갈등이 계속되고 있다.",
]


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        *((k, "euc-kr") for k in KOREAN),
        *((k, "cp949") for k in KOREAN),
        ("政府は新しい政策を発表する予定だ。", "shift_jis"),
        ("会議は午後三時に始まります。", "shift_jis"),
        ("Переговоры возобновятся в Женеве после лета.", "cp1251"),
        ("Überraschung für Käufer: Preise fallen.", "cp1252"),
        ("La población, la nación, la información.", "utf-8"),
    ],
    ids=lambda v: v if isinstance(v, str) and v.isascii() else None,
)
def test_other_languages_are_not_read_as_chinese(text, encoding):
    """Korean read as GB18030 is made of GB2312's common characters: it must still lose."""
    _, got = decode_bytes(text.encode(encoding))
    assert got not in CHINESE_CODECS


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("经济产业省表示".encode() + "出".encode()[:2] + "收紧审批。".encode(), "invalid UTF-8 at byte 21"),
        ("Sanctions 制裁".encode() + b"\xff", "invalid UTF-8 at byte 16"),
        (b"GIF89a" + "关税".encode("gb18030"), "binary file (GIF image)"),
        ("关税".encode("gb18030") + b"\x00\x01\x02\x03\x04", "binary file (contains NUL bytes)"),
        (b"\x00" * 64, "binary file (contains NUL bytes)"),
        (bytes(range(1, 9)) * 16 + b"\x00", "binary file (contains NUL bytes)"),
        ("\u3000\r\n".encode("gb18030"), "empty file"),
    ],
)
def test_refusals_stay(data, reason):
    with pytest.raises(InputError) as caught:
        decode_bytes(data)
    assert str(caught.value) == reason


# fmt: off
WORDS = [  # everyday words of news and forums, of common characters (see the test below)
    "中国", "经济", "政府", "发展", "市场", "公司", "记者", "报道", "美国", "欧盟", "交易", "收入", "制裁",
    "出口", "银行", "股市", "上升", "下跌", "总统", "会议", "表示", "认为", "宣布", "声明", "调查", "法院",
    "警方", "学生", "学校", "医院", "城市", "农村", "工人", "技术", "手机", "电动", "汽车", "能源", "石油",
    "价格", "人民币", "美元", "今天", "昨天", "明年", "已经", "可能", "不会", "我们", "他们", "这个", "那些",
    "因为", "所以", "但是", "而且", "如果", "虽然", "一个", "两国", "部长", "外交", "新闻", "网友", "网站",
    "回答", "楼主", "支持", "反对", "谢谢", "哈哈", "真的", "问题", "时间", "地方", "世界", "国际", "北京",
    "上海", "香港", "台湾", "广州", "深圳", "天气", "下雨",
]
LATIN = [
    "the", "of", "and", "to", "in", "is", "was", "for", "on", "with",
    "AI", "GDP", "iPhone", "2024", "5G", "CEO", "Tesla", "http://example.com/a?b=1", "3.5%", "$100",
    "OK", "USB-C", "Reuters", "said", "report", "price", "market", "@user", "#tag",
]
# fmt: on
SEPARATORS = ("", " ", "，", "。", "\n", ", ", "：")
MIN_HAN = 8
"""Texts with at least this many Chinese characters are never mojibake, if the characters are common
(each worth ``MIN_EVIDENCE / MIN_HAN`` of evidence: among the 1,400 commonest), no plain space
separates two of them, and the bytes are not also valid UTF-8 (in GB18030, Big5, or UTF-16 with
no ASCII in it: '法院' in UTF-16BE is 'lՖb').

Valid UTF-8 is always read as UTF-8: Spanish UTF-8 with nine ó's reads as GB18030 '贸' nine times,
plausible Chinese. In the corpora a run of n Chinese characters in GB18030 is valid UTF-8 with
probability about 0.17^n ('学校' is D1 A7 D0 A3, Cyrillic 'ѧУ'). A space between two Han characters
counts against Chinese, as Korean read as GB18030 looks like that: '哈哈 哈哈 哈哈 哈哈' in GB18030
stays cp949 mojibake when charset-normalizer guesses cp949. Below ``MIN_HAN``, one or two words may
be too little evidence to overrule a wrong guess: ``benchmarks/decoding.py`` measures how often.
"""


def _valid_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _han(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" for c in text)


@st.composite
def mixtures(draw):
    chinese = draw(st.lists(st.sampled_from(WORDS), min_size=MIN_HAN // 2, max_size=15))
    latin = draw(st.lists(st.sampled_from(LATIN) | st.from_regex(r"[A-Za-z0-9]{1,8}", fullmatch=True)))
    tokens = draw(st.permutations(chinese + latin))
    gaps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(tokens), max_size=len(tokens)))
    text = ""
    for token, gap, after in zip(tokens, gaps, [*tokens[1:], ""], strict=True):
        text += token + ("" if gap == " " and _han(token) and _han(after) else gap)
    return text


@settings(database=None, deadline=None, max_examples=150)
@given(text=mixtures(), encoding=st.sampled_from(["gb18030", "big5", "utf-16-le", "utf-16-be", "utf-8"]))
def test_chinese_ascii_mixtures_come_back_exactly_or_are_refused(text, encoding):
    if encoding == "big5":
        text = TRADITIONAL.convert(text)
    assert sum("\u4e00" <= c <= "\u9fff" for c in text) >= MIN_HAN
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        assume(False)
    assume(encoding == "utf-8" or not _valid_utf8(data))
    try:
        decoded, _ = decode_bytes(data)
    except InputError:
        return
    assert decoded == text


def test_the_mixtures_words_are_common_enough():
    frequencies, _, _ = decoding._log_frequencies()
    needed = decoding.BASE + decoding.MIN_EVIDENCE / MIN_HAN
    for word in WORDS:
        for c in word + TRADITIONAL.convert(word):
            assert frequencies.get(c, -99) >= needed, (word, c)


def test_common_chars_are_what_the_script_counts():
    if not CORPORA.is_dir():
        pytest.skip(f"no corpora at {CORPORA}")
    script = load_script(ROOT / "extract" / "data" / "make_common_chars.py")
    committed = json.loads(decoding.COMMON_CHARS.read_text(encoding="utf-8"))
    assert script.table(*script.count(CORPORA)) == committed
    assert len(committed["counts"]) <= 5000
    assert "CC BY-SA" in committed["source"]


def test_the_table_is_read_only_when_needed():
    decoding._log_frequencies.cache_clear()
    assert decode_bytes("关税".encode()) == ("关税", "utf-8")
    assert decode_bytes(codecs.BOM_UTF16_LE + "关税".encode("utf-16-le")) == ("关税", "utf-16-le")
    assert decoding._log_frequencies.cache_info().currsize == 0
    decode_bytes("关税".encode("gb18030"))
    assert decoding._log_frequencies.cache_info().currsize == 1
