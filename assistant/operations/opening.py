"""The opening: the basis, the theme, the preparation (the drafter's own sentence about it, else figures),
and where the problems came from, named as the drafter's 素材 names them (channels, issuers, counts)."""

from __future__ import annotations

import re

from ..notices import NoticeSpec
from ..numbering import int_to_cn
from ..sucai.carryover import CANDIDATE_SOURCE
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
    counted from the 素材, else slots), where the problems came from as the 素材 names it (sources_clause),
    the areas and the closing formula."""
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
            f"{sources_clause(counted, sucai)}现将对照检查情况报告如下：")
    result = OperationResult("draft_opening", text, marked_text=text, steps=[StepLog("template", "template")])
    if "〔待补" in text:
        result.warnings.append("开头中的会前准备数字请按实际填写（可在事实中写明“学习研讨6次”等）")
    return result


# the problem kinds in the order the opening names them, each as it is named when its entries give no channel
PLAIN = {"opinion": "征求到的意见建议{}条", "talk": "谈心谈话中指出的问题{}个", "finding": "自身查摆的问题{}个",
         "feedback": "巡察审计反馈的问题{}个"}
# who gave a feedback entry, as its text opens: 县委第二巡察组反馈…, 县审计局审计发现…, 区委巡察指出…
ISSUER = re.compile(r"^[\u4e00-\u9fff]{0,10}?(?:巡视组|巡察组|巡视办|巡察办|审计局|审计厅|审计署|审计组|督查组|巡视|巡察|审计)")
ORGAN = re.compile(r"(?:组|局|厅|署|办)$")
CHANNELS_NAMED = 4


def sucai_counts(sucai) -> dict[str, str]:
    """How many of each kind the drafter gathered (merged opinions counted as often as they were raised),
    how many problems that makes once near-duplicates are merged, and how many of them recur from last year."""
    if sucai is None:
        return {}
    counts = {kind: str(sum(e.count for e in sucai.of_kind(kind))) for kind in PLAIN if sucai.of_kind(kind)}
    if sucai.problems:
        counts["problems"] = str(len(sucai.problems))
        recurring = sum(bool(e.recurs) for e in sucai.problems)
        if recurring:
            counts["recurring"] = str(recurring)
    return counts


def sources_clause(counted: dict[str, str], sucai=None) -> str:
    """Where the problems came from, each kind with the channels and issuers the drafter named (座谈会、意见箱；
    县委第二巡察组…) and its count, and how many problems that makes. Names and counts are the 素材's only."""
    if not counted or sucai is None or not sucai.problems:
        return "对学习研讨中查摆、调研发现、群众反映、谈心谈话指出的问题进行了全面梳理，深刻剖析问题根源，研究制定整改措施。"
    parts = [_kind_phrase(kind, sucai.of_kind(kind)).format(counted[kind]) for kind in PLAIN if kind in counted]
    raised = sum(e.count for e in sucai.problems)
    total = f"{'合并同类后' if raised > len(sucai.problems) else ''}共查找出问题{counted['problems']}个"
    recurring = f"，其中{counted['recurring']}个是上年度查摆过的问题" if "recurring" in counted else ""
    return f"对{'、'.join(parts)}逐条梳理，{total}{recurring}。"


def _kind_phrase(kind: str, entries: list) -> str:
    """One kind's share of the sources: "通过座谈会、意见箱收集的意见建议{}条", "县委第二巡察组反馈的问题{}个"."""
    if kind == "feedback":
        issuers = _named([_issuer(e) for e in entries])
        return f"{_listed([i.removesuffix('反馈') for i in issuers], '和')}反馈的问题{{}}个" if issuers else PLAIN[kind]
    channels = _named([e.channel for e in entries])
    if kind == "opinion":
        channels = [c for c in channels if "征求" not in c]
        return f"通过{_listed(channels)}收集的意见建议{{}}条" if channels else PLAIN[kind]
    if kind == "talk":
        channels = [c for c in channels if "谈" not in c]
        return f"{_listed(channels)}中指出的问题{{}}个" if channels else PLAIN[kind]
    channels = [c if c.endswith("查摆") else f"{c}中查摆" for c in channels if CANDIDATE_SOURCE not in c]
    return f"{_listed(channels, '和')}的问题{{}}个" if channels else PLAIN[kind]


def _issuer(entry) -> str:
    """Who gave the feedback: an organ named by the source or the text (县委第二巡察组, 县审计局) before a
    shorter name the text opens with (县委巡察指出…), before the source as written (巡察反馈)."""
    opened = m.group(0) if (m := ISSUER.match(entry.text)) else ""
    opened = opened if ORGAN.search(opened) or "委" in opened else ""  # not "经审计发现…"
    named = [name for name in (entry.channel, opened) if name and ORGAN.search(name) and "、" not in name]
    return (named or [opened or entry.channel])[0]


def _named(names: list[str]) -> list[str]:
    return list(dict.fromkeys(part for name in names for part in name.split("、") if part))


def _listed(names: list[str], joint: str = "、") -> str:
    """The names as a list ("甲、乙、丙" or, inside the list of kinds, "甲和乙"), the first few and 等."""
    shown = names[:CHANNELS_NAMED]
    text = "、".join(shown) if joint == "、" or len(shown) < 2 else "、".join(shown[:-1]) + joint + shown[-1]
    return text + ("等" if len(names) > CHANNELS_NAMED else "")
