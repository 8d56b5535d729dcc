"""A pasted notice (通知) as a NoticeSpec: its year, theme, ordered review areas and required parts.

Areas are found in three shapes: numbered lists (一是…二是…, （一）…, 1. …, ①…, 第一，…), runs of lines
that start with 带头, and enumerations such as “围绕……、……等5个方面”. When the notice states how many
areas there are (“N个方面”), a list with exactly N entries is preferred.
"""

from __future__ import annotations

import re

from .errors import NoticeError
from .notices import NoticeArea, NoticeSpec
from .numbering import CN_DIGITS, cn_to_int

CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
NUMBERED_STYLES = [
    re.compile(rf"(?<![统唯单同万第])(?P<num>[{CN_DIGITS}]{{1,2}})是(?=\S)"),
    re.compile(rf"[（(]\s*(?P<num>[{CN_DIGITS}]{{1,2}})\s*[）)]"),
    re.compile(rf"第(?P<num>[{CN_DIGITS}]{{1,2}})[，,、：:]"),
    re.compile(rf"(?P<num>[{CIRCLED}])"),
    re.compile(r"(?m)^[ \t\u3000]*(?P<num>\d{1,2})[ \t]*(?:[.．、]|[）)])(?!\d)"),
    re.compile(r"[（(]\s*(?P<num>\d{1,2})\s*[）)]"),
    re.compile(r"(?:(?<=[：:；;。])|(?<=^))[ \t\u3000]*(?P<num>\d{1,2})[.．、](?!\d)", re.M),
    re.compile(rf"(?m)^[ \t\u3000]*(?P<num>[{CN_DIGITS}]{{1,2}})[ \t]*、"),
]
DECLARED = re.compile(rf"等?\s*(?P<n>\d{{1,2}}|[{CN_DIGITS}]{{1,3}})\s*个(?:方面|带头)")
TRIGGER = re.compile(r"围绕|对照|聚焦|紧扣|检视|查摆|重点从|着重从|主要从|分别从")
TITLE_END = re.compile(r"[。；;：:！？!?\n]")
TITLE_LIST_END = re.compile(r"[。！？!?\n]")
LEADING_NUMBER = re.compile(rf"^\s*(?:\d{{1,2}}[.．、]|[（(]\s*(?:\d{{1,2}}|[{CN_DIGITS}]{{1,2}})\s*[）)]|[{CN_DIGITS}]{{1,2}}是|[{CIRCLED}])")
AREA_WORDS = ("带头", "方面", "理论", "学习", "政治", "纪律", "规矩", "作风", "廉洁", "担当", "为民",
              "群众", "责任", "宗旨", "党性", "忠诚", "本领", "能力")
CAMPAIGN_BY_YEAR = {2021: "党史学习教育", 2023: "主题教育", 2024: "党纪学习教育", 2025: "深入贯彻中央八项规定精神学习教育"}
YEAR_PATTERNS = (
    re.compile(r"(20\d{2})\s*年度[^。\n]{0,12}?民主生活会"),
    re.compile(r"(20\d{2})\s*年(?!\s*\d)[^。\n]{0,12}?民主生活会"),
    re.compile(r"(20\d{2})\s*年度"),
)
RECTIFICATION_MENTION = re.compile(r"上一?年度[^。]{0,20}整改|整改落实情况")
CASE_MENTION = re.compile(r"典型案例|案例剖析")
THEME_PATTERNS = (r"主题(?:是|为)[：:]?\s*(.+)", r"主题[：:]\s*(.+)", r"以(.+?)为(?:会议)?主题",
                  r"围绕(.+?)(?:这一|的)?(?:会议)?主题")
THEME_HEADING = re.compile(rf"^(?:[{CN_DIGITS}]+[、．.]|[（(][{CN_DIGITS}]+[）)]|\d+[.．、])?\s*(?:会议|本次会议的?)?主题\s*[：:]?$")
QUOTES = "“”‘’\"' "


def parse_notice_text(text: str) -> NoticeSpec:
    """Derive a NoticeSpec from a pasted notice; NoticeError when no areas can be found."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise NoticeError("粘贴的通知内容为空", hint="请粘贴通知正文，或直接选择年度预设")
    titles, declared = _pick_areas(text)
    if not titles:
        raise NoticeError(
            "未能从通知中识别出对照检查的方面",
            hint="请确认粘贴的是通知正文（含“一是……二是……”“（一）……”或“围绕……等N个方面”等列举），或直接选择年度预设",
        )
    year = _year(text)
    campaign = [CAMPAIGN_BY_YEAR[year]] if year in CAMPAIGN_BY_YEAR else [w for w in CAMPAIGN_BY_YEAR.values() if w in text]
    required = []
    if (year is not None and year >= 2022) or RECTIFICATION_MENTION.search(text):
        required.append("rectification")
    if year in (2024, 2025) or CASE_MENTION.search(text):
        required.append("case")
    label = f"{year}年度民主生活会（据粘贴的通知）" if year else "民主生活会（据粘贴的通知）"
    areas = [NoticeArea(index=i + 1, title=title) for i, title in enumerate(titles)]
    warnings = []
    if declared and len(titles) not in declared:
        stated = "或".join(f"{n}个" for n in sorted(declared))
        warnings.append(f"通知写的是{stated}方面，但只识别出{len(titles)}个方面，请对照通知原文核对是否有遗漏或多识别")
    theme = _theme(text)
    if not theme:
        warnings.append("未能从通知中识别出会议主题，起草的开头将留空位，请核对通知原文")
    return NoticeSpec(id="pasted", label=label, theme=theme, areas=areas, year=year, required_parts=required,
                      campaign=campaign, verified=False, source="pasted", warnings=warnings)


# ---- areas ---------------------------------------------------------------------------------------------
def _pick_areas(text: str) -> tuple[list[str], set[int]]:
    declared = {_number(m.group("n")) for m in DECLARED.finditer(text)} - {0}
    candidates = []  # (position, titles, from_enumeration)
    for style in NUMBERED_STYLES:
        candidates += [(pos, titles, False) for pos, titles in _numbered_runs(text, style)]
    candidates += [(pos, titles, False) for pos, titles in _leading_runs(text)]
    candidates += [(pos, titles, True) for pos, titles in _enumerations(text)]
    candidates += [(pos, titles, False) for pos, titles in _colon_lists(text)]
    accepted = []
    for position, titles, from_enumeration in candidates:
        if len(titles) < 2:
            continue
        share = sum(1 for t in titles if any(word in t for word in AREA_WORDS)) / len(titles)
        if share >= 0.5 or (from_enumeration and len(titles) in declared):
            accepted.append(((len(titles) in declared, share, -position), titles))
    return (max(accepted, key=lambda pair: pair[0])[1] if accepted else []), declared


def _numbered_runs(text: str, style: re.Pattern) -> list[tuple[int, list[str]]]:
    """Runs numbered 1, 2, 3… in one style; an entry runs to the next marker or the end of its line."""
    matches = list(style.finditer(text))
    runs: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] = []
    for i, match in enumerate(matches):
        number = _number(match.group("num"))
        line_end = text.find("\n", match.end())
        end = min(matches[i + 1].start() if i + 1 < len(matches) else len(text), line_end if line_end >= 0 else len(text))
        entry = (match.start(), text[match.end():end])
        if current and number == len(current) + 1:
            current.append(entry)
        else:
            runs.append(current)
            current = [entry] if number == 1 else []
    runs.append(current)
    return [(run[0][0], [_clean_title(raw) for _, raw in run]) for run in runs if len(run) >= 2]


def _leading_runs(text: str) -> list[tuple[int, list[str]]]:
    """Consecutive lines that start with 带头 (or 在带头), blank lines allowed between them."""
    runs, current, position, offset = [], [], 0, 0
    for line in text.split("\n"):
        stripped = line.strip()
        if re.match(r"在?带头", stripped):
            if not current:
                position = offset
            current.append(_clean_title(stripped))
        elif stripped:
            runs.append((position, current))
            current = []
        offset += len(line) + 1
    runs.append((position, current))
    return [(pos, run) for pos, run in runs if len(run) >= 2]


def _enumerations(text: str) -> list[tuple[int, list[str]]]:
    """Lists written inline before “N个方面”: 围绕……、……等5个方面, 聚焦“…，…”五个方面."""
    found = []
    for match in DECLARED.finditer(text):
        before = text[: match.start()].rstrip()
        segment = _quoted_tail(before)
        if segment is None:
            clause_start = max(before.rfind(mark) for mark in "。；;：:\n") + 1
            segment = before[clause_start:]
            triggers = list(TRIGGER.finditer(segment))
            if triggers:
                segment = segment[triggers[-1].end():]
        titles = _split_enumeration(segment, _number(match.group("n")))
        if titles:
            found.append((match.start() - len(segment), titles))
    return found


def _colon_lists(text: str) -> list[tuple[int, list[str]]]:
    """Lists written inline after a colon and separated by “；”: 重点从以下四个方面进行对照检查：甲；乙；丙。"""
    found = []
    for match in re.finditer(r"[：:]", text):
        end = TITLE_LIST_END.search(text, match.end())
        segment = text[match.end(): end.start() if end else len(text)]
        pieces = [p for p in re.split(r"[；;]", segment) if p.strip()]
        if len(pieces) >= 2:
            titles = [_clean_title(LEADING_NUMBER.sub("", piece)) for piece in pieces]
            if all(titles):
                found.append((match.end(), titles))
    return found


def _quoted_tail(before: str) -> str | None:
    """The content of the quotation that ends right before “N个方面”, nested quotes included."""
    pairs = {"”": "“", "’": "‘", "」": "「"}
    if not before or before[-1] not in pairs:
        return None
    close, open_ = before[-1], pairs[before[-1]]
    depth = 0
    for i in range(len(before) - 1, -1, -1):
        depth += 1 if before[i] == close else -1 if before[i] == open_ else 0
        if depth == 0:
            return before[i + 1: -1]
    return None


def _split_enumeration(segment: str, count: int) -> list[str]:
    starts = [m.start() for m in re.finditer(r"在?带头", segment)]
    if len(starts) >= 2:
        pieces = [segment[a:b] for a, b in zip(starts, [*starts[1:], len(segment)])]
    else:
        options = [[p for p in re.split(sep, segment) if p.strip()] for sep in (r"[；;]", r"、", r"[，,]")]
        pieces = next((o for o in options if len(o) == count), None) or next((o for o in options if len(o) >= 2), [])
    titles = [_clean_title(piece) for piece in pieces]
    return titles if all(titles) else []


def _clean_title(raw: str) -> str:
    """The entry's first clause without list punctuation, wrapping quotes, a leading 在 or trailing 方面."""
    title = TITLE_END.split(raw, maxsplit=1)[0]
    area_end = re.search(r"方面(?=[，,])", title)
    title = title[: area_end.end()] if area_end else title
    title = re.sub(r"^[\s，,、]+|[\s，,、]+$", "", title)
    title = re.sub(r"(?:以及|和|及|等)$", "", title).strip()
    if len(title) > 2 and title[0] in "“‘" and title[-1] in "”’" and title[1:-1].count("“") == title[1:-1].count("”"):
        title = title[1:-1]
    if title.startswith("在") and (title.startswith("在带头") or title.endswith("方面")):
        title = title[1:]
    if title.endswith("方面") and len(title) >= 10:
        title = title[:-2]
    return title


def _number(value: str) -> int:
    if value in CIRCLED:
        return CIRCLED.index(value) + 1
    return int(value) if value.isdecimal() else cn_to_int(value)


# ---- year and theme ------------------------------------------------------------------------------------
def _year(text: str) -> int | None:
    for pattern in YEAR_PATTERNS:
        years = [int(year) for year in pattern.findall(text)]
        if years:
            return max(years)
    found = [year for year, word in CAMPAIGN_BY_YEAR.items() if word in text]
    return max(found) if found else None


def _theme(text: str) -> str:
    """The stated theme: under a 会议主题 heading, 主题是…/以…为主题/围绕…主题, else the sentence that names it."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    for i, line in enumerate(lines[:-1]):
        if THEME_HEADING.match(line):
            following = re.split(r"。", lines[i + 1], maxsplit=1)[0]
            stated = re.search(r"主题(?:是|为)?[：:]\s*(.+)", following)
            return (stated.group(1) if stated else following).strip(QUOTES + "，,")
    sentences = [s.strip() for s in re.split(r"[。！？!?\n]", text) if s.strip()]
    for sentence in sentences:
        if not re.search(r"主题(?!教育|主线)", sentence) or THEME_HEADING.match(sentence):
            continue
        for pattern in THEME_PATTERNS:
            match = re.search(pattern, sentence)
            if match and len(match.group(1).strip(QUOTES)) >= 4:
                return match.group(1).strip(QUOTES + "，,")
        if not re.search(r"方面|(?:会议|这一|该)主题", sentence) and not sentence.endswith("主题"):
            return sentence
    return next((s for s in sentences if "围绕" in s and "方面" not in s and "主题" not in s), "")
