"""A rectification ledger sheet (整改清单/整改台账) read back a year later, every column kept.

A sheet is read as a ledger when its header names a problem, a state or progress, and a measure, owner or
deadline, whatever the order and whatever other columns it has (ours, or one the unit keeps its own way,
saved by Excel or WPS). Each problem row becomes a 上年度整改 entry with its measure, state (and deadline),
owners, progress and, in `detail`, the area, cause and any other column. Nothing is dropped without a word:
a row without a problem joins the row above, an unreadable date, a missing state are read as best they can
be and each such reading is a warning the drafter confirms.
"""

from __future__ import annotations

import datetime as dt
import re

from .kinds import status_of
from .model import Sucai

ROLES = (  # header words → ledger column role, tried in order: "问题原因" is a cause, "完成时限" a deadline
    ("number", re.compile(r"序号|编号|^序$")),
    ("cause", re.compile(r"原因")),
    ("measure", re.compile(r"措施")),
    ("leader", re.compile(r"领导|责任人")),
    ("department", re.compile(r"部门|单位|科室")),
    ("deadline", re.compile(r"时限|期限|完成时间|截止")),
    ("progress", re.compile(r"进展|进度|落实情况|成效")),
    ("status", re.compile(r"状态|是否完成|完成情况|整改情况|销号")),
    ("source", re.compile(r"来源|渠道")),
    ("area", re.compile(r"方面|领域|类别|分类")),
    ("problem", re.compile(r"问题|事项|内容")),
)
LABELS = {"area": "方面", "cause": "原因", "source": "来源"}
PENDING = re.compile(r"^〔?待补[^〕]*〕?$")
DONE_MARKS = {"√": "已完成", "✓": "已完成", "是": "已完成", "完成": "已完成", "×": "未完成", "否": "未完成"}
SECTION = re.compile(r"^[一二三四五六七八九十]+[、.．]\s*")
DATE_TEXT = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})(?:\s*[./\-月]\s*(\d{1,2})\s*日?)?\s*月?(?:\s+0?0:00(?::00)?)?$")
EXCEL_DAY0 = dt.date(1899, 12, 30)


def header_key(cell: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]|\s", "", cell)


def ledger_columns(header: list[str]) -> tuple[dict[str, int], dict[int, str]]:
    """Column roles of a ledger header, and the other columns by index with their header text."""
    roles: dict[str, int] = {}
    others: dict[int, str] = {}
    for index, cell in enumerate(header):
        key = header_key(cell)
        if not key:
            continue
        role = next((name for name, pattern in ROLES if pattern.search(key)), None)
        if role is None or role in roles:
            others[index] = cell
        else:
            roles[role] = index
    return roles, others


def is_ledger_header(header: list[str]) -> bool:
    roles, _ = ledger_columns(header)
    return "problem" in roles and bool({"status", "progress"} & roles.keys()) \
        and bool({"measure", "leader", "department", "deadline"} & roles.keys())


def clean(value: str) -> str:
    return "" if PENDING.match(value.strip()) else value.strip()


def read_deadline(value: str, where: str, warnings: list[str]) -> str:
    """A deadline in Chinese: "2025.6.30" and "2025/6/30" become "2025年6月30日"; a bare number is read as the
    Excel date it probably is (a date cell that lost its format), and the drafter is asked to confirm."""
    value = clean(value)
    if re.fullmatch(r"\d{5}(?:\.0+)?", value) and 20000 < float(value) < 80000:
        day = EXCEL_DAY0 + dt.timedelta(days=int(float(value)))
        read = f"{day.year}年{day.month}月{day.day}日"
        warnings.append(f"{where}的“完成时限”是数字{value}，按 Excel 日期读作{read}，请核对")
        return read
    match = DATE_TEXT.match(value)
    if match and not value.endswith(("前", "底")):
        year, month, day = match.groups()
        if 1 <= int(month) <= 12 and (day is None or 1 <= int(day) <= 31):
            return f"{year}年{int(month)}月" + (f"{int(day)}日" if day else "")
    return value


def read_status(value: str, progress: str, where: str, warnings: list[str]) -> str:
    value = clean(value)
    value = DONE_MARKS.get(value, value)
    if value:
        return value
    inferred = status_of(progress)
    if inferred:
        warnings.append(f"{where}没有填“状态”，按“进展”读作“{inferred}”，请核对")
        return inferred
    warnings.append(f"{where}没有填“状态”，按未完成计，请核对")
    return ""


def add_ledger_rows(sucai: Sucai, rows: list, header: list[str], *, where: str) -> int:
    """One 上年度整改 entry per problem row below the header; returns how many."""
    roles, others = ledger_columns(header)
    notes: list[str] = []
    if others:
        named = "、".join(f"“{others[i]}”" for i in sorted(others))
        notes.append(f"“{where}”中的{named}列不是整改清单的常用列，其内容已记入每一项的说明")
    area, last, last_row, added = "", None, 0, 0
    for row in rows:
        cells = row.cells
        at = f"“{where}”第{row.number}行"

        def get(role: str) -> str:
            index = roles.get(role)
            return clean(cells[index]) if index is not None and index < len(cells) else ""

        filled = [cell for cell in cells if cell.strip()]
        if not filled or cells == header:
            continue
        problem = get("problem")
        if not problem and _is_section(cells, filled, roles):
            area = SECTION.sub("", filled[0])  # a section row: 一、政治建设方面, merged across or in a first cell
            continue
        if last is not None and (not problem or roles["problem"] in row.continued):
            deadline = read_deadline(cells[roles["deadline"]] if "deadline" in roles else "", at, notes)
            _extend(last, get, cells, others, deadline)
            if not problem:
                notes.append(f"{at}没有填“问题”，其内容已并入上一项（第{last_row}行），请核对")
            continue
        if not problem:
            notes.append(f"{at}没有填“问题”，也没有上一项可并入：{'；'.join(filled)}，请补上问题后重新导入")
            continue
        progress = get("progress")
        status = read_status(get("status"), progress, at, notes)
        deadline = read_deadline(cells[roles["deadline"]] if "deadline" in roles else "", at, notes)
        last = sucai.add("ledger", problem, source=f"{where} 第{row.number}行", measure=get("measure"),
                         status=f"{status}（完成时限：{deadline}）" if status and deadline else
                         (f"完成时限：{deadline}" if deadline else status),
                         owner=_owner(get), progress=progress,
                         detail=_detail(get("area") or area, get, cells, others))
        last_row = row.number
        added += 1
    sucai.warnings.extend(notes)
    return added


def _is_section(cells: list[str], filled: list[str], roles: dict[str, int]) -> bool:
    if len(set(filled)) != 1 or re.fullmatch(r"[\d.]+", filled[0]):
        return False
    first = next(index for index, cell in enumerate(cells) if cell.strip())
    return len(filled) >= 2 or first < roles["problem"]


def _owner(get) -> str:
    parts = [f"责任领导：{get('leader')}" if get("leader") else "", f"责任部门：{get('department')}" if get("department") else ""]
    return "；".join(filter(None, parts))


def _detail(area: str, get, cells: list[str], others: dict[int, str]) -> str:
    parts = [f"方面：{area}" if area else ""]
    parts += [f"{LABELS[role]}：{get(role)}" for role in ("cause", "source") if get(role)]
    parts += [f"{others[i]}：{clean(cells[i])}" for i in sorted(others) if i < len(cells) and clean(cells[i])]
    return "；".join(filter(None, parts))


def _extend(entry, get, cells: list[str], others: dict[int, str], deadline: str) -> None:
    """A row under a merged problem cell, or without a problem: its measure, state and the rest join the entry."""
    for name, value in (("measure", get("measure")), ("progress", get("progress")), ("owner", _owner(get)),
                        ("detail", _detail("", get, cells, others))):
        if value and value not in getattr(entry, name):
            setattr(entry, name, "；".join(filter(None, [getattr(entry, name), value])))
    status = DONE_MARKS.get(get("status"), get("status"))
    if status and status not in entry.status:
        entry.status = "；".join(filter(None, [entry.status, status]))
    if deadline and deadline not in entry.status:
        entry.status = "；".join(filter(None, [entry.status, f"完成时限：{deadline}"]))
