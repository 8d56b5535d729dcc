"""Parts of the whole material besides the opening (operations/opening.py): the previous year's
rectification part and the case part, from the 素材 or as slots, and revision of one section."""

from __future__ import annotations

import re

from ..document import ROLE_LABELS, PartRole, parse
from ..errors import InputError
from ..material import strip_heading
from ..numbering import int_to_cn
from ..sucai.model import bigrams
from .base import OperationResult
from .catalog import Facts
from .opening import SLOT


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


SHORT_NAME_MIN = 6  # a first clause shorter than this does not name the problem


def short_headline(headline: str) -> str:
    """A problem's name to quote in running text: its first clause when that says enough, with its own
    quotation marks turned into the inner ones (“…‘第一议题’…”)."""
    first = re.split(r"[，,；;]", headline, maxsplit=1)[0]
    name = first if len(first) >= SHORT_NAME_MIN else headline
    return name.replace("“", "‘").replace("”", "’")


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
    mine = [short_headline(p["headline"]) for p in own if p in nearest]
    if not mine:
        return (f"{story}。对照这一案例，{subject}在〔待补：对照案例查找出的自身问题〕方面还有差距，"
                f"将以案为鉴、以案促改，〔待补：结合案例开展警示教育的具体安排〕。")
    named = "、".join(f"“{h}”" for h in mine)
    # one sentence with the unit's own problems in it: a closing sentence of its own ("班子将以案为鉴，围绕这些
    # 问题……") would be the same in every unit's material
    return (f"{story}。对照查找，{subject}在{named}等方面的问题，与案件暴露出的纪律规矩意识淡化有相通之处，"
            f"必须警惕、防微杜渐，以案为鉴、举一反三查找廉政风险点。〔待补：结合案例开展警示教育的具体安排〕。")
