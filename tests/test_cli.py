"""The `jianshi` command: exit codes, JSON contract and Chinese messages on bad input."""

import json
import re

import docx
import pytest
from click.testing import CliRunner

from assistant.cli import main
from tests.conftest import FIXTURES, SAMPLE, fixture_text

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def run():
    runner = CliRunner()

    def invoke(*args):
        return runner.invoke(main, [str(a) for a in args])

    return invoke


@pytest.fixture
def sample_file(tmp_path, sample_text):
    path = tmp_path / "sample.txt"
    path.write_text(sample_text, encoding="utf-8")
    return path


def assert_clean_failure(result, code=2):
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert CJK.search(result.output), "the message must be Chinese"


def test_check_json_on_sample(run, sample_file):
    result = run("check", sample_file, "--notice", "2021", "--json")
    data = json.loads(result.output)
    assert set(data) == {"notice", "kind", "areas", "findings", "summary"}
    assert data["notice"] == "2021" and data["kind"] == "banzi"
    assert [a["index"] for a in data["areas"]] == [1, 2, 3, 4, 5]
    assert all(a["matched"] for a in data["areas"])
    assert all(set(a) == {"index", "title", "matched", "items", "examples"} for a in data["areas"])
    for finding in data["findings"]:
        assert set(finding) == {"rule", "severity", "message", "suggestion", "line", "excerpt"}
        assert finding["severity"] in {"blocker", "major", "minor"}
    rules = {f["rule"] for f in data["findings"]}
    assert {"pinyin-abbrev", "placeholder", "year", "quotes", "doubled-char", "vague-measure"} <= rules
    assert data["summary"]["blocker"] == sum(f["severity"] == "blocker" for f in data["findings"])
    assert result.exit_code == 1  # the sample has blockers (placeholders, pinyin)


def test_check_readable_report(run, sample_file):
    result = run("check", sample_file, "--notice", "2021")
    assert result.exit_code == 1
    assert "必须修改" in result.output and "建议" in result.output and "第" in result.output


def test_check_guesses_notice_from_the_draft(run, sample_file):
    data = json.loads(run("check", sample_file, "--json").output)
    assert data["notice"] == "2021"


def test_notices_listing(run):
    data = json.loads(run("notices", "--json").output)
    ids = [n["id"] for n in data["notices"]]
    assert {"2021", "2022", "2023", "2024", "2025", "basic"} <= set(ids)
    plain = run("notices")
    assert plain.exit_code == 0 and "通知预设" in plain.output
    by_id = {n["id"]: n for n in data["notices"]}
    assert by_id["2025"]["sources"] and all(s["url"].startswith("http") for s in by_id["2025"]["sources"])
    assert [a["verified"] for a in by_id["2021"]["areas"]] == [False] * 5 and by_id["2021"]["counts"] == [5, 6]
    assert "核实来源" in plain.output and "gongxunwk.com" in plain.output and "（待核实）" in plain.output
    assert "2026" in plain.output and "--notice 通知原文.txt" in plain.output


def test_a_year_without_preset_asks_for_the_notice_text(run, tmp_path):
    material = tmp_path / "m.txt"
    material.write_text(fixture_text("clean-2025-geren.txt"), encoding="utf-8")
    result = run("check", material, "--notice", "2026")
    assert result.exit_code == 2
    assert "2026年度的通知还没有收录为预设" in result.output and "--notice 通知原文.txt" in result.output


def test_check_with_a_pasted_notice_shows_its_warnings(run, tmp_path):
    material = tmp_path / "m.txt"
    material.write_text(fixture_text("clean-2025-geren.txt"), encoding="utf-8")
    notice = tmp_path / "notice.txt"
    notice.write_text("一、会议主题\n以学促干，推动工作提质增效。\n二、对照检查内容\n重点从以下六个方面：\n"
                      + "\n".join(f"（{n}）{a}。" for n, a in zip("一二三四五", [
                          "带头强化政治忠诚、提高政治能力", "带头固本培元、增强党性", "带头敬畏人民、敬畏组织、敬畏法纪",
                          "带头干事创业、担当作为", "带头坚决扛起管党治党责任"])), encoding="utf-8")
    result = run("check", material, "--notice", notice)
    assert "注意：通知写的是6个方面，但只识别出5个方面" in result.output


@pytest.mark.parametrize("name,content", [
    ("empty.txt", b""),
    ("blank.txt", "   \n\n  ".encode()),
    ("binary.txt", bytes(range(256)) * 20),
    ("huge.txt", ("一是学习不深。" * 100_000).encode()),
    ("corrupt.docx", b"PK\x03\x04 not really a zip"),
    ("old.doc", b"\xd0\xcf\x11\xe0 legacy"),
])
def test_bad_input_gets_a_chinese_message(run, tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    assert_clean_failure(run("check", path))


def test_missing_file_and_directory(run, tmp_path):
    assert_clean_failure(run("check", tmp_path / "nope.txt"))
    assert_clean_failure(run("check", tmp_path))


def test_unknown_notice(run, sample_file):
    result = run("check", sample_file, "--notice", "1999")
    assert_clean_failure(result)
    assert "2024" in result.output  # lists the presets that exist


def test_gbk_and_bom_files_check_like_utf8(run):
    outputs = [json.loads(run("check", FIXTURES / "samples" / name, "--notice", "2021", "--json").output)
               for name in ("sample-2021-banzi.txt", "sample-2021-banzi.gbk.txt", "sample-2021-banzi.bom.txt")]
    assert (FIXTURES / "samples" / "sample-2021-banzi.gbk.txt").read_bytes() != SAMPLE.read_bytes()
    assert outputs[0]["findings"] and outputs[0] == outputs[1] == outputs[2]


def test_docx_input(run, tmp_path, sample_text):
    document = docx.Document()
    for line in sample_text.splitlines():
        document.add_paragraph(line)
    document.save(tmp_path / "sample.docx")
    data = json.loads(run("check", tmp_path / "sample.docx", "--notice", "2021", "--json").output)
    assert len(data["areas"]) == 5


def test_pasted_notice_file(run, tmp_path, sample_file):
    notice = tmp_path / "notice.txt"
    notice.write_text("关于开好2021年度专题民主生活会的通知\n重点围绕以下5个方面进行对照检查：\n"
                      "（一）带头深刻感悟“两个确立”的决定性意义；\n（二）带头牢记我们党是什么、要干什么这个根本问题；\n"
                      "（三）带头践行以人民为中心的发展思想；\n（四）带头学习运用党在不同历史时期成功应对风险挑战的丰富经验；\n"
                      "（五）带头深刻汲取党史中正反两方面经验。\n", encoding="gbk")
    data = json.loads(run("check", sample_file, "--notice", notice, "--json").output)
    assert data["notice"] == "pasted"
    assert all(a["matched"] for a in data["areas"])


def test_export_refuses_blockers_then_forces(run, tmp_path, sample_file):
    out = tmp_path / "out.docx"
    refused = run("export", sample_file, "-o", out, "--notice", "2021")
    assert_clean_failure(refused, code=1)
    assert "--force" in refused.output and not out.exists()
    forced = run("export", sample_file, "-o", out, "--notice", "2021", "--force")
    assert forced.exit_code == 0, forced.output
    assert out.exists() and docx.Document(str(out)).paragraphs


def test_export_markdown_and_bad_suffix(run, tmp_path, sample_file):
    md = tmp_path / "out.md"
    assert run("export", sample_file, "-o", md, "--force").exit_code == 0
    assert "一、存在的主要问题" in md.read_text(encoding="utf-8")
    assert_clean_failure(run("export", sample_file, "-o", tmp_path / "out.pdf", "--force"))


def test_bad_kind_is_usage_error(run, sample_file):
    assert run("check", sample_file, "--kind", "team").exit_code == 2


@pytest.mark.parametrize("args,expected", [
    (["check"], "缺少参数"),
    (["check", "x.txt", "--kind", "team"], "无效"),
    (["chek"], "没有命令"),
    (["check", "x.txt", "--bogus"], "没有选项"),
])
def test_usage_errors_are_chinese(args, expected):
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert expected in result.output and "--help" in result.output
