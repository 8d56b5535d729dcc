"""A material's problems drafted from the drafter's own 素材.

Each area's items come from the entries sorted into it: entries on one theme make one item, written by
the model from those entries and their matching facts (the bank's nearest headline is only a hint for the
wording). Where an area has fewer entries than the minimum, bank problems fill in, each marked in the text
as a suggestion the drafter must check. Every item records which entries it came from, so causes and
measures can name the problems they answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..notices import NoticeSpec
from ..numbering import int_to_cn
from ..sucai.carryover import recurrence_sentence
from ..sucai.model import Entry, Sucai, bigrams
from .areas import VOICE, area_heading, bank_suggestion, repair_item, validate_item
from .base import CitationBook, OperationResult
from .catalog import Facts, fits_kind

BANK_MARK = "〔参考库建议，请结合实际核实〕"
SAME_THEME = 0.25  # bigram Jaccard at which two entries of an area count as one theme without the bank
NO_FACTS = "（没有提供）"
USES_ENTRY = 0.3  # share of an entry's character bigrams an item written from it must contain


@dataclass
class Problem:
    """One drafted item and where it came from: the drafter's entries, or a bank suggestion."""

    id: str  # "p2-1": area 2, first item
    area: int
    text: str
    headline: str
    origin: str  # "sucai" or "bank"
    entries: list[str] = field(default_factory=list)
    bank: str = ""  # the bank problem used as a hint (sucai) or as the text (bank)
    dimensions: list[str] = field(default_factory=list)  # the bank problem's cause dimensions

    def to_dict(self) -> dict:
        return {"id": self.id, "area": self.area, "text": self.text, "headline": self.headline, "origin": self.origin,
                "entries": self.entries, "bank": self.bank, "dimensions": self.dimensions}


def headline_of(item: str) -> str:
    text = re.sub(r"^[一二三四五六七八九十]+是", "", item.strip())
    return re.split(r"[。；！？]", text, maxsplit=1)[0][:40]


def theme_groups(entries: list[Entry], themes: dict[str, str], limit: int) -> list[list[Entry]]:
    """Entries of one area grouped by theme (the nearest bank problem's theme, or shared wording), the
    most-raised group first, at most `limit` groups: the smallest groups fold into their closest."""
    groups: list[list[Entry]] = []
    for entry in entries:
        home = next((g for g in groups if themes.get(g[0].id) and themes.get(g[0].id) == themes.get(entry.id)), None)
        if home is None:
            home = next((g for g in groups if _jaccard(g[0].text, entry.text) >= SAME_THEME), None)
        if home is None:
            groups.append([entry])
        else:
            home.append(entry)
    groups.sort(key=lambda g: -sum(e.count for e in g))
    while len(groups) > limit:
        smallest = groups.pop()
        closest = max(groups, key=lambda g: max(_jaccard(e.text, s.text) for e in g for s in smallest))
        closest.extend(smallest)
    return groups


def _jaccard(a: str, b: str) -> float:
    ga, gb = bigrams(a), bigrams(b)
    return len(ga & gb) / len(ga | gb) if ga and gb else 0.0


def uses_entries(check, group: list[Entry]):
    """An item must be written from the unit's entries: some entry's wording must be in it."""
    def validate(text: str) -> str | None:
        problem = check(text)
        if problem is None and max(_overlap(e.text, text) for e in group) < USES_ENTRY:
            return "没有用上“本单位素材”，请根据素材的内容来写，事例用素材中的事实"
        return problem

    return validate


def entry_lines(group: list[Entry]) -> str:
    return "\n".join(f"- {e.provenance()}：{e.text}" for e in group)


class SucaiDrafter:
    def __init__(self, *, retriever, catalog, step, bank_items, items_min: int = 2, items_max: int = 3) -> None:
        self.retriever = retriever
        self.catalog = catalog
        self.step = step
        self.bank_items = bank_items  # BankProblems: the suggestions for a thin area
        self.items_min = items_min
        self.items_max = items_max

    def nearest_problem(self, notice: NoticeSpec, area: int, text: str, kind: str) -> dict | None:
        area_ref = f"{notice.id}:{area}" if notice.source == "preset" else None
        passages = self.retriever.search(text, 5, kind="problem", area=area_ref) if area_ref else []
        passages = passages or self.retriever.search(text, 5, kind="problem")
        for passage in passages:
            entry = self.catalog.get(passage.id)
            if entry is not None and fits_kind(entry, kind):
                return entry
        return None

    def draft_area(self, notice: NoticeSpec, area_index: int, *, org: str, kind: str, sucai: Sucai, facts: Facts,
                   book: CitationBook | None = None, used_facts: set[str] | None = None,
                   on_token=None) -> OperationResult:
        area = notice.areas[area_index - 1]
        book = book or CitationBook()
        used_facts = used_facts if used_facts is not None else set()
        result = OperationResult("draft_area", "")
        heading = area_heading(area_index, area)
        lines, marked, problems = [heading], [heading], []
        entries = sucai.in_area(area_index)
        nearest = {e.id: self.nearest_problem(notice, area_index, e.text, kind) for e in entries}
        themes = {eid: (bank or {}).get("area_theme", "") for eid, bank in nearest.items()}
        for group in theme_groups(entries, themes, self.items_max):
            ordinal = int_to_cn(len(problems) + 1)
            hint = nearest[group[0].id]
            text = self._item(group, hint, ordinal, area_index, area.title, kind, facts, used_facts, result, on_token)
            problem = Problem(f"p{area_index}-{len(problems) + 1}", area_index, text, headline_of(text), "sucai",
                              [e.id for e in group], hint["id"] if hint else "", list((hint or {}).get("causes", [])))
            problems.append(problem)
            lines.append(text)
            marked.append(text)
        if len(entries) < self.items_min:
            taken = {p.bank for p in problems}
            about = "；".join(e.text for e in sucai.problems)
            for passage in self.bank_items.choose(notice, area, kind, about):
                if len(problems) >= self.items_min:
                    break
                bank = self.catalog.get(passage.id)
                if bank is None or bank["id"] in taken:
                    continue
                ordinal = int_to_cn(len(problems) + 1)
                text = f"{bank_suggestion(ordinal, bank)}{BANK_MARK}"
                n = book.cite(passage.id, passage.source, bank["headline"])
                problems.append(Problem(f"p{area_index}-{len(problems) + 1}", area_index, text, bank["headline"],
                                        "bank", [], bank["id"], list(bank.get("causes", []))))
                lines.append(text)
                marked.append(f"{text}[{n}]")
            result.warnings.append(f"第{int_to_cn(area_index)}个方面的素材不足两条，已用参考库建议补足并标明"
                                   f"“{BANK_MARK}”，请换成本单位的实际问题")
        if not problems:
            lines.append("一是〔待补：问题〕。比如，〔待补：具体事例〕。")
            marked.append(lines[-1])
        result.text, result.marked_text = "\n".join(lines), "\n".join(marked)
        result.citations = book.citations
        result.data = {"problems": [p.to_dict() for p in problems]}
        return result

    def _item(self, group: list[Entry], hint: dict | None, ordinal: str, area_index: int, area_title: str, kind: str,
              facts: Facts, used_facts: set[str], result: OperationResult, on_token) -> str:
        joined = "；".join(e.text for e in group)
        matched = [line for line in facts.example_lines() if line not in used_facts
                   and _overlap(line, joined) >= 0.15][:2]
        used_facts.update(matched)
        headline = hint["headline"] if hint else "〔待补：概括问题〕"
        fallback = f"{ordinal}是{headline}。比如，{joined.rstrip('。')}。"
        values = {"voice": VOICE[kind], "ordinal": ordinal, "area": area_title, "entries": entry_lines(group),
                  "facts": "；".join(matched) or NO_FACTS, "headline": headline}
        sources = [joined, *[m for e in group for m in e.merged], *matched, area_title]
        outcome = self.step.run("draft_area", "item_from_sucai", values, sources=sources, fallback=fallback,
                                validate=uses_entries(validate_item(ordinal), group),
                                repair=repair_item(ordinal, headline, [e.text for e in group]), on_token=on_token)
        result.steps.append(outcome.log)
        where = f"第{int_to_cn(area_index)}个方面第{ordinal}条"
        if outcome.replaced:
            result.warnings.append(f"{where}中未见于素材的内容已改为待补：{'、'.join(outcome.replaced)}")
        if outcome.log.outcome in ("error", "fallback"):
            result.warnings.append(f"{where}模型生成未成功（{outcome.log.note}），已按素材原文拼成，请修改")
        again = recurrence_sentence(group)  # a problem on last year's ledger is said to recur
        return outcome.text.rstrip() + again if again and again not in outcome.text else outcome.text


def _overlap(fact: str, text: str) -> float:
    grams = bigrams(fact)
    return len(grams & bigrams(text)) / len(grams) if grams else 0.0
