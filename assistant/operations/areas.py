"""Problems for one notice area: retrieval picks the bank problems, the model rewrites each for the unit
with one of the drafter's facts as the example; figures the facts do not give stay 〔待补〕 slots."""

from __future__ import annotations

import re

from ..notices import NoticeArea, NoticeSpec
from ..numbering import int_to_cn
from .base import CitationBook, OperationResult, StepLog
from .catalog import Catalog, Facts, fits_kind, overlap

EXAMPLE_START = re.compile(r"(?:比如|例如)，")
VOICE = {"banzi": "领导班子（用“班子”“班子成员”“有的班子成员”）", "geren": "个人（用“我”“本人”）"}
NO_FACT = "（没有提供，事例中的时间、名称、数字一律写成〔待补：……〕）"
FACT_MATCH = 0.15  # share of a fact's character bigrams found in a problem's wording


def area_heading(number: int, area: NoticeArea) -> str:
    core = area.title.removeprefix("在").removesuffix("方面")
    return f"（{int_to_cn(number)}）在{core}方面"


def item_fallback(ordinal: str, problem: dict) -> str:
    """The bank's own wording: headline, analysis and the example pattern with its slots."""
    text = problem["text"].strip()
    if not text.startswith(problem["headline"]):
        text = f"{problem['headline']}。{text}"
    return f"{ordinal}是{text.rstrip('。')}。{problem['example'].strip()}"


LEADING_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,2}是|[（(][一二三四五六七八九十]{1,2}[）)]|\d+[.、．])\s*")


REPEATED_SENTENCE = re.compile(r"([^。！？；]{4,}[。！？；])\1+")  # a sentence written twice in a row


def repair_item(ordinal: str, headline: str):
    """Small models continue the few-shot numbering (三是 after 一是, 二是): set the ordinal in code. They also
    sometimes write the headline twice; the second copy goes."""

    def fix(text: str) -> str:
        text = REPEATED_SENTENCE.sub(r"\1", text.strip().split("\n")[0].strip())
        if LEADING_ORDINAL.match(text):
            return f"{ordinal}是" + LEADING_ORDINAL.sub("", text, count=1)
        if text.startswith(headline[:4]):
            return f"{ordinal}是{text}"
        return text

    return fix


def validate_item(ordinal: str):
    def check(text: str) -> str | None:
        if not text.startswith(f"{ordinal}是"):
            return f"要以“{ordinal}是”开头"
        if not EXAMPLE_START.search(text):
            return "要有以“比如，”开头的具体事例"
        if len(text) > 400:
            return "太长了，控制在300字以内"
        if "\n" in text.strip():
            return "只写一段"
        return None

    return check


class AreaDrafter:
    def __init__(self, *, retriever, catalog: Catalog, step, items_per_area: int = 3) -> None:
        self.retriever = retriever
        self.catalog = catalog
        self.step = step
        self.items_per_area = items_per_area

    def choose_problems(self, notice: NoticeSpec, area: NoticeArea, kind: str, facts: Facts,
                        used_facts: set[str]) -> list[tuple]:
        """(problem passage, fact or None) pairs: problems the drafter's facts speak to first, then the
        area's best-ranked problems in this voice, one per theme while there is choice."""
        query = f"{area.title} {area.short}"
        area_ref = f"{notice.id}:{area.index}" if notice.source == "preset" else None
        passages = self.retriever.search(query, 12, kind="problem", area=area_ref) if area_ref else []
        if len(passages) < self.items_per_area:
            passages += self.retriever.search(query, 12, kind="problem")
        free_facts = [fact for fact in facts.example_lines() if fact not in used_facts]
        for fact in free_facts:
            passages += self.retriever.search(fact, 3, kind="problem", area=area_ref)
        candidates = {}
        for passage in passages:
            entry = self.catalog.get(passage.id)
            if entry is not None and fits_kind(entry, kind) and passage.id not in candidates:
                candidates[passage.id] = (passage, entry)
        chosen: list[tuple] = []
        for fact in free_facts:
            scored = [(overlap(fact, entry["headline"] + entry["text"] + entry["example"]), pid)
                      for pid, (_, entry) in candidates.items() if pid not in {p.id for p, _ in chosen}]
            score, pid = max(scored, default=(0.0, None))
            if pid and score >= FACT_MATCH and len(chosen) < self.items_per_area:
                chosen.append((candidates[pid][0], fact))
                used_facts.add(fact)
        themes = {candidates[p.id][1].get("area_theme") for p, _ in chosen}
        for pid, (passage, entry) in candidates.items():
            if len(chosen) >= self.items_per_area:
                break
            if pid in {p.id for p, _ in chosen}:
                continue
            if entry.get("area_theme") in themes and len(candidates) > self.items_per_area * 2:
                continue
            themes.add(entry.get("area_theme"))
            chosen.append((passage, None))
        return chosen

    def draft(self, notice: NoticeSpec, area_index: int, *, org: str, kind: str, facts: Facts,
              book: CitationBook | None = None, used_facts: set[str] | None = None, on_token=None) -> OperationResult:
        area = notice.areas[area_index - 1]
        book = book or CitationBook()
        result = OperationResult("draft_area", "")
        lines, marked = [area_heading(area_index, area)], [area_heading(area_index, area)]
        for position, (passage, fact) in enumerate(self.choose_problems(notice, area, kind, facts, used_facts if used_facts is not None else set()), start=1):
            problem = self.catalog.get(passage.id)
            ordinal = int_to_cn(position)
            values = {"unit": org, "voice": VOICE[kind], "ordinal": ordinal, "headline": problem["headline"],
                      "sample": problem["text"], "pattern": problem["example"], "fact": fact or NO_FACT}
            outcome = self.step.run("draft_area", "item_rewrite", values,
                                    sources=[facts.text(), org, notice.theme, area.title, problem["text"], problem["example"]],
                                    fallback=item_fallback(ordinal, problem), validate=validate_item(ordinal),
                                    repair=repair_item(ordinal, problem["headline"]), on_token=on_token)
            result.steps.append(outcome.log)
            if outcome.replaced:
                result.warnings.append(f"第{ordinal}条中未见于事实或参考资料的内容已改为待补：{'、'.join(outcome.replaced)}")
            if outcome.log.outcome in ("error", "fallback"):
                result.warnings.append(f"第{ordinal}条模型生成未成功（{outcome.log.note}），已采用参考库原文，请修改")
            n = book.cite(passage.id, passage.source, problem["headline"])
            lines.append(outcome.text)
            marked.append(f"{outcome.text}[{n}]")
            result.data.setdefault("items", []).append({"problem": passage.id, "fact": fact,
                                                        "citation": n})
        if len(lines) == 1:
            result.warnings.append("参考库中没有找到与这一方面对应的问题，请手动填写")
            lines.append("一是〔待补：问题〕。比如，〔待补：具体事例〕。")
            marked.append(lines[-1])
            result.steps.append(StepLog("template", "template"))
        result.text = "\n".join(lines)
        result.marked_text = "\n".join(marked)
        result.citations = book.citations
        return result


class ExampleSuggester:
    """One 比如，… sentence per matching fact for a single problem the drafter wrote."""

    def __init__(self, *, step) -> None:
        self.step = step

    def suggest(self, problem: str, facts: Facts, *, limit: int = 2) -> OperationResult:
        result = OperationResult("suggest_examples", "")
        used: set[int] = set()
        sentences = []
        for _ in range(limit):
            fact = facts.best_for(problem, used)
            if fact is None:
                break
            used.add(fact[0])
            outcome = self.step.run("suggest_examples", "example_sentence", {"problem": problem, "fact": fact[1]},
                                    sources=[fact[1], problem], fallback=f"比如，{fact[1].rstrip('。')}。",
                                    validate=lambda text: None if text.startswith(("比如，", "例如，")) else "要以“比如，”开头")
            result.steps.append(outcome.log)
            sentences.append(outcome.text)
        if not sentences:
            sentences.append("比如，〔待补：时间〕〔待补：具体事件〕，〔待补：数字或后果〕。")
            result.warnings.append("没有可用的事实，事例以待补形式给出，请补充本单位的具体情况")
            result.steps.append(StepLog("template", "template"))
        result.text = "\n".join(sentences)
        result.marked_text = result.text
        return result
