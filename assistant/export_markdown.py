"""Markdown export, and the heading split shared with the Word export.

The Markdown keeps the draft's text exactly, one paragraph per non-blank line: the title becomes
"# …", a 一、 heading "## 一、…" and a （一） heading "### （一）…". A heading that carries run-on text
("（一）……方面。一是……") stays one paragraph with only its title in bold, so parsing the Markdown again
gives the same parts, sections and plain texts as the draft.
"""

from __future__ import annotations

import re
from pathlib import Path

from .document import PART_HEADING, Document, Part, Section
from .errors import InputError

# Punctuation that closes a heading title and is set with it.
HEADING_END = "。：:！？；;，,."


def _split(plain: str, rest: str, title: str) -> tuple[str, str]:
    """Cut `plain` after its heading title (and the punctuation closing it); `rest` is a suffix of `plain`."""
    cut = len(plain) - len(rest) + len(title)
    if 0 < cut < len(plain) and plain[cut] in HEADING_END:
        cut += 1
    return plain[:cut], plain[cut:]


def split_section_heading(section: Section) -> tuple[str, str]:
    """（一） heading line -> ("（一）title。", run-on text or "")."""
    plain = section.heading_line.plain
    rest = section.heading_rest
    if not plain.endswith(rest):
        return plain, ""
    return _split(plain, rest, section.title)


def split_part_heading(part: Part) -> tuple[str, str]:
    """一、 heading line -> ("一、title", run-on text or ""); the title ends at the first 。 or ：."""
    plain = part.heading_line.plain
    match = PART_HEADING.match(plain)
    if not match:
        return plain, ""
    rest = match.group("rest")
    title = re.split(r"[。：:]", rest, maxsplit=1)[0]
    return _split(plain, rest, title)


def _heading_block(level: str, heading: str, rest: str) -> str:
    if not rest:
        return f"{level} {heading}"
    # Bold only the title, then the punctuation outside the markers, so CommonMark closes the emphasis.
    title = heading.rstrip(HEADING_END)
    return f"**{title}**{heading[len(title):]}{rest}"


def to_markdown(doc: Document) -> str:
    """The draft as Markdown text (UTF-8, "\\n" line endings, ending with a newline)."""
    blocks: list[str] = []
    head = [line.plain for line in doc.head if line.plain]
    if head:
        # Title as "# …"; further head lines (职务 姓名, date) on consecutive lines with hard breaks.
        blocks.append("\n".join([f"# {head[0]}", *(f"{text}  " for text in head[1:])]).rstrip())
    blocks.extend(line.plain for line in doc.opening if line.plain)
    for part in doc.parts:
        blocks.append(_heading_block("##", *split_part_heading(part)))
        blocks.extend(line.plain for line in part.intro if line.plain)
        for section in part.sections:
            blocks.append(_heading_block("###", *split_section_heading(section)))
            blocks.extend(line.plain for line in section.lines[1:] if line.plain)
    return "\n\n".join(blocks) + "\n"


def export_markdown(doc: Document, path: str | Path) -> Path:
    """Write the draft as a Markdown file and return its path."""
    path = Path(path)
    try:
        path.write_text(to_markdown(doc), encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"无法写入“{path}”：{exc.strerror or exc}", hint="请检查目录是否存在以及是否有写入权限") from exc
    return path
