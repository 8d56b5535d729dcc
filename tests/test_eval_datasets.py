"""Invariants of the evaluation datasets in evals/datasets/ (analyze, drafting, revision).

analyze.jsonl    one problem → the cause dimension(s) a seasoned reviewer accepts as its root
drafting.jsonl   notice + area + facts → the items the drafter expects; `must` strings come from the facts
revision.jsonl   a short draft + one section + an instruction → what must change and what must stay
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

from assistant.config import PROJECT_ROOT
from assistant.document import PartRole, parse
from assistant.notices import NoticeLibrary

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
