"""The team's banks as linked data (problem → cause dimensions, cause → measures), and the drafter's facts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError
from ..rubric.lexicon import DIMENSION_LABELS

DIMENSION_ORDER = list(DIMENSION_LABELS)


class Catalog:
    """Bank entries by id, loaded once from knowledge/banks/*.yaml."""

    def __init__(self, banks_dir: Path) -> None:
        self.banks_dir = Path(banks_dir)
        self._entries: dict[str, dict] | None = None
        self._cues: dict[str, list[str]] | None = None

    @property
    def entries(self) -> dict[str, dict]:
        if self._entries is None:
            entries: dict[str, dict] = {}
            for name in ("problems", "causes", "measures"):
                path = self.banks_dir / f"{name}.yaml"
                for entry in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
                    entries[entry["id"]] = {**entry, "bank": name}
            self._entries = entries
        return self._entries

    def theme_cues(self) -> dict[str, list[str]]:
        """Typical wording of each problem theme (theme_cues.yaml), a hint for sorting the drafter's entries;
        read once, like the entries."""
        if self._cues is None:
            path = self.banks_dir / "theme_cues.yaml"
            loaded = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}
            self._cues = {str(theme): [str(word) for word in words or []] for theme, words in loaded.items()}
        return self._cues

    def get(self, entry_id: str) -> dict | None:
        return self.entries.get(entry_id)

    def of_bank(self, bank: str) -> list[dict]:
        return [entry for entry in self.entries.values() if entry["bank"] == bank]

    def measures_for(self, cause_id: str) -> list[dict]:
        return [m for m in self.of_bank("measures") if cause_id in m.get("answers", [])]

    def causes_of(self, dimension: str, kind: str) -> list[dict]:
        return [c for c in self.of_bank("causes") if c["dimension"] == dimension and kind in c.get("kinds", [])]


def fits_kind(entry: dict | None, kind: str) -> bool:
    return entry is None or kind in entry.get("kinds", [kind])


FACT_COMMENT = re.compile(r"^\s*(?:#|//)")


@dataclass
class Facts:
    """What the drafter wants used: one fact a line (figures, events, names). Only these may carry specifics."""

    lines: list[str] = field(default_factory=list)

    @classmethod
    def from_text(cls, text: str) -> "Facts":
        lines = [line.strip().lstrip("-*•·").strip() for line in text.splitlines()]
        return cls([line for line in lines if line and not FACT_COMMENT.match(line)])

    @classmethod
    def from_file(cls, path: str | Path) -> "Facts":
        from ..textio import load_text

        loaded = load_text(path, max_bytes=200_000)
        facts = cls.from_text(loaded.text)
        if not facts.lines:
            raise InputError(f"事实文件“{Path(path).name}”中没有可用的内容", hint="每行写一条事实，如“2024年组织集中学习研讨6次”")
        return facts

    def text(self) -> str:
        return "\n".join(self.lines)

    def number_for(self, *keywords: str, unit: str = "") -> str | None:
        """The first figure written right after one of the keywords, e.g. 征求意见 → '42'."""
        for line in self.lines:
            for keyword in keywords:
                match = re.search(rf"{keyword}[^\d。；]{{0,12}}?(\d+(?:[,，]\d{{3}})*)\s*{unit}", line)
                if match:
                    return match.group(1)
        return None

    def example_lines(self) -> list[str]:
        """Facts that can serve as examples: not the preparation figures the opening and 整改 part use."""
        return [line for line in self.lines if not PREPARATION.search(line)]

    def best_for(self, text: str, used: set[int], threshold: float = 0.12) -> tuple[int, str] | None:
        """The unused example fact sharing the most wording with a problem, if any is close enough."""
        best, best_score = None, threshold
        for index, line in enumerate(self.example_lines()):
            if index in used:
                continue
            score = overlap(line, text)
            if score > best_score:
                best, best_score = (index, line), score
        return best


PREPARATION = re.compile(r"学习研讨\D{0,4}\d|征求意见|谈心谈话|上年度|查摆问题\d|整改完成|已完成\d")


def overlap(fact: str, text: str) -> float:
    """Share of the fact's character bigrams that the text contains."""
    grams = _bigrams(fact)
    return len(grams & _bigrams(text)) / len(grams) if grams else 0.0


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}
