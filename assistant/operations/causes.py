"""Root causes of one problem. Retrieval ranks the cause dimensions (votes of the nearest labelled problems
and causes); the model only explains the ranking. Measures come from the banks' cause → measure links.
The causes and measures of a whole material are written in roots.py on these rankings."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from ..rubric.lexicon import DIMENSION_LABELS
from .base import CitationBook, OperationResult
from .catalog import Catalog, fits_kind

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
