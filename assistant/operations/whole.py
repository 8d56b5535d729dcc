"""The whole material: the opening (a template filled from the facts), revision of one section, and the
section-by-section assembly of a complete draft that ends with a rubric check."""

from __future__ import annotations

import re

from ..document import ROLE_LABELS, PartRole, parse
from ..errors import InputError
from ..material import strip_heading
from ..notices import NoticeSpec
from ..numbering import int_to_cn
from ..sucai.model import bigrams
from .base import OperationResult, StepLog
from .catalog import Facts

SLOT = "〔待补：{}〕"

def title_for(notice: NoticeSpec, org: str, kind: str) -> str:
    year = f"{notice.year}年度" if notice.year else ""
    if kind == "banzi":
        return f"{org}领导班子{year}民主生活会对照检查材料"
    return f"{org}{year}民主生活会个人对照检查材料"


PREPARATION_WORDS = (("学习研讨", "集中学习"), ("征求意见", "意见建议"), ("谈心谈话",))


def preparation_line(facts: Facts) -> str | None:
    """The drafter's own sentence about the preparation (study, opinions, talks), with its figures."""
    for line in facts.lines:
        named = sum(any(word in line for word in group) for group in PREPARATION_WORDS)
        if named >= 2 and any(ch.isdigit() for ch in line) and len(line) <= 150:
            return line.strip().rstrip("。；;，,")
    return None


def draft_opening(notice: NoticeSpec, *, org: str, kind: str, facts: Facts, sucai=None) -> OperationResult:
    """Basis, theme, preparation (the drafter's own sentence about it, else figures from the facts or
    counted from the 素材, else slots), where the problems came from, the areas and the closing formula."""
    counted = sucai_counts(sucai)
    subject = "班子" if kind == "banzi" else "我"
    year = f"{notice.year}年度" if notice.year else "本年度"
    theme = f"围绕“{notice.theme}”这一主题，" if notice.theme else ""
    areas = len(notice.areas)
    preparation = preparation_line(facts)
    if preparation is None:
        study = facts.number_for("学习研讨", "集中学习", "研讨", unit="次") or SLOT.format("次数")
        opinions = facts.number_for("征求意见", "意见建议", unit="条") or counted.get("opinion") or SLOT.format("条数")
        talks = facts.number_for("谈心谈话", unit="人次") or SLOT.format("人次")
        preparation = f"开展集中学习研讨{study}次，广泛征求意见建议{opinions}条，开展谈心谈话{talks}人次"
    # the notice is named by what it is, not by a 《title》 the drafter has not given
    text = (f"按照上级关于认真开好{year}民主生活会的通知要求，{org}{'领导班子' if kind == 'banzi' else ''}{theme}"
            f"认真做好会前各项准备工作：{preparation}。"
            f"{subject}对照通知提出的{int_to_cn(areas) if areas <= 10 else areas}个方面，"
            f"{sources_clause(counted, sucai)}进行了全面梳理，深刻剖析问题根源，研究制定整改措施。现将对照检查情况报告如下：")
    result = OperationResult("draft_opening", text, marked_text=text, steps=[StepLog("template", "template")])
    if "〔待补" in text:
        result.warnings.append("开头中的会前准备数字请按实际填写（可在事实中写明“学习研讨6次”等）")
    return result


SOURCE_WORDS = (("opinion", "征求到的意见建议{}条"), ("talk", "谈心谈话中指出的问题{}个"), ("finding", "学习研讨和调研中查摆的问题{}个"),
                ("feedback", "巡察审计反馈的问题{}个"))


def sucai_counts(sucai) -> dict[str, str]:
    """How many of each kind the drafter gathered (merged opinions counted as often as they were raised)."""
    if sucai is None:
        return {}
    return {kind: str(sum(e.count for e in sucai.of_kind(kind))) for kind, _ in SOURCE_WORDS if sucai.of_kind(kind)}


def sources_clause(counted: dict[str, str], sucai=None) -> str:
    """Where the problems came from, with the channels the drafter named (座谈会、意见箱…)."""
    if not counted:
        return "对学习研讨中查摆、调研发现、群众反映、谈心谈话指出的问题"
    parts = []
    for kind, words in SOURCE_WORDS:
        if kind not in counted:
            continue
        channels = [] if kind != "opinion" or sucai is None else \
            list(dict.fromkeys(c for e in sucai.of_kind(kind) for c in e.channel.split("、") if c and "征求" not in c))
        parts.append(("通过" + "、".join(channels[:3]) + words if channels else words).format(counted[kind]))
    return "对" + "、".join(parts)


def rectification_part(number: int, facts: Facts) -> str:
    total = facts.number_for("上年度", "查摆问题", "问题", unit="个") or SLOT.format("问题数")
    done = facts.number_for("已完成", "完成整改", "整改完成", unit="个") or SLOT.format("已完成数")
    return (f"{int_to_cn(number)}、上年度民主生活会整改落实情况\n"
            f"对上年度民主生活会查摆的{total}个问题，逐项明确整改措施、责任人和完成时限，已完成整改{done}个，"
            f"其余问题正在按计划推进。{SLOT.format('整改成效和仍需持续推进的事项')}")


def case_part(number: int) -> str:
    return (f"{int_to_cn(number)}、反面典型案例剖析\n"
            f"结合{SLOT.format('本地区本系统典型案例')}，深刻剖析案件暴露出的理想信念动摇、纪律规矩意识淡薄等问题，"
            f"对照查找自身在{SLOT.format('相关方面')}存在的差距，做到以案为鉴、以案促改。")


class SectionReviser:
    def __init__(self, *, step) -> None:
        self.step = step

    def revise(self, text: str, role: PartRole, number: int, instruction: str, facts: Facts) -> OperationResult:
        """Rewrite one section as instructed; every other line of the draft stays byte for byte."""
        doc = parse(text)
        part = doc.part(role)
        section = next((s for s in part.sections if s.index == number), None) if part else None
        if section is None:
            raise InputError(f"材料中没有“{ROLE_LABELS[role]}”的第{int_to_cn(number)}节", hint="请先检查材料结构或改选其他部分")
        if not instruction.strip():
            raise InputError("没有说明要怎样修改", hint="例如：这一段改得更具体些")
        original = "\n".join(line.text for line in section.lines)
        heading = f"（{section.number}）"

        def validate(candidate: str) -> str | None:
            if not candidate.startswith(heading):
                return f"要以原来的序号“{heading}”开头"
            if len(candidate) < len(original) * 0.4:
                return "删减过多，请保留原有的主要内容"
            return None

        outcome = self.step.run("revise_section", "revise_section",
                                {"section": original, "instruction": instruction, "facts": facts.text() or "（无）"},
                                sources=[original, facts.text(), instruction], fallback=original, validate=validate)
        revised = doc.replace_section(role, number, outcome.text)
        result = OperationResult("revise_section", revised.render(), steps=[outcome.log])
        result.marked_text = outcome.text
        result.data = {"section": outcome.text, "original": original, "changed": outcome.text != original}
        if outcome.replaced:
            result.warnings.append(f"修改稿中未见于原文或事实的内容已改为待补：{'、'.join(outcome.replaced)}")
        if outcome.log.outcome in ("error", "fallback"):
            result.warnings.append(f"没有改成（{outcome.log.note}），原文保持不变")
        return result


def rectification_from_ledger(ledger: list, facts: Facts, kind: str) -> str:
    """上年度整改落实情况 from last year's ledger entries: how many found, how many done, what is still open
    and why (the reason as the ledger gives it, or a slot). A figure in the facts wins over the count of
    ledger lines, which may be a partial list."""
    if not ledger:
        return strip_heading(rectification_part(1, facts))
    subject = "班子" if kind == "banzi" else "我"
    open_items = [entry for entry in ledger if entry.is_open]
    total = facts.number_for("上年度", "查摆问题", unit="个") or str(len(ledger))
    done = facts.number_for("已完成", "完成整改", "整改完成", unit="个") or str(len(ledger) - len(open_items))
    text = (f"对上年度民主生活会查摆的{total}个问题，{subject}逐项明确整改措施、责任人和完成时限，"
            f"已完成整改{done}个")
    finished = [entry for entry in ledger if not entry.is_open][:2]
    # the count joins the first named problem, so the sentence is this unit's, not a formula shared by all
    text += ("，其中" + "；".join(_ledger_clause(entry) for entry in finished) + "。") if finished else "。"
    if open_items:
        text += f"仍在推进的{len(open_items)}个问题：" + "；".join(
            f"{int_to_cn(i)}是{_ledger_clause(entry)}" for i, entry in enumerate(open_items, start=1))
        text += f"，{subject}将逐项明确时间节点，跟踪问效、确保整改到位。"
    return text


def _ledger_clause(entry) -> str:
    """A ledger item as the part names it: the problem, its measure, its state; an open one also how far it
    has got and why it is not done (the ledger's 进展), or a slot for that."""
    clause = entry.text.rstrip("。；;")
    if entry.measure:
        clause += f"，{entry.measure.rstrip('。；;')}"
    status = entry.status.strip()
    if not entry.is_open:
        return f"{clause}（{status}）" if status else clause
    progress = entry.progress.strip().rstrip("。；;")
    if not progress and not re.search(r"[，,；;]", status):  # "未完成，需省级系统对接" already says why
        progress = "〔待补：进展和未完成的原因〕"
    return f"{clause}（{status or '未完成'}）" + (f"，进展：{progress}" if progress else "")


def case_from_entries(cases: list, problems: list[dict], kind: str) -> str:
    """反面典型案例剖析 from the case the drafter named, tied back to this unit's own problems (对照查找、
    以案促改). Without a named case it stays a slot."""
    if not cases:
        return strip_heading(case_part(1))
    subject = "班子" if kind == "banzi" else "我"
    story = "；".join(entry.text.rstrip("。；") for entry in cases)
    own = [p for p in problems if p.get("origin") == "sucai"]
    # 对照查找: the unit's problems nearest what the case is about (a procurement bribe → the unit's own
    # procurement problem), in the order the material gives them
    case_grams = bigrams(story)
    nearest = sorted(own, key=lambda p: -len(case_grams & bigrams(p.get("text", ""))))[:2]
    mine = [p["headline"] for p in own if p in nearest]
    if not mine:
        return (f"{story}。对照这一案例，{subject}在〔待补：对照案例查找出的自身问题〕方面还有差距，"
                f"将以案为鉴、以案促改，〔待补：结合案例开展警示教育的具体安排〕。")
    named = "、".join(f"“{h}”" for h in mine)
    return (f"{story}。对照查找，{subject}在{named}等方面的问题，与案件暴露出的纪律规矩意识淡化有相通之处，"
            f"必须警惕、防微杜渐。{subject}将以案为鉴，围绕{named}举一反三查找廉政风险点，"
            f"〔待补：结合案例开展警示教育的具体安排〕。")
