"""Write the fixture files in ``bad_input/``: good text in odd encodings, and bad files.

Deterministic: run ``python tests/data/make_bad_input.py`` and commit the
output; ``tests/test_ingest.py`` checks the committed files match this script.
"""

from __future__ import annotations

import codecs
import struct
import sys
import zlib
from pathlib import Path

GB18030_TEXT = (
    "据商务部网站消息，中方决定自下月起对原产于欧盟的部分猪肉产品加征临时反倾销保证金。"
    "商务部新闻发言人在例行记者会上表示，这一措施符合世界贸易组织规则，目的是维护国内养殖业的合法权益。"
    "欧盟驻华代表团随后发表声明，称对此感到失望，并呼吁双方通过对话解决分歧。"
    "分析人士认为，在美国扩大对华芯片出口管制、欧盟调查中国电动汽车补贴的背景下，贸易摩擦可能继续升温。\n"
)
BIG5_TEXT = (
    "美國財政部週四宣布，將三家涉嫌協助規避制裁的香港貿易公司列入特別指定國民名單，凍結其在美資產。"
    "財政部官員表示，這些公司長期向受制裁實體轉運電子零件與精密機床。"
    "香港特區政府發言人回應說，香港只執行聯合國安理會的制裁，不承認任何國家的單邊制裁措施。"
    "台灣經濟部也提醒業者，應加強出口審查，避免違反相關法規。\n"
)
UTF16_TEXT = "Sanctions update：欧盟第十四轮对俄制裁方案获得通过，涉及液化天然气转运。\r\nEnd.\r\n"
UTF8_BOM_TEXT = "# 关税快讯\n\n美国宣布对进口钢铝产品加征25%关税，加拿大和墨西哥表示将采取反制措施。\n"
BROKEN_HEAD = "日本经济产业省表示，将从七月起收紧对中国出口的半导体制造设备审批。"
BROKEN_TAIL = "韩国企业担心供应链受到冲击，正在评估替代方案。\n"
BROKEN_AT = len(BROKEN_HEAD.encode("utf-8"))
"""Byte offset of the cut-off character in ``broken_utf8.txt``."""
LIMIT = 4096
"""The ``max_bytes`` the test passes: ``too_large.txt`` is over it, every other file under."""
TOO_LARGE = ("出口管制清单更新。\n" * 190).encode("utf-8")

GOOD = {
    "news_gb18030.txt": (GB18030_TEXT, "gb18030"),
    "news_big5.txt": (BIG5_TEXT, "big5"),
    "utf16_bom.txt": (UTF16_TEXT, "utf-16-le"),
    "utf8_bom.md": (UTF8_BOM_TEXT, "utf-8-sig"),
}
"""File name -> (decoded text, encoding reported)."""
BAD = {
    "empty.txt": "empty file",
    "whitespace.txt": "empty file",
    "image.txt": "binary file (PNG image)",
    "broken_utf8.txt": f"invalid UTF-8 at byte {BROKEN_AT}",
    "too_large.txt": f"too large: {len(TOO_LARGE):,} bytes > limit {LIMIT:,} (raise --max-bytes)",
}
"""File name -> the reason it is skipped."""


def tiny_png() -> bytes:
    """A real 1x1 grey PNG."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x80")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def fixtures() -> dict[str, bytes]:
    """File name -> exact bytes."""
    return {
        "news_gb18030.txt": GB18030_TEXT.encode("gb18030"),
        "news_big5.txt": BIG5_TEXT.encode("big5"),
        "utf16_bom.txt": codecs.BOM_UTF16_LE + UTF16_TEXT.encode("utf-16-le"),
        "utf8_bom.md": codecs.BOM_UTF8 + UTF8_BOM_TEXT.encode("utf-8"),
        "empty.txt": b"",
        "whitespace.txt": b"  \r\n\t\n",
        "image.txt": tiny_png(),
        "broken_utf8.txt": BROKEN_HEAD.encode("utf-8") + "出".encode()[:2] + BROKEN_TAIL.encode("utf-8"),
        "too_large.txt": TOO_LARGE,
    }


def write(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in fixtures().items():
        (folder / name).write_bytes(data)


if __name__ == "__main__":
    write(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).parent / "bad_input")
