"""What drafting an area's items shares: the heading, the item's shape (repair and validation), the bank's
own wording of a problem, and the bank problems that fill an area the drafter's 素材 leaves thin; and the
example sentences suggested for one problem the drafter wrote."""

from __future__ import annotations

import re

from ..notices import NoticeArea, NoticeSpec
from ..numbering import int_to_cn
from ..sucai.model import bigrams
from .base import OperationResult, StepLog
from .catalog import Catalog, Facts, fits_kind

EMBED_CHARS = 300  # a suggestion query: the area, then as much of the unit's problems as the encoder reads well
EXAMPLE_START = re.compile(r"(?:比如|例如)，")
VOICE = {"banzi": "领导班子（用“班子”“班子成员”“有的班子成员”）", "geren": "个人（用“我”“本人”）"}


def area_heading(number: int, area: NoticeArea) -> str:
    core = area.title.removeprefix("在").removesuffix("方面")
    return f"（{int_to_cn(number)}）在{core}方面"


INNER_SLOT = re.compile(r"〔待补[：:]([^〕]*)〕")


def bank_suggestion(ordinal: str, problem: dict) -> str:
    """A bank problem offered where the drafter's 素材 is thin: its headline and analysis, and its example
    pattern only as guidance inside a slot, since an example must be the unit's own event."""
    text = problem["text"].strip()
    if not text.startswith(problem["headline"]):
        text = f"{problem['headline']}。{text}"
    pattern = INNER_SLOT.sub(r"（\1）", problem["example"].strip()).removeprefix("比如，").removeprefix("例如，")
    pattern = pattern.replace("〔", "（").replace("〕", "）").rstrip("。")
    return f"{ordinal}是{text.rstrip('。')}。比如，〔待补：本单位的具体事例，可参照“{pattern}”〕。"


LEADING_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]{1,2}是|[（(][一二三四五六七八九十]{1,2}[）)]|\d+[.、．])\s*")


NOT_GIVEN = re.compile(r"[（(](?:没有提供|无)[^）)]{0,20}[）)][，,]?")  # the prompt's "（没有提供）" echoed into the text
REPEATED_SENTENCE = re.compile(r"([^。！？；]{4,}[。！？；])\1+")  # a sentence written twice in a row


def repair_item(ordinal: str, headline: str, entries: list[str] = ()):
    """Small models continue the few-shot numbering (三是 after 一是, 二是): set the ordinal in code. They also
    sometimes write the headline twice; the second copy goes, and so does the prompt's "（没有提供）" echoed
    back. An item whose example lacks its 比如，is marked (mark_example)."""

    def fix(text: str) -> str:
        text = NOT_GIVEN.sub("", REPEATED_SENTENCE.sub(r"\1", text.strip().split("\n")[0].strip()))
        if LEADING_ORDINAL.match(text):
            text = f"{ordinal}是" + LEADING_ORDINAL.sub("", text, count=1)
        elif text.startswith(headline[:4]):
            text = f"{ordinal}是{text}"
        return mark_example(text, entries)

    return fix


SENTENCE = re.compile(r"[^。！？]+[。！？]?")
BARE_EXAMPLE = re.compile(r"(比如|例如)(?![，,])")
MIN_EXAMPLE_CHARS = 10


def mark_example(text: str, entries: list[str] = ()) -> str:
    """The model often writes the unit's event without the genre's 比如，: the example is marked in code. It is
    the sentence after the headline sentence that shares most wording with the unit's entries (the last one
    when none is given); in an item of one sentence, what follows its first clause. Text that has its 比如，
    or gives no room for an example is returned as is (validation then asks the model again)."""
    if EXAMPLE_START.search(text):
        return text
    if BARE_EXAMPLE.search(text):
        return BARE_EXAMPLE.sub(r"\1，", text, count=1)
    sentences = SENTENCE.findall(text)
    if len(sentences) >= 2:
        grams = [bigrams(e) for e in entries]
        rest = sentences[1:]
        scores = [max((len(g & bigrams(s)) / len(g) for g in grams if g), default=0.0) for s in rest]
        # the sentence nearest the entries, the earlier on a tie; with no entries' wording anywhere, the last one
        best = max(range(len(rest)), key=lambda i: (scores[i], -i)) if any(scores) else len(rest) - 1
        if len(rest[best]) < MIN_EXAMPLE_CHARS:
            return text
        return "".join(sentences[:1 + best]) + "比如，" + "".join(rest[best:])
    head, comma, tail = text.partition("，")
    if not comma or len(tail) < MIN_EXAMPLE_CHARS:
        return text
    return f"{head}。比如，{tail}"


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


class BankProblems:
    """The bank's problems for an area, in this voice, one per theme while there is choice: the suggestions
    that fill an area where the drafter's 素材 has too little."""

    def __init__(self, *, retriever, catalog: Catalog, items_per_area: int = 3) -> None:
        self.retriever = retriever
        self.catalog = catalog
        self.items_per_area = items_per_area

    def choose(self, notice: NoticeSpec, area: NoticeArea, kind: str, about: str = "") -> list:
        """`about`: the unit's other problems, so the suggestions lean to what this unit is like."""
        area_ref = f"{notice.id}:{area.index}" if notice.source == "preset" else None
        # Within a preset's area the unit's own problems lead the query, so two units of one notice are not
        # offered the same suggestions; without area labels the area's wording must lead.
        by_area = f"{area.title} {area.short} {about}"[:EMBED_CHARS]
        query = about[:EMBED_CHARS] if area_ref and about else by_area
        passages = self.retriever.search(query, 12, kind="problem", area=area_ref) if area_ref else []
        if len(passages) < self.items_per_area:
            passages += self.retriever.search(by_area, 12, kind="problem")
        candidates = {}
        for passage in passages:
            entry = self.catalog.get(passage.id)
            if entry is not None and fits_kind(entry, kind) and passage.id not in candidates:
                candidates[passage.id] = (passage, entry)
        chosen, themes = [], set()
        for passage, entry in candidates.values():
            if len(chosen) >= self.items_per_area:
                break
            if entry.get("area_theme") in themes and len(candidates) > self.items_per_area * 2:
                continue
            themes.add(entry.get("area_theme"))
            chosen.append(passage)
        return chosen


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
