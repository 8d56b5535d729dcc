"""`jianshi sort` and `jianshi draft --sucai`: the 素材 read from the team's fixture files, sorted into the
notice's areas, and a whole material drafted through an OpenAI-compatible endpoint (a loopback stub)."""

import json
import re
from pathlib import Path

from click.testing import CliRunner

from assistant.cli import main
from tests.openai_stub import StubOpenAI

SUCAI = Path(__file__).parent / "fixtures" / "sucai"
CJK = re.compile(r"[\u4e00-\u9fff]")


def run(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def test_bad_sucai_files_give_a_chinese_message_and_exit_2(tmp_path):
    for path in (SUCAI / "损坏.xlsx", tmp_path / "没有这个文件.xlsx"):
        result = run("sort", path, "--notice", "2024")
        assert result.exit_code == 2 and "Traceback" not in result.output and CJK.search(result.output)
    empty = tmp_path / "空.txt"
    empty.write_text("\n", encoding="utf-8")
    result = run("draft", "--notice", "2024", "--org", "临溪县交通运输局", "--kind", "banzi", "--sucai", empty,
                 "-o", tmp_path / "out.md")
    assert result.exit_code == 2 and CJK.search(result.output) and not (tmp_path / "out.md").exists()


def test_sort_then_draft_from_the_sucai_through_an_openai_compatible_endpoint(tmp_path):
    files = [SUCAI / "征求意见汇总.xlsx", SUCAI / "台账.xlsx"]
    sorted_ = run("sort", *files, "--notice", "2024", "--json")
    assert sorted_.exit_code == 0, sorted_.output
    payload = json.loads(sorted_.output)
    problems = [e for e in payload["entries"] if e["kind"] in ("opinion", "talk", "finding", "feedback")]
    assert problems and all(1 <= e["area"] <= 4 and e["area_title"] for e in problems)
    assert any(e["count"] >= 2 for e in problems)  # the workbook's repeated opinion was merged
    assert any(e["kind"] == "ledger" for e in payload["entries"])
    assert sorted(sum((a["entries"] for a in payload["areas"]), [])) == sorted(e["id"] for e in problems)

    out = tmp_path / "材料.md"
    with StubOpenAI() as stub:
        env = {"JIANSHI_MODEL_URL": stub.base_url, "JIANSHI_MODEL": "stub-model", "JIANSHI_MODEL_RETRIES": "0"}
        drafted = run("draft", "--notice", "2024", "--org", "临溪县交通运输局", "--kind", "banzi",
                      *[x for f in files for x in ("--sucai", f)], "-o", out, "--json", "--no-log", env=env)
        asked = len(stub.requests)
    assert drafted.exit_code == 0, drafted.output
    result = json.loads(drafted.output[drafted.output.index("{"):])
    text = out.read_text(encoding="utf-8")
    assert asked > 0 and text.startswith("临溪县交通运输局领导班子2024年度民主生活会对照检查材料")
    mapped = {eid for p in result["map"]["problems"] for eid in p["entries"]}
    assert mapped == {e["id"] for e in result["sucai"] if e["kind"] in ("opinion", "talk", "finding", "feedback")}
    for entry in result["sucai"]:
        if entry["kind"] == "opinion":
            assert entry["text"][:12] in text  # the stub writes nothing usable: each item keeps its entries
    assert "上年度民主生活会整改落实情况" in text and "已完成整改" in text
    assert result["map"]["causes"] and result["map"]["measures"]
