"""The drafting verbs, one object the CLI, the web UI and the evals all call."""

from __future__ import annotations

import copy
import time
from collections.abc import Callable

from ..config import Settings
from ..document import PartRole, parse
from ..logbook import Logbook
from ..models.base import ChatModel
from ..notices import NoticeSpec
from ..numbering import int_to_cn
from ..prompts import PromptLibrary
from ..rubric import run_rubric
from .areas import AreaDrafter, ExampleSuggester
from .base import CitationBook, ModelStep, OperationResult
from .catalog import Catalog, Facts
from .causes import CauseAnalyst
from .whole import SectionReviser, case_part, draft_opening, rectification_part, title_for

__all__ = ["Operations", "OperationResult", "Facts"]

Progress = Callable[[str, int, int], None]


class Operations:
    def __init__(self, *, settings: Settings, model: ChatModel, retriever, catalog: Catalog, prompts: PromptLibrary,
                 logbook: Logbook, prompt_versions: dict[str, str] | None = None) -> None:
        self.settings = settings
        self.step = ModelStep(model=model, prompts=prompts, logbook=logbook, prompt_versions=prompt_versions)
        self.areas = AreaDrafter(retriever=retriever, catalog=catalog, step=self.step,
                                 items_per_area=settings.items_per_area_max)
        self.examples = ExampleSuggester(step=self.step)
        self.analyst = CauseAnalyst(retriever=retriever, catalog=catalog, step=self.step)
        self.reviser = SectionReviser(step=self.step)

    # ---- the verbs ---------------------------------------------------------------------------------
    def scoped(self, retriever) -> "Operations":
        """The same operations and model over another view of the index (see Retriever.scoped)."""
        view = copy.copy(self)
        view.areas = copy.copy(self.areas)
        view.areas.retriever = retriever
        view.analyst = copy.copy(self.analyst)
        view.analyst.retriever = retriever
        return view

    def draft_opening(self, notice: NoticeSpec, *, org: str, kind: str, facts: Facts) -> OperationResult:
        return _timed(lambda: draft_opening(notice, org=org, kind=kind, facts=facts))

    def draft_area(self, notice: NoticeSpec, area: int, *, org: str, kind: str, facts: Facts,
                   on_token=None) -> OperationResult:
        return _timed(lambda: self.areas.draft(notice, area, org=org, kind=kind, facts=facts, on_token=on_token))

    def suggest_examples(self, problem: str, facts: Facts) -> OperationResult:
        return _timed(lambda: self.examples.suggest(problem, facts))

    def analyze_problem(self, problem: str, *, kind: str = "banzi") -> OperationResult:
        return _timed(lambda: self.analyst.analyze(problem, kind=kind))

    def causes_and_measures(self, draft_text: str, *, kind: str) -> OperationResult:
        doc = parse(draft_text)
        problems = [(section.index, item.text) for section in doc.areas for item in section.items]
        if not problems:
            problems = [(section.index, section.text) for section in doc.areas]
        bounds = (self.settings.causes_min, self.settings.causes_max)
        return _timed(lambda: self.analyst.causes_and_measures(problems, kind=kind, count=bounds))

    def revise_section(self, draft_text: str, role: PartRole, number: int, instruction: str,
                       facts: Facts | None = None) -> OperationResult:
        return _timed(lambda: self.reviser.revise(draft_text, role, number, instruction, facts or Facts()))

    def draft_all(self, notice: NoticeSpec, *, org: str, kind: str, facts: Facts,
                  progress: Progress | None = None) -> OperationResult:
        """Title, opening, the parts the notice requires, every area, causes and measures; then the rubric."""
        start = time.perf_counter()
        total = len(notice.areas) + 2
        report = progress or (lambda label, done, total: None)
        result = OperationResult("draft_all", "")
        book = CitationBook()
        report("开头", 0, total)
        opening = self.draft_opening(notice, org=org, kind=kind, facts=facts)
        sections = [title_for(notice, org, kind), opening.text]
        marked = list(sections)
        part = 1
        if "rectification" in notice.required_parts:
            sections.append(rectification_part(part, facts))
            marked.append(sections[-1])
            part += 1
        sections.append(f"{_cn(part)}、存在的主要问题")
        marked.append(sections[-1])
        problems_part = part
        part += 1
        results = [opening]
        used_facts: set[str] = set()  # each fact serves as the example of one item only
        for index in range(1, len(notice.areas) + 1):
            report(f"第{_cn(index)}个方面", index, total)
            area = self.areas.draft(notice, index, org=org, kind=kind, facts=facts, book=book,
                                   used_facts=used_facts)
            results.append(area)
            sections.append(area.text)
            marked.append(area.marked_text)
        if "case" in notice.required_parts:
            sections.append(case_part(part))
            marked.append(sections[-1])
            part += 1
        report("原因和措施", total - 1, total)
        doc = parse("\n".join(sections))
        problems = [(s.index, item.text) for s in doc.areas for item in s.items]
        links = self.analyst.causes_and_measures(problems, kind=kind, book=book,
                                                 count=(self.settings.causes_min, self.settings.causes_max))
        results.append(links)
        data = links.data
        sections += [f"{_cn(part)}、产生问题的原因剖析", *data["causes"], f"{_cn(part + 1)}、下步整改措施", *data["measures"]]
        marked += [f"{_cn(part)}、产生问题的原因剖析", *data["marked_causes"], f"{_cn(part + 1)}、下步整改措施",
                   *data["marked_measures"]]
        result.text = "\n".join(sections) + "\n"
        result.marked_text = "\n".join(marked) + "\n"
        for sub in results:
            result.steps.extend(sub.steps)
            result.warnings.extend(sub.warnings)
        result.citations = book.citations
        report_ = run_rubric(parse(result.text), settings=self.settings, notice=notice, kind=kind)
        result.data = {"rubric": report_.to_dict(), "links": links.data["links"], "problems_part": problems_part}
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
