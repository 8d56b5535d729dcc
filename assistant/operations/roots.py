"""Causes and measures for the unit's own problems, and the problem → cause → measure map.

Retrieval ranks the cause dimensions of each drafted problem (the analyze votes); the dimensions the
unit's problems lean on most are chosen, 4–6 of them, every area's leading one included. Each cause is
written by the model from the bank's cause (the root, in the genre's words) and the problems it explains;
each measure answers named problems, with owner and deadline from the facts or as slots. At least one
measure answers every area.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..numbering import int_to_cn
from ..rubric.lexicon import DIMENSION_LABELS
from ..similarity import SentenceCorpus, shared_share
from .areas import VOICE
from .base import CitationBook, OperationResult
from .catalog import DIMENSION_ORDER, Facts
from .from_sucai import BANK_MARK
from .owners import (DEADLINE, OWNER, SLOT_DEADLINE, SLOT_OWNER, append_owner, first_owned, owned_end,
                     owner_and_deadline, owner_lines, unsupported_owner_to_slot)

PARAGRAPH_CHARS = (40, 360)  # a cause or measure paragraph's length, in characters
COPIED = 0.5  # share of a paragraph's sentences found in the reference above which it counts as copied
BANK_WEIGHT = 0.5  # a bank suggestion counts for less than a problem the unit raised itself


def subject(kind: str) -> str:
    return "班子" if kind == "banzi" else "我"


def problem_lines(problems: list[dict]) -> str:
    return "\n".join(f"- 第{int_to_cn(p['area'])}个方面：{p['headline']}" for p in problems)


EXAMPLE_CHARS = 50  # of a problem's example, enough to name the place and the event


def clipped(example: str, limit: int = EXAMPLE_CHARS) -> str:
    """The start of an example, cut after a whole clause where one ends in the second half of the limit, and
    never inside a figure or a slot: "优良路率85%" cut to "优良路率8" would show the model a figure of its own."""
    if len(example) <= limit:
        return example
    cut = example[:limit]
    boundary = max(cut.rfind(mark) for mark in "，；、。")
    if boundary >= limit // 2:
        return cut[:boundary]
    return re.sub(r"(?:〔[^〕]*|[\d.．%％]+)$", "", cut)


def problem_details(problems: list[dict]) -> str:
    """Each problem with the start of its example, so a cause or measure can speak of this unit's events."""
    lines = []
    for p in problems:
        example = p.get("text", "").split("比如，", 1)[1] if "比如，" in p.get("text", "") else ""
        example = "" if example.startswith("〔") else clipped(example).rstrip("，。；")
        lines.append(f"- {p['headline']}" + (f"（事例：{example}）" if example else ""))
    return "\n".join(lines)


def numbered(ordinal: str, reference: str = ""):
    """The paragraph's shape, and that it is written for these problems, not the reference copied."""
    copied = SentenceCorpus()
    copied.add(reference, "参考")

    def check(text: str) -> str | None:
        if not text.startswith(ordinal):
            return f"要以“{ordinal}”开头"
        if not PARAGRAPH_CHARS[0] <= len(text) <= PARAGRAPH_CHARS[1]:
            return "写3至4句话，不超过200字"
        if "\n" in text.strip():
            return "只写一段"
        if reference and shared_share(text, copied) > COPIED:
            return "不要照抄参考内容，要结合上面列出的本单位问题重新写"
        return None

    return check


AREA_LIST = re.compile(r"第[一二三四五六七八九十]+个方面[：:][^；;。]*[；;。]?")  # the problem list echoed back


def renumber(ordinal: str):
    def fix(text: str) -> str:
        text = AREA_LIST.sub("", text.strip().split("\n")[0].strip()).strip()
        return ordinal + re.sub(r"^[（(][一二三四五六七八九十]+[）)]\s*", "", text)

    return fix


class RootsWriter:
    def __init__(self, *, analyst, step) -> None:
        self.analyst = analyst
        self.step = step

    def write(self, problems: list[dict], *, kind: str, facts: Facts, count: tuple[int, int] = (4, 6),
              book: CitationBook | None = None) -> OperationResult:
        book = book or CitationBook()
        result = OperationResult("causes_and_measures", "")
        ranked_by_problem, near = self.rank(problems)
        dimensions = self.choose(problems, ranked_by_problem, count)
        owners = owner_lines(facts.lines)
        causes, measures, used_causes, used_measures = [], [], set(), set()
        for dimension in dimensions:
            explained = [p for p in problems if dimension in ranked_by_problem[p["id"]][:2]] or \
                        [p for p in problems if dimension in ranked_by_problem[p["id"]]][:3]
            cause = self.analyst.best_cause(dimension, kind, near, used_causes)
            if cause is None:
                continue
            used_causes.add(cause["id"])
            causes.append(self._cause(len(causes) + 1, dimension, cause, explained, kind, book, result))
            measure = self.analyst.best_measure(cause, kind, used_measures)
            if measure is not None:
                used_measures.add(measure["id"])
                measures.append(self._measure(len(measures) + 1, measure, explained, causes[-1]["id"], kind,
                                              owners, book, result))
        covered = {p["area"] for m in measures for p in problems if p["id"] in m["problems"]}
        for area in sorted({p["area"] for p in problems} - covered):
            mine = [p for p in problems if p["area"] == area]
            dimension = ranked_by_problem[mine[0]["id"]][0] if ranked_by_problem[mine[0]["id"]] else "discipline"
            cause = self.analyst.best_cause(dimension, kind, near)
            measure = self.analyst.best_measure(cause, kind, used_measures) if cause else None
            if measure is None:
                continue
            used_measures.add(measure["id"])
            link = next((c["id"] for c in causes if c["dimension"] == dimension), causes[0]["id"] if causes else "")
            measures.append(self._measure(len(measures) + 1, measure, mine, link, kind, owners, book, result))
        result.text = "\n".join([*(c["text"] for c in causes), *(m["text"] for m in measures)])
        result.marked_text = result.text
        result.citations = book.citations
        result.data = {"causes": causes, "measures": measures}
        return result

    def rank(self, problems: list[dict]) -> tuple[dict[str, list[str]], list]:
        """Each problem's dimensions, strongest first: retrieval votes for the unit's own problems, the
        bank's labels for bank suggestions."""
        ranked, near = {}, []
        for problem in problems:
            if problem["origin"] == "bank" and problem["dimensions"]:
                ranked[problem["id"]] = list(problem["dimensions"])
                continue
            scores, near_causes = self.analyst.rank_dimensions(problem["text"])
            near.extend(near_causes)
            ranked[problem["id"]] = [s.id for s in scores] or list(problem["dimensions"])
        return ranked, near

    @staticmethod
    def choose(problems: list[dict], ranked: dict[str, list[str]], count: tuple[int, int]) -> list[str]:
        totals: dict[str, float] = defaultdict(float)
        leading: dict[int, str] = {}
        for problem in problems:
            weight = BANK_WEIGHT if problem["origin"] == "bank" else 1.0
            for rank, dimension in enumerate(ranked[problem["id"]][:3]):
                totals[dimension] += weight / (rank + 1)
            if ranked[problem["id"]] and problem["origin"] == "sucai":
                leading.setdefault(problem["area"], ranked[problem["id"]][0])
        chosen = list(dict.fromkeys(leading.values()))
        for dimension in sorted(totals, key=lambda d: -totals[d]):
            if len(chosen) >= count[0]:
                break
            if dimension not in chosen:
                chosen.append(dimension)
        chosen = sorted(chosen, key=lambda d: -totals[d])[: count[1]]
        return [d for d in DIMENSION_ORDER if d in chosen]

    def _cause(self, number, dimension, cause, explained, kind, book, result) -> dict:
        ordinal = f"（{int_to_cn(number)}）"
        n = book.cite(cause["id"], "原因参考库", cause["title"])
        headlines = "、".join(f"“{p['headline']}”" for p in explained[:3])
        fallback = (f"{ordinal}{cause['title']}。" + (f"{headlines}等问题，根子就在这里。" if headlines else "")
                    + f"{cause['text']}{BANK_MARK}")
        values = {"voice": VOICE[kind], "ordinal": ordinal, "dimension": DIMENSION_LABELS[dimension],
                  "cause": f"{cause['title']}。{cause['text']}", "cause_title": cause["title"],
                  "problems": problem_lines(explained) or "（无）",
                  "problem_details": problem_details(explained) or "（无）"}
        outcome = self.step.run("causes_and_measures", "cause_for_problems", values,
                                sources=[values["cause"], values["problems"], values["problem_details"]],
                                fallback=fallback,
                                validate=numbered(ordinal, cause["text"]), repair=renumber(ordinal))
        result.steps.append(outcome.log)
        if outcome.log.outcome in ("error", "fallback"):
            result.warnings.append(f"原因{ordinal}模型生成未成功（{outcome.log.note}），已采用参考库原文并标明，请修改")
        return {"id": f"c{number}", "dimension": dimension, "text": outcome.text, "bank": cause["id"],
                "problems": [p["id"] for p in explained], "citation": n}

    def _measure(self, number, measure, answered, cause_id, kind, owners, book, result) -> dict:
        ordinal = f"（{int_to_cn(number)}）"
        n = book.cite(measure["id"], "措施参考库", measure["title"])
        headlines = "、".join(f"“{p['headline']}”" for p in answered[:3])
        fallback = f"{ordinal}{measure['title']}。针对{headlines or '上述'}等问题，{measure['text']}{BANK_MARK}"
        owner_facts = "；".join(owners) or "（没有提供）"
        values = {"voice": VOICE[kind], "ordinal": ordinal, "measure": f"{measure['title']}。{measure['text']}",
                  "measure_title": measure["title"], "problems": problem_lines(answered) or "（无）",
                  "problem_details": problem_details(answered) or "（无）", "facts": owner_facts}

        appends = self.step.prompt("measure_for_problems").appends_owner  # the model writes the measure alone
        owner, deadline = owner_and_deadline(owners, f"{measure['title']}{values['problem_details']}")

        def with_owner(text: str) -> str:
            text = first_owned(renumber(ordinal)(text))
            if appends:
                return append_owner(text, owner, deadline, mark=BANK_MARK)
            text = unsupported_owner_to_slot(text, owner_facts)
            if not OWNER.search(text):
                text = f"{text.removesuffix(BANK_MARK).rstrip('。')}。责任人：{SLOT_OWNER}；完成时限：{SLOT_DEADLINE}。" \
                    + (BANK_MARK if text.endswith(BANK_MARK) else "")
            return text

        outcome = self.step.run("causes_and_measures", "measure_for_problems", values,
                                sources=[values["measure"], values["problems"], values["problem_details"], owner_facts],
                                fallback=with_owner(fallback),
                                validate=numbered(ordinal, measure["text"]), repair=with_owner,
                                complete=None if appends else lambda text: owned_end(text) is not None)
        result.steps.append(outcome.log)
        if outcome.log.outcome in ("error", "fallback"):
            result.warnings.append(f"措施{ordinal}模型生成未成功（{outcome.log.note}），已采用参考库原文并标明，请修改")
        owner, deadline = OWNER.search(outcome.text), DEADLINE.search(outcome.text)
        return {"id": f"m{number}", "text": outcome.text, "bank": measure["id"], "cause": cause_id,
                "problems": [p["id"] for p in answered], "areas": sorted({p["area"] for p in answered}),
                "owner": owner.group(1).strip() if owner else SLOT_OWNER,
                "deadline": deadline.group(1).strip() if deadline else SLOT_DEADLINE, "citation": n}
