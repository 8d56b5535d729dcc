"""Notices as data: the year's theme, its ordered review areas and the parts it requires.

Presets live in knowledge/notices/*.yaml; a pasted notice text becomes a NoticeSpec through
`notice_parser.parse_notice_text`. Area headings in a draft are matched to notice titles by how much of
the title's wording they contain, so "（一）带头深刻感悟"两个确立"的决定性意义，坚持……方面" matches its area.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import NoticeError

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's safe loader when built in: same data, faster

PUNCTUATION = re.compile(r"[\s“”\"'‘’「」『』《》〈〉（）()【】\[\]，,。．.、；;：:！!？?—\-…·]")
WRAPPERS = re.compile(r"^(?:在|关于)|方面$|等?方面的?问题$")
MATCH_THRESHOLD = 0.6
PASTE_HINT = ("请粘贴本单位收到的通知原文：命令行用 --notice 通知原文.txt（保存为文本文件），"
              "网页在右侧“通知”中选“粘贴通知原文”后粘贴并点“识别通知中的方面”")


def normalize_title(text: str) -> str:
    """Wording only: no punctuation or quotes, no leading 在 or trailing 方面."""
    text = PUNCTUATION.sub("", text)
    for _ in range(2):
        text = WRAPPERS.sub("", text)
    return text


def _bigrams(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} if len(text) > 1 else {text}


def containment(title: str, heading: str) -> float:
    """Share of the title's character bigrams that the heading contains (1.0 = all of them)."""
    title_grams = _bigrams(normalize_title(title))
    heading_grams = _bigrams(normalize_title(heading))
    if not title_grams or not heading_grams:
        return 0.0
    return len(title_grams & heading_grams) / len(title_grams)


@dataclass
class NoticeArea:
    index: int  # 1-based, the notice's order
    title: str
    short: str = ""
    variants: list[str] = field(default_factory=list)
    verified: bool = False
    sources: list[int] = field(default_factory=list)  # 1-based positions in NoticeSpec.sources

    def match_score(self, heading: str) -> float:
        candidates = [self.title, *self.variants] + ([self.short] if len(self.short) >= 4 else [])
        return max(containment(candidate, heading) for candidate in candidates)


@dataclass
class NoticeSpec:
    id: str
    label: str
    theme: str
    areas: list[NoticeArea]
    year: int | None = None
    required_parts: list[str] = field(default_factory=list)  # PartRole values beyond the three basic parts
    campaign: list[str] = field(default_factory=list)  # the year's 学习教育 words, e.g. 党纪学习教育
    verified: bool = False
    source: str = "preset"  # "preset" or "pasted"
    sources: list[dict] = field(default_factory=list)  # public pages used to check the preset: {title, url}
    counts: list[int] = field(default_factory=list)  # area counts the year's notices are reported with, if several
    warnings: list[str] = field(default_factory=list)  # what the parser of a pasted notice could not settle

    @property
    def accepted_counts(self) -> list[int]:
        return sorted(set(self.counts) | {len(self.areas)})

    def wording(self) -> tuple[str, ...]:
        """The notice's own words every material quotes (the theme, each area's title and its variants): the
        雷同 check leaves them out (similarity.compare's `exempt`)."""
        return tuple(text for text in (self.theme, *(t for a in self.areas for t in (a.title, *a.variants))) if text)

    def match_area(self, heading: str) -> tuple[NoticeArea | None, float]:
        """The best-matching area for a draft heading, or None below the threshold."""
        best, best_score = None, 0.0
        for area in self.areas:
            score = area.match_score(heading)
            if score > best_score:
                best, best_score = area, score
        return (best, best_score) if best_score >= MATCH_THRESHOLD else (None, best_score)

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "label": self.label,
            "year": self.year,
            "theme": self.theme,
            "verified": self.verified,
            "required_parts": self.required_parts,
            "counts": self.accepted_counts,
            "areas": [{"index": a.index, "title": a.title, "short": a.short, "verified": a.verified,
                       "sources": a.sources} for a in self.areas],
            "sources": self.sources,
            "warnings": self.warnings,
        }


def spec_from_dict(data: dict, *, source: str = "preset") -> NoticeSpec:
    areas = [
        NoticeArea(
            index=i + 1,
            title=str(area["title"]),
            short=str(area.get("short", "")),
            variants=[str(v) for v in area.get("variants", [])],
            verified=bool(area.get("verified", False)),
            sources=[int(n) for n in area.get("sources", [])],
        )
        for i, area in enumerate(data.get("areas", []))
    ]
    return NoticeSpec(
        id=str(data["id"]),
        label=str(data.get("label", data["id"])),
        theme=str(data.get("theme", "")),
        areas=areas,
        year=data.get("year"),
        required_parts=list(data.get("required_parts", [])),
        campaign=list(data.get("campaign", [])),
        verified=bool(data.get("verified", False)),
        source=source,
        sources=[{"title": str(s["title"]), "url": str(s["url"])} for s in data.get("sources") or []],
        counts=[int(n) for n in data.get("counts") or []],
    )


class NoticeLibrary:
    """The preset notices in one folder, loaded on first use."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._specs: dict[str, NoticeSpec] | None = None

    def _load(self) -> dict[str, NoticeSpec]:
        if self._specs is None:
            specs = {}
            for path in sorted(self.folder.glob("*.yaml")):
                data = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
                spec = spec_from_dict(data)
                specs[spec.id] = spec
            self._specs = specs
        return self._specs

    def ids(self) -> list[str]:
        return list(self._load())

    def all(self) -> list[NoticeSpec]:
        return list(self._load().values())

    def get(self, notice_id: str) -> NoticeSpec:
        specs = self._load()
        key = str(notice_id).strip().removesuffix("年度").removesuffix("年")
        if key in specs:
            return specs[key]
        known = "、".join(specs)
        years = [spec.year for spec in specs.values() if spec.year]
        if key.isdigit() and years and int(key) > max(years):
            raise NoticeError(f"{key}年度的通知还没有收录为预设：通知原文公开前，各方面的表述无法核实",
                              hint=PASTE_HINT)
        raise NoticeError(f"没有编号为“{notice_id}”的通知预设", hint=f"可用的预设有：{known}；{PASTE_HINT}")

    def guess(self, text: str) -> NoticeSpec | None:
        """The preset whose areas a draft's headings match best (used when no --notice is given)."""
        from .document import parse

        headings = [section.title for section in parse(text).areas]
        if not headings:
            return None
        best, best_hits = None, 0
        for spec in self.all():
            hits = sum(1 for heading in headings if spec.match_area(heading)[0] is not None)
            if hits > best_hits:
                best, best_hits = spec, hits
        return best if best_hits >= max(1, len(headings) // 2) else None
