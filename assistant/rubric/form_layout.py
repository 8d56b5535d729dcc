"""Form rules on years and heading numbering (the other form rules are in `form.py`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from .. import numbering
from ..document import Line
from .core import CheckContext, Finding, Severity, excerpt_around, rule

CN = numbering.CN_DIGITS
YEAR = re.compile(r"((?:19|20)\d\d)\s*年")
MONTH_AFTER = re.compile(rf"\s*(?:\d|[{CN}]{{1,3}}月)")
# What a real year is followed by: a month, a period of the year, 以来, or the year's own work.
TIME_AFTER = re.compile(
    rf"\s*(?:\d|[{CN}]{{1,3}}月|度|以来|底|初|末|中|前|后|内|起|至|间|份|全年|上半年|下半年|第|春|夏|秋|冬|作为|为|"
    r"工作|各项|重点|目标|任务|计划|考核|[—\-～~、])")
# What only fits a campaign such as 党史学习教育: 检验2021年成效, 通过2021年固本培元, 把2021年的成效.
CAMPAIGN_AFTER = re.compile(r"的?(?:成效|成果|学习教育|固本培元|鼓起|守好|和“)")
CAMPAIGN_BEFORE = ("通过", "检验", "把", "借助", "依托", "巩固", "深化", "拓展", "以")
MEETING_YEAR = re.compile(
    rf"((?:19|20)\d{{2}})\s*年度?(?!\s*\d|\s*[{CN}]{{1,3}}月|以来|底)[^，。；：,;:\s]{{0,10}}?(?:民主生活会|mzshh)")
RECTIFICATION_WORDS = re.compile(r"整改|查摆|上年度|上一年度")
RANGE_ENDS = ("到", "至", "—", "-", "～", "~")  # 到2035年, 2021—2025年
TARGET_YEARS = {2027, 2030, 2035, 2049, 2050}  # planning horizons named in Party documents
EARLIEST_YEAR = 2012  # 党的十八大; earlier 20xx years in these materials are almost always typos
CAMPAIGN_EXAMPLES = "党史学习教育、主题教育、党纪学习教育"


def _years(text: str) -> Iterator[re.Match[str]]:
    """Four-digit years written with 年, not the tail of a longer figure."""
    if "年" not in text:
        return
    for match in YEAR.finditer(text):
        if not match.start() or text[match.start() - 1] not in "0123456789.-":
            yield match


def _reference_year(ctx: CheckContext) -> int | None:
    if ctx.notice and ctx.notice.year:
        return int(ctx.notice.year)
    match = YEAR.search(ctx.doc.title)
    return int(match.group(1)) if match else None


def _campaign_slot(text: str, match: re.Match[str]) -> bool:
    after = text[match.end():]
    if CAMPAIGN_AFTER.match(after):
        return True
    return text[:match.start()].endswith(CAMPAIGN_BEFORE) and not TIME_AFTER.match(after)


def _meeting_year_faults(ctx: CheckContext, year: int) -> Iterator[tuple[Line, re.Match[str]]]:
    """Years naming the meeting in the title (any year there) or the opening (X年度…民主生活会)."""
    for line in ctx.doc.head:
        for match in _years(line.plain):
            if int(match.group(1)) != year and not MONTH_AFTER.match(line.plain, match.end()):
                yield line, match
    for line in ctx.doc.opening:
        text = line.plain
        for match in MEETING_YEAR.finditer(text):
            found = int(match.group(1))
            sentence = text[match.start():].split("。", 1)[0]
            if found != year and not (found == year - 1 and RECTIFICATION_WORDS.search(sentence)):
                yield line, match


@rule("year")
def year_rule(ctx: CheckContext) -> Iterator[Finding]:
    reference = _reference_year(ctx)
    with_notice = bool(ctx.notice and ctx.notice.year)
    flagged: set[tuple[int, int]] = set()  # (line, offset) of years already reported
    if with_notice:
        for line, match in _meeting_year_faults(ctx, reference):
            flagged.add((line.no, match.start(1)))
            yield ctx.finding("year", Severity.BLOCKER,
                              f"材料写的是{match.group(1)}年的民主生活会，与通知的{reference}年度不符",
                              f"改为“{reference}年度”", line, excerpt_around(line.plain, match.start(), match.end()))
    campaign = ctx.notice.campaign[0] if ctx.notice and ctx.notice.campaign else ""
    for line in ctx.lines:
        yield from _campaign_years(ctx, line, reference, campaign, flagged)
        if with_notice:
            yield from _implausible_years(ctx, line, reference, flagged)


def _campaign_years(ctx: CheckContext, line: Line, reference: int | None, campaign: str,
                    flagged: set[tuple[int, int]]) -> Iterator[Finding]:
    text = line.plain
    for match in _years(text):
        found, start = int(match.group(1)), match.start(1)
        if (line.no, start) in flagged or (reference is not None and found != reference):
            continue
        if not _campaign_slot(text, match):
            continue
        flagged.add((line.no, start))
        if campaign:
            fixed = text[:start] + campaign + text[match.end():]
            suggestion = f"将“{match.group()}”改为“{campaign}”：{excerpt_around(fixed, start, start + len(campaign), 6)}"
        else:
            suggestion = f"改为当年学习教育的名称（如{CAMPAIGN_EXAMPLES}）"
        yield ctx.finding("year", Severity.MAJOR, f"“{match.group()}”用在了应写学习教育名称的地方",
                          suggestion, line, excerpt_around(text, match.start(), match.end()))


def _implausible_years(ctx: CheckContext, line: Line, reference: int,
                       flagged: set[tuple[int, int]]) -> Iterator[Finding]:
    text = line.plain
    for match in _years(text):
        found, start = int(match.group(1)), match.start(1)
        if (line.no, start) in flagged:
            continue
        ahead = text[:start].rstrip()[-1:] in RANGE_ENDS or found in TARGET_YEARS
        if found > reference + 2 and not ahead:
            problem = f"年份“{found}年”晚于{reference}年度太多"
        elif 2000 <= found < EARLIEST_YEAR:
            problem = f"年份“{found}年”早于{EARLIEST_YEAR}年"
        else:
            continue
        yield ctx.finding("year", Severity.MAJOR, problem + "，疑为笔误", "核对年份，改为实际发生的年份", line,
                          excerpt_around(text, match.start(), match.end()))


PART_SEPARATOR = re.compile(rf"^([{CN}]{{1,3}})\s*([、．.，,])")
ITEM = re.compile(rf"([{CN}]{{1,3}})是(?!\1[，、,。；])")
ITEM_PRECEDERS = set("。；;：:，,、！？!? ）)”")  # what may stand before 一是 (统一是 is no item marker)


def _part_label(n: int) -> str:
    return numbering.int_to_cn(n) + "、"


def _section_label(n: int) -> str:
    return f"（{numbering.int_to_cn(n)}）"


def _item_label(n: int) -> str:
    return numbering.int_to_cn(n) + "是"


def _sequence_faults(numbers: Iterable[tuple[int, object]]) -> Iterator[tuple[object, int, int]]:
    """(where, expected, found) for each number that does not follow the previous one."""
    previous = 0
    for value, where in numbers:
        if value and value != previous + 1:
            yield where, previous + 1, value
        previous = value or previous


def _sequence_message(kind: str, expected: int, found: int, label: Callable[[int], str]) -> str:
    if found < expected:
        return f"{kind}“{label(found)}”与前面重复或顺序颠倒（此处应为“{label(expected)}”）"
    if expected == 1:
        return f"{kind}应从“{label(1)}”开始，这里是“{label(found)}”"
    return f"{kind}从“{label(expected - 1)}”跳到“{label(found)}”，缺少“{label(expected)}”"


@rule("numbering")
def numbering_rule(ctx: CheckContext) -> Iterator[Finding]:
    parts = ctx.doc.parts
    for line, expected, found in _sequence_faults((part.index, part.heading_line) for part in parts):
        yield ctx.finding("numbering", Severity.MAJOR, _sequence_message("一级标题", expected, found, _part_label),
                          "一级标题按“一、二、三、”连续编号", line)
    for part in parts:
        separator = PART_SEPARATOR.match(part.heading_line.plain)
        if separator and separator.group(2) != "、":
            yield ctx.finding("numbering", Severity.MINOR, f"一级标题序号后用了“{separator.group(2)}”",
                              f"改为“{separator.group(1)}、”", part.heading_line)
        for line, expected, found in _sequence_faults((s.index, s.heading_line) for s in part.sections):
            yield ctx.finding("numbering", Severity.MAJOR,
                              _sequence_message("二级标题", expected, found, _section_label),
                              "每个部分内的二级标题按“（一）（二）（三）”连续编号", line)
        for section in part.sections:
            if section.marker != "（）":
                yield ctx.finding("numbering", Severity.MINOR, "二级标题序号用了半角括号",
                                  f"改为全角括号“（{section.number}）”", section.heading_line)
        for group in [part.intro, *(section.lines for section in part.sections)]:
            yield from _item_faults(ctx, group)


def _item_faults(ctx: CheckContext, lines: list[Line]) -> Iterator[Finding]:
    markers = []
    for line in lines:
        text = line.plain
        for match in ITEM.finditer(text):
            if not match.start() or text[match.start() - 1] in ITEM_PRECEDERS:
                markers.append((numbering.cn_to_int(match.group(1)), (line, match)))
    for (line, match), expected, found in _sequence_faults(markers):
        yield ctx.finding("numbering", Severity.MAJOR, _sequence_message("分项", expected, found, _item_label),
                          "同一节内按“一是、二是、三是”依次排列，不跳号、不颠倒", line,
                          excerpt_around(line.plain, match.start(), match.end()))
