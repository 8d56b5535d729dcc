"""Rubric machinery: findings, the check context, the rule registry and the report."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from enum import Enum

from ..config import Settings
from ..document import Document, Line, Section
from ..notices import NoticeArea, NoticeSpec

EXCERPT_CHARS = 40


class Severity(str, Enum):
    BLOCKER = "blocker"  # must be fixed before the material is used or exported
    MAJOR = "major"  # a reviewer would send it back for this
    MINOR = "minor"  # polish

    @property
    def label(self) -> str:
        return {"blocker": "必须修改", "major": "重要", "minor": "提示"}[self.value]


@dataclass
class Finding:
    rule: str
    severity: Severity
    message: str
    suggestion: str
    line: int | None = None
    excerpt: str = ""

    def to_dict(self) -> dict:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


@dataclass
class AreaMatch:
    section: Section
    area: NoticeArea | None
    score: float


@dataclass
class CheckContext:
    doc: Document
    kind: str  # "banzi" or "geren"
    settings: Settings
    notice: NoticeSpec | None = None
    others: list[tuple[str, str]] = field(default_factory=list)  # (label, text) of other units' materials
    measures: dict[str, float] = field(default_factory=dict)  # figures rules report in the summary
    _area_matches: list[AreaMatch] | None = field(default=None, repr=False)

    @property
    def lines(self) -> list[Line]:
        return self.doc.lines

    @property
    def area_matches(self) -> list[AreaMatch]:
        """Each problem-part section with the notice area it matches (None when no notice or no match)."""
        if self._area_matches is None:
            matches = []
            for section in self.doc.areas:
                area, score = self.notice.match_area(section.title) if self.notice else (None, 0.0)
                matches.append(AreaMatch(section, area, score))
            self._area_matches = matches
        return self._area_matches

    def finding(self, rule_id: str, severity: Severity, message: str, suggestion: str,
                line: Line | int | None = None, excerpt: str = "") -> Finding:
        line_no = line.no if isinstance(line, Line) else line
        if not excerpt and isinstance(line, Line):
            excerpt = line.plain
        return Finding(rule_id, severity, message, suggestion, line_no, shorten(excerpt))


def shorten(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def excerpt_around(text: str, start: int, end: int, pad: int = 12) -> str:
    """A short window of `text` around a match, with ellipses where it was cut."""
    left = max(0, start - pad)
    right = min(len(text), end + pad)
    return ("…" if left else "") + text[left:right] + ("…" if right < len(text) else "")


RuleFn = Callable[[CheckContext], Iterable[Finding]]
RULES: dict[str, RuleFn] = {}


def rule(rule_id: str) -> Callable[[RuleFn], RuleFn]:
    def register(fn: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"duplicate rubric rule id {rule_id}")
        RULES[rule_id] = fn
        fn.rule_id = rule_id  # type: ignore[attr-defined]
        return fn

    return register


GEREN_VOICE = re.compile(r"我|本人")
BANZI_VOICE = re.compile(r"班子")


def detect_kind(doc: Document) -> str:
    """Individual when the title says 个人 or the text speaks as 我/本人 more than of 班子."""
    if "个人" in doc.title:
        return "geren"
    if "班子" in doc.title:
        return "banzi"
    text = doc.plain_text
    return "geren" if len(GEREN_VOICE.findall(text)) > len(BANZI_VOICE.findall(text)) else "banzi"


@dataclass
class Report:
    kind: str
    notice: NoticeSpec | None
    areas: list[AreaMatch]
    findings: list[Finding]
    measures: dict[str, float] = field(default_factory=dict)  # e.g. shared_share from the similarity rule

    @property
    def summary(self) -> dict[str, int]:
        counts = {severity.value: 0 for severity in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def has_blockers(self) -> bool:
        return self.summary["blocker"] > 0

    def to_dict(self) -> dict:
        return {
            "notice": self.notice.id if self.notice else None,
            "kind": self.kind,
            "areas": [
                {
                    "index": match.section.index,
                    "title": match.section.title,
                    "matched": match.area.title if match.area else None,
                    "items": len(match.section.items),
                    "examples": sum(len(item.examples) for item in match.section.items),
                }
                for match in self.areas
            ],
            "findings": [finding.to_dict() for finding in self.findings],
            "summary": {**self.summary, **self.measures},
        }


SEVERITY_ORDER = {Severity.BLOCKER: 0, Severity.MAJOR: 1, Severity.MINOR: 2}


def run_rubric(doc: Document, *, settings: Settings, notice: NoticeSpec | None = None,
               kind: str | None = None, only: Iterable[str] | None = None,
               others: Iterable[tuple[str, str]] = ()) -> Report:
    context = CheckContext(doc=doc, kind=kind or detect_kind(doc), settings=settings, notice=notice,
                           others=list(others))
    chosen = list(only) if only is not None else list(RULES)
    findings: list[Finding] = []
    for rule_id in chosen:
        findings.extend(RULES[rule_id](context))
    findings.sort(key=lambda f: (f.line or 0, SEVERITY_ORDER[f.severity], f.rule))
    return Report(kind=context.kind, notice=notice, areas=context.area_matches, findings=findings,
                  measures=context.measures)
