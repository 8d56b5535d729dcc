"""Invariants of the reference banks (knowledge/banks/*.yaml) and the retrieval eval set.

The banks are data the drafting operations retrieve from: problems point to cause dimensions, measures
answer causes by id. These tests keep the links, the counts, the voices and the typography sound.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
BANKS = ROOT / "knowledge" / "banks"
NOTICES = ROOT / "knowledge" / "notices"
RETRIEVAL = ROOT / "evals" / "datasets" / "retrieval.jsonl"

DIMENSIONS = ("theory", "party-spirit", "people", "responsibility", "discipline", "governance")
KINDS = ("banzi", "geren")
YEARS = (2021, 2022, 2023, 2024, 2025)
AREA_THEMES = (
    "theory-study", "political-loyalty", "political-discipline", "party-leadership", "party-spirit",
    "party-discipline", "people-centred", "responsibility", "innovation", "struggle", "risk", "ability",
    "work-style", "eight-rules", "integrity", "family-ethos", "power-use", "governance",
    "democratic-centralism", "history-lessons",
)

SLOT = re.compile(r"〔待补：[^〔〕]+〕")
HALF_WIDTH = re.compile(r"[,;:?!()\[\]\"']")
PLACEHOLDERS = ("XX", "xx", "ＸＸ", "某某", "【", "】")
# words that blame 客观 conditions instead of the team's or the person's own thinking
OBJECTIVE_EXCUSES = ("任务繁重", "人手少", "人手不足", "人员不足", "客观原因", "条件有限", "条件限制", "经费不足", "时间紧")
# a campaign word may only appear in items used for that year or later
CAMPAIGN_YEARS = {"党纪学习教育": 2024, "二十大": 2022, "两个确立": 2021}
FIRST_PERSON_SAFE = ("我们", "我国", "自我")


def _load_yaml(name: str) -> list[dict]:
    data = yaml.safe_load((BANKS / name).read_text(encoding="utf-8"))
    assert isinstance(data, list), f"{name} 顶层应为条目列表"
    return data


@pytest.fixture(scope="module")
def causes() -> list[dict]:
    return _load_yaml("causes.yaml")


@pytest.fixture(scope="module")
def measures() -> list[dict]:
    return _load_yaml("measures.yaml")


@pytest.fixture(scope="module")
def problems() -> list[dict]:
    return _load_yaml("problems.yaml")


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    lines = [line for line in RETRIEVAL.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def area_counts() -> dict[str, int]:
    """Number of areas per notice id ("2021" … "2025", "basic"), from the notice presets."""
    counts = {}
    for key in [*map(str, YEARS), "basic"]:
        notice = yaml.safe_load((NOTICES / f"{key}.yaml").read_text(encoding="utf-8"))
        counts[key] = len(notice["areas"])
    return counts


def _prose_fields(entry: dict) -> list[tuple[str, str]]:
    keys = ("title", "text", "headline", "example", "frequency", "deadline", "owner")
    return [(key, entry[key]) for key in keys if key in entry]


def _has_first_person(text: str) -> bool:
    """我/本人 outside quotations (“功成不必在我”, “我说你听” are sayings, not the speaker)."""
    text = re.sub(r"“[^”]*”", "", text)
    for safe in FIRST_PERSON_SAFE:
        text = text.replace(safe, "")
    return "我" in text or "本人" in text


# ---------- files and ids ----------


@pytest.mark.parametrize("name", ["causes.yaml", "measures.yaml", "problems.yaml"])
def test_files_open_with_a_field_comment(name):
    head = (BANKS / name).read_text(encoding="utf-8").lstrip("\ufeff")
    assert head.startswith("#"), f"{name} 应以字段说明注释开头"
    assert "字段说明" in head.split("\n- id:")[0]


def test_counts(causes, measures, problems, queries):
    assert len(causes) >= 42
    assert len(measures) >= 42
    assert len(problems) >= 90
    assert len(queries) >= 64


def test_ids_are_unique_across_banks(causes, measures, problems):
    ids = [e["id"] for e in causes + measures + problems]
    duplicated = [i for i, n in Counter(ids).items() if n > 1]
    assert not duplicated, duplicated


def test_id_patterns(causes, measures, problems):
    for e in causes:
        assert re.fullmatch(rf"cause-{e['dimension']}-\d{{2}}", e["id"]), e["id"]
    for e in measures:
        assert re.fullmatch(rf"measure-{e['dimension']}-\d{{2}}", e["id"]), e["id"]
    for e in problems:
        m = re.fullmatch(r"problem-(\d{4}|basic)-(\d)-\d{2}", e["id"])
        if m:
            assert e["area_titles"][0] == f"{m.group(1)}:{m.group(2)}", f"{e['id']} 的首个方面应与编号一致"
            continue
        m = re.fullmatch(r"problem-theme-([a-z-]+)-\d{2}", e["id"])
        assert m, f"编号格式不对：{e['id']}"
        assert m.group(1) == e["area_theme"], f"{e['id']} 的编号主题应与 area_theme 一致"


def test_required_fields(causes, measures, problems):
    for e in causes:
        assert set(e) == {"id", "dimension", "kinds", "title", "text"}, e["id"]
    for e in measures:
        assert set(e) == {"id", "dimension", "answers", "kinds", "title", "text", "frequency", "deadline", "owner"}, e["id"]
    for e in problems:
        assert set(e) == {"id", "area_theme", "years", "area_titles", "kinds", "headline", "text", "example", "causes"}, e["id"]


def test_kinds_valid(causes, measures, problems):
    for e in causes + measures + problems:
        kinds = e["kinds"]
        assert isinstance(kinds, list) and kinds, e["id"]
        assert len(set(kinds)) == len(kinds), e["id"]
        assert set(kinds) <= set(KINDS), e["id"]


# ---------- causes and measures ----------


def test_dimensions_valid_and_balanced(causes, measures):
    for e in causes + measures:
        assert e["dimension"] in DIMENSIONS, e["id"]
    for bank, name in ((causes, "原因"), (measures, "措施")):
        for dim in DIMENSIONS:
            in_dim = [e for e in bank if e["dimension"] == dim]
            assert len(in_dim) >= 7, f"{name} {dim} 只有 {len(in_dim)} 条"
            for kind in KINDS:
                assert sum(kind in e["kinds"] for e in in_dim) >= 2, f"{name} {dim} 缺少 {kind} 口吻"


def test_measures_answer_existing_causes(causes, measures):
    by_id = {c["id"]: c for c in causes}
    answered = set()
    for m in measures:
        assert isinstance(m["answers"], list) and m["answers"], m["id"]
        for cid in m["answers"]:
            assert cid in by_id, f"{m['id']} 回应了不存在的原因 {cid}"
            cause = by_id[cid]
            assert cause["dimension"] == m["dimension"], f"{m['id']} 与 {cid} 维度不同"
            assert set(cause["kinds"]) & set(m["kinds"]), f"{m['id']} 与 {cid} 适用材料不相交"
            answered.add(cid)
    unanswered = sorted(set(by_id) - answered)
    assert not unanswered, f"没有措施回应的原因：{unanswered}"


def test_text_lengths(causes, measures, problems):
    for e in causes:
        assert 60 <= len(e["text"]) <= 160, (e["id"], len(e["text"]))
    for e in measures:
        assert 80 <= len(e["text"]) <= 200, (e["id"], len(e["text"]))
    for e in problems:
        assert 80 <= len(e["text"]) <= 200, (e["id"], len(e["text"]))
    for e in causes + measures:
        assert 4 <= len(e["title"]) <= 30, e["id"]


def test_causes_are_subjective(causes):
    for c in causes:
        hits = [w for w in OBJECTIVE_EXCUSES if w in c["text"]]
        assert not hits, f"{c['id']} 把原因归于客观条件：{hits}"


def test_measures_carry_slots_and_fields(measures):
    for m in measures:
        assert SLOT.search(m["text"]), f"{m['id']} 缺少〔待补：……〕空位"
        for key in ("frequency", "deadline", "owner"):
            value = m[key]
            assert isinstance(value, str) and value.strip(), (m["id"], key)
            assert len(value) <= 30, (m["id"], key)


# ---------- problems ----------


def test_problem_themes_and_causes(problems):
    header = (BANKS / "problems.yaml").read_text(encoding="utf-8").split("\n- id:")[0]
    for theme in AREA_THEMES:
        assert re.search(rf"^#\s+{re.escape(theme)}\s", header, re.M), f"文件头注释缺少主题 {theme}"
    for p in problems:
        assert p["area_theme"] in AREA_THEMES, p["id"]
        assert 1 <= len(p["causes"]) <= 3, p["id"]
        assert len(set(p["causes"])) == len(p["causes"]), p["id"]
        assert set(p["causes"]) <= set(DIMENSIONS), p["id"]


def test_problem_areas_valid(problems, area_counts):
    for p in problems:
        titles = p["area_titles"]
        assert titles and len(set(titles)) == len(titles), p["id"]
        years = set()
        for t in titles:
            assert isinstance(t, str), f"{p['id']} 的 area_titles 应加引号：{t!r}"
            year, _, index = t.partition(":")
            assert year in area_counts, (p["id"], t)
            assert index.isdigit() and 1 <= int(index) <= area_counts[year], (p["id"], t)
            years.add(year)
        declared = {str(y) for y in p["years"]}
        assert declared == years, f"{p['id']} 的 years 与 area_titles 不一致：{sorted(declared)} / {sorted(years)}"
        for y in p["years"]:
            assert y == "basic" or (isinstance(y, int) and y in YEARS), (p["id"], y)


def test_every_area_covered(problems, area_counts):
    counter = Counter(t for p in problems for t in p["area_titles"])
    missing = [
        f"{year}:{i}"
        for year, n in area_counts.items()
        for i in range(1, n + 1)
        if counter[f"{year}:{i}"] < 2
    ]
    assert not missing, f"少于2条问题的方面：{missing}"
    for year in area_counts:
        assert any(year in {str(y) for y in p["years"]} for p in problems), year


def test_problem_voices_balanced(problems):
    assert sum("geren" in p["kinds"] for p in problems) >= 30
    assert sum("banzi" in p["kinds"] for p in problems) >= 30


def test_problem_headline_and_example(problems):
    for p in problems:
        headline = p["headline"]
        assert headline and headline[-1] not in "。；，：", p["id"]
        assert p["text"].startswith(headline + "。"), f"{p['id']} 的 text 应以 headline 开头"
        assert p["text"].endswith("。"), p["id"]
        example = p["example"]
        assert example.startswith(("比如，", "例如，")), p["id"]
        assert SLOT.search(example), f"{p['id']} 的事例缺少〔待补：……〕空位"
        assert example.endswith("。"), p["id"]


def test_problems_are_not_achievements(problems):
    bragging = ("取得了显著", "成效显著", "圆满完成", "受到表彰", "走在前列")
    for p in problems:
        assert not any(w in p["text"] for w in bragging), p["id"]


def test_campaign_words_fit_years(problems):
    for p in problems:
        body = p["text"] + p["example"]
        years = [y for y in p["years"] if isinstance(y, int)]
        for word, first in CAMPAIGN_YEARS.items():
            if word in body:
                assert all(y >= first for y in years), f"{p['id']} 提到“{word}”，却用于 {years}"


# ---------- typography and voice (all banks) ----------


def test_typography(causes, measures, problems):
    for e in causes + measures + problems:
        for key, value in _prose_fields(e):
            assert isinstance(value, str), (e["id"], key)
            assert not HALF_WIDTH.search(value), f"{e['id']}.{key} 含半角标点：{HALF_WIDTH.findall(value)}"
            for mark in PLACEHOLDERS:
                assert mark not in value, f"{e['id']}.{key} 含占位符 {mark}"
            assert not re.search(r"([\u4e00-\u9fff])\1\1", value), f"{e['id']}.{key} 有连续重复字"
            # 〔待补：……〕 slots are well formed and not nested
            assert value.count("〔") == value.count("〕") == len(SLOT.findall(value)), (e["id"], key)
            # Chinese double quotes balanced and never nested
            depth = 0
            for ch in value:
                if ch == "“":
                    depth += 1
                    assert depth == 1, f"{e['id']}.{key} 引号嵌套"
                elif ch == "”":
                    depth -= 1
                    assert depth == 0, f"{e['id']}.{key} 引号不配对"
            assert depth == 0, f"{e['id']}.{key} 引号不配对"


def test_voice_matches_kinds(causes, measures, problems):
    for e in causes + measures + problems:
        body = "".join(value for key, value in _prose_fields(e) if key in ("text", "example"))
        kinds = set(e["kinds"])
        if kinds == {"banzi"}:
            assert "班子" in body, f"{e['id']} 是班子条目，却没有班子口吻"
        elif kinds == {"geren"}:
            assert _has_first_person(body), f"{e['id']} 是个人条目，却没有“我/本人”"
        else:
            assert "班子" not in body and not _has_first_person(body), f"{e['id']} 两种材料通用，不应带人称"


# ---------- retrieval eval set ----------


def test_retrieval_queries(queries, causes, measures, problems):
    bank = {e["id"]: e for e in causes + measures + problems}
    bank_texts = [value for e in bank.values() for _, value in _prose_fields(e)]
    ids = [q["id"] for q in queries]
    assert len(set(ids)) == len(ids)
    kinds = Counter()
    for q in queries:
        assert set(q) == {"id", "query", "kind", "relevant", "note"}, q
        assert re.fullmatch(r"r\d{3}", q["id"]), q["id"]
        assert q["kind"] in ("problem", "cause", "measure"), q["id"]
        kinds[q["kind"]] += 1
        assert 1 <= len(q["relevant"]) <= 4, q["id"]
        assert len(set(q["relevant"])) == len(q["relevant"]), q["id"]
        for rid in q["relevant"]:
            assert rid in bank, f"{q['id']} 引用了不存在的条目 {rid}"
            assert rid.startswith(q["kind"] + "-"), f"{q['id']} 的 {rid} 与 kind 不符"
        text = q["query"].strip()
        assert 4 <= len(text) <= 60, q["id"]
        assert not any(text in t for t in bank_texts), f"{q['id']} 的查询照抄了库中文字"
    for kind in ("problem", "cause", "measure"):
        assert kinds[kind] >= 10, kind
