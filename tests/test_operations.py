"""The drafting operations on the real banks and index, with a scripted model standing in for the LLM."""

import re

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.document import PartRole, parse
from assistant.errors import InputError
from assistant.logbook import Logbook
from assistant.models.base import ModelUnavailable
from assistant.models.fake import FakeModel
from assistant.notices import NoticeLibrary
from assistant.operations import Facts, Operations
from assistant.operations.catalog import Catalog
from assistant.prompts import PromptLibrary
from tests.conftest import fixture_text

FACTS = Facts.from_text("""
# 会前准备
集中学习研讨6次，征求意见建议42条，谈心谈话36人次
上年度查摆问题21个，已完成18个
2024年党组会议研究重大事项时，有3项事项先实施后报告
全年下基层调研31次，形成调研报告仅3篇
""")


def field(message: str, name: str) -> str:
    match = re.search(rf"{name}：(.*)", message)
    return match.group(1).strip() if match else ""


def scripted_writer(messages):
    """Writes what a faithful model would: the ordinal, the headline, and the fact (or the pattern)."""
    request = messages[-1].content
    if "序号：" in request:
        ordinal, headline, fact = field(request, "序号"), field(request, "问题"), field(request, "事实")
        example = f"比如，{fact}。" if not fact.startswith("（没有提供") else field(request, "事例模板")
        return f"**{ordinal}是{headline}**。思想上重视不够。{example}"
    if "原因维度" in request or "维度排序" in request:
        return "这一问题的根子在理论武装不够深入，学用脱节；也反映出担当作为的劲头不足。"
    if "修改要求" in request:
        section = request.split("原文：", 1)[1].split("修改要求", 1)[0].strip()
        return section + "2025年3月底前完成，党组书记牵头。"
    return "比如，" + field(request, "事实")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    from assistant.retrieval.knowledge_base import KnowledgeBase

    settings = Settings(home=tmp_path_factory.mktemp("home"))
    return settings, KnowledgeBase(settings=settings, progress=False).retriever


@pytest.fixture
def make_ops(knowledge, tmp_path):
    settings, retriever = knowledge

    def build(model, **kwargs):
        logbook = Logbook(tmp_path / "logs.db")
        ops = Operations(settings=settings, model=model, retriever=retriever,
                         catalog=Catalog(PROJECT_ROOT / "knowledge" / "banks"),
                         prompts=PromptLibrary(PROJECT_ROOT / "prompts"), logbook=logbook, **kwargs)
        return ops, logbook

    return build


@pytest.fixture(scope="module")
def notice_2024():
    return NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices").get("2024")


def sucai_writer(messages):
    """A faithful model for item_from_sucai: the ordinal, the hint headline, the first entry as the example."""
    request = messages[-1].content
    if "归入哪个方面" in request:
        return request.split("可选的方面：", 1)[1].strip()[0]
    first = request.split("本单位素材：", 1)[1].strip().split("\n")[0]
    entry = first.split("：", 1)[1] if "：" in first else first
    return f"**{field(request, '序号')}是{field(request, '参考写法')}**。思想上重视不够。比如，{entry}。"


def test_draft_area_writes_items_from_the_facts_problem_lines(make_ops, notice_2024):
    ops, logbook = make_ops(FakeModel(default=sucai_writer))
    facts = Facts([*FACTS.lines, "党组会议研究重大事项时，有的班子成员不愿表达不同意见，会前酝酿不充分"])
    result = ops.draft_area(notice_2024, 1, org="江川市市场监督管理局", kind="banzi", facts=facts)
    lines = result.text.split("\n")
    assert lines[0] == "（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面"
    assert lines[1].startswith("一是") and "不愿表达不同意见" in lines[1] and "**" not in result.text
    assert result.prompts == ["item_from_sucai@v1"]
    calls = logbook.recent()
    assert {c["prompt_name"] for c in calls} == {"item_from_sucai"}
    assert all(c["outcome"] == "ok" and c["prompt_hash"] for c in calls)


def test_invented_figures_become_slots(make_ops, notice_2024):
    inventive = FakeModel(default=lambda m: f"{field(m[-1].content, '序号')}是纪律意识不强。比如，党组会议研究重大事项时，"
                                            "有的班子成员不愿表达不同意见，2019年8月有37%的事项未报告，王建华同志负责。")
    ops, _ = make_ops(inventive)
    facts = Facts(["党组会议研究重大事项时，有的班子成员不愿表达不同意见，会前酝酿不充分"])
    result = ops.draft_area(notice_2024, 1, org="江川市市场监督管理局", kind="banzi", facts=facts)
    assert "2019" not in result.text and "37%" not in result.text and "王建华" not in result.text
    assert "〔待补：时间〕" in result.text and "〔待补：姓名〕同志" in result.text
    assert any("待补" in w for w in result.warnings)


def test_model_down_falls_back_to_the_entries_and_marked_bank_text(make_ops, notice_2024):
    ops, logbook = make_ops(FakeModel(default=ModelUnavailable("无法连接模型服务")))
    result = ops.draft_area(notice_2024, 2, org="江川市市场监督管理局", kind="geren", facts=Facts())
    items = result.text.split("\n")[1:]
    assert len(items) == 2 and all(item.endswith("〔参考库建议，请结合实际核实〕") for item in items)
    catalog = Catalog(PROJECT_ROOT / "knowledge" / "banks")
    assert all("geren" in catalog.get(c.id)["kinds"] for c in result.citations)
    facts = Facts(["我到分管的3个科室调研多是听汇报，深入一线少，群众反映的问题跟踪不够"])
    result = ops.draft_area(notice_2024, 2, org="江川市市场监督管理局", kind="geren", facts=facts)
    assert "听汇报" in result.text.split("\n")[1] and any("模型生成未成功" in w for w in result.warnings)
    assert {c["outcome"] for c in logbook.recent()} == {"error"}


def test_invalid_output_is_repaired_once_then_falls_back(make_ops, notice_2024):
    repaired = "一是民主集中制执行不严。比如，党组会议研究重大事项时，有的班子成员不愿表达不同意见，〔待补：时间〕会前酝酿不充分。"
    item_replies = ["没有序号的输出", repaired]

    def reply(messages):  # a tie in sorting may ask the model first: that answer is not part of the script
        if "归入哪个方面" in messages[-1].content:
            return "1"
        return item_replies.pop(0) if item_replies else "仍然不合格"

    model = FakeModel(default=reply)
    ops, logbook = make_ops(model)
    facts = Facts(["有的班子成员重大事项先实施后报告，请示报告制度执行不严",
                   "党组会议研究重大事项时，有的班子成员不愿表达不同意见，会前酝酿不充分"])
    result = ops.draft_area(notice_2024, 1, org="江川市市场监督管理局", kind="banzi", facts=facts)
    first = result.text.split("\n")[1]
    assert first == repaired
    items = [call for call in model.history if "归入哪个方面" not in call["messages"][-1].content]
    assert "上面的输出不符合要求" in items[1]["messages"][-1].content
    outcomes = [c["outcome"] for c in reversed(logbook.recent())]
    assert outcomes[:2] == ["invalid", "repaired"]
    # the two lines make two items of area 1; the second, still invalid after its one repair, falls back
    assert [s.outcome for s in result.steps] == ["repaired", "fallback"]


def test_prompt_version_can_be_chosen(make_ops, notice_2024):
    ops, logbook = make_ops(FakeModel(default=sucai_writer), prompt_versions={"item_from_sucai": "item_from_sucai@v1"})
    facts = Facts(["党组会议研究重大事项时，有的班子成员不愿表达不同意见，会前酝酿不充分"])
    result = ops.draft_area(notice_2024, 1, org="江川市市场监督管理局", kind="banzi", facts=facts)
    assert result.prompts == ["item_from_sucai@v1"] and {c["prompt_version"] for c in logbook.recent()} == {"1"}


def test_analyze_problem_ranks_dimensions_and_links_measures(make_ops):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    result = ops.analyze_problem("班子成员中心组学习时照着稿子念，很少联系分管工作谈体会", kind="banzi")
    dims = result.data["dimensions"]
    assert "theory" in [d["id"] for d in dims[:2]]
    # each share is shown rounded to three places, so the shown shares add up to 1 within half a thousandth each
    assert abs(sum(d["score"] for d in dims) - 1.0) <= 0.0005 * len(dims) + 1e-9
    assert dims == sorted(dims, key=lambda d: -d["score"])
    catalog = Catalog(PROJECT_ROOT / "knowledge" / "banks")
    cause_ids = [c["citations"][0] for c in result.data["causes"]]
    assert [catalog.get(c)["dimension"] for c in cause_ids] == [d["id"] for d in dims[:2]]
    for measure in result.data["measures"]:
        assert set(catalog.get(measure["citations"][0])["answers"]) & set(cause_ids)
    assert result.data["reasoning"].startswith("这一问题的根子")
    assert result.prompts == ["cause_explain@v1"]  # the version in use (prompts/in_use.yaml)


def test_causes_and_measures_cover_every_area(make_ops):
    ops, _ = make_ops(FakeModel(default=ModelUnavailable("无法连接模型服务")))
    text = fixture_text("clean-2024-banzi.txt")
    result = ops.causes_and_measures(text, kind="banzi")
    areas = {s.index for s in parse(text).areas}
    assert {a for m in result.data["map"]["measures"] for a in m["areas"]} >= areas
    assert 4 <= len(result.data["causes"]) <= 6 and result.data["causes"][0].startswith("（一）")
    catalog = Catalog(PROJECT_ROOT / "knowledge" / "banks")
    for cause, link in zip(result.data["map"]["causes"], result.data["links"]):
        assert catalog.get(cause["bank"])["dimension"] == link["dimension"] == cause["dimension"]
    for measure in result.data["map"]["measures"]:
        linked = next(c for c in result.data["map"]["causes"] if c["id"] == measure["cause"])
        assert measure["problems"] and (linked["bank"] in catalog.get(measure["bank"])["answers"]
                                        or set(measure["areas"]) - {a for m in result.data["map"]["measures"]
                                                                    if m is not measure for a in m["areas"]})


def test_revise_section_changes_only_that_section(make_ops):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    text = fixture_text("clean-2024-banzi.txt")
    result = ops.revise_section(text, PartRole.MEASURES, 2, "改得更具体些", FACTS)
    before, after = text.split("\n"), result.text.split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    section = parse(text).part(PartRole.MEASURES).sections[1]
    inside = range(section.lines[0].no - 1, section.lines[-1].no)
    assert changed and all(i in inside for i in changed) and len(before) == len(after)
    assert after[section.lines[-1].no - 1].endswith("2025年3月底前完成，党组书记牵头。")
    with pytest.raises(InputError):
        ops.revise_section(text, PartRole.MEASURES, 9, "改具体")
    broken, _ = make_ops(FakeModel(default=ModelUnavailable("无法连接模型服务")))
    unchanged = broken.revise_section(text, PartRole.MEASURES, 2, "改得更具体些")
    assert unchanged.text == text and unchanged.warnings


def test_suggest_examples_uses_only_the_facts(make_ops):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    result = ops.suggest_examples("下基层调研不深不实，调研报告少", FACTS)
    assert result.text == "比如，全年下基层调研31次，形成调研报告仅3篇"
    unrelated = ops.suggest_examples("对配偶子女要求不严", FACTS)  # no fact speaks to it: no borrowed example
    assert "〔待补" in unrelated.text and unrelated.warnings


def test_draft_all_assembles_a_2024_team_material(make_ops, notice_2024, settings):
    ops, _ = make_ops(FakeModel(default=ModelUnavailable("无法连接模型服务")))
    seen = []
    result = ops.draft_all(notice_2024, org="江川市市场监督管理局", kind="banzi", facts=FACTS,
                           progress=lambda label, done, total: seen.append((label, done, total)))
    doc = parse(result.text)
    assert doc.title == "江川市市场监督管理局领导班子2024年度民主生活会对照检查材料"
    assert [p.role for p in doc.parts] == [PartRole.RECTIFICATION, PartRole.PROBLEMS, PartRole.CASE,
                                           PartRole.CAUSES, PartRole.MEASURES]
    assert len(doc.areas) == 4 and all(len(s.items) >= 2 for s in doc.areas)
    assert "集中学习研讨6次" in doc.opening_text and "征求意见建议42条" in doc.opening_text
    assert "查摆的21个问题" in doc.part(PartRole.RECTIFICATION).text
    rubric = result.data["rubric"]
    blockers = [f for f in rubric["findings"] if f["severity"] == "blocker"]
    assert {f["rule"] for f in blockers} <= {"placeholder"}
    assert all(a["matched"] for a in rubric["areas"])
    assert seen[0][0] == "开头" and seen[-1][0] == "完成" and len(seen) == 4 + 3


def test_item_repairs_fix_what_code_can_fix():
    from assistant.operations.areas import repair_item, validate_item

    fix = repair_item("二", "请示报告制度执行不够严格")
    assert fix("三是请示报告制度执行不够严格。比如，……") == "二是请示报告制度执行不够严格。比如，……"
    assert fix("（三）请示报告。比如") == "二是请示报告。比如，"
    assert fix("请示报告制度执行不够严格。比如，……").startswith("二是请示报告")
    assert fix("一段无关的话") == "一段无关的话"
    doubled = "三是运用法治思维的能力不足。运用法治思维的能力不足。依法决策意识不强。比如，……"
    assert fix(doubled) == "二是运用法治思维的能力不足。依法决策意识不强。比如，……"
    assert fix("二是学习不深。学习不深入。比如，……") == "二是学习不深。学习不深入。比如，……"  # only exact repeats go
    check = validate_item("二")
    # the unit's event without its 比如，: marked where the event is, the model's words otherwise kept
    entries = ["2024年有2家乡镇卫生院因违规发放节日福利被县纪委监委通报"]
    fix = repair_item("二", "组织纪律执行不严", entries)
    one_sentence = "二是执行组织纪律不够严格，2024年有2家乡镇卫生院因违规发放节日福利被通报，〔待补：造成的影响〕。"
    assert fix(one_sentence) == "二是执行组织纪律不够严格。比如，2024年有2家乡镇卫生院因违规发放节日福利被通报，〔待补：造成的影响〕。"
    three = "二是组织纪律执行不严。思想上重视不够。2024年有2家乡镇卫生院违规发放节日福利被县纪委监委通报。反映出管理松懈。"
    assert fix(three) == "二是组织纪律执行不严。思想上重视不够。比如，2024年有2家乡镇卫生院违规发放节日福利被县纪委监委通报。反映出管理松懈。"
    assert fix("二是组织纪律执行不严。比如2024年有2家卫生院被通报。") == "二是组织纪律执行不严。比如，2024年有2家卫生院被通报。"
    assert fix("二是组织纪律执行不严。") == "二是组织纪律执行不严。"  # no event to mark: validation asks again
    echoed = "二是会后议论影响团结。比如，（没有提供具体时间和造成的影响），〔待补：具体时间〕。"
    assert fix(echoed) == "二是会后议论影响团结。比如，〔待补：具体时间〕。"
    assert all(check(fix(t)) is None for t in (one_sentence, three))
    assert check("二是问题。比如，事例。") is None
    assert "比如" in check("二是问题。没有事例。")
    assert "二是" in check("问题。比如，事例。")
