"""Benchmark: `jianshi check` on a 15,000-character material.

Reports medians of repeated runs: parse alone (the in-process baseline), the rubric on the parsed tree,
and the whole command in a fresh process against a bare interpreter start (the process baseline).

    .venv/bin/python benchmarks/check_bench.py [--repeat 30] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from assistant.config import Settings  # noqa: E402
from assistant.document import parse  # noqa: E402
from assistant.notices import NoticeLibrary  # noqa: E402
from assistant.rubric import run_rubric  # noqa: E402

CJK = re.compile(r"[\u4e00-\u9fff]")
TARGET_CHARS = 15_000


def build_material(target: int = TARGET_CHARS) -> str:
    """The team's clean 2024 material, its problem items written out again until the target length."""
    base = (ROOT / "tests" / "fixtures" / "clean-2024-banzi.txt").read_text(encoding="utf-8")
    lines = base.split("\n")
    item_lines = [i for i, line in enumerate(lines) if re.match(r"[一二三]是", line)]
    extra_round = 0
    while len(CJK.findall("\n".join(lines))) < target:
        extra_round += 1
        for offset, index in enumerate(item_lines):
            lines.insert(index + offset + 1, lines[index].replace("是", "是（补充" + str(extra_round) + "）", 1))
        item_lines = [i for i, line in enumerate(lines) if re.match(r"[一二三]是", line) and "补充" not in line]
    return "\n".join(lines)


def median_ms(fn, repeat: int) -> float:
    timings = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()

    text = build_material()
    settings = Settings()
    notice = NoticeLibrary(ROOT / "knowledge" / "notices").get("2024")
    doc = parse(text)
    run_rubric(doc, settings=settings, notice=notice)  # warm regex caches once

    parse_ms = median_ms(lambda: parse(text), args.repeat)
    rubric_ms = median_ms(lambda: run_rubric(parse(text), settings=settings, notice=notice), args.repeat)
    report = run_rubric(doc, settings=settings, notice=notice)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "material.txt"
        path.write_text(text, encoding="utf-8")
        jianshi = str(Path(sys.executable).parent / "jianshi")
        command_runs = max(5, args.repeat // 3)
        command_ms = median_ms(lambda: subprocess.run([jianshi, "check", str(path), "--notice", "2024", "--json"],
                                                      capture_output=True), command_runs)
        python_ms = median_ms(lambda: subprocess.run([sys.executable, "-c", "pass"], capture_output=True), command_runs)

    result = {
        "chars": len(CJK.findall(text)),
        "findings": len(report.findings),
        "parse_ms_median": round(parse_ms, 2),
        "check_ms_median": round(rubric_ms, 2),
        "check_over_parse": round(rubric_ms / parse_ms, 1),
        "command_ms_median": round(command_ms, 1),
        "python_start_ms_median": round(python_ms, 1),
        "command_over_python_start": round(command_ms / python_ms, 1),
        "repeat": args.repeat,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(f"材料长度：{result['chars']} 字，发现问题 {result['findings']} 条")
        print(f"解析（基线）中位数：{result['parse_ms_median']} ms")
        print(f"解析+检查 中位数：{result['check_ms_median']} ms（目标 < 50 ms；为解析的 {result['check_over_parse']} 倍）")
        print(f"整条命令中位数：{result['command_ms_median']} ms（空 Python 进程 {result['python_start_ms_median']} ms，"
              f"{result['command_over_python_start']} 倍）")


if __name__ == "__main__":
    main()
