"""The drafting verbs, one object the CLI, the web UI and the evals all call."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from .. import material
from ..config import Settings
from ..document import PartRole, parse
from ..logbook import Logbook
from ..models.base import ChatModel
from ..notices import NoticeSpec
from ..numbering import int_to_cn
from ..prompts import PromptLibrary
from ..rubric import run_rubric
from .areas import BankProblems, ExampleSuggester
from .base import CitationBook, ModelStep, OperationResult
from ..sucai import Sucai
from ..sucai.carryover import mark_recurrences
from ..sucai.sorting import AreaSorter
from .catalog import Catalog, Facts
from .causes import CauseAnalyst
from .from_sucai import BANK_MARK, SucaiDrafter
from .roots import RootsWriter
from .opening import draft_opening, title_for
from .whole import SectionReviser, case_from_entries, rectification_from_ledger

__all__ = ["Operations", "OperationResult", "Facts"]

Progress = Callable[[str, int, int], None]


class Operations:
    def __init__(self, *, settings: Settings, model: ChatModel, retriever, catalog: Catalog, prompts: PromptLibrary,
                 logbook: Logbook, prompt_versions: dict[str, str] | None = None, notices=None) -> None:
        self.settings = settings
        self.step = ModelStep(model=model, prompts=prompts, logbook=logbook, prompt_versions=prompt_versions)
        self.areas = BankProblems(retriever=retriever, catalog=catalog, items_per_area=settings.items_per_area_max)
        self.examples = ExampleSuggester(step=self.step)
        self.analyst = CauseAnalyst(retriever=retriever, catalog=catalog, step=self.step)
        self.reviser = SectionReviser(step=self.step)
        self.sorter = AreaSorter(retriever=retriever, catalog=catalog, notices=notices)
        self.drafter = SucaiDrafter(retriever=retriever, catalog=catalog, step=self.step, bank_items=self.areas,
                                    items_min=settings.items_per_area_min, items_max=settings.items_per_area_max)
        self.roots = RootsWriter(analyst=self.analyst, step=self.step)

    # ---- the verbs ---------------------------------------------------------------------------------
    def scoped(self, retriever) -> "Operations":
        """The same operations and model over another view of the index (see Retriever.scoped)."""
        view = copy.copy(self)
        view.areas = copy.copy(self.areas)
        view.areas.retriever = retriever
        view.analyst = copy.copy(self.analyst)
        view.analyst.retriever = retriever
        view.sorter = copy.copy(self.sorter)
        view.sorter.retriever = retriever
        view.drafter = copy.copy(self.drafter)
        view.drafter.retriever, view.drafter.bank_items = retriever, view.areas
        view.roots = RootsWriter(analyst=view.analyst, step=self.step)
        return view

    def stoppable(self, control) -> "Operations":
        """The same operations for one request under a RunControl (see base.ModelStep.controlled): a stop ends
        the whole operation at the next model call or token, with no fallback and nothing logged."""
        view = copy.copy(self)
        view.step = self.step.controlled(control)
        for name in ("examples", "analyst", "reviser", "drafter"):
            part = copy.copy(getattr(self, name))
            part.step = view.step
            setattr(view, name, part)
        view.drafter.bank_items = view.areas
        view.roots = RootsWriter(analyst=view.analyst, step=view.step)
        return view

    def sort_sucai(self, notice: NoticeSpec, sucai: Sucai, *, ask_model: bool = False) -> Sucai:
        """Every problem entry gets an area of this notice and a confidence (entries placed by hand stay).
        Retrieval alone unless `ask_model`: then the model breaks near ties."""
        return self.sorter.sort(notice, sucai, tie_breaker=self.choose_area if ask_model else None)

    def choose_area(self, text: str, options: list[tuple[int, str]]) -> int | None:
        """The model's pick between areas whose retrieval votes came out level; None when it gives no valid one."""
        allowed = {str(area) for area, _ in options}
        outcome = self.step.run("sort_sucai", "area_choice",
                                {"entry": text, "options": "\n".join(f"{area} {title}" for area, title in options)},
                                sources=[text], fallback="",
                                repair=lambda reply: next((ch for ch in reply if ch.isdigit()), reply),
                                validate=lambda reply: None if reply in allowed else "只回答给出的方面数字")
        return int(outcome.text) if outcome.text in allowed else None

    def prepare_sucai(self, notice: NoticeSpec, facts: Facts, sucai: Sucai | None) -> tuple[Sucai, Facts]:
        """The 素材 to draft from, sorted, and the facts: the old facts-only form becomes 素材 entries, and
        the 素材's fact entries join the facts."""
        if sucai is None:
            from ..sucai.importers import sucai_from_facts

            sucai = sucai_from_facts(facts.lines)
        mark_recurrences(sucai)
        self.sorter.sort(notice, sucai, only_unplaced=True, tie_breaker=self.choose_area)
        lines = list(dict.fromkeys([*facts.lines, *sucai.fact_lines()]))
        return sucai, Facts(lines)

    def draft_opening(self, notice: NoticeSpec, *, org: str, kind: str, facts: Facts) -> OperationResult:
        return _timed(lambda: draft_opening(notice, org=org, kind=kind, facts=facts))

    def draft_area(self, notice: NoticeSpec, area: int, *, org: str, kind: str, facts: Facts,
                   sucai: Sucai | None = None, on_token=None) -> OperationResult:
        """One area's items from the entries sorted into it; bank suggestions, marked, only where it has
        fewer than the minimum."""
        sucai, facts = self.prepare_sucai(notice, facts, sucai)
        return _timed(lambda: self.drafter.draft_area(notice, area, org=org, kind=kind, sucai=sucai, facts=facts,
                                                      on_token=on_token))

    def suggest_examples(self, problem: str, facts: Facts) -> OperationResult:
        return _timed(lambda: self.examples.suggest(problem, facts))

    def analyze_problem(self, problem: str, *, kind: str = "banzi") -> OperationResult:
        return _timed(lambda: self.analyst.analyze(problem, kind=kind))

    def causes_and_measures(self, draft_text: str, *, kind: str, facts: Facts | None = None) -> OperationResult:
        """Causes and measures for the problems written in a draft: bodies only (the material model adds
        the part headings), with the problem → cause → measure map."""
        doc = parse(draft_text)
        problems = [{"id": f"p{section.index}-{n}", "area": section.index, "text": item.text,
                     "headline": item.headline[:40], "origin": "bank" if "参考库建议" in item.text else "sucai",
                     "dimensions": []}
                    for section in doc.areas for n, item in enumerate(section.items, start=1)]
        if not problems:
            problems = [{"id": f"p{s.index}-1", "area": s.index, "text": s.text, "headline": s.title[:40],
                         "origin": "sucai", "dimensions": []} for s in doc.areas]
        bounds = (max(4, self.settings.causes_min), self.settings.causes_max)

        def run() -> OperationResult:
            result = self.roots.write(problems, kind=kind, facts=facts or Facts(), count=bounds)
            causes, measures = result.data["causes"], result.data["measures"]
            areas_of = {p["id"]: p["area"] for p in problems}
            result.data = {"causes": [c["text"] for c in causes], "measures": [m["text"] for m in measures],
                           "links": [{"dimension": c["dimension"], "cause": c["id"],
                                      "measures": [m["id"] for m in measures if m["cause"] == c["id"]],
                                      "areas": sorted({areas_of[p] for p in c["problems"]})} for c in causes],
                           "map": {"problems": problems, "causes": causes, "measures": measures}}
            return result

        return _timed(run)

    def revise_section(self, draft_text: str, role: PartRole, number: int, instruction: str,
                       facts: Facts | None = None) -> OperationResult:
        return _timed(lambda: self.reviser.revise(draft_text, role, number, instruction, facts or Facts()))

    def draft_all(self, notice: NoticeSpec, *, org: str, kind: str, facts: Facts, sucai: Sucai | None = None,
                  progress: Progress | None = None) -> OperationResult:
        """A whole material from the drafter's 素材: opening, the parts the notice requires, every area, causes
        and measures, assembled by the material model; then the rubric. `data["map"]` links each problem to
        its entries, causes and measures."""
        start = time.perf_counter()
        sucai, facts = self.prepare_sucai(notice, facts, sucai)
        total = len(notice.areas) + 2
        report = progress or (lambda label, done, total: None)
        result = OperationResult("draft_all", "")
        book = CitationBook()
        report("开头", 0, total)
        opening = _timed(lambda: draft_opening(notice, org=org, kind=kind, facts=facts, sucai=sucai))
        sections = {"title": title_for(notice, org, kind), "opening": opening.text}
        marked = dict(sections)
        results, problems, used_facts = [opening], [], set()
        for index in range(1, len(notice.areas) + 1):
            report(f"第{_cn(index)}个方面", index, total)
            area = self.drafter.draft_area(notice, index, org=org, kind=kind, sucai=sucai, facts=facts, book=book,
                                           used_facts=used_facts)
            results.append(area)
            problems += area.data["problems"]
            sections[material.area_key(index)], marked[material.area_key(index)] = area.text, area.marked_text
        if "rectification" in notice.required_parts:
            sections["rectification"] = marked["rectification"] = rectification_from_ledger(
                sucai.of_kind("ledger"), facts, kind)
        if "case" in notice.required_parts:
            sections["case"] = marked["case"] = case_from_entries(sucai.of_kind("case"), problems, kind)
        report("原因和措施", total - 1, total)
        roots = self.roots.write(problems, kind=kind, facts=facts, book=book,
                                 count=(max(4, self.settings.causes_min), self.settings.causes_max))
        results.append(roots)
        sections["causes"] = marked["causes"] = "\n".join(c["text"] for c in roots.data["causes"])
        sections["measures"] = marked["measures"] = "\n".join(m["text"] for m in roots.data["measures"])
        result.text, _ = material.render(sections, notice)
        result.marked_text, _ = material.render(marked, notice)
        for sub in results:
            result.steps.extend(sub.steps)
            result.warnings.extend(sub.warnings)
        result.citations = book.citations
        report_ = run_rubric(parse(result.text), settings=self.settings, notice=notice, kind=kind)
        result.data = {"rubric": report_.to_dict(), "sections": sections, "sucai": sucai.to_list(),
                       "map": {"problems": problems, "causes": roots.data["causes"], "measures": roots.data["measures"]},
                       "bank_sections": [key for key, text in sections.items() if BANK_MARK in text]}
        report("完成", total, total)
        result.elapsed_ms = (time.perf_counter() - start) * 1000
        return result


def _cn(number: int) -> str:
    return int_to_cn(number)


def _timed(run: Callable[[], OperationResult]) -> OperationResult:
    start = time.perf_counter()
    result = run()
    result.elapsed_ms = (time.perf_counter() - start) * 1000
    return result
