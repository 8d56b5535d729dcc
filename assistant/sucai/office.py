"""素材 from office files: .docx paragraphs and tables, and every sheet of an .xlsx.

Tables are read by their headers (tables.py). A table or sheet without a content column is skipped with a
warning on the Sucai, unless nothing else in the file can be read.
"""

from __future__ import annotations

import re
import warnings
import zipfile
from pathlib import Path
from xml.etree import ElementTree

from ..errors import InputError
from ..textio import Limits, check_archive, open_docx
from .kinds import PROBLEM
from .model import KIND_LABELS, Sucai
from .tables import UNDERSTOOD, NoContentColumn, Row, add_table, cell_text
from .text import TextReader

MAX_SHEET_ROWS = 5000


def read_docx(path: Path, sucai: Sucai) -> None:
    """Paragraphs in order as text lines; each table as a sheet, titled by a caption just above it."""
    from docx.table import Table

    document = open_docx(path)
    reader, caption, count = TextReader(sucai, path.name), "", 0
    try:
        for block in document.iter_inner_content():
            if not isinstance(block, Table):
                style = block.style.name if block.style is not None else ""
                reader.feed(f"# {block.text}" if style.startswith(("Heading", "Title", "标题")) else block.text)
                text = block.text.strip()
                if text:
                    caption = text if _is_caption(text) else ""
                continue
            count += 1
            names = (caption, KIND_LABELS.get(reader.kind, ""), path.stem)
            try:
                add_table(sucai, _docx_rows(block), where=f"{path.name} 表{count}", names=names)
            except NoContentColumn as exc:
                sucai.warnings.append(f"“{path.name}”的第{count}个表格中找不到内容列（找到的表头：{exc.found}），已跳过")
            caption = ""
    except InputError:
        raise
    except Exception as exc:  # damaged XML inside an otherwise openable document
        raise InputError(f"读取 Word 文档“{path.name}”失败：{type(exc).__name__}", hint="请在 Word 中打开后另存为 .docx 再试") from exc


def _is_caption(text: str) -> bool:
    """A short line without a sentence or a judgement in it ("表1 征求意见汇总") may name the table below it."""
    return len(text) <= 30 and not re.search(r"[，。；]", text) and not PROBLEM.search(text)


def _docx_rows(table) -> list[Row]:
    rows: list[Row] = []
    above: list = []
    for number, row in enumerate(table.rows, 1):
        cells = [None] * row.grid_cols_before + list(row.cells)
        continued = {i for i, cell in enumerate(cells)
                     if cell is not None and i < len(above) and above[i] is not None and cell._tc is above[i]._tc}
        rows.append(Row(number, [cell_text(cell.text) if cell is not None else "" for cell in cells], continued))
        above = cells
    return rows


def read_xlsx(path: Path, sucai: Sucai) -> None:
    """Every sheet with content; a sheet without a content column is skipped with a warning, unless all are."""
    from openpyxl import load_workbook

    if zipfile.is_zipfile(path):  # a zip bomb is refused before openpyxl inflates it; other damage is told below
        check_archive(path, Limits.max_unzipped_bytes)
    try:
        with warnings.catch_warnings():  # openpyxl warns about extensions and styles it ignores
            warnings.simplefilter("ignore")
            workbook = load_workbook(path, read_only=True, data_only=True)
            try:
                sheets = [(sheet.title, _sheet_rows(path, sheet, sucai.warnings)) for sheet in workbook.worksheets]
            finally:
                workbook.close()
    except Exception as exc:
        raise _bad_workbook(path) from exc
    sheets = [(title, rows) for title, rows in sheets if rows]
    skipped = []
    for title, rows in sheets:
        try:
            where = path.name if len(sheets) == 1 else f"{path.name} {title}"  # the sheet is named when there are several
            add_table(sucai, rows, where=where, names=(title, path.stem))
        except NoContentColumn as exc:
            skipped.append(f"“{path.name}”的工作表“{title}”中找不到内容列（找到的表头：{exc.found}）")
    if sheets and len(skipped) == len(sheets):
        raise InputError("；".join(skipped), hint=UNDERSTOOD)
    sucai.warnings.extend(f"{message}，已跳过该工作表" for message in skipped)


def _sheet_rows(path: Path, sheet, notes: list[str]) -> list[Row]:
    """A sheet's rows as text, merged cells' value carried to every cell they span; [] for an empty sheet."""
    sheet.reset_dimensions()  # some writers record a wrong <dimension>: read every row there is
    values: list[list[str]] = []
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        if number > MAX_SHEET_ROWS:
            notes.append(f"“{path.name}”的工作表“{sheet.title}”超过 {MAX_SHEET_ROWS} 行，只读取了前 {MAX_SHEET_ROWS} 行")
            break
        values.append([cell_text(value) for value in row])
    while values and not any(values[-1]):
        values.pop()
    width = max((len(cells) for cells in values), default=0)
    rows = [Row(number, cells + [""] * (width - len(cells))) for number, cells in enumerate(values, 1)]
    for min_col, min_row, max_col, max_row in _merged_ranges(path, sheet):
        if min_row > len(rows) or min_col > width:
            continue
        value = rows[min_row - 1].cells[min_col - 1]
        for row in rows[min_row - 1:max_row]:
            for col in range(min_col - 1, min(max_col, width)):
                row.cells[col] = value
                if row.number > min_row:
                    row.continued.add(col)
    return rows


def _merged_ranges(path: Path, sheet) -> list[tuple[int, int, int, int]]:
    """Merged cell ranges, read from the sheet's XML: openpyxl's read-only sheets do not expose them."""
    from openpyxl.utils import range_boundaries

    part = getattr(sheet, "_worksheet_path", "")
    try:
        with zipfile.ZipFile(path) as archive, archive.open(part.lstrip("/")) as xml:
            refs = [element.get("ref", "") for _, element in ElementTree.iterparse(xml)
                    if element.tag.endswith("}mergeCell")]
        return [range_boundaries(ref) for ref in refs if ":" in ref]
    except Exception:  # no merges known is better than no sheet at all
        return []


def _bad_workbook(path: Path) -> InputError:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"\xd0\xcf\x11\xe0"):  # an OLE2 file: a .xls (or .doc) renamed to .xlsx
        return InputError(f"“{path.name}”实际上是旧版 Excel（.xls）文件", hint="请在 Excel 或 WPS 中另存为 .xlsx 后重试")
    return InputError(f"“{path.name}”不是有效的 Excel 文件，可能已损坏", hint="请在 Excel 或 WPS 中打开后另存为 .xlsx 再试")
