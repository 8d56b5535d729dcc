"""Structure and content rules, each both ways, on small drafts built for the rule."""

import pytest

from assistant.document import parse
from assistant.rubric import RULES, Severity, run_rubric

OPENING = ("按照《关于开好2024年度民主生活会的通知》要求，班子开展集中学习研讨6次，征求意见42条，谈心谈话36人次，"
           "对照通知4个方面深入查摆问题。现将对照检查情况报告如下：")
CAUSES = ("二、产生问题的原因剖析\n"
          "（一）理论武装不够深入。班子对党的创新理论学习满足于读原文、记笔记，没有把学习成果转化为推动工作的思路。\n"
          "（二）党性修养有所放松。班子对照党章党规检视自身的自觉性不强，批评和自我批评辣味不足，政治站位不够高。\n"
          "（三）宗旨意识有所淡化。班子成员深入群众少，对群众急难愁盼问题感受不深，为民服务的主动性不强。\n")
MEASURES = ("三、下步整改措施\n"
            "（一）强化理论武装。2025年3月底前制定年度学习计划，每月开展一次集中学习研讨，党组书记牵头。\n"
            "（二）锤炼党性修养。每季度召开一次党性分析会，班子成员按分工负责，建立问题清单和整改台账，逐项销号。\n"
            "（三）践行为民宗旨。2025年6月底前班子成员每人走访群众不少于20户，办公室负责汇总，长期坚持。\n")


def draft(problems: str, *, title="江川市某局领导班子2024年度民主生活会对照检查材料", opening=OPENING,
          causes=CAUSES, measures=MEASURES) -> str:
    return f"{title}\n{opening}\n一、存在的主要问题\n{problems}{causes}{measures}"


GOOD_AREA = ("（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面\n"
             "一是政治自觉还不够强。班子对党中央决策部署的思想认识不深。比如，2024年5月传达有关文件后，直到7月才研究部署。\n"
             "二是请示报告意识不强。比如，2024年全年有3项重大事项先干后报，反映出规矩意识淡薄。\n")


def findings(text, rule_id, *, notice=None, kind=None, settings=None):
    from assistant.config import Settings

    report = run_rubric(parse(text), settings=settings or Settings(), notice=notice, kind=kind, only=[rule_id])
    return report.findings


def test_all_twenty_eight_rules_are_registered():
    assert set(RULES) == {
        "placeholder", "pinyin-abbrev", "year", "area-mismatch", "numbering", "quotes", "punctuation", "doubled-char",
        "formula", "missing-part", "opening", "no-example", "achievement-as-problem", "work-not-thinking", "generic",
        "shallow-cause", "coverage", "vague-measure", "individual", "length", "similarity",
        "rectification-detail", "case-analysis", "opening-figures", "softening", "team-duties", "soft-criticism",
        "eight-rules-selfcheck"}


def test_missing_part(notices):
    assert not findings(draft(GOOD_AREA), "missing-part")
    no_causes = draft(GOOD_AREA, causes="")
    found = findings(no_causes, "missing-part")
    assert [(f.severity, "原因" in f.message) for f in found] == [(Severity.BLOCKER, True)]
    required = findings(draft(GOOD_AREA), "missing-part", notice=notices.get("2024"))
    messages = " ".join(f.message for f in required)
    assert "整改落实" in messages and "案例" in messages
    assert all(f.severity == Severity.MAJOR for f in required)


def test_opening(notices):
    assert not findings(draft(GOOD_AREA), "opening", notice=notices.get("2024"))
    bare = findings(draft(GOOD_AREA, opening="班子认真准备了这次会议。"), "opening")
    assert {"依据" in f.message or "数字" in f.message or "收束" in f.message for f in bare} == {True}
    assert len(bare) == 3
    wrong_count = findings(draft(GOOD_AREA, opening=OPENING.replace("4个方面", "5个方面")), "opening",
                           notice=notices.get("2024"))
    assert [f.severity for f in wrong_count] == [Severity.MAJOR] and "5个方面" in wrong_count[0].message
    assert findings(draft(GOOD_AREA, opening=""), "opening")[0].message == "缺少开头段落"


def test_area_mismatch(notices, sample_text):
    notice = notices.get("2024")
    good = draft(GOOD_AREA.replace("（一）", "（一）") + GOOD_AREA.replace("（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面",
                                                                  "（二）在带头增强党性、严守纪律、砥砺作风方面"))
    found = findings(good, "area-mismatch", notice=notice)
    assert {f.message for f in found} == {"未对照通知的第三个方面：“带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新”",
                                          "未对照通知的第四个方面：“带头履行全面从严治党政治责任”"}
    swapped = draft(GOOD_AREA.replace("（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面", "（一）在带头增强党性、严守纪律、砥砺作风方面")
                    + GOOD_AREA.replace("（一）", "（二）"))
    assert any("顺序" in f.message for f in findings(swapped, "area-mismatch", notice=notice))
    missing_first = draft(GOOD_AREA.replace("（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面", "（一）在带头增强党性、严守纪律、砥砺作风方面"))
    found = findings(missing_first, "area-mismatch", notice=notice)  # one area missing is not also out of order
    assert not any("顺序" in f.message for f in found) and any("第一个方面" in f.message for f in found)
    odd = draft(GOOD_AREA.replace("在带头严守政治纪律和政治规矩，维护党的团结统一方面", "关于业务工作推进方面"))
    assert any("对不上" in f.message and f.line == 4 for f in findings(odd, "area-mismatch", notice=notice))
    assert not findings(sample_text, "area-mismatch", notice=notices.get("2021"))
    assert not findings(odd, "area-mismatch")  # no notice, nothing to compare with


def test_no_example():
    assert not findings(draft(GOOD_AREA), "no-example")
    bare = GOOD_AREA.replace("比如，2024年全年有3项重大事项先干后报，反映出规矩意识淡薄。", "规矩意识淡薄。")
    found = findings(draft(bare), "no-example")
    assert [(f.line, f.severity) for f in found] == [(6, Severity.MAJOR)]
    no_items = findings(draft("（一）在带头严守政治纪律方面\n班子政治自觉不够强。\n"), "no-example")
    assert "一是" in no_items[0].message


def test_achievement_as_problem():
    assert not findings(draft(GOOD_AREA), "achievement-as-problem")
    praise = GOOD_AREA + "三是对自己要求过高。班子成员经常加班加点，比如，2024年全年节假日加班20天。\n"
    boast = GOOD_AREA + "三是创新工作成效显著。班子率先推出“一网通办”，取得了良好效果，比如，2024年受到省里表彰2次。\n"
    assert [f.line for f in findings(draft(praise), "achievement-as-problem")] == [7]
    assert [f.line for f in findings(draft(boast), "achievement-as-problem")] == [7]


def test_work_not_thinking():
    assert not findings(draft(GOOD_AREA), "work-not-thinking")
    work = ("（一）在带头严守政治纪律方面\n一是业务工作进度偏慢。比如，2024年项目完成率只有80%。\n"
            "二是考核指标完成不够好。比如，3项任务没有按期完成。\n")
    found = findings(draft(work), "work-not-thinking")
    assert [(f.severity, f.line) for f in found] == [(Severity.MAJOR, 4)]


def test_generic_and_copied_sentences():
    assert not findings(draft(GOOD_AREA), "generic")
    stock = GOOD_AREA + "三是理论学习不够深入。学习不够深入，理论联系实际不够，运用还有差距。\n"
    assert [f.severity for f in findings(draft(stock), "generic")] == [Severity.MINOR]
    copied = draft(GOOD_AREA, measures=MEASURES + "（四）比如，2024年5月传达有关文件后，直到7月才研究部署。\n")
    found = [f for f in findings(copied, "generic") if f.severity == Severity.MAJOR]
    assert [(f.line, f.message) for f in found] == [(15, "这句话与第5行重复")]


def test_shallow_cause():
    assert not findings(draft(GOOD_AREA), "shallow-cause")
    excuses = CAUSES.replace("（三）宗旨意识有所淡化。", "（三）客观上任务繁重、人手少。")
    assert any("客观" in f.message for f in findings(draft(GOOD_AREA, causes=excuses), "shallow-cause"))
    restated = CAUSES + "（四）请示报告意识不强。\n"
    messages = [f.message for f in findings(draft(GOOD_AREA, causes=restated), "shallow-cause")]
    assert any("重复问题" in m for m in messages) and any("一句话" in m for m in messages)


def test_vague_measure():
    assert not findings(draft(GOOD_AREA), "vague-measure")
    vague = MEASURES.replace("（三）践行为民宗旨。2025年6月底前班子成员每人走访群众不少于20户，办公室负责汇总，长期坚持。",
                             "（三）践行为民宗旨。进一步增强宗旨意识，不断提升服务水平，切实改进作风。")
    found = findings(draft(GOOD_AREA, measures=vague), "vague-measure")
    assert [(f.line, f.severity) for f in found] == [(14, Severity.MAJOR)]
    assert "时限" in found[0].message and "责任人" in found[0].message


def test_coverage():
    assert not [f for f in findings(draft(GOOD_AREA), "coverage") if f.severity != Severity.MINOR]
    one_measure = "三、下步整改措施\n（一）强化理论武装。2025年3月底前制定学习计划，党组书记牵头。\n"
    messages = [f.message for f in findings(draft(GOOD_AREA, measures=one_measure), "coverage")]
    assert any("宗旨意识" in m for m in messages)
    assert any("第一个方面" in m for m in messages)
    assert any("民主集中制" in m for m in messages)  # a team material must look at it


def test_individual():
    personal = ("（一）理论学习方面\n一是我学习不够深入。比如，2023年我只参加了4次集中研讨。\n"
                "二是我运用理论指导分管工作不够。比如，我分管的执法工作2023年有2起案件拖延。\n")
    ok = draft(personal, title="陈立新同志个人对照检查材料", opening=OPENING + "本人如实报告了个人有关事项，严格要求配偶子女，注重家庭家教家风。")
    assert not findings(ok, "individual", kind="geren")
    borrowed = ok.replace("二是我运用理论", "二是有的班子成员运用理论")
    found = findings(borrowed, "individual", kind="geren")
    assert [f.line for f in found] == [6]
    bare = draft(personal, title="陈立新同志个人对照检查材料")
    messages = {f.message for f in findings(bare, "individual", kind="geren")}
    assert any("个人有关事项" in m for m in messages) and any("家风" in m for m in messages)
    assert not findings(bare, "individual", kind="banzi")


def test_length(settings):
    found = findings(draft(GOOD_AREA), "length")
    assert [f.severity for f in found] == [Severity.MAJOR]  # about 700 characters: far below 3,000
    settings.length_banzi_min = 100
    assert not findings(draft(GOOD_AREA), "length", settings=settings)
    settings.length_banzi_max = 200
    assert [f.severity for f in findings(draft(GOOD_AREA), "length", settings=settings)] == [Severity.MAJOR]
    assert findings(draft(GOOD_AREA), "length", kind="geren")[0].message.endswith("通常不少于1500字")


@pytest.mark.parametrize("rule_id", ["missing-part", "opening", "area-mismatch", "coverage", "individual", "length",
                                     "no-example", "achievement-as-problem", "work-not-thinking", "generic",
                                     "shallow-cause", "vague-measure"])
def test_rules_survive_an_empty_tree(rule_id):
    for text in ("只有一行字", "\n\n", "一、存在的主要问题\n（一）\n"):
        findings(text, rule_id)
