"""Which kind a line of 素材 reads as, and which kind a heading, sheet name or table title announces.

A line names a shortcoming ("finding"), a disciplinary case ("case"), last year's rectification ("ledger")
or else states a fact. Lines with figures are facts unless they also judge ("偏少", "不到位"): "46件超期办结"
is a figure the material may cite, "调研次数偏少" is a problem.
"""

from __future__ import annotations

import re

from .model import KIND_LABELS, LABEL_KINDS

LEDGER = re.compile(r"(?:上一?年度?|去年|上次).{0,24}整改|(?:已|未|基本)?完成整改|整改(?:已|未|基本)?完成|整改台账|销号")
CASE_STRONG = re.compile(r"被查|留置|开除党籍|开除公职|立案审查|审查调查|移送(?:司法|检察)|(?:给予|受到).{0,12}处分"
                         r"|严重违纪|被判处|受贿|贪污")
CASE = re.compile(r"违纪|违纪违法|违法违纪|违法犯罪|违法乱纪|典型案例|警示案例|(?:违纪|腐败|职务犯罪|典型|违法)案件"
                  r"|通报.{0,10}典型")
PROBLEM = re.compile(
    r"不够|不足|不到位|不强|不深|不严|不实|不高|不力|不细|不规范|不及时|不充分|不全面|不扎实|不彻底|不主动|不善于|不敢"
    r"|欠缺|缺乏|薄弱|弱化|淡化|虚化|滞后|差距|偏少|较少|偏低|偏弱|走过场|形式主义|官僚主义|推诿|扯皮|简单化|一刀切"
    r"|流于形式|浮于表面|有待|亟待|仍需|还需|短板|松懈|懈怠|失之于[宽软]|不作为|慢作为|门难进|脸难看|事难办"
    r"|满足于|习惯于|热衷于|只注重|片面|单纯|多是|多为|很少|不多|偏重|一般化|大而化之|照搬照抄|以文件落实文件|以会议落实会议"
    r"|层层加码|打折扣|搞变通|不愿|怕担责|但求无过|(?<![减缺至最稀])少[。；]?$"
    r"|重(?![点要大视新复])[\u4e00-\u9fff]{1,4}轻(?![微松工])")
SOFT_PROBLEM = re.compile(r"存在|没有(?!发生|出现)|未能|未按|未及时|拖延|超期|逾期|积压")
RESOLVED = re.compile(r"解决|化解|办结|整改|处理|排查|收集|梳理|征求")
FIGURE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|‰|(?:万|亿)?(?:人次|批次|次|条|件|人|个|项|场|篇|元|公里|千米|米|座|所|家|户|起"
                    r"|期|份|天|小时|名|批|处|笔|辆|宗|套|台|栋|间|轮|类))")
PREPARATION = re.compile(r"学习研讨|集中学习|征求意见|谈心谈话|问卷|查摆问题|梳理问题|个别访谈|座谈会")
STATUS = re.compile(r"已完成|未完成|基本完成|持续推进|正在推进|已销号")

# Heading, sheet and title words → kind, in the order they are tried: "巡察反馈意见" and "巡察反馈问题清单" are
# feedback, not opinion or finding.
TITLE_KINDS = (
    ("ledger", re.compile(r"台账|上一?年度|销号")),
    ("opinion", re.compile(r"征求意见|意见建议|意见和建议")),
    ("talk", re.compile(r"谈心|谈话")),
    ("finding", re.compile(r"查摆|检视问题|剖析")),
    ("feedback", re.compile(r"巡视|巡察|审计|反馈|督查")),
    ("finding", re.compile(r"问题清单|存在问题")),
    ("ledger", re.compile(r"整改")),
    ("opinion", re.compile(r"意见|建议")),
    ("case", re.compile(r"案例|案件")),
    ("fact", re.compile(r"事实|数据|情况|基本|成效|统计")),
)


def classify(text: str) -> str:
    """The kind a single line reads as when nothing says so: finding, case, ledger or fact."""
    if LEDGER.search(text):
        return "ledger"
    if CASE_STRONG.search(text):
        return "case"
    figure = FIGURE.search(text) is not None
    if figure and PREPARATION.search(text):
        return "fact"  # 征求意见建议42条、谈心谈话36人次: how the meeting was prepared
    if PROBLEM.search(text):
        return "finding"
    if CASE.search(text):
        return "case"
    if figure:
        return "fact"
    if SOFT_PROBLEM.search(text) or ("问题" in text and not RESOLVED.search(text)):
        return "finding"
    return "fact"


def kind_for_title(title: str) -> str | None:
    """The kind a heading, sheet name or table title announces, if any."""
    title = title.strip()
    if title in LABEL_KINDS:
        return LABEL_KINDS[title]
    return next((kind for kind, pattern in TITLE_KINDS if pattern.search(title)), None)


def kind_for_value(value: str) -> str | None:
    """A 类别 cell's kind: a label (征求意见), a kind id (opinion) or a title word (巡察反馈)."""
    value = value.strip()
    if value in KIND_LABELS:
        return value
    return kind_for_title(value) if value else None


def status_of(text: str) -> str:
    """The rectification status a ledger line states, or ""."""
    match = STATUS.search(text)
    return match.group(0) if match else ""
