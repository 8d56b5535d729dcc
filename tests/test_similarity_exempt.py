"""雷同 and the notice's own wording: quoting the theme or an area title is every unit's duty, so it is cut out
of a sentence before the comparison; what the unit wrote around the quotation is still compared."""

import json

import pytest
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import Settings
from assistant.document import parse
from assistant.rubric import Severity, run_rubric
from assistant.similarity import SentenceCorpus, compare, eligible_sentences, shared_share

HEAD = "{org}领导班子2024年度民主生活会对照检查材料\n"


@pytest.fixture
def notice(notices):
    return notices.get("2024")


def quoting_theme(notice, org: str) -> str:
    """A sentence whose only words besides the quotation are the unit's name and a short formula."""
    return f"{org}领导班子紧扣“{notice.theme}”这一主题。"


def test_wording_is_the_theme_and_every_area_title_and_variant(notice):
    wording = notice.wording()
    assert wording[0] == notice.theme
    for area in notice.areas:
        assert area.title in wording and all(v in wording for v in area.variants)


def test_a_quoted_theme_alone_makes_no_shared_sentence(notice):
    ours, theirs = quoting_theme(notice, "临溪县交通运输局"), quoting_theme(notice, "江川市生态环境局")
    corpus = SentenceCorpus()
    corpus.add(theirs, "乙单位")
    assert shared_share(ours, corpus) == 1.0  # without the exemption the theme makes the two sentences alike
    assert shared_share(ours, corpus, exempt=notice.wording()) == 0.0
    # what is left (unit name and formula) is under the minimum length: the sentence is not measured at all
    assert eligible_sentences(ours) and not eligible_sentences(ours, exempt=notice.wording())


def test_own_words_around_a_quotation_are_still_compared(notice):
    copied = ("班子在“带头增强党性、严守纪律、砥砺作风”方面，对照检查不够深入，查摆问题时谈工作多、谈思想少，"
              "剖析根源时讲客观多、讲主观少，整改措施大而化之。")
    corpus = SentenceCorpus()
    corpus.add(copied.replace("班子", "局党组", 1), "乙单位")
    [match] = compare(copied, [corpus], exempt=notice.wording())[0]
    assert match.score >= 0.8  # the copied judgement is 雷同 whatever it quotes
    rewritten = ("班子在“带头增强党性、严守纪律、砥砺作风”方面，2024年三次专题研讨都由办公室代拟发言稿，"
                 "龙潭村客运班线停开的投诉拖了一个多月没有人牵头答复。")
    assert not compare(rewritten, [corpus], exempt=notice.wording())[0]


def test_a_clause_of_the_theme_is_cut_out_on_its_own(notice):
    clause = notice.theme.split("，")[1]  # 巩固深化党纪学习教育成果
    ours = f"班子坚持以{clause}为主线开展会前学习。"
    corpus = SentenceCorpus()
    corpus.add(ours, "乙单位")
    assert shared_share(ours, corpus) == 1.0
    assert not eligible_sentences(ours, exempt=notice.wording())


def rubric_shared(text: str, other: str, notice) -> list:
    report = run_rubric(parse(text), settings=Settings(), notice=notice, only=["similarity"],
                        others=[("乙单位.txt", other)])
    return [f for f in report.findings if f.severity == Severity.MAJOR]


def test_the_rubric_rule_leaves_the_notice_wording_out(notice):
    ours = HEAD.format(org="临溪县交通运输局") + quoting_theme(notice, "临溪县交通运输局") + "\n"
    theirs = HEAD.format(org="江川市生态环境局") + quoting_theme(notice, "江川市生态环境局") + "\n"
    assert rubric_shared(ours, theirs, None)  # no notice known: nothing to leave out
    assert not rubric_shared(ours, theirs, notice)


def test_check_against_leaves_the_notice_wording_out(notice, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(HEAD.format(org="临溪县交通运输局") + quoting_theme(notice, "临溪县交通运输局") + "\n", encoding="utf-8")
    folder = tmp_path / "others"
    folder.mkdir()
    (folder / "乙单位.txt").write_text(HEAD.format(org="江川市生态环境局") + quoting_theme(notice, "江川市生态环境局") + "\n",
                                      encoding="utf-8")
    runner = CliRunner()
    with_notice = json.loads(runner.invoke(main, ["check", str(ours), "--against", str(folder), "--notice", "2024",
                                                  "--json"]).stdout)
    assert with_notice["summary"]["shared_share"] == 0.0
    assert not [f for f in with_notice["findings"] if f["rule"] == "similarity"]
