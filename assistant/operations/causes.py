"""Root causes and measures. Retrieval ranks the cause dimensions (votes of the nearest labelled problems
and causes); the model only explains the ranking. Measures come from the banks' cause → measure links."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..numbering import int_to_cn
from ..rubric.lexicon import DIMENSION_LABELS
from .base import CitationBook, OperationResult, StepLog
from .catalog import DIMENSION_ORDER, Catalog, fits_kind

NEIGHBOURS = 8
SECONDARY_WEIGHTS = (1.0, 0.5, 0.3)


@dataclass
class DimensionScore:
    id: str
    score: float

    @property
    def label(self) -> str:
        return DIMENSION_LABELS[self.id]

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "score": round(self.score, 3)}


class CauseAnalyst:
    def __init__(self, *, retriever, catalog: Catalog, step) -> None:
        self.retriever = retriever
        self.catalog = catalog
        self.step = step

    def rank_dimensions(self, problem: str) -> tuple[list[DimensionScore], list]:
        """Votes: each near problem gives its cause dimensions (primary first), each near cause its own."""
        votes: dict[str, float] = defaultdict(float)
        problems = self.retriever.search(problem, NEIGHBOURS, kind="problem")
        causes = self.retriever.search(problem, NEIGHBOURS, kind="cause")
        for rank, passage in enumerate(problems):
            entry = self.catalog.get(passage.id) or {}
            for weight, dimension in zip(SECONDARY_WEIGHTS, entry.get("causes", [])):
                votes[dimension] += weight / (rank + 1)
        for rank, passage in enumerate(causes):
            entry = self.catalog.get(passage.id) or {}
            if entry.get("dimension"):
                votes[entry["dimension"]] += 1.0 / (rank + 1)
        total = sum(votes.values()) or 1.0
        ranked = sorted((DimensionScore(d, v / total) for d, v in votes.items()), key=lambda s: -s.score)
        return ranked, causes

    def best_cause(self, dimension: str, kind: str, near: list, exclude: set[str] = frozenset()) -> dict | None:
        """The nearest cause passage of the dimension in the right voice, else the bank's first one."""
        for passage in near:
            entry = self.catalog.get(passage.id)
            if entry and entry["dimension"] == dimension and fits_kind(entry, kind) and entry["id"] not in exclude:
                return entry
        candidates = [c for c in self.catalog.causes_of(dimension, kind) if c["id"] not in exclude]
        return candidates[0] if candidates else None

    def best_measure(self, cause: dict, kind: str, exclude: set[str] = frozenset()) -> dict | None:
        linked = [m for m in self.catalog.measures_for(cause["id"]) if fits_kind(m, kind) and m["id"] not in exclude]
        return linked[0] if linked else None

    def analyze(self, problem: str, *, kind: str = "banzi", top: int = 2) -> OperationResult:
        ranked, near_causes = self.rank_dimensions(problem)
        result = OperationResult("analyze_problem", "")
        book = CitationBook()
        causes, measures = [], []
        for score in ranked[:top]:
            cause = self.best_cause(score.id, kind, near_causes)
            if cause is None:
                continue
            n = book.cite(cause["id"], "原因参考库", cause["title"])
            causes.append({"text": f"{cause['title']}。{cause['text']}", "citations": [cause["id"]], "n": n,
                           "dimension": score.id})
            measure = self.best_measure(cause, kind)
            if measure:
                m = book.cite(measure["id"], "措施参考库", measure["title"])
                measures.append({"text": f"{measure['title']}。{measure['text']}", "citations": [measure["id"]], "n": m})
        labels = "、".join(f"{s.label}（{s.score:.0%}）" for s in ranked[:top])
        fallback = f"从相近问题的剖析看，这一问题的根源主要在{labels}方面。"
        values = {"problem": problem, "dimensions": labels,
                  "causes": "\n".join(c["text"] for c in causes) or "（无）"}
        outcome = self.step.run("analyze_problem", "cause_explain", values, sources=[problem, values["causes"]],
                                fallback=fallback,
                                validate=lambda t: None if 20 <= len(t) <= 400 else "写2至3句话，不超过200字")
        result.steps.append(outcome.log)
        result.data = {"dimensions": [s.to_dict() for s in ranked], "causes": causes, "measures": measures,
                       "reasoning": outcome.text}
        result.text = "\n".join([outcome.text, *[c["text"] for c in causes], *[m["text"] for m in measures]])
        result.marked_text = "\n".join([outcome.text, *[f"{c['text']}[{c['n']}]" for c in causes],
                                        *[f"{m['text']}[{m['n']}]" for m in measures]])
        result.citations = book.citations
        return result

    def causes_and_measures(self, problems: list[tuple[int, str]], *, kind: str, count: tuple[int, int] = (3, 6),
                            book: CitationBook | None = None) -> OperationResult:
        """Causes and measures for (area index, problem text) pairs, every area answered by some cause."""
        result = OperationResult("causes_and_measures", "")
        totals: dict[str, float] = defaultdict(float)
        area_top: dict[int, str] = {}
        near: list = []
        per_problem = []
        for area, text in problems:
            ranked, near_causes = self.rank_dimensions(text)
            near.extend(near_causes)
            per_problem.append((area, text, ranked))
            for score in ranked:
                totals[score.id] += score.score
            if ranked and area not in area_top:
                area_top[area] = ranked[0].id
        chosen = set(area_top.values())  # every area's leading dimension, then the strongest overall
        for dimension in sorted(totals, key=lambda d: -totals[d]):
            if len(chosen) >= count[0]:
                break
            chosen.add(dimension)
        ordered = [d for d in DIMENSION_ORDER if d in chosen][: count[1]]
        book = book or CitationBook()
        cause_lines, measure_lines, used_causes, used_measures, links = [], [], set(), set(), []
        marked_causes, marked_measures = [], []
        for number, dimension in enumerate(ordered, start=1):
            cause = self.best_cause(dimension, kind, near, used_causes)
            if cause is None:
                continue
            used_causes.add(cause["id"])
            n = book.cite(cause["id"], "原因参考库", cause["title"])
            line = f"（{int_to_cn(number)}）{cause['title']}。{cause['text']}"
            cause_lines.append(line)
            marked_causes.append(f"{line}[{n}]")
            measure = self.best_measure(cause, kind, used_measures)
            if measure:
                used_measures.add(measure["id"])
                m = book.cite(measure["id"], "措施参考库", measure["title"])
                mline = f"（{int_to_cn(len(measure_lines) + 1)}）{measure['title']}。{measure['text']}"
                measure_lines.append(mline)
                marked_measures.append(f"{mline}[{m}]")
            links.append({"dimension": dimension, "cause": cause["id"], "measure": measure["id"] if measure else None,
                          "areas": sorted({a for a, _, r in per_problem if r and dimension in [s.id for s in r[:2]]})})
        result.steps.append(StepLog("template", "template"))
        result.text = "\n".join(["二、产生问题的原因剖析", *cause_lines, "三、下步整改措施", *measure_lines])
        result.marked_text = "\n".join(["二、产生问题的原因剖析", *marked_causes, "三、下步整改措施", *marked_measures])
        result.data["marked_causes"], result.data["marked_measures"] = marked_causes, marked_measures
        result.citations = book.citations
        uncovered = sorted(set(a for a, _ in problems) - {a for link in links for a in link["areas"]})
        result.data.update(links=links, causes=cause_lines, measures=measure_lines, uncovered_areas=uncovered)
        if uncovered:
            result.warnings.append(f"第{'、'.join(int_to_cn(a) for a in uncovered)}个方面的问题没有直接对应的原因，请检查")
        return result
