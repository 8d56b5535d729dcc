"""A material's ledger: one row per problem, from its problem → cause → measure map.

The map comes with a whole draft (`jianshi draft --json`, the web chat's last 起草全文). A material that is
only text (.md/.txt/.docx, or a draft edited since) is read back into a map: problems are the 一是/二是
items of each area, and each is linked to the causes and measures whose wording is nearest to it, or that
quote its headline. That reading is a best guess and the ledger says so.

Owners (责任领导、责任部门) and deadlines come only from what the measures state ("责任人：…；完成时限：…",
written from the drafter's facts) and, when facts are given, only if the facts say the same; otherwise the
cell is left 待补.
"""

from __future__ import annotations

import re

from ..document import Document, PartRole
from ..operations.from_sucai import BANK_MARK
from ..operations.owners import DEADLINE
from ..sucai.model import bigrams
from .model import Ledger, LedgerRow, ledger_title

ORDINAL = re.compile(r"^\s*(?:[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+是|\d+[.、．])\s*")
SLOT = re.compile(r"〔待补[^〕]*〕")
MARKS = re.compile(r"\[\d+\]")
LEADER = re.compile(r"(?:责任领导|牵头领导|分管领导)[：:]\s*([^；;。，,]+)")
DEPARTMENT = re.compile(r"(?:责任部门|责任单位|牵头部门|牵头单位)[：:]\s*([^；;。，,]+)")
PERSON = re.compile(r"责任人[：:]\s*([^；;。]+)")
OWNER_CLAUSE = re.compile(r"[。；;，,]?\s*(?:责任(?:人|领导|部门|单位)|牵头(?:领导|部门|单位)|(?:完成)?时限)[：:][^。]*。?$")
DEPARTMENT_WORDS = re.compile(r"(?:办公室|部门|科|股|处|室|局|中心|队|站|所|委|办)$")
TEXT_NOTE = "这份材料是文字稿：问题与原因、措施的对应关系是按文字相近程度推断的，请逐行核对"
NEAR = 0.12  # share of a problem's character bigrams a cause or measure must share to be linked to it
AT_MOST = 2  # causes or measures linked to one problem in a text reading


def plain(text: str) -> str:
    return MARKS.sub("", ORDINAL.sub("", (text or "").strip())).strip()


def first_sentence(text: str) -> str:
    return re.split(r"[。！？\n]", plain(text), maxsplit=1)[0].strip() or plain(text)


def area_name(title: str) -> str:
    """"在带头严守政治纪律和政治规矩方面" → "带头严守政治纪律和政治规矩"."""
    title = re.sub(r"^[（(][一二三四五六七八九十]+[）)]", "", title.strip())
    title = re.sub(r"^在", "", title)
    return re.sub(r"(?:方面)?(?:存在的问题|的问题)?[：:。]?$", "", title).removesuffix("方面") or title


def owners(measure_text: str, facts_text: str = "") -> tuple[str, str, str]:
    """(责任领导, 责任部门, 完成时限) a measure states; a slot or a value the facts do not bear out is ""."""
    def found(pattern: re.Pattern) -> str:
        match = pattern.search(measure_text)
        value = match.group(1).strip() if match else ""
        if SLOT.search(value) or not value:
            return ""
        return value if not facts_text or value in facts_text else ""

    leader, department, deadline = found(LEADER), found(DEPARTMENT), found(DEADLINE)
    person = found(PERSON)
    if person and not (leader or department):
        if DEPARTMENT_WORDS.search(person):
            department = person
        else:
            leader = person
    return leader, department, deadline


def measure_body(text: str) -> str:
    """The measure without its ordinal, citation marks and trailing owner and deadline clause; a bank
    suggestion keeps its mark."""
    bank = BANK_MARK in text
    body = OWNER_CLAUSE.sub("。", plain(text.replace(BANK_MARK, ""))).rstrip("。") + "。"
    return body + (BANK_MARK if bank else "")


def _joined(texts: list[str]) -> str:
    texts = list(dict.fromkeys(t for t in texts if t))
    if len(texts) <= 1:
        return texts[0] if texts else ""
    return "\n".join(f"{n}. {t}" for n, t in enumerate(texts, start=1))


def ledger_from_map(found: dict, *, title: str, area_names: dict[int, str], facts_text: str = "") -> Ledger:
    """One row per problem of the map, in area order: its causes (first sentences), its measures, and the
    owners and deadline those measures state."""
    ledger = Ledger(ledger_title(title))
    causes, measures = found.get("causes", []), found.get("measures", [])
    problems = sorted(found.get("problems", []), key=lambda p: (p.get("area") or 0))
    for problem in problems:
        mine = [m for m in measures if problem["id"] in m.get("problems", [])]
        why = [c for c in causes if problem["id"] in c.get("problems", [])]
        stated = [owners(m.get("text", ""), facts_text) for m in mine]
        area = problem.get("area")
        row = LedgerRow(len(ledger.rows) + 1, area_names.get(area) or (f"第{area}个方面" if area else ""),
                        plain(problem.get("text") or problem.get("headline", "")),
                        cause=_joined([first_sentence(c.get("text", "")) for c in why]),
                        measure=_joined([measure_body(m.get("text", "")) for m in mine]),
                        leader="、".join(dict.fromkeys(s[0] for s in stated if s[0])),
                        department="、".join(dict.fromkeys(s[1] for s in stated if s[1])),
                        deadline="、".join(dict.fromkeys(s[2] for s in stated if s[2])))
        ledger.rows.append(row)
    if not ledger.rows:
        ledger.notes.append("材料中没有读到问题条目，整改清单是空的；请确认材料有“存在的主要问题”及“一是、二是”分条的问题后重新生成")
    return ledger


def map_from_text(doc: Document) -> dict:
    """A best reading of a text material's map: items as problems, linked by wording to causes and measures."""
    problems = []
    for section in doc.areas:
        items = section.items or []
        texts = [item.text for item in items] or [section.body or section.title]
        for n, text in enumerate(texts, start=1):
            problems.append({"id": f"p{section.index}-{n}", "area": section.index, "text": text,
                             "headline": first_sentence(text)[:40]})
    causes = [{"id": f"c{n}", "text": text, "problems": []} for n, text in enumerate(_part_sections(doc, PartRole.CAUSES), 1)]
    measures = [{"id": f"m{n}", "text": text, "problems": []}
                for n, text in enumerate(_part_sections(doc, PartRole.MEASURES), 1)]
    for problem in problems:
        for group in (causes, measures):
            for chosen in _nearest(problem, group):
                chosen["problems"].append(problem["id"])
    return {"problems": problems, "causes": causes, "measures": measures}


def _part_sections(doc: Document, role: PartRole) -> list[str]:
    part = doc.part(role)
    if part is None:
        return []
    if part.sections:  # a heading line without a full stop runs on into its body as one sentence
        return [re.sub(r"(?<![。！？；：，])\n", "。", section.text).replace("\n", "") for section in part.sections]
    return [line.plain for line in part.lines[1:] if line.plain]


def _nearest(problem: dict, group: list[dict]) -> list[dict]:
    """The causes or measures that quote the problem's headline, else those whose wording is nearest."""
    headline = problem["headline"]
    quoted = [g for g in group if headline and headline[:12] in g["text"]]
    if quoted:
        return quoted[:AT_MOST]
    grams = bigrams(problem["text"])
    scored = sorted(((len(grams & bigrams(g["text"])) / len(grams) if grams else 0.0, i) for i, g in enumerate(group)),
                    reverse=True)
    if not scored:
        return []
    best = scored[0][0]
    return [group[i] for score, i in scored[:AT_MOST] if score >= max(NEAR, best * 0.7)] or [group[scored[0][1]]]


def ledger_from_text(doc: Document, *, facts_text: str = "") -> Ledger:
    names = {section.index: area_name(section.title) for section in doc.areas}
    ledger = ledger_from_map(map_from_text(doc), title=doc.title, area_names=names, facts_text=facts_text)
    if ledger.rows:
        ledger.notes.insert(0, TEXT_NOTE)
    return ledger
