"""Form rules: each rule finds its defect (rule id, severity, line) and stays quiet on clean variants."""

from __future__ import annotations

import time

import pytest

from assistant.config import PROJECT_ROOT, Settings
from assistant.document import parse
from assistant.errors import NoticeError
from assistant.notices import NoticeLibrary, NoticeSpec, spec_from_dict
from assistant.rubric import RULES, Severity, run_rubric
from conftest import SAMPLE

FORM_RULES = ["placeholder", "pinyin-abbrev", "year", "numbering", "quotes", "punctuation", "doubled-char", "formula"]


def _notice(notice_id: str, year: int, campaign: str) -> NoticeSpec:
    try:
        return NoticeLibrary(PROJECT_ROOT / "knowledge" / "notices").get(notice_id)
    except (NoticeError, OSError):
        return spec_from_dict({"id": notice_id, "year": year, "campaign": [campaign],
                               "areas": [{"title": "带头严守政治纪律和政治规矩"}]})


NOTICE_2021 = _notice("2021", 2021, "党史学习教育")
NOTICE_2024 = _notice("2024", 2024, "党纪学习教育")


def draft(*lines: str, title: str = "某局领导班子2024年度民主生活会对照检查材料") -> str:
    """A small material: title, opening, one problem part with one section holding the given lines."""
    return "\n".join([
        title,
        "按照上级通知要求，班子认真开展学习研讨，广泛征求意见，现将对照检查情况报告如下。",
        "一、存在的主要问题",
        "（一）带头严守政治纪律和政治规矩方面",
        *lines,
    ])


def check(text: str, rule_id: str, notice: NoticeSpec | None = NOTICE_2024):
    return [f for f in run_rubric(parse(text), settings=Settings(), notice=notice, only=[rule_id]).findings
            if f.rule == rule_id]


BODY = 5  # line number of the first line passed to draft()


def test_all_form_rules_registered():
    assert set(FORM_RULES) <= set(RULES)


# ---- placeholder ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, token", [
    ("一是XX同志学习不够深入。", "XX"),
    ("一是共查处问题xxx起。", "xxx"),
    ("一是某某同志对分管工作过问不够。", "某某"),
    ("一是占比达××%。", "××"),
    ("一是【具体事例】还需补充。", "【具体事例】"),
    ("一是空白处【】未填。", "【】"),
    ("一是学习次数〔待补：全年集中学习次数〕。", "待补"),
    ("一是学习次数[待补]。", "待补"),
    ("一是学习次数（待补）。", "待补"),
    ("一是此处填写具体问题。", "此处填写"),
    ("一是学习不够深入……（略）", "略"),
])
def test_placeholder_found(body, token):
    findings = check(draft(body), "placeholder")
    assert len(findings) == 1
    assert findings[0].severity == Severity.BLOCKER
    assert findings[0].line == BODY
    assert token in findings[0].message or token in findings[0].excerpt


def test_placeholder_pending_slot_says_missing():
    findings = check(draft("一是全年开展研讨〔待补：次数〕次。"), "placeholder")
    assert "尚有待补内容" in findings[0].message


def test_a_bank_suggestion_left_in_says_it_is_not_the_units_own():
    findings = check(draft("一是调研不深入。比如，〔待补：时间〕调研走过场。〔参考库建议，请结合实际核实〕"), "placeholder")
    assert [f.severity for f in findings] == [Severity.BLOCKER, Severity.BLOCKER]
    assert "不是本单位的素材" in findings[1].message and "参考库建议" in findings[1].message
    assert check(draft("一是调研不深入，参考库建议的写法已改掉。"), "placeholder") == []


def test_placeholder_one_per_occurrence_and_capped():
    assert len(check(draft("一是共查处XXX起XXX人，占比XX%。"), "placeholder")) == 3
    many = check(draft("一是" + "XX、" * 9 + "。"), "placeholder")
    assert len(many) == 6 and "另有4处" in many[-1].message


@pytest.mark.parametrize("body", [
    "一是学习Excel表格和PPT制作。", "一是对2XL规格统计有误差。", "一是某单位的问题整改不到位。",
    "一是二〇〇〇年以来情况。", "一是查处问题12起15人，占比达36.5%。",
])
def test_placeholder_clean(body):
    assert check(draft(body), "placeholder") == []


# ---- pinyin-abbrev -------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, token, full", [
    ("一是开好mzshh的准备不足。", "mzshh", "民主生活会"),
    ("一是dangshi学习不深入。", "dangshi", "党史"),
    ("一是zhengzhi站位不高。", "zhengzhi", "政治"),
    ("一是ZZ站位不高。", "ZZ", "政治"),
    ("一是ZZ生活不规范。", "ZZ", "组织"),
    ("一是djgz抓得不实。", "djgz", "党建工作"),
    ("一是参加 mzshh 准备不足。", "mzshh", "民主生活会"),
])
def test_pinyin_stand_in_found(body, token, full):
    findings = check(draft(body), "pinyin-abbrev")
    assert len(findings) == 1
    assert findings[0].severity == Severity.BLOCKER and findings[0].line == BODY
    assert token in findings[0].message
    assert full in findings[0].suggestion


def test_pinyin_unknown_run_next_to_chinese():
    findings = check(draft("一是落实wsz要求不到位。"), "pinyin-abbrev")
    assert [f.severity for f in findings] == [Severity.BLOCKER]
    assert "wsz" in findings[0].message


@pytest.mark.parametrize("body", [
    "一是制作PPT、开发APP、使用App和OA系统不熟练。", "一是对AI、GDP、CPI、KPI指标研究不够。",
    "一是用U盘拷贝PDF文件，用QQ和WPS办公。", "一是对PM2.5治理和5G建设推进不力。",
    "一是网址https://www.example.gov.cn/abc未更新。", "一是10KV线路巡查不到位。",
    "一是XX同志学习不够。",  # a placeholder, reported by the placeholder rule only
])
def test_pinyin_clean(body):
    assert check(draft(body), "pinyin-abbrev") == []


# ---- year ---------------------------------------------------------------------------------------------
def test_year_title_names_other_year_is_blocker():
    text = draft("一是学习不够深入。", title="某局领导班子2022年度民主生活会对照检查材料")
    findings = check(text, "year")
    assert [(f.line, f.severity) for f in findings] == [(1, Severity.BLOCKER)]
    assert "2024年度" in findings[0].suggestion


def test_year_opening_names_other_year_is_blocker():
    text = draft("一是学习不够深入。").replace("按照上级通知要求", "按照召开2021年度民主生活会的通知要求")
    findings = check(text, "year")
    assert [(f.line, f.severity) for f in findings] == [(2, Severity.BLOCKER)]


@pytest.mark.parametrize("body", [
    "一是把检验2024年成效作为重点。", "一是通过2024年固本培元不够。", "一是把2024年的成效转化不够。",
    "一是巩固2024年成果不够。",
])
def test_year_standing_for_campaign(body):
    findings = check(draft(body), "year")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MAJOR)]
    assert "党纪学习教育" in findings[0].suggestion


def test_year_standing_for_campaign_without_notice_uses_title_year():
    text = draft("一是通过2024年固本培元不够，2023年以来学习不深入。")
    findings = check(text, "year", notice=None)
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MAJOR)]
    assert "学习教育" in findings[0].suggestion


@pytest.mark.parametrize("body", ["一是2031年的目标不清。", "一是2008年以来制度未更新。"])
def test_year_implausible(body):
    findings = check(draft(body), "year")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MAJOR)]


@pytest.mark.parametrize("body", [
    "一是立行立改，2025年6月底前完成。", "一是2025年3月底前建立台账。", "一是2024年5月召开专题会议。",
    "一是2023年以来学习不够。", "一是把2024年作为作风建设年。", "一是通过2024年全年的努力仍有差距。",
    "一是到2035年基本实现目标的认识不足。", "一是2021—2025年规划落实不力。", "一是1921年中国共产党成立。",
    "一是巩固2024年工作成果不够。",
])
def test_year_clean(body):
    assert check(draft(body), "year") == []


def test_year_previous_meeting_rectification_is_fine():
    text = "\n".join([
        "某局领导班子2024年度民主生活会对照检查材料",
        "按照通知要求，班子认真落实2023年度民主生活会整改任务，现将对照检查情况报告如下。",
        "一、上年度整改落实情况",
        "2023年度民主生活会整改的12个问题已完成10个。",
        "二、存在的主要问题",
        "（一）带头严守政治纪律和政治规矩方面",
        "一是学习不够深入。",
    ])
    assert check(text, "year") == []


# ---- numbering ----------------------------------------------------------------------------------------
def _parts(*headings: str) -> str:
    lines = ["某局领导班子2024年度民主生活会对照检查材料", "按照通知要求，现将对照检查情况报告如下。"]
    for heading in headings:
        lines += [heading, "（一）第一方面", "一是学习不够深入。二是作风不够扎实。"]
    return "\n".join(lines)


def test_numbering_part_gap_and_repeat():
    gap = check(_parts("一、存在的主要问题", "三、产生问题的原因剖析"), "numbering")
    assert [(f.line, f.severity) for f in gap] == [(6, Severity.MAJOR)]
    assert "二、" in gap[0].message
    repeat = check(_parts("一、存在的主要问题", "一、产生问题的原因剖析"), "numbering")
    assert [(f.line, f.severity) for f in repeat] == [(6, Severity.MAJOR)]


def test_numbering_part_separator():
    findings = check(_parts("一.存在的主要问题", "二、产生问题的原因剖析"), "numbering")
    assert [(f.line, f.severity) for f in findings] == [(3, Severity.MINOR)]
    assert "一、" in findings[0].suggestion


def test_numbering_section_gap_and_half_width():
    text = draft("一是学习不够。", "（三）带头增强党性方面", "一是作风不实。", "(四)带头履行责任方面", "一是担当不够。")
    findings = check(text, "numbering")
    assert [(f.line, f.severity) for f in findings] == [(6, Severity.MAJOR), (8, Severity.MINOR)]
    assert "（二）" in findings[0].message and "（四）" in findings[1].suggestion


@pytest.mark.parametrize("body, line", [
    (("一是学习不够深入。三是作风不够扎实。",), BODY),
    (("二是学习不够深入。", "一是作风不够扎实。"), BODY),
])
def test_numbering_items_out_of_order(body, line):
    findings = check(draft(*body), "numbering")
    assert findings and findings[0].line == line and findings[0].severity == Severity.MAJOR


def test_numbering_clean():
    text = draft("一是学习不够深入。", "1.理论学习不系统；", "2.研讨不深入。", "二是作风不够扎实，思想统一是前提。",
                 "三是坚持一是一、二是二。", "（二）带头增强党性方面", "一是党性修养不够。二是纪律不严。")
    assert check(text, "numbering") == []
    assert check(_parts("一、存在的主要问题", "二、产生问题的原因剖析", "三、下步整改措施"), "numbering") == []


# ---- quotes -------------------------------------------------------------------------------------------
def test_quotes_nested_same_type():
    findings = check(draft("一是聚焦“带头深刻感悟“两个确立”的决定性意义”不够。"), "quotes")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MAJOR)]
    assert "‘’" in findings[0].suggestion


@pytest.mark.parametrize("body", ["一是对“两个确立的理解不深。", "一是对两个确立”的理解不深。", "一是学习《条例不够。"])
def test_quotes_unbalanced(body):
    findings = check(draft(body), "quotes")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MAJOR)]


def test_quotes_straight_ascii_is_minor():
    findings = check(draft('一是对"两个确立"理解不深。'), "quotes")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MINOR)]


def test_quotes_clean():
    body = "一是聚焦“带头深刻感悟‘两个确立’的决定性意义”，学习《中国共产党纪律处分条例》不够。"
    assert check(draft(body, "二是“四个意识”“四个自信”“两个维护”树得不牢。"), "quotes") == []


# ---- punctuation --------------------------------------------------------------------------------------
def test_punctuation_half_width_counted_per_line():
    findings = check(draft("一是学习不深入,研讨不够;比如:党委(党组)会议学习少。"), "punctuation")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MINOR)]
    assert "5处" in findings[0].message


@pytest.mark.parametrize("body", ["一是学习不深入。。", "一是学习不深入，，研讨不够。", "，一是学习不深入。"])
def test_punctuation_doubled_or_leading(body):
    findings = check(draft(body), "punctuation")
    assert [(f.line, f.severity) for f in findings] == [(BODY, Severity.MINOR)]


@pytest.mark.parametrize("body", [
    "一是全年接访1,236人次，占比12.5%，会议9:30开始。", "一是学习不深入……研讨不够——流于形式。",
    "一是资料见https://www.example.gov.cn/a,b。", "一是学习不深入，研讨不够（全年仅2次）。",
])
def test_punctuation_clean(body):
    assert check(draft(body), "punctuation") == []


# ---- doubled-char -------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, pair", [
    ("一是没有做做出成效。", "做做"), ("一是学习的的效果不好。", "的的"), ("一是做了了很多工作但成效不大。", "了了"),
    ("一是在在工作中不够主动。", "在在"), ("一是他是是主要责任人。", "是是"),
])
def test_doubled_char_found(body, pair):
    findings = [f for f in check(draft(body), "doubled-char") if pair in f.message]
    assert findings and findings[0].line == BODY and findings[0].severity == Severity.MAJOR


def test_doubled_char_suggests_fix():
    findings = check(draft("一是没有做做出成效。"), "doubled-char")
    assert len(findings) == 1 and "做出成效" in findings[0].suggestion


@pytest.mark.parametrize("body", [
    "一是常常、天天、层层、处处、时时、事事、人人、个个都要实实在在。",
    "一是扎扎实实、认认真真、明明白白、清清楚楚、兢兢业业、勤勤恳恳、踏踏实实、干干净净、堂堂正正。",
    "一是方方面面、点点滴滴、轰轰烈烈，久久为功，马马虎虎，大大提高，多多益善。",
    "一是研究研究、学习学习、讨论讨论，谈谈看看想想，仅仅往往偏偏默默渐渐刚刚稍稍。",
    "一是工作作风不实，学习习近平总书记重要讲话不够，纪委委员作用发挥不够，推进中国式现代化，实现现代化。",
    "一是生活会会前准备不足，问题不了了之，为了了解情况，一步步落实，一是一、二是二。",
    "二是是非观念不强，三是常委会会议研究少，四是党小组组长履职不够。",
    "一是江川市市场监督管理局局长、某县县委、法院院长、组织部部长履职不够。",
    "一是紧紧围绕、牢牢把握，面面俱到，息息相关，小心翼翼，生机勃勃，泛泛而谈，高高在上，远远不够。",
])
def test_doubled_char_clean(body):
    assert check(draft(body), "doubled-char") == []


# ---- formula ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, word", [
    ("一是对两个确立的决定性意义认识不深。", "两个确立"),
    ("一是对“两个确立”的重大意义认识不深。", "决定性意义"),
    ("一是四个意识不强。", "四个意识"),
    ("一是做到两个维护不够坚决。", "两个维护"),
    ("一是做到两个坚决维护不够。", "两个维护"),
    ("一是对国之大者心中无数。", "国之大者"),
    ("一是学习习近平新时代中国特色社会主义理论不够。", "习近平新时代中国特色社会主义思想"),
    ("一是学习习近平中国特色社会主义思想不够。", "习近平新时代中国特色社会主义思想"),
])
def test_formula_found(body, word):
    findings = check(draft(body), "formula")
    assert len(findings) == 1
    assert findings[0].line == BODY and findings[0].severity == Severity.MAJOR
    assert word in findings[0].suggestion


def test_formula_clean():
    body = ("一是深刻领悟“两个确立”的决定性意义，增强“四个意识”、坚定“四个自信”、做到“两个维护”，"
            "心怀“国之大者”，学习习近平新时代中国特色社会主义思想和习近平法治思想，落实中央八项规定精神和八项规定。")
    assert check(draft(body), "formula") == []


# ---- the sample material ------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sample_findings():
    report = run_rubric(parse(SAMPLE.read_text(encoding="utf-8")), settings=Settings(), notice=NOTICE_2021,
                        only=FORM_RULES)
    return report.findings


def test_sample_finds_known_defects(sample_findings):
    def where(rule_id, text):
        return [f.line for f in sample_findings if f.rule == rule_id and text in f.message + f.excerpt]

    assert 3 in where("pinyin-abbrev", "mzshh") and 5 in where("pinyin-abbrev", "mzshh")
    assert where("pinyin-abbrev", "dangshi") == [5, 7, 11]
    assert 5 in where("placeholder", "XX") and where("placeholder", "XXX") == [9, 9]
    assert 5 in where("year", "检验2021年成效")
    assert where("quotes", "两个确立") == [5]
    assert where("doubled-char", "做做") == [7]


def test_sample_has_no_false_alarms(sample_findings):
    """The sample's headings, numbering, formulae and punctuation are correct."""
    assert {f.rule for f in sample_findings} == {"pinyin-abbrev", "placeholder", "year", "quotes", "doubled-char"}
    assert len([f for f in sample_findings if f.rule == "year"]) == 6


def test_form_rules_are_fast():
    text = SAMPLE.read_text(encoding="utf-8")
    text = (text * (15000 // len(text) + 1))[:15000]
    doc = parse(text)
    timings = []
    for _ in range(3):  # best of three, so a busy machine does not fail the test
        start = time.perf_counter()
        run_rubric(doc, settings=Settings(), notice=NOTICE_2021, only=FORM_RULES)
        timings.append(time.perf_counter() - start)
    assert min(timings) < 0.05
