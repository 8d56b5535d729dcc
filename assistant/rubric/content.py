"""Content rules: what a reviewer sends back even when the form is right.

Problems need concrete examples, must be shortcomings rooted in thinking and specific to the unit;
causes must be subjective and go deeper than the problem; measures need an action, a time and an owner;
no sentence may be copied from the reference banks or shared with another unit's material.
"""

from __future__ import annotations

import re

from ..document import Item, Line, PartRole
from ..numbering import int_to_cn
from ..similarity import BANK_LABEL, SentenceCorpus, bank_corpus, compare
from .core import CheckContext, Severity, rule
from .lexicon import (ACHIEVEMENT_WORDS, ACTION, DEADLINE, DEFICIT_WORDS, DISGUISED_PRAISE, OBJECTIVE_EXCUSES, OWNER,
                      SPECIFIC, THINKING_WORDS, VAGUE_WORDS, WORK_WORDS)

SENTENCE = re.compile(r"[^。！？；]+[。！？；]?")
STOCK_PHRASES = re.compile(
    r"学习不够深入|理论联系实际不够|学用结合不够|系统性不强|还有差距|有待提高|还需加强|不够到位|还不够|存在差距|有所欠缺|有所松懈"
)
DUPLICATE_MIN_CHARS = 24
LEADING_NUMBER = re.compile(r"^(?:[（(][一二三四五六七八九十]{1,3}[）)]|[一二三四五六七八九十]{1,3}[是、])")
CAUSE_MIN_CHARS = 30
RESTATE_OVERLAP = 0.7


def _item_line(ctx: CheckContext, item: Item) -> Line:
    return next(line for line in ctx.lines if line.no == item.line)


@rule("no-example")
def no_example(ctx: CheckContext):
    for match in ctx.area_matches:
        section = match.section
        items = section.items
        if not items:
            yield ctx.finding("no-example", Severity.MAJOR, f"第{int_to_cn(section.index)}个方面没有按“一是、二是”分条列出问题",
                              "每个方面写2至3条问题，每条都配具体事例", section.heading_line)
            continue
        low, high = ctx.settings.items_per_area_min, ctx.settings.items_per_area_max
        if not low <= len(items) <= high:
            yield ctx.finding("no-example", Severity.MINOR, f"第{int_to_cn(section.index)}个方面列了{len(items)}条问题，通常为{low}至{high}条",
                              "请合并相近的问题或补充遗漏的问题", section.heading_line)
        for item in items:
            if not item.examples and not SPECIFIC.search(item.text):
                yield ctx.finding("no-example", Severity.MAJOR, f"“{item.headline[:20]}”没有具体事例",
                                  "请用“比如，”写出时间、事件、数字等具体事实，做到见人见事见思想",
                                  _item_line(ctx, item), item.headline)


@rule("achievement-as-problem")
def achievement_as_problem(ctx: CheckContext):
    for section in ctx.doc.areas:
        for item in section.items:
            praise = DISGUISED_PRAISE.search(item.text)
            achievements = ACHIEVEMENT_WORDS.findall(item.text)
            deficits = DEFICIT_WORDS.findall(item.headline)
            if praise or (len(achievements) >= 2 and not deficits):
                yield ctx.finding("achievement-as-problem", Severity.MAJOR,
                                  f"“{item.headline[:20]}”读起来像成绩或变相表扬，不像问题",
                                  "问题要直指不足，删去成绩性表述，写清差距在哪里、根子在哪里",
                                  _item_line(ctx, item), (praise.group(0) if praise else item.headline))


@rule("work-not-thinking")
def work_not_thinking(ctx: CheckContext):
    for section in ctx.doc.areas:
        items = section.items
        if not items:
            continue
        work_only = [item for item in items if WORK_WORDS.search(item.text) and not THINKING_WORDS.search(item.text)]
        if len(work_only) == len(items):
            yield ctx.finding("work-not-thinking", Severity.MAJOR,
                              f"第{int_to_cn(section.index)}个方面的问题都停留在工作层面，没有触及思想",
                              "请从思想认识、政治站位、党性修养上查找问题，以工作表现为佐证，不要以工作问题代替思想问题",
                              section.heading_line)
        else:
            for item in work_only:
                yield ctx.finding("work-not-thinking", Severity.MINOR, f"“{item.headline[:20]}”只写了工作问题",
                                  "请点明这一问题反映出的思想认识或作风上的根子", _item_line(ctx, item), item.headline)


@rule("generic")
def generic(ctx: CheckContext):
    for section in ctx.doc.areas:
        for item in section.items:
            if not SPECIFIC.search(item.text) and len(STOCK_PHRASES.findall(item.text)) >= 2:
                yield ctx.finding("generic", Severity.MINOR, f"“{item.headline[:20]}”是共性表述，看不出本单位的特点",
                                  "请结合本单位、本人分管工作的实际情况写出个性问题", _item_line(ctx, item), item.headline)
    yield from _duplicates(ctx)


def _duplicates(ctx: CheckContext):
    """Sentences written twice: copied between areas, or between problems and measures."""
    seen: dict[str, Line] = {}
    for line in ctx.lines:
        for sentence in SENTENCE.findall(line.plain):
            key = LEADING_NUMBER.sub("", sentence.strip("。！？； "))
            if len(key) < DUPLICATE_MIN_CHARS:
                continue
            if key in seen and seen[key].no != line.no:
                yield ctx.finding("generic", Severity.MAJOR, f"这句话与第{seen[key].no}行重复",
                                  "避免照抄照搬，同一内容只写一处，或改写为针对这一方面的具体表述", line, key)
            seen.setdefault(key, line)


def _units(ctx: CheckContext, role: PartRole) -> list[tuple[Line, str]]:
    """(line, text) for each section of a part, or each item when the part has no sections."""
    part = ctx.doc.part(role)
    if part is None:
        return []
    if part.sections:
        return [(section.heading_line, section.text) for section in part.sections]
    return [(_item_line(ctx, item), item.text) for item in part.items] or [(part.heading_line, part.text)]


def _bigrams(text: str) -> set[str]:
    text = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)}


@rule("shallow-cause")
def shallow_cause(ctx: CheckContext):
    causes = _units(ctx, PartRole.CAUSES)
    headlines = [item.headline for section in ctx.doc.areas for item in section.items]
    problem_grams = [(_bigrams(h), h) for h in headlines if len(h) >= 8]
    for line, text in causes:
        excuse = OBJECTIVE_EXCUSES.search(text)
        if excuse:
            yield ctx.finding("shallow-cause", Severity.MAJOR, f"原因剖析归咎于客观条件：“{excuse.group(0)}”",
                              "原因要从主观上找，深挖理想信念、党性修养、宗旨意识等方面的根源", line, excuse.group(0))
        if len(re.sub(r"\s", "", text)) < CAUSE_MIN_CHARS:
            yield ctx.finding("shallow-cause", Severity.MINOR, "这条原因只有一句话，剖析不够深入",
                              "请写清这一原因的表现和危害，由表及里", line)
        head = re.split(r"[。！？；]", text, maxsplit=1)[0]
        grams = _bigrams(head)
        for problem_grams_set, problem in problem_grams:
            if grams and len(grams & problem_grams_set) / len(grams) >= RESTATE_OVERLAP:
                yield ctx.finding("shallow-cause", Severity.MAJOR, "这条原因几乎是在重复问题本身",
                                  "原因要回答“为什么会出现这个问题”，从思想根源上剖析，不要复述问题", line, problem)
                break


@rule("vague-measure")
def vague_measure(ctx: CheckContext):
    for line, text in _units(ctx, PartRole.MEASURES):
        has_deadline = bool(DEADLINE.search(text))
        has_owner = bool(OWNER.search(text))
        has_action = bool(ACTION.search(text))
        missing = [name for name, ok in (("时限", has_deadline), ("责任人", has_owner), ("具体举措", has_action)) if not ok]
        if not has_deadline or not has_owner:
            severity = Severity.MAJOR if len(VAGUE_WORDS.findall(text)) >= 2 or not has_action else Severity.MINOR
            yield ctx.finding("vague-measure", severity, f"整改措施缺少{'、'.join(missing)}",
                              "措施要写明做什么、何时完成（如“2025年6月底前”“每季度”“长期坚持”）、由谁牵头，可建立问题清单和整改台账、逐项销号",
                              line)


@rule("similarity")
def similarity(ctx: CheckContext):
    """雷同: sentences found (almost) word for word in the banks or in another unit's material; the notice's
    own wording does not count."""
    others = SentenceCorpus()
    for label, text in ctx.others:
        others.add(text, label)
    corpora = [bank_corpus(ctx.settings.knowledge_dir / "banks"), others]
    # the notice's theme and area titles are every unit's to quote: not 雷同
    shared, total = compare(ctx.doc.plain_text, corpora, threshold=ctx.settings.similarity_threshold,
                            min_chars=ctx.settings.similarity_min_chars,
                            exempt=ctx.notice.wording() if ctx.notice else ())
    ctx.measures["shared_share"] = round(len(shared) / total, 4) if total else 0.0
    for match in shared:
        where = "参考库中的句子" if match.label == BANK_LABEL else f"另一份材料“{match.label}”"
        yield ctx.finding("similarity", Severity.MAJOR, f"这句话与{where}雷同（重合度{match.score:.0%}）",
                          "请结合本单位、本人的实际情况和具体事实重新撰写，不要照搬照抄参考材料或其他单位的材料",
                          match.line, match.sentence)
    if shared:
        yield ctx.finding("similarity", Severity.MINOR,
                          f"全文{total}句中有{len(shared)}句与参考库或其他材料雷同（占{len(shared) / total:.0%}）",
                          "逐句改写上面列出的雷同句子，写出本单位的具体情况，避免千篇一律")
