"""Structure rules: parts, opening, notice areas, coverage, voice and length."""

from __future__ import annotations

import re

from ..document import ROLE_LABELS, PartRole
from ..numbering import cn_to_int, int_to_cn
from .core import CheckContext, Severity, rule
from .lexicon import DIMENSION_LABELS, dimensions_of

CJK = re.compile(r"[\u4e00-\u9fff]")
PREPARATION_FIGURES = re.compile(r"(?:学习|研讨|征求|意见|建议|谈心|谈话|调研)[^。]{0,20}?\d+|\d+\s*(?:次|条|人次|篇|场)")
ASPECT_COUNT = re.compile(r"([一二三四五六七八九十\d]{1,2})\s*个方面")
CLOSING_FORMULA = re.compile(r"(?:现将|现就|现把).{0,20}(?:报告|汇报|剖析|检查)如下")
BASIS = re.compile(r"通知|方案|要求|部署|安排")
RECTIFICATION_MENTION = re.compile(r"上(?:一)?年度.{0,20}(?:整改|问题)|整改落实情况")
CASE_MENTION = re.compile(r"案例|以案为鉴|以案促改|典型案件")
TEAM_VOICE = re.compile(r"班子(?!成员.{0,2}(?:提出|指出|批评))|有的同志|有的班子成员")
PERSONAL_MATTERS = re.compile(r"个人有关事项")
FAMILY_ETHOS = re.compile(r"家庭|家教|家风|亲属|配偶|子女")

BASIC_PARTS = (PartRole.PROBLEMS, PartRole.CAUSES, PartRole.MEASURES)


@rule("missing-part")
def missing_part(ctx: CheckContext):
    roles = {part.role for part in ctx.doc.parts}
    for role in BASIC_PARTS:
        if role not in roles:
            yield ctx.finding("missing-part", Severity.BLOCKER, f"缺少“{ROLE_LABELS[role]}”部分",
                              f"请按“一、存在的主要问题 二、产生问题的原因剖析 三、下步整改措施”的结构补写“{ROLE_LABELS[role]}”")
    if ctx.notice is None:
        return
    text = ctx.doc.plain_text
    if "rectification" in ctx.notice.required_parts and PartRole.RECTIFICATION not in roles and not RECTIFICATION_MENTION.search(text):
        yield ctx.finding("missing-part", Severity.MAJOR, "未写上年度民主生活会整改落实情况",
                          "请单列一部分或在开头写明上年度查摆问题的数量、已完成整改的数量和正在推进的事项")
    if "case" in ctx.notice.required_parts and PartRole.CASE not in roles and not CASE_MENTION.search(text):
        yield ctx.finding("missing-part", Severity.MAJOR, "本年度通知要求进行反面典型案例剖析，材料中没有",
                          "请增加“反面典型案例剖析”部分，结合本单位、本系统案例深入剖析、举一反三")


@rule("opening")
def opening(ctx: CheckContext):
    lines = [line for line in ctx.doc.opening if line.plain]
    if not lines:
        yield ctx.finding("opening", Severity.MAJOR, "缺少开头段落",
                          "开头应写明依据的通知或方案、会议主题、会前准备（学习研讨、征求意见、谈心谈话的次数和条数），以“现将对照检查情况报告如下”收束")
        return
    text = "".join(line.plain for line in lines)
    first = lines[0]
    if not BASIS.search(text):
        yield ctx.finding("opening", Severity.MINOR, "开头未写明依据的通知或方案",
                          "请写明“按照……《关于召开……民主生活会的通知》要求”", first)
    if not PREPARATION_FIGURES.search(text):
        yield ctx.finding("opening", Severity.MINOR, "开头缺少会前准备的具体数字",
                          "请写明学习研讨次数、征求意见条数、谈心谈话人次等", first)
    if not CLOSING_FORMULA.search(text):
        yield ctx.finding("opening", Severity.MINOR, "开头缺少“现将对照检查情况报告如下”之类的收束语",
                          "请在开头末尾加上“现将对照检查情况报告如下：”", lines[-1])
    if ctx.notice and ctx.notice.areas:
        count = ASPECT_COUNT.search(text)
        if count:
            stated = count.group(1)
            value = int(stated) if stated.isdigit() else cn_to_int(stated)
            if value and value not in ctx.notice.accepted_counts:
                yield ctx.finding("opening", Severity.MAJOR,
                                  f"开头说对照“{stated}个方面”，而本年度通知要求对照{len(ctx.notice.areas)}个方面",
                                  f"请核对通知，改为“{int_to_cn(len(ctx.notice.areas))}个方面”", first, count.group(0))


@rule("area-mismatch")
def area_mismatch(ctx: CheckContext):
    if ctx.notice is None or not ctx.notice.areas or ctx.doc.part(PartRole.PROBLEMS) is None:
        return
    # A year reported with more areas than the preset lists (2021: five or six) leaves the extra ones unmatched.
    spare = max(ctx.notice.accepted_counts) - len(ctx.notice.areas)
    matched_indexes = []
    for position, match in enumerate(ctx.area_matches, start=1):
        heading = match.section.heading_line
        if match.area is None:
            if spare > 0:
                spare -= 1
                yield ctx.finding("area-unverified", Severity.MINOR,
                                  f"问题部分第{int_to_cn(position)}个方面不在预设所列的{len(ctx.notice.areas)}个方面之中",
                                  "本年度通知也有列出更多方面的写法，预设未收录这一方面的表述，请以本单位收到的通知原文核对标题",
                                  heading)
                continue
            yield ctx.finding("area-mismatch", Severity.MAJOR,
                              f"问题部分第{int_to_cn(position)}个方面的标题与通知中的任何方面都对不上",
                              f"请按通知原文的表述拟写标题，如“（{int_to_cn(position)}）{_heading_for(ctx.notice.areas[min(position, len(ctx.notice.areas)) - 1].title)}”",
                              heading)
            continue
        if matched_indexes and match.area.index < matched_indexes[-1]:
            yield ctx.finding("area-mismatch", Severity.MAJOR,
                              f"第{int_to_cn(position)}个方面对应的是通知的第{int_to_cn(match.area.index)}个方面，顺序与通知不一致",
                              "请按通知列出的顺序排列各方面", heading)
        matched_indexes.append(match.area.index)
    for area in ctx.notice.areas:
        if area.index not in matched_indexes:
            yield ctx.finding("area-mismatch", Severity.MAJOR, f"未对照通知的第{int_to_cn(area.index)}个方面：“{area.title}”",
                              "请补写这一方面的问题，标题与通知表述保持一致",
                              ctx.doc.part(PartRole.PROBLEMS).heading_line)


def _heading_for(title: str) -> str:
    """A section heading as drafters write it: 在……方面."""
    core = title.removeprefix("在").removesuffix("方面")
    return f"在{core}方面"


@rule("coverage")
def coverage(ctx: CheckContext):
    causes = ctx.doc.part(PartRole.CAUSES)
    measures = ctx.doc.part(PartRole.MEASURES)
    if causes is None or measures is None:
        return
    cause_units = causes.sections or []
    count = len(cause_units) or len(causes.items)
    if count and not ctx.settings.causes_min <= count <= ctx.settings.causes_max:
        yield ctx.finding("coverage", Severity.MINOR,
                          f"原因剖析有{count}条，通常写{ctx.settings.causes_min}至{ctx.settings.causes_max}条",
                          "请从理想信念、党性修养、宗旨意识、担当作为、纪律作风等维度归纳主观原因", causes.heading_line)
    measure_dims = dimensions_of(measures.text)
    cause_dims = dimensions_of(causes.text)
    for dim in sorted(cause_dims - measure_dims):
        yield ctx.finding("coverage", Severity.MAJOR, f"原因剖析涉及“{DIMENSION_LABELS[dim]}”，整改措施中没有对应的内容",
                          "措施应与原因一一对应，请补写针对这一原因的具体措施", measures.heading_line)
    for match in ctx.area_matches:
        area_dims = dimensions_of(match.section.text)
        if area_dims and not area_dims & measure_dims:
            yield ctx.finding("coverage", Severity.MAJOR, f"第{int_to_cn(match.section.index)}个方面的问题在整改措施中没有得到回应",
                              "请为这一方面的问题补写对应的整改措施", match.section.heading_line)
    if ctx.kind == "banzi":
        text = ctx.doc.plain_text
        for word, hint in (("民主集中制", "班子材料应检视民主集中制执行情况"), ("主体责任", "班子材料应检视全面从严治党主体责任落实情况")):
            if word not in text:
                yield ctx.finding("coverage", Severity.MINOR, f"班子材料未涉及“{word}”", hint + "，并在原因和措施中呼应")


@rule("individual")
def individual(ctx: CheckContext):
    if ctx.kind != "geren":
        return
    problems = ctx.doc.part(PartRole.PROBLEMS)
    if problems is not None:
        for line in problems.lines:
            voice = TEAM_VOICE.search(line.plain)
            if voice:
                yield ctx.finding("individual", Severity.MAJOR, "个人材料中出现了班子或他人的问题表述",
                                  "个人材料要以“我”“本人”检视自身，联系思想实际和分管工作，不能借用班子或下属的问题", line,
                                  voice.group(0))
    text = ctx.doc.plain_text
    if not PERSONAL_MATTERS.search(text):
        yield ctx.finding("individual", Severity.MAJOR, "个人材料未说明个人有关事项报告情况",
                          "请写明本人如实报告个人有关事项的情况")
    if not FAMILY_ETHOS.search(text):
        yield ctx.finding("individual", Severity.MAJOR, "个人材料未涉及家庭家教家风",
                          "请写明对配偶、子女及身边工作人员的教育管理情况")


@rule("length")
def length(ctx: CheckContext):
    chars = len(CJK.findall(ctx.doc.plain_text))
    low, high = ctx.settings.length_bounds(ctx.kind)
    label = "个人" if ctx.kind == "geren" else "班子"
    if chars < low:
        severity = Severity.MAJOR if chars < low / 2 else Severity.MINOR
        yield ctx.finding("length", severity, f"全文约{chars}字，{label}材料通常不少于{low}字",
                          "请充实问题事例、原因剖析和整改措施", excerpt=f"{chars}字")
    elif chars > high:
        severity = Severity.MAJOR if chars > high * 1.5 else Severity.MINOR
        yield ctx.finding("length", severity, f"全文约{chars}字，{label}材料通常不超过{high}字",
                          "请压缩表态性、过程性的文字，突出问题和措施", excerpt=f"{chars}字")
