"""Word export following the GB/T 9704-2012 typography used for Party and government documents.

Page: A4, margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (type area 156 × 225 mm); fixed
line spacing of 28.95 pt gives the standard's 22 lines a page, with no space before or after paragraphs.
No document grid is written, because LibreOffice lays a Word character grid out badly (see
`_setup_page`); a body line therefore holds 27 characters of 16 pt rather than the grid's 28.
Title 2号 (22 pt) 方正小标宋简体 centred; the other head lines (职务 姓名, date) centred in 3号 仿宋_GB2312
(the body face; some units set 职务 姓名 in 楷体, which is a one-line change in `_write_head`).
Body 3号 仿宋_GB2312 justified with a first-line indent of two characters; 一、 headings 黑体;
（一） headings 楷体_GB2312, and when such a heading runs on into its first item the rest of the
paragraph is a second run in 仿宋. Page numbers "— N —" in 4号 宋体, odd pages right and even pages left,
each one character in from the edge of the type area.

Fonts. python-docx only sets the western font, so every run gets w:rFonts with w:ascii, w:hAnsi and
w:eastAsia all naming the same face, plus w:hint="eastAsia" so that characters of ambiguous width
(“ ” — ·) are also drawn with the Chinese face. FONTS lists, per role, the official face first and the
face Word should use in its place last. The official faces (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体) are
installed on most office machines but not on a plain Windows. Two designs serve both cases:

* default (`fallback=False`): runs name the official face, and the document's font table declares
  the other names of the list as w:altName with the GB2312 character set, so Word on a machine
  without the face substitutes the listed Chinese face instead of guessing;
* `fallback=True`: runs name the common Windows faces directly (FangSong, KaiTi, SimHei, SimSun), for
  drafts that will be opened on machines known to lack the official faces; what is seen is what prints.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt
from lxml import etree

from .document import Document, Line
from .errors import InputError
from .export_markdown import split_part_heading, split_section_heading
from .title_lines import title_lines

FONTS: dict[str, list[str]] = {
    "title": ["方正小标宋简体", "华文中宋", "宋体", "SimSun"],
    "body": ["仿宋_GB2312", "仿宋", "FangSong"],
    "part": ["黑体", "SimHei"],
    "section": ["楷体_GB2312", "楷体", "KaiTi"],
    "page": ["宋体", "SimSun"],
}
SIZES_PT = {"title": 22, "body": 16, "part": 16, "section": 16, "page": 14}
PAGE_MM = (210, 297)
MARGINS_MM = {"top": 37, "bottom": 35, "left": 28, "right": 26}
FOOTER_MM = 25  # puts the page number line about 7 mm below the type area
LINE_PITCH_TWIPS = 579  # 28.95 pt: 225 mm / 22 lines
INDENT_PT = 32  # two 3号 characters


def font_name(role: str, fallback: bool = False) -> str:
    names = FONTS[role]
    return names[-1] if fallback else names[0]


def _set_fonts(rpr, name: str) -> None:
    rfonts = rpr.get_or_add_rFonts()
    for attr in list(rfonts.attrib):
        if attr.endswith("Theme") or attr.endswith("theme"):
            del rfonts.attrib[attr]
    for attr in ("ascii", "hAnsi", "eastAsia"):
        rfonts.set(qn(f"w:{attr}"), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _run(paragraph, text: str, role: str, fallback: bool):
    run = paragraph.add_run(text)
    run.font.size = Pt(SIZES_PT[role])
    _set_fonts(run._r.get_or_add_rPr(), font_name(role, fallback))
    return run


def _paragraph(docx, align=WD_ALIGN_PARAGRAPH.JUSTIFY, indent: bool = True):
    paragraph = docx.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.alignment = align
    fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(INDENT_PT)
        # What Word writes for "2 characters"; readers that ignore it keep the 32 pt above.
        paragraph._p.pPr.ind.set(qn("w:firstLineChars"), "200")
    return paragraph


def _outline(paragraph, level: int) -> None:
    """Make a heading show in Word's navigation pane without a styled Heading paragraph."""
    paragraph.paragraph_format.keep_with_next = True
    paragraph._p.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{level}"/>'))


def _setup_page(docx) -> None:
    section = docx.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.bottom_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["bottom"])
    section.left_margin, section.right_margin = Mm(MARGINS_MM["left"]), Mm(MARGINS_MM["right"])
    section.footer_distance = Mm(FOOTER_MM)
    # No document grid: LibreOffice snaps a 22 pt title to two grid lines and, with a character grid,
    # spreads each 16 pt character over two cells. The exact line spacing alone gives 22 lines a page.
    grid = section._sectPr.find(qn("w:docGrid"))
    if grid is not None:
        section._sectPr.remove(grid)


def _setup_styles(docx, fallback: bool) -> None:
    """Document defaults and the Normal style: 仿宋 16 pt, exact 28.95 pt, Chinese language."""
    rpr = docx.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr, font_name("body", fallback))
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    for tag in ("w:sz", "w:szCs"):
        rpr.find(qn(tag)).set(qn("w:val"), str(SIZES_PT["body"] * 2))
    normal = docx.styles["Normal"]
    normal.font.size = Pt(SIZES_PT["body"])
    _set_fonts(normal.element.get_or_add_rPr(), font_name("body", fallback))
    fmt = normal.paragraph_format
    fmt.line_spacing = Pt(LINE_PITCH_TWIPS / 20)
    fmt.space_before = fmt.space_after = Pt(0)


def _setup_font_table(docx) -> None:
    """Declare each official face with its alternatives so Word substitutes a Chinese face."""
    part = next(p for p in docx.part.package.iter_parts() if str(p.partname) == "/word/fontTable.xml")
    table = parse_xml(part.blob)  # a plain package part: its XML is rewritten as bytes below
    for names in FONTS.values():
        if table.find(f"{qn('w:font')}[@{qn('w:name')}='{names[0]}']") is not None:
            continue
        table.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{names[0]}"><w:altName w:val="{",".join(names[1:])}"/>'
            f'<w:charset w:val="86"/><w:family w:val="auto"/><w:pitch w:val="variable"/></w:font>'
        ))
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number(paragraph, fallback: bool) -> None:
    """"— N —" with N a PAGE field."""
    _run(paragraph, "— ", "page", fallback)
    for kind in ("begin", "instr", "separate", "value", "end"):
        run = _run(paragraph, "1" if kind == "value" else "", "page", fallback)
        if kind == "instr":
            run._r.append(parse_xml(f'<w:instrText {nsdecls("w")} xml:space="preserve"> PAGE </w:instrText>'))
        elif kind != "value":
            run._r.append(parse_xml(f'<w:fldChar {nsdecls("w")} w:fldCharType="{kind}"/>'))
    _run(paragraph, " —", "page", fallback)


def _setup_footers(docx, fallback: bool) -> None:
    docx.settings.odd_and_even_pages_header_footer = True
    section = docx.sections[0]
    indent = Pt(SIZES_PT["page"])
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        fmt = paragraph.paragraph_format
        fmt.alignment = align
        fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(0), Pt(0)
        fmt.first_line_indent = Pt(0)
        if align == WD_ALIGN_PARAGRAPH.RIGHT:
            fmt.right_indent = indent
        else:
            fmt.left_indent = indent
        _page_number(paragraph, fallback)


def title_width() -> float:
    """How many 2号 characters fit on a line between the margins."""
    text_mm = PAGE_MM[0] - MARGINS_MM["left"] - MARGINS_MM["right"]
    return float(int(text_mm / (SIZES_PT["title"] * 25.4 / 72)))


def _write_head(docx, head: list[Line], fallback: bool) -> None:
    texts = [line.plain for line in head if line.plain]
    for index, text in enumerate(texts):
        paragraph = _paragraph(docx, WD_ALIGN_PARAGRAPH.CENTER, indent=False)
        if index:
            _run(paragraph, text, "body", fallback)
            continue
        first, *more = title_lines(text, title_width())  # a long title breaks where the sense allows
        run = _run(paragraph, first, "title", fallback)
        for line in more:
            run.add_break()
            run.add_text(line)
    if texts:
        _paragraph(docx, indent=False)  # one empty line between the head and the body


def _write_heading(docx, heading: str, rest: str, role: str, level: int, fallback: bool) -> None:
    paragraph = _paragraph(docx)
    _run(paragraph, heading, role, fallback)
    if rest:
        _run(paragraph, rest, "body", fallback)
    else:
        _outline(paragraph, level)


def _write_body(docx, lines: list[Line], fallback: bool) -> None:
    for line in lines:
        if line.plain:
            _run(_paragraph(docx), line.plain, "body", fallback)


def official_docx(title: str, fallback: bool = False):
    """An empty document in the official format: A4 page and margins, styles, fonts and page numbers; no
    author, no stray paragraph."""
    docx = new_docx()
    docx.core_properties.title = title
    docx.core_properties.author = docx.core_properties.last_modified_by = ""
    docx.core_properties.created = docx.core_properties.modified = datetime.now(timezone.utc).replace(tzinfo=None)
    docx.core_properties.revision = 1
    body = docx.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _setup_page(docx)
    _setup_styles(docx, fallback)
    _setup_font_table(docx)
    _setup_footers(docx, fallback)
    return docx


def build_docx(doc: Document, *, fallback: bool = False):
    """The draft as a python-docx Document, ready to save."""
    docx = official_docx(doc.title, fallback)
    _write_head(docx, doc.head, fallback)
    _write_body(docx, doc.opening, fallback)
    for part in doc.parts:
        _write_heading(docx, *split_part_heading(part), "part", 0, fallback)
        _write_body(docx, part.intro, fallback)
        for section in part.sections:
            _write_heading(docx, *split_section_heading(section), "section", 1, fallback)
            _write_body(docx, section.lines[1:], fallback)
    return docx


def export_docx(doc: Document, path: str | Path, *, fallback: bool = False) -> Path:
    """Write the draft as a Word document and return its path."""
    path = Path(path)
    try:
        build_docx(doc, fallback=fallback).save(str(path))
    except PermissionError as exc:
        raise InputError(f"无法写入“{path}”：没有权限或文件正被占用", hint="如果该文件已在 Word 中打开，请先关闭后重试") from exc
    except OSError as exc:
        raise InputError(f"无法写入“{path}”：{exc.strerror or exc}", hint="请检查目录是否存在以及是否有写入权限") from exc
    return path
