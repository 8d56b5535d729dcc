"""Who answers for a measure and by when: only what the drafter's facts say, else 〔待补〕 slots.

Two ways a measure gets them. A prompt that asks the model to write them (measure_for_problems v1, v2) has an
owner the facts do not give turned into a slot. A prompt marked `appends_owner` (v3) asks the model for the
measure alone; the code then drops any owner clause the model wrote anyway and appends
"责任人：…；完成时限：…" read from the facts.
"""

from __future__ import annotations

import re

from ..sucai.model import bigrams

# a fact naming who answers for a measure or by when; "分管"/"负责" alone describe a post or the preparation
# (班子成员与分管站所负责人谈心谈话41人次), not an owner
OWNER_FACT = re.compile(r"责任人|责任领导|责任部门|责任单位|牵头|月底前|年底前|时限|之前完成")
SLOT_OWNER, SLOT_DEADLINE = "〔待补：责任人〕", "〔待补：完成时限〕"
OWNER = re.compile(r"责任(?:人|领导|部门)[：:]\s*([^；;。]+)")  # in a written measure
DEADLINE = re.compile(r"(?:完成)?时限[：:]\s*([^；;。]+)")
OWNER_CLAUSE = re.compile(r"[，,；;。]?\s*(?:责任(?:人|领导|部门|单位)|(?:完成)?时限)[：:].*$", re.S)

# in a fact line: "整改责任人：王建华同志，完成时限：2025年6月底前", "由办公室牵头，2025年3月底前完成"
FACT_OWNER = (re.compile(r"责任(?:人|领导|部门|单位)\s*[：:为是]\s*([^，,；;。、\s]{2,30})"),
              re.compile(r"由\s*([^，,；;。、\s]{2,20}?)\s*(?:牵头|负责)"),
              re.compile(r"(?:^|[，,；;。：:])\s*([^\d，,；;。：:、\s]{2,12})牵头"))
FACT_DEADLINE = (re.compile(r"(?:完成)?时限\s*[：:为是]\s*([^，,；;。、\s]{2,30})"),
                 re.compile(r"\d{4}\s*年\s*(?:\d{1,2}\s*月\s*(?:\d{1,2}\s*日)?)?\s*(?:底|末)?\s*(?:之前|前)|\d{1,2}\s*月底前"))


def owner_lines(lines: list[str]) -> list[str]:
    return [line for line in lines if OWNER_FACT.search(line)]


def unsupported_owner_to_slot(text: str, owner_facts: str) -> str:
    """An owner or deadline the facts do not give (the model read 局党组 out of a preparation figure, say)
    becomes a slot: only the drafter names who answers for a measure and by when."""
    for pattern, slot in ((OWNER, SLOT_OWNER), (DEADLINE, SLOT_DEADLINE)):
        match = pattern.search(text)
        if match and "〔" not in match.group(1) and match.group(1).strip() not in owner_facts:
            text = text[:match.start(1)] + slot + text[match.end(1):]
    return text


def _first(patterns, line: str) -> str:
    for pattern in patterns:
        match = pattern.search(line)
        if match:
            return (match.group(1) if pattern.groups else match.group(0)).strip()
    return ""


def owner_and_deadline(lines: list[str], about: str = "") -> tuple[str, str]:
    """The owner and the deadline the facts give for a measure about `about`: of several facts naming one,
    the one sharing most wording with it (a single fact serves every measure); else slots."""
    def closest(found: list[tuple[str, str]]) -> str:
        if not found:
            return ""
        grams = bigrams(about)
        return max(found, key=lambda pair: len(bigrams(pair[0]) & grams))[1]

    owners = [(line, value) for line in lines if (value := _first(FACT_OWNER, line))]
    deadlines = [(line, value) for line in lines if (value := _first(FACT_DEADLINE, line))]
    return closest(owners) or SLOT_OWNER, closest(deadlines) or SLOT_DEADLINE


def first_owned(text: str) -> str:
    """A measure ends with its owner and deadline: what the model goes on to write after its first 完成时限
    sentence (the next problem's block, with its own owner line) goes."""
    end = owned_end(text)
    return text if end is None else text[:end]


def owned_end(text: str) -> int | None:
    """Where a measure's first 完成时限 sentence ends, if it has one."""
    deadline = DEADLINE.search(text)
    if deadline is None:
        return None
    end = text.find("。", deadline.end())
    return None if end < 0 else end + 1


def append_owner(text: str, owner: str, deadline: str, mark: str = "") -> str:
    """The measure without any owner clause the model wrote, ending "责任人：…；完成时限：…。" (then `mark`,
    the bank-suggestion mark, when the text carried it)."""
    marked = bool(mark) and text.endswith(mark)
    body = text.removesuffix(mark) if marked else text
    body = OWNER_CLAUSE.sub("", body.strip()).rstrip("，,；; 。")
    return f"{body}。责任人：{owner}；完成时限：{deadline}。" + (mark if marked else "")
