"""Text the assistant proposes: which sections it would change, shown to the drafter before anything is
written. Accepting applies every change at once, as one undoable version."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.notices import NoticeSpec

from assistant import material


@dataclass
class Proposal:
    label: str  # what it is, e.g. "第一个方面"
    changes: dict[str, str]  # section key → the section's new text
    sources: list[str] = field(default_factory=list)  # "[1] 标题（来源）"

    def to_dict(self) -> dict:
        return {"label": self.label, "changes": self.changes, "sources": self.sources}

    @classmethod
    def from_dict(cls, data: dict | None) -> "Proposal | None":
        if not data:
            return None
        return cls(data["label"], dict(data["changes"]), list(data.get("sources", [])))

    def display(self, notice: NoticeSpec | None) -> str:
        """One section's text as it is; several sections joined as in the material, with part headings."""
        if len(self.changes) == 1:
            return next(iter(self.changes.values()))
        return material.render(self.changes, notice)[0]

    def edited(self, text: str | None) -> dict[str, str]:
        """The changes after the drafter edited the proposal box (unchanged when the box is empty)."""
        if text is None or not text.strip():
            return self.changes
        if len(self.changes) == 1:
            return {next(iter(self.changes)): text.strip("\n")}
        parts = material.split(text)
        return {key: parts.get(key, "") for key in {*self.changes, *parts}}


def apply(sections: dict[str, str], changes: dict[str, str]) -> dict[str, str]:
    merged = dict(sections)
    for key, text in changes.items():
        if text.strip():
            merged[key] = text
        else:
            merged.pop(key, None)
    return merged
