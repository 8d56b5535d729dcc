"""Never invent facts: figures, dates, people and document titles in generated text must come from the
inputs (the drafter's facts, cited passages, the notice). Anything else becomes a visible 〔待补：…〕 slot.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

SLOT = re.compile(r"〔待补[：:][^〕]*〕")
DATE = re.compile(r"(?:\d{4}\s*年(?:\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)?|\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*月(?:份|底|初|中旬|上旬|下旬)?)")
FIGURE = re.compile(r"\d+(?:[,，]\d{3})*(?:[.．]\d+)?\s*(?:%|％|万|亿)?"
                    r"(?P<unit>[次项个人条件篇家名起户场元天年月日岁倍分]|人次|小时|平方米)?")
DOCUMENT = re.compile(r"《[^《》]{2,40}》")
PERSON = re.compile(r"([\u4e00-\u9fff]{2,3})同志")
PERSON_STOP = {"有的", "个别", "部分", "年轻", "基层", "老", "班子", "其他", "相关", "这些", "广大", "一些", "分管", "有关", "党员",
               "成员", "干部", "人员", "青年", "领导", "负责"}


@dataclass
class GuardResult:
    text: str
    replaced: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.replaced)


def _digits(text: str) -> str:
    return re.sub(r"[^\d.]", "", text.replace("．", "."))


def _normalise(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("，", ",").replace("％", "%").replace("．", "."))


def guard(text: str, sources: list[str]) -> GuardResult:
    """Replace unsupported dates, figures, document titles and named people with 〔待补〕 slots."""
    corpus = _normalise(SLOT.sub("", "\n".join(sources)))  # a slot's example (〔待补：如2025年6月底前〕) is no fact
    corpus_numbers = set(re.findall(r"\d+(?:\.\d+)?", corpus.replace(",", "")))
    replaced: list[str] = []
    protected = [m.span() for m in SLOT.finditer(text)]

    def outside_slots(match: re.Match) -> bool:
        return not any(start <= match.start() < end for start, end in protected)

    def check_date(match: re.Match) -> str:
        value = match.group(0)
        if not outside_slots(match) or _normalise(value) in corpus:
            return value
        numbers = re.findall(r"\d+", value)
        if all(number in corpus_numbers for number in numbers) and len(numbers) == 1 and "年" in value:
            return value  # a bare year the sources name
        replaced.append(value)
        return "〔待补：时间〕"

    text = DATE.sub(check_date, text)
    protected = [m.span() for m in SLOT.finditer(text)]

    def check_figure(match: re.Match) -> str:
        value = match.group(0)
        if not outside_slots(match):
            return value
        number = _digits(value).rstrip(".")
        if not number or _normalise(value) in corpus:
            return value
        # A figure with a measure word must appear with that word: "3项" in the facts does not back "3次".
        if number in corpus_numbers and not match.group("unit"):
            return value
        replaced.append(value)
        return "〔待补：数字〕" + (match.group("unit") or "")

    text = FIGURE.sub(check_figure, text)

    def check_document(match: re.Match) -> str:
        if match.group(0) in corpus:
            return match.group(0)
        replaced.append(match.group(0))
        return "《〔待补：文件或活动名称〕》"

    text = DOCUMENT.sub(check_document, text)

    def check_person(match: re.Match) -> str:
        name = match.group(1)
        if name in PERSON_STOP or any(name.endswith(word) for word in PERSON_STOP) or name in corpus:
            return match.group(0)
        replaced.append(match.group(0))
        return "〔待补：姓名〕同志"

    text = PERSON.sub(check_person, text)
    return GuardResult(text=text, replaced=replaced)
