"""The opening built from the unit's own 素材: where the problems came from is named as the drafter named it
(channels, issuers, counts), so two units' openings for the same notice differ in substance, and nothing is
named that the 素材 does not hold."""

import re

import pytest

from assistant.document import parse
from assistant.evals.tasks import counted_figures
from assistant.operations.catalog import Facts
from assistant.operations.opening import draft_opening, sucai_counts, title_for
from assistant.rubric import run_rubric
from assistant.similarity import SentenceCorpus, compare, eligible_sentences
from assistant.sucai import Sucai
from assistant.sucai.carryover import mark_recurrences
from assistant.sucai.importers import read_sucai
from tests.conftest import FIXTURES

UNITS = {"青石县市场监督管理局": "市场监管局素材.txt", "临溪县水利局": "水利局素材.txt"}


@pytest.fixture
def notice(notices):
    return notices.get("2024")


def unit(org: str) -> Sucai:
    sucai = read_sucai(FIXTURES / "opening" / UNITS[org])
    mark_recurrences(sucai)
    return sucai


def opening(notice, org: str, sucai: Sucai, kind: str = "banzi") -> str:
    return draft_opening(notice, org=org, kind=kind, facts=Facts(sucai.fact_lines()), sucai=sucai).text


def shared_between(first: str, second: str, notice) -> list:
    """The sentences of `first` that are 雷同 with `second`, by the rule the rubric applies."""
    corpus = SentenceCorpus()
    corpus.add(second, "另一单位")
    return compare(first, [corpus], exempt=notice.wording())[0]


def nameless(sucai: Sucai) -> Sucai:
    """The same 素材 with the channels and issuers taken out: the kinds and counts alone."""
    bare = Sucai.from_list(sucai.to_list())
    for entry in bare.entries:
        entry.source = ""
        entry.text = re.sub(r"^[^，]*(?:巡察组|审计局)[^，]*，", "", entry.text)
    return bare


def test_two_units_openings_share_no_sentence(notice):
    (org_a, sucai_a), (org_b, sucai_b) = [(org, unit(org)) for org in UNITS]
    ours, theirs = opening(notice, org_a, sucai_a), opening(notice, org_b, sucai_b)
    assert len(eligible_sentences(ours, exempt=notice.wording())) == 2  # the basis and preparation; the sources
    assert not shared_between(ours, theirs, notice) and not shared_between(theirs, ours, notice)
    # Before, the sources sentence named the kinds and their counts only, as it still does for 素材 without
    # names: then the two units' sentences are 雷同 although their 素材 differ.
    [before] = shared_between(opening(notice, org_a, nameless(sucai_a)), opening(notice, org_b, nameless(sucai_b)), notice)
    assert before.sentence.startswith("班子对照通知提出的四个方面") and before.score >= 0.8


def test_the_sources_are_named_as_the_sucai_names_them(notice):
    text = opening(notice, "青石县市场监督管理局", unit("青石县市场监督管理局"))
    assert "通过个体工商户座谈会、12315热线回访、网络问政收集的意见建议3条" in text  # 2 of them raised the same
    assert "班子查摆的问题2个" in text and "县委第三巡察组反馈的问题1个" in text
    assert "合并同类后共查找出问题6个" in text
    water = opening(notice, "临溪县水利局", unit("临溪县水利局"))
    assert "调研中查摆的问题1个" in water and "县审计局和市委巡察组反馈的问题2个" in water
    assert "合并同类" not in water and "共查找出问题7个" in water


def test_nothing_is_named_that_the_sucai_does_not_hold(notice):
    for org in UNITS:
        sucai = unit(org)
        text = opening(notice, org, sucai)
        sources = text.split("这一主题，", 1)[1].split("。", 1)[1]
        held = " ".join([*(e.source for e in sucai.entries), *sucai.texts()])
        for name in re.findall(r"通过(.+?)收集的", sources) + re.findall(r"、([^、，]+?)(?:反馈|中查摆)的问题", sources):
            assert all(part in held for part in re.split("[、和]", name)), name
        figures = set(re.findall(r"\d+", text)) - {"2024"}
        allowed = set(counted_figures(sucai)) | set(re.findall(r"\d+", held))
        assert figures <= allowed, figures - allowed


def test_a_feedback_issuer_is_an_organ_the_sucai_names(notice):
    sucai = Sucai()
    sucai.add("feedback", "经审计发现，2个项目变更设计未经集体研究", source="审计")
    sucai.add("feedback", "县委巡察指出，局属质监站对施工单位监督偏软", source="巡察反馈")
    sucai.add("feedback", "巡察指出，执法记录仪使用率不足六成", source="市委第一巡察组")
    text = opening(notice, "临溪县水利局", sucai)
    assert "审计、县委巡察和市委第一巡察组反馈的问题3个" in text


def test_a_recurring_problem_is_counted(notice):
    sucai = unit("临溪县水利局")
    sucai.add("finding", "山塘水库安全管理责任落实不到位，安全鉴定进度滞后", source="班子查摆")
    mark_recurrences(sucai)
    text = opening(notice, "临溪县水利局", sucai)
    assert "共查找出问题8个，其中1个是上年度查摆过的问题" in text
    assert "调研中查摆和班子查摆的问题2个" in text


def test_without_problems_the_sources_stay_general(notice):
    facts_only = Sucai()
    facts_only.add("fact", "会前集中学习研讨4次，征求意见建议29条，谈心谈话33人次")
    text = opening(notice, "临溪县水利局", facts_only)
    assert "共查找出问题" not in text and "全面梳理" in text
    assert sucai_counts(facts_only) == {}


@pytest.mark.parametrize("kind", ["banzi", "geren"])
def test_the_opening_passes_the_rubric(notice, settings, kind):
    for org in UNITS:
        text = title_for(notice, org, kind) + "\n" + opening(notice, org, unit(org), kind=kind) + "\n"
        report = run_rubric(parse(text), settings=settings, notice=notice, kind=kind,
                            only=["opening", "opening-figures"])
        assert not report.findings, [f.message for f in report.findings]
