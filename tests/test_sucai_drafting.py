"""Drafting from the drafter's 素材 on the real banks and index, with a scripted model standing in for the
LLM: sorting into areas, items from the unit's own entries, marked bank suggestions, causes and measures
for those problems, the parts built from the ledger and the case, and the problem → cause → measure map."""

import re

import pytest

from assistant import material
from assistant.config import PROJECT_ROOT, Settings
from assistant.document import PartRole, parse
from assistant.logbook import Logbook
from assistant.models.base import ModelUnavailable
from assistant.models.fake import FakeModel
from assistant.notice_parser import parse_notice_text
from assistant.notices import NoticeLibrary
from assistant.operations import Facts, Operations
from assistant.operations.catalog import Catalog
from assistant.operations.from_sucai import BANK_MARK
from assistant.prompts import PromptLibrary
from assistant.sucai import Sucai

ENTRIES = [  # (kind, text, source, the 2024 area a careful drafter would choose)
    ("opinion", "班子成员到基层调研多是听汇报、看材料，深入施工一线和群众家中少", "座谈会", 2),
    ("opinion", "班子成员下基层调研多是听汇报看材料，到施工一线少", "意见箱", 2),
    ("opinion", "群众反映农村公路养护投诉办理慢，2024年受理投诉2316件，其中46件超期办结", "上级反馈", 2),
    ("finding", "执行中央八项规定精神不够严格，2024年有2次公务接待超出标准", "", 2),
    ("talk", "班子成员履行“一岗双责”不到位，对分管股室干部日常监督提醒少", "", 4),
    ("feedback", "县委巡察指出党组落实全面从严治党主体责任不到位，对下属3个事业单位监督偏软", "县委第二巡察组", 4),
    ("finding", "面对改革创新任务畏难，怕担责，农村客运改革工作求稳不敢闯", "", 3),
]


def unit_sucai() -> Sucai:
    sucai = Sucai()
    for kind, text, source, _ in ENTRIES:
        sucai.add(kind, text, source=source)
    sucai.add("fact", "集中学习研讨8次，征求意见建议37条，谈心谈话42人次")
    sucai.add("ledger", "上年度查摆的干部队伍作风不实问题，开展作风专项整治", status="已完成")
    sucai.add("ledger", "上年度指出的工程项目审批时限过长问题", status="未完成，审批流程再造需省级系统对接")
    sucai.add("case", "本县某局原局长违规收受工程老板礼金，被开除党籍")
    sucai.merge_duplicates()
    return sucai


def field(message: str, name: str) -> str:
    match = re.search(rf"{name}：(.*)", message)
    return match.group(1).strip() if match else ""


def first_problem(request: str, label: str) -> str:
    """The first problem a cause or measure prompt lists (“- 第一个方面：…” or “- …（事例：…）”)."""
    line = request.split(label, 1)[1].split("\n", 1)[1].strip().split("\n")[0]
    line = re.sub(r"^- (?:第[一二三四五六七八九十]+个方面：)?", "", line)
    return re.sub(r"（事例：.*）$", "", line)


def scripted_writer(messages):
    """What a faithful model writes for each new prompt: the unit's entries, the problems it is told of."""
    request = messages[-1].content
    if "归入哪个方面" in request:
        return request.split("可选的方面：", 1)[1].strip()[0]
    if "本单位素材：" in request:
        first = request.split("本单位素材：", 1)[1].strip().split("\n")[0]
        entry = first.split("：", 1)[1] if "：" in first else first
        return f"{field(request, '序号')}是{field(request, '参考写法')}。思想上重视不够。比如，{entry}。"
    if "原因维度：" in request:
        problem = first_problem(request, "这一原因解释的问题")
        return f"{field(request, '序号')}{field(request, '原因维度')}上有差距。“{problem}”的根子在此，必须从思想上解决。"
    if "参考措施：" in request or "方向：" in request:
        problem = first_problem(request, "针对的问题")
        return (f"{field(request, '序号')}立规矩、抓落实。针对“{problem}”，每月检查一次，逐项销号。"
                f"责任人：王建华同志；完成时限：2025年6月底前。")
    raise AssertionError(f"unexpected prompt: {request[:60]}")


@pytest.fixture(scope="module")
def knowledge(tmp_path_factory):
    from assistant.retrieval.knowledge_base import KnowledgeBase

    settings = Settings(home=tmp_path_factory.mktemp("home"))
    return settings, KnowledgeBase(settings=settings, progress=False).retriever


@pytest.fixture(scope="module")
def notices():
    return NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices")


@pytest.fixture
def make_ops(knowledge, notices, tmp_path):
    settings, retriever = knowledge

    def build(model):
        logbook = Logbook(tmp_path / "logs.db")
        return Operations(settings=settings, model=model, retriever=retriever, notices=notices,
                          catalog=Catalog(PROJECT_ROOT / "knowledge" / "banks"),
                          prompts=PromptLibrary(PROJECT_ROOT / "prompts"), logbook=logbook), logbook

    return build


def test_problem_entries_are_sorted_into_the_notice_areas(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    sucai = ops.sort_sucai(notices.get("2024"), unit_sucai())
    expected = {text: area for _, text, _, area in ENTRIES}
    placed = {e.text: e.area for e in sucai.problems}
    right = sum(placed[text] == area for text, area in expected.items() if text in placed)
    assert right >= len(placed) - 1, placed  # one miss in six is tolerated, as the eval target (85%) allows
    assert all(0 < e.confidence <= 1 for e in sucai.problems)
    assert all(e.area is None for e in sucai.entries if not e.is_problem)  # facts, ledger, case stay unsorted


def test_a_pasted_notice_sorts_like_its_preset(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    preset = notices.get("2024")
    pasted = parse_notice_text("关于认真开好2024年度民主生活会的通知\n一、会议主题\n巩固深化党纪学习教育成果\n"
                               "二、主要内容\n" + "\n".join(f"（{n}）{a.title}。" for n, a in
                                                          zip("一二三四", preset.areas)))
    assert len(pasted.areas) == 4 and pasted.source != "preset"
    by_preset = {e.text: e.area for e in ops.sort_sucai(preset, unit_sucai()).problems}
    by_pasted = {e.text: e.area for e in ops.sort_sucai(pasted, unit_sucai()).problems}
    assert by_pasted == by_preset


def test_low_confidence_entries_are_flagged_not_dropped_and_hand_moves_stay(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    sucai = unit_sucai()
    vague = sucai.add("opinion", "希望领导多关心")
    moved = sucai.problems[0]
    sucai.move(moved.id, 1)
    ops.sort_sucai(notices.get("2024"), sucai)
    assert vague.area is not None and vague.flagged
    assert moved.area == 1 and not moved.flagged
    assert len(sucai.problems) == 7


class Labelled:
    """A retriever and catalog over made-up bank problems, to set the votes exactly."""

    def __init__(self, labels: list[list[str]]):
        self.rows = {f"p{i}": {"id": f"p{i}", "area_titles": refs, "area_theme": "work-style"}
                     for i, refs in enumerate(labels)}

    def search(self, text, k, **filters):
        return [type("Passage", (), {"id": pid})() for pid in list(self.rows)[:k]]

    def get(self, pid):
        return self.rows.get(pid)

    def of_bank(self, bank):
        return list(self.rows.values())

    def theme_cues(self):
        return {}  # no typical wording: the votes are the made-up neighbours' alone


def test_the_model_breaks_only_near_ties(notices):
    from assistant.sucai.sorting import AreaSorter

    notice = notices.get("2024")
    asked = []

    def chooser(text, options):
        asked.append([area for area, _ in options])
        return options[1][0]

    level = Labelled([["2024:1", "2024:3"]])  # one neighbour labelled with two areas: a dead heat
    sucai = Sucai()
    entry = sucai.add("finding", "某项工作推进缓慢，群众意见较大，多次督促仍没有改进")
    AreaSorter(retriever=level, catalog=level).sort(notice, sucai, tie_breaker=chooser)
    assert asked == [[1, 3]] and entry.area == 3
    clear = Labelled([["2024:2"], ["2024:2"], ["2024:1"]])
    entry.area = None
    AreaSorter(retriever=clear, catalog=clear).sort(notice, sucai, tie_breaker=chooser)
    assert asked == [[1, 3]] and entry.area == 2  # a clear lead: the model is not asked
    entry.area = None
    AreaSorter(retriever=level, catalog=level).sort(notice, sucai, tie_breaker=lambda text, options: 9)
    assert entry.area == 1  # an answer that is not among the options changes nothing


def test_items_come_from_the_units_own_entries(make_ops, notices):
    ops, logbook = make_ops(FakeModel(default=scripted_writer))
    result = ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    items = result.text.split("\n")[1:]
    assert 2 <= len(items) <= 3 and all(item.startswith(f"{n}是") for n, item in zip("一二三", items))
    assert "46件超期办结" in result.text and "2次公务接待" in result.text
    assert result.text.count("听汇报") == 1  # the two near-duplicate opinions make one item
    assert BANK_MARK not in result.text
    origins = {p["origin"] for p in result.data["problems"]}
    assert origins == {"sucai"} and all(p["entries"] for p in result.data["problems"])
    assert {c["prompt_name"] for c in logbook.recent()} == {"item_from_sucai"}


def test_an_area_with_too_few_entries_gets_marked_bank_suggestions(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    result = ops.draft_area(notices.get("2024"), 1, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    items = result.text.split("\n")[1:]
    assert len(items) == 2 and all(item.endswith(BANK_MARK) for item in items)
    assert [p["origin"] for p in result.data["problems"]] == ["bank", "bank"]
    assert any("参考库建议" in w for w in result.warnings)
    for item in items:  # the bank's example pattern is guidance inside one slot, never the unit's example
        example = item.split("比如，", 1)[1]
        assert example.startswith("〔待补：本单位的具体事例，可参照“")
        assert example.count("〔") == example.count("〕") == 2  # the guidance slot and the marker, nothing nested


OTHER_UNIT = [  # a health bureau: nothing in area 1 either, but other troubles than the transport bureau's
    ("opinion", "乡镇卫生院反映局里各股室下发报表多，同一组基本公卫数据一个月重复填报4次", "座谈会"),
    ("feedback", "审计发现局属3家卫生院采购医疗设备化整为零规避招标，涉及金额186万元", "县审计局"),
    ("talk", "患者投诉急诊夜间只有1名医生值班，局里只回复已转医院处理，再没有下文", "谈心谈话"),
]


def test_two_units_with_nothing_in_an_area_are_offered_different_suggestions(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    other = Sucai()
    for kind, text, source in OTHER_UNIT:
        other.add(kind, text, source=source)
    first = ops.draft_area(notices.get("2024"), 1, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                           sucai=unit_sucai())
    second = ops.draft_area(notices.get("2024"), 1, org="青石县卫生健康局", kind="banzi", facts=Facts(),
                            sucai=other)
    banks = [{p["bank"] for p in r.data["problems"] if p["origin"] == "bank"} for r in (first, second)]
    assert all(banks) and not banks[0] & banks[1]


def test_model_down_keeps_the_entries_in_the_item(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=ModelUnavailable("无法连接模型服务")))
    result = ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    assert "46件超期办结" in result.text and "听汇报" in result.text
    assert any("模型生成未成功" in w for w in result.warnings)


def test_old_facts_file_lines_become_entries(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    facts = Facts(["集中学习研讨6次，征求意见建议42条，谈心谈话36人次",
                   "2024年受理群众投诉2316件，其中46件超期办结，群众反映办理慢、推诿扯皮",
                   "班子成员下基层调研多是听汇报、看材料，深入一线少"])
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=facts)
    assert "46件超期办结" in result.text and "听汇报" in result.text
    assert "集中学习研讨6次" in result.text


def test_draft_all_builds_the_material_from_the_sucai(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    seen = []
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=Facts(),
                           sucai=unit_sucai(), progress=lambda label, done, total: seen.append(label))
    doc = parse(result.text)
    assert doc.title == "临溪县交通运输局领导班子2024年度民主生活会对照检查材料"
    assert [p.role for p in doc.parts] == [PartRole.RECTIFICATION, PartRole.PROBLEMS, PartRole.CASE,
                                           PartRole.CAUSES, PartRole.MEASURES]
    assert [p.heading_line.plain[:2] for p in doc.parts] == ["一、", "二、", "三、", "四、", "五、"]
    assert "集中学习研讨8次" in doc.opening_text and "通过座谈会、意见箱、上级反馈收集的意见建议3条" in doc.opening_text
    assert "县委第二巡察组反馈的问题1个" in doc.opening_text and "合并同类后共查找出问题6个" in doc.opening_text
    rectification = doc.part(PartRole.RECTIFICATION).text
    assert "查摆的2个问题" in rectification and "已完成整改1个" in rectification
    counted = next(s for s in re.split("[。；]", rectification) if "已完成整改1个" in s)
    assert "干部队伍作风不实" in counted  # the count stands in a sentence of this unit's own, not a formula
    assert "工程项目审批时限过长" in rectification and "省级系统对接" in rectification
    assert "原局长违规收受工程老板礼金" in doc.part(PartRole.CASE).text
    every_entry = {e.id for e in result_sucai(result).problems}
    mapped = {eid for p in result.data["map"]["problems"] for eid in p["entries"]}
    assert mapped == every_entry  # every problem entry reached an item
    causes, measures = result.data["map"]["causes"], result.data["map"]["measures"]
    assert 4 <= len(causes) <= 6 and all(c["problems"] for c in causes)
    problem_ids = {p["id"] for p in result.data["map"]["problems"]}
    assert all(set(m["problems"]) <= problem_ids and m["problems"] for m in measures)
    assert {p["area"] for p in result.data["map"]["problems"]} <= {a for m in measures for a in m["areas"]}
    assert all("王建华" not in m["text"] and "待补" in m["owner"] and "待补" in m["deadline"] for m in measures)
    assert result.data["bank_sections"] == [material.area_key(1), material.area_key(3)]
    blockers = {f["rule"] for f in result.data["rubric"]["findings"] if f["severity"] == "blocker"}
    assert blockers <= {"placeholder"}
    assert seen[0] == "开头" and seen[-1] == "完成"


def result_sucai(result) -> Sucai:
    return Sucai.from_list(result.data["sucai"])


def test_owner_and_deadline_come_from_the_facts(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    facts = Facts(["整改责任人：王建华同志，完成时限：2025年6月底前"])
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=facts,
                           sucai=unit_sucai())
    measures = result.data["map"]["measures"]
    assert all(m["owner"] == "王建华同志" and m["deadline"] == "2025年6月底前" for m in measures)


def test_parts_are_numbered_by_the_material_model_for_a_notice_without_extra_parts(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    result = ops.draft_all(notices.get("basic"), org="临溪县交通运输局", kind="banzi", facts=Facts(),
                           sucai=unit_sucai())
    headings = [p.heading_line.plain for p in parse(result.text).parts]
    assert headings == ["一、存在的主要问题", "二、产生问题的原因剖析", "三、下步整改措施"]
    assert result.text == material.render(result.data["sections"], notices.get("basic"))[0]


def test_causes_and_measures_for_a_written_draft_cover_every_area(make_ops):
    from tests.conftest import fixture_text

    ops, _ = make_ops(FakeModel(default=scripted_writer))
    text = fixture_text("clean-2024-banzi.txt")
    result = ops.causes_and_measures(text, kind="banzi")
    areas = {s.index for s in parse(text).areas}
    assert {a for link in result.data["links"] for a in link["areas"]} | \
        {a for m in result.data["map"]["measures"] for a in m["areas"]} >= areas
    assert 4 <= len(result.data["causes"]) <= 6
    assert result.data["causes"][0].startswith("（一）") and result.data["measures"][0].startswith("（一）")
    assert not any(line.startswith(("二、", "三、")) for line in result.text.split("\n"))


def test_a_reply_that_copies_the_few_shot_example_or_ignores_the_entries_is_sent_back(make_ops, notices):
    ops, logbook = make_ops(FakeModel())
    example = ops.step.prompt("item_from_sucai").examples[0]["output"]
    ops, logbook = make_ops(FakeModel(default=lambda messages: example))
    result = ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    assert "31次" not in result.text and "46件超期办结" in result.text  # the example's figures never reach it
    notes = [c["error"] for c in logbook.recent() if c["outcome"] == "invalid"]
    assert any("照抄了示例" in note for note in notes)
    wanderer = FakeModel(default=lambda messages: "一是理论学习不够深入。比如，〔待补：时间〕中心组学习时照本宣科。")
    ops, logbook = make_ops(wanderer)
    result = ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    assert "理论学习不够深入" not in result.text and "2次公务接待" in result.text
    assert any("没有用上“本单位素材”" in c["error"] for c in logbook.recent() if c["outcome"] == "invalid")


class RecordingModel(FakeModel):
    """A scripted model that keeps every reply it returned, as the step received it."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.replies = []

    def complete(self, messages, **kwargs):
        reply = super().complete(messages, **kwargs)
        self.replies.append(reply)
        return reply


def test_a_copied_example_is_stopped_at_its_first_whole_copied_sentence(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    example = ops.step.prompt("item_from_sucai").examples[0]["output"]
    before_example = example[:example.index("比如")]  # headline and analysis: the figures come after
    copier = RecordingModel(default=lambda messages: example)
    ops, logbook = make_ops(copier)
    ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(), sucai=unit_sucai())
    stopped = [r for r in copier.replies if r.extra.get("stopped")]
    assert stopped and len(stopped) == len(copier.replies)  # every copy ended early, retries too
    for reply in stopped:
        assert example.startswith(reply.text) and len(reply.text) <= len(before_example) + 4
    own = RecordingModel(default=scripted_writer)
    ops, _ = make_ops(own)
    ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(), sucai=unit_sucai())
    assert own.replies and not any(r.extra.get("stopped") for r in own.replies)


def test_a_reply_caught_in_a_loop_is_stopped_at_the_third_time_and_cut_where_the_loop_began(make_ops, notices):
    from assistant.operations.base import cut_loop, repeats_itself

    loop = "三是重点领域廉洁风险监管存在漏洞。" + "集团2项工程变更未按规定履行审批程序，增加投资1870万元，审计指出，" * 8
    assert "重复了多次" in repeats_itself(loop)
    assert cut_loop(loop) == "三是重点领域廉洁风险监管存在漏洞。集团2项工程变更未按规定履行审批程序，增加投资1870万元，审计指出。"
    measures = "（一）立规矩。责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。" \
               "（二）抓落实。责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。" \
               "（三）强监督。责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。"
    assert repeats_itself(measures) is None and cut_loop(measures) == measures  # slots repeat by design
    blocks = "（三）严格执行纪律规矩。" + "".join(f"针对{p}的问题，班子成员定期开展监督检查，确保整改到位。" for p in "甲乙丙丁")
    assert cut_loop(blocks) == "（三）严格执行纪律规矩。针对甲的问题，班子成员定期开展监督检查，确保整改到位。" \
                               "针对乙的问题，班子成员定期开展监督检查，确保整改到位。"  # whole sentences, two rounds

    # a loop on the unit's own event: the reply is stopped at the third round, and what came before the loop is
    # the item, with no second call
    event = "2024年有2次公务接待超出标准"
    assert any(event in e.text for e in unit_sucai().problems), "the fixture's entry this test loops on"

    def writer(messages):
        if event not in messages[-1].content:
            return scripted_writer(messages)
        return "二是公务接待管理不够严格，" + f"{event}，没有按规定报批，" * 6

    looping = RecordingModel(default=writer)
    ops, logbook = make_ops(looping)
    result = ops.draft_area(notices.get("2024"), 2, org="临溪县交通运输局", kind="banzi", facts=Facts(),
                            sucai=unit_sucai())
    loops = [r for r in looping.replies if event in r.text]
    assert len(loops) == 1 and loops[0].extra.get("stopped") and loops[0].text.count(event) == 3
    item = next(line for line in result.text.split("\n") if event in line)
    assert item.count(event) == 1 and "比如，" in item and item.endswith("。")
    assert not [c for c in logbook.recent() if c["outcome"] == "invalid"]  # cut, not sent back


def test_one_long_sentence_copied_from_the_example_is_a_copy(make_ops):
    from assistant.prompts import PromptLibrary as Library

    ops, _ = make_ops(FakeModel())
    prompt = Library(PROJECT_ROOT / "prompts").get("measure_for_problems")
    example = prompt.examples[0]["output"]
    copied_sentence = next(s for s in re.split(r"(?<=[。；])", example) if len(s) > 30)
    own = "（二）立规矩、抓落实。针对公务接待超标准的问题，每月检查一次接待清单，逐项销号。责任人：〔待补：责任人〕。"
    assert ops.step.copies_example(prompt, own) is None
    assert "照抄了示例" in ops.step.copies_example(prompt, own + copied_sentence)



def test_theme_cues_vote_where_the_notice_puts_that_theme():
    from assistant.sucai.sorting import CUE_WEIGHT, cue_votes

    cues = {"responsibility": ["推诿", "扯皮"], "work-style": ["走过场"]}
    themes = {"responsibility": {3: 1.0}, "work-style": {2: 0.5, 4: 0.5}}
    votes = cue_votes("几个科室相互推诿扯皮，调研也是走过场", cues, themes)
    assert votes[3] == pytest.approx(CUE_WEIGHT * 2 / 3)
    assert votes[2] == votes[4] == pytest.approx(CUE_WEIGHT / 6)
    assert cue_votes("没有任何提示词的一句话", cues, themes) == {}
    assert cue_votes("相互推诿", cues, {}) == {}  # a theme this notice has no problems of votes nowhere


def test_typical_wording_sorts_an_entry_retrieval_alone_misplaces(make_ops, notices):
    ops, _ = make_ops(FakeModel(default=scripted_writer))
    sucai = Sucai()
    entry = sucai.add("opinion", "群众到窗口办理不动产登记，几个股室相互推诿，让群众来回跑了四趟", source="座谈会")
    ops.sort_sucai(notices.get("2024"), sucai)
    assert entry.area == 3  # 担当作为: shirking is a want of responsibility (retrieval alone says 作风)


def test_disagreement_kept_back_in_the_meeting_sorts_to_the_unity_area(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    sucai = Sucai()
    entry = sucai.add("finding", "班子会上讨论干部调整方案时有的同志当面不表态，散会后却在私下发牢骚")
    ops.sort_sucai(notices.get("2024"), sucai)
    assert entry.area == 1  # 民主集中制 keeps a group united: 维护党的团结统一, not the 从严治党 area
    assert not entry.flagged


def test_a_mass_line_problem_sorts_to_work_style_in_2023(make_ops, notices):
    ops, _ = make_ops(FakeModel())
    sucai = Sucai()
    entry = sucai.add("opinion", "班子成员与服务对象面对面交流少，群众反映的问题答复多、解决少", source="座谈会")
    ops.sort_sucai(notices.get("2023"), sucai)
    assert entry.area == 5  # 群众路线 is a matter of 作风 (工作作风方面), not of 能力本领
    assert not entry.flagged


def test_the_case_is_tied_to_the_units_problems_it_resembles():
    from assistant.operations.whole import case_from_entries

    sucai = Sucai()
    case = sucai.add("case", "本市某区卫健局原副局长在医疗设备采购中收受供应商回扣，被开除党籍")
    problems = [
        {"id": "p1-1", "area": 1, "headline": "会后议论影响团结", "origin": "sucai",
         "text": "有的班子成员会上不提不同意见，会后在股室里议论"},
        {"id": "p2-1", "area": 2, "headline": "基层报表负担重", "origin": "sucai",
         "text": "乡镇卫生院反映同一组数据一个月要重复填报4次"},
        {"id": "p4-1", "area": 4, "headline": "采购监管失之于宽", "origin": "sucai",
         "text": "审计发现局属卫生院采购医疗设备化整为零规避招标"},
    ]
    text = case_from_entries([case], problems, "banzi")
    assert "医疗设备采购中收受供应商回扣" in text
    assert "“采购监管失之于宽”" in text  # the problem the case mirrors is the one named
    assert text.count("采购监管失之于宽") == 1  # named once
    # every sentence with Chinese outside slots names something of this unit's: none is a formula every unit shares
    sentences = [t for t in re.split(r"(?<=。)", re.sub(r"〔[^〕]*〕", "", text)) if re.search(r"[\u4e00-\u9fff]", t)]
    assert all("医疗设备" in t or "采购监管失之于宽" in t for t in sentences)


def test_the_case_part_names_a_problem_by_its_first_clause_with_inner_quotation_marks():
    from assistant.operations.whole import case_from_entries

    sucai = Sucai()
    case = sucai.add("case", "本县某局原局长利用“第一议题”学习走过场、工程项目审批职权收受他人财物，被开除党籍和公职")
    problems = [{"id": "p1-1", "area": 1, "origin": "sucai", "text": "“第一议题”制度落实重传达、轻落实，工程项目审批",
                 "headline": "“第一议题”制度落实存在重传达、轻落实现象，班子成员在会议中强调要严格执行省交通运输厅部署的专项整治"}]
    text = case_from_entries([case], problems, "banzi")
    assert "“‘第一议题’制度落实存在重传达、轻落实现象”" in text
    assert "““" not in text and "省交通运输厅" not in text


def test_second_cause_and_measure_prompts_carry_the_units_events_not_the_bank_text(knowledge, notices, tmp_path):
    settings, retriever = knowledge
    seen = []

    def writer(messages):
        seen.append(messages[-1].content)
        request = messages[-1].content
        ordinal = field(request, "序号")
        return f"{ordinal}思想上重视不够，对群众的事情放在心上不够，工作中还有差距，必须认真整改。"

    ops = Operations(settings=settings, model=FakeModel(default=writer), retriever=retriever, notices=notices,
                     catalog=Catalog(PROJECT_ROOT / "knowledge" / "banks"), prompts=PromptLibrary(PROJECT_ROOT / "prompts"),
                     logbook=Logbook(tmp_path / "logs.db"),
                     prompt_versions={"cause_for_problems": "cause_for_problems@v2",
                                      "measure_for_problems": "measure_for_problems@v2"})
    draft = ("某局领导班子2024年度民主生活会对照检查材料\n一、存在的主要问题\n（一）在带头增强党性、严守纪律、砥砺作风方面\n"
             "一是调查研究不深不实。比如，班子成员到白鹤乡检查公路养护只沿主干道看一圈，通村路坑槽连片没有发现。\n")
    ops.causes_and_measures(draft, kind="banzi")
    causes = [m for m in seen if "根子：" in m]
    measures = [m for m in seen if "方向：" in m]
    assert causes and measures
    assert all("白鹤乡" in m for m in causes + measures)  # the unit's own event reaches both prompts
    bank_cause_text = next(c["text"] for c in Catalog(PROJECT_ROOT / "knowledge" / "banks").of_bank("causes"))
    assert not any(bank_cause_text[:30] in m.split("请写出")[0].split("根子：")[-1] for m in causes)


def test_an_owner_the_facts_do_not_give_becomes_a_slot():
    from assistant.operations.owners import OWNER_FACT, SLOT_DEADLINE, SLOT_OWNER, unsupported_owner_to_slot

    preparation = "会前局党组集中学习研讨5次，班子成员与分管站所负责人谈心谈话41人次"
    assert not OWNER_FACT.search(preparation)  # a preparation figure names no owner
    text = "（一）建立台账，逐项销号。责任人：局党组；完成时限：2025年6月底前。"
    assert unsupported_owner_to_slot(text, "（没有提供）") == f"（一）建立台账，逐项销号。责任人：{SLOT_OWNER}；完成时限：{SLOT_DEADLINE}。"
    given = "整改责任人：局党组，完成时限：2025年6月底前"
    assert unsupported_owner_to_slot(text, given) == text


def ops_with(knowledge, notices, tmp_path, model, versions: dict[str, str]) -> Operations:
    settings, retriever = knowledge
    return Operations(settings=settings, model=model, retriever=retriever, notices=notices,
                      catalog=Catalog(PROJECT_ROOT / "knowledge" / "banks"), prompts=PromptLibrary(PROJECT_ROOT / "prompts"),
                      logbook=Logbook(tmp_path / "logs.db"), prompt_versions=versions)


MEASURE_V3 = {"measure_for_problems": "measure_for_problems@v3", "cause_for_problems": "cause_for_problems@v3"}


def test_third_measure_prompt_leaves_owner_and_deadline_to_the_facts(knowledge, notices, tmp_path):
    seen = []

    def writer(messages):  # writes an owner and a deadline of its own, as small models do despite the prompt
        seen.append(messages[-1].content)
        return scripted_writer(messages)

    facts = Facts(["整改责任人：李明同志，完成时限：2025年9月底前"])
    ops = ops_with(knowledge, notices, tmp_path, FakeModel(default=writer), MEASURE_V3)
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=facts, sucai=unit_sucai())
    measures = result.data["map"]["measures"]
    assert measures and all(m["text"].endswith("。责任人：李明同志；完成时限：2025年9月底前。") for m in measures)
    assert all(m["owner"] == "李明同志" and m["deadline"] == "2025年9月底前" for m in measures)
    assert not any("王建华" in m["text"] or "2025年6月" in m["text"] for m in measures)  # the model's own are gone
    asked = [m for m in seen if "方向：" in m]
    assert asked and not any("李明" in m or "责任人和时限的事实" in m for m in asked)  # the model is not given them

    ops = ops_with(knowledge, notices, tmp_path, FakeModel(default=scripted_writer), MEASURE_V3)
    bare = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=Facts(), sucai=unit_sucai())
    slots = "。责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。"
    assert all(m["text"].endswith(slots) and "王建华" not in m["text"] for m in bare.data["map"]["measures"])


def test_a_third_prompt_measure_the_model_failed_keeps_the_bank_mark_after_the_owner(knowledge, notices, tmp_path):
    ops = ops_with(knowledge, notices, tmp_path, FakeModel(default=lambda messages: "写不出来"), MEASURE_V3)
    facts = Facts(["由局办公室牵头，2025年6月底前完成"])
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=facts, sucai=unit_sucai())
    measures = result.data["map"]["measures"]
    assert measures and all(m["text"].endswith(f"。责任人：局办公室；完成时限：2025年6月底前。{BANK_MARK}")
                            for m in measures)


def test_second_measure_prompt_still_lets_the_model_write_the_owner(knowledge, notices, tmp_path):
    versions = {"measure_for_problems": "measure_for_problems@v2"}
    facts = Facts(["整改责任人：王建华同志，完成时限：2025年6月底前"])
    ops = ops_with(knowledge, notices, tmp_path, FakeModel(default=scripted_writer), versions)
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=facts, sucai=unit_sucai())
    assert all(m["text"].endswith("责任人：王建华同志；完成时限：2025年6月底前。") for m in result.data["map"]["measures"])
    other = Facts(["整改责任人：李明同志，完成时限：2025年9月底前"])  # the model's owner is not the facts': a slot
    ops = ops_with(knowledge, notices, tmp_path, FakeModel(default=scripted_writer), versions)
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=other, sucai=unit_sucai())
    assert all(m["owner"] == "〔待补：责任人〕" and m["deadline"] == "〔待补：完成时限〕" for m in result.data["map"]["measures"])


def test_a_measure_written_one_block_per_problem_ends_with_its_first_block(knowledge, notices, tmp_path):
    from assistant.operations.owners import first_owned

    block = "针对{0}的问题，班子成员要对照{0}清单逐项整改，每季度听取一次{0}整改情况汇报。" \
            "责任人：〔待补：责任人〕；完成时限：〔待补：完成时限〕。"  # no clause repeats: not a loop
    names = ["公务接待超出标准", "调研多听汇报", "审批超过法定时限"]

    def writer(messages):
        request = messages[-1].content
        if "方向：" not in request:
            return scripted_writer(messages)
        return field(request, "序号") + "严格执行纪律规矩。" + "".join(block.format(n) for n in names)

    model = RecordingModel(default=writer)
    ops = ops_with(knowledge, notices, tmp_path, model, {"measure_for_problems": "measure_for_problems@v2"})
    result = ops.draft_all(notices.get("2024"), org="临溪县交通运输局", kind="banzi", facts=Facts(), sucai=unit_sucai())
    measures = result.data["map"]["measures"]
    first = "严格执行纪律规矩。" + block.format(names[0])
    assert measures and all(m["text"].endswith(first) and "调研多听汇报" not in m["text"] for m in measures)
    assert all(not m["text"].endswith(BANK_MARK) for m in measures)  # the model's measure kept, no fallback
    written = [r for r in model.replies if "严格执行纪律规矩" in r.text]
    assert len(written) == len(measures) and all(r.extra.get("stopped") and "调研多听汇报" not in r.text
                                                 for r in written)  # the model stopped at the first deadline
    assert first_owned("（一）" + first + "针对乙") == "（一）" + first
    assert first_owned("（一）没有责任人的一段话。") == "（一）没有责任人的一段话。"


def test_owner_and_deadline_are_read_from_the_fact_nearest_the_measure():
    from assistant.operations.owners import SLOT_DEADLINE, SLOT_OWNER, append_owner, owner_and_deadline

    lines = ["调研制度整改责任人：办公室主任，完成时限：2025年3月底前", "公务接待整改由纪检组牵头，2025年6月底前完成"]
    assert owner_and_deadline(lines, "严格公务接待管理，每月检查接待清单") == ("纪检组", "2025年6月底前")
    assert owner_and_deadline(lines, "健全调研制度，调研到村到户") == ("办公室主任", "2025年3月底前")
    assert owner_and_deadline(["办公室牵头"], "任何措施") == ("办公室", SLOT_DEADLINE)
    for unrelated in ("审批超过法定时限，办理时限压缩至5个工作日", "明确责任单位和完成时限", "2024年牵头完成国道改造"):
        assert owner_and_deadline([unrelated], "任何措施") == (SLOT_OWNER, SLOT_DEADLINE)
    written = "（一）立规矩。每月检查一次。责任人：局党组；完成时限：2025年12月31日。"
    assert append_owner(written, "甲", "乙") == "（一）立规矩。每月检查一次。责任人：甲；完成时限：乙。"


def test_a_problem_example_is_never_cut_inside_a_figure():
    from assistant.operations.roots import EXAMPLE_CHARS, clipped

    clauses = "局里检查农村公路养护，大多沿着主干道看一圈就走，白鹤乡好几条通村路坑槽连片，上报的优良路率却年年在85%以上"
    assert clipped(clauses) == "局里检查农村公路养护，大多沿着主干道看一圈就走，白鹤乡好几条通村路坑槽连片"
    run_on = "检查" * 23 + "年年在85%以上"  # no clause ends in the second half: the cut lands inside 85%
    assert len(run_on[:EXAMPLE_CHARS]) == EXAMPLE_CHARS and run_on[:EXAMPLE_CHARS].endswith("8")
    assert clipped(run_on).endswith("在") and clipped("短句，85%") == "短句，85%"
    half_slot = "检查" * 22 + "拖了〔待补：具体时间〕"
    assert clipped(half_slot) == "检查" * 22 + "拖了"
