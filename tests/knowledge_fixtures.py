"""Small knowledge banks, notices and input files for the knowledge-base tests (written under tmp paths)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from assistant.config import PROJECT_ROOT

PROBLEMS = [
    {"id": "problem-2024-1-01", "area_theme": "political-discipline", "years": [2024], "area_titles": ["2024:1"],
     "kinds": ["banzi"], "headline": "请示报告制度执行不够严格",
     "text": "请示报告制度执行不够严格。班子对重大事项请示报告的范围把握不准，有的事项先办后报、边办边报，"
             "对请示报告的严肃性认识不足。",
     "example": "比如，〔待补：时间〕〔待补：事项〕未按规定事前请示。", "causes": ["discipline", "party-spirit"]},
    {"id": "problem-2024-2-01", "area_theme": "eight-rules", "years": [2024, 2025], "area_titles": ["2024:2", "2025:2"],
     "kinds": ["banzi", "geren"], "headline": "落实中央八项规定精神在细节上有松懈",
     "text": "落实中央八项规定精神在细节上有松懈。对公务接待、公车使用等日常管理抓得不够细，对享乐主义、"
             "奢靡之风的隐形变异问题警惕性不高。",
     "example": "比如，〔待补：时间〕的公务接待超出标准。", "causes": ["discipline"]},
    {"id": "problem-2023-1-01", "area_theme": "theory-study", "years": [2023], "area_titles": ["2023:1"],
     "kinds": ["banzi"], "headline": "理论学习的系统性和深入性不够",
     "text": "理论学习的系统性和深入性不够。理论学习中心组学习有时满足于读文件、听辅导，围绕专题深入研讨不够，"
             "学用结合不紧密。",
     "example": "比如，〔待补：时间〕的中心组学习以传达文件为主。", "causes": ["theory"]},
    {"id": "problem-2023-5-01", "area_theme": "work-style", "years": [2023, "basic"], "area_titles": ["2023:5", "basic:5"],
     "kinds": ["geren"], "headline": "调查研究不够深入",
     "text": "调查研究不够深入。我到基层调研多是听汇报、看材料，与群众面对面交流少，对群众急难愁盼问题掌握不够。",
     "example": "比如，〔待补：时间〕到〔待补：地点〕调研只停留半天。", "causes": ["people", "responsibility"]},
    {"id": "problem-basic-6-01", "area_theme": "governance", "years": ["basic"], "area_titles": ["basic:6"],
     "kinds": ["banzi"], "headline": "管党治党主体责任压力传导不够",
     "text": "管党治党主体责任压力传导不够。班子对全面从严治党研究部署多、督促检查少，“一岗双责”落实不到位，"
             "存在上热中温下冷现象。",
     "example": "比如，〔待补：数字〕个基层党组织未按期换届。", "causes": ["governance"]},
]
CAUSES = [
    {"id": "cause-theory-01", "dimension": "theory", "kinds": ["banzi"], "title": "理论武装不够深入，学用脱节",
     "text": "班子对用党的创新理论武装头脑的极端重要性认识还不到位，理论学习满足于会上传达、集中领学，学用脱节。"},
    {"id": "cause-discipline-01", "dimension": "discipline", "kinds": ["banzi", "geren"], "title": "纪律规矩意识有所松懈",
     "text": "对严守纪律规矩的极端重要性认识不足，认为小事小节无伤大雅，对中央八项规定精神的要求执行不严。"},
    {"id": "cause-governance-01", "dimension": "governance", "kinds": ["banzi"], "title": "主体责任意识不强，重业务轻党建",
     "text": "班子对抓好党建是最大的政绩认识还不到位，把主要精力放在业务工作上，管党治党失之于宽、失之于软。"},
]
MEASURES = [
    {"id": "measure-theory-01", "dimension": "theory", "answers": ["cause-theory-01"], "kinds": ["banzi"],
     "title": "健全中心组学习制度，推动学用结合",
     "text": "严格落实第一议题制度，每〔待补：频次〕组织一次理论学习中心组集体学习，班子成员联系分管工作谈问题、提思路。",
     "frequency": "每月一次", "deadline": "长期坚持", "owner": "党委书记"},
    {"id": "measure-discipline-01", "dimension": "discipline", "answers": ["cause-discipline-01"], "kinds": ["banzi"],
     "title": "严格执行中央八项规定精神",
     "text": "对照中央八项规定精神逐项检查公务接待、公车使用、办公用房情况，每〔待补：频次〕通报一次。"},
]

USER_FILES = {
    "学习体会-2023.txt": "关于加强理论学习的体会\n\n一是要把学习党的创新理论作为首要政治任务。"
                        "要坚持读原著、学原文、悟原理，做到学思用贯通。二是要把调查研究作为基本功，到基层一线解剖麻雀。",
    "廉政笔记.md": "# 廉政笔记\n\n## 一、公务用车\n公务用车管理要严格登记审批，杜绝公车私用。"
                 "发现问题及时纠正，定期通报检查结果。\n\n## 二、办公用房\n办公用房面积要按标准核定，超标的立即整改。",
}


def write_banks(folder: Path, problems=PROBLEMS, causes=CAUSES, measures=MEASURES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, entries in (("problems.yaml", problems), ("causes.yaml", causes), ("measures.yaml", measures)):
        (folder / name).write_text(yaml.safe_dump(entries, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def write_knowledge(root: Path) -> Path:
    """A knowledge folder like the project's: small banks plus the real notices."""
    write_banks(root / "banks")
    shutil.copytree(PROJECT_ROOT / "knowledge" / "notices", root / "notices", dirs_exist_ok=True)
    return root


def write_user_files(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in USER_FILES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def make_docx(path: Path, paragraphs: list[str]) -> Path:
    from docx import Document

    document = Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    document.save(str(path))
    return path


def make_text_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF with a real text layer (a CJK Type0 font, Identity-H: the text is UTF-16BE in the content)."""
    from pypdf import PdfWriter
    from pypdf.generic import (ArrayObject, DecodedStreamObject, DictionaryObject, NameObject, NumberObject,
                               TextStringObject)

    def name(value: str) -> NameObject:
        return NameObject(value)

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    system = DictionaryObject({name("/Registry"): TextStringObject("Adobe"), name("/Ordering"): TextStringObject("GB1"),
                               name("/Supplement"): NumberObject(2)})
    cid_font = DictionaryObject({name("/Type"): name("/Font"), name("/Subtype"): name("/CIDFontType0"),
                                 name("/BaseFont"): name("/STSong-Light"), name("/CIDSystemInfo"): system})
    font = DictionaryObject({name("/Type"): name("/Font"), name("/Subtype"): name("/Type0"),
                             name("/BaseFont"): name("/STSong-Light"), name("/Encoding"): name("/Identity-H"),
                             name("/DescendantFonts"): ArrayObject([writer._add_object(cid_font)])})
    page[name("/Resources")] = DictionaryObject({name("/Font"): DictionaryObject({name("/F1"): writer._add_object(font)})})
    operations = ["BT", "/F1 12 Tf", "14 TL", "72 780 Td"]
    operations += [f"<{line.encode('utf-16-be').hex()}> Tj T*" for line in lines]
    operations.append("ET")
    stream = DecodedStreamObject()
    stream.set_data("\n".join(operations).encode("ascii"))
    page[name("/Contents")] = writer._add_object(stream)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A PDF whose page has no text layer, as a scanner produces (here simply a blank page)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path
