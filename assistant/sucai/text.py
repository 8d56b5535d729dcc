"""素材 as text: pasted, or a .txt/.md, one entry a line.

Headings ("征求意见：", "【谈心谈话】", "## 查摆问题", "三、巡察反馈问题", "上年度整改台账") set the kind of the lines
under them until the next heading, a "事实：…" prefix the kind of its own line, and a line nothing speaks for is
classified by its wording. A trailing "（座谈会）" or "（来源：意见箱）" is where the line came from.
"""

from __future__ import annotations

import re

from .kinds import PROBLEM, classify, kind_for_title, status_of
from .model import Sucai

MARKER = re.compile(r"^(?:[-*•·●▪]\s*|\d{1,3}(?:[.．](?!\d)|[、)）])\s*|[（(](?:\d{1,3}|[一二三四五六七八九十]{1,3})[）)]\s*"
                    r"|[①-⑳]\s*|[一二三四五六七八九十]{1,3}、\s*)")
BRACKETED = re.compile(r"[【\[]([^】\]]{1,20})[】\]][:：]?")
PREFIX = re.compile(r"([^：:\d，。；]{2,8})[：:]\s*(.+)")
TRAILING = re.compile(r"\s*[（(]([^（）()]{1,24})[）)]\s*[。；;.]?$")
TITLE_END = re.compile(r"(?:汇总|清单|台账|情况|问题|意见|建议|反馈|要点|记录|事实|案例|数据|谈话|摘要|发现)$")
KEEP = "keep"  # a heading that leaves the kind in force as it is (a "一、政治建设方面" subheading, a # comment)


def _heading(line: str) -> str | None:
    """None when the line is content; else the kind the heading announces, "" for none, or KEEP."""
    if line.startswith("#"):
        return kind_for_title(line.lstrip("#").strip()) or KEEP
    bracketed = BRACKETED.fullmatch(line)
    if bracketed:
        return kind_for_title(bracketed.group(1)) or ""
    title = MARKER.sub("", line, count=1)
    numbered, colon = title != line, title.endswith((":", "："))
    title = title.rstrip(":：").strip()
    if not title or len(title) > 20 or re.search(r"\d|[，。；,;！？]", title):
        return None
    kind = kind_for_title(title)
    if colon:
        return kind or ""
    if kind and not PROBLEM.search(title) and (numbered and len(title) <= 12 or TITLE_END.search(title)):
        return kind
    return KEEP if numbered and title.endswith("方面") else None


def _split_trailing(text: str) -> tuple[str, str, str]:
    """The text without a trailing "（座谈会）" / "（来源：意见箱）" / "（针对：班子）", the source and the target."""
    match = TRAILING.search(text)
    if match is None:
        return text, "", ""
    note, rest = match.group(1).strip(), text[:match.start()].rstrip()
    labelled = re.match(r"(来源|针对)[:：]\s*(.+)", note)
    if labelled:
        return (rest, labelled.group(2), "") if labelled.group(1) == "来源" else (rest, "", labelled.group(2))
    if len(note) <= 12 and not re.search(r"\d", note):
        return rest, note, ""
    return text, "", ""


def strip_marker(text: str) -> str:
    for _ in range(2):
        text = MARKER.sub("", text, count=1).strip()
    return text


class TextReader:
    """Feeds lines into a Sucai, keeping the kind the last heading set."""

    def __init__(self, sucai: Sucai, source: str) -> None:
        self.sucai, self.source, self.kind = sucai, source, ""

    def feed(self, raw: str) -> None:
        line = raw.strip()
        if not line or line.startswith("//"):
            return
        heading = _heading(line)
        if heading is not None:
            self.kind = self.kind if heading == KEEP else heading
            return
        text, kind = strip_marker(line), ""
        prefixed = PREFIX.fullmatch(text)
        if prefixed and kind_for_title(prefixed.group(1)):
            kind, text = kind_for_title(prefixed.group(1)), prefixed.group(2)
        text, channel, target = _split_trailing(text)
        if text:
            kind = kind or self.kind or classify(text)
            self.sucai.add(kind, text, source="，".join(filter(None, [self.source, channel])), target=target,
                           status=status_of(text) if kind == "ledger" else "")


def parse_sucai_text(text: str, source: str = "粘贴的文字") -> Sucai:
    """Pasted text or a .txt/.md: one entry per line, near-duplicates merged."""
    sucai = Sucai()
    reader = TextReader(sucai, source)
    for line in text.splitlines():
        reader.feed(line)
    sucai.merge_duplicates()
    return sucai
