"""Chinese ordinal numbers as used in headings: 一 … 九十九."""

CN_DIGITS = "一二三四五六七八九十"
_VALUES = {ch: i + 1 for i, ch in enumerate(CN_DIGITS[:9])}


def cn_to_int(text: str) -> int:
    """一→1, 十→10, 十二→12, 二十→20, 二十三→23; 0 for anything else."""
    if not text or any(ch not in CN_DIGITS for ch in text):
        return 0
    if "十" not in text:
        return _VALUES[text] if len(text) == 1 else 0
    tens, _, ones = text.partition("十")
    value = (_VALUES.get(tens, 0) if tens else 1) * 10
    return value + (_VALUES.get(ones, 0) if ones else 0)


def int_to_cn(value: int) -> str:
    if not 0 < value < 100:
        return str(value)
    tens, ones = divmod(value, 10)
    digits = CN_DIGITS[:9]
    text = ("" if tens == 1 else digits[tens - 1]) + "十" if tens else ""
    return text + (digits[ones - 1] if ones else "")
