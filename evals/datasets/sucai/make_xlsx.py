"""Write the 素材 workbooks of evals/datasets/sucai.jsonl: run after editing a unit that has a "sucai_file".

    python evals/datasets/sucai/make_xlsx.py

Each workbook is laid out the way a unit's office hands it over: a 征求意见汇总 sheet (with a title row in
some, columns not always in the same order) and a second sheet of facts or last year's ledger. The texts come
from the unit's "expected" entries, so the workbook and what it is scored against cannot drift apart;
tests/test_eval_datasets.py reads the workbooks back and compares.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
DATASET = HERE.parent / "sucai.jsonl"
COMPILED = {"u07": datetime(2024, 1, 8, 9, 0), "u09": datetime(2022, 1, 10, 9, 0)}  # when the office made the sheet

# Per workbook: sheets in order; each sheet has a title row (or None), headers, and how a cell is filled from
# an entry: one of the entry's fields ("text", "source", "status"), a function of the entry, or fixed text.
LAYOUTS = {
    "u07": [
        {"name": "征求意见汇总", "kinds": ("opinion",),
         "title": "江川市税务局第二税务分局党委2023年度主题教育专题民主生活会征求意见建议汇总表",
         "note": "汇总：分局办公室　　汇总时间：2024年1月",
         "columns": ["序号", "来源", "意见建议内容", "针对", "备注"],
         "cells": {"来源": "source", "意见建议内容": "text", "针对": "领导班子"}},
        {"name": "上年度整改台账", "kinds": ("ledger",), "title": None,
         "columns": ["序号", "整改事项", "完成情况", "备注"],
         "cells": {"整改事项": "text", "完成情况": "status"}},
        {"name": "基本情况", "kinds": ("fact",), "title": None,
         "columns": ["序号", "内容"],
         "cells": {"内容": "text"}},
    ],
    "u09": [
        {"name": "意见建议汇总", "kinds": ("opinion",), "title": None,
         "columns": ["序号", "意见建议内容", "针对", "来源"],
         "cells": {"意见建议内容": "text", "针对": "局领导班子", "来源": "source"}},
        {"name": "基本情况", "kinds": ("fact",), "title": None,
         "columns": ["序号", "类别", "内容"],
         "cells": {"类别": lambda entry: "会前准备" if entry["text"].startswith("会前") else "工作情况",
                   "内容": "text"}},
    ],
}
# Remarks a clerk would add by hand, keyed by (unit, sheet, 1-based row number among the data rows).
REMARKS = {("u07", "征求意见汇总", 6): "与第1条意思相近"}
WIDTHS = {"序号": 6, "来源": 14, "针对": 10, "备注": 16, "完成情况": 10, "类别": 8}


def units() -> list[dict]:
    rows = [json.loads(line) for line in DATASET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [row for row in rows if row.get("sucai_file")]


def cell_value(entry: dict, field) -> str:
    if callable(field):
        return field(entry)
    return entry.get(field, "") if field in ("text", "source", "status") else field


def write(unit: dict) -> Path:
    layout = LAYOUTS[unit["id"]]
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = unit["org"]
    book.properties.created = COMPILED[unit["id"]]
    for spec in layout:
        sheet = book.create_sheet(spec["name"])
        columns = spec["columns"]
        if spec["title"]:
            sheet.append([spec["title"]])
            sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
            sheet.cell(1, 1).font = Font(bold=True, size=14)
            sheet.cell(1, 1).alignment = Alignment(horizontal="center")
            sheet.append([spec["note"]])
        sheet.append(columns)
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
        entries = [entry for entry in unit["expected"] if entry["kind"] in spec["kinds"]]
        for number, entry in enumerate(entries, start=1):
            row = []
            for column in columns:
                if column == "序号":
                    row.append(number)
                elif column == "备注":
                    row.append(REMARKS.get((unit["id"], spec["name"], number), ""))
                else:
                    row.append(cell_value(entry, spec["cells"][column]))
            sheet.append(row)
        for index, column in enumerate(columns, start=1):
            letter = sheet.cell(header_row, index).column_letter
            sheet.column_dimensions[letter].width = WIDTHS.get(column, 60)
            for (cell,) in sheet.iter_rows(min_row=header_row + 1, min_col=index, max_col=index):
                cell.alignment = Alignment(wrap_text=True, vertical="center")
    path = HERE / Path(unit["sucai_file"]).name
    book.save(path)
    return path


def main() -> None:
    for unit in units():
        print(write(unit).relative_to(HERE.parent))


if __name__ == "__main__":
    main()
