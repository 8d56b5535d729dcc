"""The rectification ledger (整改清单): one row per problem of a material, with its causes and measures,
who answers for it, by when, and how far it has got.

Owners and dates are never made up: a cell nobody has filled reads PENDING ("待补") in the files, so the
drafter sees what is still to be filled in before the ledger is handed in.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

PENDING = "待补"
COLUMNS = ("序号", "方面", "问题", "原因", "整改措施", "责任领导", "责任部门", "完成时限", "状态", "进展")
FIELDS = ("number", "area", "problem", "cause", "measure", "leader", "department", "deadline", "status", "progress")
MUST_FILL = ("measure", "leader", "department", "deadline")  # shown as 待补 when empty: a problem no measure answers yet too
NEW_STATUS = "未完成"  # a fresh ledger: nothing is done yet


@dataclass
class LedgerRow:
    number: int
    area: str
    problem: str
    cause: str = ""
    measure: str = ""
    leader: str = ""
    department: str = ""
    deadline: str = ""
    status: str = NEW_STATUS
    progress: str = ""

    def cells(self) -> list[str]:
        """The row as the files show it: empty owner and date cells read 待补."""
        values = []
        for name in FIELDS:
            value = getattr(self, name)
            value = str(value) if value not in (None, "") else ""
            values.append(value or (PENDING if name in MUST_FILL else ""))
        return values

    @property
    def pending(self) -> list[str]:
        return [COLUMNS[FIELDS.index(name)] for name in MUST_FILL if not getattr(self, name)]


@dataclass
class Ledger:
    title: str
    rows: list[LedgerRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what the drafter should check, in Chinese

    @property
    def pending_cells(self) -> int:
        return sum(len(row.pending) for row in self.rows)

    def to_dict(self) -> dict:
        return {"title": self.title, "columns": list(COLUMNS), "rows": [asdict(row) for row in self.rows],
                "notes": self.notes}


def ledger_title(material_title: str) -> str:
    """"××局领导班子2024年度民主生活会对照检查材料" → "××局领导班子2024年度民主生活会整改清单"."""
    title = (material_title or "").strip().split("\n")[0]
    for ending in ("个人对照检查材料", "对照检查材料", "发言提纲", "检视剖析材料", "材料"):
        if title.endswith(ending):
            return title[: -len(ending)] + ("个人整改清单" if ending.startswith("个人") else "整改清单")
    return f"{title}整改清单" if title else "民主生活会整改清单"
