"""Notice presets, heading-to-area matching and the pasted-notice parser."""

import json
from pathlib import Path

import pytest

from assistant.config import PROJECT_ROOT
from assistant.document import parse
from assistant.errors import NoticeError
from assistant.notice_parser import parse_notice_text
from assistant.notices import NoticeLibrary, normalize_title

# Fixtures `notices` (the preset notices under knowledge/notices) and `sample_text` (the 2021 sample
# material) come from conftest.py.


# ---- presets -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("notice_id", "year", "count", "required", "campaign"),
    [
        ("2021", 2021, 5, [], ["党史学习教育"]),
        ("2022", 2022, 6, ["rectification"], []),
        ("2023", 2023, 6, ["rectification"], ["主题教育"]),
        ("2024", 2024, 4, ["rectification", "case"], ["党纪学习教育"]),
        ("2025", 2025, 5, ["rectification", "case"], ["深入贯彻中央八项规定精神学习教育"]),
        ("basic", None, 6, [], []),
    ],
)
def test_presets_load_with_their_areas(notices, notice_id, year, count, required, campaign):
    spec = notices.get(notice_id)
    assert spec.id == notice_id
    assert spec.year == year
    assert len(spec.areas) == count
    assert [area.index for area in spec.areas] == list(range(1, count + 1))
    assert spec.required_parts == required
    assert spec.campaign == campaign
    assert spec.source == "preset"
    assert spec.label and all(area.title for area in spec.areas)


def test_library_lists_all_presets():
    library = NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices")
    assert sorted(library.ids()) == ["2021", "2022", "2023", "2024", "2025", "basic"]
    assert {spec.id: len(spec.areas) for spec in library.all()} == {
        "2021": 5, "2022": 6, "2023": 6, "2024": 4, "2025": 5, "basic": 6,
    }


def test_verification_flags_follow_the_reference(notices):
    assert [a.verified for a in notices.get("2022").areas] == [False, True, True, True, True, True]
    assert all(a.verified for a in notices.get("2025").areas)
    assert all(a.verified for a in notices.get("2024").areas)
    assert all(a.verified for a in notices.get("2023").areas)
    assert not any(a.verified for a in notices.get("2021").areas)
    assert [a.title for a in notices.get("2025").areas] == [
        "带头强化政治忠诚、提高政治能力",
        "带头固本培元、增强党性",
        "带头敬畏人民、敬畏组织、敬畏法纪",
        "带头干事创业、担当作为",
        "带头坚决扛起管党治党责任",
    ]
    assert notices.get("2022").areas[1].title == "带头用习近平新时代中国特色社会主义思想凝心铸魂"


def test_themes_are_quoted_in_full(notices):
    assert notices.get("2025").theme.startswith("深入学习贯彻习近平新时代中国特色社会主义思想，全面贯彻落实党的二十届四中全会精神")
    assert "以打攻坚战、持久战的决心和恒心" in notices.get("2025").theme
    assert notices.get("2024").theme.endswith("为进一步全面深化改革、推进中国式现代化提供坚强纪律保证")
    theme_2022 = notices.get("2022").theme
    assert theme_2022.startswith("全面贯彻习近平新时代中国特色社会主义思想")
    assert "团结带领党员干部群众以奋发有为的精神贯彻落实党的二十大作出的重大决策部署" in theme_2022


def test_every_verified_area_cites_a_public_source(notices):
    for spec in notices.all():
        for source in spec.sources:
            assert source["title"] and source["url"].startswith(("http://", "https://")), spec.id
        for area in spec.areas:
            if area.verified:
                assert area.sources, f"{spec.id} 第{area.index}个方面标为已核实，却没有来源"
            assert all(1 <= n <= len(spec.sources) for n in area.sources), (spec.id, area.index)


def test_2021_accepts_five_or_six_areas(notices):
    assert notices.get("2021").accepted_counts == [5, 6]
    assert notices.get("2025").accepted_counts == [5]


def test_a_year_without_preset_asks_for_the_pasted_notice(notices):
    with pytest.raises(NoticeError) as caught:
        notices.get("2026")
    assert "2026年度的通知还没有收录为预设" in caught.value.message
    assert "粘贴" in caught.value.hint and "--notice" in caught.value.hint


def test_titles_use_chinese_curly_quotes(notices):
    for spec in notices.all():
        for area in spec.areas:
            assert '"' not in area.title, area.title
            assert area.title.count("“") == area.title.count("”"), area.title
    assert notices.get("2021").areas[0].title == "带头深刻感悟“两个确立”的决定性意义"


def test_2024_titles_are_verbatim(notices):
    assert [a.title for a in notices.get("2024").areas] == [
        "带头严守政治纪律和政治规矩，维护党的团结统一",
        "带头增强党性、严守纪律、砥砺作风",
        "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新",
        "带头履行全面从严治党政治责任",
    ]


def test_get_accepts_year_suffixes(notices):
    assert notices.get("2024年度").id == "2024"
    assert notices.get("2023年").id == "2023"
    assert notices.get(" 2021 ").id == "2021"


def test_unknown_preset_raises_chinese_error(notices):
    with pytest.raises(NoticeError) as caught:
        notices.get("2019")
    message = str(caught.value)
    assert "没有编号为“2019”的通知预设" in message
    assert "2024" in message and "粘贴通知原文" in message


# ---- matching draft headings to areas ------------------------------------------------------------------
def test_sample_headings_match_2021_areas_in_order(notices, sample_text):
    spec = notices.get("2021")
    sections = parse(sample_text).areas
    assert len(sections) == 5
    for position, section in enumerate(sections, start=1):
        area, score = spec.match_area(section.title)
        assert area is not None and area.index == position, (position, score)
        for other in spec.areas:
            if other.index != position:
                assert other.match_score(section.title) < 0.6, (position, other.index)


def test_sample_heading_without_yao_still_matches(notices, sample_text):
    # The sample writes “是什么、干什么” where the notice says “是什么、要干什么”.
    second = parse(sample_text).areas[1].title
    assert "要干什么" not in second
    assert notices.get("2021").match_area(second)[0].index == 2


def test_2024_heading_with_wrapper_matches_area_two(notices):
    spec = notices.get("2024")
    draft = "一、存在的主要问题\n（二）在带头增强党性、严守纪律、砥砺作风方面\n一是党性锻炼不够经常。\n"
    heading = parse(draft).areas[0].title
    assert heading == "在带头增强党性、严守纪律、砥砺作风方面"
    area, score = spec.match_area(heading)
    assert area is not None and area.index == 2
    assert score == pytest.approx(1.0)
    assert all(other.match_score(heading) < 0.6 for other in spec.areas if other.index != 2)


def test_unrelated_heading_matches_no_area(notices):
    area, score = notices.get("2024").match_area("关于加强机关食堂管理的几点意见")
    assert area is None and score < 0.6


def test_2023_headings_match_lower_unit_areas(notices):
    spec = notices.get("2023")
    assert spec.match_area("在理论学习方面")[0].index == 1
    assert spec.match_area("理论学习有收获方面")[0].index == 1
    assert spec.match_area("在廉洁自律方面")[0].index == 6
    assert spec.match_area("在担当作为方面")[0].index == 4


def test_guess_finds_2021_for_the_sample(notices, sample_text):
    guessed = notices.guess(sample_text)
    assert guessed is not None and guessed.id == "2021"


def test_guess_returns_none_without_area_headings(notices):
    assert notices.guess("一、存在的主要问题\n班子学习不够深入。\n") is None


# ---- pasted notices ------------------------------------------------------------------------------------
NOTICE_2024_BRACKETS = """关于开好2024年度县以上党和国家机关党员领导干部民主生活会的通知

各县（市、区）委，市委各部委，市级国家机关各部门党组（党委）：
经市委同意，现就开好2024年度民主生活会有关事项通知如下。
一、会议主题
2024年度民主生活会的主题是：深入学习贯彻习近平新时代中国特色社会主义思想，巩固拓展党纪学习教育成果，推动全面从严治党向纵深发展。
二、对照检查内容
领导班子和班子成员要紧扣会议主题，重点从以下4个方面进行对照检查：
（一）带头严守政治纪律和政治规矩，维护党的团结统一。深刻领悟“两个确立”的决定性意义，坚决做到“两个维护”。
（二）带头增强党性、严守纪律、砥砺作风。对照党章党规党纪，检视在纪律作风方面存在的问题。
（三）带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新。树立和践行正确政绩观。
（四）带头履行全面从严治党政治责任。认真落实管党治党主体责任和“一岗双责”。
同时，要结合本地区本部门发生的违纪违法典型案例进行剖析，做到以案为鉴、以案促改。
三、会前准备
（一）认真学习研讨。采取集中学习与个人自学相结合的方式开展学习。
（二）广泛征求意见。通过召开座谈会、发放征求意见表等方式征求意见。
（三）深入谈心谈话。班子成员之间、班子成员与分管部门负责同志之间都要谈心谈话。
（四）认真撰写对照检查材料。对照检查材料要通报上年度民主生活会整改落实情况。
四、有关要求
民主生活会原则上于2025年1月底前召开，会后15日内将有关情况报市委组织部。
"""

NOTICE_2023_ENUMERATION = """关于召开学习贯彻习近平新时代中国特色社会主义思想主题教育专题民主生活会的通知
机关各支部：
按照上级统一部署，局党组定于2024年1月召开2023年度主题教育专题民主生活会。本次民主生活会以“学思想、强党性、重实践、建新功”为主题，重点对照理论学习、政治素质、能力本领、担当作为、工作作风、廉洁自律等6个方面，深入查摆存在的问题，深刻剖析问题根源，明确整改方向。
请各位班子成员于12月25日前将对照检查材料报局办公室。
"""

NOTICE_2025_YISHI = """各党支部：
根据上级通知精神，机关党委定于近期召开2025年度民主生活会。本次民主生活会围绕锲而不舍落实中央八项规定精神、推进作风建设常态化长效化这一主题，重点对照检查五个方面：一是带头强化政治忠诚、提高政治能力；二是带头固本培元、增强党性；三是带头敬畏人民、敬畏组织、敬畏法纪；四是带头干事创业、担当作为；五是带头坚决扛起管党治党责任。会前要认真开展反面典型案例剖析。
"""

NOTICE_2021_QUOTED = """按照《关于开好2021年度党史学习教育专题民主生活会的通知》要求，现将有关事项通知如下。此次专题民主生活会以“学史明理、学史增信、学史崇德、学史力行”为主题，聚焦“带头深刻感悟“两个确立”的决定性意义，带头牢记我们党是什么、要干什么这个根本问题，带头践行以人民为中心的发展思想，带头学习运用党在不同历史时期成功应对风险挑战的丰富经验，带头深刻汲取党史中正反两方面经验”五个方面进行对照检查。"""

NOTICE_2022_CIRCLED = """关于召开2022年度民主生活会的通知
经研究，本次会议主题是：深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”，贯彻落实党的二十大重大决策部署。
一、会前准备
1．带头学习研讨，认真学习党的二十大报告和党章。
2．带头征求意见，广泛听取干部群众意见建议。
3．带头开展谈心谈话，做到见人见事见思想。
二、对照检查内容
领导班子和班子成员要围绕以下6个方面进行对照检查：①带头深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”；②带头学习贯彻习近平新时代中国特色社会主义思想；③带头贯彻落实党中央决策部署；④带头践行以人民为中心的发展思想；⑤带头发扬斗争精神；⑥带头落实全面从严治党政治责任。
"""

NOTICE_2024_LINES = """中共XX县委组织部
关于开好2024年度民主生活会的通知
各乡镇党委、县直各单位党组（党委）：
现就开好2024年度民主生活会通知如下。各级领导班子要对照以下方面深入查摆问题：
带头严守政治纪律和政治规矩，维护党的团结统一；
带头增强党性、严守纪律、砥砺作风；

带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新；
带头履行全面从严治党政治责任。
会前要通报2023年度民主生活会整改落实情况。
"""

NOTICE_2023_ARABIC = """2023年度主题教育专题民主生活会对照检查的内容：
1. 在理论学习方面，重点检视学习贯彻习近平新时代中国特色社会主义思想是否做到学深悟透。
2. 在政治素质方面，重点检视是否做到“两个维护”。
3. 在能力本领方面，重点检视推动高质量发展的本领是否过硬。
4. 在担当作为方面，重点检视是否敢于直面问题、勇于攻坚克难。
5. 在工作作风方面，重点检视是否存在形式主义、官僚主义问题。
6. 在廉洁自律方面，重点检视是否严格落实中央八项规定精神。
"""

NOTICE_PROSE_ONLY = """关于做好民主生活会准备工作的通知
一、会议时间
会议时间另行通知。
二、参加人员
领导班子全体成员。
三、有关要求
各单位要高度重视，认真做好会前准备，紧密联系思想和工作实际，深入查摆问题，严肃开展批评和自我批评，确保民主生活会取得实效。
"""


def titles(spec):
    return [area.title for area in spec.areas]


def test_parse_bracketed_notice_prefers_the_area_list():
    spec = parse_notice_text(NOTICE_2024_BRACKETS)
    assert spec.id == "pasted" and spec.source == "pasted"
    assert spec.year == 2024
    assert titles(spec) == [
        "带头严守政治纪律和政治规矩，维护党的团结统一",
        "带头增强党性、严守纪律、砥砺作风",
        "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新",
        "带头履行全面从严治党政治责任",
    ]
    assert [area.index for area in spec.areas] == [1, 2, 3, 4]
    assert spec.theme == "深入学习贯彻习近平新时代中国特色社会主义思想，巩固拓展党纪学习教育成果，推动全面从严治党向纵深发展"
    assert spec.required_parts == ["rectification", "case"]
    assert spec.campaign == ["党纪学习教育"]
    assert "2024年度" in spec.label


def test_parsed_2024_notice_matches_like_the_preset(notices):
    spec = parse_notice_text(NOTICE_2024_BRACKETS)
    preset = notices.get("2024")
    for pasted, known in zip(spec.areas, preset.areas):
        assert preset.match_area(pasted.title)[0].index == known.index


def test_parse_enumeration_with_declared_count():
    spec = parse_notice_text(NOTICE_2023_ENUMERATION)
    assert spec.year == 2023
    assert titles(spec) == ["理论学习", "政治素质", "能力本领", "担当作为", "工作作风", "廉洁自律"]
    assert spec.theme == "学思想、强党性、重实践、建新功"
    assert spec.campaign == ["主题教育"]
    assert spec.required_parts == ["rectification"]


def test_parse_yishi_erishi_inline_list():
    spec = parse_notice_text(NOTICE_2025_YISHI)
    assert spec.year == 2025
    assert len(spec.areas) == 5
    assert titles(spec) == [
        "带头强化政治忠诚、提高政治能力",
        "带头固本培元、增强党性",
        "带头敬畏人民、敬畏组织、敬畏法纪",
        "带头干事创业、担当作为",
        "带头坚决扛起管党治党责任",
    ]
    assert spec.theme == "锲而不舍落实中央八项规定精神、推进作风建设常态化长效化"
    assert spec.required_parts == ["rectification", "case"]


def test_parse_quoted_enumeration_with_nested_quotes():
    spec = parse_notice_text(NOTICE_2021_QUOTED)
    assert spec.year == 2021
    assert titles(spec) == [
        "带头深刻感悟“两个确立”的决定性意义",
        "带头牢记我们党是什么、要干什么这个根本问题",
        "带头践行以人民为中心的发展思想",
        "带头学习运用党在不同历史时期成功应对风险挑战的丰富经验",
        "带头深刻汲取党史中正反两方面经验",
    ]
    assert spec.theme == "学史明理、学史增信、学史崇德、学史力行"
    assert spec.required_parts == []
    assert spec.campaign == ["党史学习教育"]


def test_parse_prefers_the_list_with_the_declared_count():
    spec = parse_notice_text(NOTICE_2022_CIRCLED)
    assert spec.year == 2022
    assert len(spec.areas) == 6
    assert titles(spec)[0] == "带头深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”"
    assert titles(spec)[5] == "带头落实全面从严治党政治责任"
    assert "带头学习研讨" not in " ".join(titles(spec))
    assert spec.theme.startswith("深刻领悟“两个确立”的决定性意义")
    assert spec.required_parts == ["rectification"]


def test_parse_lines_starting_with_daitou():
    spec = parse_notice_text(NOTICE_2024_LINES)
    assert spec.year == 2024
    assert titles(spec) == [
        "带头严守政治纪律和政治规矩，维护党的团结统一",
        "带头增强党性、严守纪律、砥砺作风",
        "带头在遵规守纪、清正廉洁前提下勇于担责、敢于创新",
        "带头履行全面从严治党政治责任",
    ]
    assert spec.theme == ""


def test_parse_arabic_numbering_strips_wrappers():
    spec = parse_notice_text(NOTICE_2023_ARABIC)
    assert spec.year == 2023
    assert titles(spec) == ["理论学习方面", "政治素质方面", "能力本领方面", "担当作为方面", "工作作风方面", "廉洁自律方面"]


def test_parse_fullwidth_dot_and_bracketed_digits():
    text = "2024年度民主生活会重点对照以下方面：\n1．在带头严守政治纪律和政治规矩，维护党的团结统一方面；\n2．在带头增强党性、严守纪律、砥砺作风方面；\n"
    assert titles(parse_notice_text(text)) == ["带头严守政治纪律和政治规矩，维护党的团结统一", "带头增强党性、严守纪律、砥砺作风"]
    text = "对照检查内容：（1）带头强化政治忠诚、提高政治能力；（2）带头树立和践行正确政绩观。"
    spec = parse_notice_text(text)
    assert titles(spec) == ["带头强化政治忠诚、提高政治能力", "带头树立和践行正确政绩观"]
    assert spec.year is None and spec.required_parts == []
    assert spec.label == "民主生活会（据粘贴的通知）"


def test_parse_prose_only_notice_raises():
    with pytest.raises(NoticeError) as caught:
        parse_notice_text(NOTICE_PROSE_ONLY)
    assert "未能从通知中识别出对照检查的方面" in str(caught.value)
    assert "年度预设" in str(caught.value)


@pytest.mark.parametrize("text", ["", "   \n\t\n", None])
def test_parse_empty_notice_raises(text):
    with pytest.raises(NoticeError) as caught:
        parse_notice_text(text)
    assert "为空" in str(caught.value)
    assert "粘贴通知正文" in str(caught.value)


# ---- the team's notice dataset: every form parses with its theme and areas ------------------------------
NOTICE_ROWS = [json.loads(line) for line in
               (Path(__file__).parent / "fixtures" / "notices" / "notices.jsonl").read_text(encoding="utf-8").splitlines()
               if line.strip()]


def test_notice_dataset_is_large_enough():
    assert len(NOTICE_ROWS) >= 8
    assert len({row["form"] for row in NOTICE_ROWS}) == len(NOTICE_ROWS)


@pytest.mark.parametrize("row", NOTICE_ROWS, ids=[row["id"] for row in NOTICE_ROWS])
def test_every_notice_form_parses_with_theme_and_areas(row):
    spec = parse_notice_text(row["text"])
    assert normalize_title(spec.theme) == normalize_title(row["theme"])
    assert [normalize_title(area.title) for area in spec.areas] == [normalize_title(a) for a in row["areas"]]
    count_warnings = [w for w in spec.warnings if "个方面" in w]
    assert bool(count_warnings) == row["count_warning"], spec.warnings


def test_declared_count_that_disagrees_is_reported_in_chinese():
    row = next(r for r in NOTICE_ROWS if r["id"] == "n06")
    spec = parse_notice_text(row["text"])
    assert spec.warnings and "5个方面" in spec.warnings[0] and "只识别出4个方面" in spec.warnings[0]


def test_theme_on_the_line_after_its_heading():
    spec = parse_notice_text("一、会议主题\n以学促干，推动工作提质增效。\n二、对照检查内容\n（一）带头学习理论。\n（二）带头担当作为。")
    assert spec.theme == "以学促干，推动工作提质增效"
    assert not spec.warnings
