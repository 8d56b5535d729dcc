"""The review-point rules, each both ways; clean materials written to every year's areas; precision on the
team's clean materials (the new rules add no blocker or major there)."""

import pytest

from assistant.document import parse
from assistant.rubric import Severity, run_rubric
from tests.conftest import fixture_text
from tests.test_rubric_rules import GOOD_AREA, OPENING, draft, findings

NEW_RULES = ["rectification-detail", "case-analysis", "opening-figures", "softening", "team-duties", "soft-criticism",
             "eight-rules-selfcheck"]
RECTIFICATION_GOOD = ("一、上年度民主生活会整改落实情况\n对上年度查摆出的4个方面12个问题，班子逐项制定措施。截至2024年12月底，已完成整改10个；"
                      "其余2个问题需要长期推进，已纳入2025年重点工作台账。\n")


def with_part(part: str, problems: str = GOOD_AREA) -> str:
    """A draft whose first part is `part`, then the problems, causes and measures renumbered after it."""
    body = draft(problems).split("\n", 2)
    rest = body[2].replace("一、存在的主要问题", "二、存在的主要问题").replace("二、产生问题", "三、产生问题")
    rest = rest.replace("三、下步整改", "四、下步整改")
    return f"{body[0]}\n{body[1]}\n{part}{rest}"


def test_rectification_detail():
    assert not findings(with_part(RECTIFICATION_GOOD), "rectification-detail")
    vague = "一、上年度民主生活会整改落实情况\n班子高度重视整改工作，逐项抓好落实，整改工作取得明显成效。\n"
    found = findings(with_part(vague), "rectification-detail")
    assert [(f.severity, "数量" in f.message) for f in found] == [(Severity.MAJOR, True)]
    no_open = RECTIFICATION_GOOD.replace("；其余2个问题需要长期推进，已纳入2025年重点工作台账", "")
    assert [f.severity for f in findings(with_part(no_open), "rectification-detail")] == [Severity.MINOR]
    all_done = no_open.replace("已完成整改10个", "12个问题均已整改完成")
    assert not findings(with_part(all_done), "rectification-detail")


def test_rectification_detail_in_the_opening(notices):
    notice = notices.get("2023")
    in_opening = OPENING.replace("现将", "上年度民主生活会查摆的5个问题，已整改完成4个，1个正在持续整改。现将")
    assert not findings(draft(GOOD_AREA, opening=in_opening), "rectification-detail", notice=notice)
    phrase_only = OPENING.replace("现将", "上年度民主生活会整改工作扎实推进。现将")
    assert [f.severity for f in findings(draft(GOOD_AREA, opening=phrase_only), "rectification-detail", notice=notice)] \
        == [Severity.MAJOR]


CASE_GOOD = ("一、反面典型案例剖析\n班子剖析了本系统原一名副局长严重违纪违法案例，该同志多次收受管理服务对象财物。"
             "对照这一案例查找，班子在重点岗位监督上同样存在漏洞，必须以案促改、举一反三。\n")


def test_case_analysis():
    assert not findings(with_part(CASE_GOOD), "case-analysis")
    word_only = "一、反面典型案例剖析\n班子认真学习了典型案例，深受教育，深刻认识到纪律的重要性。\n"
    messages = [f.message for f in findings(with_part(word_only), "case-analysis")]
    assert any("具体案例" in m for m in messages) and any("联系本单位" in m for m in messages)
    no_tie = "一、反面典型案例剖析\n班子剖析了本系统原一名副局长严重违纪违法案例，该同志多次收受管理服务对象财物，教训十分深刻。\n"
    found = findings(with_part(no_tie), "case-analysis")
    assert [(f.severity, "联系本单位" in f.message) for f in found] == [(Severity.MAJOR, True)]


def test_opening_figures():
    assert not findings(draft(GOOD_AREA), "opening-figures")
    no_talks = OPENING.replace("谈心谈话36人次，", "")
    found = findings(draft(GOOD_AREA, opening=no_talks), "opening-figures")
    assert [(f.severity, f.message) for f in found] == [(Severity.MINOR, "会前准备缺少谈心谈话的人次")]
    only_study = "按照通知要求，班子开展集中学习研讨6次，认真征求意见，广泛谈心谈话。现将对照检查情况报告如下："
    assert "征求意见建议的条数、谈心谈话的人次" in findings(draft(GOOD_AREA, opening=only_study), "opening-figures")[0].message
    assert not findings(draft(GOOD_AREA, opening="班子认真准备了这次会议。"), "opening-figures")  # the opening rule says it


def test_softening():
    assert not findings(draft(GOOD_AREA), "softening")
    soft = GOOD_AREA + "三是学习有时不够深入。个别同志偶尔缺席，一定程度上存在学用脱节。比如，2024年缺席3次。\n"
    found = findings(draft(soft), "softening")
    assert [(f.severity, f.line) for f in found] == [(Severity.MINOR, 7)]
    assert "有时" in found[0].message and "偶尔" in found[0].message


def test_team_duties():
    assert not findings(draft(GOOD_AREA), "team-duties", kind="geren")
    messages = [f.message for f in findings(draft(GOOD_AREA), "team-duties", kind="banzi")]
    assert messages == ["班子材料未涉及“意识形态”", "班子材料未涉及“一岗双责”"]
    covered = GOOD_AREA + "三是落实意识形态工作责任制和“一岗双责”不够严。比如，2024年班子研究意识形态工作仅1次。\n"
    assert not findings(draft(covered), "team-duties", kind="banzi")
    assert all(f.severity == Severity.MINOR for f in findings(draft(GOOD_AREA), "team-duties", kind="banzi"))


CRITICISM_GOOD = ("一、对班子成员的批评意见\n对张明同志：在分管项目推进中存在重部署、轻督办的问题，比如，2024年3个项目进度滞后，"
                  "希望加强跟踪问效。\n")


def test_soft_criticism():
    assert not findings(with_part(CRITICISM_GOOD), "soft-criticism")
    praise = "一、对班子成员的批评意见\n对张明同志：工作太拼，经常加班到深夜，要注意身体。\n"
    found = findings(with_part(praise), "soft-criticism")
    assert [(f.severity, f.line) for f in found] == [(Severity.MAJOR, 4)]
    wish = "一、对班子成员的批评意见\n对王芳同志：希望今后在工作中更加大胆，多提宝贵意见。\n"
    assert [f.severity for f in findings(with_part(wish), "soft-criticism")] == [Severity.MAJOR]
    inline = GOOD_AREA + "三是相互批评不够。会上我对李华同志的批评意见：希望李华同志继续保持好的作风。\n"
    assert len(findings(draft(inline), "soft-criticism")) == 1
    assert not findings(draft(GOOD_AREA), "soft-criticism")


def test_eight_rules_selfcheck(notices):
    clean = fixture_text("clean-2025-geren.txt")
    assert not findings(clean, "eight-rules-selfcheck", notice=notices.get("2025"))
    without = clean.replace("中央八项规定及其实施细则", "有关规定").replace("中央八项规定精神", "作风建设要求")
    found = findings(without, "eight-rules-selfcheck", notice=notices.get("2025"))
    assert [(f.severity, "中央八项规定" in f.message) for f in found] == [(Severity.MAJOR, True)]
    no_details = clean.replace("及其实施细则", "")
    assert [f.severity for f in findings(no_details, "eight-rules-selfcheck", notice=notices.get("2025"))] == [Severity.MINOR]
    assert not findings(without, "eight-rules-selfcheck", notice=notices.get("2024"))  # other years: no such check
    assert not findings(without, "eight-rules-selfcheck", notice=notices.get("2025"), kind="banzi")


# ---- clean materials written to each year's areas --------------------------------------------------------
ITEMS = ("一是思想认识还不够深。班子对这方面要求的理解不够深入，比如，2024年3月传达有关精神后，直到5月才研究部署。\n"
         "二是落实举措不够实。比如，2024年全年确定的6项任务中有2项没有按期完成，反映出责任意识不强。\n")


def material_for(spec, extra_headings=()):
    headings = [f"在{area.title}方面" for area in spec.areas] + list(extra_headings)
    numerals = "一二三四五六七八九十"
    problems = "".join(f"（{numerals[i]}）{heading}\n{ITEMS}" for i, heading in enumerate(headings))
    return draft(problems, title=f"江川市某局领导班子{spec.year or 2024}年度民主生活会对照检查材料")


@pytest.mark.parametrize("notice_id", ["2021", "2022", "2023", "2024", "2025", "basic"])
def test_a_material_written_to_the_years_areas_has_no_area_mismatch(notices, notice_id, settings):
    spec = notices.get(notice_id)
    report = run_rubric(parse(material_for(spec)), settings=settings, notice=spec)
    assert [a.area.index if a.area else None for a in report.areas] == [a.index for a in spec.areas]
    assert not [f for f in report.findings if f.rule in ("area-mismatch", "area-unverified")]


def test_a_2021_material_with_six_areas_has_no_area_mismatch(notices, settings):
    spec = notices.get("2021")
    text = material_for(spec, ["在带头履行全面从严治党政治责任方面"])
    report = run_rubric(parse(text.replace("对照通知4个方面", "对照通知6个方面")), settings=settings, notice=spec)
    assert not [f for f in report.findings if f.rule == "area-mismatch"]
    assert not [f for f in report.findings if f.rule == "opening" and "个方面" in f.message]
    assert [f.severity for f in report.findings if f.rule == "area-unverified"] == [Severity.MINOR]
    seven = material_for(spec, ["在带头履行全面从严治党政治责任方面", "在业务工作推进方面"])
    mismatches = [f for f in run_rubric(parse(seven), settings=settings, notice=spec).findings if f.rule == "area-mismatch"]
    assert [f.severity for f in mismatches] == [Severity.MAJOR]


def test_a_2025_material_with_the_old_headings_is_told_the_corrected_areas(notices, settings):
    old = ["带头锲而不舍落实中央八项规定精神，推进作风建设常态化长效化", "带头树立和践行正确政绩观，真抓实干、担当作为"]
    text = material_for(notices.get("2025")).replace("在带头固本培元、增强党性方面", f"在{old[0]}方面")
    found = findings(text, "area-mismatch", notice=notices.get("2025"))
    assert any("带头固本培元、增强党性" in f.message + f.suggestion for f in found)


# ---- precision on the team's clean materials -------------------------------------------------------------
@pytest.mark.parametrize("name,notice_id", [("clean-2022-banzi.txt", "2022"), ("clean-2023-geren.txt", "2023"),
                                            ("clean-2024-banzi.txt", "2024"), ("clean-2025-geren.txt", "2025")])
def test_new_rules_add_no_blocker_or_major_to_clean_materials(name, notice_id, notices, settings):
    report = run_rubric(parse(fixture_text(name)), settings=settings, notice=notices.get(notice_id), only=NEW_RULES)
    assert not [f for f in report.findings if f.severity != Severity.MINOR], report.findings
    assert not [f for f in report.findings if f.rule in ("softening", "soft-criticism", "case-analysis", "rectification-detail")]


def test_the_clean_2025_individual_material_is_clean(notices, settings):
    report = run_rubric(parse(fixture_text("clean-2025-geren.txt")), settings=settings, notice=notices.get("2025"))
    assert report.kind == "geren"
    assert [a.area.index if a.area else None for a in report.areas] == [1, 2, 3, 4, 5]
    assert not [f for f in report.findings if f.severity != Severity.MINOR], report.findings
