"""雷同: sentences copied from the banks or shared with another unit's material, each behaviour both ways."""

import json
import subprocess
import sys

import pytest
import yaml
from click.testing import CliRunner

from assistant.cli import main
from assistant.config import PROJECT_ROOT, Settings
from assistant.document import parse
from assistant.rubric import Severity, run_rubric
from assistant.similarity import (BANK_LABEL, SentenceCorpus, bank_corpus, eligible_sentences, shared_share,
                                  split_sentences)
from tests.conftest import FIXTURES

BANKS = PROJECT_ROOT / "knowledge" / "banks"
# The second sentence of problem-2021-1-01's text, word for word.
BANK_SENTENCE = ("班子虽然组织了多次专题学习，但对“两个确立”的历史必然性和实践基础理解不深，有的班子成员满足于会上表态、文件引用，"
                 "没有把“两个确立”转化为做到“两个维护”的具体行动，学习与工作存在“两张皮”。")
REWRITTEN = ("2024年局党组围绕“两个确立”组织专题学习6次，但在推进食品安全“两个责任”落实时，3名班子成员仍只在会上表态，"
             "对学校食堂“明厨亮灶”覆盖率偏低的问题直到省局督查后才研究整改。")
NEAR_COPY = BANK_SENTENCE.replace("多次", "几次").replace("不深", "不透")  # two characters changed
HEAD = "江川县水务局领导班子2024年度民主生活会对照检查材料\n一、存在的主要问题\n（一）在带头严守政治纪律和政治规矩，维护党的团结统一方面\n"

# Eight sentences of a unit's own, none of them in the banks.
OWN = [
    "今年汛期前班子只组织了一次防汛预案推演，对城区三处易涝点的抽排能力心中无数，暴雨当晚调度一度被动。",
    "班子成员到基层水管站调研时多听站长汇报，很少走到渠道和泵站现场看设备运行，对老旧设备带病运转情况掌握不准。",
    "农村供水工程移交后，班子对水厂运营单位的水质抽检只看报表，没有安排突击抽查，群众反映的自来水发黄问题拖了两个月。",
    "河长制巡河记录中有不少是补记的，班子发现后只在会上点名，没有追问巡河不实背后的责任落实问题。",
    "班子研究水库移民后期扶持资金分配时，只按往年比例切块，没有到移民村听取群众意见，个别项目群众并不认可。",
    "水利工程建设项目的招投标监督，班子过多依赖代理机构，对评标专家抽取和围标串标迹象的甄别不够敏锐。",
    "班子对年轻干部只压担子不带路子，新进的三名技术人员一年里没有独立负责过一个工程项目，成长偏慢。",
    "节水型社会建设宣传停留在发放倡议书、挂横幅，对用水大户的计量监管和超计划累进加价落实不到位。",
]


def material(*sentences: str) -> str:
    return HEAD + "\n".join(f"{'一二三四五六七八九十'[i]}是{s}" for i, s in enumerate(sentences)) + "\n"


def similarity_findings(text, *, others=(), settings=None):
    report = run_rubric(parse(text), settings=settings or Settings(), only=["similarity"], others=others)
    return report, report.findings


def majors(findings):
    return [f for f in findings if f.severity == Severity.MAJOR]


# ---- the measurement ----------------------------------------------------------------------------------------------
def test_bank_sentence_is_really_in_the_bank():
    entries = yaml.safe_load((BANKS / "problems.yaml").read_text(encoding="utf-8"))
    assert any(BANK_SENTENCE in entry["text"] for entry in entries)
    assert all(s.chars >= 20 for s in eligible_sentences(material(*OWN)))
    assert shared_share(material(*OWN), bank_corpus(BANKS)) == 0.0


def test_verbatim_bank_sentence_flagged_rewritten_not():
    _, found = similarity_findings(material(OWN[0], BANK_SENTENCE))
    [major] = majors(found)
    assert major.line == 5 and "参考库" in major.message and "100%" in major.message
    assert major.excerpt.startswith("二是班子虽然组织了多次专题学习")
    assert "本单位" in major.suggestion
    _, rewritten = similarity_findings(material(OWN[0], REWRITTEN))
    assert not rewritten


def test_near_copy_flagged_distinct_sentence_not():
    corpus = bank_corpus(BANKS)
    [match] = corpus.matches(NEAR_COPY)
    assert match.label == BANK_LABEL and 0.8 <= match.score < 1.0 and match.other == BANK_SENTENCE
    assert majors(similarity_findings(material(NEAR_COPY))[1])
    assert not corpus.matches(REWRITTEN)


def test_short_sentences_headings_and_slots_never_flagged():
    other = HEAD + "一是这个问题必须认真整改到位。\n二是" + BANK_SENTENCE + "\n"
    short = material("这个问题必须认真整改到位。")  # 12 characters, word for word in the other material
    assert not similarity_findings(short, others=[("乙单位.txt", other)])[1]
    # The headings are the same in both, only the long sentence is flagged.
    _, found = similarity_findings(HEAD + "一是" + BANK_SENTENCE + "\n", others=[("乙单位.txt", other)])
    assert [f.line for f in majors(found)] == [4]
    headings_only = HEAD + "二、产生问题的原因剖析\n（一）理论武装不够深入，学用脱节\n"
    assert not similarity_findings(headings_only, others=[("乙单位.txt", headings_only)])[1]
    # Text inside a slot is not compared; the same words outside it are.
    slotted = material("〔待补：" + BANK_SENTENCE.rstrip("。") + "〕", OWN[1])
    assert not similarity_findings(slotted)[1]
    assert [s.line for s in split_sentences("一、存在的主要问题\n" + BANK_SENTENCE)] == [2]


def test_clean_fixture_materials_have_no_similarity_findings():
    for path in sorted(FIXTURES.glob("*.txt")):
        report, found = similarity_findings(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)
        assert report.measures["shared_share"] == 0.0


def test_summary_finding_and_share():
    text = material(*OWN[:6], BANK_SENTENCE, NEAR_COPY)
    report, found = similarity_findings(text)
    assert len(majors(found)) == 2
    [summary] = [f for f in found if f.severity == Severity.MINOR]
    assert "全文8句中有2句与参考库或其他材料雷同（占25%）" == summary.message
    assert report.measures["shared_share"] == pytest.approx(0.25)
    assert report.to_dict()["summary"]["shared_share"] == pytest.approx(0.25)


def test_corpus_matches_name_the_other_material():
    corpus = SentenceCorpus()
    corpus.add(material(OWN[2], OWN[3]), "乙单位.txt")
    [match] = corpus.matches(material(OWN[0], OWN[3]))
    assert (match.label, match.line, match.score) == ("乙单位.txt", 5, 1.0)
    assert match.sentence == "二是" + OWN[3] and match.other == "二是" + OWN[3]
    assert shared_share(material(OWN[0], OWN[3]), corpus) == pytest.approx(0.5)
    assert shared_share(material(OWN[0], OWN[1]), corpus) == 0.0


def test_bank_corpus_is_cached_and_never_built_at_import():
    assert bank_corpus(BANKS) is bank_corpus(str(BANKS))
    code = "import assistant.cli, assistant.similarity as s; print(len(s._BANK_CACHE))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "0"


# ---- the command line ---------------------------------------------------------------------------------------------
@pytest.fixture
def run():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, [str(a) for a in args])


def test_against_flags_sentences_shared_between_materials(run, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(material(*OWN[:4]), encoding="utf-8")
    folder = tmp_path / "others"
    folder.mkdir()
    (folder / "乙单位.md").write_text(material(OWN[5], OWN[1], OWN[2]), encoding="utf-8")
    data = json.loads(run("check", ours, "--against", folder, "--json").stdout)
    shared = [f for f in data["findings"] if f["rule"] == "similarity" and f["severity"] == "major"]
    assert [f["line"] for f in shared] == [5, 6]
    assert all("另一份材料“乙单位.md”" in f["message"] for f in shared)
    assert not [f for f in json.loads(run("check", ours, "--json").stdout)["findings"] if f["rule"] == "similarity"]

    plain = run("check", ours, "--against", folder)
    assert "另一份材料“乙单位.md”" in plain.output and "其他材料 1 份" in plain.output


def test_against_skips_the_checked_file_itself(run, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(material(*OWN[:4]), encoding="utf-8")
    (tmp_path / "丙单位.txt").write_text(material(OWN[6]), encoding="utf-8")
    data = json.loads(run("check", ours, "--against", tmp_path, "--json").stdout)
    assert data["summary"]["shared_share"] == 0.0
    (tmp_path / "丁单位.txt").write_text(material(*OWN[:4]), encoding="utf-8")
    assert json.loads(run("check", ours, "--against", tmp_path, "--json").stdout)["summary"]["shared_share"] == 1.0


def test_json_share_two_of_eight(run, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(material(*OWN), encoding="utf-8")
    folder = tmp_path / "others"
    folder.mkdir()
    (folder / "乙单位.txt").write_text(material(OWN[1], "一个别的句子，并不相同。", OWN[6]), encoding="utf-8")
    result = run("check", ours, "--against", folder, "--json")
    data = json.loads(result.stdout)
    assert set(data) == {"notice", "kind", "areas", "findings", "summary"}
    assert {"blocker", "major", "minor"} <= set(data["summary"])
    assert isinstance(data["summary"]["shared_share"], float)
    assert data["summary"]["shared_share"] == pytest.approx(0.25, abs=1e-3)
    alone = json.loads(run("check", ours, "--json").stdout)
    assert alone["summary"]["shared_share"] == 0.0


def test_unreadable_file_in_folder_warns_and_check_runs(run, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(material(*OWN[:3]), encoding="utf-8")
    folder = tmp_path / "others"
    folder.mkdir()
    (folder / "坏文件.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "二进制.txt").write_bytes(bytes(range(256)) * 20)
    (folder / "乙单位.txt").write_text(material(OWN[0]), encoding="utf-8")
    result = run("check", ours, "--against", folder, "--json")
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    assert "已跳过“坏文件.docx”" in result.stderr and "已跳过“二进制.txt”" in result.stderr
    data = json.loads(result.stdout)
    assert [f["line"] for f in data["findings"] if f["rule"] == "similarity" and f["severity"] == "major"] == [4]


def test_against_a_missing_folder_is_a_chinese_error(run, tmp_path):
    ours = tmp_path / "甲单位.txt"
    ours.write_text(material(*OWN[:3]), encoding="utf-8")
    result = run("check", ours, "--against", tmp_path / "nope")
    assert result.exit_code == 2 and "找不到文件夹" in result.output
    result = run("check", ours, "--against", ours)
    assert result.exit_code == 2 and "不是文件夹" in result.output
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", ours, "--against", empty, "--json")
    assert result.exit_code in (0, 1) and "没有可比对的其他材料" in result.stderr
    assert json.loads(result.stdout)["summary"]["shared_share"] == 0.0
