"""Bytes → text for Chinese files: UTF-8 (with or without BOM), UTF-16/32 with a BOM, GB18030/GBK and Big5.

GB18030 accepts almost any sequence of byte pairs, so a Big5 file decodes as GB18030 without an error but
as garbage (kana, Greek letters, private-use and rare characters). Both readings are therefore scored by the
share of their Chinese characters that are common ones (GB2312 level 1 or Big5's common set); the better
reading wins, and when neither looks like Chinese the file is refused with a message rather than checked as
garbage. Every failure is an InputError in Chinese.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from .errors import InputError

BOMS = ((b"\xef\xbb\xbf", "utf-8-sig"), (b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
        (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
SAMPLE_CHARS = 20_000  # enough of the text to tell GB18030 from Big5
MIN_SCORED = 8  # fewer scored characters than this: too little to judge, the first reading that decodes wins
MIN_COMMON_SHARE = 0.6  # below this share of common characters a reading is taken for garbage
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
SAVE_AS_UTF8 = "请在记事本或 WPS/Word 中把文件另存为 UTF-8 编码后重试"


@dataclass(frozen=True)
class LoadedText:
    text: str
    encoding: str
    source: str


def decode_bytes(data: bytes, source: str = "输入") -> LoadedText:
    """The text of a file's bytes and the encoding it was read in; an InputError when it is not text."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return LoadedText(_decode_with_bom(data, encoding, source), encoding.split("-sig")[0], source)
    if looks_binary(data):
        raise InputError(f"“{source}”不是文本文件（含有二进制内容）", hint="请提供 .txt、.md 或 .docx 格式的材料")
    try:
        return LoadedText(data.decode("utf-8"), "utf-8", source)
    except UnicodeDecodeError:
        pass
    readings = []
    for encoding in ("gb18030", "big5"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        readings.append((common_share(text), encoding, text))
    if not readings:
        raise InputError(f"无法识别“{source}”的文字编码（不是 UTF-8、GBK 或 Big5）", hint=SAVE_AS_UTF8)
    share, encoding, text = max(readings, key=lambda reading: reading[0] if reading[0] is not None else 1.0)
    if share is not None and share < MIN_COMMON_SHARE:
        raise InputError(f"无法可靠识别“{source}”的文字编码：按 GBK 或 Big5 读出的都是乱码",
                         hint=SAVE_AS_UTF8)
    return LoadedText(text, encoding, source)


def _decode_with_bom(data: bytes, encoding: str, source: str) -> str:
    width = 4 if "32" in encoding else 2 if "16" in encoding else 1
    if (len(data) % width) != 0:
        raise InputError(f"“{source}”是 UTF-{width * 8} 编码，但字节数不完整（文件可能被截断或损坏）", hint=SAVE_AS_UTF8)
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"“{source}”按文件开头标明的 {encoding.upper()} 编码无法读出（第 {exc.start} 字节处有无效字符，"
                         "如孤立的代理项）", hint=SAVE_AS_UTF8) from exc
    return text.lstrip("\ufeff")


def looks_binary(data: bytes) -> bool:
    sample = data[:8192]
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return len(sample) > 0 and controls / len(sample) > 0.05


def common_share(text: str) -> float | None:
    """Share of the non-ASCII, non-punctuation characters that are common Chinese ones; None if too few."""
    scored = common = 0
    for char in text[:SAMPLE_CHARS]:
        verdict = _verdict(char)
        if verdict is not None:
            scored += 1
            common += verdict
    return common / scored if scored >= MIN_SCORED else None


@lru_cache(maxsize=65536)
def _verdict(char: str) -> bool | None:
    """True for a common hanzi, False for anything a Chinese text rarely holds, None for what says nothing."""
    point = ord(char)
    if point < 0x80 or 0x2000 <= point <= 0x206F or 0x3000 <= point <= 0x303F or 0xFF00 <= point <= 0xFFEF:
        return None
    try:
        gb = char.encode("gb2312")
        if 0xB0 <= gb[0] <= 0xD7:  # GB2312 level 1: the 3,755 most used simplified characters
            return True
        if 0xA1 <= gb[0] <= 0xA3:  # GB2312 symbols and full-width forms
            return None
    except UnicodeEncodeError:
        pass
    try:
        big5 = char.encode("big5")
        if 0xA440 <= int.from_bytes(big5, "big") <= 0xC67E:  # Big5's 5,401 common traditional characters
            return True
        if 0xA140 <= int.from_bytes(big5, "big") <= 0xA3BF:  # Big5 symbols
            return None
    except UnicodeEncodeError:
        pass
    return False


def clean_text(text: str, source: str = "输入的文字") -> str:
    """Text that came as a str (pasted, posted): refused when it holds lone surrogates, which no file can store."""
    found = LONE_SURROGATE.search(text)
    if found:
        raise InputError(f"{source}中第 {found.start() + 1} 个字符无效（孤立的代理项，通常是复制时损坏）",
                         hint="请删除该处的乱码字符后重试")
    return text
