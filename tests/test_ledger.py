"""The rectification ledger: a material's map to rows, the .xlsx and .docx files, `jianshi ledger`, and the
ledger read back a year later as 素材 (the WPS-saved fixture, the round trip into next year's material)."""

import json
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT
from openpyxl import load_workbook

from assistant.cli import main
from assistant.document import PartRole, parse
from assistant.errors import InputError
from assistant.ledger import COLUMNS, PENDING, export_ledger, ledger_from_map, ledger_from_text
from assistant.models.fake import FakeModel
from assistant.operations import Facts
from assistant.operations.whole import rectification_from_ledger
from assistant.sucai import Sucai
from assistant.sucai.carryover import RECUR_AGAIN, RECUR_OPEN, SENTENCES, mark_recurrences, offer_open_items
from assistant.sucai.importers import read_sucai
from tests.test_sucai_drafting import knowledge, make_ops, notices, scripted_writer, unit_sucai  # noqa: F401

FIXTURES = Path(__file__).parent / "fixtures"
OWNER_FACTS = Facts(["整改责任人：王建华同志，完成时限：2025年6月底前"])
MAP = {
    "problems": [{"id": "p1-1", "area": 1, "text": "一是请示报告不及时。比如，有3项事项先实施后报告。", "headline": "请示报告不及时"},
                 {"id": "p2-1", "area": 2, "text": "一是调研不深入。比如，全年到基层调研仅3次。", "headline": "调研不深入"}],
    "causes": [{"id": "c1", "text": "（一）政治纪律意识有所淡化。对请示报告制度重视不够。[1]", "problems": ["p1-1"]},
               {"id": "c2", "text": "（二）宗旨意识树得不牢。", "problems": ["p2-1"]}],
    "measures": [{"id": "m1", "text": "（一）严格请示报告。修订请示报告清单。责任领导：李明；责任部门：办公室；完成时限：2025年3月底前。",
                  "problems": ["p1-1"]},
                 {"id": "m2", "text": "（二）改进调研。每季度到基层调研不少于2次。责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。",
                  "problems": ["p2-1"]}],
}


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def test_one_row_per_problem_with_owners_only_from_what_is_stated():
    ledger = ledger_from_map(MAP, title="临溪县交通运输局领导班子2024年度民主生活会对照检查材料",
                             area_names={1: "严守政治纪律", 2: "服务群众"})
    assert ledger.title == "临溪县交通运输局领导班子2024年度民主生活会整改清单"
    first, second = ledger.rows
    assert first.cells() == ["1", "严守政治纪律", "请示报告不及时。比如，有3项事项先实施后报告。", "政治纪律意识有所淡化",
                             "严格请示报告。修订请示报告清单。", "李明", "办公室", "2025年3月底前", "未完成", ""]
    assert second.cells()[5:8] == [PENDING] * 3  # slots are not owners
    assert ledger.pending_cells == 3
    checked = ledger_from_map(MAP, title="", area_names={}, facts_text="责任部门为办公室")
    assert checked.rows[0].leader == "" and checked.rows[0].department == "办公室"  # 李明 is in no fact
    assert checked.rows[0].area == "第1个方面" and checked.title == "民主生活会整改清单"


def test_a_text_material_is_read_back_into_a_map_and_says_it_is_a_best_reading():
    doc = parse((FIXTURES / "clean-2024-banzi.txt").read_text(encoding="utf-8"))
    ledger = ledger_from_text(doc)
    items = sum(len(section.items) for section in doc.areas)
    assert len(ledger.rows) == items and all(row.cause and row.measure for row in ledger.rows)
    assert "推断" in ledger.notes[0]
    assert ledger.rows[0].area == "带头严守政治纪律和政治规矩，维护党的团结统一"
    assert not any(row.problem.startswith(("一是", "二是")) for row in ledger.rows)


def test_xlsx_is_printable_and_readable(tmp_path):
    ledger = ledger_from_map(MAP, title="临溪县交通运输局领导班子2024年度民主生活会对照检查材料", area_names={1: "严守政治纪律"})
    sheet = load_workbook(export_ledger(ledger, tmp_path / "整改清单.xlsx")).active
    assert sheet["A1"].value == ledger.title and "A1:J1" in {str(r) for r in sheet.merged_cells.ranges}
    assert [cell.value for cell in sheet[2]] == list(COLUMNS)
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$2:$2"
    assert sheet.page_setup.orientation == "landscape" and int(sheet.page_setup.paperSize) == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth == 1
    assert all(sheet.cell(3, col).alignment.wrap_text for col in range(1, 11))
    widths = {COLUMNS[i]: sheet.column_dimensions[chr(65 + i)].width for i in range(10)}
    assert widths["问题"] > widths["方面"] > widths["序号"] and widths["责任领导"] >= 10  # 4 Chinese characters fit
    assert sheet.row_dimensions[3].height > 15 and sheet["F4"].value == PENDING and sheet["F4"].fill.fgColor.rgb.endswith("FFF2CC")


def test_docx_is_a_landscape_attachment_with_the_ledger_table(tmp_path):
    ledger = ledger_from_map(MAP, title="临溪县交通运输局领导班子2024年度民主生活会对照检查材料", area_names={})
    document = docx.Document(export_ledger(ledger, tmp_path / "整改清单.docx"))
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert [p.text for p in document.paragraphs[:2]] == ["附件", ledger.title]
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells] == list(COLUMNS) and len(table.rows) == 3
    assert table.rows[0]._tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None  # repeated on every page
    assert table.rows[2].cells[5].text == f"〔{PENDING}〕"
    fonts = {r._r.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) for r in table.rows[0].cells[0].paragraphs[0].runs}
    assert fonts == {"黑体"}


def test_cli_ledger_from_a_draft_json_and_bad_inputs(tmp_path):
    material = tmp_path / "材料.md"
    material.write_text("临溪县交通运输局领导班子2024年度民主生活会对照检查材料\n二、存在的主要问题\n"
                        "（一）在严守政治纪律方面\n一是请示报告不及时。\n（二）在服务群众方面\n一是调研不深入。\n",
                        encoding="utf-8")
    drafted = tmp_path / "起草结果.json"
    drafted.write_text(json.dumps({"output": "材料.md", "map": MAP}, ensure_ascii=False), encoding="utf-8")
    result = run("ledger", drafted, "-o", tmp_path / "整改清单.xlsx")
    assert result.exit_code == 0, result.output
    assert "2 个问题" in result.output and "待补 3 处" in result.output
    sheet = load_workbook(tmp_path / "整改清单.xlsx").active
    assert sheet["A1"].value == "临溪县交通运输局领导班子2024年度民主生活会整改清单"
    assert sheet["B3"].value == "严守政治纪律" and sheet["B4"].value == "服务群众"  # area names from the material
    for args, words in ((["ledger", drafted, "-o", tmp_path / "清单.pdf"], "只能导出为 .xlsx 或 .docx"),
                        (["ledger", tmp_path / "没有.json", "-o", tmp_path / "a.xlsx"], "找不到文件"),
                        (["ledger", FIXTURES / "ledger" / "整改清单-WPS.xlsx", "-o", tmp_path / "a.xlsx"], "是表格")):
        result = run(*args)
        assert result.exit_code == 2 and words in result.output and "Traceback" not in result.output
    broken = tmp_path / "坏.json"
    broken.write_text("{", encoding="utf-8")
    assert "不是有效的 JSON" in run("ledger", broken, "-o", tmp_path / "a.xlsx").output


def test_a_ledger_saved_by_wps_is_read_with_every_column_and_each_guess_named():
    sucai = read_sucai(FIXTURES / "ledger" / "整改清单-WPS.xlsx")
    items = sucai.of_kind("ledger")
    assert len(items) == 4 and len(sucai.entries) == 4  # title, header, empty row and the note row are no items
    first, second, third, fourth = items
    assert first.status == "已完成（完成时限：2025年6月30日）"  # a date cell
    assert second.status == "推进中（完成时限：2025年12月31日）"  # a number in an Asian date format, read as a date
    assert third.status == "已完成（完成时限：2025年6月30日）"  # 2025.6.30 typed as text; state read from 进展
    assert first.owner == "责任领导：局长；责任部门：办公室" and fourth.owner == "责任部门：执法大队"  # 待补 is no owner
    assert second.detail == "方面：政治建设；原因：为民服务宗旨树得不牢；备注：需省级部门支持"  # merged 方面, the extra column
    assert second.progress == "审批系统与省级平台对接尚未完成"
    assert fourth.measure.endswith("另：每季度通报执法作风问题一次")  # a row without a problem joins the one above
    assert [item.is_open for item in items] == [False, True, False, True]
    notes = "\n".join(sucai.warnings)
    for words in ("“备注”列", "按 Excel 日期读作2025年12月31日", "第6行没有填“状态”，按“进展”读作“已完成”",
                  "第8行没有填“问题”，其内容已并入上一项（第7行）"):
        assert words in notes


def test_open_items_are_offered_and_recurring_problems_marked():
    sucai = read_sucai(FIXTURES / "ledger" / "整改清单-WPS.xlsx")
    sucai.add("finding", "个别执法人员执法简单化，执法队伍作风不严")  # still open last year
    sucai.add("opinion", "深入基层调研不够，解决群众出行难问题办法不多")  # closed last year, raised again
    assert offer_open_items(sucai) == 1  # only the approval item: the drafter already raised the other
    candidate = sucai.entries[-1]
    assert candidate.kind == "finding" and candidate.recurs == RECUR_OPEN and "道路运输证" in candidate.text
    assert "上年度整改清单" in candidate.provenance() and "未完成" in sucai.warnings[-1]
    assert mark_recurrences(sucai) == 2
    marks = {entry.text[:6]: entry.recurs for entry in sucai.problems}
    assert marks == {"个别执法人员": RECUR_OPEN, "深入基层调研": RECUR_AGAIN, "道路运输证办": RECUR_OPEN}
    assert offer_open_items(sucai) == 0  # offering twice adds nothing


def test_round_trip_material_to_xlsx_to_next_years_rectification(make_ops, notices, tmp_path):  # noqa: F811
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    notice = notices.get("2024")
    result = ops.draft_all(notice, org="临溪县交通运输局", kind="banzi", facts=OWNER_FACTS, sucai=unit_sucai())
    ledger = ledger_from_map(result.data["map"], title=result.data["sections"]["title"],
                             area_names={a.index: a.title for a in notice.areas}, facts_text=OWNER_FACTS.text())
    found = len(result.data["map"]["problems"])
    assert len(ledger.rows) == found >= 4
    answered = [row for row in ledger.rows if row.measure]
    assert answered and all(row.leader == "王建华同志" for row in answered)
    # a problem no measure answers yet (a bank suggestion, say) shows 待补 for its measure and owner
    assert all(row.cells()[4] == row.cells()[5] == "待补" for row in ledger.rows if not row.measure)
    path = export_ledger(ledger, tmp_path / "整改清单.xlsx")

    book = load_workbook(path)  # a year on, the drafter fills in the states
    sheet = book.active
    rows = list(range(3, 3 + found))
    assert [sheet.cell(r, 3).value for r in rows] == [row.problem for row in ledger.rows]
    for r in rows[:2]:
        sheet.cell(r, 9).value = "已完成"
    sheet.cell(rows[2], 9).value, sheet.cell(rows[2], 10).value = "推进中", "需省级系统对接，尚未完成"
    book.save(path)

    last_year = read_sucai(path)
    items = last_year.of_kind("ledger")
    assert len(items) == found and sum(not item.is_open for item in items) == 2
    assert all("王建华同志" in item.owner and "2025年6月底前" in item.status
               for item, row in zip(items, ledger.rows) if row.measure)
    text = rectification_from_ledger(items, Facts(), "banzi")
    assert f"查摆的{found}个问题" in text and "已完成整改2个" in text and f"仍在推进的{found - 2}个问题" in text
    assert "需省级系统对接" in text
    assert offer_open_items(last_year) == found - 2

    next_year = ops.draft_all(notice, org="临溪县交通运输局", kind="banzi", facts=Facts(), sucai=last_year)
    doc = parse(next_year.text)
    part = doc.part(PartRole.RECTIFICATION).text
    assert f"查摆的{found}个问题" in part and "已完成整改2个" in part
    items_text = "\n".join(section.text for section in doc.areas)
    assert SENTENCES[RECUR_OPEN] in items_text  # an open item drafted again says it recurs


def test_export_refuses_other_suffixes(tmp_path):
    ledger = ledger_from_map(MAP, title="", area_names={})
    with pytest.raises(InputError, match="整改清单不能导出为"):
        export_ledger(ledger, tmp_path / "a.csv")
    with pytest.raises(InputError, match="无法写入"):
        export_ledger(ledger, tmp_path / "missing" / "a.xlsx")


def test_a_sucai_entry_without_ledger_columns_is_unchanged():
    sucai = Sucai.from_list([{"id": "s01", "kind": "opinion", "text": "调研少"}])
    assert sucai.entries[0].recurs == "" and sucai.entries[0].owner == ""
    assert re.search("上年度", SENTENCES[RECUR_AGAIN])


# ---- rendering ----------------------------------------------------------------------------------------
def table_borders(png: Path) -> tuple[tuple[int, int], int]:
    """The page image's size, and how many vertical rules cross the table's header row (columns + 1)."""
    from PIL import Image

    image = Image.open(png).convert("L")
    width, height = image.size
    pixels = image.load()
    dark = lambda x, y: pixels[x, y] < 128  # noqa: E731
    rules = [y for y in range(height) if sum(dark(x, y) for x in range(width)) > width * 0.6]  # horizontal rules
    top = rules[0]
    bottom = next(y for y in rules if y > top + 5)  # the header row lies between the first two
    span = range(top + 2, bottom - 1)
    borders, inside = 0, False
    for x in range(width):
        rule = sum(dark(x, y) for y in span) >= len(span) * 0.9  # dark all the way down: a rule, not a stroke
        borders += rule and not inside
        inside = rule
    return (width, height), borders


@pytest.mark.slow
def test_libreoffice_renders_the_docx_ledger_landscape_with_its_columns(tmp_path):
    import os
    import shutil
    import subprocess

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice and shutil.which("pdftoppm") and shutil.which("pdftotext"), "需要 LibreOffice 和 poppler（scripts/setup.sh）"
    doc = parse((FIXTURES / "clean-2024-banzi.txt").read_text(encoding="utf-8"))
    source = export_ledger(ledger_from_text(doc), tmp_path / "ledger.docx")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    subprocess.run([soffice, "--headless", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(source)], check=True, env=env, capture_output=True, timeout=240)
    pdf = tmp_path / "ledger.pdf"
    subprocess.run(["pdftoppm", "-r", "80", "-png", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 2
    for png in pages:
        (width, height), borders = table_borders(png)
        assert width > height  # landscape
        assert borders == len(COLUMNS) + 1, borders  # every column drawn, on the first page and the next
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"], check=True,
                           capture_output=True, text=True).stdout
    second = subprocess.run(["pdftotext", "-layout", "-f", "2", "-l", "2", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout
    assert first.lstrip().startswith("附件") and "江川市市场监督管理局领导班子2024年度民主生活会整改清单" in re.sub(r"\s+", "", first)
    for text in (first, second):  # the header, in order, on every page
        header = next(line for line in text.split("\n") if "序号" in line)
        assert [w for w in re.split(r"\s+", header.strip())] == list(COLUMNS)
    assert re.search(r"—\s*1\s*—", first)


@pytest.mark.parametrize("content, words", [('{"map": {"problems": ["一是调研少"]}}', "格式不对"),
                                            ('{"map": {"problems": []}}', "没有问题"),
                                            ('[1, 2]', "没有“问题—原因—措施”对应关系")])
def test_a_json_without_a_usable_map_gets_a_chinese_message(tmp_path, content, words):
    path = tmp_path / "起草结果.json"
    path.write_text(content, encoding="utf-8")
    result = run("ledger", path, "-o", tmp_path / "a.xlsx")
    assert result.exit_code == 2 and words in result.output and not (tmp_path / "a.xlsx").exists()
