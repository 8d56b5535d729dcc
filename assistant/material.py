"""The one place that knows a material's parts, their order and their numbering.

A material is a dict of named sections: title, opening, the parts the notice requires (上年度整改, 案例剖析),
one section per area, causes and measures. Part headings (一、二、…) are added when the sections are
joined, numbered by which parts are present, so nobody renumbers by hand. The web chat edits these
sections; the whole-material drafting fills them and joins them here; `split` reads a pasted material back."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import PartRole, parse
from .notices import NoticeSpec
from .numbering import int_to_cn

PART_TITLES = {"rectification": "上年度民主生活会整改落实情况", "problems": "存在的主要问题",
               "case": "反面典型案例剖析", "causes": "产生问题的原因剖析", "measures": "下步整改措施"}
FIXED_LABELS = {"title": "标题", "opening": "开头", "rectification": "上年度整改落实", "case": "案例剖析",
                "causes": "原因剖析", "measures": "整改措施", "extra": "其他内容"}
ROLE_KEYS = {PartRole.RECTIFICATION: "rectification", PartRole.CASE: "case", PartRole.CAUSES: "causes",
             PartRole.MEASURES: "measures"}


def area_key(number: int) -> str:
    return f"area-{number}"


def area_of(key: str | None) -> int | None:
    return int(key[5:]) if key and key.startswith("area-") and key[5:].isdigit() else None


def section_keys(notice: NoticeSpec | None, sections: dict[str, str] | None = None) -> list[str]:
    """The sections in reading order: those the notice calls for, then any others the draft holds."""
    sections = sections or {}
    required = notice.required_parts if notice else []
    written_areas = [n for key in sections if (n := area_of(key))]
    count = max([len(notice.areas) if notice else 0, *written_areas], default=0)
    keys = ["title", "opening"]
    keys += ["rectification"] if "rectification" in required or sections.get("rectification") else []
    keys += [area_key(n) for n in range(1, count + 1)]
    keys += ["case"] if "case" in required or sections.get("case") else []
    keys += ["causes", "measures"] + (["extra"] if sections.get("extra") else [])
    return keys


def section_label(key: str, notice: NoticeSpec | None) -> str:
    number = area_of(key)
    if number is None:
        return FIXED_LABELS.get(key, key)
    title = notice.areas[number - 1].short if notice and number <= len(notice.areas) else ""
    return f"（{int_to_cn(number)}）{title or '方面'}"


@dataclass
class Span:
    key: str
    first: int  # 1-based line numbers in the joined text; first may be the part heading added on joining
    last: int
    body: int  # the line where the section's own text starts

    def line_in_section(self, line: int) -> int | None:
        return line - self.body + 1 if line >= self.body else None


def render(sections: dict[str, str], notice: NoticeSpec | None = None) -> tuple[str, list[Span]]:
    """The whole material as text, and which lines each section occupies (part headings go with the
    section that follows them)."""
    lines: list[str] = []
    spans: list[Span] = []
    part = 0

    def add(key: str, heading: str | None = None) -> None:
        nonlocal part
        body = (sections.get(key) or "").strip("\n")
        if not body and heading is None:
            return
        first = len(lines) + 1
        if heading:
            part += 1
            lines.append(f"{int_to_cn(part)}、{heading}")
        start = len(lines) + 1
        lines.extend(body.split("\n") if body else [])
        spans.append(Span(key, first, len(lines), start))

    keys = section_keys(notice, sections)
    areas = [key for key in keys if area_of(key) and sections.get(key, "").strip()]
    for key in keys:
        if key in ("title", "opening", "extra"):
            add(key)
        elif key in ("rectification", "case", "causes", "measures"):
            add(key, PART_TITLES[key] if sections.get(key, "").strip() else None)
        elif areas and key == areas[0]:
            add(key, PART_TITLES["problems"])
        else:
            add(key)
    return "\n".join(lines) + ("\n" if lines else ""), spans


def span_at(spans: list[Span], line: int | None) -> Span | None:
    if not line:
        return None
    return next((span for span in spans if span.first <= line <= span.last), None)


def split(text: str) -> dict[str, str]:
    """A whole material (pasted, or drafted in one go) back into sections, part headings dropped."""
    doc = parse(text.replace("\r\n", "\n"))
    sections: dict[str, str] = {}
    head = [line.plain for line in doc.head if line.plain]
    if head:
        sections["title"] = "\n".join(head)
    sections["opening"] = "\n".join(line.text for line in doc.opening).strip("\n")
    extra: list[str] = []
    for part in doc.parts:
        body = [line.text for line in part.lines[1:]]
        if part.role == PartRole.PROBLEMS and part.sections:
            intro = "\n".join(line.text for line in part.intro).strip()
            for section in part.sections:
                key = area_key(section.index)
                sections[key] = "\n".join(line.text for line in section.lines).strip("\n")
            if intro:
                first = area_key(part.sections[0].index)
                sections[first] = intro + "\n" + sections[first]
        elif part.role in ROLE_KEYS and ROLE_KEYS[part.role] not in sections:
            sections[ROLE_KEYS[part.role]] = "\n".join(body).strip("\n")
        else:
            extra += [part.heading_line.text, *body]
    if extra:
        sections["extra"] = "\n".join(extra).strip("\n")
    return {key: value for key, value in sections.items() if value.strip()}


def strip_heading(part_text: str) -> str:
    """Drop a leading 一、… part heading from a template part (the sections hold bodies only)."""
    return re.sub(r"^[一二三四五六七八九十]+、[^\n]*\n", "", part_text, count=1)


def renumber(lines: list[str], start: int) -> list[str]:
    """（一）（二）… from `start` on, for causes or measures appended to existing ones."""
    out = []
    for offset, line in enumerate(lines):
        out.append(re.sub(r"^[（(][一二三四五六七八九十]+[）)]", f"（{int_to_cn(start + offset)}）", line.strip()))
    return out
