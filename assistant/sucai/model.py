"""The drafter's 素材: what the unit itself gathered before the meeting, as entries a material is built from.

An entry keeps its kind (征求意见, 谈心谈话, 查摆, 巡察审计反馈, 上年度整改, 事实, 案例), its text, where it
came from, and, once sorted, the notice area it speaks to with a confidence. Near-duplicate opinions are
merged with a count ("3人次提出"), because collected opinions repeat themselves.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

KIND_LABELS = {
    "opinion": "征求意见",
    "talk": "谈心谈话",
    "finding": "查摆",
    "feedback": "巡察审计反馈",
    "ledger": "上年度整改",
    "fact": "事实",
    "case": "案例",
}
LABEL_KINDS = {label: kind for kind, label in KIND_LABELS.items()}
PROBLEM_KINDS = ("opinion", "talk", "finding", "feedback")  # entries that name a shortcoming of the unit
FILE_PLACE = re.compile(r"\.(?:xlsx|docx|txt|md|markdown|text)\b|粘贴的文字|第\d+行|第\d+段", re.I)
MERGE_SIMILARITY = 0.6  # character-bigram Jaccard at which two entries say the same thing


@dataclass
class Entry:
    id: str
    kind: str
    text: str
    source: str = ""  # the file and row, or the channel (座谈会、意见箱、上级反馈…)
    target: str = ""  # 针对：班子, or one member of it
    count: int = 1  # how many times it was raised, after near-duplicates were merged
    status: str = ""  # ledger entries: 已完成 / 未完成 / 持续推进 …
    measure: str = ""  # ledger entries: last year's measure
    owner: str = ""  # ledger entries: 责任领导、责任部门 as the ledger names them
    progress: str = ""  # ledger entries: 进展, and why an item is still open
    detail: str = ""  # ledger entries: the sheet's other columns, as "方面：…；原因：…；备注：…"
    recurs: str = ""  # a problem also on last year's ledger: 上年度未完成整改 / 上年度已整改、又反复出现
    area: int | None = None  # 1-based notice area, once sorted
    confidence: float = 0.0
    flagged: bool = False  # sorted with low confidence: the drafter should look
    merged: list[str] = field(default_factory=list)  # the texts folded into this one

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def is_problem(self) -> bool:
        return self.kind in PROBLEM_KINDS

    @property
    def is_open(self) -> bool:
        """A ledger entry not yet done: "未完成整改" and "已完成；未完成" are open, "已完成" is not."""
        if self.kind != "ledger":
            return False
        return bool(re.search(r"未完成|未整改|未销号|未办结|正在|推进", self.status)
                    or not re.search(r"已完成|已整改|完成整改|已销号|办结", self.status))

    @property
    def channel(self) -> str:
        """Where it was raised (座谈会、意见箱、县委巡察组), without the file, sheet and row it was read from."""
        parts = [p for p in re.split(r"[，,、]", self.source) if p.strip() and not FILE_PLACE.search(p)]
        return "、".join(dict.fromkeys(p.strip() for p in parts))

    def provenance(self) -> str:
        """How the material may speak of it: "征求意见，座谈会，3人次提出"."""
        parts = [self.kind_label]
        if self.channel:
            parts.append(self.channel)
        if self.count > 1:
            parts.append(f"{self.count}人次提出")
        if self.recurs:
            parts.append(self.recurs)
        return "，".join(parts)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Entry":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Sucai:
    entries: list[Entry] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what an import skipped, in Chinese; never serialised

    def __len__(self) -> int:
        return len(self.entries)

    def of_kind(self, *kinds: str) -> list[Entry]:
        return [entry for entry in self.entries if entry.kind in kinds]

    @property
    def problems(self) -> list[Entry]:
        return [entry for entry in self.entries if entry.is_problem]

    def in_area(self, area: int) -> list[Entry]:
        return [entry for entry in self.problems if entry.area == area]

    def get(self, entry_id: str) -> Entry | None:
        return next((entry for entry in self.entries if entry.id == entry_id), None)

    def texts(self) -> list[str]:
        """Every entry's text: the sources the fact guard accepts figures and names from."""
        return [text for entry in self.entries
                for text in (entry.text, entry.measure, entry.status, entry.owner, entry.progress, *entry.merged) if text]

    def fact_lines(self) -> list[str]:
        return [entry.text for entry in self.of_kind("fact")]

    def add(self, kind: str, text: str, **fields) -> Entry:
        entry = Entry(id=self.next_id(), kind=kind, text=text.strip(), **fields)
        self.entries.append(entry)
        return entry

    def next_id(self) -> str:
        """One past the highest id in the list (a dropped last entry's id can come back; the others cannot)."""
        numbers = [int(entry.id[1:]) for entry in self.entries if re.fullmatch(r"s\d+", entry.id)]
        return f"s{max(numbers, default=0) + 1:02d}"

    def extend(self, other: "Sucai") -> None:
        for entry in other.entries:
            entry.id = self.next_id()
            self.entries.append(entry)
        self.warnings.extend(other.warnings)

    def merge_duplicates(self, threshold: float = MERGE_SIMILARITY) -> int:
        """Fold near-duplicate entries of the same kind group into the first; returns how many were folded."""
        kept: list[Entry] = []
        folded = 0
        for entry in self.entries:
            twin = next((k for k in kept if _same_group(k, entry) and similarity(k.text, entry.text) >= threshold),
                        None)
            if twin is None:
                kept.append(entry)
                continue
            twin.count += entry.count
            twin.merged.append(entry.text)
            twin.recurs = twin.recurs or entry.recurs
            if entry.source and entry.source not in twin.source:
                twin.source = "、".join(filter(None, [twin.source, entry.source]))
            folded += 1
        self.entries = kept
        return folded

    def move(self, entry_id: str, area: int | None) -> None:
        entry = self.get(entry_id)
        if entry is not None:
            entry.area, entry.confidence, entry.flagged = area, 1.0, False

    def drop(self, entry_id: str) -> None:
        self.entries = [entry for entry in self.entries if entry.id != entry_id]

    def merge(self, keep_id: str, other_id: str) -> None:
        keep, other = self.get(keep_id), self.get(other_id)
        if keep is None or other is None or keep is other:
            return
        keep.count += other.count
        keep.merged += [other.text, *other.merged]
        keep.recurs = keep.recurs or other.recurs
        self.drop(other_id)

    def to_list(self) -> list[dict]:
        return [entry.to_dict() for entry in self.entries]

    @classmethod
    def from_list(cls, rows: list[dict] | None) -> "Sucai":
        return cls([Entry.from_dict(row) for row in rows or []])


def _same_group(a: Entry, b: Entry) -> bool:
    """Entries that may be folded together: both problems or of one kind, and not stating different figures
    ("2023年受理投诉2100件" and "2024年受理投诉2316件" are two facts, however alike their wording)."""
    same_kind = (a.is_problem and b.is_problem) or a.kind == b.kind
    return same_kind and sorted(re.findall(r"\d+(?:\.\d+)?", a.text)) == sorted(re.findall(r"\d+(?:\.\d+)?", b.text))


def bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff0-9A-Za-z]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def similarity(a: str, b: str) -> float:
    """Character-bigram Jaccard, with containment: a short opinion inside a longer one is the same opinion."""
    ga, gb = bigrams(a), bigrams(b)
    if not ga or not gb:
        return 0.0
    shared = len(ga & gb)
    return max(shared / len(ga | gb), shared / min(len(ga), len(gb)) * 0.9 if min(len(ga), len(gb)) >= 6 else 0.0)
