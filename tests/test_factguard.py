"""Generated text may only carry figures, dates, people and document titles that its inputs carry."""

from assistant.factguard import guard
from assistant.tokens import count_tokens, pack


def test_supported_facts_stay():
    text = "比如，2024年3月专题研讨时，全班子仅有5人作了发言，占比不到50%。"
    result = guard(text, ["2024年3月专题研讨，5人发言，占比不到50%"])
    assert result.text == text and not result.changed


def test_invented_figures_dates_documents_and_people_become_slots():
    text = "比如，2023年5月12日印发的《关于加强作风建设的意见》落实不到位，仅有12.5%的问题整改完成，李建国同志牵头的调研走了过场。"
    result = guard(text, ["全年调研4次"])
    assert "〔待补：时间〕" in result.text and "〔待补：数字〕" in result.text
    assert "《〔待补：文件或活动名称〕》" in result.text and "〔待补：姓名〕同志" in result.text
    assert set(result.replaced) == {"2023年5月12日", "12.5%", "《关于加强作风建设的意见》", "李建国同志"}
    for invented in ("2023", "12.5", "李建国", "作风建设的意见"):
        assert invented not in result.text


def test_existing_slots_and_generic_people_are_left_alone():
    text = "〔待补：时间〕召开的会议上，有的同志发言不深，班子成员同志〔待补：数字〕人缺席。"
    assert guard(text, []).text == text


def test_year_named_by_the_sources_is_kept_even_in_another_form():
    result = guard("2024年以来，调研次数减少。", ["2024年度民主生活会"])
    assert result.text == "2024年以来，调研次数减少。"


def test_token_counting_and_packing():
    assert count_tokens("检视剖析材料") > 0
    passages = ["甲" * 100, "乙" * 100, "丙" * 100]
    packed = pack(passages, budget=count_tokens("甲" * 100) * 2 + 1)
    assert packed == passages[:2]
    assert pack(passages, budget=1) == []


def test_a_figure_must_keep_its_measure_word():
    result = guard("比如，全年学习3次，形成措施仅2项，另有3项先实施后报告。", ["有3项事项先实施后报告"])
    assert result.text == "比如，全年学习〔待补：数字〕次，形成措施仅〔待补：数字〕项，另有3项先实施后报告。"


def test_an_example_inside_a_slot_is_not_a_source():
    bank = "〔待补：完成时限，如2025年6月底前〕制定办法，由〔待补：牵头人〕负责。"
    result = guard("完成时限：2025年6月底前。", [bank])
    assert "2025年6月" not in result.text and "〔待补" in result.text
    assert guard("完成时限：2025年6月底前。", [bank, "整改时限为2025年6月底前"]).text == "完成时限：2025年6月底前。"
