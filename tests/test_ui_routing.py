"""The chat's routing: plain Chinese requests (with slips and vague ones) → the operation to run."""

import pytest

from ui.routing import Intent, RouteContext, area_number, item_number, normalize, route

NOTICE_2024 = RouteContext(area_count=4, area_titles=[
    "带头严守政治纪律和政治规矩，维护党的团结统一", "带头增强党性、严守纪律、砥砺作风",
    "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新", "带头履行全面从严治党政治责任"], section="area-2")


@pytest.mark.parametrize("message, name, args", [
    ("写第二个方面", "draft_area", {"area": 2}),
    ("写第2个方面", "draft_area", {"area": 2}),
    ("帮我起草第三个方面", "draft_area", {"area": 3}),
    ("第一个方面写一下", "draft_area", {"area": 1}),
    ("写方面四", "draft_area", {"area": 4}),
    ("二、", "draft_area", {"area": 2}),
    ("写（三）", "draft_area", {"area": 3}),
    ("写第二方面", "draft_area", {"area": 2}),
    ("写下一个方面", "draft_area", {"area": 3}),
    ("写政治纪律那个方面", "draft_area", {"area": 1}),
    ("给这一条补一个具体事例", "suggest_examples", {"section": "area-2", "item": None}),
    ("给第三个方面的第二条补个例子", "suggest_examples", {"section": "area-3", "item": 2}),
    ("二是缺个例子，帮我加一个", "suggest_examples", {"section": "area-2", "item": 2}),
    ("分析一下这个问题的根源：调研走过场，只听汇报不进农户", "analyze_problem", {"problem": "调研走过场，只听汇报不进农户"}),
    ("剖析问题根源：“学习不深入，学用脱节”", "analyze_problem", {"problem": "学习不深入，学用脱节"}),
    ("把原因和措施对应起来", "causes_and_measures", {}),
    ("写原因剖析", "causes_and_measures", {}),
    ("这一段改得更具体些", "revise_section", {"section": "area-2", "instruction": "这一段改得更具体些"}),
    ("把第四个方面改得更深刻一些", "revise_section", {"section": "area-4", "instruction": "把第四个方面改得更深刻一些"}),
    ("整改措施改得具体些", "revise_section", {"section": "measures", "instruction": "整改措施改得具体些"}),
    ("检查一下", "check", {}),
    ("帮我看看有没有问题", "check", {}),
    ("导出Word", "export", {"format": "docx"}),
    ("导出成 markdown", "export", {"format": "md"}),
    ("下载docx", "export", {"format": "docx"}),
    ("仍然导出Word", "export", {"format": "docx", "force": True}),
    ("先导出一份草稿md", "export", {"format": "md", "force": True}),
    ("写开头", "draft_opening", {}),
    ("起草全文", "draft_all", {}),
    ("一键生成整篇材料", "draft_all", {}),
    ("用2024年的通知", "set_notice", {"notice": "2024"}),
    ("采用", "accept", {}),
    ("就用这个吧", "accept", {}),
    ("放弃", "discard", {}),
    ("撤销", "undo", {}),
    ("重做", "redo", {}),
])
def test_plain_requests(message, name, args):
    context = RouteContext(**{**NOTICE_2024.__dict__, "has_proposal": True})
    assert route(message, context) == Intent(name, args)


@pytest.mark.parametrize("message, name, args", [
    ("写地二个放面", "draft_area", {"area": 2}),
    ("写弟3个方m", "draft_area", {"area": 3}),
    ("检察一下", "check", {}),
    ("捡查一下材料", "check", {}),
    ("到出word", "export", {"format": "docx"}),
    ("倒出WROD", "export", {"format": "docx"}),
    ("把源因和措失对应起来", "causes_and_measures", {}),
    ("给这一条补一个具提事列", "suggest_examples", {"section": "area-2", "item": None}),
    ("分析一下这个问题的跟源：开会多落实少", "analyze_problem", {"problem": "开会多落实少"}),
    ("写第二个方面。", "draft_area", {"area": 2}),
    ("  写 第 二 个 方 面  ", "draft_area", {"area": 2}),
    ("写第２个方面", "draft_area", {"area": 2}),
    ("撤消", "undo", {}),
])
def test_slips_are_forgiven(message, name, args):
    assert route(message, NOTICE_2024) == Intent(name, args)


@pytest.mark.parametrize("message, asks", [
    ("", "请告诉我"),
    ("   ", "请告诉我"),
    ("写一下", "要写哪一部分"),
    ("帮我写", "要写哪一部分"),
    ("写一个方面", "要写哪一个方面"),
    ("这一段改一下", "要修改哪一部分"),
    ("写第九个方面", "只有4个方面"),
    ("分析一下根源", "冒号后面"),
    ("今天天气怎么样", "我没太明白"),
    ("采用", "没有待采用"),
])
def test_vague_requests_get_a_question_back(message, asks):
    context = RouteContext(area_count=4, area_titles=NOTICE_2024.area_titles)
    intent = route(message, context)
    assert intent.name == "clarify"
    assert asks in intent.reply


def test_help_lists_the_requests():
    intent = route("你能做什么？")
    assert intent.name == "help" and "写第二个方面" in intent.reply and "导出Word" in intent.reply


def test_no_notice_yet_still_routes_by_number():
    assert route("写第五个方面") == Intent("draft_area", {"area": 5})


@pytest.mark.parametrize("text, number", [
    ("第二个方面", 2), ("第2个方面", 2), ("第十二个方面", 12), ("方面三", 3), ("（四）", 4), ("(2)", 2),
    ("二、", 2), ("第两个方面", 2), ("统一思想", None), ("两个维护", None),
])
def test_area_numbers(text, number):
    assert area_number(normalize(text)) == number


def test_item_numbers():
    assert item_number("第三条") == 3
    assert item_number("二是") == 2
    assert item_number("这一条") is None
