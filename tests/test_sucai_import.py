"""Importing 素材: kinds, sources with sheet and row, merged duplicates and cells, encodings and errors."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assistant.errors import InputError
from assistant.sucai import Entry
from assistant.sucai.importers import classify, parse_sucai_text, read_sucai, sucai_from_facts

SUCAI = Path(__file__).parent / "fixtures" / "sucai"

FINDINGS = [
    "班子成员到基层调研多是听汇报、看材料，深入施工一线和群众家中少",
    "落实全面从严治党主体责任有差距，压力传导层层递减",
    "对群众反映的问题回应不及时",
    "重部署轻落实，有的工作满足于开会发文",
    "农村公路养护资金拨付滞后",
    "班子成员全年到基层调研仅3次，次数偏少",
    "以案促改走过场，对本系统典型案例剖析不深",
    "执法检查搞“一刀切”，对小微货运企业指导服务不足",
    "个别干部遇到矛盾推诿扯皮",
    "执行中央八项规定精神有松懈现象",
    "存在“文山会海”问题",
    "批评与自我批评没有真正开展起来",
]
FACTS = [
    "集中学习研讨6次，征求意见建议42条，谈心谈话36人次",
    "2024年受理群众投诉2316件，其中46件超期办结",
    "2024年完成农村公路提质改造126公里",
    "全年没有发生较大以上安全生产事故",
    "办理行政执法案件1286件",
    "查处交通违法行为3.2万起",
    "全县家庭医生签约服务覆盖率达到72.5%",
    "局机关共有在职干部职工58人",
    "组织开展警示教育，观看警示教育片2次",
    "班子共查摆问题5个方面18条",
    "征求意见建议42条，其中反映调研不够深入的11条",
]
CASES = [
    "县公路管理段原副段长违纪违法被立案审查",
    "某乡镇卫生院原院长违规套取医保基金，被开除党籍",
    "市纪委通报的3起违反中央八项规定精神典型案例",
    "县交通运输局原工作人员违规收受礼金，受到党内警告处分",
]
LEDGERS = [
    "上年度查摆的8个问题已完成整改7个",
    "“办事难”问题已销号",
    "上一年度民主生活会整改的执法作风问题仍在持续推进",
]


@pytest.mark.parametrize("line", FINDINGS)
def test_problem_lines_read_as_findings(line):
    assert classify(line) == "finding"


@pytest.mark.parametrize("line", FACTS)
def test_figures_and_events_read_as_facts(line):
    assert classify(line) == "fact"


@pytest.mark.parametrize("line", CASES)
def test_disciplinary_cases_read_as_cases(line):
    assert classify(line) == "case"


@pytest.mark.parametrize("line", LEDGERS)
def test_last_years_rectification_reads_as_ledger(line):
    assert classify(line) == "ledger"


def test_pasted_text_headings_prefixes_markers_and_sources():
    text = """// 内部备注，不是素材
征求意见：
- 窗口服务态度生硬，群众办事“脸难看”（来源：意见箱）
* 对基层反映的问题解决不及时（针对：班子）
3、农村客运班线开行不稳定（座谈会）
## 谈心谈话
（1）班子成员之间批评多是点到为止
① 分管领导对下属干部思想动态掌握不及时
【查摆问题】
1. 调研多是听汇报、看材料
事实：2024年完成农村公路提质改造126公里
三、巡察反馈问题
• 工程款支付审核把关不严
上年度整改台账
审批时限长的问题基本完成整改
二、服务群众方面
“最后一公里”问题整改持续推进
案例：县公路管理段原副段长违规收受礼金被立案审查
"""
    sucai = parse_sucai_text(text)
    got = [(entry.kind, entry.text) for entry in sucai.entries]
    assert got == [
        ("opinion", "窗口服务态度生硬，群众办事“脸难看”"),
        ("opinion", "对基层反映的问题解决不及时"),
        ("opinion", "农村客运班线开行不稳定"),
        ("talk", "班子成员之间批评多是点到为止"),
        ("talk", "分管领导对下属干部思想动态掌握不及时"),
        ("finding", "调研多是听汇报、看材料"),
        ("fact", "2024年完成农村公路提质改造126公里"),
        ("feedback", "工程款支付审核把关不严"),
        ("ledger", "审批时限长的问题基本完成整改"),
        ("ledger", "“最后一公里”问题整改持续推进"),
        ("case", "县公路管理段原副段长违规收受礼金被立案审查"),
    ]
    opinions = sucai.of_kind("opinion")
    assert opinions[0].source == "粘贴的文字，意见箱"
    assert opinions[1].target == "班子" and opinions[1].source == "粘贴的文字"
    assert opinions[2].source == "粘贴的文字，座谈会"
    assert [entry.status for entry in sucai.of_kind("ledger")] == ["基本完成", "持续推进"]


def test_pasted_text_without_headings_is_classified_and_repeats_merged():
    sucai = parse_sucai_text("2024年受理群众投诉2316件\n"
                             "班子成员到基层调研不够深入\n"
                             "班子成员到基层调研还不够深入\n", source="会前素材")
    assert [entry.kind for entry in sucai.entries] == ["fact", "finding"]
    assert sucai.entries[1].count == 2
    assert sucai.entries[0].source == "会前素材"


def test_alike_lines_with_different_figures_are_not_merged():
    sucai = parse_sucai_text("2023年受理群众投诉2100件，其中31件超期办结\n2024年受理群众投诉2316件，其中46件超期办结\n"
                             "班子成员全年到基层调研仅3次\n班子成员全年到基层调研只有3次\n")
    assert sucai.fact_lines() == ["2023年受理群众投诉2100件，其中31件超期办结", "2024年受理群众投诉2316件，其中46件超期办结",
                                  "班子成员全年到基层调研仅3次"]
    assert sucai.entries[2].count == 2


def test_opinion_sheet_kinds_sources_and_merged_duplicates():
    sucai = read_sucai(SUCAI / "征求意见汇总.xlsx")
    assert {entry.kind for entry in sucai.entries} == {"opinion"}  # from the title row, not the wording
    assert len(sucai) == 9  # ten opinions, one blank row, two saying the same thing
    first = sucai.entries[0]
    assert first.text.startswith("班子成员到基层调研多是听汇报")
    assert first.count == 2 and len(first.merged) == 1
    assert first.source == "征求意见汇总.xlsx 第3行，座谈会、征求意见汇总.xlsx 第8行，问卷调查"
    assert first.target == "班子"
    assert "3人次" not in first.provenance() and "2人次提出" in first.provenance()


def test_merged_source_cell_is_carried_to_every_row_it_spans():
    sucai = read_sucai(SUCAI / "征求意见汇总.xlsx")
    by_start = {entry.text[:6]: entry for entry in sucai.entries}
    assert by_start["农村公路“建"].source == "征求意见汇总.xlsx 第4行，座谈会"
    assert by_start["行政审批窗口"].source == "征求意见汇总.xlsx 第5行，座谈会"
    assert by_start["行政审批窗口"].target == "分管副局长"
    assert by_start["对上级决策部"].source == "征求意见汇总.xlsx 第7行，意见箱"  # row 6 is blank


def test_ledger_sheet_statuses_measures_and_dates_as_text():
    sucai = read_sucai(SUCAI / "台账.xlsx")
    assert [entry.kind for entry in sucai.entries] == ["ledger"] * 5
    assert [entry.is_open for entry in sucai.entries] == [False, False, False, True, True]
    first, third = sucai.entries[0], sucai.entries[2]
    assert first.measure.startswith("建立班子成员联系乡镇交通站制度")
    assert first.status == "已完成（完成时限：2024年6月30日）"  # a date cell
    assert third.status == "已完成（完成时限：2024年5月底）"  # a date typed as text
    assert first.source == "台账.xlsx 第3行"


def _book(path: Path, sheets: dict[str, list[list]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_header_found_by_name_in_any_column_order_and_bad_sheets_skipped(tmp_path):
    path = _book(tmp_path / "会前素材.xlsx", {
        "巡察反馈": [
            ["县卫生健康局巡察反馈问题清单"],
            [],
            ["针对", "问题来源", "反馈问题", "序号"],
            ["班子", "县委第三巡察组", "落实“三重一大”决策制度不严格", 1],
            ["分管副局长", "", "医疗设备采购项目论证不充分", 2],
        ],
        "填表说明": [["填表人", "填表日期"], ["办公室", dt.datetime(2024, 12, 20)]],
        "Sheet3": [],
    })
    sucai = read_sucai(path)
    assert [(entry.kind, entry.text, entry.target) for entry in sucai.entries] == [
        ("feedback", "落实“三重一大”决策制度不严格", "班子"),
        ("feedback", "医疗设备采购项目论证不充分", "分管副局长"),
    ]
    assert sucai.entries[0].source == "会前素材.xlsx 巡察反馈 第4行，县委第三巡察组"
    assert sucai.entries[1].source == "会前素材.xlsx 巡察反馈 第5行"
    assert len(sucai.warnings) == 1
    assert "填表说明" in sucai.warnings[0] and "填表人、填表日期" in sucai.warnings[0]


def test_kind_column_wins_and_rows_without_a_kind_are_classified(tmp_path):
    path = _book(tmp_path / "素材.xlsx", {"Sheet1": [
        ["类别", "内容"],
        ["谈心谈话", "班子成员之间相互提醒多、当面批评少"],
        ["征求意见", "窗口办事“一次性告知”落实不到位"],
        ["", "2024年受理群众投诉2316件"],
        ["", "对基层反映的困难回应不及时"],
    ]})
    sucai = read_sucai(path)
    assert [entry.kind for entry in sucai.entries] == ["talk", "opinion", "fact", "finding"]
    assert sucai.entries[2].source == "素材.xlsx 第4行"  # one sheet: no sheet name


def test_row_with_content_but_unreadable_cells_is_kept(tmp_path):
    path = _book(tmp_path / "征求意见.xlsx", {"Sheet1": [
        ["序号", "意见建议内容", "来源", "收集日期"],
        [1, "基层交通站所填表报数负担重", "#REF!", 1e12],
        [2, "", "座谈会", None],
    ]})
    book = load_workbook(path)
    book.active["D2"].number_format = "yyyy-mm-dd"  # a date no calendar holds
    book.save(path)
    sucai = read_sucai(path)
    assert [(entry.kind, entry.text, entry.source) for entry in sucai.entries] == [
        ("opinion", "基层交通站所填表报数负担重", "征求意见.xlsx 第2行")]


def test_problem_merged_over_two_rows_is_one_entry_with_both_measures(tmp_path):
    path = _book(tmp_path / "整改.xlsx", {"Sheet1": [
        ["问题", "整改措施", "完成情况"],
        ["窗口服务效率不高", "推行“一窗受理”", "已完成"],
        [None, "公开办理时限", "未完成"],
        ["执法简单化", "开展执法作风专项整治", "已完成"],
    ]})
    book = load_workbook(path)
    book.active.merge_cells("A2:A3")
    book.save(path)
    sucai = read_sucai(path)
    assert [(entry.kind, entry.text, entry.measure, entry.status) for entry in sucai.entries] == [
        ("ledger", "窗口服务效率不高", "推行“一窗受理”；公开办理时限", "已完成；未完成"),
        ("ledger", "执法简单化", "开展执法作风专项整治", "已完成"),
    ]
    assert sucai.entries[0].is_open
    assert Entry(id="s09", kind="ledger", text="审批慢", status="未完成整改").is_open


def test_docx_paragraphs_and_table_with_merged_cell():
    sucai = read_sucai(SUCAI / "查摆问题.docx")
    kinds = [(entry.kind, entry.text[:8]) for entry in sucai.entries]
    assert kinds == [
        ("finding", "学习贯彻党的创新"),
        ("finding", "落实意识形态工作"),
        ("finding", "基层医疗机构服务"),
        ("fact", "2024年全县家"),
        ("talk", "班子成员之间相互"),
        ("talk", "对分管科室干部思"),
        ("talk", "公立医院医疗服务"),
        ("case", "某乡镇卫生院原院"),
    ]
    talks = sucai.of_kind("talk")
    assert [entry.source for entry in talks] == [
        "查摆问题.docx 表1 第2行，个别谈话", "查摆问题.docx 表1 第3行，个别谈话", "查摆问题.docx 表1 第4行，集体谈话"]
    assert sucai.entries[0].source == "查摆问题.docx"


def test_gbk_text_with_section_headings():
    sucai = read_sucai(SUCAI / "素材-gbk.txt")
    assert [entry.kind for entry in sucai.entries] == [
        "opinion", "opinion", "talk", "talk", "feedback", "feedback", "ledger", "ledger", "fact", "fact", "case"]
    assert sucai.entries[0].text == "行政执法“一刀切”，对小型货运经营户处罚多、指导少"
    assert sucai.entries[0].source == "素材-gbk.txt，座谈会"
    assert sucai.entries[1].source == "素材-gbk.txt，意见箱"
    assert [entry.is_open for entry in sucai.of_kind("ledger")] == [False, True]
    assert "集中学习研讨6次，征求意见建议42条，谈心谈话36人次" in sucai.fact_lines()


def _error(path: Path, **kwargs) -> InputError:
    with pytest.raises(InputError) as caught:
        read_sucai(path, **kwargs)
    return caught.value


def test_corrupt_workbook_is_a_chinese_error_naming_the_file():
    error = _error(SUCAI / "损坏.xlsx")
    assert "“损坏.xlsx”不是有效的 Excel 文件" in error.message and "另存为 .xlsx" in error.hint


def test_old_xls_renamed_and_damaged_xml_are_reported(tmp_path):
    renamed = tmp_path / "意见汇总.xlsx"
    renamed.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2000)
    assert "旧版 Excel（.xls）" in _error(renamed).message

    damaged = tmp_path / "台账.xlsx"
    with zipfile.ZipFile(SUCAI / "台账.xlsx") as source, zipfile.ZipFile(damaged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[: len(data) // 2] if item.filename.endswith("sheet1.xml") else data)
    assert "“台账.xlsx”不是有效的 Excel 文件" in _error(damaged).message

    docx = tmp_path / "查摆问题.docx"
    with zipfile.ZipFile(SUCAI / "查摆问题.docx") as source, zipfile.ZipFile(docx, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            target.writestr(item, data[:300] if item.filename == "word/document.xml" else data)
    assert "查摆问题.docx" in _error(docx).message


def test_empty_missing_unknown_and_oversized_files(tmp_path):
    empty = tmp_path / "征求意见.txt"
    empty.write_bytes(b"")
    assert "“征求意见.txt”是空文件" in _error(empty).message

    assert "找不到素材文件" in _error(tmp_path / "没有这个文件.xlsx").message

    pdf = tmp_path / "巡察反馈.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    error = _error(pdf)
    assert "巡察反馈.pdf" in error.message and ".xlsx" in error.hint

    xls = tmp_path / "台账.xls"
    xls.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "旧版 Excel" in _error(xls).message

    big = tmp_path / "台账.xlsx"
    shutil.copy(SUCAI / "台账.xlsx", big)
    assert "过大" in _error(big, max_bytes=1000).message

    blank = tmp_path / "素材.md"
    blank.write_text("# 征求意见\n\n// 待补\n", encoding="utf-8")
    assert "“素材.md”中没有读到内容" in _error(blank).message


def test_sheet_without_content_column_lists_headers_and_names_understood(tmp_path):
    path = _book(tmp_path / "名单.xlsx", {"Sheet1": [["序号", "姓名", "职务"], [1, "某某", "科员"]]})
    error = _error(path)
    assert "“名单.xlsx”的工作表“Sheet1”中找不到内容列" in error.message
    assert "序号、姓名、职务" in error.message
    assert "意见建议内容" in error.hint and "来源" in error.hint


def test_facts_form_keeps_figures_and_turns_problem_lines_into_findings():
    sucai = sucai_from_facts([
        "- 2024年受理群众投诉2316件，其中46件超期办结",
        "集中学习研讨6次，征求意见建议42条",
        "班子成员到基层调研次数偏少",
        "# 注释",
        "",
        "上年度整改的8个问题已完成整改7个",
    ])
    assert [(entry.kind, entry.text) for entry in sucai.entries] == [
        ("fact", "2024年受理群众投诉2316件，其中46件超期办结"),
        ("fact", "集中学习研讨6次，征求意见建议42条"),
        ("finding", "班子成员到基层调研次数偏少"),
        ("ledger", "上年度整改的8个问题已完成整改7个"),
    ]
    assert sucai.entries[3].status == "已完成"
    assert sucai.fact_lines() == ["2024年受理群众投诉2316件，其中46件超期办结", "集中学习研讨6次，征求意见建议42条"]
