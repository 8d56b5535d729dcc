"""The ledger as a Word attachment (附件) in the GB/T 9704-2012 style of assistant/export_docx.py.

A4 landscape, because a ten-column table does not fit a portrait page: margins top 28 mm, bottom 26 mm,
left 37 mm, right 35 mm (the portrait margins turned with the page), type width 225 mm. "附件" in 3号 黑体
at the top left, the title in 2号 小标宋 centred, then the table: header row in 黑体, repeated on every
page (a row may break across pages: a long measure would not fit otherwise); body in 5号 仿宋, single-spaced;
fixed column widths (LibreOffice ignores preferred widths otherwise).
Fonts and the font table, the body defaults and "— N —" page numbers are those of the material's export.
"""

from __future__ import annotations

from pathlib import Path

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from ..export_docx import LINE_PITCH_TWIPS, SIZES_PT, _set_fonts, font_name, official_docx
from .model import COLUMNS, PENDING, Ledger

PAGE_MM = (297, 210)
MARGINS_MM = {"top": 28, "bottom": 26, "left": 37, "right": 35}
COLUMN_MM = (12, 20, 40, 24, 44, 19, 19, 19, 14, 14)  # 225 mm, the type width; 4 characters of 5号 need 19 mm
TABLE_PT = 10.5  # 5号
CENTRED = {"序号", "责任领导", "责任部门", "完成时限", "状态"}


def _run(paragraph, text: str, role: str, size: float, fallback: bool):
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    _set_fonts(run._r.get_or_add_rPr(), font_name(role, fallback))
    return run


def _line(docx, text: str, role: str, size: float, align, fallback: bool) -> None:
    paragraph = docx.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment, fmt.line_spacing = align, Pt(LINE_PITCH_TWIPS / 20)
    fmt.space_before = fmt.space_after = Pt(0)
    if text:
        _run(paragraph, text, role, size, fallback)


def _setup_page(docx) -> None:
    section = docx.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(16)
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)


def _cell(cell, text: str, *, header: bool, centred: bool, fallback: bool) -> None:
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    lines = text.split("\n") if text else [""]
    paragraph = cell.paragraphs[0]
    for index, line in enumerate(lines):
        if index:
            paragraph = cell.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if header or centred else WD_ALIGN_PARAGRAPH.LEFT
        fmt.line_spacing, fmt.first_line_indent = 1.0, Pt(0)
        fmt.space_before = fmt.space_after = Pt(0)
        if line:
            _run(paragraph, line, "part" if header else "body", TABLE_PT, fallback)


def _table(docx, ledger: Ledger, fallback: bool) -> None:
    table = docx.add_table(rows=1 + len(ledger.rows), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    table._tbl.tblPr.append(parse_xml(f'<w:tblLayout {nsdecls("w")} w:type="fixed"/>'))
    grid = table._tbl.tblGrid
    for col, width in zip(grid.iterchildren(qn("w:gridCol")), COLUMN_MM):
        col.set(qn("w:w"), str(int(width / 25.4 * 1440)))
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(parse_xml(f'<w:tblHeader {nsdecls("w")}/>'))
    for row_index, values in enumerate([list(COLUMNS), *(r.cells() for r in ledger.rows)]):
        row = table.rows[row_index]
        for col_index, (cell, value) in enumerate(zip(row.cells, values)):
            cell.width = Mm(COLUMN_MM[col_index])
            shown = f"〔{PENDING}〕" if value == PENDING else value
            _cell(cell, shown, header=row_index == 0, centred=COLUMNS[col_index] in CENTRED, fallback=fallback)


def build_ledger_docx(ledger: Ledger, *, fallback: bool = False, attachment: str = "附件"):
    docx = official_docx(ledger.title, fallback)
    _setup_page(docx)  # the attachment's own page: A4 landscape, no line grid
    _line(docx, attachment, "part", SIZES_PT["part"], WD_ALIGN_PARAGRAPH.LEFT, fallback)
    _line(docx, ledger.title, "title", SIZES_PT["title"], WD_ALIGN_PARAGRAPH.CENTER, fallback)
    _line(docx, "", "body", SIZES_PT["body"], WD_ALIGN_PARAGRAPH.CENTER, fallback)
    _table(docx, ledger, fallback)
    return docx


def write_docx(ledger: Ledger, path: Path, *, fallback: bool = False) -> Path:
    build_ledger_docx(ledger, fallback=fallback).save(str(path))
    return path
