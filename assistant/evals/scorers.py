"""Scorers: small pure functions, each returning a Score (value, passed, explanation in Chinese).

`passed` is None for measurements without a verdict (tokens, latency). Every scorer carries a version in
SCORERS; bump it when a scorer's meaning changes, so summaries scored differently are never compared blindly.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass

from ..factguard import DOCUMENT, PERSON, PERSON_STOP, SLOT
from ..sucai.model import PROBLEM_KINDS
from ..tokens import count_tokens


@dataclass
class Score:
    value: float
    passed: bool | None
    explanation: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class ScorerSpec:
    version: int
    label: str  # Chinese, for the report
    gated: bool  # compared against the baseline (values are rates in [0, 1])
    higher_is_better: bool | None = True


SCORERS: dict[str, ScorerSpec] = {
    "rubric_pass": ScorerSpec(1, "审读无必须修改项", True),
    "rubric_majors": ScorerSpec(1, "审读“重要”项数", False, False),
    "dimension_top2": ScorerSpec(1, "预期维度在前两位", True),
    "mentions_dimension": ScorerSpec(1, "分析点到第一位维度", True),
    "citation_validity": ScorerSpec(1, "引用有效率", True),
    "invented_facts": ScorerSpec(3, "编造事实比例", True, False),
    "slots": ScorerSpec(1, "待补数", False, False),
    "length": ScorerSpec(1, "篇幅在范围内", True),
    "facts_used": ScorerSpec(1, "用上必含事实", True),
    "untouched": ScorerSpec(1, "其余文字未改动", True),
    "changed_as_asked": ScorerSpec(1, "按要求改掉", True),
    "tokens": ScorerSpec(1, "词元数", False, False),
    "latency_ms": ScorerSpec(1, "模型用时（毫秒）", False, False),
    "recall_at_5": ScorerSpec(1, "前5召回率", True),
    "mrr": ScorerSpec(1, "平均倒数排名", True),
    "judge_win_rate": ScorerSpec(1, "评审模型胜率", False),
    "entries_reached": ScorerSpec(1, "问题素材写入率", True),
    "sort_accuracy": ScorerSpec(1, "素材归类准确率", True),
    "blockers_besides_slots": ScorerSpec(1, "待补以外必须修改项", False, False),
    "bank_share": ScorerSpec(1, "与参考库雷同的句子比例", True, False),
    "cross_unit_share": ScorerSpec(1, "同一通知不同单位雷同的句子比例", True, False),
}

CJK = re.compile(r"[^\u4e00-\u9fff]")
SENTENCE = re.compile(r"[^。！？；\n]+[。！？；]?")
MARKED = re.compile(r"([^\[\]\n]+?)((?:\[\d+\])+)")
SUPPORT_MIN = 0.5  # see citation_validity
FIGURE = re.compile(r"\d+(?:\.\d+)?%?")  # on text after _normal: no grouping commas, half-width
REACHED_MIN = 0.9  # entries_reached: share of the unit's problem entries a material must show
SORT_MIN = 0.85
BANK_SHARE_MAX = 0.25  # bank_share: share of a material's sentences found (nearly) verbatim in the banks
CROSS_SHARE_MAX = 0.10  # cross_unit_share: share of sentences another unit's material for the notice has too  # sort_accuracy: share of problem entries sorted to the expected area
# Placeholders the drafter leaves on purpose: 〔待补：…〕 for a missing fact, 〔参考库建议…〕 where the unit's
# 素材 had nothing for an area and the bank's wording stands in. Counted elsewhere, never a failure here.
DELIBERATE_SLOT = re.compile(r"〔(?:待补|参考库建议)")


def bigrams(text: str) -> set[str]:
    text = CJK.sub("", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


def support(sentence_text: str, passage: str) -> float:
    """Share of the best-supported sentence's character bigrams that the passage also has.

    The best sentence, not the whole unit: a drafted item joins the passage's problem with the drafter's own
    example, and the example is not supposed to come from the passage. On the banks, unrelated pairs score a
    median of 0.07 (99th percentile 0.41); a sentence kept from the passage scores 0.8–1.0. Hence SUPPORT_MIN.
    """
    grams = bigrams(passage)
    shares = [len(b & grams) / len(b) for s in SENTENCE.findall(sentence_text) if len(b := bigrams(s)) >= 4]
    return max(shares, default=0.0)


# ---- rubric -------------------------------------------------------------------------------------------------
def rubric_pass(findings: list[dict]) -> Score:
    """No blocker among the rubric findings (dicts with severity, message). Slots are counted by `slots`."""
    blockers = [f for f in findings if f["severity"] == "blocker"]
    majors = [f for f in findings if f["severity"] == "major"]
    listed = "；".join(f["message"] for f in blockers[:3])
    explanation = f"必须修改{len(blockers)}处，重要{len(majors)}处" + (f"：{listed}" if listed else "")
    return Score(float(not blockers), not blockers, explanation)


def rubric_majors(findings: list[dict]) -> Score:
    majors = [f["message"] for f in findings if f["severity"] == "major"]
    return Score(float(len(majors)), None, "；".join(majors[:3]) or "没有“重要”项")


def _slot(finding: dict) -> bool | None:
    """True for a placeholder finding on a deliberate slot; None for a line's overflow finding ("本行另有N处占位符"),
    which names no placeholder and goes with the others reported on its line. The message, not the excerpt:
    an excerpt shows the neighbourhood, so an "XX" next to a 〔待补〕 would pass for a slot."""
    if finding.get("rule") != "placeholder":
        return False
    if DELIBERATE_SLOT.search(finding["message"]):
        return True
    return None if finding["message"].startswith("本行另有") else False


def blockers_besides_slots(findings: list[dict]) -> Score:
    """Blocker findings other than the deliberate 〔待补〕/〔参考库建议…〕 placeholders: none passes."""
    blockers = [(f, _slot(f)) for f in findings if f["severity"] == "blocker"]
    mixed_lines = {f.get("line") for f, slot in blockers if slot is False and f.get("rule") == "placeholder"}
    real = [f for f, slot in blockers if slot is False or (slot is None and f.get("line") in mixed_lines)]
    listed = "；".join(f["message"] for f in real[:3])
    kept = len(blockers) - len(real)
    return Score(float(len(real)), not real, f"待补和参考库建议以外的必须修改项{len(real)}处" +
                 (f"：{listed}" if listed else "") + (f"（另有{kept}处有意留下的占位）" if kept else ""))


# ---- analysis -----------------------------------------------------------------------------------------------
def dimension_top2(ranked: list[str], expected: list[str]) -> Score:
    top = ranked[:2]
    hit = [d for d in expected if d in top]
    return Score(float(bool(hit)), bool(hit), f"前两位：{'、'.join(top) or '无'}；预期：{'、'.join(expected)}")


def mentions_dimension(reasoning: str, label: str) -> Score:
    """The reasoning names the leading dimension: one of its label words (理论武装, 宗旨意识 …) appears."""
    words = [w for w in label.split("、") if w]
    found = [w for w in words if w in reasoning]
    return Score(float(bool(found)), bool(found), f"提到：{'、'.join(found)}" if found else f"没有提到“{label}”")


# ---- citations ----------------------------------------------------------------------------------------------
def citation_validity(marked_text: str, citations: Iterable[int], passages: dict[int, str]) -> Score:
    """Every [n] exists among the citations and its passage supports the text it follows (≥ SUPPORT_MIN)."""
    known = set(citations)
    total, bad = 0, []
    for unit, marks in MARKED.findall(marked_text):
        for n in map(int, re.findall(r"\d+", marks)):
            total += 1
            if n not in known or n not in passages:
                bad.append(f"[{n}]无对应来源")
            elif (share := support(unit, passages[n])) < SUPPORT_MIN:
                bad.append(f"[{n}]与所注内容重合仅{share:.0%}")
    if not total:
        return Score(1.0, True, "没有引用标记")
    value = (total - len(bad)) / total
    return Score(value, not bad, f"{total - len(bad)}/{total}处有效" + (f"：{'；'.join(bad[:3])}" if bad else ""))


# ---- facts --------------------------------------------------------------------------------------------------
def _normal(text: str) -> str:
    text = text.translate(str.maketrans("０１２３４５６７８９．％，", "0123456789.%,"))
    return re.sub(r"(?<=\d),(?=\d{3})", "", re.sub(r"\s+", "", text))


def _has_figure(figure: str, corpus: str) -> bool:
    """On digit boundaries: "3" is not found inside "13" or "3.5", "91.6%" needs the same figure."""
    return re.search(rf"(?<![\d.]){re.escape(figure)}(?![\d]|\.\d)", corpus) is not None


def mentions(text: str) -> list[str]:
    """Figures, 《titles》 and “X同志” names in the text, outside 〔待补〕 slots."""
    text = _normal(SLOT.sub("", text))
    found = FIGURE.findall(text)
    found += DOCUMENT.findall(text)
    found += [f"{name}同志" for name in PERSON.findall(text)
              if name not in PERSON_STOP and not any(name.endswith(w) for w in PERSON_STOP)]
    return found


def invented_facts(output: str, inputs: list[str]) -> Score:
    """Share of the output's figures, titles and named people that appear in none of the inputs."""
    corpus = _normal("｜".join(inputs))  # a separator _normal keeps: "90%" ending one input is not "90%2024"
    found = mentions(output)
    invented = [m for m in found if not (_has_figure(m, corpus) if m[0].isdigit() else m in corpus)]
    if not found:
        return Score(0.0, True, "没有数字、文件名或人名")
    rate = len(invented) / len(found)
    return Score(rate, not invented, f"{len(found)}处中{len(invented)}处未见于输入" +
                 (f"：{'、'.join(dict.fromkeys(invented))}" if invented else ""))


def facts_used(text: str, must: list[str], must_not: list[str]) -> Score:
    present = [m for m in must if m in text]
    forbidden = [m for m in must_not if m in text]
    value = len(present) / len(must) if must else 1.0
    missing = [m for m in must if m not in text]
    notes = ([f"缺：{'、'.join(missing)}"] if missing else []) + ([f"不应出现：{'、'.join(forbidden)}"] if forbidden else [])
    return Score(value if not forbidden else 0.0, not missing and not forbidden, "；".join(notes) or "必含内容都已用上")


def slots(text: str, limit: int) -> Score:
    count = len(SLOT.findall(text))
    return Score(float(count), count <= limit, f"待补{count}处（上限{limit}）")


def length(texts: list[str], low: int, high: int) -> Score:
    sizes = [len(re.sub(r"\s", "", t)) for t in texts]
    inside = [low <= n <= high for n in sizes]
    value = sum(inside) / len(inside) if inside else 0.0
    return Score(value, bool(inside) and all(inside), f"字数{'、'.join(map(str, sizes)) or '无'}（范围{low}–{high}）")


# ---- revision -----------------------------------------------------------------------------------------------
def untouched(original: str, revised: str, section: str, must_keep: list[str]) -> Score:
    """Every character outside the revised section is unchanged, and what had to stay is still there."""
    start = original.find(section)
    if start < 0:
        return Score(0.0, False, "原文中找不到要修改的那一节")
    before, after = original[:start], original[start + len(section):].rstrip("\n")
    kept = revised.startswith(before) and revised.rstrip("\n").endswith(after) \
        and len(revised.rstrip("\n")) >= len(before) + len(after)
    middle = revised[len(before):len(revised.rstrip("\n")) - len(after)] if kept else revised
    lost = [m for m in must_keep if m not in middle]
    notes = ([] if kept else ["其他部分的文字被改动"]) + ([f"丢了：{'、'.join(lost)}"] if lost else [])
    return Score(float(kept and not lost), kept and not lost, "；".join(notes) or "其余文字未改动，应保留的都在")


def changed_as_asked(section: str, must_change: list[str]) -> Score:
    left = [m for m in must_change if m in section]
    return Score(float(not left), not left, f"仍有：{'、'.join(left)}" if left else "要改的表述已改掉")


# ---- 素材 -------------------------------------------------------------------------------------------------
def _has_mark(mark: str, corpus: str) -> bool:
    """A mark in the normalised material; one that starts with a figure not inside a longer one ("46件" ≠ "146件")."""
    mark = _normal(mark)
    if mark[:1].isdigit():
        return re.search(rf"(?<![\d.]){re.escape(mark)}", corpus) is not None
    return mark in corpus


def entries_reached(material: str, entries: list[dict]) -> Score:
    """Share of the unit's problem entries (dicts with kind, text, marks) with at least one mark in the material."""
    corpus = _normal(material)
    problems = [e for e in entries if e["kind"] in PROBLEM_KINDS]
    if not problems:
        return Score(1.0, True, "素材中没有问题类条目")
    missed = [e for e in problems if not any(_has_mark(m, corpus) for m in e.get("marks", []))]
    value = (len(problems) - len(missed)) / len(problems)
    shown = "、".join(f"“{(e.get('marks') or [e['text'][:10]])[0]}”" for e in missed[:3])
    shown += "等" if len(missed) > 3 else ""
    return Score(value, value >= REACHED_MIN, f"{len(problems) - len(missed)}/{len(problems)}条问题素材写入材料" +
                 (f"；未见：{shown}" if missed else ""))


def sort_accuracy(predicted: dict[str, int | None], expected: dict[str, int]) -> Score:
    """Share of problem entries (by id) sorted to the expected area; an entry left unsorted or missing is wrong."""
    if not expected:
        return Score(1.0, True, "没有需要归类的问题素材")
    wrong = [(key, predicted.get(key), area) for key, area in expected.items() if predicted.get(key) != area]
    value = (len(expected) - len(wrong)) / len(expected)
    shown = "、".join(f"{key}{'未归类' if got is None else f'归入第{got}方面'}（应为第{area}方面）"
                     for key, got, area in wrong[:3])
    shown += "等" if len(wrong) > 3 else ""
    return Score(value, value >= SORT_MIN, f"{len(expected) - len(wrong)}/{len(expected)}条归入预期方面" +
                 (f"；{shown}" if wrong else ""))


# ---- cost and retrieval -------------------------------------------------------------------------------------
def tokens(prompts: list[str], replies: list[str], counter: Callable[[str], int] = count_tokens) -> Score:
    sent, received = sum(map(counter, prompts)), sum(map(counter, replies))
    return Score(float(sent + received), None, f"输入{sent}，输出{received}")


def latency(milliseconds: float, calls: int) -> Score:
    return Score(round(milliseconds, 1), None, f"{calls}次模型调用共{milliseconds / 1000:.1f}秒")


def recall_at_k(ranked: list[str], relevant: list[str], k: int = 5) -> Score:
    hits = [r for r in relevant if r in ranked[:k]]
    value = len(hits) / len(relevant) if relevant else 0.0
    return Score(value, bool(hits), f"前{k}条命中{len(hits)}/{len(relevant)}")


def reciprocal_rank(ranked: list[str], relevant: list[str]) -> Score:
    rank = next((i for i, r in enumerate(ranked, start=1) if r in relevant), None)
    return Score(1.0 / rank if rank else 0.0, None, f"第一条相关结果排第{rank}" if rank else "没有相关结果")


def bank_share(share: float) -> Score:
    """The share of the material's sentences (≥ 20 characters, headings and slots left out) that the banks
    hold verbatim or nearly (assistant.similarity); at most 25% passes."""
    return Score(share, share <= BANK_SHARE_MAX, f"{share:.0%}的句子与参考库雷同")


def cross_unit_share(share: float, others: int) -> Score:
    """The share of the material's sentences that other units' materials for the same notice also have."""
    return Score(share, share <= CROSS_SHARE_MAX, f"与同一通知的另外{others}份材料雷同的句子占{share:.0%}")
