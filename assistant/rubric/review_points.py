"""Review points reviewers check beyond the structure: the previous year's figures, a real case tied back to
the unit, the preparation figures, softened problems, the team's duties, criticism that is really praise,
and (2025) the individual's self-check on the 中央八项规定 and its 实施细则.
"""

from __future__ import annotations

import re

from ..document import Line, PartRole
from .core import CheckContext, Severity, excerpt_around, rule
from .lexicon import DEFICIT_WORDS

# the previous year's rectification
FOUND_COUNT = re.compile(r"\d+\s*(?:个|项|条)[^。；，]{0,6}问题|问题\s*\d+\s*(?:个|项|条)")
DONE_COUNT = re.compile(r"已[^。；，]{0,6}\d+\s*(?:个|项|条)|\d+\s*(?:个|项|条)[^。；，]{0,4}已|完成率")
STILL_OPEN = re.compile(r"正在|持续推进|持续整改|尚未|未完成|长期推进|逐步推进|仍在|其余\s*\d|剩余\s*\d|还有\s*\d|需要长期")
ALL_DONE = re.compile(r"全部(?:完成|整改|销号)|均已(?:完成|整改|销号)")
REVIEW_SENTENCE = re.compile(r"[^。]*(?:上一?年度|上次)[^。]*整改[^。]*。?")

# the case part
NAMED_CASE = re.compile(
    r"原[^。，；]{0,16}(?:书记|局长|主任|县长|市长|区长|部长|处长|科长|所长|经理|董事长|厅长|镇长|乡长|院长|校长|干部|工作人员)"
    r"|[\u4e00-\u9fff]某某?|违纪违法案|[^。，；]{2,}案件|《[^》]{2,}》")
TIE_BACK = re.compile(r"对照查找|对照检视|以案促改|以案为鉴|以案明纪|举一反三|反躬自省|反观|对照(?:这一|该|上述)?(?:案例|案件)|"
                      r"联系(?:本单位|本部门|本系统|班子|自身|我)|对照(?:本单位|自身|班子|我)")

# the opening's preparation figures
STUDY_FIGURE = re.compile(r"(?:学习|研讨)[^。；]{0,30}?\d+\s*(?:次|场|期)|\d+\s*(?:次|场)[^。；]{0,6}(?:学习|研讨)")
OPINION_FIGURE = re.compile(r"(?:意见|建议)[^。；]{0,16}?\d+\s*条|\d+\s*条[^。；]{0,8}(?:意见|建议)")
TALK_FIGURE = re.compile(r"谈心谈话[^。；]{0,30}?\d+\s*(?:人次|次|人)|\d+\s*人次")
ANY_FIGURE = re.compile(r"\d+\s*(?:次|条|人次|场)")

# softened problems
SOFTENING = re.compile(r"有时|个别|一定程度上|偶尔|还不够|有所|不同程度|某些时候|少数")
SOFTENING_PER_ITEM = 3  # at least this many in one item …
SOFTENING_CHARS_EACH = 60  # … and no more than this many characters of item per softening word

# criticism of others
CRITICISM_CONTEXT = re.compile(r"批评意见|相互批评|提(?:出)?(?:以下)?批评|对[^。：]{1,20}同志的批评")
PRAISE_AS_CRITICISM = re.compile(r"工作太(?:拼|投入|累)|太辛苦|要?注意(?:身体|休息)|保重身体|劳逸结合|"
                                 r"对自己要求(?:太|过)(?:严|高)|要求(?:过高|太高)|太过认真")
WISH = re.compile(r"希望[^。；]*")

# 2025 individual self-check
EIGHT_RULES = re.compile(r"中央八项规定")
DETAILED_RULES = re.compile(r"实施细则")
EIGHT_RULES_CAMPAIGN = "深入贯彻中央八项规定精神学习教育"


@rule("rectification-detail")
def rectification_detail(ctx: CheckContext):
    part = ctx.doc.part(PartRole.RECTIFICATION)
    if part is not None:
        text, anchor = part.text, part.heading_line
    elif ctx.notice and "rectification" in ctx.notice.required_parts:
        text = "".join(REVIEW_SENTENCE.findall(ctx.doc.opening_text))
        anchor = next((line for line in ctx.doc.opening if "整改" in line.plain), None)
        if not text:
            return  # missing-part reports the absence
    else:
        return
    if not FOUND_COUNT.search(text) or not DONE_COUNT.search(text):
        yield ctx.finding("rectification-detail", Severity.MAJOR, "上年度整改落实情况没有写明查摆问题的数量和已完成整改的数量",
                          "请写明上年度查摆出几个方面几个问题、已完成整改几个，不能只写“认真抓好整改”", anchor)
    elif not STILL_OPEN.search(text) and not ALL_DONE.search(text):
        yield ctx.finding("rectification-detail", Severity.MINOR, "上年度整改落实情况没有交代尚未完成的事项",
                          "请写明还在推进的问题是什么、下步怎么推进、何时完成；已全部完成的写明“均已整改完成”", anchor)


@rule("case-analysis")
def case_analysis(ctx: CheckContext):
    part = ctx.doc.part(PartRole.CASE)
    if part is None:
        return
    text = part.text.replace(part.title, "", 1)
    if not NAMED_CASE.search(text):
        yield ctx.finding("case-analysis", Severity.MAJOR, "案例剖析没有写明具体案例",
                          "请写明剖析的是哪一起案例（如“本系统原××局副局长××严重违纪违法案”），简述主要违纪违法事实",
                          part.heading_line)
    if not TIE_BACK.search(text):
        yield ctx.finding("case-analysis", Severity.MAJOR, "案例剖析没有联系本单位对照查找问题",
                          "请写明对照这一案例查找出本单位、班子存在的哪些相似风险和问题，以案促改、举一反三",
                          part.heading_line)


@rule("opening-figures")
def opening_figures(ctx: CheckContext):
    preparation = ctx.doc.part(PartRole.PREPARATION)
    text = ctx.doc.opening_text + (preparation.text if preparation else "")
    if not text.strip() or not ANY_FIGURE.search(text):
        return  # the opening rule reports a missing opening or one with no figures at all
    missing = [label for label, pattern in (("集中学习研讨的次数", STUDY_FIGURE), ("征求意见建议的条数", OPINION_FIGURE),
                                            ("谈心谈话的人次", TALK_FIGURE)) if not pattern.search(text)]
    if missing:
        anchor = preparation.heading_line if preparation else next((line for line in ctx.doc.opening if line.plain), None)
        yield ctx.finding("opening-figures", Severity.MINOR, f"会前准备缺少{'、'.join(missing)}",
                          "开头应写明集中学习研讨几次、征求意见建议几条、谈心谈话多少人次", anchor)


@rule("softening")
def softening(ctx: CheckContext):
    for section in ctx.doc.areas:
        for item in section.items:
            words = SOFTENING.findall(item.text)
            if len(words) >= SOFTENING_PER_ITEM and len(item.text) <= SOFTENING_CHARS_EACH * len(words):
                line = next((line for line in ctx.lines if line.no == item.line), None)
                yield ctx.finding("softening", Severity.MINOR,
                                  f"“{item.headline[:16]}”一条用了{len(words)}处淡化问题的词（{'、'.join(dict.fromkeys(words))}）",
                                  "问题要写实写准：删去“有时、个别、一定程度上、偶尔”等修饰，直接写明问题和事例", line)


@rule("team-duties")
def team_duties(ctx: CheckContext):
    if ctx.kind != "banzi":
        return
    text = ctx.doc.plain_text
    for word, hint in (("意识形态", "班子材料应检视落实意识形态工作责任制的情况"),
                       ("一岗双责", "班子材料应检视班子成员落实“一岗双责”的情况")):
        if word not in text:
            yield ctx.finding("team-duties", Severity.MINOR, f"班子材料未涉及“{word}”", hint + "，有问题的写问题，并在措施中呼应")


@rule("soft-criticism")
def soft_criticism(ctx: CheckContext):
    for line, start in _criticism_lines(ctx):
        said = line.plain[start:]
        praise = PRAISE_AS_CRITICISM.search(said)
        wish = WISH.search(said)
        if praise:
            found = praise
        elif wish and not DEFICIT_WORDS.search(said[: wish.start()] + said[wish.end():]):
            found = wish
        else:
            continue
        yield ctx.finding("soft-criticism", Severity.MAJOR, "批评意见写成了希望或表扬，没有指出问题",
                          "批评要点明具体问题和事例（如“××同志在……方面存在……问题，比如……”），不以“希望”“注意身体”代替批评",
                          line, excerpt_around(said, found.start(), found.end()))


def _criticism_lines(ctx: CheckContext) -> list[tuple[Line, int]]:
    """Lines that criticise others, with where the criticism starts: in a part or section about 批评, or
    after a phrase that opens a criticism (“对××同志的批评意见：”)."""
    lines: list[Line] = []
    for part in ctx.doc.parts:
        if "批评" in part.title:
            lines += [line for line in part.lines if line.plain and line.no != part.heading_line.no]
            continue
        for section in part.sections or []:
            if "批评" in section.title:
                lines += [line for line in section.lines if line.plain]
    found = [(line, 0) for line in lines]
    seen = {line.no for line in lines}
    for line in ctx.lines:
        openers = list(CRITICISM_CONTEXT.finditer(line.plain))
        if line.no not in seen and openers:
            found.append((line, openers[-1].end()))
    return found


@rule("eight-rules-selfcheck")
def eight_rules_selfcheck(ctx: CheckContext):
    if ctx.kind != "geren" or ctx.notice is None:
        return
    if ctx.notice.year != 2025 and EIGHT_RULES_CAMPAIGN not in ctx.notice.campaign:
        return
    text = ctx.doc.plain_text
    if not EIGHT_RULES.search(text):
        yield ctx.finding("eight-rules-selfcheck", Severity.MAJOR, "个人材料未对照检查执行中央八项规定及其实施细则的情况",
                          "本年度个人材料应写明本人执行中央八项规定及其实施细则精神的情况（公务接待、用车、办公用房、"
                          "出差、收受礼品礼金等），有问题的如实写出")
    elif not DETAILED_RULES.search(text):
        yield ctx.finding("eight-rules-selfcheck", Severity.MINOR, "个人材料提到中央八项规定，但没有对照其实施细则逐项检查",
                          "请写明对照中央八项规定及其实施细则逐项检查的情况")

