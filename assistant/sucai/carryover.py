"""Last year's ledger in this year's 素材: open items offered as candidate problems, and problems that recur.

An item still open on last year's ledger is a problem the unit has not solved: it is offered as a 查摆
candidate (the drafter keeps or drops it), marked 上年度未完成整改. A problem the drafter raised this year
that is on last year's ledger is marked too: 上年度未完成整改 if that item is still open, 上年度已整改、又反复出现
if it was closed. The mark goes into the drafted item (operations/from_sucai.py), because a material must
say when a problem recurs.
"""

from __future__ import annotations

from .model import Entry, Sucai, similarity

RECUR_OPEN = "上年度未完成整改"
RECUR_AGAIN = "上年度已整改、又反复出现"
RECURS = 0.45  # similarity at which this year's problem is last year's
SENTENCES = {RECUR_OPEN: "这一问题上年度已列入整改清单，至今没有整改到位，属于反复出现的问题。",
             RECUR_AGAIN: "这一问题上年度已整改销号，今年又反复出现，说明整改没有从根子上解决。"}
CANDIDATE_SOURCE = "上年度整改清单"


def recurrence_sentence(entries: list[Entry]) -> str:
    """The sentence a drafted item adds when one of its entries recurs, or ""."""
    mark = next((entry.recurs for entry in entries if entry.recurs in SENTENCES), "")
    return SENTENCES.get(mark, "")


def nearest_ledger(sucai: Sucai, text: str) -> Entry | None:
    scored = [(similarity(text, entry.text), entry) for entry in sucai.of_kind("ledger")]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] >= RECURS else None


def mark_recurrences(sucai: Sucai) -> int:
    """Mark each problem entry that is on last year's ledger; returns how many were newly marked."""
    marked = 0
    for entry in sucai.problems:
        if entry.recurs:
            continue
        ledger = nearest_ledger(sucai, entry.text)
        if ledger is not None:
            entry.recurs = RECUR_OPEN if ledger.is_open else RECUR_AGAIN
            marked += 1
    return marked


def offer_open_items(sucai: Sucai) -> int:
    """Each open ledger item that no problem entry speaks of yet becomes a candidate 查摆 problem; returns how many."""
    offered = 0
    for item in [entry for entry in sucai.of_kind("ledger") if entry.is_open]:
        if any(similarity(entry.text, item.text) >= RECURS for entry in sucai.problems):
            continue
        place = item.source.split("，")[0]
        sucai.add("finding", item.text, source="，".join(filter(None, [place, CANDIDATE_SOURCE])), recurs=RECUR_OPEN)
        offered += 1
    if offered:
        sucai.warnings.append(f"上年度整改清单中有{offered}项未完成，已作为候选问题加入素材（标“{RECUR_OPEN}”），"
                              "起草时会写明是反复出现的问题；不需要写入今年材料的，请从素材中删去")
    return offered
