"""Invariants of the evaluation datasets in evals/datasets/ (analyze, drafting, revision).

analyze.jsonl    one problem → the cause dimension(s) a seasoned reviewer accepts as its root
drafting.jsonl   notice + area + facts → the items the drafter expects; `must` strings come from the facts
revision.jsonl   a short draft + one section + an instruction → what must change and what must stay
sucai.jsonl      one unit's 素材 (inline, or a workbook in sucai/) → each entry's kind, area and marks
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.document import PartRole, parse
from assistant.notices import NoticeLibrary
from assistant.sucai.model import KIND_LABELS, MERGE_SIMILARITY, PROBLEM_KINDS, Sucai, similarity

DATASETS = PROJECT_ROOT / "evals" / "datasets"
BANKS = PROJECT_ROOT / "knowledge" / "banks"

DIMENSIONS = ("theory", "party-spirit", "people", "responsibility", "discipline", "governance")
KINDS = ("banzi", "geren")
PARTS = ("problems", "causes", "measures")
PLACEHOLDERS = ("XX", "xx", "ＸＸ", "某某")
HALF_WIDTH = re.compile(r"[,;:?!()\[\]]")


def load(name: str) -> list[dict]:
    path = DATASETS / name
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            assert isinstance(row, dict), f"{name}:{number} is not an object"
            rows.append(row)
    return rows


@pytest.fixture(scope="module")
def analyze() -> list[dict]:
    return load("analyze.jsonl")


@pytest.fixture(scope="module")
def drafting() -> list[dict]:
    return load("drafting.jsonl")


@pytest.fixture(scope="module")
def revision() -> list[dict]:
    return load("revision.jsonl")


@pytest.fixture(scope="module")
def library() -> NoticeLibrary:
    return NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices")


@pytest.fixture(scope="module")
def bank_texts() -> list[str]:
    texts: list[str] = []

    def walk(node) -> None:
        if isinstance(node, str):
            texts.append(node)
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in sorted(BANKS.glob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    assert texts
    return texts


def inputs_of(name: str, row: dict) -> list[str]:
    """The text a case feeds to the assistant (not the expectations)."""
    if name == "analyze":
        return [row["problem"]]
    if name == "drafting":
        return [row["org"], *row["facts"]]
    return [row["draft"], row["instruction"], *row.get("facts", [])]


# ---- all three files -------------------------------------------------------------------------------------
@pytest.mark.parametrize("name, prefix, minimum", [("analyze", "a", 40), ("drafting", "d", 30), ("revision", "v", 30)])
def test_counts_and_unique_ids(name, prefix, minimum):
    rows = load(f"{name}.jsonl")
    assert len(rows) >= minimum
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)), [i for i, n in Counter(ids).items() if n > 1]
    assert all(re.fullmatch(rf"{prefix}\d{{3}}", i) for i in ids), ids
    assert all(isinstance(row.get("note"), str) and row["note"].strip() for row in rows)


@pytest.mark.parametrize("name", ["analyze", "drafting", "revision"])
def test_inputs_have_no_placeholders_or_half_width_punctuation(name):
    for row in load(f"{name}.jsonl"):
        for text in inputs_of(name, row):
            assert not any(p in text for p in PLACEHOLDERS), (row["id"], text)
            assert not HALF_WIDTH.search(text), (row["id"], HALF_WIDTH.search(text).group(0), text)


# ---- analyze ------------------------------------------------------------------------------------------------
def test_analyze_fields(analyze):
    for row in analyze:
        assert row["kind"] in KINDS, row["id"]
        assert 20 <= len(row["problem"]) <= 80, (row["id"], len(row["problem"]))
        expected = row["expected"]
        assert 1 <= len(expected) <= 2 and len(set(expected)) == len(expected), row["id"]
        assert all(dimension in DIMENSIONS for dimension in expected), (row["id"], expected)
        assert row["measure_hint"].strip(), row["id"]


def test_analyze_spread(analyze):
    primary = Counter(row["expected"][0] for row in analyze)
    assert all(primary[dimension] >= 6 for dimension in DIMENSIONS), primary
    kinds = Counter(row["kind"] for row in analyze)
    assert all(kinds[kind] >= 10 for kind in KINDS), kinds
    problems = [row["problem"] for row in analyze]
    assert len(problems) == len(set(problems))


def test_analyze_voice(analyze):
    for row in analyze:
        if row["kind"] == "geren":
            assert "我" in row["problem"] or "本人" in row["problem"], row["id"]
            assert "有的班子成员" not in row["problem"], row["id"]


def test_analyze_problems_are_not_taken_from_the_banks(analyze, bank_texts):
    for row in analyze:
        assert not any(row["problem"] in text for text in bank_texts), row["id"]


# ---- drafting -----------------------------------------------------------------------------------------------
def test_drafting_notice_and_area(drafting, library):
    for row in drafting:
        areas = library.get(row["notice"]).areas
        assert isinstance(row["area"], int) and 1 <= row["area"] <= len(areas), (row["id"], row["notice"], row["area"])
        assert row["kind"] in KINDS, row["id"]
        assert row["org"].strip(), row["id"]


def test_drafting_covers_every_notice_area_and_both_kinds(drafting, library):
    covered = {(row["notice"], row["area"]) for row in drafting}
    for notice_id in ("2021", "2022", "2023", "2024", "2025", "basic"):
        count = len(library.get(notice_id).areas)
        missing = [area for area in range(1, count + 1) if (notice_id, area) not in covered]
        assert not missing, (notice_id, missing)
        kinds = {row["kind"] for row in drafting if row["notice"] == notice_id}
        assert kinds == set(KINDS), (notice_id, kinds)


def test_drafting_must_comes_from_facts(drafting):
    for row in drafting:
        assert 2 <= len(row["facts"]) <= 4, row["id"]
        assert row["must"], row["id"]
        facts = "\n".join(row["facts"])
        for phrase in row["must"]:
            assert phrase in facts, (row["id"], phrase)


def test_drafting_must_not(drafting):
    for row in drafting:
        assert {"XX", "某某"} <= set(row["must_not"]), row["id"]
        inputs = "\n".join([row["org"], *row["facts"]])
        for phrase in row["must_not"]:
            assert phrase not in inputs, (row["id"], phrase)
        assert not set(row["must_not"]) & set(row["must"]), row["id"]


# ---- revision -----------------------------------------------------------------------------------------------
def section_of(row: dict):
    part = parse(row["draft"]).part(PartRole(row["part"]))
    assert part is not None, (row["id"], row["part"])
    assert 1 <= row["section"] <= len(part.sections), (row["id"], row["section"], len(part.sections))
    return part.sections[row["section"] - 1]


def test_revision_drafts_parse(revision):
    for row in revision:
        assert row["part"] in PARTS, row["id"]
        lines = row["draft"].split("\n")
        assert 8 <= len(lines) <= 15, (row["id"], len(lines))
        document = parse(row["draft"])
        for role in PARTS:
            part = document.part(PartRole(role))
            assert part is not None and len(part.sections) >= 2, (row["id"], role)
        assert document.part(PartRole.PROBLEMS).items, row["id"]
        section = section_of(row)
        assert section.text.strip(), row["id"]


def test_revision_expectations_refer_to_the_section(revision):
    for row in revision:
        assert row["instruction"].strip(), row["id"]
        text = section_of(row).text
        for phrase in row["must_change"]:
            assert phrase and phrase in text, (row["id"], "must_change", phrase)
        for phrase in row["must_keep"]:
            assert phrase and phrase in text, (row["id"], "must_keep", phrase)
        assert not set(row["must_change"]) & set(row["must_keep"]), row["id"]


def test_revision_variety(revision):
    assert len({row["instruction"] for row in revision}) >= 25
    parts = Counter(row["part"] for row in revision)
    assert all(parts[part] >= 6 for part in PARTS), parts
    assert len({row["draft"] for row in revision}) >= 6


# ---- sucai --------------------------------------------------------------------------------------------------
SUCAI_NOTICES = ("2021", "2023", "2024", "basic")  # 2022 and 2025: their presets are being corrected
UNIT_KEYS = {"id", "notice", "kind", "org", "group", "sucai", "sucai_file", "expected", "note"}
ENTRY_KEYS = {"kind", "text", "source", "area", "marks", "status"}
OPINION_HEADERS = ("序号", "意见建议内容", "来源", "针对")
CONTENT_HEADERS = ("意见建议内容", "整改事项", "内容")


@pytest.fixture(scope="module")
def sucai() -> list[dict]:
    return load("sucai.jsonl")


def entries_of(unit: dict) -> list[dict]:
    return unit["expected"] if "sucai_file" in unit else unit["sucai"]


def problems_of(unit: dict) -> list[dict]:
    return [entry for entry in entries_of(unit) if entry["kind"] in PROBLEM_KINDS]


def test_sucai_units(sucai):
    assert len(sucai) == 12
    assert [unit["id"] for unit in sucai] == [f"u{n:02d}" for n in range(1, 13)]
    for unit in sucai:
        assert set(unit) <= UNIT_KEYS, (unit["id"], set(unit) - UNIT_KEYS)
        assert unit["notice"] in SUCAI_NOTICES and unit["kind"] in KINDS, unit["id"]
        assert unit["group"] == f"{unit['notice']}-{unit['kind']}", unit["id"]
        assert unit["org"].strip(), unit["id"]
        assert ("sucai" in unit) != ("sucai_file" in unit), unit["id"]
        assert ("expected" in unit) == ("sucai_file" in unit), unit["id"]
    assert len({unit["org"] for unit in sucai}) == len(sucai)
    assert sum("sucai_file" in unit for unit in sucai) >= 2


def test_sucai_years_groups_and_kinds(sucai):
    notices = Counter(unit["notice"] for unit in sucai)
    assert len(notices) >= 3 and notices["2024"] >= 4 and notices["2023"] >= 3, notices
    groups = Counter(unit["group"] for unit in sucai)
    assert sum(count >= 2 for count in groups.values()) >= 2, groups
    assert {unit["kind"] for unit in sucai} == set(KINDS)


def test_sucai_entries(sucai, library):
    for unit in sucai:
        entries = entries_of(unit)
        assert 8 <= len(entries) <= 15, (unit["id"], len(entries))
        areas = len(library.get(unit["notice"]).areas)
        for entry in entries:
            where = (unit["id"], entry["text"][:12])
            assert set(entry) <= ENTRY_KEYS and entry["kind"] in KIND_LABELS, where
            assert entry["text"].strip() and entry["source"].strip(), where
            assert not any(p in entry["text"] for p in PLACEHOLDERS), where
            assert not HALF_WIDTH.search(entry["text"]), (where, HALF_WIDTH.search(entry["text"]).group(0))
            marks = entry.get("marks", [])
            assert len(marks) <= 3 and all(mark and mark in entry["text"] for mark in marks), where
            assert ("status" in entry) == (entry["kind"] == "ledger"), where
            if entry["kind"] in PROBLEM_KINDS:
                assert isinstance(entry["area"], int) and 1 <= entry["area"] <= areas, where
                assert marks, where
            else:
                assert "area" not in entry, where


def test_sucai_spread(sucai, library):
    sparse = 0
    for unit in sucai:
        problems = problems_of(unit)
        per_area = Counter(entry["area"] for entry in problems)
        assert len(problems) >= 5 and len(per_area) >= 3, (unit["id"], per_area)
        kinds = Counter(entry["kind"] for entry in entries_of(unit))
        assert 2 <= kinds["fact"] <= 4 and kinds["ledger"] <= 3, (unit["id"], kinds)
        if unit["notice"] in ("2023", "2024"):
            assert kinds["ledger"] >= 1, unit["id"]
        if unit["notice"] == "2024":
            assert kinds["case"] >= 1, unit["id"]
        count = len(library.get(unit["notice"]).areas)
        sparse += any(per_area[area] <= 1 for area in range(1, count + 1))
    assert sparse >= 4  # areas the bank's suggestions have to fill
    assert sum(any(e["kind"] == "ledger" for e in entries_of(unit)) for unit in sucai) >= 9
    preparation = [unit["id"] for unit in sucai
                   if any(e["kind"] == "fact" and "谈心谈话" in e["text"] for e in entries_of(unit))]
    assert len(preparation) >= 7, preparation


def test_sucai_cases_are_anonymous(sucai):
    for unit in sucai:
        for entry in entries_of(unit):
            if entry["kind"] == "case":
                assert "某" in entry["text"] and "原" in entry["text"], (unit["id"], entry["text"])


def test_sucai_marks_identify_their_entry(sucai):
    """A problem entry's mark occurs in no other entry of its unit, unless the two are near-duplicates."""
    for unit in sucai:
        entries = entries_of(unit)
        for entry in problems_of(unit):
            for mark in entry["marks"]:
                for other in entries:
                    if other is not entry and mark in other["text"]:
                        assert similarity(entry["text"], other["text"]) >= MERGE_SIMILARITY, (unit["id"], mark)


def test_sucai_near_duplicates_merge(sucai):
    merging = []
    for unit in sucai:
        problems = problems_of(unit)
        for i, entry in enumerate(problems):
            for other in problems[i + 1:]:
                if similarity(entry["text"], other["text"]) >= MERGE_SIMILARITY:
                    assert entry["area"] == other["area"], (unit["id"], entry["text"][:12])
                    assert set(entry["marks"]) & set(other["marks"]), (unit["id"], entry["text"][:12])
        collected = Sucai()
        for entry in entries_of(unit):
            collected.add(entry["kind"], entry["text"], source=entry["source"])
        folded = collected.merge_duplicates()
        assert folded <= 1, (unit["id"], folded)
        if folded:
            merging.append(unit["id"])
    assert len(merging) >= 3, merging


def test_sucai_geren_voice(sucai):
    for unit in sucai:
        if unit["kind"] != "geren":
            continue
        for entry in problems_of(unit):
            assert "我" in entry["text"] or "本人" in entry["text"], (unit["id"], entry["text"][:12])
            assert "有的班子成员" not in entry["text"], unit["id"]
        assert any(e["kind"] == "fact" and e["text"].startswith("本人任") and "分管" in e["text"]
                   for e in entries_of(unit)), unit["id"]


def test_sucai_units_share_no_sentences(sucai):
    texts = Counter(entry["text"] for unit in sucai for entry in entries_of(unit))
    assert not [text for text, n in texts.items() if n > 1]
    for i, unit in enumerate(sucai):
        for other in sucai[i + 1:]:
            for a in problems_of(unit):
                for b in problems_of(other):
                    assert similarity(a["text"], b["text"]) < 0.5, (unit["id"], other["id"], a["text"][:12])


def header_row(sheet) -> tuple[int, list[str]]:
    """The first row (1-based) that has a 序号 cell, and its cells as text: title rows come before it."""
    for number, row in enumerate(sheet.iter_rows(max_row=6, values_only=True), start=1):
        cells = [str(cell).strip() if cell is not None else "" for cell in row]
        if "序号" in cells:
            return number, cells
    raise AssertionError(f"{sheet.title}: no header row")


def test_sucai_workbooks_match_expected(sucai):
    import openpyxl

    for unit in (unit for unit in sucai if "sucai_file" in unit):
        book = openpyxl.load_workbook(DATASETS / unit["sucai_file"], read_only=True)
        assert len(book.worksheets) >= 2, unit["id"]
        cells: list[dict] = []
        for index, sheet in enumerate(book.worksheets):
            number, headers = header_row(sheet)
            if index == 0:
                assert set(OPINION_HEADERS) <= set(headers), (unit["id"], headers)
            content = next(h for h in CONTENT_HEADERS if h in headers)
            for row in sheet.iter_rows(min_row=number + 1, values_only=True):
                record = {h: str(v).strip() for h, v in zip(headers, row) if h and v is not None}
                if record.get(content):
                    cells.append({"sheet": index, "text": record[content], "source": record.get("来源"),
                                  "status": record.get("完成情况")})
        expected = entries_of(unit)
        assert [c["text"] for c in cells] == [e["text"] for e in expected], unit["id"]
        for cell, entry in zip(cells, expected):
            assert (cell["sheet"] == 0) == (entry["kind"] == "opinion"), (unit["id"], entry["text"][:12])
            if cell["source"]:
                assert cell["source"] == entry["source"], (unit["id"], entry["text"][:12])
            if entry["kind"] == "ledger":
                assert cell["status"] == entry["status"], (unit["id"], entry["text"][:12])
