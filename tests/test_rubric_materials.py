"""Whole materials: the sample's known defects, the team's clean materials, and clean copies with one defect each."""

import re

import pytest

from assistant.document import PartRole, parse
from assistant.rubric import Severity, run_rubric
from tests.conftest import fixture_text


def report_for(text, notices, settings, notice_id, kind=None):
    return run_rubric(parse(text), settings=settings, notice=notices.get(notice_id), kind=kind)


def rules_found(report, severity=None):
    return {f.rule for f in report.findings if severity is None or f.severity == severity}


def test_sample_2021_defects(sample_text, notices, settings):
    report = report_for(sample_text, notices, settings, "2021")
    assert [a.area.index if a.area else None for a in report.areas] == [1, 2, 3, 4, 5]
    by_rule = {}
    for finding in report.findings:
        by_rule.setdefault(finding.rule, []).append(finding)
    pinyin = " ".join(f.excerpt + f.message for f in by_rule["pinyin-abbrev"])
    assert "mzshh" in pinyin and "dangshi" in pinyin
    placeholders = " ".join(f.excerpt + f.message for f in by_rule["placeholder"])
    assert "XXX" in placeholders and re.search(r"XX(?!X)", placeholders)
    assert any("检验2021年成效" in f.excerpt or "检验2021年" in f.message for f in by_rule["year"])
    assert any(f.line == 5 for f in by_rule["quotes"])  # the opening's nested “…“两个确立”…”
    assert any("做做" in f.excerpt + f.message for f in by_rule["doubled-char"])
    assert len(by_rule["vague-measure"]) >= 3
    assert report.has_blockers


@pytest.mark.parametrize("name,notice_id,kind", [
    ("clean-2024-banzi.txt", "2024", "banzi"),
    ("clean-2023-geren.txt", "2023", "geren"),
])
def test_clean_materials_have_no_blocker(name, notice_id, kind, notices, settings):
    report = report_for(fixture_text(name), notices, settings, notice_id)
    assert report.kind == kind
    assert not report.has_blockers, [f for f in report.findings if f.severity == Severity.BLOCKER]
    assert all(a.area is not None for a in report.areas)
    majors = [f for f in report.findings if f.severity == Severity.MAJOR]
    assert not majors, majors


CLEAN_2024 = "clean-2024-banzi.txt"

# (rule expected, a function that injects one defect into the clean 2024 team material)
INJECTIONS = {
    "placeholder": lambda t: t.replace("江川市市场监督管理局领导班子", "XX市市场监督管理局领导班子", 1),
    "pinyin-abbrev": lambda t: t.replace("民主生活会", "mzshh", 2),
    "year": lambda t: t.replace("领导班子2024年度民主生活会", "领导班子2023年度民主生活会", 1),
    "area-mismatch": lambda t: _drop_section(t, PartRole.PROBLEMS, 4),
    "numbering": lambda t: t.replace("（三）在带头在遵规守纪", "（五）在带头在遵规守纪", 1),
    "quotes": lambda t: t.replace("“两个确立”", "“坚定拥护“两个确立”", 1),
    "punctuation": lambda t: _replace_in_line(t, 2, "，", ",", 3),
    "doubled-char": lambda t: t.replace("研究", "研研究", 1),
    "formula": lambda t: t.replace("“国之大者”", "国之大者", 1),
    "missing-part": lambda t: _drop_part(t, PartRole.CAUSES),
    "opening": lambda t: re.sub(r"现将[^。：]*如下[：:]", "", t, count=1),
    "no-example": lambda t: _strip_examples(t, area=1),
    "achievement-as-problem": lambda t: _append_to_area(t, 1, "四是对自己要求过高，工作太投入。比如，2024年班子成员节假日加班累计达到60天，顾不上休息。"),
    "work-not-thinking": lambda t: _replace_area_items(t, 2, ["一是业务工作进度偏慢。比如，2024年项目完成率只有80%。",
                                                            "二是考核指标完成不好。比如，全年有3项任务没有按期完成。"]),
    "generic": lambda t: _append_to_area(t, 3, _first_example(t) ),
    "shallow-cause": lambda t: _append_to_part(t, PartRole.CAUSES, "（六）客观上任务繁重、人手少，班子成员疲于应付，没有精力深入思考。"),
    "coverage": lambda t: _keep_sections(t, PartRole.MEASURES, 1),
    "vague-measure": lambda t: _append_to_part(t, PartRole.MEASURES, "（六）加强作风建设。进一步改进作风，不断提升服务水平，切实增强宗旨意识。"),
    "length": lambda t: "\n".join(t.split("\n")[:8]),
}


def _lines(text):
    return text.split("\n")


def _section_span(text, role, number):
    doc = parse(text)
    part = doc.part(role)
    section = next(s for s in part.sections if s.index == number)
    return section.lines[0].no, section.lines[-1].no


def _drop_section(text, role, number):
    first, last = _section_span(text, role, number)
    lines = _lines(text)
    return "\n".join(lines[: first - 1] + lines[last:])


def _keep_sections(text, role, count):
    doc = parse(text)
    part = doc.part(role)
    drop = {line.no for section in part.sections[count:] for line in section.lines}
    return "\n".join(line for i, line in enumerate(_lines(text), start=1) if i not in drop)


def _drop_part(text, role):
    doc = parse(text)
    drop = {line.no for line in doc.part(role).lines}
    return "\n".join(line for i, line in enumerate(_lines(text), start=1) if i not in drop)


def _append_to_part(text, role, new_line):
    last = parse(text).part(role).lines[-1].no
    lines = _lines(text)
    return "\n".join(lines[:last] + [new_line] + lines[last:])


def _append_to_area(text, number, new_line):
    _, last = _section_span(text, PartRole.PROBLEMS, number)
    lines = _lines(text)
    return "\n".join(lines[:last] + [new_line] + lines[last:])


def _replace_area_items(text, number, new_items):
    first, last = _section_span(text, PartRole.PROBLEMS, number)
    lines = _lines(text)
    return "\n".join(lines[:first] + new_items + lines[last:])


def _strip_examples(text, area):
    first, last = _section_span(text, PartRole.PROBLEMS, area)
    lines = _lines(text)
    for index in range(first, last):
        lines[index] = re.sub(r"(?:比如|例如)[^。]*。", "", lines[index])
        lines[index] = re.sub(r"\d", "", lines[index])
    return "\n".join(lines)


def _first_example(text):
    example = parse(text).areas[0].items[0].examples[0].text
    return "四是" + example


def _replace_in_line(text, line_no, old, new, count):
    lines = _lines(text)
    lines[line_no - 1] = lines[line_no - 1].replace(old, new, count)
    return "\n".join(lines)


@pytest.mark.parametrize("rule_id", sorted(INJECTIONS))
def test_each_injected_defect_is_found(rule_id, notices, settings):
    clean = fixture_text(CLEAN_2024)
    assert rule_id not in rules_found(report_for(clean, notices, settings, "2024"), Severity.BLOCKER)
    baseline = [f for f in report_for(clean, notices, settings, "2024").findings if f.rule == rule_id]
    broken = INJECTIONS[rule_id](clean)
    assert broken != clean
    found = [f for f in report_for(broken, notices, settings, "2024", kind="banzi").findings if f.rule == rule_id]
    assert len(found) > len(baseline), f"{rule_id} not found after injection"


def test_individual_defects_in_the_clean_individual_material(notices, settings):
    clean = fixture_text("clean-2023-geren.txt")
    assert "individual" not in rules_found(report_for(clean, notices, settings, "2023"))
    borrowed = clean.replace("一是", "一是有的班子成员", 1)
    assert "individual" in rules_found(report_for(borrowed, notices, settings, "2023"))
    no_family = re.sub("家庭|家教|家风|亲属|配偶|子女", "", clean)
    assert "individual" in rules_found(report_for(no_family, notices, settings, "2023"))


def test_headings_from_another_list_are_reported_against_the_notice(notices, settings):
    """The 2022 material follows an older list of areas: well written, but not the 2022 notice's areas."""
    report = report_for(fixture_text("clean-2022-banzi.txt"), notices, settings, "2022")
    assert not report.has_blockers
    mismatches = [f for f in report.findings if f.rule == "area-mismatch"]
    assert any("对不上" in f.message for f in mismatches)
    assert any("未对照通知的第二个方面" in f.message for f in mismatches)
    assert [a.area.index if a.area else None for a in report.areas][0] == 1
