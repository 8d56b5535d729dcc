"""The ledger as an Excel workbook the drafter keeps through the year and hands in.

Row 1 is the title, merged across the table; row 2 the header, frozen and repeated on every printed page;
one row per problem below, text wrapped, heights estimated so a printout shows every line (Excel and WPS
do not grow a row written by a program). A4 landscape, fitted to the page width. 待补 cells are shaded so
they are found at a glance; the 状态 column offers the usual states.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

from .model import COLUMNS, PENDING, Ledger

WIDTHS = {"序号": 6, "方面": 14, "问题": 40, "原因": 28, "整改措施": 44, "责任领导": 11, "责任部门": 11,
          "完成时限": 12, "状态": 9, "进展": 20}  # Excel width units (one ≈ a digit; a Chinese character ≈ 2)
STATES = "未完成,推进中,基本完成,已完成"
FONT = "宋体"
LINE_POINTS = 14.5  # one wrapped line of 10.5 pt text
PENDING_FILL = "FFF2CC"
SHEET_TITLE = "整改清单"


def text_width(text: str) -> int:
    """Display width in Excel units: wide (Chinese) characters count two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def column_widths(ledger: Ledger) -> list[float]:
    """Each column as wide as its header and content need, within the column's share of an A4 landscape page."""
    widths = []
    for index, header in enumerate(COLUMNS):
        longest = max([text_width(header), *(text_width(line) for row in ledger.rows
                                             for line in row.cells()[index].split("\n"))])
        widths.append(min(WIDTHS[header], max(text_width(header) + 2, longest + 2)))
    return widths


def row_height(cells: list[str], widths: list[float]) -> float:
    lines = max(sum(max(1, math.ceil(text_width(part) / max(w - 1, 1))) for part in cell.split("\n"))
                for cell, w in zip(cells, widths))
    return max(1, lines) * LINE_POINTS + 4


def build_workbook(ledger: Ledger):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    last = get_column_letter(len(COLUMNS))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="center")
    centre = Alignment(wrap_text=True, vertical="center", horizontal="center")
    pending = PatternFill("solid", fgColor=PENDING_FILL)

    sheet.append([ledger.title])
    sheet.merge_cells(f"A1:{last}1")
    sheet["A1"].font = Font(name=FONT, size=16, bold=True)
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 32
    sheet.append(list(COLUMNS))
    for cell in sheet[2]:
        cell.font, cell.alignment, cell.border = Font(name="黑体", size=11), centre, border
    sheet.row_dimensions[2].height = 22
    widths = column_widths(ledger)
    short = {"序号", "责任领导", "责任部门", "完成时限", "状态"}
    for row in ledger.rows:
        cells = row.cells()
        sheet.append([row.number, *cells[1:]])
        for cell, header in zip(sheet[sheet.max_row], COLUMNS):
            cell.font, cell.border = Font(name=FONT, size=10.5), border
            cell.alignment = centre if header in short else wrap
            if cell.value == PENDING:
                cell.fill = pending
        sheet.row_dimensions[sheet.max_row].height = row_height(cells, widths)
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    if ledger.rows:
        states = DataValidation(type="list", formula1=f'"{STATES}"', allow_blank=True)
        states.add(f"I3:I{sheet.max_row}")
        sheet.add_data_validation(states)
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    return book


def write_xlsx(ledger: Ledger, path: Path) -> Path:
    build_workbook(ledger).save(str(path))
    return path
