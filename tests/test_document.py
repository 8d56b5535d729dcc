import docx
import pytest

from assistant.document import PartRole, parse
from assistant.numbering import cn_to_int, int_to_cn
from assistant.textio import load_text

SMALL = """某局领导班子2024年度民主生活会对照检查材料

按照通知要求，班子围绕主题认真开展会前准备。现将对照检查情况报告如下：
一、存在的主要问题
（一）在带头严守政治纪律和政治规矩方面。一是政治敏锐性不强。比如，2024年3月研讨时发言不深。二是请示报告不及时。
（二）在带头增强党性方面
一是党性锻炼不经常。
例如，全年只开展了2次党性分析。
二是批评和自我批评辣味不足。
二、产生问题的原因剖析
（一）理论武装不够深入。班子对党的创新理论学得不深。
（二）党性修养有所放松。
三、下步整改措施
（一）强化理论武装。2025年3月底前制定学习计划，党组书记牵头。
"""


def shape(doc):
    return [(p.number, p.role, [(s.number, s.title, [(i.number, len(i.examples)) for i in s.items]) for s in p.sections])
            for p in doc.parts]


def test_numbers_round_trip():
    assert [int_to_cn(n) for n in (1, 9, 10, 11, 20, 35)] == ["一", "九", "十", "十一", "二十", "三十五"]
    assert all(cn_to_int(int_to_cn(n)) == n for n in range(1, 100))
    assert cn_to_int("甲") == 0


def test_small_draft_tree():
    doc = parse(SMALL)
    assert doc.title == "某局领导班子2024年度民主生活会对照检查材料"
    assert "现将对照检查情况报告如下" in doc.opening_text
    assert [p.role for p in doc.parts] == [PartRole.PROBLEMS, PartRole.CAUSES, PartRole.MEASURES]
    first, second = doc.areas
    assert first.title == "在带头严守政治纪律和政治规矩方面"
    assert [i.number for i in first.items] == ["一", "二"]
    assert first.items[0].examples and first.items[0].examples[0].text.startswith("比如")
    assert first.items[1].examples == []
    assert second.title == "在带头增强党性方面"
    assert [(i.number, i.line) for i in second.items] == [("一", 7), ("二", 9)]
    assert second.items[0].examples[0].line == 8  # the example's own line
    assert "全年只开展了2次" in second.items[0].text
    causes = doc.part(PartRole.CAUSES)
    assert [s.title for s in causes.sections] == ["理论武装不够深入", "党性修养有所放松"]


def test_render_is_lossless_and_parse_is_stable(sample_text):
    for text in (SMALL, sample_text, SMALL.replace("\n", "\r\n"), "\n\n" + SMALL + "\n\n\n"):
        doc = parse(text)
        assert doc.render() == text
        assert shape(parse(doc.render())) == shape(doc)


def test_windows_line_endings_keep_structure():
    assert shape(parse(SMALL.replace("\n", "\r\n"))) == shape(parse(SMALL))


def test_half_width_and_markdown_headings():
    text = ("# 某局领导班子对照检查材料\n\n按照通知要求，现将对照检查情况报告如下：\n\n## 一、存在的主要问题\n\n"
            "### (一)在理论学习方面\n\n**一是**学习不深。比如，3月只学了1次。\n\n**二是**运用不够。\n\n"
            "## 二、产生问题的原因剖析\n\n（一）理论武装不够。\n\n## 三、下步整改措施\n\n（一）加强学习。\n")
    doc = parse(text)
    assert doc.title == "某局领导班子对照检查材料"
    assert [p.role for p in doc.parts] == [PartRole.PROBLEMS, PartRole.CAUSES, PartRole.MEASURES]
    area = doc.areas[0]
    assert area.marker == "()"
    assert area.title == "在理论学习方面"
    assert [i.number for i in area.items] == ["一", "二"]
    assert doc.render() == text


def test_five_part_variant_and_individual_head():
    text = ("张三同志2023年主题教育专题民主生活会个人对照检查材料\n党组书记、局长 张三\n（2024年1月18日）\n"
            "根据通知要求，我认真作了准备。现将有关情况报告如下：\n一、会前准备情况\n我学习研讨5次。\n"
            "二、上年度民主生活会整改落实情况\n上年度查摆问题8个，已完成8个。\n三、存在的主要问题\n（一）理论学习方面\n一是学得不深。\n"
            "四、产生问题的原因剖析\n（一）理论武装不够。\n五、下步整改措施\n（一）加强学习。\n")
    doc = parse(text)
    assert [line.plain for line in doc.head] == ["张三同志2023年主题教育专题民主生活会个人对照检查材料", "党组书记、局长 张三", "（2024年1月18日）"]
    assert [p.role for p in doc.parts] == [PartRole.PREPARATION, PartRole.RECTIFICATION, PartRole.PROBLEMS,
                                           PartRole.CAUSES, PartRole.MEASURES]
    assert doc.opening_text.startswith("根据通知要求")


def test_run_on_part_heading_is_not_an_item():
    doc = parse("材料\n一、存在的主要问题\n一是学习不深。\n二是作风不实。\n")
    assert len(doc.parts) == 1
    assert [i.number for i in doc.parts[0].items] == ["一", "二"]


def test_replace_section_leaves_every_other_line_untouched():
    doc = parse(SMALL)
    new = doc.replace_section(PartRole.PROBLEMS, 2, "（二）在带头增强党性方面\n一是党性锻炼不经常。比如，2024年只开展了2次党性分析。")
    before, after = SMALL.split("\n"), new.render().split("\n")
    changed = [i for i, (a, b) in enumerate(zip(before, after)) if a != b]
    assert after[:6] == before[:6]
    assert after[-6:] == before[-6:]
    assert len(after) == len(before) - 2
    assert new.areas[1].items[0].examples
    assert changed  # the section itself did change
    with pytest.raises(KeyError):
        doc.replace_section(PartRole.PROBLEMS, 9, "x")


def test_gbk_bom_and_docx_files_parse_alike(tmp_path):
    (tmp_path / "gbk.txt").write_bytes(SMALL.encode("gbk"))
    (tmp_path / "bom.txt").write_bytes(SMALL.encode("utf-8-sig"))
    document = docx.Document()
    for line in SMALL.rstrip("\n").split("\n"):
        document.add_paragraph(line)
    document.save(tmp_path / "draft.docx")
    loaded = {name: load_text(tmp_path / name) for name in ("gbk.txt", "bom.txt", "draft.docx")}
    assert loaded["gbk.txt"].encoding == "gb18030"
    assert loaded["bom.txt"].encoding == "utf-8"
    for item in loaded.values():
        assert shape(parse(item.text)) == shape(parse(SMALL))


def test_text_without_structure_lands_in_opening():
    doc = parse("这是一段没有任何标题的文字。\n第二段。")
    assert doc.parts == []
    assert doc.render() == "这是一段没有任何标题的文字。\n第二段。"
