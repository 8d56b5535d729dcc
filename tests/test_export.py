"""Word and Markdown export: GB/T 9704 typography checked in the saved XML, nothing lost, round trips."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document as open_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt

from assistant.document import parse
from assistant.errors import InputError
from assistant.export import FONTS, export, export_docx, export_markdown, to_markdown
from assistant.title_lines import title_lines, width
from tests.conftest import SAMPLE


TEAM = """\
某县市场监督管理局领导班子2024年度民主生活会对照检查材料

　　根据《关于认真开好2024年度县以上党和国家机关党员领导干部民主生活会的通知》要求，局领导班子会前集中学习研讨4次，征求意见建议26条，开展谈心谈话38人次，对照4个方面进行了认真检视。现将对照检查情况报告如下：

## 一、存在的主要问题
（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面
　　一是贯彻落实上级决策部署不够及时。比如，2024年3月部署的食品安全专项整治，班子研究推进滞后半个月。二是请示报告制度执行不够严格。
**（二）在带头增强党性、严守纪律、砥砺作风方面。**一是调查研究不够深入，全年到基层所调研12次，解剖麻雀少。二是文风会风仍有改进空间。
二、产生问题的原因剖析
（一）理论武装不够深入。学习党的创新理论满足于读原文、记笔记，联系实际思考不够。
（二）党性修养有所放松。
对照党章党规检视自身不够经常，批评和自我批评辣味不足。

三、下步整改措施
（一）强化理论武装。坚持第一议题制度，每月开展一次专题研讨，2025年6月底前完成。
（二）压实主体责任：班子成员每季度到分管领域调研不少于2次，建立问题清单、整改台账，逐项销号。
"""

INDIVIDUAL = """\
县市场监督管理局局长2024年度民主生活会个人对照检查材料
局长 张某某
（2025年1月10日）
按照局党组关于召开2024年度民主生活会的工作方案，本人认真学习规定篇目，广泛征求意见，深入开展谈心谈话。现将个人对照检查情况报告如下。
一、存在的主要问题
（一）在带头严守政治纪律和政治规矩方面。一是政治敏锐性不够强。二是请示报告不够及时。
二、产生问题的原因剖析
（一）理论学习不够系统。
三、下步整改措施
（一）加强理论学习。每周自学不少于5小时。
"""

DRAFTS = {"team": TEAM, "individual": INDIVIDUAL, "sample": None}


def draft(name: str):
    if DRAFTS[name] is not None:
        return parse(DRAFTS[name])
    return parse(SAMPLE.read_text(encoding="utf-8"))


@pytest.fixture(params=sorted(DRAFTS))
def named(request):
    return request.param, draft(request.param)


def saved(doc, tmp_path: Path, name: str = "out.docx", **options):
    path = export_docx(doc, tmp_path / name, **options)
    return open_docx(str(path))


def fonts(run) -> dict[str, str]:
    rfonts = run._r.rPr.rFonts
    return {key: rfonts.get(qn(f"w:{key}")) for key in ("ascii", "hAnsi", "eastAsia", "hint")}


def paragraph_starting(docx, prefix: str):
    return next(p for p in docx.paragraphs if p.text.startswith(prefix))


def assert_body_format(paragraph, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert abs(fmt.line_spacing.pt - 28.95) < 0.01
    assert fmt.space_before == Pt(0) and fmt.space_after == Pt(0)
    if indent:
        assert fmt.first_line_indent == Pt(32)


# ---- Word: page and typography ----------------------------------------------------------------------
def test_page_is_a4_with_gb_margins(tmp_path):
    section = saved(draft("team"), tmp_path).sections[0]
    expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "left_margin": 28, "bottom_margin": 35, "right_margin": 26}
    for name, mm in expected.items():
        assert abs(getattr(section, name).mm - mm) <= 0.1, name


def test_title_is_22pt_xiaobiaosong_centred(tmp_path):
    doc = draft("team")
    title = saved(doc, tmp_path).paragraphs[0]
    assert title.text == "某县市场监督管理局领导班子\n2024年度民主生活会对照检查材料"  # broken after the unit
    assert title.text.replace("\n", "") == doc.title
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert title.paragraph_format.first_line_indent is None
    (run,) = title.runs
    assert run.font.size == Pt(22)
    assert fonts(run) == {"ascii": "方正小标宋简体", "hAnsi": "方正小标宋简体", "eastAsia": "方正小标宋简体", "hint": "eastAsia"}


@pytest.mark.parametrize("title,lines", [
    ("江川市市场监督管理局领导班子2024年度民主生活会对照检查材料", ["江川市市场监督管理局领导班子", "2024年度民主生活会对照检查材料"]),
    ("江川市市场监督管理局副局长2025年度民主生活会个人对照检查材料", ["江川市市场监督管理局副局长", "2025年度民主生活会个人对照检查材料"]),
    ("江川市市场监督管理局党组书记、局长2023年主题教育专题民主生活会个人对照检查材料",
     ["江川市市场监督管理局党组书记、局长", "2023年主题教育", "专题民主生活会个人对照检查材料"]),
    ("县委办公室领导班子民主生活会对照检查材料", ["县委办公室领导班子民主生活会对照检查材料"]),
    ("中共江川市江湾区市场监督管理局领导班子专题民主生活会对照检查材料", ["中共江川市江湾区市场监督管理局领导班子", "专题民主生活会对照检查材料"]),
])
def test_long_titles_break_where_the_sense_allows(title, lines):
    assert title_lines(title, 20) == lines
    assert all(width(line) <= 20 for line in lines)


def test_a_title_without_break_points_is_split_near_the_middle_outside_words():
    lines = title_lines("关于加强和改进新形势下机关党的建设若干问题的调研报告材料汇编", 20)
    assert "".join(lines) == "关于加强和改进新形势下机关党的建设若干问题的调研报告材料汇编"
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 1


def test_body_is_16pt_fangsong_indented_exact_spacing(tmp_path):
    docx = saved(draft("team"), tmp_path)
    paragraph = paragraph_starting(docx, "根据《关于认真开好")
    assert paragraph.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY
    assert_body_format(paragraph)
    (run,) = paragraph.runs
    assert run.font.size == Pt(16)
    assert fonts(run)["eastAsia"] == "仿宋_GB2312" and fonts(run)["ascii"] == "仿宋_GB2312"


def test_part_heading_is_heiti_and_section_heading_kaiti(tmp_path):
    docx = saved(draft("team"), tmp_path)
    part = paragraph_starting(docx, "一、存在的主要问题")
    assert part.text == "一、存在的主要问题"  # "## " stripped
    assert [fonts(run)["eastAsia"] for run in part.runs] == ["黑体"]
    assert part.runs[0].font.size == Pt(16)
    assert_body_format(part)
    section = paragraph_starting(docx, "（一）在带头严守政治纪律")
    assert [fonts(run)["eastAsia"] for run in section.runs] == ["楷体_GB2312"]
    assert section.runs[0].font.size == Pt(16)
    assert_body_format(section)


def test_run_on_section_heading_splits_into_kaiti_title_and_fangsong_rest(tmp_path):
    docx = saved(draft("team"), tmp_path)
    paragraph = paragraph_starting(docx, "（二）在带头增强党性")
    heading, rest = paragraph.runs
    assert heading.text == "（二）在带头增强党性、严守纪律、砥砺作风方面。"
    assert rest.text.startswith("一是调查研究不够深入") and "**" not in paragraph.text
    assert fonts(heading)["eastAsia"] == "楷体_GB2312"
    assert fonts(rest)["eastAsia"] == "仿宋_GB2312"
    assert heading.font.size == rest.font.size == Pt(16)
    colon = paragraph_starting(docx, "（二）压实主体责任")
    assert [run.text for run in colon.runs][0] == "（二）压实主体责任："


def test_run_on_part_heading_splits_into_heiti_title_and_fangsong_rest(tmp_path):
    doc = parse("某局领导班子对照检查材料\n一、存在的主要问题。经认真查摆，主要有以下几个方面。\n（一）理论学习方面\n一是学习不深。")
    paragraph = paragraph_starting(saved(doc, tmp_path), "一、")
    assert [(run.text, fonts(run)["eastAsia"]) for run in paragraph.runs] == [
        ("一、存在的主要问题。", "黑体"),
        ("经认真查摆，主要有以下几个方面。", "仿宋_GB2312"),
    ]
    assert to_markdown(doc).split("\n\n")[1] == "**一、存在的主要问题**。经认真查摆，主要有以下几个方面。"


def test_sample_run_on_headings(tmp_path):
    doc = draft("sample")
    docx = saved(doc, tmp_path)
    for section in doc.areas:
        paragraph = paragraph_starting(docx, section.heading_line.plain[:12])
        heading, rest = paragraph.runs
        assert heading.text == f"（{section.number}）{section.title}。"
        assert fonts(heading)["eastAsia"] == "楷体_GB2312" and fonts(rest)["eastAsia"] == "仿宋_GB2312"
        assert paragraph.text == section.heading_line.plain


def test_individual_head_lines_centred_fangsong(tmp_path):
    docx = saved(draft("individual"), tmp_path)
    texts = [p.text.replace("\n", "") for p in docx.paragraphs[:4]]
    assert texts == ["县市场监督管理局局长2024年度民主生活会个人对照检查材料", "局长 张某某", "（2025年1月10日）", ""]
    for paragraph in docx.paragraphs[1:3]:
        assert paragraph.alignment == WD_ALIGN_PARAGRAPH.CENTER
        assert fonts(paragraph.runs[0])["eastAsia"] == "仿宋_GB2312" and paragraph.runs[0].font.size == Pt(16)
        assert_body_format(paragraph, indent=False)


def test_document_defaults_and_normal_style(tmp_path):
    docx = saved(draft("team"), tmp_path)
    normal = docx.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    defaults = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.find(qn("w:rFonts")).get(qn("w:eastAsiaTheme")) is None
    assert defaults.find(qn("w:lang")).get(qn("w:eastAsia")) == "zh-CN"
    assert docx.core_properties.title == draft("team").title and docx.core_properties.author == ""


def test_every_run_names_an_east_asian_font(named, tmp_path):
    _, doc = named
    docx = saved(doc, tmp_path)
    primaries = {names[0] for names in FONTS.values()}
    for paragraph in docx.paragraphs:
        for run in paragraph.runs:
            assert fonts(run)["eastAsia"] in primaries and fonts(run)["hint"] == "eastAsia"


def test_footer_page_numbers_odd_right_even_left(tmp_path):
    docx = saved(draft("sample"), tmp_path)
    section = docx.sections[0]
    assert docx.settings.odd_and_even_pages_header_footer is True
    assert docx.settings.element.find(qn("w:evenAndOddHeaders")) is not None
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        (paragraph,) = footer.paragraphs
        xml = paragraph._p.xml
        assert 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        instr = "".join(node.text for node in paragraph._p.iter(qn("w:instrText")))
        assert instr.strip() == "PAGE"
        assert re.fullmatch(r"— \d —", paragraph.text)
        assert paragraph.alignment == align
        assert all(run.font.size == Pt(14) and fonts(run)["eastAsia"] == "宋体" for run in paragraph.runs)
    assert section.footer.paragraphs[0].paragraph_format.right_indent == Pt(14)
    assert section.even_page_footer.paragraphs[0].paragraph_format.left_indent == Pt(14)


def test_nothing_lost_and_blank_lines_skipped(named, tmp_path):
    _, doc = named
    docx = saved(doc, tmp_path)
    expected = [line.plain for line in doc.lines if line.plain]
    written = [p.text.replace("\n", "") for p in docx.paragraphs if p.text]  # a long title is broken into lines
    assert written == expected
    assert not any(mark in text for text in written for mark in ("**", "## "))


def test_fallback_writes_common_windows_fonts(tmp_path):
    docx = saved(draft("team"), tmp_path, fallback=True)
    assert fonts(docx.paragraphs[0].runs[0])["eastAsia"] == "SimSun"
    assert fonts(paragraph_starting(docx, "根据").runs[0])["eastAsia"] == "FangSong"
    assert fonts(paragraph_starting(docx, "一、存在").runs[0])["eastAsia"] == "SimHei"
    heading, rest = paragraph_starting(docx, "（二）在带头增强党性").runs
    assert (fonts(heading)["eastAsia"], fonts(rest)["eastAsia"]) == ("KaiTi", "FangSong")


def test_font_table_declares_alternatives(tmp_path):
    docx = saved(draft("team"), tmp_path)
    part = next(p for p in docx.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = part.blob.decode("utf-8")
    assert re.search(r'w:name="仿宋_GB2312"><w:altName w:val="仿宋,FangSong"/><w:charset w:val="86"/>', table)
    assert 'w:name="方正小标宋简体"' in table and 'w:name="楷体_GB2312"' in table


# ---- Markdown ---------------------------------------------------------------------------------------
def test_markdown_round_trip(named):
    _, doc = named
    again = parse(to_markdown(doc))
    assert [part.role for part in again.parts] == [part.role for part in doc.parts]
    assert [len(part.sections) for part in again.parts] == [len(part.sections) for part in doc.parts]
    assert [line.plain for line in again.head if line.plain] == [line.plain for line in doc.head if line.plain]
    assert [line.plain for line in again.lines if line.plain] == [line.plain for line in doc.lines if line.plain]
    assert [s.title for p in again.parts for s in p.sections] == [s.title for p in doc.parts for s in p.sections]


def test_markdown_shapes(tmp_path):
    path = export_markdown(draft("team"), tmp_path / "team.md")
    text = path.read_text(encoding="utf-8")
    blocks = text.rstrip("\n").split("\n\n")
    assert blocks[0] == "# 某县市场监督管理局领导班子2024年度民主生活会对照检查材料"
    assert "## 一、存在的主要问题" in blocks and "## 三、下步整改措施" in blocks
    assert "### （一）在带头严守政治纪律和政治规矩，维护党的团结统一方面" in blocks
    assert "### （二）党性修养有所放松。" in blocks
    assert "**（二）在带头增强党性、严守纪律、砥砺作风方面**。一是调查研究不够深入，全年到基层所调研12次，解剖麻雀少。二是文风会风仍有改进空间。" in blocks
    assert "\n\n\n" not in text and "　" not in text


def test_markdown_individual_head_keeps_lines():
    text = to_markdown(draft("individual"))
    assert text.startswith("# 县市场监督管理局局长2024年度民主生活会个人对照检查材料\n局长 张某某  \n（2025年1月10日）\n\n按照")


# ---- dispatch and errors ----------------------------------------------------------------------------
def test_export_chooses_by_suffix(tmp_path):
    doc = draft("team")
    assert export(doc, tmp_path / "a.DOCX").read_bytes()[:2] == b"PK"
    assert export(doc, tmp_path / "a.md").read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("name", ["a.pdf", "a.doc", "a.txt", "noext"])
def test_bad_suffix_raises_input_error(tmp_path, name):
    with pytest.raises(InputError) as excinfo:
        export(draft("team"), tmp_path / name)
    assert "不支持导出" in str(excinfo.value) and ".docx" in str(excinfo.value)
    assert not (tmp_path / name).exists()


def test_unwritable_path_raises_input_error(tmp_path):
    with pytest.raises(InputError, match="无法写入"):
        export(draft("team"), tmp_path / "missing" / "a.docx")
    with pytest.raises(InputError, match="无法写入"):
        export(draft("team"), tmp_path / "missing" / "a.md")


# ---- rendering ----------------------------------------------------------------------------------------
@pytest.mark.slow
def test_libreoffice_renders_pdf_with_title_and_page_numbers(tmp_path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None, "未安装 LibreOffice（soffice）：bash scripts/setup.sh 会安装 libreoffice-writer-nogui"
    assert shutil.which("pdftotext"), "未安装 poppler（pdftotext）：bash scripts/setup.sh 会安装 poppler-utils"
    doc = draft("sample")
    source = export_docx(doc, tmp_path / "sample.docx")
    team = export_docx(draft("team"), tmp_path / "team.docx")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    profile = (tmp_path / "lo-profile").as_uri()
    subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={profile}", "--convert-to", "pdf", "--outdir", str(tmp_path),
         str(source), str(team)],
        check=True, env=env, capture_output=True, timeout=240,
    )
    pdf = tmp_path / "sample.pdf"
    assert pdf.exists() and pdf.stat().st_size > 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert re.sub(r"\s+", "", doc.title) in squeezed
    assert re.search(r"—\s*1\s*—", text) and re.search(r"—\s*2\s*—", text)
    # the long title is rendered on two lines, broken after the unit
    team_text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "team.pdf"), "-"], check=True, capture_output=True,
                               text=True).stdout
    head = [re.sub(r"\s+", "", line) for line in team_text.splitlines() if line.strip()][:2]
    assert head == ["某县市场监督管理局领导班子", "2024年度民主生活会对照检查材料"], head
