"""The draft as a tree: title, opening, parts, sections (areas, causes, measures) and items.

The tree keeps the drafter's own lines. Rendering joins them back with the original line ending, so
`render(parse(text)) == text` holds byte for byte, and replacing one section's lines leaves every other
line untouched. Items (一是/二是…) and examples (比如/例如…) are views computed from a section's text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

from . import numbering

MARKDOWN_PREFIX = re.compile(r"^\s*(?:#{1,6}\s*|>\s*|[-*+]\s+(?=[（(一二三四五六七八九十\d]))?")
EMPHASIS = re.compile(r"\*\*|__")
PART_HEADING = re.compile(rf"^(?P<num>[{numbering.CN_DIGITS}]{{1,3}})\s*[、．.，,]\s*(?P<rest>.*)$")
SECTION_HEADING = re.compile(rf"^(?P<open>[（(])\s*(?P<num>[{numbering.CN_DIGITS}]{{1,3}})\s*(?P<close>[）)])\s*(?P<rest>.*)$")
ITEM_MARKER = re.compile(rf"(?P<num>[{numbering.CN_DIGITS}]{{1,3}})是(?=[在对上中于要还有从不存一\w“「（(：:，,])")
EXAMPLE_MARKER = re.compile(r"(?:比如|例如|譬如|突出表现在|具体表现在|典型的是|如在|像在)")
SENTENCE_END = re.compile(r"(?<=[。！？；!?])")
INDIVIDUAL_DATE = re.compile(r"^[（(]\s*\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*[）)]$")
HEADING_MAX_CHARS = 40
AREA_END = re.compile(r"方面(?=[，,；;]|$)")


class PartRole(str, Enum):
    PREPARATION = "preparation"  # 会前准备情况
    RECTIFICATION = "rectification"  # 上年度整改落实情况
    PROBLEMS = "problems"  # 存在的主要问题
    CASE = "case"  # 反面典型案例剖析
    CAUSES = "causes"  # 产生问题的原因剖析
    MEASURES = "measures"  # 下步整改措施 / 努力方向
    OTHER = "other"


ROLE_LABELS = {
    PartRole.PREPARATION: "会前准备情况",
    PartRole.RECTIFICATION: "上年度整改落实情况",
    PartRole.PROBLEMS: "存在的主要问题",
    PartRole.CASE: "反面典型案例剖析",
    PartRole.CAUSES: "产生问题的原因剖析",
    PartRole.MEASURES: "下步整改措施",
    PartRole.OTHER: "其他",
}

# Checked in this order: "上年度整改落实情况" names 整改 and "原因剖析" names 问题.
ROLE_KEYWORDS: list[tuple[PartRole, tuple[str, ...]]] = [
    (PartRole.RECTIFICATION, ("上年度", "上一年度", "整改落实情况", "整改情况", "整改落实")),
    (PartRole.CASE, ("案例", "典型")),
    (PartRole.CAUSES, ("原因", "根源", "根子")),
    (PartRole.MEASURES, ("措施", "努力方向", "整改方向", "下步", "下一步", "今后")),
    (PartRole.PREPARATION, ("会前准备", "准备情况", "准备工作")),
    (PartRole.PROBLEMS, ("问题", "不足", "差距", "检视", "查摆")),
]


def strip_markup(text: str) -> str:
    """The text a reader sees: no Markdown heading marks or emphasis, no surrounding blanks."""
    return EMPHASIS.sub("", MARKDOWN_PREFIX.sub("", text)).strip().replace("\u3000", " ").strip()


def role_of(title: str) -> PartRole:
    for role, words in ROLE_KEYWORDS:
        if any(word in title for word in words):
            return role
    return PartRole.OTHER


@dataclass
class Line:
    no: int  # 1-based line number in the parsed text
    text: str

    @cached_property
    def plain(self) -> str:
        return strip_markup(self.text)


@dataclass
class Example:
    line: int
    text: str


@dataclass
class Item:
    """One 一是/二是 item inside a section; its text may run on over several lines."""

    number: str
    line: int
    segments: list[tuple[int, str]] = field(default_factory=list)  # (line number, text) in order

    @property
    def text(self) -> str:
        return "\n".join(text for _, text in self.segments)

    @property
    def examples(self) -> list[Example]:
        return [
            Example(line=no, text=sentence.strip())
            for no, text in self.segments
            for sentence in SENTENCE_END.split(text)
            if EXAMPLE_MARKER.search(sentence)
        ]

    @property
    def headline(self) -> str:
        """The item's first clause or sentence: what the problem is, before the evidence."""
        return re.split(r"[。！？；]", self.text, maxsplit=1)[0]


@dataclass
class Section:
    """A （一）… block: an area under 问题, a cause under 原因, a measure under 措施."""

    number: str
    heading_line: Line
    lines: list[Line]  # heading line first, then its body lines
    marker: str = "（）"  # the brackets as written, "（）" or "()"

    @property
    def index(self) -> int:
        return numbering.cn_to_int(self.number)

    @property
    def heading_rest(self) -> str:
        match = SECTION_HEADING.match(self.heading_line.plain)
        return match.group("rest") if match else self.heading_line.plain

    @property
    def title(self) -> str:
        """The heading's first sentence, cut after a closing 方面, so run-on text is left out."""
        head = re.split(r"[。：:！？]", self.heading_rest, maxsplit=1)[0]
        area_end = AREA_END.search(head)
        return head[: area_end.end()] if area_end else head

    @property
    def body(self) -> str:
        """All of the section's text after the title, run-on heading text included."""
        rest = self.heading_rest[len(self.title):].lstrip("。：:，, ")
        tail = [line.plain for line in self.lines[1:] if line.plain]
        return "\n".join([rest, *tail]) if rest else "\n".join(tail)

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines if line.plain)

    @property
    def items(self) -> list[Item]:
        return find_items(self.lines)


@dataclass
class Part:
    number: str
    heading_line: Line
    role: PartRole
    intro: list[Line] = field(default_factory=list)  # lines before its first section
    sections: list[Section] = field(default_factory=list)

    @property
    def title(self) -> str:
        match = PART_HEADING.match(self.heading_line.plain)
        return match.group("rest").strip() if match else self.heading_line.plain

    @property
    def index(self) -> int:
        return numbering.cn_to_int(self.number)

    @property
    def lines(self) -> list[Line]:
        out = [self.heading_line, *self.intro]
        for section in self.sections:
            out.extend(section.lines)
        return out

    @property
    def text(self) -> str:
        return "\n".join(line.plain for line in self.lines if line.plain)

    @property
    def items(self) -> list[Item]:
        """Items written directly in the part when it has no （一） sections."""
        return [item for section in self.sections for item in section.items] or find_items(self.intro)


@dataclass
class Document:
    head: list[Line]  # title, 职务 姓名, date: the lines before the opening paragraph
    opening: list[Line]  # everything between the head and the first part heading
    parts: list[Part]
    newline: str = "\n"
    trailing_newline: bool = False

    # ---- views -------------------------------------------------------------------------------------
    @property
    def lines(self) -> list[Line]:
        out = [*self.head, *self.opening]
        for part in self.parts:
            out.extend(part.lines)
        return out

    @property
    def title(self) -> str:
        for line in self.head:
            if line.plain:
                return line.plain
        return ""

    @property
    def opening_text(self) -> str:
        return "\n".join(line.plain for line in self.opening if line.plain)

    @property
    def plain_text(self) -> str:
        return "\n".join(line.plain for line in self.lines)

    def part(self, role: PartRole) -> Part | None:
        return next((part for part in self.parts if part.role == role), None)

    @property
    def areas(self) -> list[Section]:
        problems = self.part(PartRole.PROBLEMS)
        return problems.sections if problems else []

    def line_text(self, no: int) -> str:
        for line in self.lines:
            if line.no == no:
                return line.text
        return ""

    # ---- rendering and editing ---------------------------------------------------------------------
    def render(self) -> str:
        text = self.newline.join(line.text for line in self.lines)
        return text + self.newline if self.trailing_newline else text

    def replace_section(self, role: PartRole, number: int, new_text: str) -> "Document":
        """A new document with one section's lines replaced; every other line stays as it was."""
        rendered_before: list[str] = []
        rendered_after: list[str] = []
        target = None
        for part in self.parts:
            if part.role == role:
                target = next((s for s in part.sections if s.index == number), None)
        if target is None:
            raise KeyError(f"{ROLE_LABELS[role]}中没有第{numbering.int_to_cn(number)}节")
        first, last = target.lines[0].no, target.lines[-1].no
        for line in self.lines:
            if line.no < first:
                rendered_before.append(line.text)
            elif line.no > last:
                rendered_after.append(line.text)
        new_lines = new_text.replace("\r\n", "\n").split("\n")
        text = self.newline.join([*rendered_before, *new_lines, *rendered_after])
        return parse(text + (self.newline if self.trailing_newline else ""))


def find_items(lines: list[Line]) -> list[Item]:
    """Split text into 一是/二是… items; each keeps the line its marker stands on."""
    items: list[Item] = []
    for line in lines:
        plain = line.plain
        starts = list(ITEM_MARKER.finditer(plain))
        if not starts:
            if items and plain:
                items[-1].segments.append((line.no, plain))
            continue
        for match, following in zip(starts, [*starts[1:], None]):
            end = following.start() if following else len(plain)
            segment = (line.no, plain[match.start():end].strip())
            items.append(Item(number=match.group("num"), line=line.no, segments=[segment]))
    return items


# ---- parsing -------------------------------------------------------------------------------------------
def parse(text: str) -> Document:
    """Parse a draft into its tree. Never fails: unknown shapes land in the opening or a part's intro."""
    newline = "\r\n" if "\r\n" in text else "\n"
    body = text.replace("\r\n", "\n") if newline == "\r\n" else text
    trailing = body.endswith("\n")
    raw_lines = (body[:-1] if trailing else body).split("\n")
    lines = [Line(no=i + 1, text=raw) for i, raw in enumerate(raw_lines)]

    head, rest = _split_head(lines)
    opening: list[Line] = []
    parts: list[Part] = []
    for line in rest:
        part_match = _part_heading(line)
        if part_match is not None:
            number, title = part_match
            parts.append(Part(number=number, heading_line=line, role=role_of(title)))
            continue
        section_match = SECTION_HEADING.match(line.plain)
        if parts and section_match:
            marker = section_match.group("open") + section_match.group("close")
            parts[-1].sections.append(
                Section(number=section_match.group("num"), heading_line=line, lines=[line], marker=marker)
            )
            continue
        if not parts:
            opening.append(line)
        elif parts[-1].sections:
            parts[-1].sections[-1].lines.append(line)
        else:
            parts[-1].intro.append(line)
    return Document(head=head, opening=opening, parts=parts, newline=newline, trailing_newline=trailing)


def _part_heading(line: Line) -> tuple[str, str] | None:
    """A 一、… heading line: short, or naming one of the known parts."""
    match = PART_HEADING.match(line.plain)
    if not match:
        return None
    rest = match.group("rest").strip()
    if not rest or ITEM_MARKER.match(line.plain):
        return None
    title = re.split(r"[。：:]", rest, maxsplit=1)[0]
    if len(title) <= HEADING_MAX_CHARS and (len(rest) <= HEADING_MAX_CHARS or role_of(title) != PartRole.OTHER):
        return match.group("num"), title
    return None


def _split_head(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """Title and, for an individual material, the 职务 姓名 and date lines."""
    index = 0
    while index < len(lines) and not lines[index].plain:
        index += 1
    if index >= len(lines):
        return lines, []
    first = lines[index].plain
    is_title = (
        len(first) <= 60
        and not PART_HEADING.match(first)
        and not SECTION_HEADING.match(first)
        and not first.endswith(("。", "：", ":"))
    )
    if not is_title:
        return lines[:index], lines[index:]
    end = index + 1
    # Up to three short lines after the title: 职务 姓名, a date in brackets, a subtitle.
    while end < len(lines) and end <= index + 3:
        candidate = lines[end].plain
        if not candidate:
            end += 1
            continue
        if INDIVIDUAL_DATE.match(candidate) or (len(candidate) <= 24 and not candidate.endswith("。") and not PART_HEADING.match(candidate)):
            end += 1
            continue
        break
    # Never swallow the opening paragraph's first line.
    while end > index + 1 and lines[end - 1].plain and len(lines[end - 1].plain) > 24 and not INDIVIDUAL_DATE.match(lines[end - 1].plain):
        end -= 1
    return lines[:end], lines[end:]
