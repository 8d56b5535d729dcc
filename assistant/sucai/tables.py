"""素材 tables: an .xlsx sheet or a .docx table, read by its headers, never by column position.

Units keep opinions and ledgers in sheets of their own making: a title row or two, a header row somewhere in
the first rows, columns in any order, merged 来源 cells, blank rows. The header row is found by its words;
the content column is the one that says 意见/问题/内容…, the others (来源, 针对, 类别, 完成情况, 措施) are optional.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from .kinds import classify, kind_for_title, kind_for_value, status_of
from .ledger_table import add_ledger_rows, is_ledger_header
from .model import Sucai

HEADER_ROWS = 10  # the header row is looked for among this many first rows
HEADER_MAX_CHARS = 12  # a header cell is short (bracketed notes aside)
ROLES = (  # header words → column role, tried in this order; "问题来源" is a source column, "问题类别" a kind column
    ("skip", re.compile(r"序号|编号|^序$")),
    ("status", re.compile(r"状态|完成情况|整改情况|进展|是否完成|完成进度|整改进度")),
    ("measure", re.compile(r"措施")),
    ("source", re.compile(r"来源|渠道|提出|方式")),
    ("target", re.compile(r"针对|对象|涉及")),
    ("kind", re.compile(r"类别|类型|分类|性质")),
    ("deadline", re.compile(r"时限|期限")),
)
CONTENT_TIERS = (re.compile(r"意见|建议|问题"), re.compile(r"内容|事项"), re.compile(r"情况"))
UNDERSTOOD = "内容列写作“意见建议内容”“问题”“内容”“事项”或“情况”；另可识别“来源”“针对”“类别”“完成情况”“整改措施”“完成时限”"
EXCEL_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA"}


@dataclass
class Columns:
    content: int
    roles: dict[str, int] = field(default_factory=dict)

    def get(self, cells: list[str], role: str) -> str:
        index = self.roles.get(role)
        return cells[index] if index is not None and index < len(cells) else ""


@dataclass
class Row:
    number: int  # as the drafter sees it: the spreadsheet's row number, or the table row counting the header
    cells: list[str]
    continued: set[int] = field(default_factory=set)  # columns whose merged cell began in the row above


class NoContentColumn(Exception):
    """A table without a column the entries can be read from; the caller names the file and sheet."""

    def __init__(self, headers: list[str]) -> None:
        self.found = "、".join(headers) if headers else "无"
        super().__init__(self.found)


def cell_text(value) -> str:
    """A cell as text: dates in Chinese, whole floats without ".0", Excel errors and unreadable values as ""."""
    try:
        if value is None or isinstance(value, str) and value.strip() in EXCEL_ERRORS:
            return ""
        if isinstance(value, dt.datetime) and value.time() == dt.time():
            value = value.date()
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return f"{value.year}年{value.month}月{value.day}日"
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return re.sub(r"\s+", " ", str(value)).strip()
    except Exception:  # a value no one can print is an empty cell, not a reason to drop the row
        return ""


def header_key(cell: str) -> str:
    return re.sub(r"[（(][^）)]*[）)]|\s", "", cell)


def map_columns(cells: list[str]) -> Columns | None:
    """The roles of a header row's columns, or None when it has no content column or is not a header row."""
    keys = [header_key(cell) for cell in cells]
    if any(len(key) > HEADER_MAX_CHARS for key in keys):
        return None
    roles: dict[str, int] = {}
    free = []
    for index, key in enumerate(keys):
        role = next((name for name, pattern in ROLES if pattern.search(key)), None) if key else "skip"
        if role is None:
            free.append(index)
        elif role != "skip":
            roles.setdefault(role, index)
    for tier in CONTENT_TIERS:
        content = next((index for index in free if tier.search(keys[index])), None)
        if content is not None:
            return Columns(content, roles)
    if "measure" in roles:  # only 措施 and its state: the measure is what the row is about
        return Columns(roles.pop("measure"), roles)
    return None


def find_header(rows: list[Row]) -> tuple[int, Columns] | None:
    """The index of the header row and its columns; a row of two or more headers wins over a lone one."""
    lone = None
    for index, row in enumerate(rows[:HEADER_ROWS]):
        values = {cell for cell in row.cells if cell}
        columns = map_columns(row.cells) if values else None
        if columns is None:
            continue
        if len(values) >= 2:
            return index, columns
        lone = lone or (index, columns)
    return lone


def headers_seen(rows: list[Row]) -> list[str]:
    """What the drafter's header row probably is, for the error message: the first row of several cells."""
    candidates = [row for row in rows[:HEADER_ROWS] if len({cell for cell in row.cells if cell}) >= 2]
    row = candidates[0] if candidates else next((row for row in rows if any(row.cells)), None)
    return [cell for cell in row.cells if cell] if row else []


def add_table(sucai: Sucai, rows: list[Row], *, where: str, names: tuple[str, ...] = ()) -> int:
    """Add one entry per data row of a table; returns how many. `names` are the sheet name, preceding heading,
    file name… that may say what the table holds, tried after its own title rows."""
    found = find_header(rows)
    if found is None:
        raise NoContentColumn(headers_seen(rows))
    start, columns = found
    if is_ledger_header(rows[start].cells):
        return add_ledger_rows(sucai, rows[start + 1:], rows[start].cells, where=where)
    titles = [next(cell for cell in row.cells if cell) for row in rows[:start] if len(set(row.cells) - {""}) == 1]
    kind = next(filter(None, map(kind_for_title, [*titles, *names])), None)
    if kind is None and {"measure", "status"} <= columns.roles.keys():
        kind = "ledger"
    header, added, last = rows[start].cells, 0, None
    for row in rows[start + 1:]:
        cells = row.cells
        content = cells[columns.content] if columns.content < len(cells) else ""
        if not content or cells == header:
            continue
        if columns.content in row.continued and last is not None:
            _extend(last, columns.get(cells, "measure"), _status(columns, cells))
            continue
        filled = [cell for cell in cells if cell]
        if len(filled) >= 2 and set(filled) == {content}:  # a section row merged across the table
            kind = kind_for_title(content) or kind
            continue
        row_kind = kind_for_value(columns.get(cells, "kind")) or kind or classify(content)
        channel = columns.get(cells, "source")
        status = _status(columns, cells) or (status_of(content) if row_kind == "ledger" else "")
        last = sucai.add(row_kind, content, source=f"{where} 第{row.number}行" + (f"，{channel}" if channel else ""),
                         target=columns.get(cells, "target"), status=status, measure=columns.get(cells, "measure"))
        added += 1
    return added


def _status(columns: Columns, cells: list[str]) -> str:
    status, deadline = columns.get(cells, "status"), columns.get(cells, "deadline")
    if not deadline:
        return status
    return f"{status}（完成时限：{deadline}）" if status else f"完成时限：{deadline}"


def _extend(entry, measure: str, status: str) -> None:
    """A row whose content cell is merged with the row above adds its measure and status to that entry."""
    if measure and measure not in entry.measure:
        entry.measure = "；".join(filter(None, [entry.measure, measure]))
    if status and status not in entry.status:
        entry.status = "；".join(filter(None, [entry.status, status]))
